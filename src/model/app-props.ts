import type { SecurePodProps } from './pod-props';
import type { AutoscalingOptions, ServiceType } from './workload-options';

/** Properties of a SecureApp: its pod (every kind's props) plus the Deployment's own. */
export interface SecureAppProps extends SecurePodProps {
  /**
   * Replica count (not with `autoscaling`).
   * @default 2
   */
  readonly replicas?: number;
  /**
   * Scale on CPU with a HorizontalPodAutoscaler.
   * @default - fixed `replicas`
   */
  readonly autoscaling?: AutoscalingOptions;
  /**
   * How the Service is exposed.
   * @default ServiceType.CLUSTER_IP
   */
  readonly serviceType?: ServiceType;
}
