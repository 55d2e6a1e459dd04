import { NAMESPACE_NAME_LABEL, PolicyRule } from '../network/network-policy';
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
        peers: [{
          namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: settings.prometheusNamespace } },
          podSelector: { matchLabels: { ...settings.prometheusPodLabels } },
        }],
        ports: [{ protocol: 'TCP', port: ENVOY_METRICS_PORT }],
      }] : [],
      egress: [{
        peers: [{
          namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: settings.istiodNamespace } },
          podSelector: { matchLabels: { ...settings.istiodPodLabels } },
        }],
        ports: [{ protocol: 'TCP', port: ISTIOD_XDS_PORT }],
      }],
    };
  }
  return {
    ingress: probePorts.length ? [{ peers: [{ ipBlock: { cidr: AMBIENT_PROBE_SOURCE } }], ports: probePorts.map((port) => ({ protocol: 'TCP', port })) }] : [],
    egress: [],
  };
}

// Istio's protocol selection by port-name prefix (`<protocol>[-<suffix>]`).
const ISTIO_PROTOCOLS = ['http', 'http2', 'https', 'grpc', 'grpc-web', 'mongo', 'mysql', 'redis', 'tcp', 'tls', 'udp'];

/**
 * The `appProtocol` a meshed Service port gets when none was given: the protocol its name
 * announces, else `tcp` (always correct on the wire; name the port `http…` or set appProtocol to
 * get HTTP features).
 */
export function protocolFromName(portName: string): string {
  const prefix = [...ISTIO_PROTOCOLS].sort((a, b) => b.length - a.length).find((p) => portName === p || portName.startsWith(`${p}-`));
  return prefix ?? 'tcp';
}
