// The one table of defaults: what a workload gets for every option it does not set. Values are
// frozen and shared, since thousands of workloads stay live until synth ends.

/** UID, GID and fsGroup of the app's processes (kube-score asks for 10000 or more). */
export const DEFAULT_UID = 10001;
/** Name of the app container. */
export const DEFAULT_CONTAINER_NAME = 'app';
/** Name of the main container port unless `portName` says otherwise, or the port is a well-known non-HTTP one. */
export const DEFAULT_PORT_NAME = 'http';

// Ports whose well-known protocol is not HTTP. Named `http`, Istio would parse them as HTTP and
// break the connection; named `tcp-<protocol>` (Istio's `<protocol>[-<suffix>]` convention) they
// are proxied as opaque TCP. Istio's mongo/mysql/redis filters are experimental and off by
// default, so those get `tcp-` too: `tcp` is what Istio does with them anyway.
const NON_HTTP_PORTS: { readonly [port: number]: string } = Object.freeze({
  22: 'ssh', 25: 'smtp', 389: 'ldap', 636: 'ldaps', 1433: 'mssql', 1521: 'oracle', 1883: 'mqtt',
  2181: 'zookeeper', 3306: 'mysql', 4222: 'nats', 5432: 'postgres', 5671: 'amqps', 5672: 'amqp',
  6379: 'redis', 6650: 'pulsar', 8883: 'mqtts', 9042: 'cassandra', 9092: 'kafka', 11211: 'memcached',
  26257: 'cockroachdb', 27017: 'mongo',
});

/**
 * The main port's name when `portName` is not set: `tcp-<protocol>` for a well-known non-HTTP
 * port (5432 is `tcp-postgres`), else `http`.
 */
export function defaultPortName(port: number): string {
  const known = NON_HTTP_PORTS[port];
  return known !== undefined ? `tcp-${known}` : DEFAULT_PORT_NAME;
}
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
