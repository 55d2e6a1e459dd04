import { ApiObject, Lazy, Names } from 'cdk8s';
import { Construct } from 'constructs';
import { childPath, SecureConfigError } from './core/errors';
import { Connection, ConnectionOptions, resolveConnection } from './model/connection';
import { WorkloadIntents } from './model/intents';
import { ContainerLimits, IPlacedWorkload, Placement, placementOf } from './model/placement';
import { ResourceFootprint } from './model/quota';
import {
  checkCapability, checkDnsLabel, checkDnsSubdomain, checkImage, checkLabels, checkPortName, checkPortNumber,
  checkQuantity, checkResourceRange, addQuantities,
} from './core/validate';
import { NetworkPolicySpec, workloadPolicySpec } from './render/network/network-policy';
import { IPeer, IWorkload, PeerInfo, PeerKind, Protocol, WorkloadPort } from './model/peer';
import { AuthorizationPolicy } from './imports/security.istio.io';
import { authorizationPolicy, AuthorizationPolicySpec } from './render/mesh/authorization';
import { ISTIO_INIT, ISTIO_PROXY_UID } from './core/constants';
import { withInjectedContainers } from './render/mesh/injection';
import { Mesh, MeshMode, protocolFromName } from './model/mesh';
import { meshHoles } from './model/holes';
import type { ResourceRange } from './model/resources';
import { ClusterSettings } from './model/settings';
import { checkPodSecurity } from './checks/pod-security';
import { PodTemplateSpec, probedPorts, renderPodTemplate, writableVolumeName } from './render/pod/pod-template';
import { checkEnv, EnvValue } from './model/env';
import { MountedFiles } from './model/files';
import { Probe } from './model/probe';

/** How the app's Service is exposed. */
export enum ServiceType {
  /** Reachable inside the cluster only. */
  CLUSTER_IP = 'ClusterIP',
  /** Also on a port of every node. */
  NODE_PORT = 'NodePort',
  /** Also through a cloud load balancer. */
  LOAD_BALANCER = 'LoadBalancer',
}

/** An extra named container port. */
export interface ContainerPort {
  /** Port name (at most 15 lowercase letters, digits and '-'); Istio and Prometheus refer to it. */
  readonly name: string;
  /** Container port number. */
  readonly port: number;
  /**
   * Protocol.
   * @default Protocol.TCP
   */
  readonly protocol?: Protocol;
  /**
   * Port on the Service.
   * @default - the container port
   */
  readonly servicePort?: number;
  /**
   * Application protocol (`http`, `http2`, `grpc`, `tcp`…), written as the Service port's
   * `appProtocol` so a mesh picks the right protocol.
   * @default - none
   */
  readonly appProtocol?: string;
  /**
   * Whether the Service exposes the port (false for ports only scraped or probed on the pod).
   * @default true
   */
  readonly exposeOnService?: boolean;
}

/** Requests and limits of the app container. */
export interface ResourceSettings {
  /**
   * CPU.
   * @default { request: '100m', limit: '500m' }
   */
  readonly cpu?: ResourceRange;
  /**
   * Memory.
   * @default { request: '128Mi', limit: '256Mi' }
   */
  readonly memory?: ResourceRange;
  /**
   * Ephemeral storage (writable dirs, logs, image layers written to).
   * @default { request: '64Mi', limit: '256Mi' }
   */
  readonly ephemeralStorage?: ResourceRange;
}

/** Horizontal pod autoscaling on CPU. */
export interface AutoscalingOptions {
  /**
   * Fewest replicas; at least 2 so one disruption never takes the app down.
   * @default 2
   */
  readonly minReplicas?: number;
  /** Most replicas; more than `minReplicas`. */
  readonly maxReplicas: number;
  /**
   * Target average CPU utilization, percent of the request.
   * @default 70
   */
  readonly targetCpuUtilizationPercent?: number;
}

/** A directory the app may write to despite the read-only root filesystem. */
export interface WritableDir {
  /** Absolute path in the container. */
  readonly path: string;
  /**
   * Most the directory may hold before the pod is evicted.
   * @default '64Mi'
   */
  readonly sizeLimit?: string;
}

/** A pod toleration. */
export interface Toleration {
  /**
   * Taint key.
   * @default - all taints (only with operator Exists)
   */
  readonly key?: string;
  /**
   * `Equal` or `Exists`.
   * @default 'Equal'
   */
  readonly operator?: string;
  /**
   * Taint value (with Equal).
   * @default - none
   */
  readonly value?: string;
  /**
   * `NoSchedule`, `PreferNoSchedule` or `NoExecute`.
   * @default - all effects
   */
  readonly effect?: string;
  /**
   * How long a NoExecute taint is tolerated.
   * @default - forever
   */
  readonly tolerationSeconds?: number;
}

