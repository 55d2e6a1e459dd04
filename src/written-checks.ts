/**
 * What is written, judged. `addJsonPatch` on a workload or its ServiceAccount changes the object
 * after the library rendered it, so the synth-time checks judge the object as cdk8s writes it
 * (`toJson()`, patches applied) whenever it carries a patch: a patch that adds `privileged`, a
 * hostPath or an automounted token fails synth the way the matching `relax` would, naming the
 * patch. Unpatched objects are what the library rendered and were judged already, so they cost
 * nothing here.
 */
import { ApiObject } from 'cdk8s';
import { checkRule } from './checks/rules';
import { Mesh } from './model/mesh';
import { patchedBy, patchesOf } from './written-objects';

/** A pod check: the violations of a pod template, keyed so two results can be compared. */
export type PodJudge = (podTemplate: any) => Array<{ key: string; problem: string }>;

export interface WrittenWorkload {
  /** The workload object (Deployment, StatefulSet, ...). */
  readonly workload: ApiObject;
  /** Its ServiceAccount, when the library made one. */
  readonly serviceAccount?: ApiObject;
  /** The pod template as the library rendered it, before any patch. */
  readonly ownPod: () => any;
  /** The workload's pod template inside its `toJson()` (e.g. `spec.template`, or a CronJob's). */
  readonly podOf: (json: any) => any;
  /** Pod Security, as the workload judges its own pod. */
  readonly judge: PodJudge;
  /** The mesh the pods are in, when they are meshed. */
  readonly mesh?: Mesh;
  readonly namespace?: string;
  /** The token is mounted on purpose (`relax.mountServiceAccountToken`). */
  readonly tokenRelaxed: boolean;
}

const memo = new WeakMap<ApiObject, { patches: number; problems: string[] }>();

/**
 * The problems the patches on `w` introduce: Pod Security violations the library's own pod does
 * not have, an automounted token, an injection opt-out in a meshed namespace. Empty without
 * patches. Cached per number of patches, since cdk8s validates once per chart.
 */
export function patchedWorkloadProblems(w: WrittenWorkload): string[] {
  const onWorkload = patchesOf(w.workload);
  const onAccount = patchesOf(w.serviceAccount);
  const count = onWorkload.length + onAccount.length;
  if (count === 0) return [];
  const cached = memo.get(w.workload);
  if (cached?.patches === count) return cached.problems;

  const byPatch = [onWorkload.length ? patchedBy(w.workload, onWorkload) : undefined, w.serviceAccount && onAccount.length ? patchedBy(w.serviceAccount, onAccount) : undefined]
    .filter((x) => x !== undefined).join(' and ');
  const fix = 'remove the patch and use the typed option, which the library models and checks (e.g. `relax`, `securityContext`, `mesh: false`)';
  const workloadJson = w.workload.toJson();
  const problems: string[] = [];

  const own = new Set(w.judge(w.ownPod()).map((v) => v.key));
  for (const v of w.judge(w.podOf(workloadJson))) {
    if (!own.has(v.key)) problems.push(`${v.problem}, written by ${byPatch}). Fix: ${fix}.`);
  }
  const manifests = [workloadJson, ...(w.serviceAccount ? [w.serviceAccount.toJson()] : [])];
  if (!w.tokenRelaxed) {
    for (const f of checkRule('service-account-token', manifests).findings) {
      problems.push(`${f.subject} ${f.field}: ${f.message}, written by ${byPatch}. Fix: remove the patch; an app that calls the API server sets relax.mountServiceAccountToken.`);
    }
  }
  if (w.mesh && w.namespace) {
    const namespace = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: w.namespace, labels: w.mesh.namespaceLabels() } };
    for (const f of checkRule('mesh-injection', [namespace, workloadJson]).findings) {
      problems.push(`${f.subject} ${f.field}: ${f.message}, written by ${byPatch}. Fix: remove the patch; to keep the app out of the mesh set \`mesh: false\`, which the library models.`);
    }
  }
  memo.set(w.workload, { patches: count, problems });
  return problems;
}
