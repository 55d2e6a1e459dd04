import { Chart } from 'cdk8s';
import type { IConstruct } from 'constructs';
import { exceptMetadata, ipBlockProblems, metadataReached, normalizeCidr } from '../core/cidr';
import { checkDnsLabel, checkLabels, checkPortNumber } from '../core/validate';
import { MeshMode } from './mesh';

/** Network protocols a port can use. */
export enum Protocol {
  /** TCP (the Kubernetes default). */
  TCP = 'TCP',
  /** UDP. */
  UDP = 'UDP',
  /** SCTP. */
  SCTP = 'SCTP',
}

/** What kind of thing a peer is. */
export enum PeerKind {
  /** A workload defined with this library (SecureApp, MonitoredService). */
  WORKLOAD = 'workload',
  /** Every pod of a namespace. */
  NAMESPACE = 'namespace',
  /** Pods with given labels in a namespace. */
  PODS = 'pods',
  /** Addresses outside the cluster. */
  IP_BLOCK = 'ipBlock',
  /** The proxy pods of a Gateway or Ingress controller, where traffic from outside enters. */
  GATEWAY = 'gateway',
  /** Several workloads of this library behind one SecureService: a connection to it is one to each. */
  SERVICE = 'service',
}

/** A container port of a workload. */
export interface WorkloadPort {
  /** Port name (IANA service name: at most 15 characters). */
  readonly name: string;
  /** Container port number. */
  readonly port: number;
  /** Protocol. */
  readonly protocol: Protocol;
  /**
   * Application protocol (Service `appProtocol`), when one was given.
   * @default - the one the port name announces (Istio's `<protocol>[-<suffix>]`), else the transport
   */
  readonly appProtocol?: string;
}

/**
 * What a peer is, as plain data. Every layer (NetworkPolicy, Istio AuthorizationPolicy) renders
 * its own representation from this one description.
 */
export interface PeerInfo {
  /** The kind of peer. */
  readonly kind: PeerKind;
  /** Human-readable description for errors and reports. */
  readonly description: string;
  /**
   * Namespace of the pods (WORKLOAD, NAMESPACE, PODS).
   * @default - the chart's namespace, or none when the chart sets none
   */
  readonly namespace?: string;
  /**
   * Labels that select the peer's pods (WORKLOAD, PODS).
   * @default - all pods of the namespace
   */
  readonly podLabels?: { [key: string]: string };
  /**
   * CIDR block (IP_BLOCK).
   * @default - none
   */
  readonly cidr?: string;
  /**
   * Blocks excluded from `cidr` (IP_BLOCK).
   * @default - none
   */
  readonly except?: string[];
  /**
   * How the peer's pods are in the Istio mesh.
   * @default - not in the mesh (no mesh identity)
   */
  readonly mesh?: MeshMode;
  /**
   * ServiceAccount of the peer's pods, which is their mesh identity.
   * @default - unknown: the mesh can identify the peer by namespace only
   */
  readonly serviceAccountName?: string;
  /**
   * The port a connection to this peer uses when the intent names none (the API server's).
   * @default - none: a connection to a peer that is not a workload needs a port
   */
  readonly defaultPort?: number;
  /**
   * The workload, for WORKLOAD peers: its ports and identity, and where the other side of a
   * connection is recorded.
   * @default - not a workload
   */
  readonly workload?: IWorkload;
  /**
   * The workloads behind a SecureService (SERVICE), each of which a connection to or from it
   * is made with, on `groupPort` unless the intent names a port.
   * @default - not a group
   */
  readonly members?: IWorkload[];
  /**
   * The container port the group's Service targets (SERVICE).
   * @default - each member's main port
   */
  readonly groupPort?: number;
}

/** Anything that can be on the other side of `allowFrom` / `allowTo`. */
export interface IPeer {
  /** Describes the peer. */
  toPeerInfo(): PeerInfo;
}

/** A workload made by this library: a peer whose policy records its side of every connection. */
export interface IWorkload extends IPeer {
  /** Construct path, for error messages. */
  readonly path: string;
  /** Workload (Deployment) name. */
  readonly name: string;
  /** Namespace, when known. */
  readonly namespace?: string;
  /** Name of the workload's ServiceAccount (its mesh identity). */
  readonly serviceAccountName: string;
  /** Container ports, main port first. */
  readonly ports: WorkloadPort[];
  /** Records a connection that involves this workload (either end). */
  recordConnection(connection: Connection): void;
}

/** HTTP requests an intent admits (Istio AuthorizationPolicy `to.operation`). */
export interface HttpMatch {
  /**
   * Methods admitted, upper case (`GET`, `POST`, …).
   * @default - any method
   */
  readonly methods?: string[];
  /**
   * Paths admitted: exact (`/api/orders`), prefix (`/api/*`) or suffix (`*.png`).
   * @default - any path
   */
  readonly paths?: string[];
}

