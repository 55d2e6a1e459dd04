import { JobRestartPolicy, PodFailurePolicyRule, SecureCronJobProps, SecureJobProps, ConcurrencyPolicy } from '../../model/job-options';

/** Retries before a Job fails: a migration that failed three times will not pass the fourth. */
export const DEFAULT_BACKOFF_LIMIT = 3;
/** A finished Job (and its pods' logs) is kept a day, then the API server deletes it. */
export const DEFAULT_JOB_TTL_SECONDS = 86400;
/** A run that could not start within five minutes of its time is skipped, not started late. */
export const DEFAULT_STARTING_DEADLINE_SECONDS = 300;

/** The pods' restartPolicy of a Job. */
export function jobRestartPolicy(p: SecureJobProps): JobRestartPolicy {
  return p.restartPolicy ?? JobRestartPolicy.NEVER;
}

function failurePolicy(rules: readonly PodFailurePolicyRule[] | undefined, container: string): object | undefined {
  if (!rules?.length) return undefined;
  return {
    rules: rules.map((r) => {
      const codes = r.onExitCodes ?? r.notOnExitCodes;
      return {
        action: r.action,
        // Only the app container's exit decides: the injected proxy's does not.
        onExitCodes: codes ? { containerName: container, operator: r.onExitCodes ? 'In' : 'NotIn', values: [...codes].sort((a, b) => a - b) } : undefined,
        onPodConditions: r.onPodConditions?.map((type) => ({ type, status: 'True' })),
      };
    }),
  };
}

/** A Job's spec around the pod template (the Job controller sets the selector itself). */
export function jobSpec(p: SecureJobProps, template: unknown, container: string, defaultTtl: number | undefined): object {
  return {
    activeDeadlineSeconds: p.activeDeadlineSeconds,
    backoffLimit: p.backoffLimit ?? DEFAULT_BACKOFF_LIMIT,
    completions: p.completions ?? 1,
    parallelism: p.parallelism ?? 1,
    ttlSecondsAfterFinished: p.ttlSecondsAfterFinished ?? defaultTtl,
    podFailurePolicy: failurePolicy(p.podFailurePolicy, container),
    template,
  };
}

/** A CronJob's spec around the Job template. */
export function cronJobSpec(p: SecureCronJobProps, jobTemplate: object): object {
  return {
    schedule: p.schedule.trim(),
    timeZone: p.timeZone,
    concurrencyPolicy: p.concurrencyPolicy ?? ConcurrencyPolicy.FORBID,
    startingDeadlineSeconds: p.startingDeadlineSeconds ?? DEFAULT_STARTING_DEADLINE_SECONDS,
    successfulJobsHistoryLimit: p.successfulJobsHistoryLimit ?? 3,
    failedJobsHistoryLimit: p.failedJobsHistoryLimit ?? 1,
    suspend: p.suspend || undefined,
    jobTemplate,
  };
}
