import { DEFAULT_PROXY_RESOURCES } from '../core/defaults';
import type { ResourceRange } from './resources';
import { checkLabels, checkResourceRange } from '../core/validate';
import { bool, obj, schemaProblems, str } from '../core/prop-schema';

/** How workloads join the Istio mesh. */
export enum MeshMode {
  /** An Envoy sidecar injected into every pod. */
  SIDECAR = 'sidecar',
  /** Node-level ztunnel (and optional waypoints); nothing injected into pods. */
  AMBIENT = 'ambient',
}

/** Mutual TLS for workloads of a namespace. */
export enum MtlsMode {
  /** Only mutual-TLS traffic is accepted. */
  STRICT = 'STRICT',
  /** Plain text is accepted too (for migrations); policies then also admit non-mesh peers by port and IP. */
  PERMISSIVE = 'PERMISSIVE',
}

/** Sidecar requests and limits by resource. */
export interface ProxyResources {
  /** Requests. */
  readonly requests: { [r: string]: string };
  /** Limits. */
  readonly limits: { [r: string]: string };
}

/** Options common to both mesh modes. */
export interface MeshOptions {
  /**
   * Mutual TLS mode of the namespace's PeerAuthentication.
   * @default MtlsMode.STRICT
   */
  readonly mtls?: MtlsMode;
}

/** Options of sidecar mode. */
export interface SidecarMeshOptions extends MeshOptions {
  /**
   * Whether the cluster runs the Istio CNI plugin. Without it every pod gets an `istio-init`
   * container running as root with NET_ADMIN and NET_RAW, which Pod Security baseline and
   * restricted reject.
   * @default false
   */
  readonly istioCni?: boolean;
  /**
   * Istio revision to inject (`istio.io/rev`) instead of the default one (`istio-injection`).
   * @default - the default revision
   */
  readonly revision?: string;
  /**
   * Prometheus scrapes every sidecar's Envoy statistics on port 15090 (Istio's standard
   * `envoy-stats` PodMonitor): open that port to the Prometheus pods, and only to them.
   * @default false
   */
  readonly scrapeProxyMetrics?: boolean;
  /**
   * CPU request and limit of the sidecar (`sidecar.istio.io/proxyCPU`, `proxyCPULimit`).
   * @default { request: '100m', limit: '500m' }
   */
  readonly proxyCpu?: ResourceRange;
  /**
   * Memory request and limit of the sidecar (`sidecar.istio.io/proxyMemory`, `proxyMemoryLimit`).
   * @default { request: '128Mi', limit: '256Mi' }
   */
  readonly proxyMemory?: ResourceRange;
}

const RANGE = obj({ request: str, limit: str });
const MESH_OPTIONS = obj({ mtls: str, istioCni: bool, revision: str, scrapeProxyMetrics: bool, proxyCpu: RANGE, proxyMemory: RANGE });

/** Istio mesh membership of a namespace: sidecar injection or ambient. */
export class Mesh {
  /** Sidecar injection. */
  public static sidecar(options: SidecarMeshOptions = {}): Mesh {
    return new Mesh(MeshMode.SIDECAR, options);
  }

  /** Ambient mode (ztunnel); pods stay as synthesized, which keeps Pod Security restricted. */
  public static ambient(options: MeshOptions = {}): Mesh {
    return new Mesh(MeshMode.AMBIENT, options);
  }

  /** Mode. */
  public readonly mode: MeshMode;
  /** mTLS mode. */
  public readonly mtls: MtlsMode;
  /** Whether the Istio CNI plugin sets up traffic capture (no istio-init container). */
  public readonly istioCni: boolean;
  /** Revision, if any. */
  public readonly revision?: string;
  /** Whether Prometheus scrapes the sidecars' Envoy metrics (port 15090). */
  public readonly scrapeProxyMetrics: boolean;
  /** Sidecar requests and limits by resource. */
  public readonly proxyResources: ProxyResources;

  private constructor(mode: MeshMode, given: SidecarMeshOptions) {
    // Types first (a JavaScript caller's options): `istioCni: "false"` must not read as true.
    const options = given ?? {};
    this.shape = schemaProblems('mesh', options, MESH_OPTIONS);
    this.mode = mode;
    this.mtls = options.mtls ?? MtlsMode.STRICT;
    this.istioCni = mode === MeshMode.AMBIENT || (options.istioCni ?? false);
    this.revision = options.revision;
    this.scrapeProxyMetrics = mode === MeshMode.SIDECAR && (options.scrapeProxyMetrics ?? false);
    this.proxyResources = {
      requests: { cpu: options.proxyCpu?.request ?? DEFAULT_PROXY_RESOURCES.cpu.request, memory: options.proxyMemory?.request ?? DEFAULT_PROXY_RESOURCES.memory.request },
      limits: { cpu: options.proxyCpu?.limit ?? DEFAULT_PROXY_RESOURCES.cpu.limit, memory: options.proxyMemory?.limit ?? DEFAULT_PROXY_RESOURCES.memory.limit },
    };
  }

  private readonly shape: string[];

  /** Problems with the options, for the owning construct to report. */
  public problems(): string[] {
    if (this.shape.length > 0) return [...this.shape];
    return ([
      this.revision !== undefined ? checkLabels('mesh revision', { 'istio.io/rev': this.revision }) : undefined,
      ...[['cpu', 'proxyCpu'], ['memory', 'proxyMemory']].map(([r, option]) => checkResourceRange(
        { request: `${option}.request`, limit: `${option}.limit` }, this.proxyResources.requests[r], this.proxyResources.limits[r])),
      Object.values(MtlsMode).includes(this.mtls) ? undefined : `mtls "${this.mtls}" is not STRICT or PERMISSIVE. Fix: use MtlsMode.STRICT, or MtlsMode.PERMISSIVE while migrating clients into the mesh.`,
    ]).filter((x): x is string => x !== undefined);
  }

  /** The Namespace labels that enrol its pods. */
  public namespaceLabels(): { [key: string]: string } {
    if (this.mode === MeshMode.AMBIENT) return { 'istio.io/dataplane-mode': 'ambient' };
    return this.revision ? { 'istio.io/rev': this.revision } : { 'istio-injection': 'enabled' };
  }

  /** Pod annotations that size the injected sidecar, so quotas and LimitRanges see it. */
  public podAnnotations(): { [key: string]: string } {
    if (this.mode !== MeshMode.SIDECAR) return {};
    const r = this.proxyResources;
    return {
      'sidecar.istio.io/proxyCPU': r.requests.cpu,
      'sidecar.istio.io/proxyCPULimit': r.limits.cpu,
      'sidecar.istio.io/proxyMemory': r.requests.memory,
      'sidecar.istio.io/proxyMemoryLimit': r.limits.memory,
    };
  }
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
  // UDP and SCTP are never HTTP, whatever the port is called (Istio does not proxy them).
  if (protocol !== 'TCP') return protocol.toLowerCase();
  return ISTIO_PROTOCOLS.find((p) => portName === p || portName.startsWith(`${p}-`)) ?? protocol.toLowerCase();
}

// Application protocols whose requests a sidecar parses, so `to.operation` (methods, paths) can match.
const HTTP_APP_PROTOCOLS = ['http', 'http2', 'grpc', 'grpc-web', 'kubernetes.io/h2c'];

/** Whether a sidecar sees HTTP requests on a port with this name, transport and appProtocol. */
export function carriesHttp(port: { readonly name: string; readonly protocol: string; readonly appProtocol?: string }): boolean {
  return HTTP_APP_PROTOCOLS.includes(port.appProtocol ?? protocolFromName(port.name, port.protocol));
}
