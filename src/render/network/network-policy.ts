import { DEFAULT_METADATA_CIDRS } from '../../core/cidr';
import { HBONE_PORT, NAMESPACE_NAME_LABEL } from '../../core/constants';
import { usesHbone } from '../../model/connection';
import type { Hole, HolePeer } from '../../model/holes';
import type { WorkloadIntents } from '../../model/intents';
import { renderedIpBlock } from '../../model/ip-blocks';
import { PeerInfo, PeerKind } from '../../model/peer';

/** A NetworkPolicy peer (`from` / `to` entry). */
export interface NetworkPolicyPeer {
  readonly podSelector?: { readonly matchLabels: { readonly [key: string]: string } };
  readonly namespaceSelector?: { readonly matchLabels: { readonly [key: string]: string | undefined } };
  readonly ipBlock?: { readonly cidr?: string; readonly except?: readonly string[] };
}

/** A NetworkPolicy port. */
export interface NetworkPolicyPort {
  readonly protocol: string;
  readonly port: number;
}

/** The spec of a workload's NetworkPolicy, as written. */
export interface NetworkPolicySpec {
  readonly podSelector: { readonly matchLabels: { readonly [key: string]: string } };
  readonly policyTypes: readonly string[];
  readonly ingress: ReadonlyArray<{ readonly from: readonly NetworkPolicyPeer[]; readonly ports: readonly NetworkPolicyPort[] }>;
  readonly egress: ReadonlyArray<{ readonly to: readonly NetworkPolicyPeer[]; readonly ports: readonly NetworkPolicyPort[] }>;
}

/**
 * Pods with `podLabels` in the namespace named `namespace`, as one NetworkPolicy peer: both
 * selectors in one peer mean AND (two peers would mean OR and admit the whole namespace).
 */
export function podsInNamespace(namespace: string, podLabels: { readonly [key: string]: string }): NetworkPolicyPeer {
  return { namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: namespace } }, podSelector: { matchLabels: { ...podLabels } } };
}

/** Where the cluster DNS runs (see ClusterSettings). */
export interface DnsLocation {
  readonly dnsNamespace: string;
  readonly dnsPodLabels: { [key: string]: string };
  /** Cloud-metadata blocks every ipBlock excepts (ClusterSettings metadataCidrs). */
  readonly metadataCidrs?: readonly string[];
}

/** Egress to the cluster DNS pods only, on UDP and TCP 53 (TCP for truncated answers). */
export function dnsEgressRule(dns: DnsLocation): { to: NetworkPolicyPeer[]; ports: NetworkPolicyPort[] } {
  return {
    to: [podsInNamespace(dns.dnsNamespace, dns.dnsPodLabels)],
    ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }],
  };
}

/**
 * One NetworkPolicy peer for `peer`, seen from a policy in `policyNamespace`. Pods in the same
 * namespace are selected by podSelector alone; anything else by namespace name AND pod labels in
 * one peer (two peers would mean OR and admit the whole namespace).
 */
export function renderNetworkPeer(peer: PeerInfo, policyNamespace: string | undefined, metadata: readonly string[] = DEFAULT_METADATA_CIDRS): NetworkPolicyPeer {
  switch (peer.kind) {
    case PeerKind.IP_BLOCK:
      return { ipBlock: renderedIpBlock(peer.cidr ?? '', peer.except, metadata) };
    case PeerKind.NAMESPACE:
      return { namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: peer.namespace } } };
    default: {
      if (peer.namespace === policyNamespace) return { podSelector: { matchLabels: { ...peer.podLabels } } };
      // A peer without a namespace is applied wherever kubectl points: 'default' unless told.
      return podsInNamespace(peer.namespace ?? 'default', peer.podLabels ?? {});
    }
  }
}

/** A hole that is not a recorded connection (mesh control plane, scrapes): a peer and its ports. */
export interface PolicyRule {
  /** The peers, as NetworkPolicy peers (already rendered). */
  readonly peers: NetworkPolicyPeer[];
  /** Ports as NetworkPolicy ports. */
  readonly ports: NetworkPolicyPort[];
}

/**
 * The spec of the one NetworkPolicy that selects a workload: both directions isolated (policyTypes
 * written out), DNS egress, then one rule per peer with all of that peer's ports, in the order
 * the intents were declared.
 */
export function workloadPolicySpec(intents: WorkloadIntents, dns: DnsLocation): NetworkPolicySpec {
  const metadata = dns.metadataCidrs ?? DEFAULT_METADATA_CIDRS;
  const ingress = new RuleSet(intents.namespace, metadata);
  const egress = new RuleSet(intents.namespace, metadata);
  for (const c of intents.connections) {
    // Ambient traffic between meshed pods is tunnelled to the destination on the HBONE port.
    const hbone = usesHbone(c);
    if (intents.isInbound(c)) {
      ingress.add(c.from, c.port, c.protocol);
      if (hbone) ingress.add(c.from, HBONE_PORT, 'TCP');
    }
    if (intents.isOutbound(c)) {
      egress.add(c.to, c.port, c.protocol);
      if (hbone) egress.add(c.to, HBONE_PORT, 'TCP');
    }
  }
  const holes = intents.holes();
  return {
    podSelector: { matchLabels: { ...intents.selector } },
    policyTypes: ['Ingress', 'Egress'],
    ingress: [...ingress.rules(), ...holes.ingress.map((h) => holeRule(h, metadata))].map((r) => ({ from: r.peers, ports: r.ports })),
    egress: [dnsEgressRule(dns), ...[...egress.rules(), ...holes.egress.map((h) => holeRule(h, metadata))].map((r) => ({ to: r.peers, ports: r.ports }))],
  };
}

/** A hole's peer: always by namespace, since a hole's peer never shares the workload's namespace by design. */
function renderHolePeer(peer: HolePeer, metadata: readonly string[]): NetworkPolicyPeer {
  return peer.kind === 'ipBlock' ? { ipBlock: renderedIpBlock(peer.cidr, peer.except, metadata) } : podsInNamespace(peer.namespace, peer.podLabels);
}

function holeRule(hole: Hole, metadata: readonly string[]): PolicyRule {
  return { peers: [renderHolePeer(hole.peer, metadata)], ports: hole.ports.map((p) => ({ protocol: p.protocol, port: p.port })) };
}

/** Groups ports by rendered peer so each peer appears once per direction. */
class RuleSet {
  private readonly byPeer = new Map<string, { peer: NetworkPolicyPeer; ports: NetworkPolicyPort[] }>();

  constructor(private readonly namespace: string | undefined, private readonly metadata: readonly string[]) {}

  public add(peer: PeerInfo, port: number, protocol: string): void {
    const rendered = renderNetworkPeer(peer, this.namespace, this.metadata);
    const key = JSON.stringify(rendered);
    const entry = this.byPeer.get(key) ?? { peer: rendered, ports: [] };
    if (!entry.ports.some((p) => p.port === port && p.protocol === protocol)) entry.ports.push({ protocol, port });
    this.byPeer.set(key, entry);
  }

  public rules(): PolicyRule[] {
    return [...this.byPeer.values()].map((e) => ({ peers: [e.peer], ports: e.ports }));
  }
}
