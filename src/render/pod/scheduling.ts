import { checkDnsSubdomain, checkLabels } from '../../core/validate';
import type { NodeSelectorRequirement, Toleration } from '../../model/workload-options';
import type { KubeLabels, KubeScheduling } from './kube';

const TAINT_EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];

/** The rules the API server applies to a toleration, so a typo fails at synth, not at apply. */
function checkToleration(t: Toleration): string | undefined {
  const what = `toleration ${JSON.stringify(t)}`;
  const op = t.operator ?? 'Equal';
  if (op !== 'Equal' && op !== 'Exists') return `${what} has operator "${op}". Fix: use "Equal" or "Exists" (capitalised).`;
  if (op === 'Exists' && t.value !== undefined) return `${what} sets a value with operator Exists. Fix: drop the value, or use operator Equal.`;
  if (!t.key && op !== 'Exists') return `${what} has no key, which only operator Exists allows (tolerate every taint). Fix: set the taint key.`;
  if (t.effect !== undefined && !TAINT_EFFECTS.includes(t.effect)) return `${what} has effect "${t.effect}". Fix: use one of ${TAINT_EFFECTS.join(', ')}.`;
  if (t.tolerationSeconds !== undefined && t.effect !== 'NoExecute') return `${what} sets tolerationSeconds, which only applies to effect NoExecute. Fix: set effect "NoExecute" or drop tolerationSeconds.`;
  return undefined;
}

/** The rules the API server applies to a node-affinity expression. */
function checkNodeSelectorRequirement(r: NodeSelectorRequirement): string | undefined {
  const what = `nodeAffinity ${JSON.stringify(r)}`;
  const n = r.values?.length ?? 0;
  switch (r.operator) {
    case 'In': case 'NotIn':
      return n > 0 ? undefined : `${what} needs values for operator ${r.operator}. Fix: list the label values.`;
    case 'Exists': case 'DoesNotExist':
      return n === 0 ? undefined : `${what} must not have values with operator ${r.operator}. Fix: drop the values.`;
    case 'Gt': case 'Lt':
      return n === 1 && /^-?\d+$/.test(r.values![0]) ? undefined : `${what} needs exactly one integer value for operator ${r.operator}. Fix: e.g. values: ["4"].`;
    default:
      return `${what} has operator "${r.operator}". Fix: use In, NotIn, Exists, DoesNotExist, Gt or Lt.`;
  }
}

/** Where a pod may run and how replicas spread. */
export interface SchedulingOptions {
  readonly tolerations?: readonly Toleration[];
  readonly nodeSelector?: { readonly [key: string]: string };
  readonly nodeAffinity?: readonly NodeSelectorRequirement[];
  readonly priorityClassName?: string;
  readonly runtimeClassName?: string;
}

/**
 * Where a pod may run (tolerations, node selector and affinity, priority and runtime class) and,
 * for replicated workloads, how its replicas spread over nodes and zones.
 */
export class Scheduling {
  /** Nothing but the spread of replicas, shared by every pod that sets no scheduling option. */
  public static readonly DEFAULT = new Scheduling({});

  public static of(options: SchedulingOptions): Scheduling {
    const given = options.tolerations ?? options.nodeSelector ?? options.nodeAffinity ?? options.priorityClassName ?? options.runtimeClassName;
    return given === undefined ? Scheduling.DEFAULT : new Scheduling({
      // Copied, so a later change to the caller's arrays cannot change what was checked.
      tolerations: options.tolerations?.map((t) => ({ ...t })),
      nodeSelector: options.nodeSelector,
      nodeAffinity: options.nodeAffinity?.map((n) => ({ ...n, values: n.values ? [...n.values] : undefined })),
      priorityClassName: options.priorityClassName,
      runtimeClassName: options.runtimeClassName,
    });
  }

  private constructor(private readonly o: SchedulingOptions) {}

  public problems(): string[] {
    const out: Array<string | undefined> = [];
    for (const [what, v] of [['priorityClassName', this.o.priorityClassName], ['runtimeClassName', this.o.runtimeClassName]] as const) {
      if (v !== undefined) out.push(checkDnsSubdomain(what, v));
    }
    if (this.o.nodeSelector) out.push(checkLabels('nodeSelector', this.o.nodeSelector));
    out.push(...(this.o.tolerations ?? []).map(checkToleration), ...(this.o.nodeAffinity ?? []).map(checkNodeSelectorRequirement));
    return out.filter((p): p is string => p !== undefined);
  }

  /**
   * The scheduling fields of the pod spec. `replicated` pods prefer distinct nodes and spread
   * over zones and nodes, selected by `selector`.
   * @internal
   */
  public _toKube(selector: KubeLabels, replicated: boolean): KubeScheduling {
    const spreadSelector = { matchLabels: { ...selector } };
    const { tolerations, nodeSelector, nodeAffinity } = this.o;
    return {
      tolerations: tolerations?.length ? tolerations : undefined,
      nodeSelector: nodeSelector && Object.keys(nodeSelector).length ? { ...nodeSelector } : undefined,
      affinity: replicated || nodeAffinity?.length ? {
        nodeAffinity: nodeAffinity?.length
          ? { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: nodeAffinity }] } }
          : undefined,
        podAntiAffinity: replicated ? {
          preferredDuringSchedulingIgnoredDuringExecution: [{
            weight: 100,
            podAffinityTerm: { topologyKey: 'kubernetes.io/hostname', labelSelector: spreadSelector },
          }],
        } : undefined,
      } : undefined,
      // ScheduleAnyway: spread when the cluster can, never leave pods pending because it cannot.
      topologySpreadConstraints: replicated ? ['topology.kubernetes.io/zone', 'kubernetes.io/hostname'].map((topologyKey) => ({
        maxSkew: 1, topologyKey, whenUnsatisfiable: 'ScheduleAnyway', labelSelector: spreadSelector,
      })) : undefined,
      priorityClassName: this.o.priorityClassName,
      runtimeClassName: this.o.runtimeClassName,
    };
  }
}