/**
 * Where pods reach the Kubernetes API server, as NetworkPolicy sees it. Pods dial the
 * `kubernetes` Service (`kubernetes.default.svc`, an address in the Service CIDR, port 443), but
 * most CNIs (Calico, Cilium, Antrea, OVN-Kubernetes, and the cloud CNIs) judge NetworkPolicy
 * after Service translation, so the rule must name the API server's endpoints: `kubectl get
 * endpointslices -n default -l kubernetes.io/service-name=kubernetes` gives their addresses and
 * port (6443 on kubeadm, kind, k3s; 443 on EKS, GKE, AKS). A CNI that judges before translation
 * needs the Service's ClusterIP instead (`kubectl get service kubernetes -n default`).
 */
export interface KubeApiServerOptions {
  /** The block holding the API server endpoints (or the Service ClusterIP, see above), e.g. `172.20.0.0/28`. */
  readonly cidr: string;
  /**
   * The port those addresses serve on.
   * @default 443
   */
  readonly port?: number;
}

/** Options for `allowFrom` / `allowTo`. */
export interface ConnectionOptions {
  /**
   * The destination's container port (never a Service port).
   * @default - the destination app's main container port
   */
  readonly port?: number;
  /**
   * Protocol.
   * @default - the protocol of the destination's port, or TCP
   */
  readonly protocol?: Protocol;
  /**
   * Admit only these HTTP requests. Enforced by the destination's sidecar (the AuthorizationPolicy's
   * `to.operation`), so the destination must be a workload of this library in a sidecar mesh:
   * NetworkPolicy works at layer 4, and ambient mode needs a waypoint proxy for layer 7.
   * @default - any traffic on the port
   */
  readonly http?: HttpMatch;
}

/**
 * One declared intent: `from` may open connections to `to` on `port`. Recorded once on each
 * workload involved; the network and mesh renderers each derive their objects from it, so
 * `a.allowTo(b)` and `b.allowFrom(a)` are the same record.
 */
export interface Connection {
  /** Source. */
  readonly from: PeerInfo;
  /** Destination. */
  readonly to: PeerInfo;
  /** Destination container port. */
  readonly port: number;
  /** Protocol. */
  readonly protocol: Protocol;
  /**
   * The HTTP requests admitted.
   * @default - any traffic on the port
   */
  readonly http?: HttpMatch;
}

/** How a peer outside this library takes part in the Istio mesh. */
export interface PeerMeshOptions {
  /**
   * The peer's pods run in the mesh (sidecar or ambient), so they present a mesh identity.
   * @default false
   */
  readonly meshed?: boolean;
  /**
   * ServiceAccount of the peer's pods: narrows mesh authorization from the whole namespace to
   * this identity. Implies `meshed`.
   * @default - the namespace is the narrowest identity
   */
  readonly serviceAccount?: string;
}

function meshOf(options: PeerMeshOptions): { mesh?: MeshMode; serviceAccountName?: string } {
  const meshed = options.meshed || options.serviceAccount !== undefined;
  return { mesh: meshed ? MeshMode.SIDECAR : undefined, serviceAccountName: options.serviceAccount };
}

// A Peer made from bad input carries its problem instead of throwing: the construct it is given
// to (allowFrom / allowTo) reports it with its own path, in one SecureConfigError.
const PROBLEMS = new WeakMap<PeerInfo, string>();

// The cdk8s-plus workload a peer was made from, so the connection can open its side too.
const FOREIGN = new WeakMap<PeerInfo, IConstruct>();

/** The cdk8s-plus workload behind a peer from `Peer.fromCdk8sPlus`, if it is one. */
export function foreignWorkloadOf(info: PeerInfo): IConstruct | undefined {
  return FOREIGN.get(info);
}

/** What is wrong with the input a peer was made from, if anything. */
export function peerProblemOf(info: PeerInfo): string | undefined {
  return PROBLEMS.get(info);
}

/** Peers that are not workloads of this library. */
export class Peer implements IPeer {
  /** Every pod in namespace `name`. */
  public static namespace(name: string, options: PeerMeshOptions = {}): Peer {
    const problem = checkDnsLabel('Peer.namespace name', name) ?? Peer.checkMesh(options);
    return new Peer({ kind: PeerKind.NAMESPACE, namespace: name, description: `namespace ${name}`, ...meshOf(options) }, problem);
  }

  /** Pods carrying all of `labels` in namespace `namespace`. */
  public static pods(namespace: string, labels: { [key: string]: string }, options: PeerMeshOptions = {}): Peer {
    const problem = checkDnsLabel('Peer.pods namespace', namespace) ?? checkLabels('Peer.pods label', labels)
      ?? (Object.keys(labels).length === 0 ? 'Peer.pods needs at least one label. Fix: pass the labels of the pods, or use Peer.namespace() for all pods of the namespace.' : undefined)
      ?? Peer.checkMesh(options);
    const shown = Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(',');
    return new Peer({ kind: PeerKind.PODS, namespace, podLabels: { ...labels }, description: `pods ${shown} in ${namespace}`, ...meshOf(options) }, problem);
  }

