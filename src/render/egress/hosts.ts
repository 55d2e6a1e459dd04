import type { CiliumNetworkPolicySpec } from '../../imports/cilium.io';
import { CiliumNetworkPolicySpecEgressToPortsPortsProtocol } from '../../imports/cilium.io';
import type { ServiceEntrySpec, SidecarSpec } from '../../imports/networking.istio.io';
import { ServiceEntrySpecLocation, ServiceEntrySpecResolution, SidecarSpecOutboundTrafficPolicyMode } from '../../imports/networking.istio.io';
import { HostIntent, HostProtocol } from '../../model/hosts';

/**
 * The ServiceEntry that puts one external host in the workload's namespace registry: outside
 * the mesh (MESH_EXTERNAL), resolved by DNS, exported to the namespace only so one workload's
 * intent does not open the host to the whole mesh.
 */
export function serviceEntrySpec(hostname: string, intents: readonly HostIntent[]): ServiceEntrySpec {
  const ports = intents.filter((h) => h.hostname === hostname);
  return {
    hosts: [hostname],
    location: ServiceEntrySpecLocation.MESH_UNDERSCORE_EXTERNAL,
    resolution: ServiceEntrySpecResolution.DNS,
    exportTo: ['.'],
    ports: ports.map((h) => ({ number: h.port, name: `${h.protocol === HostProtocol.HTTP ? 'http' : 'tls'}-${h.port}`, protocol: h.protocol })),
  };
}

/**
 * The ServiceEntry that puts the blocks a workload dials by address in its namespace registry,
 * so its REGISTRY_ONLY Sidecar forwards them: `addresses` match the destination IP, resolution
 * NONE sends each connection on to the address dialled. The host is a placeholder Istio requires
 * and never resolves. The sidecar then admits every listed port to every listed block; the
 * NetworkPolicy still holds each block to its own ports (and its excepts).
 */
export function addressServiceEntrySpec(host: string, egress: { readonly cidrs: readonly string[]; readonly ports: readonly number[] }): ServiceEntrySpec {
  return {
    hosts: [host],
    addresses: [...egress.cidrs],
    location: ServiceEntrySpecLocation.MESH_UNDERSCORE_EXTERNAL,
    resolution: ServiceEntrySpecResolution.NONE,
    exportTo: ['.'],
    ports: egress.ports.map((port) => ({ number: port, name: `tcp-${port}`, protocol: 'TCP' })),
  };
}

/**
 * The workload's Sidecar: REGISTRY_ONLY, so its proxy forwards only to hosts in the registry
 * (in-cluster Services and the ServiceEntries), and a name not declared goes nowhere.
 */
export function registryOnlySidecarSpec(selector: { readonly [key: string]: string }): SidecarSpec {
  return {
    workloadSelector: { labels: { ...selector } },
    outboundTrafficPolicy: { mode: SidecarSpecOutboundTrafficPolicyMode.REGISTRY_UNDERSCORE_ONLY },
  };
}

/** Where the cluster DNS runs, in Cilium's label syntax. */
export interface CiliumDnsLocation {
  readonly dnsNamespace: string;
  readonly dnsPodLabels: { readonly [key: string]: string };
}

/**
 * The CiliumNetworkPolicy that allows a workload's hosts by name. `toFQDNs` works only when
 * Cilium's DNS proxy sees the lookups, so DNS to the cluster DNS pods gets an L7 `dns` rule;
 * its pattern is `*` because the same lookups resolve in-cluster Service names too: the names
 * the workload may *connect* to are limited by `toFQDNs`, not by what it may look up.
 */
export function ciliumEgressSpec(selector: { readonly [key: string]: string }, hosts: readonly HostIntent[], dns: CiliumDnsLocation): CiliumNetworkPolicySpec {
  const byPorts = new Map<string, { ports: number[]; names: string[] }>();
  for (const hostname of [...new Set(hosts.map((h) => h.hostname))]) {
    const ports = [...new Set(hosts.filter((h) => h.hostname === hostname).map((h) => h.port))].sort((a, b) => a - b);
    const key = ports.join(',');
    const entry = byPorts.get(key) ?? { ports, names: [] };
    entry.names.push(hostname);
    byPorts.set(key, entry);
  }
  const dnsLabels: { [key: string]: string } = { 'k8s:io.kubernetes.pod.namespace': dns.dnsNamespace };
  for (const [k, v] of Object.entries(dns.dnsPodLabels)) dnsLabels[`k8s:${k}`] = v;
  return {
    endpointSelector: { matchLabels: { ...selector } },
    egress: [
      {
        toEndpoints: [{ matchLabels: dnsLabels }],
        toPorts: [{
          ports: [{ port: '53', protocol: CiliumNetworkPolicySpecEgressToPortsPortsProtocol.ANY }],
          rules: { dns: [{ matchPattern: '*' }] },
        }],
      },
      ...[...byPorts.values()].map((g) => ({
        toFqdNs: g.names.map((n) => (n.startsWith('*.') ? { matchPattern: n } : { matchName: n })),
        toPorts: [{ ports: g.ports.map((p) => ({ port: String(p), protocol: CiliumNetworkPolicySpecEgressToPortsPortsProtocol.TCP })) }],
      })),
    ],
  };
}
