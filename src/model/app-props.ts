import type { DeploymentStrategy } from './deployment-strategy';
import type { SecurePodProps } from './pod-props';
import type { PersistentDir } from './stateful-options';
import type { AutoscalingOptions, ServiceType } from './workload-options';

/** Properties of a SecureApp: its pod (every kind's props) plus the Deployment's own. */
export interface SecureAppProps extends SecurePodProps {
  /**
   * Replica count (not with `autoscaling`). At most 1 with a ReadWriteOnce persistent dir.
   * @default 2 (1 with a ReadWriteOnce or ReadWriteOncePod persistent dir)
   */
  readonly replicas?: number;
  /**
   * Scale on CPU with a HorizontalPodAutoscaler (not with a ReadWriteOnce persistent dir).
   * @default - fixed `replicas`
   */
  readonly autoscaling?: AutoscalingOptions;
  /**
   * How the Service is exposed.
   * @default ServiceType.CLUSTER_IP
   */
  readonly serviceType?: ServiceType;
  /**
   * How the Deployment replaces its pods. A ReadWriteOnce persistent dir needs Recreate (a
   * surge pod would wait for the volume forever, or write beside the old pod on the same node).
   * @default - DeploymentStrategy.rollingUpdate() (maxSurge 1, maxUnavailable 0); DeploymentStrategy.recreate() with a ReadWriteOnce or ReadWriteOncePod persistent dir
   */
  readonly strategy?: DeploymentStrategy;
  /**
   * Directories kept on PersistentVolumes: an existing claim (`claimName`), or a new claim the
   * library emits (`<name>-<dir name>`, with `size`, `storageClassName`, `accessMode`), one
   * for the whole Deployment.
   * @default - none
   */
  readonly persistentDirs?: PersistentDir[];
}
