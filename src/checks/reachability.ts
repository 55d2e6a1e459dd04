/**
 * A NetworkPolicy reachability engine over plain manifests: no cluster, no CNI. It answers
 * "may A open a connection to B on port P?" under the standard `networking.k8s.io/v1`
 * NetworkPolicy semantics, for jest matchers, the validation plugin and the connectivity report.
 *
 * What is deliberately not modelled:
 * - Pod IPs. `ipBlock` peers only ever match `Endpoint.ip(...)` addresses, i.e. addresses outside
 *   the cluster. Whether an ipBlock also matches pod IPs is implementation-defined in Kubernetes,
 *   and pod IPs are not known before deployment anyway.
 * - Services. Policies apply to pods after Service address translation, so flows are checked
 *   against pods and container ports, never against Service ports.
 * - hostNetwork pods, node traffic and loopback, which NetworkPolicy does not govern.
 * - Non-core policy APIs (Calico, Cilium, Istio AuthorizationPolicy).
 */
import { IpAddress, cidrContains } from '../core/net';
import { L4Protocol, PortSet, isL4Protocol } from './reachability-ports';
import { Labels } from './reachability-selectors';
import {
  CompiledPeer,
  CompiledPolicy,
  CompiledRule,
  ParsedWorkload,
  ResolvedPort,
  parseManifests,
} from './reachability-manifests';
import { NAMESPACE_NAME_LABEL } from '../core/constants';
import { checkPort, ClusterDnsLocation, DEFAULT_DNS, Endpoint, KUBE_DNS_PORTS } from './reachability-endpoint';
import type { AllowedPorts, FlowVerdict, IsolationInfo, MatrixEntry, NetworkModelOptions, WorkloadSummary } from './reachability-results';
import { HostReach, HostRules } from './reachability-hosts';
import { SecureConfigError } from '../core/errors';

export { Endpoint } from './reachability-endpoint';
export type { ClusterDnsLocation, ContainerPortSpec } from './reachability-endpoint';
export type { HostReach } from './reachability-hosts';
export type {
  AllowedPorts, FlowVerdict, IsolationInfo, MatrixEntry, NetworkModelOptions, PortRange, WorkloadPortSummary, WorkloadSummary,
} from './reachability-results';

interface PodSide {
  readonly kind: 'pod';
  readonly label: string;
  readonly namespace: string;
  readonly labels: Labels;
  readonly ports: readonly ResolvedPort[];
  readonly ingress: readonly CompiledPolicy[];
  readonly egress: readonly CompiledPolicy[];
}

interface ExternalSide {
  readonly kind: 'external';
  readonly label: string;
  /** Undefined: "some address outside the cluster", as used by the matrix. */
  readonly address?: IpAddress;
  /** A host named by DNS (`Endpoint.host`), whose addresses no manifest knows. */
  readonly host?: string;
}

type Side = PodSide | ExternalSide;
type Direction = 'ingress' | 'egress';

interface Grant {
  readonly policy: CompiledPolicy;
  readonly rule: CompiledRule;
  readonly ports: PortSet;
}

interface WorkloadRecord {
  readonly summary: WorkloadSummary;
  readonly side: PodSide;
}

interface FlowPort {
  readonly port: number;
  readonly protocol: L4Protocol;
  readonly text: string;
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}

/** Evaluates flows between workloads and outside peers against a fixed set of manifests. */
export class NetworkModel {
  /** Matrix id of "some address outside the cluster" (the internet and any other off-cluster network). */
  static readonly EXTERNAL = 'external';
  /** Matrix id of cluster DNS (`Endpoint.kubeDns()`). */
  static readonly KUBE_DNS = 'kube-dns';