/** A required node-affinity expression. */
export interface NodeSelectorRequirement {
  /** Node label key. */
  readonly key: string;
  /** `In`, `NotIn`, `Exists`, `DoesNotExist`, `Gt` or `Lt`. */
  readonly operator: string;
  /**
   * Values (for In, NotIn, Gt, Lt).
   * @default - none
   */
  readonly values?: string[];
}

/** Identity of the process in the container. */
export interface SecurityContextOptions {
  /**
   * UID; never 0. kube-score asks for 10000 or more, so host UIDs cannot overlap.
   * @default 10001
   */
  readonly runAsUser?: number;
  /**
   * GID; never 0.
   * @default 10001
   */
  readonly runAsGroup?: number;
  /**
   * Group that owns mounted volumes.
   * @default 10001
   */
  readonly fsGroup?: number;
}

/**
 * Explicit exceptions to the hardening defaults. Each is still checked at synth against the Pod
 * Security level of the namespace the app lands in: e.g. `NET_ADMIN` fails in a restricted or
 * baseline namespace and passes in a privileged one.
 */
export interface SecurityRelaxations {
  /**
   * Linux capabilities to add after dropping ALL. Restricted admits only NET_BIND_SERVICE.
   * @default - none
   */
  readonly addCapabilities?: string[];
  /**
   * Let processes gain more privileges than their parent (setuid binaries).
   * @default false
   */
  readonly allowPrivilegeEscalation?: boolean;
  /**
   * Run the container privileged (full host access).
   * @default false
   */
  readonly privileged?: boolean;
  /**
   * Make the root filesystem writable.
   * @default false
   */
  readonly writableRootFilesystem?: boolean;
  /**
   * Run with seccomp Unconfined instead of RuntimeDefault.
   * @default false
   */
  readonly seccompUnconfined?: boolean;
  /**
   * Use the node's network namespace.
   * @default false
   */
  readonly hostNetwork?: boolean;
  /**
   * Use the node's PID namespace.
   * @default false
   */
  readonly hostPID?: boolean;
  /**
   * Use the node's IPC namespace.
   * @default false
   */
  readonly hostIPC?: boolean;
  /**
   * Mount the ServiceAccount token, for apps that call the Kubernetes API.
   * @default false
   */
  readonly mountServiceAccountToken?: boolean;
}

/** Properties of a SecureApp. */
export interface SecureAppProps {
  /** Container image, pinned by tag or digest (`:latest` and untagged images are refused). */
  readonly image: string;
  /**
   * Name of the Deployment, ServiceAccount, Service and policies.
   * @default - unique name derived from the construct path
   */
  readonly name?: string;
  /**
   * Value of `app.kubernetes.io/name`.
   * @default - the construct id
   */
  readonly appName?: string;
  /**
   * Main container port: default target of `allowFrom`, of probes and of the Service.
   * @default - no port (a worker)
   */
  readonly port?: number;
  /**
   * Name of the main port.
   * @default 'http'
   */
  readonly portName?: string;
  /**
   * Application protocol of the main port (Service `appProtocol`).
   * @default - none
   */
  readonly appProtocol?: string;
  /**
   * Extra named container ports.
   * @default - none
   */
  readonly ports?: ContainerPort[];
  /**
   * Replica count (not with `autoscaling`).
   * @default 2
   */
  readonly replicas?: number;
  /**
   * Entrypoint override.
   * @default - the image's
   */
  readonly command?: string[];
  /**
   * Arguments.
   * @default - the image's
   */
  readonly args?: string[];
  /**
   * Environment variables.
   * @default - none
   */
  readonly env?: { [name: string]: EnvValue };
  /**
   * ConfigMap and Secret files mounted read-only.
   * @default - none
   */
  readonly files?: MountedFiles[];
  /**
   * Writable directories besides `/tmp` (always writable, 64Mi) as size-limited emptyDirs.
   * @default - only /tmp
   */
  readonly writableDirs?: WritableDir[];
  /**
   * Requests and limits.
   * @default - cpu 100m/500m, memory 128Mi/256Mi, ephemeral-storage 64Mi/256Mi
   */
  readonly resources?: ResourceSettings;
  /**
   * Readiness probe.
   * @default - TCP check on the main port (none for workers)
   */
  readonly readiness?: Probe;
  /**
   * Liveness probe.
   * @default - TCP check on the main port (none for workers)
   */
  readonly liveness?: Probe;
  /**
   * Scale on CPU with a HorizontalPodAutoscaler.
   * @default - fixed `replicas`
   */
  readonly autoscaling?: AutoscalingOptions;
  /**
   * Tolerations.
   * @default - none
   */
  readonly tolerations?: Toleration[];
  /**
   * Node labels the pods require.
   * @default - none
   */
  readonly nodeSelector?: { [key: string]: string };
  /**
   * Required node-affinity expressions (all must match).
   * @default - none
   */
  readonly nodeAffinity?: NodeSelectorRequirement[];
  /**
   * PriorityClass of the pods.
   * @default - the cluster default
   */
  readonly priorityClassName?: string;
  /**
   * RuntimeClass, e.g. `gvisor` for a sandboxed kernel.
   * @default - the node's default runtime
   */
  readonly runtimeClassName?: string;
  /**
   * `false` runs the pod in its own user namespace (root in the container is not root on the node).
   * @default - unset (the node's default, host user namespace)
   */
  readonly hostUsers?: boolean;
  /**
   * How the Service is exposed.
   * @default ServiceType.CLUSTER_IP
   */
  readonly serviceType?: ServiceType;
  /**
   * UID/GID the container runs as.
   * @default - 10001 for all three
   */
  readonly securityContext?: SecurityContextOptions;
  /**
   * Exceptions to the hardening defaults, still checked against Pod Security at synth.
   * @default - none
   */
  readonly relax?: SecurityRelaxations;
  /**
   * Extra labels on every object and pod.
   * @default - none
   */
  readonly labels?: { [key: string]: string };
  /**
   * Annotations on the pods.
   * @default - none
   */
  readonly podAnnotations?: { [key: string]: string };
  /**
   * `false` keeps this app out of its namespace's Istio mesh (no sidecar, no ztunnel): it then
   * has no mesh identity and gets no AuthorizationPolicy.
   * @default - in the mesh when its namespace is
   */
  readonly mesh?: boolean;
}

