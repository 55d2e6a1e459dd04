// The vocabulary of the Pod Security checks, shared by the evaluator and its public API.

export type PodSecurityLevelName = 'privileged' | 'baseline' | 'restricted';

/** Upstream's check IDs (policy/check_*.go), which is also what violations report. */
export type PodSecurityCheckId =
  | 'hostNamespaces'
  | 'privileged'
  | 'capabilities_baseline'
  | 'hostPathVolumes'
  | 'hostPorts'
  | 'appArmorProfile'
  | 'seLinuxOptions'
  | 'procMount'
  | 'seccompProfile_baseline'
  | 'sysctls'
  | 'windowsHostProcess'
  | 'hostProbesAndHostLifecycle'
  | 'restrictedVolumes'
  | 'allowPrivilegeEscalation'
  | 'runAsNonRoot'
  | 'runAsUser'
  | 'seccompProfile_restricted'
  | 'capabilities_restricted'
  | 'procMount_restricted';

export interface PodSecurityViolation {
  /** upstream check ID, e.g. 'capabilities_restricted', 'runAsNonRoot', 'hostNamespaces' */
  readonly check: PodSecurityCheckId;
  /** the level the check belongs to */
  readonly level: 'baseline' | 'restricted';
  /** JSON path of the offending field, e.g. 'spec.containers[app].securityContext.capabilities.add' */
  readonly field: string;
  /** what is wrong, with the offending value, e.g. 'container "app" adds capability "NET_ADMIN"' */
  readonly message: string;
  /** what to do about it */
  readonly fix: string;
}

export interface PodSecurityCheckInfo {
  readonly id: PodSecurityCheckId;
  readonly level: 'baseline' | 'restricted';
  /** policy minors at which upstream registered a revision of the check; the first is when it starts */
  readonly revisions: number[];
  /** the baseline check this restricted check replaces at restricted, from its first revision */
  readonly overrides?: PodSecurityCheckId;
}