  /**
   * Reads workloads, Namespaces and NetworkPolicies from manifests (other kinds are ignored;
   * `kind: List` is unpacked). Selections are computed here once; `check` only evaluates rules.
   */
  static fromManifests(manifests: any[], options: NetworkModelOptions = {}): NetworkModel {
    const parsed = parseManifests(manifests, options.defaultNamespace ?? 'default', options.namespaceLabels ?? {});
    const dns = options.dns ?? DEFAULT_DNS;
    const hosts = HostRules.fromManifests(manifests, options.defaultNamespace ?? 'default');
    return new NetworkModel(parsed.workloads, parsed.policies, parsed.namespaceLabels, parsed.warnings, { namespace: dns.namespace, podLabels: { ...dns.podLabels } }, hosts);
  }

  private readonly records: WorkloadRecord[];
  private readonly recordsByName = new Map<string, WorkloadRecord[]>();
  private readonly policiesByNamespace = new Map<string, CompiledPolicy[]>();
  private readonly namespaceLabelCache = new Map<string, Labels>();

  private constructor(
    workloads: readonly ParsedWorkload[],
    policies: readonly CompiledPolicy[],
    private readonly knownNamespaceLabels: ReadonlyMap<string, Record<string, string>>,
    private readonly problems: readonly string[],
    /** Where `Endpoint.kubeDns()` resolves to. */
    public readonly dns: ClusterDnsLocation,
    private readonly hostRules: HostRules,
  ) {
    for (const policy of policies) {
      const list = this.policiesByNamespace.get(policy.namespace) ?? [];
      list.push(policy);
      this.policiesByNamespace.set(policy.namespace, list);
    }
    const count = new Map<string, number>();
    for (const w of workloads) count.set(`${w.namespace}/${w.name}`, (count.get(`${w.namespace}/${w.name}`) ?? 0) + 1);
    this.records = workloads.map((w) => {
      const key = `${w.namespace}/${w.name}`;
      const id = count.get(key)! > 1 ? `${key} (${w.kind})` : key;
      const record: WorkloadRecord = {
        summary: {
          id,
          namespace: w.namespace,
          name: w.name,
          kind: w.kind,
          labels: { ...w.labels },
          ports: w.ports.map((p) => ({ ...p })),
        },
        side: this.podSide(id, w.namespace, w.labels, w.ports),
      };
      const list = this.recordsByName.get(key) ?? [];
      list.push(record);
      this.recordsByName.set(key, list);
      return record;
    });
  }

  /**
   * May `from` open a connection to `to` on `port`? Egress of `from` and ingress of `to` must both
   * allow it; a side outside the cluster (`Endpoint.ip`) is not checked, but a TCP flow from pods
   * under a REGISTRY_ONLY Sidecar to an address needs a ServiceEntry that lists it.
   *
   * @param port a number, or a container port name of `to` (then `protocol` defaults to that port's)
   * @param protocol TCP, UDP or SCTP; defaults to TCP for numeric ports
   */
  check(from: Endpoint, to: Endpoint, port: number | string, protocol?: string): FlowVerdict {
    const src = this.resolve(from, 'NetworkModel.check');
    const dst = this.resolve(to, 'NetworkModel.check');
    const flow = resolveFlowPort(port, protocol, dst);
    const reasons: string[] = [];
    let egressAllowed = true;
    let ingressAllowed = true;
    if (dst.kind === 'external' && dst.host !== undefined) {
      if (src.kind !== 'pod') throw new SecureConfigError('NetworkModel.check', [`A flow to ${dst.label} must start from pods. Fix: pass a workload or Endpoint.pods(...) as the source.`]);
      const allowed = this.judgeHost(src, dst.host, flow, reasons);
      return { allowed, egressAllowed: allowed, ingressAllowed: true, reasons };
    }
    if (src.kind === 'pod') {
      egressAllowed = this.judge(src, 'egress', dst, dst, flow, reasons);
      if (egressAllowed && dst.kind === 'external' && dst.address && flow.protocol === 'TCP') {
        // The NetworkPolicy admits it; a REGISTRY_ONLY sidecar must forward it too.
        const v = this.hostRules.addressVerdict(src.namespace, src.labels, dst.address, flow.port, `egress from ${src.label} to ${dst.label}`);
        if (v.reason) reasons.push(v.reason);
        egressAllowed = v.allowed;
      }
    } else {
      reasons.push(`egress from ${src.label}: outside the cluster, not checked`);
    }
    if (dst.kind === 'pod') {
      ingressAllowed = this.judge(dst, 'ingress', src, dst, flow, reasons);
    } else {
      reasons.push(`ingress to ${dst.label}: outside the cluster, not checked`);
    }
    return { allowed: egressAllowed && ingressAllowed, egressAllowed, ingressAllowed, reasons };
  }

