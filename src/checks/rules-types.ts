// The vocabulary of the compliance rules: ids, options, findings and results.
import { PodSecurityLevelName } from './pod-security';

export type RuleId = 'pod-security' | 'network-isolation' | 'service-monitor-port' | 'pdb' | 'image-tag'
  | 'service-account-token' | 'mesh-mtls' | 'mesh-authorization' | 'mesh-injection' | 'network-allow-all'
  | 'metadata-endpoint' | 'duplicate-object';

/** A rule, for listings and reports. */
export interface RuleInfo {
  readonly id: RuleId;
  /** One line: what passing the rule means. */
  readonly title: string;
  /** What the rule counts in `checked`. */
  readonly subjects: string;
}

/** Every rule, in the order they run and are reported. */
export const RULES: readonly RuleInfo[] = [
  { id: 'pod-security', title: 'Pod templates pass the Pod Security level of their namespace', subjects: 'pod templates and Namespaces' },
  { id: 'network-isolation', title: 'Workloads are isolated by NetworkPolicies for ingress and egress; namespaces have a default-deny policy', subjects: 'workloads and namespaces' },
  { id: 'service-monitor-port', title: 'ServiceMonitor and PodMonitor endpoints name a port of what they select', subjects: 'ServiceMonitors and PodMonitors' },
  { id: 'pdb', title: 'Replicated workloads have a PodDisruptionBudget', subjects: 'workloads with 2 or more replicas' },
  { id: 'image-tag', title: 'Container images are pinned by tag or digest, never :latest', subjects: 'pod templates' },
  { id: 'service-account-token', title: 'Pods get no Kubernetes API token mounted, by the pod spec or by their ServiceAccount', subjects: 'pod templates' },
  { id: 'mesh-mtls', title: 'PeerAuthentications never DISABLE mTLS and are STRICT in meshed namespaces, but for Prometheus scrape ports', subjects: 'PeerAuthentications' },
  { id: 'mesh-authorization', title: 'No ALLOW AuthorizationPolicy has a rule that admits every request', subjects: 'AuthorizationPolicies' },
  { id: 'mesh-injection', title: 'Pods in meshed namespaces do not opt out of the mesh or let traffic bypass the sidecar', subjects: 'pod templates in meshed namespaces' },
  { id: 'network-allow-all', title: 'No NetworkPolicy rule admits every peer on every port', subjects: 'NetworkPolicies' },
  { id: 'metadata-endpoint', title: 'No NetworkPolicy egress rule reaches a cloud metadata address', subjects: 'NetworkPolicies' },
  { id: 'duplicate-object', title: 'Each object (API group, kind, namespace, name) is defined once', subjects: 'distinct objects' },
];

export const RULE_IDS: readonly RuleId[] = RULES.map((r) => r.id);

/** Options of the rules; the plugin's `properties` and the CLI's flags map onto these. */
export interface RuleOptions {
  /**
   * Pod Security level for namespaces that are not among the manifests or whose Namespace has no
   * `pod-security.kubernetes.io/enforce` label: the cluster's admission default.
   * @default 'restricted'
   */
  readonly defaultLevel?: PodSecurityLevelName;
  /**
   * Pod Security version that goes with `defaultLevel`, and for namespaces with an enforce label
   * but no `enforce-version` label.
   * @default 'latest'
   */
  readonly defaultVersion?: string;
  /**
   * Namespace of namespaced objects without `metadata.namespace`, i.e. where `kubectl apply`
   * would put them.
   * @default 'default'
   */
  readonly defaultNamespace?: string;
  /**
   * Rules not to run.
   * @default - all rules run
   */
  readonly disable?: string[];
  /**
   * Cloud metadata blocks that `metadata-endpoint` keeps egress away from (replaces the list).
   * @default ['169.254.169.254/32', 'fd00:ec2::254/128']
   */
  readonly metadataCidrs?: string[];
}

/** A manifest a finding is about. */
export interface ResourceRef {
  readonly apiVersion?: string;
  readonly kind: string;
  /** Effective namespace; undefined for cluster-scoped objects (Namespace). */
  readonly namespace?: string;
  readonly name: string;
  /**
   * Index of the manifest in the array given to the rules (of the enclosing `List` for a List's
   * items), so that callers can map findings back to files.
   */
  readonly index: number;
}

/** One problem found by a rule. */
export interface Finding {
  readonly rule: RuleId;
  /** What failed, for humans: e.g. `Deployment shop/web` or `namespace shop`. */
  readonly subject: string;
  /**
   * The manifests to change: the offending object, or, for a namespace that is not among the
   * manifests, its workloads.
   */
  readonly resources: ResourceRef[];
  /** JSON path of the offending field in the first resource, when there is one. */
  readonly field?: string;
  /** What is wrong. */
  readonly message: string;
  /** What to do about it. */
  readonly fix: string;
}

/** The outcome of one rule. */
export interface RuleResult {
  readonly rule: RuleId;
  readonly title: string;
  /** How many subjects the rule judged (see `RuleInfo.subjects`). */
  readonly checked: number;
  /** How many of them have at least one finding. */
  readonly failed: number;
  /** `checked - failed`. */
  readonly passed: number;
  readonly findings: Finding[];
}

export interface NormalizedOptions {
  readonly defaultLevel: PodSecurityLevelName;
  readonly defaultVersion: string;
  readonly defaultNamespace: string;
  readonly disable: ReadonlySet<RuleId>;
  readonly metadataCidrs: readonly string[];
}

/** The Pod Security levels, as options and namespace labels name them. */
export const LEVELS: readonly PodSecurityLevelName[] = ['privileged', 'baseline', 'restricted'];