  /**
   * The pods of a cdk8s-plus workload (Deployment, StatefulSet, DaemonSet, Job, Pod…, from
   * cdk8s-plus-27 or any later major), so apps written with cdk8s-plus can be peers. Read
   * structurally (`toPodSelectorConfig()`), so no one major's classes are needed. When its
   * namespace is an IsolatedNamespace, whose default-deny would block it, `allowFrom`/`allowTo`
   * also write the NetworkPolicy that opens its side of the connection.
   */
  public static fromCdk8sPlus(workload: IConstruct, options: PeerMeshOptions = {}): Peer {
    const w = workload as unknown as { node?: { path?: string }; metadata?: { namespace?: string }; toPodSelectorConfig?: () => any };
    const where = `Peer.fromCdk8sPlus(${w?.node?.path ?? String(workload)})`;
    let selector: { matchLabels?: { [key: string]: string }; matchExpressions?: unknown[] } | undefined;
    try {
      const config = typeof w?.toPodSelectorConfig === 'function' ? w.toPodSelectorConfig() : undefined;
      const ls = config?.labelSelector;
      selector = typeof ls?._toKube === 'function' ? ls._toKube() : undefined;
    } catch {
      selector = undefined;
    }
    if (!selector || typeof selector !== 'object' || !w?.node) {
      const bad = new Peer({ kind: PeerKind.PODS, namespace: 'default', podLabels: {}, description: where });
      PROBLEMS.set(bad.info, `${where} is not a cdk8s-plus workload: it has no toPodSelectorConfig() with a label selector. Fix: pass a cdk8s-plus Deployment, StatefulSet, DaemonSet, Job or Pod, or use Peer.pods(namespace, labels).`);
      return bad;
    }
    const namespace = w.metadata?.namespace ?? Chart.of(workload).namespace ?? 'default';
    const peer = Peer.pods(namespace, { ...selector.matchLabels }, options);
    FOREIGN.set(peer.info, workload);
    if (selector.matchExpressions?.length) {
      PROBLEMS.set(peer.info, `${where} selects pods with label expressions, which this library does not translate. Fix: select the pods by labels with Peer.pods(namespace, labels).`);
    }
    return peer;
  }

  /**
   * Addresses outside the cluster. Blocks are stored in canonical form (`0.0.0.0/00` and
   * `1.2.3.4/0` are `0.0.0.0/0`). A block that contains a cloud metadata address
   * (169.254.169.254/32, fd00:ec2::254/128), which hands out node credentials to any pod that can
   * reach it, always excepts it, whatever the spelling.
   */
  public static ipBlock(cidr: string, except: string[] = []): Peer {
    const problem = ipBlockProblems('Peer.ipBlock', cidr, except)[0];
    if (problem !== undefined) {
      return new Peer({ kind: PeerKind.IP_BLOCK, cidr, except: except.length ? [...except] : undefined, description: `ipBlock ${cidr}` }, problem);
    }
    const block = normalizeCidr(cidr)!;
    const all = exceptMetadata(block, [...new Set(except.map((e) => normalizeCidr(e)!))]);
    const reached = metadataReached([{ cidr: block, except: all }]);
    const inMetadata = reached.length > 0
      ? `Peer.ipBlock "${cidr}" lies inside the cloud metadata block ${reached.map((r) => r.text).join(', ')}, which hands out node credentials. Fix: do not allow traffic to it.`
      : undefined;
    return new Peer({ kind: PeerKind.IP_BLOCK, cidr: block, except: all.length ? all : undefined, description: `ipBlock ${block}` }, inMetadata);
  }

  /**
   * The Kubernetes API server, for operators and controllers that call it: egress to its
   * endpoints on their port (see KubeApiServerOptions for which addresses your cluster needs).
   */
  public static kubeApiServer(options: KubeApiServerOptions): Peer {
    const o = options ?? ({} as KubeApiServerOptions);
    const block = Peer.ipBlock(String(o.cidr));
    const info = block.toPeerInfo();
    const port = o.port ?? 443;
    const problem = peerProblemOf(info) ?? checkPortNumber('Peer.kubeApiServer port', port);
    return new Peer({ ...info, description: `the Kubernetes API server (${info.cidr})`, defaultPort: port }, problem);
  }

  private static checkMesh(options: PeerMeshOptions): string | undefined {
    return options.serviceAccount !== undefined ? checkDnsLabel('serviceAccount', options.serviceAccount) : undefined;
  }

  private constructor(private readonly info: PeerInfo, problem?: string) {
    if (problem !== undefined) PROBLEMS.set(info, problem);
  }

  public toPeerInfo(): PeerInfo {
    return this.info;
  }
}
