import { checkHostname } from '../core/hostname';
import { checkPortNumber } from '../core/validate';
import type { Hole } from './holes';
import { MeshMode } from './mesh';
import { Connection, PeerKind, Protocol } from './peer';

/** The Container Network Interface plugin of the cluster, where it decides what policy can say. */
export enum Cni {
  /** A CNI that enforces plain NetworkPolicy only (Calico without its own CRDs, kube-router, …). */
  GENERIC = 'generic',
  /** Cilium: CiliumNetworkPolicy can allow egress by DNS name (`toFQDNs`). */
  CILIUM = 'cilium',
}

/** How a workload speaks to an external host. */
export enum HostProtocol {
  /** TLS (HTTPS and any other TLS protocol): the mesh matches the host by SNI. */
  TLS = 'TLS',
  /** Plain HTTP: the mesh matches the host by the Host header. */
  HTTP = 'HTTP',
}

/** Options for `allowToHost`. */
export interface AllowToHostOptions {
  /** The host's port. */
  readonly port: number;
  /**
   * The protocol spoken to the host.
   * @default HostProtocol.TLS
   */
  readonly protocol?: HostProtocol;
}

/** One external host a workload may reach, as recorded in its intents. */
export interface HostIntent {
  /** The DNS name (`*.example.com` where the enforcing layer matches wildcards). */
  readonly hostname: string;
  /** The port. */
  readonly port: number;
  /** The protocol. */
  readonly protocol: HostProtocol;
  /** What holds the workload to the name. */
  readonly enforcement: HostEnforcement;
}

/** What enforces a host intent: Cilium's FQDN policy, or a REGISTRY_ONLY sidecar. */
export enum HostEnforcement {
  CILIUM = 'cilium',
  SIDECAR = 'sidecar',
}

// Every address; the network renderer excepts the cloud metadata blocks (ClusterSettings
// metadataCidrs), which hand node credentials to any pod that reaches them.
const ANY_ADDRESS: ReadonlyArray<Hole['peer']> = [
  { kind: 'ipBlock', cidr: '0.0.0.0/0' },
  { kind: 'ipBlock', cidr: '::/0' },
];

/**
 * Who can enforce "this workload reaches this host by name", or why nobody can. Cilium matches
 * names in the datapath (its DNS proxy learns which addresses a name resolved to); an Istio
 * sidecar with `outboundTrafficPolicy: REGISTRY_ONLY` forwards only to hosts in its registry (the
 * ServiceEntry). A plain NetworkPolicy matches addresses only, and ambient's ztunnel has no
 * REGISTRY_ONLY, so neither can.
 */
export function hostEnforcement(mesh: MeshMode | undefined, cni: Cni, hostname: string): { enforcement?: HostEnforcement; problem?: string } {
  if (cni === Cni.CILIUM) return { enforcement: HostEnforcement.CILIUM };
  if (mesh === MeshMode.SIDECAR) {
    if (hostname.startsWith('*.')) {
      return { problem: `allowToHost("${hostname}"): an Istio ServiceEntry with DNS resolution cannot resolve a wildcard, so the sidecar could not forward to it. Fix: name each host in full, or let Cilium enforce it (ClusterSettings.apply(app, { cni: Cni.CILIUM })).` };
    }
    return { enforcement: HostEnforcement.SIDECAR };
  }
  const why = mesh === MeshMode.AMBIENT
    ? 'the workload is in ambient mode, where ztunnel has no REGISTRY_ONLY policy to hold it to named hosts, and a plain NetworkPolicy cannot match names'
    : 'a plain NetworkPolicy matches addresses, not names, and the workload is not behind an Istio sidecar that could';
  return { problem: `allowToHost("${hostname}") has no way to be enforced: ${why}. Fix: allow the host's addresses with allowTo(Peer.ipBlock('203.0.113.0/24'), { port }), or say the cluster runs Cilium with ClusterSettings.apply(app, { cni: Cni.CILIUM }), or put the workload in a sidecar mesh (IsolatedNamespace with mesh: Mesh.sidecar()).` };
}

/** The problems of one `allowToHost` call. */
export function hostProblems(hostname: string, options: AllowToHostOptions): string[] {
  const o = options ?? ({} as AllowToHostOptions);
  return [
    checkHostname('allowToHost hostname', hostname, { allowed: true, target: 'the egress policy' }),
    o.port === undefined ? `allowToHost("${hostname}") needs a port. Fix: pass { port: 443 }.` : checkPortNumber(`allowToHost("${hostname}") port`, o.port),
    o.protocol !== undefined && !Object.values(HostProtocol).includes(o.protocol)
      ? `allowToHost("${hostname}") protocol "${o.protocol}" is not TLS or HTTP. Fix: use HostProtocol.TLS (the default) or HostProtocol.HTTP.` : undefined,
  ].filter((p): p is string => p !== undefined);
}

/**
 * The NetworkPolicy egress the sidecar path needs. The sidecar connects to whatever address the
 * name resolved to, which no NetworkPolicy can predict, so the port is opened to every address
 * (IPv4 and IPv6) but the metadata endpoints; the sidecar (REGISTRY_ONLY) is what holds the workload to
 * the name, and Pod Security restricted keeps the app from the NET_ADMIN it would need to get
 * past the sidecar's redirect. Cilium needs no hole: its own policy allows the name.
 */
export function hostHoles(hosts: readonly HostIntent[]): Hole[] {
  const viaSidecar = hosts.filter((h) => h.enforcement === HostEnforcement.SIDECAR);
  if (viaSidecar.length === 0) return [];
  const ports = [...new Set(viaSidecar.map((h) => h.port))].sort((a, b) => a - b);
  return ANY_ADDRESS.map((peer) => ({ peer, ports: ports.map((port) => ({ protocol: 'TCP', port })) }));
}

/**
 * The blocks (Peer.ipBlock) and TCP ports a workload connects to by address. Its REGISTRY_ONLY
 * Sidecar (allowToHost in a sidecar mesh) forwards only to destinations in the registry, so
 * without a ServiceEntry for these addresses the proxy drops the connections the NetworkPolicy
 * admits. TCP only: the sidecar does not capture UDP or SCTP. Empty when there are none.
 */
export function addressEgress(outbound: readonly Connection[]): { readonly cidrs: string[]; readonly ports: number[] } {
  const toBlocks = outbound.filter((c) => c.to.kind === PeerKind.IP_BLOCK && c.to.cidr !== undefined && c.protocol === Protocol.TCP);
  return {
    cidrs: [...new Set(toBlocks.map((c) => c.to.cidr!))],
    ports: [...new Set(toBlocks.map((c) => c.port))].sort((a, b) => a - b),
  };
}
