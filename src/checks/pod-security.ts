/**
 * Pod Security Admission (Pod Security Standards) as a pure function over plain Kubernetes JSON.
 *
 * The semantics are upstream's (k8s.io/pod-security-admission, policy/), version by version, so
 * that a manifest this library accepts for a namespace labelled `enforce=<level>` with
 * `enforce-version=<version>` is one the API server admits, and vice versa. The check
 * implementations live in ./pod-security-checks.ts; this module holds the public API.
 */
import { evaluatePodSecurity } from './pod-security-checks';
import type { PodSecurityCheckInfo, PodSecurityLevelName, PodSecurityViolation } from './pod-security-types';
import { SecureConfigError } from '../core/errors';

export type { PodSecurityCheckId, PodSecurityCheckInfo, PodSecurityLevelName, PodSecurityViolation } from './pod-security-types';

/**
 * Upstream's registry. Kept as data so that callers (docs, reports) and the tests can see which
 * versions change what; the evaluator itself hard-codes the same boundaries.
 */
export const POD_SECURITY_CHECKS: readonly PodSecurityCheckInfo[] = [
  { id: 'hostNamespaces', level: 'baseline', revisions: [0] },
  { id: 'privileged', level: 'baseline', revisions: [0] },
  { id: 'capabilities_baseline', level: 'baseline', revisions: [0] },
  { id: 'hostPathVolumes', level: 'baseline', revisions: [0] },
  { id: 'hostPorts', level: 'baseline', revisions: [0] },
  { id: 'appArmorProfile', level: 'baseline', revisions: [0] },
  { id: 'seLinuxOptions', level: 'baseline', revisions: [0, 31] },
  { id: 'procMount', level: 'baseline', revisions: [0, 35] },
  { id: 'seccompProfile_baseline', level: 'baseline', revisions: [0, 19] },
  { id: 'sysctls', level: 'baseline', revisions: [0, 27, 29, 32, 37] },
  { id: 'windowsHostProcess', level: 'baseline', revisions: [0] },
  { id: 'hostProbesAndHostLifecycle', level: 'baseline', revisions: [34] },
  { id: 'restrictedVolumes', level: 'restricted', revisions: [0], overrides: 'hostPathVolumes' },
  { id: 'allowPrivilegeEscalation', level: 'restricted', revisions: [8, 25] },
  { id: 'runAsNonRoot', level: 'restricted', revisions: [0, 35] },
  { id: 'runAsUser', level: 'restricted', revisions: [23, 35] },
  { id: 'seccompProfile_restricted', level: 'restricted', revisions: [19, 25], overrides: 'seccompProfile_baseline' },
  { id: 'capabilities_restricted', level: 'restricted', revisions: [22, 25], overrides: 'capabilities_baseline' },
  { id: 'procMount_restricted', level: 'restricted', revisions: [35], overrides: 'procMount' },
];

/**
 * The newest policy version upstream defines (kubernetes/pod-security-admission @ 8f84a87).
 * Upstream clamps every newer version, and 'latest', to it.
 */
export const LATEST_POD_SECURITY_MINOR = 37;

// Upstream's api.ParseVersion accepts exactly 'latest' and 'v1.<minor>' without leading zeros;
// the bare '1.<minor>' form is accepted too because people write it in code.
const VERSION_RE = /^v?1\.(0|[1-9][0-9]{0,8})$/;

/** The minor of a version ('latest', 'v1.N' or '1.N'), or undefined when it is not one. */
export function podSecurityMinor(v: string): number | undefined {
  if (v === 'latest') return LATEST_POD_SECURITY_MINOR;
  const m = typeof v === 'string' ? VERSION_RE.exec(v) : null;
  return m === null ? undefined : Number(m[1]);
}

/** What is wrong with a Pod Security version, or undefined when it is one. */
export function podSecurityVersionProblem(v: string): string | undefined {
  return podSecurityMinor(v) !== undefined ? undefined
    : `invalid Pod Security version ${JSON.stringify(v)}: expected "latest" or "v1.<minor>" (for example "v1.${LATEST_POD_SECURITY_MINOR}")`;
}

/** version: 'latest', 'v1.N' or '1.N'. Returns the minor (LATEST_POD_SECURITY_MINOR for 'latest'). */
export function parsePodSecurityVersion(v: string): number {
  return versionMinor(v, 'parsePodSecurityVersion');
}

/** The error names the public function the caller called. */
function versionMinor(v: string, subject: string): number {
  const minor = podSecurityMinor(v);
  if (minor === undefined) throw new SecureConfigError(subject, [podSecurityVersionProblem(v)!]);
  return minor;
}

/**
 * The violations `pod` has against `level` at policy `version` (default 'latest'). An empty array
 * means upstream Pod Security Admission would admit the pod.
 *
 * Pure: `pod` is only read. Versions newer than LATEST_POD_SECURITY_MINOR behave as the latest,
 * as upstream does.
 */
export function checkPodSecurity(
  pod: { metadata?: any; spec?: any },
  level: PodSecurityLevelName,
  version: string = 'latest',
): PodSecurityViolation[] {
  const minor = Math.min(versionMinor(version, 'checkPodSecurity'), LATEST_POD_SECURITY_MINOR);
  if (level === 'privileged') return [];
  if (level !== 'baseline' && level !== 'restricted') {
    throw new SecureConfigError('checkPodSecurity', [`invalid Pod Security level ${JSON.stringify(level)}: expected "privileged", "baseline" or "restricted"`]);
  }
  return evaluatePodSecurity(pod?.metadata, pod?.spec, level, minor);
}

type PodTemplateLike = { metadata?: any; spec?: any };

// The API group each workload kind must belong to. A CRD may reuse a built-in kind name
// (e.g. Volcano's batch.volcano.sh Job) with a different shape; upstream only evaluates the
// built-in resources, so neither do we.
const WORKLOAD_GROUPS: Record<string, readonly string[]> = {
  Pod: [''],
  ReplicationController: [''],
  Deployment: ['apps', 'extensions'],
  ReplicaSet: ['apps', 'extensions'],
  DaemonSet: ['apps', 'extensions'],
  StatefulSet: ['apps'],
  Job: ['batch'],
  CronJob: ['batch'],
};

/**
 * The pod template (metadata + spec) of a Pod, Deployment, ReplicaSet, StatefulSet, DaemonSet,
 * Job, CronJob or ReplicationController manifest; undefined for other kinds, or when the
 * manifest has no template. The returned object is the manifest's own (not a copy).
 */
export function podTemplateOf(manifest: any): PodTemplateLike | undefined {
  if (typeof manifest !== 'object' || manifest === null) return undefined;
  const kind = manifest.kind;
  if (typeof kind !== 'string' || !Object.prototype.hasOwnProperty.call(WORKLOAD_GROUPS, kind)) return undefined;
  const apiVersion = manifest.apiVersion;
  if (typeof apiVersion === 'string') {
    const slash = apiVersion.indexOf('/');
    const group = slash < 0 ? '' : apiVersion.slice(0, slash);
    if (!WORKLOAD_GROUPS[kind].includes(group)) return undefined;
  }
  if (kind === 'Pod') return manifest;
  const spec = manifest.spec;
  if (typeof spec !== 'object' || spec === null) return undefined;
  const template = kind === 'CronJob' ? spec.jobTemplate?.spec?.template : spec.template;
  return typeof template === 'object' && template !== null ? template : undefined;
}
