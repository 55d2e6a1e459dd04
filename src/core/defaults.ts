// The one table of defaults: what a workload gets for every option it does not set. Values are
// frozen and shared, since thousands of workloads stay live until synth ends.

/** UID, GID and fsGroup of the app's processes (kube-score asks for 10000 or more). */
export const DEFAULT_UID = 10001;
/** Name of the app container. */
export const DEFAULT_CONTAINER_NAME = 'app';
/** Name of the main container port unless `portName` says otherwise. */
export const DEFAULT_PORT_NAME = 'http';
/** Replicas without `replicas` or `autoscaling`: two, so one disruption leaves one running. */
export const DEFAULT_REPLICAS = 2;
/** The least `autoscaling.minReplicas` may be, and its default. */
export const MIN_AUTOSCALING_REPLICAS = 2;
/** CPU utilization the autoscaler aims at. */
export const DEFAULT_CPU_UTILIZATION_PERCENT = 70;
/** Size limit of a writable directory. */
export const DEFAULT_WRITABLE_DIR_SIZE = '64Mi';
/** The directory every app may write to (a size-limited emptyDir). */
export const DEFAULT_WRITABLE_DIR = '/tmp';

/** Requests and limits of the app container, by resource. */
export const DEFAULT_RESOURCES: { readonly [resource: string]: { readonly request: string; readonly limit: string } } = Object.freeze({
  'cpu': Object.freeze({ request: '100m', limit: '500m' }),
  'memory': Object.freeze({ request: '128Mi', limit: '256Mi' }),
  'ephemeral-storage': Object.freeze({ request: '64Mi', limit: '256Mi' }),
});

/** Requests and limits of an injected Istio sidecar. */
export const DEFAULT_PROXY_RESOURCES = Object.freeze({
  cpu: Object.freeze({ request: '100m', limit: '500m' }),
  memory: Object.freeze({ request: '128Mi', limit: '256Mi' }),
});

/** Timing of the readiness probe unless the probe sets its own. */
export const READINESS_PROBE_DEFAULTS = Object.freeze({ initialDelaySeconds: 0, periodSeconds: 10 });
/** Timing of the liveness probe: later and slower than readiness, so a slow start is not a restart. */
export const LIVENESS_PROBE_DEFAULTS = Object.freeze({ initialDelaySeconds: 10, periodSeconds: 20 });
/** Timing of a startup probe: 30 failures 10s apart (5 minutes) before the kubelet restarts a slow starter. */
export const STARTUP_PROBE_DEFAULTS = Object.freeze({ initialDelaySeconds: 0, periodSeconds: 10, failureThreshold: 30 });