  /** The hosts the pods of `endpoint` may reach by name, and what allows each (Cilium toFQDNs, or a ServiceEntry under a REGISTRY_ONLY Sidecar). */
  hostsOf(endpoint: Endpoint): HostReach[] {
    const side = this.resolve(endpoint, 'NetworkModel.hostsOf');
    return side.kind === 'pod' ? this.hostRules.hostsOf(side.namespace, side.labels) : [];
  }

  /**
   * A flow to a host by name. Cilium's toFQDNs allows it outright (its policies add to the
   * NetworkPolicies). Otherwise a NetworkPolicy must admit the port to every address, since the
   * host's addresses are unknown to it; then a REGISTRY_ONLY Sidecar forwards it only if a
   * ServiceEntry puts the host in the namespace's registry.
   */
  private judgeHost(src: PodSide, host: string, flow: FlowPort, reasons: string[]): boolean {
    const head = `egress from ${src.label} to ${host}`;
    const cilium = this.hostRules.ciliumAllows(src.namespace, src.labels, host, flow.port);
    if (cilium) {
      reasons.push(`${head}: ${cilium} on ${flow.text}`);
      return true;
    }
    const open = src.egress.length === 0
      ? 'not isolated for Egress'
      : src.egress.flatMap((policy) => (policy.egress ?? [])
        .filter((rule) => (rule.anyPeer || rule.peers.some((peer) => peer.kind === 'ipBlock' && peer.cidr.prefix === 0)) && rulePorts(rule, []).has(flow.protocol, flow.port))
        .map((rule) => `NetworkPolicy ${policy.id} ${rule.path}`))[0];
    if (!open) {
      reasons.push(`${head}: denied; no CiliumNetworkPolicy names it, and no NetworkPolicy rule admits every address on ${flow.text} (a NetworkPolicy cannot match a name)`);
      return false;
    }
    const sidecar = this.hostRules.registryOnly(src.namespace, src.labels);
    if (!sidecar) {
      reasons.push(`${head}: allowed by ${open} on ${flow.text} (to any address: nothing holds it to the name)`);
      return true;
    }
    const entry = this.hostRules.serviceEntry(src.namespace, host, flow.port);
    if (!entry) {
      reasons.push(`${head}: denied; Sidecar ${sidecar} is REGISTRY_ONLY and no ServiceEntry exported to ${src.namespace} names ${host} on ${flow.port}`);
      return false;
    }
    reasons.push(`${head}: allowed by ${open} on ${flow.text}, held to the name by Sidecar ${sidecar} (REGISTRY_ONLY) and ServiceEntry ${entry}`);
    return true;
  }

  /** Every port on which `from` may connect to `to`. */
  allowedPorts(from: Endpoint, to: Endpoint): AllowedPorts {
    return this.between(this.resolve(from, 'NetworkModel.allowedPorts'), this.resolve(to, 'NetworkModel.allowedPorts'));
  }

  /** Which policies isolate the pods of an endpoint (pods only; an outside address has no policies). */
  isolation(endpoint: Endpoint): IsolationInfo {
    const { info, problem } = this._isolationOf(endpoint);
    if (!info) throw new SecureConfigError('NetworkModel.isolation', [problem!]);
    return info;
  }

