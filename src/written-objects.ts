/**
 * The objects a construct wrote, judged as cdk8s writes them. `addJsonPatch` changes an object
 * after the library rendered and checked it, so at synth every patched object is compared with
 * its own render without the patches (`checks/patch-judges.ts`): a patch that widens a
 * NetworkPolicy or an AuthorizationPolicy, points a Service at other pods, weakens mTLS, changes
 * a Namespace's Pod Security or mesh labels, or moves an object fails synth naming the patch.
 *
 * cdk8s keeps the patches in an undocumented field, `patches`. Reading it is what makes this
 * cheap (unpatched objects cost one array check), and it is guarded twice so a cdk8s that renames
 * it cannot silently switch the judging off: every judged object must have that array, or synth
 * fails with a SecureConfigError saying so; and test/no-bypass-patches.test.ts applies a patch
 * and asserts the check sees it, so a cdk8s upgrade that breaks the read fails CI.
 */
import { ApiObject } from 'cdk8s';
import { IConstruct } from 'constructs';
import { patchFindings } from './checks/patch-judges';
import { SecureConfigError } from './core/errors';

interface CdkPatch { _toJson?: () => { op?: string; path?: string } }

/** The patches on `obj`, as cdk8s holds them; fails loudly when they cannot be read. */
function patchArray(obj: ApiObject): CdkPatch[] {
  const patches = (obj as unknown as { patches?: unknown }).patches;
  if (Array.isArray(patches)) return patches as CdkPatch[];
  throw new SecureConfigError(obj.node.path, [
    `cdk8s-secure cannot see the JSON patches on ${obj.kind} ${obj.node.path}: this cdk8s keeps them elsewhere than the \`patches\` array of cdk8s 2, so what a patch writes could not be judged. Fix: use a cdk8s 2 release this cdk8s-secure supports (its peerDependencies), or upgrade cdk8s-secure.`,
  ]);
}

/** The patches on `obj`, as `op path` for messages; empty when it has none. */
export function patchesOf(obj: ApiObject | undefined): string[] {
  if (!obj) return [];
  return patchArray(obj).map((p) => {
    const j = typeof p?._toJson === 'function' ? p._toJson() : {};
    return `${j.op ?? 'patch'} ${j.path ?? ''}`.trim();
  });
}

/** `obj` as cdk8s would write it without its patches: what the library rendered. */
export function unpatchedJson(obj: ApiObject): any {
  const patches = patchArray(obj);
  const saved = patches.splice(0, patches.length);
  try {
    return obj.toJson();
  } finally {
    patches.push(...saved);
  }
}

/** `the JSON patch on Kind path (op path, …)`, for messages. */
export function patchedBy(obj: ApiObject, ops: string[]): string {
  return `the JSON patch${ops.length > 1 ? 'es' : ''} on ${obj.kind} ${obj.node.path} (${ops.join(', ')})`;
}

const FIX: Record<string, string> = {
  NetworkPolicy: 'remove the patch; declare traffic with allowFrom/allowTo (Peer.ipBlock for addresses), which the library renders on both sides and checks',
  AuthorizationPolicy: 'remove the patch; declare callers with allowFrom/allowTo, which the library renders into the NetworkPolicy and the AuthorizationPolicy alike',
  Service: 'remove the patch; the Service selects the app\'s pods and exposes its declared ports (set `ports`, `serviceType` or `name` instead)',
  PeerAuthentication: 'remove the patch; set `mtls` on the namespace\'s mesh (Mesh.sidecar({ mtls }) or Mesh.ambient({ mtls }))',
  Namespace: 'remove the patch; set `podSecurity`, `podSecurityVersion`, `auditLevel`, `warnLevel` or `mesh` on the IsolatedNamespace',
  ServiceAccount: 'remove the patch; an app that calls the API server sets relax.mountServiceAccountToken',
};
const DEFAULT_FIX = 'remove the patch and use the typed options of the construct that made the object, which the library models and checks';

const owners = new WeakSet<IConstruct>();
// Keyed by the patches themselves (op, path, value), so a changed patch is judged again.
const memo = new WeakMap<ApiObject, { patches: string; problems: string[] }>();

/** The owner a construct's objects belong to: the nearest one that judges its objects. */
function ownerOf(c: IConstruct): IConstruct | undefined {
  for (let s = c.node.scope; s; s = s.node.scope) if (owners.has(s)) return s;
  return undefined;
}

function problemsOf(obj: ApiObject): string[] {
  const ops = patchesOf(obj);
  if (ops.length === 0) return [];
  const key = JSON.stringify(patchArray(obj).map((p) => (typeof p?._toJson === 'function' ? p._toJson() : null)));
  const cached = memo.get(obj);
  if (cached?.patches === key) return cached.problems;
  const fix = FIX[obj.kind] ?? DEFAULT_FIX;
  const problems = patchFindings(unpatchedJson(obj), obj.toJson())
    .map((f) => `${f.subject} ${f.field}: ${f.message}, written by ${patchedBy(obj, ops)}. Fix: ${fix}.`);
  memo.set(obj, { patches: key, problems });
  return problems;
}

/**
 * Judges, at synth, every object below `owner` (not below a nested owner) as written: a patched
 * one against its own render. `judgedElsewhere` lists objects another check judges as written
 * (a workload's pod template and its ServiceAccount), which only their identity is judged for here.
 */
export function judgeWrittenObjects(owner: IConstruct, judgedElsewhere: () => readonly ApiObject[] = () => []): void {
  if (owners.has(owner)) return;
  owners.add(owner);
  owner.node.addValidation({
    validate: () => {
      const skip = new Set(judgedElsewhere());
      const out: string[] = [];
      for (const c of owner.node.findAll()) {
        if (!(c instanceof ApiObject) || c === owner || ownerOf(c) !== owner) continue;
        if (skip.has(c) && c.kind === 'ServiceAccount') continue;
        out.push(...problemsOf(c));
      }
      return out;
    },
  });
}
