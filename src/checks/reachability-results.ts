// What the reachability engine answers: verdicts, allowed ports, summaries.
import type { ClusterDnsLocation } from './reachability-endpoint';

export interface NetworkModelOptions {
  /**
   * Namespace of namespaced objects that have no `metadata.namespace`.
   * @default 'default'
   */
  readonly defaultNamespace?: string;
  /**
   * Labels of namespaces, typically ones not in the manifests (e.g. `kube-system`), for
   * `namespaceSelector`s. Labels on Namespace objects in the manifests take precedence, and
   * `kubernetes.io/metadata.name` is always set to the namespace's name.
   * @default - no extra labels
   */
  readonly namespaceLabels?: Record<string, Record<string, string>>;
  /**
   * Where cluster DNS runs, for `Endpoint.kubeDns()` and the matrix's `kube-dns` column. Set it to
   * ClusterSettings' `dnsNamespace` / `dnsPodLabels` when the app changes those, or the model
   * judges DNS egress against pods that do not exist.
   * @default - namespace 'kube-system', pods labelled `k8s-app: kube-dns` (the ClusterSettings defaults)
   */
  readonly dns?: ClusterDnsLocation;
}

/** The answer to "may this flow happen?". */
export interface FlowVerdict {
  /** Both the source's egress and the destination's ingress allow the flow. */
  readonly allowed: boolean;
  /** The source side allows it (always true for a source outside the cluster). */
  readonly egressAllowed: boolean;
  /** The destination side allows it (always true for a destination outside the cluster). */
  readonly ingressAllowed: boolean;
  /**
   * One line per direction: which policy rules allowed the flow, that the direction is not
   * isolated, or which policies isolate it without a matching rule.
   */
  readonly reasons: string[];
}

/** A container port of a workload. */
export interface WorkloadPortSummary {
  readonly name?: string;
  readonly port: number;
  readonly protocol: string;
}

/** A workload found in the manifests. */
export interface WorkloadSummary {
  /** `namespace/name` (plus ` (Kind)` when two workloads share namespace and name): the key used in `matrix()`. */
  readonly id: string;
  readonly namespace: string;
  readonly name: string;
  readonly kind: string;
  /** Labels of its pods (the pod template's labels). */
  readonly labels: Record<string, string>;
  readonly ports: WorkloadPortSummary[];
}

/** A contiguous block of ports of one protocol; `start === end` for a single port. */
export interface PortRange {
  readonly protocol: string;
  readonly start: number;
  readonly end: number;
}

/** The ports on which connections from one endpoint to another are allowed. */
export interface AllowedPorts {
  /**
   * For display: `['all']` when unrestricted; otherwise e.g. `'8080/TCP'`, `'8000-8100/TCP'`,
   * `'all/UDP'` (every UDP port). Empty when nothing is allowed.
   */
  readonly ports: string[];
  /** Every port of every protocol is allowed. */
  readonly allPorts: boolean;
  /** The same set as `ports`, as data: sorted by protocol (TCP, UDP, SCTP) then port. */
  readonly ranges: PortRange[];
  /**
   * Only for flows to or from `NetworkModel.EXTERNAL`: the outside addresses that the allowing
   * rules admit, `'any'` for unrestricted, otherwise ipBlocks such as `'0.0.0.0/0 except 10.0.0.0/8'`.
   * @default - not an external flow
   */
  readonly addresses?: string[];
}

/** One cell of the connectivity matrix. */
export interface MatrixEntry extends AllowedPorts {
  /** A workload id, or `NetworkModel.EXTERNAL`. */
  readonly from: string;
  /** A workload id, `NetworkModel.KUBE_DNS` or `NetworkModel.EXTERNAL`. */
  readonly to: string;
}

/** Which NetworkPolicies isolate some pods. */
export interface IsolationInfo {
  readonly ingressIsolated: boolean;
  readonly egressIsolated: boolean;
  /** `namespace/name` of every policy that selects the pods for Ingress. */
  readonly ingressPolicies: string[];
  /** `namespace/name` of every policy that selects the pods for Egress. */
  readonly egressPolicies: string[];
}