const INSTANCE_LABEL = 'app.kubernetes.io/instance';
/** Name of the main container port unless `portName` says otherwise. */
export const DEFAULT_PORT_NAME = 'http';

const TAINT_EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];

/** The rules the API server applies to a toleration, so a typo fails at synth, not at apply. */
function checkToleration(t: Toleration): string | undefined {
  const what = `toleration ${JSON.stringify(t)}`;
  const op = t.operator ?? 'Equal';
  if (op !== 'Equal' && op !== 'Exists') return `${what} has operator "${op}". Fix: use "Equal" or "Exists" (capitalised).`;
  if (op === 'Exists' && t.value !== undefined) return `${what} sets a value with operator Exists. Fix: drop the value, or use operator Equal.`;
  if (!t.key && op !== 'Exists') return `${what} has no key, which only operator Exists allows (tolerate every taint). Fix: set the taint key.`;
  if (t.effect !== undefined && !TAINT_EFFECTS.includes(t.effect)) return `${what} has effect "${t.effect}". Fix: use one of ${TAINT_EFFECTS.join(', ')}.`;
  if (t.tolerationSeconds !== undefined && t.effect !== 'NoExecute') return `${what} sets tolerationSeconds, which only applies to effect NoExecute. Fix: set effect "NoExecute" or drop tolerationSeconds.`;
  return undefined;
}

/** The rules the API server applies to a node-affinity expression. */
function checkNodeSelectorRequirement(r: NodeSelectorRequirement): string | undefined {
  const what = `nodeAffinity ${JSON.stringify(r)}`;
  const n = r.values?.length ?? 0;
  switch (r.operator) {
    case 'In': case 'NotIn':
      return n > 0 ? undefined : `${what} needs values for operator ${r.operator}. Fix: list the label values.`;
    case 'Exists': case 'DoesNotExist':
      return n === 0 ? undefined : `${what} must not have values with operator ${r.operator}. Fix: drop the values.`;
    case 'Gt': case 'Lt':
      return n === 1 && /^-?\d+$/.test(r.values![0]) ? undefined : `${what} needs exactly one integer value for operator ${r.operator}. Fix: e.g. values: ["4"].`;
    default:
      return `${what} has operator "${r.operator}". Fix: use In, NotIn, Exists, DoesNotExist, Gt or Lt.`;
  }
}
const DEFAULT_UID = 10001;
const NO_ENV: { [name: string]: EnvValue } = Object.freeze({});
const NO_FILES: MountedFiles[] = Object.freeze([]) as any;
const NO_CAPABILITIES: string[] = Object.freeze([]) as any;
const DEFAULT_WRITABLE_DIRS = Object.freeze([Object.freeze({ path: '/tmp', sizeLimit: '64Mi' })]) as any as Array<{ path: string; sizeLimit: string }>;
const DEFAULT_RESOURCES = {
  'cpu': { request: '100m', limit: '500m' },
  'memory': { request: '128Mi', limit: '256Mi' },
  'ephemeral-storage': { request: '64Mi', limit: '256Mi' },
};
const DEFAULT_RESOURCE_SPEC: PodTemplateSpec['resources'] = Object.freeze({
  requests: Object.freeze(Object.fromEntries(Object.entries(DEFAULT_RESOURCES).map(([k, v]) => [k, v.request]))),
  limits: Object.freeze(Object.fromEntries(Object.entries(DEFAULT_RESOURCES).map(([k, v]) => [k, v.limit]))),
});

