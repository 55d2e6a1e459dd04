/**
 * One object per identity. Two ApiObjects of one API group, kind, namespace and name anywhere in
 * the app would be applied as one, the second silently replacing the first (two apps with one
 * `name`, an app named `default-deny` inside an IsolatedNamespace, two namespaces `team` at
 * different levels). The check walks the tree once per synth, shared by every construct that
 * asked for it, and each construct reports the collisions of the objects it made.
 */
import { ApiObject } from 'cdk8s';
import { IConstruct } from 'constructs';
import { objectKey } from './checks/object-paths';

// Kinds without a namespace: a chart's default namespace does not make two of them distinct.
const CLUSTER_SCOPED = new Set([
  'Namespace', 'ClusterRole', 'ClusterRoleBinding', 'PersistentVolume', 'StorageClass', 'PriorityClass', 'RuntimeClass',
  'CustomResourceDefinition', 'ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration', 'IngressClass', 'Node',
]);

// Objects the IsolatedNamespace writes under fixed names, so an app of that name is the likely cause.
const NAMESPACE_OWNED = new Set(['default-deny', 'allow-dns', 'default']);

// The prop that names an object of these kinds when it is not the workload's `name`.
const NAME_PROP: { readonly [kind: string]: string } = { ServiceAccount: 'serviceAccountName', Service: 'serviceName' };

const owners = new WeakSet<IConstruct>();
// Bumped whenever an owner is added, so a tree that grew between two synths is judged again.
let generation = 0;
const memo = new WeakMap<IConstruct, { generation: number; problems: Map<IConstruct, string[]> }>();

/** Makes `owner` report every object under it whose identity another object of the app shares. */
export function checkIdentities(owner: IConstruct): void {
  owners.add(owner);
  generation++;
  owner.node.addValidation({ validate: () => collisionsOf(owner) });
}

function collisionsOf(owner: IConstruct): string[] {
  const root = owner.node.root;
  let m = memo.get(root);
  if (!m || m.generation !== generation) {
    const entry = { generation, problems: collisions(root) };
    memo.set(root, entry);
    m = entry;
    // cdk8s validates the whole app once per chart in one synchronous pass; the next synth
    // (after the tree may have changed by hand) looks again.
    queueMicrotask(() => { if (memo.get(root) === entry) memo.delete(root); });
  }
  return m.problems.get(owner) ?? [];
}

function ownerOf(c: IConstruct): IConstruct | undefined {
  const scopes = c.node.scopes;
  for (let i = scopes.length - 1; i >= 0; i--) if (owners.has(scopes[i])) return scopes[i];
  return undefined;
}

function collisions(root: IConstruct): Map<IConstruct, string[]> {
  const byKey = new Map<string, ApiObject[]>();
  for (const c of root.node.findAll()) {
    if (!ApiObject.isApiObject(c)) continue;
    const namespace = CLUSTER_SCOPED.has(c.kind) ? undefined : c.metadata.namespace;
    const key = objectKey(c.apiVersion, c.kind, namespace, c.name);
    const list = byKey.get(key);
    if (list) list.push(c); else byKey.set(key, [c]);
  }
  const out = new Map<IConstruct, string[]>();
  for (const objects of byKey.values()) {
    if (objects.length < 2) continue;
    const [first] = objects;
    for (const later of objects.slice(1)) {
      // Reported by the construct that made the later object, or else by the earlier one's.
      const reporter = ownerOf(later) ?? ownerOf(first);
      if (!reporter) continue;
      const ns = CLUSTER_SCOPED.has(first.kind) ? undefined : first.metadata.namespace;
      const id = `${first.kind} ${ns ? `${ns}/` : ''}${first.name}`;
      const fix = NAMESPACE_OWNED.has(first.name) && ownerOf(first) !== ownerOf(later)
        ? `"${first.name}" is a name the IsolatedNamespace writes itself; give the app another \`name\``
        : `give one of them another \`name\`${NAME_PROP[first.kind] ? ` or \`${NAME_PROP[first.kind]}\`` : ''} (or put them in different namespaces)`;
      const problems = out.get(reporter) ?? [];
      problems.push(`${id} is written twice, by ${first.node.path} and by ${later.node.path}; the second would replace the first when applied. Fix: ${fix}.`);
      out.set(reporter, problems);
    }
  }
  return out;
}
