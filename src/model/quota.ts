import { checkDnsSubdomain, checkQuantity, formatQuantity, isQualifiedName, parseQuantity } from '../core/validate';

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

/**
 * `n` of quota `key` as a quantity, in the units the user wrote (`like`: the quantities it was
 * summed from, and the quota's value): a count for counted keys.
 */
export function formatQuotaValue(key: string, n: number, like: readonly string[] = []): string {
  if (key === 'pods' || key.startsWith('services') || key.startsWith('count/') || key.endsWith('persistentvolumeclaims')) return String(n);
  // CPU is written in cores or millicores: whole cores when whole.
  if (key.endsWith('cpu')) return Number.isInteger(Math.round(n * 1e6) / 1e6) ? String(Math.round(n)) : `${Math.round(n * 1000)}m`;
  return formatQuantity(n, like);
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
        explain = `${w.path}: ${w.claimsExplained ?? formatQuotaValue(key, need, [w.claims[key], limit])}`;
      } else {
        const per = w.perPod[key] !== undefined ? parseQuantity(w.perPod[key]) ?? 0 : 0;
        need = per * w.maxPods;
        explain = `${w.path}: ${w.podsExplained} × ${w.perPod[key]}`;
      }
      if (need > 0) parts.push(explain);
      total += need;
    }
    if (total > allowed + 1e-9) {
      problems.push(`ResourceQuota ${key} is ${limit} but the apps inside need ${formatQuotaValue(key, total, [...workloads.flatMap((w) => [w.perPod[key], w.claims?.[key]]).filter((q): q is string => q !== undefined), limit])} (${parts.join('; ')}). Fix: raise quota['${key}'] of the IsolatedNamespace, or lower replicas, autoscaling.maxReplicas or resources.`);
    }
  }
  return problems;
}

// ResourceQuota `hard` keys Kubernetes knows by name: compute and storage totals, object counts.
const QUOTA_RESOURCES = new Set([
  'cpu', 'memory', 'ephemeral-storage', 'requests.cpu', 'requests.memory', 'requests.ephemeral-storage', 'requests.storage',
  'limits.cpu', 'limits.memory', 'limits.ephemeral-storage', 'pods', 'services', 'services.loadbalancers', 'services.nodeports',
  'replicationcontrollers', 'resourcequotas', 'secrets', 'configmaps', 'persistentvolumeclaims',
]);
// Resources the API server counts in whole units only.
const WHOLE = new Set(['pods', 'services', 'services.loadbalancers', 'services.nodeports', 'replicationcontrollers', 'resourcequotas', 'secrets', 'configmaps', 'persistentvolumeclaims']);
const STORAGE_CLASS_KEY = /^(.+)\.storageclass\.storage\.k8s\.io\/(requests\.storage|persistentvolumeclaims)$/;
const HUGEPAGES = /^(requests\.)?hugepages-(.+)$/;
const COUNT = /^count\/[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Whether `key` names something a ResourceQuota can limit, and whether it counts whole units. */
function quotaKey(key: string): { known: boolean; whole: boolean } {
  if (QUOTA_RESOURCES.has(key)) return { known: true, whole: WHOLE.has(key) };
  const sc = STORAGE_CLASS_KEY.exec(key);
  if (sc) return { known: checkDnsSubdomain('storage class', sc[1]) === undefined, whole: sc[2] === 'persistentvolumeclaims' };
  const huge = HUGEPAGES.exec(key);
  if (huge) return { known: parseQuantity(huge[2]) !== undefined, whole: false };
  if (COUNT.test(key)) return { known: true, whole: true };
  // Extended resources (`requests.nvidia.com/gpu`): a domain-prefixed name, counted whole.
  const ext = /^requests\.(.+)$/.exec(key);
  if (ext && ext[1].includes('/') && isQualifiedName(ext[1]) && !ext[1].startsWith('kubernetes.io/')) return { known: true, whole: true };
  return { known: false, whole: false };
}

/** Problems with one ResourceQuota `hard` entry as a user writes it (`quota["requests.cpu"]`). */
export function quotaEntryProblem(key: string, value: string): string | undefined {
  const ext = /^limits\.(.+\/.+)$/.exec(key);
  if (ext && quotaKey(`requests.${ext[1]}`).known) {
    // Extended resources cannot be overcommitted, so Kubernetes quotas them by request only.
    return `quota key "${key}" limits an extended resource, which a ResourceQuota quotas only as "requests.${ext[1]}" (extended resources are never overcommitted, so request and limit are the same). Fix: write "requests.${ext[1]}".`;
  }
  const k = quotaKey(key);
  if (!k.known) {
    return `quota key "${key}" is not a resource a ResourceQuota limits. Fix: use a Kubernetes resource name such as "requests.cpu", "limits.memory", "requests.storage", "pods", "services.loadbalancers" or "count/deployments.apps", a storage class's "<class>.storageclass.storage.k8s.io/requests.storage", or an extended resource with "requests." and its domain (e.g. "requests.nvidia.com/gpu").`;
  }
  const bad = checkQuantity(`quota["${key}"]`, value);
  if (bad) return bad;
  if (k.whole && !Number.isInteger(parseQuantity(value))) {
    return `quota["${key}"] "${value}" is not a whole number, and Kubernetes counts ${key} in whole units. Fix: write a whole number, e.g. "${Math.max(0, Math.floor(parseQuantity(value) ?? 0))}".`;
  }
  return undefined;
}