// Which relaxation produced a field, so the error points at the user's own prop.
const RELAX_PROP: Array<[string, string]> = [
  ['capabilities.add', 'addCapabilities'], ['privileged', 'privileged'], ['allowPrivilegeEscalation', 'allowPrivilegeEscalation'],
  ['seccompProfile', 'seccompUnconfined'], ['hostNetwork', 'hostNetwork'], ['hostPID', 'hostPID'], ['hostIPC', 'hostIPC'],
];


/**
 * A workload that passes Pod Security `restricted` by default: its own ServiceAccount without a
 * token, a hardened Deployment, a Service for its ports, a PodDisruptionBudget and spread when
 * replicated, optional autoscaling, and a NetworkPolicy that admits only what was declared with
 * `allowFrom` / `allowTo` (and DNS).
 */
export class SecureApp extends Construct implements IWorkload, IPlacedWorkload {
  /** Deployment name (also of the ServiceAccount, Service and policies). */
  public readonly name: string;
  /** Namespace the app lands in, when known. */
  public readonly namespace?: string;
  /** ServiceAccount name. */
  public readonly serviceAccountName: string;
  /** Container ports, main port first. */
  public readonly ports: WorkloadPort[];
  /** The one label that selects this app's pods. */
  public readonly selector: { [key: string]: string };
  /** Labels on every object and pod. */
  public readonly labels: { [key: string]: string };
  /** Construct path. */
  public readonly path: string;
  /** Where the app lands and which Pod Security rules apply. */
  public readonly placement: Placement;
  /** The Deployment. */
  public readonly deployment: ApiObject;
  /** The ServiceAccount. */
  public readonly serviceAccount: ApiObject;
  /** The NetworkPolicy selecting the pods. */
  public readonly networkPolicy: ApiObject;
  /** The Service, when the app has ports. */
  public readonly service?: ApiObject;
  /** The PodDisruptionBudget, when replicated. */
  public readonly podDisruptionBudget?: ApiObject;
  /** The HorizontalPodAutoscaler, with `autoscaling`. */
  public readonly autoscaler?: ApiObject;
  /** The Istio AuthorizationPolicy, when the app is in the mesh. */
  public readonly authorizationPolicy?: ApiObject;
  /** The mesh the app's pods are in, if any. */
  public readonly mesh?: Mesh;

  /**
   * Every hole in this app's isolation: connections, plain-text ports, holes that are not
   * connections. The network and mesh renderers read only this.
   * @internal
   */
  public readonly _intents: WorkloadIntents;
  private readonly podSpec: PodTemplateSpec;
  private readonly maxReplicas: number;
  private readonly serviceType?: ServiceType;
  private peerInfo?: PeerInfo;
  private podSecurityChecked?: string[];

