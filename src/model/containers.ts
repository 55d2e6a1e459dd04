import type { EnvValue } from './env';
import type { MountedFiles } from './files';
import type { PreStop } from './lifecycle';
import type { Probe } from './probe';
import type { ContainerPort, ContainerRelaxations, ResourceSettings, WritableDir } from './workload-options';

// The pod's other containers: init containers that run to completion before the app starts,
// and native sidecars (init containers with restartPolicy: Always) that run beside it. Each is
// hardened like the app container, from the same option types and value classes.

/**
 * An init container: runs to completion, in order, before the app container starts. Hardened
 * like the app container (non-root as the pod's UID, no privilege escalation, all capabilities
 * dropped, read-only root filesystem with a writable /tmp, requests and limits).
 */
export interface InitContainer {
  /** Container name: a DNS-1123 label, unique in the pod, not `app` and not one Istio injects. */
  readonly name: string;
  /** Container image, pinned by tag or digest (the pod's `requireDigest` applies). */
  readonly image: string;
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
   * Requests and limits.
   * @default - cpu 100m/500m, memory 128Mi/256Mi, ephemeral-storage 64Mi/256Mi
   */
  readonly resources?: ResourceSettings;
  /**
   * Writable directories besides `/tmp` (always writable, 64Mi), as size-limited emptyDirs of this
   * container's own.
   * @default - only /tmp
   */
  readonly writableDirs?: WritableDir[];
  /**
   * ConfigMap and Secret files mounted read-only.
   * @default - none
   */
  readonly files?: MountedFiles[];
  /**
   * Exceptions to this container's hardening, checked against Pod Security at synth like the
   * app container's.
   * @default - none
   */
  readonly relax?: ContainerRelaxations;
}

/**
 * A native sidecar: an init container with `restartPolicy: Always` (Kubernetes 1.29+), started
 * before the pod's init containers and the app container and stopped after the app container,
 * so it serves the whole pod's life and never keeps a Job's pod from completing.
 */
export interface SidecarContainer extends InitContainer {
  /**
   * Container ports. They are the pod's (shared network namespace), so their names and numbers
   * must differ from the app container's; no Service or policy exposes them.
   * @default - none
   */
  readonly ports?: ContainerPort[];
  /**
   * Readiness probe: the pod's init containers and app container start once it passes.
   * @default - none
   */
  readonly readiness?: Probe;
  /**
   * Liveness probe.
   * @default - none
   */
  readonly liveness?: Probe;
  /**
   * Startup probe: the other probes wait until it passes.
   * @default - none
   */
  readonly startup?: Probe;
  /**
   * Hook run before the sidecar is stopped (after the app container has stopped).
   * @default - none
   */
  readonly preStop?: PreStop;
}

/** Container names Istio injects (`enable-core-dump` only on request), so a user container may not take them. */
export const ISTIO_CONTAINER_NAMES: readonly string[] = Object.freeze(['istio-proxy', 'istio-init', 'istio-validation', 'enable-core-dump']);
