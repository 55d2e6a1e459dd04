import type { SecurePodProps } from './pod-props';

// The options of the kinds whose pods run to completion (SecureJob, SecureCronJob): plain data,
// checked by jobProblems() and rendered by the constructs.

/** When the kubelet restarts a Job's container. */
export enum JobRestartPolicy {
  /** A failed pod stays failed (its logs stay readable) and the Job starts a new one, up to `backoffLimit`. */
  NEVER = 'Never',
  /** The kubelet restarts the failed container in the same pod. */
  ON_FAILURE = 'OnFailure',
}

/** What a pod failure policy rule does when it matches. */
export enum PodFailureAction {
  /** Fail the whole Job at once (a bug no retry fixes). */
  FAIL_JOB = 'FailJob',
  /** Do not count the failure against `backoffLimit` (e.g. the node was drained). */
  IGNORE = 'Ignore',
  /** Count it against `backoffLimit`, as without a rule. */
  COUNT = 'Count',
}

/** One rule of a Job's pod failure policy; exactly one of `onExitCodes`, `notOnExitCodes`, `onPodConditions`. */
export interface PodFailurePolicyRule {
  /** What to do when the rule matches. */
  readonly action: PodFailureAction;
  /**
   * Matches when the app container exited with one of these codes (not 0).
   * @default - not matched on exit codes
   */
  readonly onExitCodes?: number[];
  /**
   * Matches when the app container exited with a code other than these.
   * @default - not matched on exit codes
   */
  readonly notOnExitCodes?: number[];
  /**
   * Matches when the pod has one of these conditions, e.g. `DisruptionTarget` (evicted, preempted, node drained).
   * @default - not matched on conditions
   */
  readonly onPodConditions?: string[];
}

/** Properties of a SecureJob: a pod that runs to completion, with a deadline. */
export interface SecureJobProps extends SecurePodProps {
  /**
   * Seconds the Job may run, retries included, before it is failed. Required: a Job without a
   * deadline can hang forever, holding its quota. Set `runForever` to go without one.
   * @default - none; an error unless `runForever` is true
   */
  readonly activeDeadlineSeconds?: number;
  /**
   * Say that the Job may run without a deadline (a queue worker that stops itself).
   * @default false
   */
  readonly runForever?: boolean;
  /**
   * Failed pods (or container restarts with OnFailure) before the Job fails.
   * @default 3
   */
  readonly backoffLimit?: number;
  /**
   * Seconds after the Job finishes before the API server deletes it and its pods.
   * @default 86400 for a SecureJob (a day to read its logs); for a SecureCronJob the history limits keep finished Jobs instead
   */
  readonly ttlSecondsAfterFinished?: number;
  /**
   * When a failed container restarts.
   * @default JobRestartPolicy.NEVER
   */
  readonly restartPolicy?: JobRestartPolicy;
  /**
   * Rules that fail the Job at once, or ignore a failure, by exit code or pod condition (needs `restartPolicy` Never).
   * @default - every failure counts against `backoffLimit`
   */
  readonly podFailurePolicy?: PodFailurePolicyRule[];
  /**
   * Pods that must succeed.
   * @default 1
   */
  readonly completions?: number;
  /**
   * Pods that run at once (each counted against the namespace quota).
   * @default 1
   */
  readonly parallelism?: number;
}

/** Whether a CronJob starts a run while the previous one is still running. */
export enum ConcurrencyPolicy {
  /** Skip the new run (no two runs overlap; the default). */
  FORBID = 'Forbid',
  /** Stop the running one and start the new run. */
  REPLACE = 'Replace',
  /** Let runs overlap. */
  ALLOW = 'Allow',
}

/** Properties of a SecureCronJob: a SecureJob on a schedule. */
export interface SecureCronJobProps extends SecureJobProps {
  /** When to run: 5 cron fields (`30 2 * * *`) or a macro (`@daily`, `@hourly`…). */
  readonly schedule: string;
  /**
   * IANA time zone the schedule is read in.
   * @default - the kube-controller-manager's time zone (usually UTC)
   */
  readonly timeZone?: string;
  /**
   * Whether a run may start while the previous one runs.
   * @default ConcurrencyPolicy.FORBID
   */
  readonly concurrencyPolicy?: ConcurrencyPolicy;
  /**
   * Seconds after a missed start time during which the run may still start; later, it is skipped.
   * @default 300
   */
  readonly startingDeadlineSeconds?: number;
  /**
   * Finished Jobs kept after they succeeded.
   * @default 3
   */
  readonly successfulJobsHistoryLimit?: number;
  /**
   * Finished Jobs kept after they failed.
   * @default 1
   */
  readonly failedJobsHistoryLimit?: number;
  /**
   * Stop scheduling new runs (running ones go on).
   * @default false
   */
  readonly suspend?: boolean;
}
