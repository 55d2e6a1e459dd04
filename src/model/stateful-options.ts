import type { SecurePodProps } from './pod-props';
import type { ServiceType } from './workload-options';

// The options of a SecureStatefulSet: plain data, checked by statefulSetProblems().

/** How a persistent volume may be mounted. */
export enum PersistentAccessMode {
  /** Read-write by the pods of one node (what most block storage offers). */
  READ_WRITE_ONCE = 'ReadWriteOnce',
  /** Read-write by one pod only. */
  READ_WRITE_ONCE_POD = 'ReadWriteOncePod',
  /** Read-write by pods on many nodes (shared file storage). */
  READ_WRITE_MANY = 'ReadWriteMany',
  /** Read-only by pods on many nodes. */
  READ_ONLY_MANY = 'ReadOnlyMany',
}

/**
 * A directory kept on a PersistentVolume: on a SecureStatefulSet one claim per pod (from a claim
 * template), on a SecureApp one claim for the Deployment, new (the library emits it) or existing
 * (`claimName`).
 */
export interface PersistentDir {
  /** Absolute path in the container. */
  readonly path: string;
  /**
   * Size of the new volume, e.g. `10Gi` (not with `claimName`: an existing claim has its own).
   * @default - none; required unless `claimName` is set
   */
  readonly size?: string;
  /**
   * StorageClass of the new claim (not with `claimName`).
   * @default - the cluster's default StorageClass
   */
  readonly storageClassName?: string;
  /**
   * Access mode of the claim (of an existing claim: the mode it was created with). A
   * ReadWriteOnce or ReadWriteOncePod volume has one writer, so a Deployment mounting it runs
   * one replica and is replaced with Recreate.
   * @default PersistentAccessMode.READ_WRITE_ONCE
   */
  readonly accessMode?: PersistentAccessMode;
  /**
   * Name of the volume in the pod, and of the claim: on a StatefulSet the claim template (claims
   * are named `<name>-<statefulset>-<ordinal>`), on a SecureApp the new claim `<app>-<name>`.
   * @default - `data`, then `data-2`, … in order
   */
  readonly name?: string;
  /**
   * Mount this existing PersistentVolumeClaim instead of creating one (SecureApp only: a
   * StatefulSet's pods each get their own claim).
   * @default - a new claim
   */
  readonly claimName?: string;
}

/** Whether a StatefulSet's pods start one by one or together. */
export enum PodManagementPolicy {
  /** One at a time, each after the previous is ready (clustered databases that join in order). */
  ORDERED_READY = 'OrderedReady',
  /** All at once. */
  PARALLEL = 'Parallel',
}

/** What happens to a StatefulSet's claims. */
export enum ClaimRetention {
  /** Keep the claims (and the data). */
  RETAIN = 'Retain',
  /** Delete the claims with their pods. */
  DELETE = 'Delete',
}

/** Properties of a SecureStatefulSet. */
export interface SecureStatefulSetProps extends SecurePodProps {
  /**
   * Replica count.
   * @default 1
   */
  readonly replicas?: number;
  /**
   * Directories kept on PersistentVolumes (volumeClaimTemplates), one claim per pod.
   * @default - none
   */
  readonly persistentDirs?: PersistentDir[];
  /**
   * Whether pods start one by one or together.
   * @default PodManagementPolicy.ORDERED_READY
   */
  readonly podManagementPolicy?: PodManagementPolicy;
  /**
   * Rolling updates replace only pods with an ordinal at or above this (a canary of the highest ones).
   * @default 0 (all pods)
   */
  readonly partition?: number;
  /**
   * What happens to the claims when the StatefulSet is deleted.
   * @default ClaimRetention.RETAIN
   */
  readonly claimsWhenDeleted?: ClaimRetention;
  /**
   * What happens to the claims of pods removed by scaling down.
   * @default ClaimRetention.RETAIN
   */
  readonly claimsWhenScaled?: ClaimRetention;
  /**
   * How the client Service is exposed.
   * @default ServiceType.CLUSTER_IP
   */
  readonly serviceType?: ServiceType;
}
