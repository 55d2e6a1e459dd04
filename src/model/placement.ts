import { Chart } from 'cdk8s';
import { IConstruct } from 'constructs';
import { checkDnsLabel } from '../core/validate';
import { ResourceFootprint } from './quota';
import { Mesh } from './mesh';
import { CLUSTER_SETTINGS_DEFAULTS, ClusterSettings } from './settings';
import { podSecurityVersionFor } from './target';

/** Limits of one container. */
export interface ContainerLimits {
  /** Container name. */
  readonly container: string;
  /** Limits by resource. */
  readonly limits: { [resource: string]: string };
}

/** A workload as its namespace sees it: for quota and limit checks. */
export interface IPlacedWorkload {
  /** Construct path. */
  readonly path: string;
  /** What the workload may claim at its largest. */
  footprint(): ResourceFootprint;
  /** Limits of each container, by resource name (cpu, memory, ephemeral-storage). */
  containerLimits(): ContainerLimits[];
}

/** Pod Security Standards levels, as Pod Security Admission names them. */
export enum PodSecurityLevel {
  /** Unrestricted: no checks. */
  PRIVILEGED = 'privileged',
  /** Prevents known privilege escalations (host namespaces, privileged, dangerous capabilities…). */
  BASELINE = 'baseline',
  /** Current pod hardening best practice; what every SecureApp passes by default. */
  RESTRICTED = 'restricted',
}

/**
 * The Pod Security version pinned when neither the namespace nor ClusterSettings'
 * `kubernetesVersion` says otherwise: that of the default target, the oldest supported release.
 */
export const TARGET_KUBERNETES_VERSION = podSecurityVersionFor(CLUSTER_SETTINGS_DEFAULTS);

/**
 * Where a workload lands and what admits it: the namespace and the Pod Security rules that the
 * API server will apply there. Recorded once by the enclosing namespace construct and read by
 * every workload inside it, so the checks never disagree with the namespace labels.
 */
export interface Placement {
  /** Namespace name; undefined when the chart sets none (objects go where they are applied). */
  readonly namespace?: string;
  /** The level pods are checked against at synth. */
  readonly podSecurityLevel: PodSecurityLevel;
  /** Policy versions to check ('v1.N' or 'latest'); a pod must pass all of them. */
  readonly podSecurityVersions: string[];
  /** The construct that owns the placement (an IsolatedNamespace), if any. */
  readonly owner?: IConstruct;
  /** Whether every pod of the namespace may reach every other (all layers must agree). */
  readonly allowIntraNamespace?: boolean;
  /** Istio membership of the namespace, if meshed. */
  readonly mesh?: Mesh;
  /** Requests and limits the injected sidecar gets, by quota key (counted against quotas). */
  readonly sidecarFootprint?: { [quotaKey: string]: string };
  /** Workloads placed here register themselves, so the owner can check them as a whole. */
  readonly members?: IPlacedWorkload[];
}

const PLACEMENT = Symbol.for('cdk8s-secure.placement');

/** Makes every construct below `scope` land in `placement`. */
export function providePlacement(scope: IConstruct, placement: Placement): void {
  (scope as any)[PLACEMENT] = placement;
}

/**
 * The placement of a construct created under `scope`: the nearest enclosing provider, else the
 * chart's namespace checked at restricted for the targeted version and latest. Walks the scope
 * chain only (depth, not app size), once per construct.
 */
export function placementOf(scope: IConstruct): Placement {
  for (let s: IConstruct | undefined = scope; s; s = s.node.scope) {
    const p = (s as any)[PLACEMENT] as Placement | undefined;
    if (p) return p;
  }
  const chart = Chart.of(scope);
  let placement = CHART_DEFAULTS.get(chart);
  if (!placement) {
    placement = {
      namespace: chart.namespace,
      podSecurityLevel: PodSecurityLevel.RESTRICTED,
      // Read when judged (at synth), so the app's target version counts wherever it was set.
      get podSecurityVersions() {
        return [podSecurityVersionFor(ClusterSettings.of(chart)), 'latest'];
      },
    };
    CHART_DEFAULTS.set(chart, placement);
    // The chart's namespace is the user's input too: an invalid one would be written as is.
    const problem = chart.namespace !== undefined ? checkDnsLabel(`Chart ${chart.node.path || chart.node.id} namespace`, chart.namespace) : undefined;
    if (problem) PROBLEMS.set(placement, problem);
  }
  return placement;
}

const PROBLEMS = new WeakMap<Placement, string>();

/** What is wrong with where a placement puts workloads (an invalid chart namespace), if anything. */
export function placementProblem(placement: Placement): string | undefined {
  return PROBLEMS.get(placement);
}

// The default placement depends on the chart only; one per chart instead of one per workload.
const CHART_DEFAULTS = new WeakMap<Chart, Placement>();
