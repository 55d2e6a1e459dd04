import { checkCronSchedule, checkTimeZone } from '../core/schedule';
import { ConcurrencyPolicy, JobRestartPolicy, PodFailureAction, PodFailurePolicyRule, SecureCronJobProps, SecureJobProps } from './job-options';

/** The longest CronJob name the API server admits: its Jobs are `<name>-<8+ digit time>`, 63 at most. */
export const MAX_CRONJOB_NAME = 52;

function wholeNumber(what: string, v: number | undefined, min: number, fix: string): string | undefined {
  if (v === undefined || (Number.isInteger(v) && v >= min)) return undefined;
  return `${what} ${v} must be a whole number >= ${min}. Fix: ${fix}.`;
}

function ruleProblems(rules: readonly PodFailurePolicyRule[], restartPolicy: JobRestartPolicy): Array<string | undefined> {
  const out: Array<string | undefined> = [];
  if (rules.length && restartPolicy !== JobRestartPolicy.NEVER) {
    out.push('podFailurePolicy needs restartPolicy Never (with OnFailure the kubelet restarts the container and the Job never sees the failure). Fix: set restartPolicy to JobRestartPolicy.NEVER, or drop podFailurePolicy.');
  }
  if (rules.length > 20) out.push(`podFailurePolicy has ${rules.length} rules; the API server allows 20. Fix: merge rules with the same action.`);
  rules.forEach((r, i) => {
    const what = `podFailurePolicy[${i}]`;
    if (!Object.values(PodFailureAction).includes(r.action)) {
      out.push(`${what}.action "${r.action}" is not FailJob, Ignore or Count. Fix: use PodFailureAction.FAIL_JOB, .IGNORE or .COUNT.`);
    }
    const set = [r.onExitCodes, r.notOnExitCodes, r.onPodConditions].filter((x) => x !== undefined).length;
    if (set !== 1) out.push(`${what} sets ${set} of onExitCodes, notOnExitCodes and onPodConditions. Fix: set exactly one.`);
    const codes = r.onExitCodes ?? r.notOnExitCodes;
    if (codes) {
      if (codes.length === 0 || codes.length > 255) out.push(`${what} lists ${codes.length} exit codes. Fix: list 1 to 255.`);
      for (const c of codes) if (!Number.isInteger(c) || c < 0 || c > 255) out.push(`${what} exit code ${c} is not 0-255. Fix: list exit codes from 1 to 255.`);
      if (r.onExitCodes?.includes(0)) out.push(`${what}.onExitCodes includes 0, which is success. Fix: remove 0.`);
      if (new Set(codes).size !== codes.length) out.push(`${what} lists an exit code twice. Fix: list each code once.`);
    }
    for (const c of r.onPodConditions ?? []) if (typeof c !== 'string' || !/^[A-Za-z][A-Za-z0-9]*$/.test(c)) out.push(`${what} pod condition "${c}" is not a condition type. Fix: use e.g. "DisruptionTarget".`);
  });
  return out;
}

/** The problems of a Job's own props (those after the pod's). */
export function jobProblems(p: SecureJobProps): Array<string | undefined> {
  const restartPolicy = p.restartPolicy ?? JobRestartPolicy.NEVER;
  return [
    p.activeDeadlineSeconds === undefined && !p.runForever
      ? 'activeDeadlineSeconds is not set, so the Job may run forever, holding its pods and quota. Fix: set activeDeadlineSeconds (e.g. 3600 for an hour), or set runForever: true if it really may run without end.'
      : undefined,
    p.activeDeadlineSeconds !== undefined && p.runForever
      ? `activeDeadlineSeconds ${p.activeDeadlineSeconds} and runForever are both set. Fix: drop one.` : undefined,
    wholeNumber('activeDeadlineSeconds', p.activeDeadlineSeconds, 1, 'set the seconds the Job may run, e.g. 3600'),
    wholeNumber('backoffLimit', p.backoffLimit, 0, 'set the retries, e.g. 3 (the default)'),
    wholeNumber('ttlSecondsAfterFinished', p.ttlSecondsAfterFinished, 0, 'set the seconds a finished Job is kept, e.g. 86400'),
    wholeNumber('completions', p.completions, 1, 'set how many pods must succeed, e.g. 1'),
    wholeNumber('parallelism', p.parallelism, 1, 'set how many pods run at once, e.g. 1'),
    !Object.values(JobRestartPolicy).includes(restartPolicy)
      ? `restartPolicy "${restartPolicy}" is not Never or OnFailure (a Job's pods must end). Fix: use JobRestartPolicy.NEVER or JobRestartPolicy.ON_FAILURE.` : undefined,
    ...ruleProblems(p.podFailurePolicy ?? [], restartPolicy),
  ];
}

/** The problems of a CronJob's own props. */
export function cronJobProblems(p: SecureCronJobProps): Array<string | undefined> {
  const policy = p.concurrencyPolicy;
  const name = p.name;
  return [
    // Longer than a DNS label is refused with the other names; here the CronJob's own limit.
    typeof name === 'string' && name.length > MAX_CRONJOB_NAME && name.length <= 63
      ? `name "${name}" has ${name.length} characters, but a CronJob's name may have at most ${MAX_CRONJOB_NAME}: each Job it starts is named after it plus 11 characters ("-" and the scheduled time). Fix: shorten name to ${MAX_CRONJOB_NAME} characters or fewer, e.g. "${name.slice(0, MAX_CRONJOB_NAME).replace(/-+$/, '')}".`
      : undefined,
    ...jobProblems(p),
    checkCronSchedule('schedule', p.schedule),
    p.timeZone !== undefined ? checkTimeZone('timeZone', p.timeZone) : undefined,
    policy !== undefined && !Object.values(ConcurrencyPolicy).includes(policy)
      ? `concurrencyPolicy "${policy}" is not Forbid, Replace or Allow. Fix: use ConcurrencyPolicy.FORBID (the default), .REPLACE or .ALLOW.` : undefined,
    wholeNumber('startingDeadlineSeconds', p.startingDeadlineSeconds, 10, 'set at least 10 (the controller checks every 10 seconds), e.g. 300'),
    wholeNumber('successfulJobsHistoryLimit', p.successfulJobsHistoryLimit, 0, 'keep e.g. 3 succeeded Jobs'),
    wholeNumber('failedJobsHistoryLimit', p.failedJobsHistoryLimit, 0, 'keep e.g. 1 failed Job'),
  ];
}