  /**
   * `isolation()`, or why it cannot be answered (no such workload, an ambiguous one, an outside
   * address), for callers that report rather than throw.
   * @internal
   */
  public _isolationOf(endpoint: Endpoint): { info?: IsolationInfo; problem?: string } {
    const { side, problem } = this.lookup(endpoint);
    if (!side) return { problem };
    if (side.kind !== 'pod') return { problem: `${side.label} is outside the cluster; NetworkPolicies do not isolate it.` };
    return { info: {
      ingressIsolated: side.ingress.length > 0,
      egressIsolated: side.egress.length > 0,
      ingressPolicies: side.ingress.map((p) => p.id),
      egressPolicies: side.egress.map((p) => p.id),
    } };
  }

  /** The workloads found in the manifests, in manifest order. */
  workloads(): WorkloadSummary[] {
    return this.records.map((r) => ({
      ...r.summary,
      labels: { ...r.summary.labels },
      ports: r.summary.ports.map((p) => ({ ...p })),
    }));
  }

  /**
   * The connectivity matrix, one entry per ordered pair, in workload order: every workload to every
   * workload (itself included: that is replica-to-replica traffic), to `KUBE_DNS` and to
   * `EXTERNAL`; then `EXTERNAL` to every workload. Entries with empty `ports` are denied pairs.
   */
  matrix(): MatrixEntry[] {
    const external: ExternalSide = { kind: 'external', label: NetworkModel.EXTERNAL };
    const dns = this.resolve(Endpoint.kubeDns(), 'NetworkModel.matrix');
    const columns: Array<{ id: string; side: Side }> = [
      ...this.records.map((r) => ({ id: r.summary.id, side: r.side as Side })),
      { id: NetworkModel.KUBE_DNS, side: dns },
      { id: NetworkModel.EXTERNAL, side: external },
    ];
    const entries: MatrixEntry[] = [];
    for (const row of this.records) {
      for (const col of columns) {
        entries.push({ from: row.summary.id, to: col.id, ...this.between(row.side, col.side) });
      }
    }
    for (const col of this.records) {
      entries.push({ from: NetworkModel.EXTERNAL, to: col.summary.id, ...this.between(external, col.side) });
    }
    return entries;
  }

  /**
   * The compiled NetworkPolicies of a namespace, so that the rules judge policies (e.g. "is this a
   * default deny?") on the model's reading of them rather than a second one of the raw JSON.
   * @internal
   */
  _policiesIn(namespace: string): readonly CompiledPolicy[] {
    return this.policiesByNamespace.get(namespace) ?? [];
  }

  /** Manifest problems found while reading (invalid selectors, CIDRs, ports, ignored rules). */
  warnings(): string[] {
    return [...this.problems];
  }

  private podSide(label: string, namespace: string, labels: Labels, ports: readonly ResolvedPort[]): PodSide {
    const candidates = this.policiesByNamespace.get(namespace) ?? [];
    const selecting = candidates.filter((p) => p.selects(labels));
    return {
      kind: 'pod',
      label,
      namespace,
      labels,
      ports,
      ingress: selecting.filter((p) => p.ingress !== undefined),
      egress: selecting.filter((p) => p.egress !== undefined),
    };
  }

  /** The side an endpoint names; the caller's argument error when it names none or two. */
  private resolve(endpoint: Endpoint, subject: string): Side {
    const { side, problem } = this.lookup(endpoint);
    if (!side) throw new SecureConfigError(subject, [problem!]);
    return side;
  }

