import type { Protocol } from './peer';
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

/** Exceptions to a container's hardening defaults (the pod-level ones are in SecurityRelaxations). */
export interface ContainerRelaxations {
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
}

/**
 * Explicit exceptions to the hardening defaults. Each is still checked at synth against the Pod
 * Security level of the namespace the app lands in: e.g. `NET_ADMIN` fails in a restricted or
 * baseline namespace and passes in a privileged one.
 */
export interface SecurityRelaxations extends ContainerRelaxations {
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
  /**
   * Host directories or files mounted read-only (SecureDaemonSet only: node agents). Pod Security
   * admits a hostPath volume only in a privileged namespace.
   * @default - none
   */
  readonly hostPaths?: HostPathMount[];
}

/** A host path a node agent reads, always mounted read-only. */
export interface HostPathMount {
  /** Absolute path on the node, e.g. `/var/log`. */
  readonly path: string;
  /** Absolute path in the container, e.g. `/host/var/log`. */
  readonly mountPath: string;
}

