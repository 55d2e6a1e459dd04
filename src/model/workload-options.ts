import type { EnvValue } from './env';
import type { MountedFiles } from './files';
import type { Protocol } from './peer';
import type { AppArmorProfile } from './apparmor';
import type { Probe } from './probe';
import type { ResourceRange } from './resources';

// The options of a workload's pod, container and Service: plain data, checked and defaulted by
// the pod-template core (src/render/pod/) and rendered from there.

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
   * Value of `app.kubernetes.io/version` on the app's objects and pods (never in selectors, which
   * must stay the same across versions).
   * @default - the image tag, if the image has one that is a valid label value; else no label
   */
  readonly version?: string;
  /**
   * Value of `app.kubernetes.io/part-of`: the higher-level application this app belongs to.
   * @default - the name of the namespace the app lands in (an IsolatedNamespace groups the apps
   * of one application under one policy); no label when the chart sets no namespace
   */
  readonly partOf?: string;
  /**
   * Refuse an image referenced by tag alone: a tag can be moved to other content, a digest cannot.
   * @default - ClusterSettings' `requireDigest` (false)
   */
  readonly requireDigest?: boolean;
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
   * Liveness probe: give one when the app can hang without exiting, checking something only a
   * live process answers (e.g. `Probe.httpGet('/livez')`), and not the readiness check.
   * @default - none: a crashed process is restarted anyway, and the only probe that fits any
   * image (TCP on its port) would restart pods that are merely slow
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
   * AppArmor profile of the containers: the `appArmorProfile` field when the target Kubernetes is
   * 1.30 or later, the beta annotation before.
   * @default - unset: the runtime applies its default profile on nodes with AppArmor, and nodes
   * without it (SELinux distributions) still admit the pod
   */
  readonly appArmorProfile?: AppArmorProfile;
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
   * Extra labels on every object and pod. Keys the library decides (the selector label
   * `app.kubernetes.io/instance`, Istio injection and capture, Pod Security, seccomp and
   * AppArmor overrides) are refused, naming the typed option to use; the library's own labels
   * win over these.
   * @default - none
   */
  readonly labels?: { [key: string]: string };
  /**
   * Annotations on the pods. Keys that switch off a guarantee (`sidecar.istio.io/*`,
   * `traffic.sidecar.istio.io/*`, `proxy.istio.io/config`, seccomp and AppArmor annotations,
   * Multus networks, container-runtime annotations) are refused, naming the typed option to use.
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
