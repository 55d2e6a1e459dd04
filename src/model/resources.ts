// Resource values shared by the workload options and the mesh's sidecar sizing.

/** A request and a limit for one resource. */
export interface ResourceRange {
  /**
   * What the scheduler reserves.
   * @default - see `ResourceSettings`
   */
  readonly request?: string;
  /**
   * What the container may use at most (cgroup limit).
   * @default - see `ResourceSettings`
   */
  readonly limit?: string;
}
