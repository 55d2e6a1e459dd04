import { HBONE_PORT, NAMESPACE_NAME_LABEL } from '../../core/constants';
import { Connection, usesHbone } from '../../model/connection';
import type { Hole, HolePeer, Holes } from '../../model/holes';
import { PeerInfo, PeerKind } from '../../model/peer';

/**
 * Pods with `podLabels` in the namespace named `namespace`, as one NetworkPolicy peer: both
 * selectors in one peer mean AND (two peers would mean OR and admit the whole namespace).
 */
export function podsInNamespace(namespace: string, podLabels: { [key: string]: string }): any {
  return { namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: namespace } }, podSelector: { matchLabels: { ...podLabels } } };
}

/** Where the cluster DNS runs (see ClusterSettings). */
export interface DnsLocation {
  readonly dnsNamespace: string;
  readonly dnsPodLabels: { [key: string]: string };
}

/** Egress to the cluster DNS pods only, on UDP and TCP 53 (TCP for truncated answers). */
export function dnsEgressRule(dns: DnsLocation): any {
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
export function renderNetworkPeer(peer: PeerInfo, policyNamespace: string | undefined): any {
  switch (peer.kind) {
    case PeerKind.IP_BLOCK:
      return { ipBlock: { cidr: peer.cidr, except: peer.except } };
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
  readonly peers: any[];
  /** Ports as NetworkPolicy ports. */
  readonly ports: Array<{ protocol: string; port: number }>;
}

/**
 * The spec of the one NetworkPolicy that selects a workload: both directions isolated (policyTypes
 * written out), DNS egress, then one rule per peer with all of that peer's ports, in the order
 * the intents were declared.
 */
export function workloadPolicySpec(
  self: { namespace?: string; selector: { [key: string]: string }; path: string },
  connections: Connection[],
  dns: DnsLocation,
  holes: Holes,
): any {
  const ingress = new RuleSet(self.namespace);
  const egress = new RuleSet(self.namespace);
  for (const c of connections) {
    // Ambient traffic between meshed pods is tunnelled to the destination on the HBONE port.
    const hbone = usesHbone(c);
    if (c.to.workload?.path === self.path) {
      ingress.add(c.from, c.port, c.protocol);
      if (hbone) ingress.add(c.from, HBONE_PORT, 'TCP');
    }
    if (c.from.workload?.path === self.path) {
      egress.add(c.to, c.port, c.protocol);
      if (hbone) egress.add(c.to, HBONE_PORT, 'TCP');
    }
  }
  return {
    podSelector: { matchLabels: { ...self.selector } },
    policyTypes: ['Ingress', 'Egress'],
    ingress: [...ingress.rules(), ...holes.ingress.map(holeRule)].map((r) => ({ from: r.peers, ports: r.ports })),
    egress: [dnsEgressRule(dns), ...[...egress.rules(), ...holes.egress.map(holeRule)].map((r) => ({ to: r.peers, ports: r.ports }))],
  };
}

/** A hole's peer: always by namespace, since a hole's peer never shares the workload's namespace by design. */
function renderHolePeer(peer: HolePeer): any {
  return peer.kind === 'ipBlock' ? { ipBlock: { cidr: peer.cidr } } : podsInNamespace(peer.namespace, peer.podLabels);
}

function holeRule(hole: Hole): PolicyRule {
  return { peers: [renderHolePeer(hole.peer)], ports: hole.ports.map((p) => ({ protocol: p.protocol, port: p.port })) };
}

/** Groups ports by rendered peer so each peer appears once per direction. */
class RuleSet {
  private readonly byPeer = new Map<string, { peer: any; ports: Array<{ protocol: string; port: number }> }>();

  constructor(private readonly namespace: string | undefined) {}

  public add(peer: PeerInfo, port: number, protocol: string): void {
    const rendered = renderNetworkPeer(peer, this.namespace);
    const key = JSON.stringify(rendered);
    const entry = this.byPeer.get(key) ?? { peer: rendered, ports: [] };
    if (!entry.ports.some((p) => p.port === port && p.protocol === protocol)) entry.ports.push({ protocol, port });
    this.byPeer.set(key, entry);
  }

  public rules(): PolicyRule[] {
    return [...this.byPeer.values()].map((e) => ({ peers: [e.peer], ports: e.ports }));
  }
}
