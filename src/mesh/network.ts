import { PolicyRule, podsInNamespace } from '../network/network-policy';
import { AMBIENT_PROBE_SOURCE, ISTIOD_XDS_PORT } from './authorization';

/** Envoy's Prometheus statistics port on every sidecar. */
export const ENVOY_METRICS_PORT = 15090;
import { Mesh, MeshMode } from './mesh';

/**
 * The NetworkPolicy holes a meshed pod needs beyond its declared connections: sidecars fetch
 * config and certificates from istiod; in ambient mode kubelet probes arrive from a link-local
 * SNAT address; with `scrapeProxyMetrics`, Prometheus reads Envoy statistics on 15090. Health
 * (15021) and merged metrics (15020) stay closed: kubelet probes are not subject to
 * NetworkPolicy, and MonitoredService scrapes the app's own metrics port instead.
 */
export function meshPolicyRules(
  mesh: Mesh | undefined,
  settings: { istiodNamespace: string; istiodPodLabels: { [key: string]: string }; prometheusNamespace: string; prometheusPodLabels: { [key: string]: string } },
  probePorts: number[],
): { ingress: PolicyRule[]; egress: PolicyRule[] } {
  if (!mesh) return { ingress: [], egress: [] };
  if (mesh.mode === MeshMode.SIDECAR) {
    return {
      // Envoy serves its stats on 15090 outside traffic capture, so only the NetworkPolicy guards it.
      ingress: mesh.scrapeProxyMetrics ? [{
        peers: [podsInNamespace(settings.prometheusNamespace, settings.prometheusPodLabels)],
        ports: [{ protocol: 'TCP', port: ENVOY_METRICS_PORT }],
      }] : [],
      egress: [{
        peers: [podsInNamespace(settings.istiodNamespace, settings.istiodPodLabels)],
        ports: [{ protocol: 'TCP', port: ISTIOD_XDS_PORT }],
      }],
    };
  }
  return {
    ingress: probePorts.length ? [{ peers: [{ ipBlock: { cidr: AMBIENT_PROBE_SOURCE } }], ports: probePorts.map((port) => ({ protocol: 'TCP', port })) }] : [],
    egress: [],
  };
}

// Istio's protocol selection by port-name prefix (`<protocol>[-<suffix>]`), longest first so
// `grpc-web-x` is grpc-web, not grpc.
const ISTIO_PROTOCOLS = ['http', 'http2', 'https', 'grpc', 'grpc-web', 'mongo', 'mysql', 'redis', 'tcp', 'tls', 'udp']
  .sort((a, b) => b.length - a.length);

/**
 * The `appProtocol` a meshed Service port gets when none was given: the protocol its name
 * announces, else its transport (`tcp` is always correct on the wire for a TCP port; name the
 * port `http…` or set appProtocol to get HTTP features).
 */
export function protocolFromName(portName: string, protocol: string = 'TCP'): string {
  return ISTIO_PROTOCOLS.find((p) => portName === p || portName.startsWith(`${p}-`)) ?? protocol.toLowerCase();
}
