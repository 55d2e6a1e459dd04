import { parseQuantity } from '../core/validate';

/** What one workload may claim from its namespace at its largest (for quota checks). */
export interface ResourceFootprint {
  /** Construct path, for messages. */
  readonly path: string;
  /** Most pods at once: replicas or autoscaling max, plus one rollout surge pod. */
  readonly maxPods: number;
  /** How `maxPods` was counted, for messages. */
  readonly podsExplained: string;
  /** Per pod, by quota key (`requests.cpu`, `limits.memory`…), as quantities. */
  readonly perPod: { [quotaKey: string]: string };
  /** Service types the workload creates. */
  readonly serviceTypes: string[];
  /**
   * The Services the workload creates, with their port counts: a NodePort or LoadBalancer
   * Service allocates one node port per port, which `services.nodeports` counts.
   * @default - one port per entry of `serviceTypes`
   */
  readonly services?: ServiceQuota[];
  /**
   * What the workload claims once, not per pod (its PersistentVolumeClaims), by quota key
   * (`requests.storage`, `persistentvolumeclaims`, per StorageClass), as quantities.
   * @default - none
   */
  readonly claims?: { [quotaKey: string]: string };
  /**
   * How `claims` was counted, for messages.
   * @default - none
   */
  readonly claimsExplained?: string;
}

/** A Service as the namespace's quota counts it. */
export interface ServiceQuota {
  /** Its type (ClusterIP, NodePort, LoadBalancer). */
  readonly type: string;
  /** How many ports it has. */
  readonly ports: number;
}

/** A quota total as a quantity for messages: cores or millicores, a count, Gi or Mi. */
export function formatQuotaValue(key: string, n: number): string {
  if (key.endsWith('cpu')) return Number.isInteger(n) ? String(n) : `${Math.round(n * 1000)}m`;
  if (key === 'pods' || key.startsWith('services.') || key.endsWith('persistentvolumeclaims')) return String(n);
  return n % 2 ** 30 === 0 ? `${n / 2 ** 30}Gi` : `${Math.round((n / 2 ** 20) * 100) / 100}Mi`;
}

/**
 * Problems when the workloads of a namespace, at their largest, need more than its
 * ResourceQuota `hard` allows: the API server would then refuse pods mid-rollout or mid-scale.
 */
export function quotaProblems(hard: { [key: string]: string }, workloads: ResourceFootprint[]): string[] {
  const problems: string[] = [];
  for (const [key, limit] of Object.entries(hard)) {
    const allowed = parseQuantity(limit);
    if (allowed === undefined) continue;
    let total = 0;
    const parts: string[] = [];
    for (const w of workloads) {
      let need: number;
      let explain: string;
      if (key === 'pods') {
        need = w.maxPods;
        explain = `${w.path}: ${w.podsExplained}`;
      } else if (key === 'services.loadbalancers' || key === 'services.nodeports') {
        const services = w.services ?? w.serviceTypes.map((type) => ({ type, ports: 1 }));
        if (key === 'services.loadbalancers') {
          // The API server counts LoadBalancer Services, one each whatever their ports.
          need = services.filter((s) => s.type === 'LoadBalancer').length;
          explain = `${w.path}: ${need} LoadBalancer Service`;
        } else {
          // …and node ports per port: a LoadBalancer Service allocates them too.
          const exposed = services.filter((s) => s.type === 'NodePort' || s.type === 'LoadBalancer');
          need = exposed.reduce((n, s) => n + s.ports, 0);
          explain = `${w.path}: ${need} node ${need === 1 ? 'port' : 'ports'} (${exposed.map((s) => `${s.ports} of a ${s.type} Service`).join(', ')})`;
        }
      } else if (w.claims?.[key] !== undefined) {
        need = parseQuantity(w.claims[key]) ?? 0;
        explain = `${w.path}: ${w.claimsExplained ?? formatQuotaValue(key, need)}`;
      } else {
        const per = w.perPod[key] !== undefined ? parseQuantity(w.perPod[key]) ?? 0 : 0;
        need = per * w.maxPods;
        explain = `${w.path}: ${w.podsExplained} × ${w.perPod[key]}`;
      }
      if (need > 0) parts.push(explain);
      total += need;
    }
    if (total > allowed + 1e-9) {
      problems.push(`ResourceQuota ${key} is ${limit} but the apps inside need ${formatQuotaValue(key, total)} (${parts.join('; ')}). Fix: raise quota['${key}'] of the IsolatedNamespace, or lower replicas, autoscaling.maxReplicas or resources.`);
    }
  }
  return problems;
}
