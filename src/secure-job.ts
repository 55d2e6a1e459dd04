import { ApiObject, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { ConcurrencyPolicy, SecureCronJobProps, SecureJobProps } from './model/job-options';
import { cronJobProblems, jobProblems, MAX_CRONJOB_NAME } from './model/job-problems';
import { ResourceFootprint } from './model/quota';
import { cronJobSpec, DEFAULT_JOB_TTL_SECONDS, jobRestartPolicy, jobSpec } from './render/pod/job';
import type { IWorkload } from './model/peer';
import type { IPlacedWorkload } from './model/placement';
import { SecureWorkload, WorkloadKindSpec } from './secure-workload';

/** What a pod that runs to completion adds to the shared workload core. */
function jobKind(kind: string, p: SecureJobProps, problems: () => Array<string | undefined>, podOf?: (json: any) => any, maxNameLength?: number): WorkloadKindSpec {
  return {
    kind,
    podOf,
    maxNameLength,
    // A Job is not a Service backend: probes only when asked for.
    defaultProbes: false,
    problems: () => ({ afterPorts: [], last: problems() }),
    replicated: () => false,
    restartPolicy: p ? jobRestartPolicy(p) : undefined,
    // An injected proxy that never exits would keep the pod, and so the Job, running forever.
    nativeSidecar: true,
  };
}

function jobPods(p: SecureJobProps): number {
  return p.parallelism ?? 1;
}

/**
 * A Job whose pod passes Pod Security `restricted` by default, like a SecureApp's: its own
 * ServiceAccount, a NetworkPolicy from `allowFrom` / `allowTo` (a migration Job reaches its
 * database with `job.allowTo(db)`), and in a sidecar mesh the proxy injected as a native
 * sidecar so the Job completes. It must have a deadline (`activeDeadlineSeconds`) unless
 * `runForever` says otherwise. No Service, PodDisruptionBudget or autoscaler.
 */
export class SecureJob extends SecureWorkload implements IWorkload, IPlacedWorkload {
  /** The Job. */
  public readonly job: ApiObject;
  private readonly pods: number;

  constructor(scope: Construct, id: string, props: SecureJobProps) {
    super(scope, id, props, jobKind('SecureJob', props, () => jobProblems(props)));
    this.pods = jobPods(props);
    this.job = new ApiObject(this, 'Job', {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: this._metadata,
      spec: jobSpec(props, Lazy.any({ produce: () => this._renderPodTemplate() }), this._parts.container.name, DEFAULT_JOB_TTL_SECONDS),
    });
    this.node.defaultChild = this.job;
    this._addPolicies();
  }

  public footprint(): ResourceFootprint {
    return {
      path: this.path,
      maxPods: this.pods,
      podsExplained: `${this.pods} ${this.pods === 1 ? 'pod' : 'pods'} (Job parallelism)`,
      perPod: this._perPodQuota(),
      serviceTypes: [],
    };
  }
}

/**
 * A CronJob whose runs are SecureJob pods: hardened the same way, with the same intents, and a
 * validated `schedule` and `timeZone`. Runs never overlap unless `concurrencyPolicy` says so.
 */
export class SecureCronJob extends SecureWorkload implements IWorkload, IPlacedWorkload {
  /** The CronJob. */
  public readonly cronJob: ApiObject;
  private readonly pods: number;
  private readonly runs: number;
  private readonly policy: ConcurrencyPolicy;

  constructor(scope: Construct, id: string, props: SecureCronJobProps) {
    super(scope, id, props, jobKind('SecureCronJob', props, () => cronJobProblems(props), (json) => json.spec.jobTemplate.spec.template, MAX_CRONJOB_NAME));
    this.pods = jobPods(props);
    this.policy = props.concurrencyPolicy ?? ConcurrencyPolicy.FORBID;
    // Replace starts the new run while the old one's pods terminate; Allow is counted as two
    // overlapping runs (more overlap is possible, and the quota then refuses the extra pods).
    this.runs = this.policy === ConcurrencyPolicy.FORBID ? 1 : 2;
    const template = Lazy.any({ produce: () => this._renderPodTemplate() });
    this.cronJob = new ApiObject(this, 'CronJob', {
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: this._metadata,
      spec: cronJobSpec(props, {
        metadata: { labels: this.labels },
        spec: jobSpec(props, template, this._parts.container.name, undefined),
      }),
    });
    this.node.defaultChild = this.cronJob;
    this._addPolicies();
  }

  public footprint(): ResourceFootprint {
    const n = this.pods * this.runs;
    return {
      path: this.path,
      maxPods: n,
      podsExplained: `${n} ${n === 1 ? 'pod' : 'pods'} (${this.runs === 1 ? 'one run at a time' : `${this.runs} overlapping runs under concurrencyPolicy ${this.policy}`}${this.pods > 1 ? ` × parallelism ${this.pods}` : ''})`,
      perPod: this._perPodQuota(),
      serviceTypes: [],
    };
  }
}
