import type { AppArmorProfile } from './apparmor';
import type { InitContainer, SidecarContainer } from './containers';
import type { PreStop } from './lifecycle';
import type { EnvValue } from './env';
import type { MountedFiles } from './files';
import type { Probe } from './probe';
import type {
  ContainerPort, NodeSelectorRequirement, ResourceSettings, SecurityContextOptions, SecurityRelaxations, Toleration, WritableDir,
} from './workload-options';

// The props every workload kind shares (the pod, its container, its labels and mesh membership);
// SecureJob, SecureCronJob, SecureStatefulSet and SecureDaemonSet extend it with their own.

/** Properties of a workload's pod, shared by every workload kind. */
export interface SecurePodProps {
  /** Container image, pinned by tag or digest (`:latest` and untagged images are refused). */
  readonly image: string;
  /**
   * Name of the workload, its ServiceAccount and policies.
   * @default - unique name derived from the construct path
   */
  readonly name?: string;
  /**
   * Name of the workload's Service, when it has one (a DNS-1035 label: it must start with a
   * letter). Peers' routes, the ServiceMonitor's job and the Service itself use it.
   * @default - the workload's `name`
   */
  readonly serviceName?: string;
  /**
   * Name of the workload's ServiceAccount: its mesh identity (the AuthorizationPolicy principals
   * that admit it) and the subject of any RoleBinding.
   * @default - the workload's `name`
   */
  readonly serviceAccountName?: string;
  /**
   * Value of `app.kubernetes.io/name`.
   * @default - the construct id
   */
  readonly appName?: string;
  /**
   * Value of `app.kubernetes.io/version` on the workload's objects and pods (never in selectors,
   * which must stay the same across versions).
   * @default - the image tag, if the image has one that is a valid label value; else no label
   */
  readonly version?: string;
  /**
   * Value of `app.kubernetes.io/part-of`: the higher-level application this workload belongs to.
   * @default - the name of the namespace it lands in; no label when the chart sets no namespace
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
   * @default - TCP check on the main port (none for workers, Jobs and CronJobs)
   */
  readonly readiness?: Probe;
  /**
   * Liveness probe.
   * @default - TCP check on the main port (none for workers, Jobs and CronJobs)
   */
  readonly liveness?: Probe;
  /**
   * Startup probe: readiness and liveness wait until it passes, so a slow start is not a restart.
   * Unset timing fields default to a 10s period and 30 failures (5 minutes).
   * @default - none
   */
  readonly startup?: Probe;
  /**
   * Hook the kubelet runs in the app container before SIGTERM, e.g. `PreStop.sleep(5)` so
   * endpoints stop routing to the pod before it stops accepting connections.
   * @default - none
   */
  readonly preStop?: PreStop;
  /**
   * Seconds the kubelet waits for a stopping pod (preStop hooks included) before it kills it.
   * A preStop sleep longer than this is an error.
   * @default - 30 (the API server's default; the field is not written)
   */
  readonly terminationGracePeriodSeconds?: number;
  /**
   * Init containers, run in order to completion before the app container starts (after the
   * sidecars have started), each hardened like the app container.
   * @default - none
   */
  readonly initContainers?: InitContainer[];
  /**
   * Native sidecars (init containers with `restartPolicy: Always`; Kubernetes 1.29 or later),
   * started in order before the init containers and stopped after the app container, each
   * hardened like the app container.
   * @default - none
   */
  readonly sidecars?: SidecarContainer[];
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
   * @default - unset: the runtime applies its default profile on nodes with AppArmor
   */
  readonly appArmorProfile?: AppArmorProfile;
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
   * `false` keeps this workload out of its namespace's Istio mesh (no sidecar, no ztunnel): it then
   * has no mesh identity and gets no AuthorizationPolicy.
   * @default - in the mesh when its namespace is
   */
  readonly mesh?: boolean;
}
