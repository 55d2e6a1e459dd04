import { AMBIENT_PROBE_SOURCE, ENVOY_METRICS_PORT, ISTIOD_XDS_PORT } from '../core/constants';
import { Mesh, MeshMode } from './mesh';

/**
 * A peer a hole admits. Unlike a connection's peer it is always named by namespace: the
 * control plane and Prometheus live in their own namespaces, and an address is an address.
 */
export type HolePeer =
  | { readonly kind: 'pods'; readonly namespace: string; readonly podLabels: { readonly [key: string]: string } }
  | { readonly kind: 'ipBlock'; readonly cidr: string; readonly except?: readonly string[] };

/** One port of a hole, as the network renderer writes it. */
export interface HolePort {
  readonly protocol: string;
  readonly port: number;
}

/** An opening that is not a declared connection: infrastructure a workload needs to work. */
export interface Hole {
  readonly peer: HolePeer;
  readonly ports: readonly HolePort[];
}

/** The holes of one workload, by direction, in the order they are rendered. */
export interface Holes {
  readonly ingress: readonly Hole[];
  readonly egress: readonly Hole[];
}

/** Where the mesh control plane and Prometheus run (see ClusterSettings). */
export interface MeshHoleSettings {
  readonly istiodNamespace: string;
  readonly istiodPodLabels: { readonly [key: string]: string };
  readonly prometheusNamespace: string;
  readonly prometheusPodLabels: { readonly [key: string]: string };
}

export const NO_HOLES: Holes = Object.freeze({ ingress: Object.freeze([]), egress: Object.freeze([]) });

/**
 * The NetworkPolicy holes a meshed pod needs beyond its declared connections: sidecars fetch
 * config and certificates from istiod; in ambient mode kubelet probes arrive from a link-local
 * SNAT address; with `scrapeProxyMetrics`, Prometheus reads Envoy statistics on 15090. Health
 * (15021) and merged metrics (15020) stay closed: kubelet probes are not subject to
 * NetworkPolicy, and MonitoredService scrapes the app's own metrics port instead.
 */
export function meshHoles(mesh: Mesh | undefined, settings: MeshHoleSettings, probePorts: readonly number[]): Holes {
  if (!mesh) return NO_HOLES;
  if (mesh.mode === MeshMode.SIDECAR) {
    return {
      // Envoy serves its stats on 15090 outside traffic capture, so only the NetworkPolicy guards it.
      ingress: mesh.scrapeProxyMetrics ? [{
        peer: { kind: 'pods', namespace: settings.prometheusNamespace, podLabels: settings.prometheusPodLabels },
        ports: [{ protocol: 'TCP', port: ENVOY_METRICS_PORT }],
      }] : [],
      egress: [{
        peer: { kind: 'pods', namespace: settings.istiodNamespace, podLabels: settings.istiodPodLabels },
        ports: [{ protocol: 'TCP', port: ISTIOD_XDS_PORT }],
      }],
    };
  }
  return {
    ingress: probePorts.length ? [{ peer: { kind: 'ipBlock', cidr: AMBIENT_PROBE_SOURCE }, ports: probePorts.map((port) => ({ protocol: 'TCP', port })) }] : [],
    egress: [],
  };
}