  constructor(scope: Construct, id: string, props: SecureAppProps) {
    const path = childPath(scope, id);
    const placement = placementOf(scope);
    const { problems, spec } = SecureApp.normalize(id, props, placement);
    if (!spec) throw new SecureConfigError(path, problems);
    super(scope, id);
    this.path = path;
    this.placement = placement;
    this.namespace = this.placement.namespace;
    this.mesh = spec.meshed ? placement.mesh : undefined;
    this.name = props.name ?? Names.toDnsLabel(this);
    this.serviceAccountName = this.name;
    this.ports = spec.ports;
    this.selector = { [INSTANCE_LABEL]: this.name };
    this.labels = {
      'app.kubernetes.io/name': props.appName ?? id,
      [INSTANCE_LABEL]: this.name,
      'app.kubernetes.io/managed-by': 'cdk8s-secure',
      ...props.labels,
    };
    this.podSpec = {
      ...spec.pod,
      labels: spec.meshOptOutLabels ? { ...this.labels, ...spec.meshOptOutLabels } : this.labels,
      annotations: this.mesh ? { ...this.mesh.podAnnotations(), ...props.podAnnotations } : props.podAnnotations,
      selector: this.selector,
      serviceAccountName: this.serviceAccountName,
    };
    this.maxReplicas = props.autoscaling?.maxReplicas ?? spec.replicas;
    this.serviceType = spec.servicePorts.length ? props.serviceType ?? ServiceType.CLUSTER_IP : undefined;
    this.placement.members?.push(this);
    this._intents = new WorkloadIntents({
      workload: this,
      namespace: this.namespace,
      selector: this.selector,
      mtls: this.mesh?.mtls,
      allowIntraNamespace: placement.allowIntraNamespace,
      holes: () => meshHoles(this.mesh, ClusterSettings.of(this), probedPorts(this.podSpec)),
    });

    const metadata = { name: this.name, namespace: this.namespace, labels: this.labels };
    this.serviceAccount = new ApiObject(this, 'ServiceAccount', {
      apiVersion: 'v1', kind: 'ServiceAccount', metadata, automountServiceAccountToken: false,
    });
    const autoscaling = props.autoscaling;
    this.deployment = new ApiObject(this, 'Deployment', {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata,
      spec: {
        // With an HPA the Deployment must not carry replicas, or every apply resets the scale.
        replicas: autoscaling ? undefined : spec.replicas,
        revisionHistoryLimit: 5,
        selector: { matchLabels: this.selector },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
        template: Lazy.any({ produce: () => this.renderPodTemplate() }),
      },
    });
    this.node.defaultChild = this.deployment;
    if (spec.servicePorts.length > 0) {
      this.service = new ApiObject(this, 'Service', {
        apiVersion: 'v1',
        kind: 'Service',
        metadata,
        spec: {
          type: this.serviceType,
          selector: this.selector,
          ports: this.mesh ? spec.servicePorts.map((sp) => ({ ...sp, appProtocol: sp.appProtocol ?? protocolFromName(sp.name, sp.protocol) })) : spec.servicePorts,
        },
      });
    }
    if (spec.replicated) {
      this.podDisruptionBudget = new ApiObject(this, 'PodDisruptionBudget', {
        apiVersion: 'policy/v1',
        kind: 'PodDisruptionBudget',
        metadata,
        spec: {
          maxUnavailable: 1,
          selector: { matchLabels: this.selector },
          // Crash-looping pods must not block node drains.
          unhealthyPodEvictionPolicy: 'AlwaysAllow',
        },
      });
    }
    if (autoscaling) {
      this.autoscaler = new ApiObject(this, 'HorizontalPodAutoscaler', {
        apiVersion: 'autoscaling/v2',
        kind: 'HorizontalPodAutoscaler',
        metadata,
        spec: {
          scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: this.name },
          minReplicas: autoscaling.minReplicas ?? 2,
          maxReplicas: autoscaling.maxReplicas,
          metrics: [{
            type: 'Resource',
            resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: autoscaling.targetCpuUtilizationPercent ?? 70 } },
          }],
        },
      });
    }
    this.networkPolicy = new ApiObject(this, 'NetworkPolicy', {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata,
      spec: Lazy.any({ produce: () => this.renderNetworkPolicy() }),
    });
    if (this.mesh) {
      this.authorizationPolicy = new AuthorizationPolicy(this, 'AuthorizationPolicy', {
        metadata,
        spec: Lazy.any({ produce: () => this.renderAuthorizationPolicy()?.spec }),
      });
    }
    this.node.addValidation({ validate: () => this.violations() });
  }

  /**
   * Admit connections from `peer` to this app: ingress here and, when the peer is a SecureApp,
   * egress there. Never isolates a peer that is not a SecureApp.
   */
  public allowFrom(peer: IPeer, options: ConnectionOptions = {}): void {
    this.connect(peer, this, options);
  }

  /**
   * Let this app connect to `peer`: egress here and, when the peer is a SecureApp, ingress there.
   * Same manifests as `peer.allowFrom(this)`.
   */
  public allowTo(peer: IPeer, options: ConnectionOptions = {}): void {
    this.connect(this, peer, options);
  }

  /** Records the connection on every workload involved, or fails naming this app's path. */
  private connect(from: IPeer, to: IPeer, options: ConnectionOptions): void {
    const { connection, problem } = resolveConnection(from, to, options);
    if (!connection) throw new SecureConfigError(this.path, [problem!]);
    connection.from.workload?.recordConnection(connection);
    if (connection.to.workload !== connection.from.workload) connection.to.workload?.recordConnection(connection);
  }

  /** The connections this app is part of, in declaration order. */
  public get declaredConnections(): Connection[] {
    return [...this._intents.connections];
  }

  public recordConnection(connection: Connection): void {
    this._intents.add(connection);
  }

  public toPeerInfo(): PeerInfo {
    // One per app, shared by all its connections.
    return this.peerInfo ??= {
      kind: PeerKind.WORKLOAD,
      description: `SecureApp ${this.path}`,
      namespace: this.namespace,
      podLabels: this.selector,
      mesh: this.mesh?.mode,
      serviceAccountName: this.serviceAccountName,
      workload: this,
    };
  }

  public footprint(): ResourceFootprint {
    const perPod: { [key: string]: string } = {};
    for (const [kind, values] of Object.entries(this.podSpec.resources)) {
      for (const [res, q] of Object.entries(values)) perPod[`${kind}.${res}`] = q;
    }
    // The injected sidecar is part of every pod the quota admits.
    if (this.mesh?.mode === MeshMode.SIDECAR) {
      for (const [key, q] of Object.entries(this.placement.sidecarFootprint ?? {})) {
        perPod[key] = perPod[key] !== undefined ? addQuantities(perPod[key], q) : q;
      }
    }
    // A rolling update runs one surge pod beyond the maximum (maxSurge: 1).
    return {
      path: this.path,
      maxPods: this.maxReplicas + 1,
      podsExplained: `${this.maxReplicas + 1} pods (${this.maxReplicas} ${this.autoscaler ? 'autoscaling max' : 'replicas'} + 1 rollout surge)`,
      perPod,
      serviceTypes: this.serviceType ? [this.serviceType] : [],
    };
  }

  /** The app container's limits (the namespace checks the injected sidecar's once, itself). */
  public containerLimits(): ContainerLimits[] {
    return [{ container: this.podSpec.containerName, limits: { ...this.podSpec.resources.limits } }];
  }

  /**
   * The checks' result. cdk8s runs validations once per chart, so both parts are cached: Pod
   * Security depends only on what the constructor fixed (pod spec, mesh, placement) and is judged
   * once; the AuthorizationPolicy's problems depend on the connections and are judged again only
   * after `allowFrom`/`allowTo` added one. The rendered objects are not kept: the check renders
   * them once and serialization again, so thousands of apps do not hold a second copy of their
   * manifests until synth ends.
   */
  private violations(): string[] {
    this.podSecurityChecked ??= this.podSecurityViolations(withInjectedContainers(this.renderPodTemplate(), this.mesh));
    if (!this.mesh) return this.podSecurityChecked;
    const meshProblems = this._intents.memo('authorization-problems', () => this.renderAuthorizationPolicy()?.problems ?? []);
    return [...this.podSecurityChecked, ...meshProblems];
  }

  private renderPodTemplate(): any {
    return renderPodTemplate(this.podSpec);
  }

  private renderNetworkPolicy(): NetworkPolicySpec {
    return workloadPolicySpec(this._intents, ClusterSettings.of(this));
  }

  private renderAuthorizationPolicy(): { spec: AuthorizationPolicySpec; problems: string[] } | undefined {
    if (!this.mesh) return undefined;
    return authorizationPolicy(this._intents, ClusterSettings.of(this).trustDomain);
  }

  /** Pod Security violations of the pod as admitted (with injected containers), as messages. */
  private podSecurityViolations(pod: any): string[] {
    const { podSecurityLevel: level, podSecurityVersions: versions, namespace } = this.placement;
    const seen = new Set<string>();
    const out: string[] = [];
    for (const version of versions) {
      for (const v of checkPodSecurity(pod, level, version)) {
        if (seen.has(v.check + v.field)) continue;
        seen.add(v.check + v.field);
        const injected = v.field.includes(`[${ISTIO_INIT}]`);
        const cause = injected ? undefined : RELAX_PROP.find(([field]) => v.field.includes(field));
        const where = cause ? `, set by \`relax.${cause[1]}\`` : injected ? ', injected by Istio without its CNI plugin' : '';
        const fix = injected
          ? 'install the Istio CNI plugin and say so with Mesh.sidecar({ istioCni: true }), or use Mesh.ambient(), or make the namespace podSecurity privileged'
          : v.fix;
        out.push(`Pod Security "${level}" (${version}) check ${v.check} fails: ${v.message} (field ${v.field}${where}). Fix: ${fix}${namespace ? ` (the app lands in namespace "${namespace}")` : ''}.`);
      }
    }
    return out;
  }

  /**
   * The problems SecureApp itself finds with `props`, without building anything: subclasses that
   * check props of their own report both in one error.
   * @internal
   */
  public static _inputProblems(scope: Construct, id: string, props: SecureAppProps): string[] {
    return SecureApp.normalize(id, props, placementOf(scope)).problems;
  }

  /** Checks and defaults the props into plain data: every problem, or the spec when there is none. */
  private static normalize(id: string, props: SecureAppProps, placement: Placement) {
    const problems: Array<string | undefined> = [];
    const p = props ?? ({} as SecureAppProps);
    problems.push(checkImage('image', p.image));
    if (p.name !== undefined) problems.push(checkDnsLabel('name', p.name));

    const ports: WorkloadPort[] = [];
    const servicePorts: any[] = [];
    const addPort = (name: string, port: number, protocol: Protocol, servicePort: number | undefined, appProtocol: string | undefined, expose = true) => {
      problems.push(checkPortName('port name', name), checkPortNumber(`port "${name}"`, port));
      if (servicePort !== undefined) problems.push(checkPortNumber(`servicePort of "${name}"`, servicePort));
      if (ports.some((q) => q.name === name)) problems.push(`port name "${name}" is used twice. Fix: give each port its own name.`);
      if (ports.some((q) => q.port === port && q.protocol === protocol)) problems.push(`container port ${port}/${protocol} is declared twice. Fix: declare each port once.`);
      ports.push({ name, port, protocol });
      if (expose) servicePorts.push({ name, port: servicePort ?? port, targetPort: name, protocol, appProtocol });
    };
    if (p.port !== undefined) addPort(p.portName ?? DEFAULT_PORT_NAME, p.port, Protocol.TCP, undefined, p.appProtocol);
    for (const extra of p.ports ?? []) addPort(extra.name, extra.port, extra.protocol ?? Protocol.TCP, extra.servicePort, extra.appProtocol, extra.exposeOnService ?? true);

    if (p.replicas !== undefined && (!Number.isInteger(p.replicas) || p.replicas < 0)) {
      problems.push(`replicas ${p.replicas} must be a whole number >= 0. Fix: set replicas to 0 or more (2 or more for availability).`);
    }
    const a = p.autoscaling;
    if (a) {
      const min = a.minReplicas ?? 2;
      if (p.replicas !== undefined) problems.push('replicas and autoscaling are both set; the autoscaler owns the replica count. Fix: remove replicas and set autoscaling.minReplicas.');
      if (!Number.isInteger(min) || min < 2) problems.push(`autoscaling.minReplicas ${min} is below 2, so a single disruption takes the app down. Fix: set minReplicas to 2 or more.`);
      if (!Number.isInteger(a.maxReplicas) || a.maxReplicas <= min) problems.push(`autoscaling.maxReplicas ${a.maxReplicas} must be greater than minReplicas ${min}. Fix: raise maxReplicas, or drop autoscaling and set replicas.`);
      const t = a.targetCpuUtilizationPercent;
      if (t !== undefined && (!Number.isInteger(t) || t < 1 || t > 100)) problems.push(`autoscaling.targetCpuUtilizationPercent ${t} must be a whole percent from 1 to 100. Fix: e.g. 70 (the default) to scale out when pods average 70% of their CPU request.`);
    }
    const replicas = p.replicas ?? 2;

    // Apps that keep the defaults share one frozen copy: thousands of apps stay live until synth ends.
    const resources = p.resources ? { requests: {} as Record<string, string>, limits: {} as Record<string, string> } : DEFAULT_RESOURCE_SPEC;
    const given: Record<string, ResourceRange | undefined> = { 'cpu': p.resources?.cpu, 'memory': p.resources?.memory, 'ephemeral-storage': p.resources?.ephemeralStorage };
    for (const [res, def] of p.resources ? Object.entries(DEFAULT_RESOURCES) : []) {
      const request = given[res]?.request ?? def.request;
      const limit = given[res]?.limit ?? def.limit;
      problems.push(checkResourceRange({ request: `${res} request`, limit: `${res} limit` }, request, limit));
      resources.requests[res] = request;
      resources.limits[res] = limit;
    }

    const sc = p.securityContext ?? {};
    for (const [k, v] of Object.entries({ runAsUser: sc.runAsUser, runAsGroup: sc.runAsGroup, fsGroup: sc.fsGroup })) {
      if (v !== undefined && (!Number.isInteger(v) || v <= 0)) {
        problems.push(`securityContext.${k} ${v} is ${v === 0 ? 'root' : 'not a valid id'}. Fix: use a non-zero id, 10000 or more (the default is 10001).`);
      }
    }
    const relax = p.relax ?? {};
    for (const cap of relax.addCapabilities ?? []) problems.push(checkCapability('capability', cap));

    const writable = new Map<string, string>([['/tmp', '64Mi']]);
    const listed = new Set<string>();
    for (const d of p.writableDirs ?? []) {
      if (!d.path.startsWith('/')) problems.push(`writable dir "${d.path}" is not absolute. Fix: start it with '/'.`);
      if (d.sizeLimit !== undefined) problems.push(checkQuantity(`sizeLimit of ${d.path}`, d.sizeLimit));
      if (listed.has(d.path)) problems.push(`writable dir "${d.path}" is listed twice. Fix: list each directory once.`);
      listed.add(d.path);
      writable.set(d.path, d.sizeLimit ?? '64Mi');
    }
    for (const f of p.files ?? []) problems.push(...f.problems());
    // Every volume, described, so a clash of mount paths or of derived volume names names both sides.
    const mounts = [
      ...[...writable.keys()].map((dir) => ({
        path: dir, volume: writableVolumeName(dir),
        what: listed.has(dir) ? `writable dir "${dir}"` : `the default writable dir "${dir}" (list it in writableDirs to change its sizeLimit)`,
      })),
      ...(p.files ?? []).map((f) => ({ path: f.mountPath, volume: f.volumeName, what: f.description })),
    ];
    mounts.forEach((m, i) => {
      const other = mounts.slice(0, i).find((o) => o.path === m.path || o.volume === m.volume);
      if (!other) return;
      problems.push(other.path === m.path
        ? `mount path "${m.path}" is used by both ${other.what} and ${m.what}. Fix: mount each directory once.`
        : `${other.what} and ${m.what} would both be volume "${m.volume}". Fix: mount each ConfigMap or Secret once, or rename one of the directories.`);
    });
    for (const [name, value] of Object.entries(p.env ?? {})) problems.push(checkEnv(name, value));
    const portNumbers = ports.map((q) => q.port);
    problems.push(...(p.readiness?.problems('readiness probe', portNumbers) ?? []), ...(p.liveness?.problems('liveness probe', portNumbers) ?? []));
    for (const [what, v] of [['priorityClassName', p.priorityClassName], ['runtimeClassName', p.runtimeClassName]] as const) {
      if (v !== undefined) problems.push(checkDnsSubdomain(what, v));
    }
    if (p.nodeSelector) problems.push(checkLabels('nodeSelector', p.nodeSelector));
    problems.push(...(p.tolerations ?? []).map(checkToleration), ...(p.nodeAffinity ?? []).map(checkNodeSelectorRequirement));
    if (p.labels) problems.push(checkLabels('label', p.labels));
    problems.push(checkLabels('appName', { 'app.kubernetes.io/name': p.appName ?? id }));
    const meshed = placement.mesh !== undefined && p.mesh !== false;
    if (meshed && placement.mesh!.mode === MeshMode.SIDECAR) {
      for (const [k, v] of Object.entries({ runAsUser: sc.runAsUser, runAsGroup: sc.runAsGroup })) {
        if (v === ISTIO_PROXY_UID) problems.push(`securityContext.${k} ${v} is the Istio proxy's id; traffic from it bypasses the sidecar, so the app would escape mTLS and policy. Fix: use another id (the default is 10001).`);
      }
    }
    if (p.mesh === true && !placement.mesh) problems.push('mesh is true but the app is not in a namespace with a mesh. Fix: define it inside an IsolatedNamespace with `mesh`, or drop the prop.');
    if (p.serviceType !== undefined && !Object.values(ServiceType).includes(p.serviceType)) {
      problems.push(`serviceType "${p.serviceType}" is not ClusterIP, NodePort or LoadBalancer. Fix: use ServiceType.CLUSTER_IP (the default), ServiceType.NODE_PORT or ServiceType.LOAD_BALANCER.`);
    }
    if (p.serviceType !== undefined && p.serviceType !== ServiceType.CLUSTER_IP && ports.length === 0) {
      problems.push(`serviceType ${p.serviceType} needs a port to expose. Fix: set port, or drop serviceType.`);
    }
    const found = problems.filter((x): x is string => x !== undefined);
    if (found.length > 0) return { problems: found, spec: undefined };

    const uid = sc.runAsUser ?? DEFAULT_UID;
    const pod: Omit<PodTemplateSpec, 'labels' | 'selector' | 'serviceAccountName'> = {
      annotations: p.podAnnotations,
      containerName: 'app',
      image: p.image,
      command: p.command,
      args: p.args,
      env: p.env ?? NO_ENV,
      ports,
      files: p.files ?? NO_FILES,
      writableDirs: p.writableDirs ? [...writable].map(([dir, sizeLimit]) => ({ path: dir, sizeLimit })) : DEFAULT_WRITABLE_DIRS,
      resources,
      readiness: p.readiness,
      liveness: p.liveness,
      runAsUser: uid,
      runAsGroup: sc.runAsGroup ?? DEFAULT_UID,
      fsGroup: sc.fsGroup ?? DEFAULT_UID,
      addCapabilities: relax.addCapabilities ?? NO_CAPABILITIES,
      allowPrivilegeEscalation: relax.allowPrivilegeEscalation ?? false,
      privileged: relax.privileged ?? false,
      readOnlyRootFilesystem: !relax.writableRootFilesystem,
      seccompUnconfined: relax.seccompUnconfined ?? false,
      hostNetwork: relax.hostNetwork ?? false,
      hostPID: relax.hostPID ?? false,
      hostIPC: relax.hostIPC ?? false,
      automountServiceAccountToken: relax.mountServiceAccountToken ?? false,
      replicated: a !== undefined || replicas >= 2,
      tolerations: p.tolerations?.map((t) => ({ ...t })),
      nodeSelector: p.nodeSelector,
      nodeAffinity: p.nodeAffinity?.map((n) => ({ ...n, values: n.values ? [...n.values] : undefined })),
      priorityClassName: p.priorityClassName,
      runtimeClassName: p.runtimeClassName,
      hostUsers: p.hostUsers,
    };
    // Opting out of a meshed namespace: labels Istio's injector and ztunnel honour.
    const meshOptOutLabels: { [key: string]: string } | undefined = placement.mesh && p.mesh === false
      ? (placement.mesh.mode === MeshMode.SIDECAR ? { 'sidecar.istio.io/inject': 'false' } : { 'istio.io/dataplane-mode': 'none' })
      : undefined;
    return { problems: found, spec: { pod, ports, servicePorts, replicas, replicated: pod.replicated, meshed, meshOptOutLabels } };
  }
}
