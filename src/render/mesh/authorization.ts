import { DEFAULT_METADATA_CIDRS } from '../../core/cidr';
import { renderedIpBlock } from '../../model/ip-blocks';
import type { WorkloadIntents } from '../../model/intents';
import { PeerInfo, PeerKind } from '../../model/peer';
import { MtlsMode } from '../../model/mesh';

/** An Istio AuthorizationPolicy `source`. */
export interface MeshSource {
  readonly principals?: readonly string[];
  readonly namespaces?: readonly string[];
  readonly ipBlocks?: readonly (string | undefined)[];
  readonly notIpBlocks?: readonly string[];
}

/** One rule of an AuthorizationPolicy. */
export interface AuthorizationRule {
  readonly from?: ReadonlyArray<{ readonly source: MeshSource }>;
  readonly to?: ReadonlyArray<{ readonly operation: { readonly ports: readonly string[]; readonly methods?: readonly string[]; readonly paths?: readonly string[] } }>;
}

/** The spec of a workload's ALLOW AuthorizationPolicy, as written. */
export interface AuthorizationPolicySpec {
  readonly selector: { readonly matchLabels: { readonly [key: string]: string } };
  readonly action: 'ALLOW';
  readonly rules?: readonly AuthorizationRule[];
}

/** An Istio AuthorizationPolicy source, or undefined when the peer has no mesh identity. */
export function meshSource(peer: PeerInfo, trustDomain: string): MeshSource | undefined {
  if (!peer.mesh) return undefined;
  if (peer.serviceAccountName) {
    return { principals: [`${trustDomain}/ns/${peer.namespace ?? 'default'}/sa/${peer.serviceAccountName}`] };
  }
  return { namespaces: [peer.namespace ?? 'default'] };
}

/**
 * The ALLOW AuthorizationPolicy of a meshed workload, from the same connections as its
 * NetworkPolicy: one rule per source identity with its destination (container) ports. No
 * connection means no rule, which Istio reads as "allow nothing".
 */
export function authorizationPolicy(self: WorkloadIntents, trustDomain: string, metadata: readonly string[] = DEFAULT_METADATA_CIDRS): { spec: AuthorizationPolicySpec; problems: string[] } {
  const problems: string[] = [];
  const rules = new Map<string, { from?: Array<{ source: MeshSource }>; ports: string[]; methods?: readonly string[]; paths?: readonly string[] }>();
  for (const c of self.connections) {
    if (!self.isInbound(c)) continue;
    let source = meshSource(c.from, trustDomain);
    if (!source && self.mtls === MtlsMode.STRICT && !self.permissivePorts?.includes(c.port)) {
      problems.push(`${c.from.description} has no mesh identity, and STRICT mTLS in namespace "${self.namespace ?? 'default'}" refuses its plain-text connections to port ${c.port}. Fix: put the peer in the mesh (an IsolatedNamespace with \`mesh\`, or Peer.namespace/Peer.pods with { meshed: true } or { serviceAccount }), or use mtls: MtlsMode.PERMISSIVE while migrating.`);
      continue;
    }
    // Under PERMISSIVE a plain-text peer has no principal: match its addresses when known,
    // else only the port (the NetworkPolicy still limits who can connect at all).
    if (!source && c.from.kind === PeerKind.IP_BLOCK) {
      const block = renderedIpBlock(c.from.cidr ?? '', c.from.except, metadata);
      source = { ipBlocks: [block.cidr], notIpBlocks: block.except };
    }
    // An HTTP-level intent is its own rule: merged with another source's ports it would widen them.
    const key = JSON.stringify([source ?? null, c.http ?? null]);
    const rule = rules.get(key) ?? { from: source ? [{ source }] : undefined, ports: [], methods: c.http?.methods, paths: c.http?.paths };
    if (!rule.ports.includes(String(c.port))) rule.ports.push(String(c.port));
    rules.set(key, rule);
  }
  const rendered: AuthorizationRule[] = [...rules.values()].map((r) => ({
    from: r.from,
    to: [{ operation: r.methods || r.paths ? { ports: r.ports, methods: r.methods, paths: r.paths } : { ports: r.ports } }],
  }));
  // Mirrors the namespace's allow-same-namespace NetworkPolicy: any port, from its own pods.
  if (self.allowIntraNamespace) rendered.push({ from: [{ source: { namespaces: [self.namespace ?? 'default'] } }] });
  return {
    spec: {
      selector: { matchLabels: { ...self.selector } },
      action: 'ALLOW',
      rules: rendered.length ? rendered : undefined,
    },
    problems,
  };
}
