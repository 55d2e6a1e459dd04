// Facts of Kubernetes and Istio that several layers need, in one place so they cannot drift.

/** The label the API server puts on every Namespace: the one reliable way to select by name. */
export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

/** The label that selects one workload's pods (and, on its own Service, what a ServiceMonitor selects). */
export const INSTANCE_LABEL = 'app.kubernetes.io/instance';

/**
 * Prefix of the pod label a SecureService selects its workloads' pods by
 * (`service.cdk8s-secure.io/<service name>: "true"`); never in a workload's own selector.
 */
export const SERVICE_MEMBER_LABEL_PREFIX = 'service.cdk8s-secure.io/';

/** Istio's HBONE tunnel port: ambient traffic between pods arrives on it. */
export const HBONE_PORT = 15008;
/** istiod's xDS and certificate port (TLS). */
export const ISTIOD_XDS_PORT = 15012;
/** Source address kubelet probes get in ambient mode (SNAT by the Istio CNI). */
export const AMBIENT_PROBE_SOURCE = '169.254.7.127/32';
/** Envoy's Prometheus statistics port on every sidecar. */
export const ENVOY_METRICS_PORT = 15090;
/** The Istio proxy's user and group id; traffic from it bypasses the sidecar's capture. */
export const ISTIO_PROXY_UID = 1337;
/** The init container Istio injects without its CNI plugin. */
export const ISTIO_INIT = 'istio-init';