  private lookup(endpoint: Endpoint): { side?: Side; problem?: string } {
    const spec = endpoint._spec;
    switch (spec.kind) {
      case 'ip':
        return { side: { kind: 'external', label: endpoint.description, address: spec.address } };
      case 'host':
        return { side: { kind: 'external', label: endpoint.description, host: spec.hostname } };
      case 'pods':
        return { side: this.podSide(endpoint.description, spec.namespace, spec.labels, spec.ports) };
      case 'dns':
        return { side: this.podSide(endpoint.description, this.dns.namespace, this.dns.podLabels, KUBE_DNS_PORTS) };
      case 'workload': {
        const key = `${spec.namespace}/${spec.name}`;
        const found = (this.recordsByName.get(key) ?? []).filter((r) => spec.workloadKind === undefined || r.summary.kind === spec.workloadKind);
        if (found.length === 1) return { side: found[0].side };
        if (found.length > 1) {
          return { problem: `Workload ${key} is ambiguous: ${found.map((r) => r.summary.kind).join(', ')}. Fix: pass the kind to Endpoint.workload().` };
        }
        const known = this.records.map((r) => r.summary.id).join(', ') || 'none';
        return { problem: `No workload ${key}${spec.workloadKind ? ` of kind ${spec.workloadKind}` : ''} in the manifests (workloads: ${known}).` };
      }
    }
  }

  private namespaceLabels(namespace: string): Labels {
    let labels = this.namespaceLabelCache.get(namespace);
    if (!labels) {
      // The API server always sets this label, so it holds for namespaces not in the manifests too.
      labels = { ...(this.knownNamespaceLabels.get(namespace) ?? {}), [NAMESPACE_NAME_LABEL]: namespace };
      this.namespaceLabelCache.set(namespace, labels);
    }
    return labels;
  }

  private peerMatches(peer: CompiledPeer, policyNamespace: string, side: Side): boolean {
    switch (peer.kind) {
      case 'nothing':
        return false;
      case 'ipBlock':
        if (side.kind !== 'external') return false;
        if (!side.address) return !peer.empty;
        return cidrContains(peer.cidr, side.address) && !peer.except.some((e) => cidrContains(e, side.address!));
      case 'pods': {
        if (side.kind !== 'pod') return false;
        const namespaceOk = peer.namespaceSelector
          ? peer.namespaceSelector(this.namespaceLabels(side.namespace))
          : side.namespace === policyNamespace;
        return namespaceOk && (!peer.podSelector || peer.podSelector(side.labels));
      }
    }
  }

  /** Rules of the policies isolating `subject` in `direction` whose peers include `peer`, with their ports for `destination`. */
  private grants(subject: PodSide, direction: Direction, peer: Side, destination: Side): Grant[] {
    const destPorts = destination.kind === 'pod' ? destination.ports : [];
    const out: Grant[] = [];
    for (const policy of subject[direction]) {
      for (const rule of policy[direction] ?? []) {
        if (rule.anyPeer || rule.peers.some((p) => this.peerMatches(p, policy.namespace, peer))) {
          out.push({ policy, rule, ports: rulePorts(rule, destPorts) });
        }
      }
    }
    return out;
  }

  private judge(subject: PodSide, direction: Direction, peer: Side, destination: Side, flow: FlowPort, reasons: string[]): boolean {
    const head = direction === 'egress' ? `egress from ${subject.label}` : `ingress to ${subject.label}`;
    const policies = subject[direction];
    if (policies.length === 0) {
      reasons.push(`${head}: not isolated (no NetworkPolicy in ${subject.namespace} selects it for ${direction === 'egress' ? 'Egress' : 'Ingress'}), so all ${direction} is allowed`);
      return true;
    }
    const matching = this.grants(subject, direction, peer, destination).filter((g) => g.ports.has(flow.protocol, flow.port));
    if (matching.length > 0) {
      reasons.push(`${head}: allowed by ${matching.map((g) => `NetworkPolicy ${g.policy.id} ${g.rule.path}`).join('; ')}`);
      return true;
    }
    const other = direction === 'egress' ? `to ${peer.label}` : `from ${peer.label}`;
    reasons.push(`${head}: denied; isolated by NetworkPolicy ${policies.map((p) => p.id).join(', ')} and no ${direction} rule allows ${other} on ${flow.text}`);
    return false;
  }

