// The endpoints of a flow the reachability engine judges: workloads and pods in the manifests,
// cluster DNS, outside addresses.
import { IpAddress, parseIp } from '../core/net';
import { checkPortNumber } from '../core/validate';
import { CLUSTER_SETTINGS_DEFAULTS } from '../model/settings';
import type { ResolvedPort } from './reachability-manifests';
import { isL4Protocol } from './reachability-ports';
import type { Labels } from './reachability-selectors';

/** A container port, for pods that are not in the manifests (`Endpoint.pods`). */
export interface ContainerPortSpec {
  /**
   * Port name, so that policies using named ports can resolve it.
   * @default - unnamed
   */
  readonly name?: string;
  /** Container port number. */
  readonly port: number;
  /**
   * TCP, UDP or SCTP.
   * @default 'TCP'
   */
  readonly protocol?: string;
}

/** Where the cluster DNS pods run: ClusterSettings' `dnsNamespace` and `dnsPodLabels`. */
export interface ClusterDnsLocation {
  /** Namespace of the cluster DNS pods. */
  readonly namespace: string;
  /** Labels of the cluster DNS pods. */
  readonly podLabels: { [key: string]: string };
}

export const DEFAULT_DNS: ClusterDnsLocation = {
  namespace: CLUSTER_SETTINGS_DEFAULTS.dnsNamespace, podLabels: CLUSTER_SETTINGS_DEFAULTS.dnsPodLabels,
};

export type EndpointSpec =
  | { readonly kind: 'workload'; readonly namespace: string; readonly name: string; readonly workloadKind?: string }
  | { readonly kind: 'pods'; readonly namespace: string; readonly labels: Labels; readonly ports: readonly ResolvedPort[] }
  | { readonly kind: 'dns' }
  | { readonly kind: 'ip'; readonly address: IpAddress }
  | { readonly kind: 'host'; readonly hostname: string };

// The ports of the stock CoreDNS deployment, so that policies naming `dns` / `dns-tcp` resolve.
export const KUBE_DNS_PORTS: readonly ResolvedPort[] = [
  { name: 'dns', port: 53, protocol: 'UDP' },
  { name: 'dns-tcp', port: 53, protocol: 'TCP' },
  { name: 'metrics', port: 9153, protocol: 'TCP' },
];

function formatLabels(labels: Labels): string {
  return Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(',');
}

/** One side of a flow: pods (of a workload in the manifests, or given by labels) or an outside address. */
export class Endpoint {
  /**
   * The pods of a workload in the manifests (Deployment, StatefulSet, DaemonSet, ReplicaSet,
   * ReplicationController, Job, CronJob or bare Pod), found by `metadata.name` in `namespace`.
   * Its pods carry the pod template's labels and container ports.
   *
   * @param kind disambiguates when two workloads of different kinds share a name
   */
  static workload(namespace: string, name: string, kind?: string): Endpoint {
    return new Endpoint(`${namespace}/${name}`, { kind: 'workload', namespace, name, workloadKind: kind });
  }

  /**
   * Arbitrary pods that need not be in the manifests, e.g. Prometheus or an ingress controller.
   *
   * @param ports their container ports; only needed when policies use named ports towards them
   */
  static pods(namespace: string, labels: Record<string, string>, ports: ContainerPortSpec[] = []): Endpoint {
    return new Endpoint(`pods {${formatLabels(labels)}} in ${namespace}`, {
      kind: 'pods',
      namespace,
      labels: { ...labels },
      ports: ports.map((p) => {
        const protocol = p.protocol ?? 'TCP';
        if (!isL4Protocol(protocol)) throw new Error(`Container port protocol "${protocol}" is not supported. Fix: use TCP, UDP or SCTP.`);
        checkPort('Container port', p.port);
        return { ...(p.name !== undefined ? { name: p.name } : {}), port: p.port, protocol };
      }),
    });
  }

  /**
   * Cluster DNS: the pods of the model's `dns` option (by default labelled `k8s-app: kube-dns` in
   * `kube-system`), with ports dns (53/UDP), dns-tcp (53/TCP), metrics (9153/TCP). The location is
   * the model's, so that one endpoint serves clusters whose DNS runs elsewhere.
   */
  static kubeDns(): Endpoint {
    return new Endpoint('kube-dns', { kind: 'dns' });
  }

  /** An address outside the cluster, IPv4 or IPv6, e.g. `8.8.8.8` or `10.0.3.7`. */
  static ip(address: string): Endpoint {
    const parsed = parseIp(address);
    if (!parsed) throw new Error(`"${address}" is not an IPv4 or IPv6 address. Fix: pass a single address such as "203.0.113.7", not a CIDR or host name.`);
    return new Endpoint(address.trim(), { kind: 'ip', address: parsed });
  }

  /**
   * A host outside the cluster named by DNS, e.g. `api.stripe.com`: reached where a
   * CiliumNetworkPolicy names it (toFQDNs), or where a NetworkPolicy admits the port to every
   * address and, under a REGISTRY_ONLY Sidecar, a ServiceEntry names it.
   */
  static host(hostname: string): Endpoint {
    const h = typeof hostname === 'string' ? hostname.trim().toLowerCase().replace(/\.$/, '') : '';
    if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)+$/.test(h)) {
      throw new Error(`"${hostname}" is not a DNS hostname. Fix: pass a fully qualified name such as "api.stripe.com" (for an address use Endpoint.ip).`);
    }
    return new Endpoint(h, { kind: 'host', hostname: h });
  }

  private constructor(
    /** Human-readable name, as used in verdict reasons. */
    public readonly description: string,
    /** @internal */
    public readonly _spec: EndpointSpec,
  ) {}

  toString(): string {
    return this.description;
  }
}


/** Refuses a port number that is not one (the engine's callers passed it). */
export function checkPort(what: string, port: number): void {
  const problem = checkPortNumber(what, port);
  if (problem) throw new Error(problem);
}