  private directionPorts(subject: PodSide, direction: Direction, peer: Side, destination: Side): { ports: PortSet; addresses: string[] } {
    if (subject[direction].length === 0) return { ports: PortSet.all(), addresses: ['any'] };
    let ports = PortSet.empty();
    const addresses: string[] = [];
    for (const grant of this.grants(subject, direction, peer, destination)) {
      if (grant.ports.isEmpty()) continue;
      ports = ports.union(grant.ports);
      addresses.push(...externalPeerTexts(grant.rule));
    }
    return { ports, addresses };
  }

  private between(src: Side, dst: Side): AllowedPorts {
    let ports = PortSet.all();
    const addresses: string[] = [];
    if (src.kind === 'pod') {
      const egress = this.directionPorts(src, 'egress', dst, dst);
      ports = ports.intersect(egress.ports);
      addresses.push(...egress.addresses);
    }
    if (dst.kind === 'pod') {
      const ingress = this.directionPorts(dst, 'ingress', src, dst);
      ports = ports.intersect(ingress.ports);
      addresses.push(...ingress.addresses);
    }
    const result = { ports: ports.format(), allPorts: ports.isAll(), ranges: ports.ranges() };
    const someExternal = (src.kind === 'external' && !src.address) || (dst.kind === 'external' && !dst.address);
    if (!someExternal) return result;
    // Only one direction was evaluated (the outside has no policies), so these are its addresses.
    const relevant = ports.isEmpty() ? [] : unique(addresses);
    return { ...result, addresses: relevant.includes('any') ? ['any'] : relevant };
  }
}

/** The outside addresses a rule admits, for the matrix's EXTERNAL row and column. */
function externalPeerTexts(rule: CompiledRule): string[] {
  if (rule.anyPeer) return ['any'];
  return rule.peers.flatMap((p) => (p.kind === 'ipBlock' && !p.empty ? [p.text] : []));
}

function rulePorts(rule: CompiledRule, destPorts: readonly ResolvedPort[]): PortSet {
  let ports = rule.fixedPorts;
  for (const named of rule.namedPorts) {
    // A name the destination does not have matches nothing (also for destinations outside the cluster).
    for (const cp of destPorts) {
      if (cp.name === named.name && cp.protocol === named.protocol) ports = ports.union(PortSet.range(cp.protocol, cp.port, cp.port));
    }
  }
  return ports;
}

function resolveFlowPort(port: number | string, protocol: string | undefined, dst: Side): FlowPort {
  if (protocol !== undefined && !isL4Protocol(protocol)) {
    throw new SecureConfigError('NetworkModel.check', [`Protocol "${protocol}" is not supported. Fix: use TCP, UDP or SCTP.`]);
  }
  if (typeof port === 'number' || /^\d+$/.test(port)) {
    const n = Number(port);
    checkPort('NetworkModel.check', 'Port', n);
    const p = protocol ?? 'TCP';
    return { port: n, protocol: p, text: `${n}/${p}` };
  }
  // Port names are unique within a pod, so the name alone identifies the container port.
  const named = dst.kind === 'pod' ? dst.ports.find((cp) => cp.name === port) : undefined;
  if (!named) {
    const names = dst.kind === 'pod' ? dst.ports.flatMap((cp) => (cp.name ? [cp.name] : [])) : [];
    throw new SecureConfigError('NetworkModel.check', [`${dst.label} has no container port named "${port}" (named ports: ${names.join(', ') || 'none'}). Fix: use a port number or one of its port names.`]);
  }
  if (protocol !== undefined && protocol !== named.protocol) {
    throw new SecureConfigError('NetworkModel.check', [`Port "${port}" of ${dst.label} is ${named.port}/${named.protocol}, not ${protocol}. Fix: omit the protocol or use ${named.protocol}.`]);
  }
  return { port: named.port, protocol: named.protocol, text: `${named.port}/${named.protocol} (${port})` };
}
