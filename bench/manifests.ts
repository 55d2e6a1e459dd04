// The `floor` variant's manifests: exactly the objects cdk8s-secure emits for the bench workload,
// written as plain object literals (keys already in the order cdk8s writes them: apiVersion, kind,
// metadata, then the rest, every nested object sorted). No constructs, no resolving, no sorting,
// no validation. verify-floor.ts checks them against a real synth of `ours`.
//
// Every call returns fresh objects: the YAML library writes anchors/aliases for an object that
// appears twice in one document, and cdk8s never shares objects between places.
import {
  appImage, appName, APP_PORT, GROUP, hasNext, hasPrev, isMonitored, Layout, METRICS_PORT, namespaceOf,
  ONE_CHART_ID, ONE_CHART_NAMESPACE, Workload,
} from './common';
import { kindObjects } from './manifests-kinds';

const INSTANCE = 'app.kubernetes.io/instance';

// part-of is the namespace, version the image's tag (every bench image is tagged 1.0.0).
export const labels = (name: string, ns: string) => ({
  'app.kubernetes.io/instance': name,
  'app.kubernetes.io/managed-by': 'cdk8s-secure',
  'app.kubernetes.io/name': name,
  'app.kubernetes.io/part-of': ns,
  'app.kubernetes.io/version': '1.0.0',
});
const monitorLabels = (name: string, ns: string) => ({ ...labels(name, ns), release: 'kube-prometheus-stack' });
export const selector = (name: string) => ({ [INSTANCE]: name });
/** Metadata of an object of unit `name`, itself named `objectName`. */
export const meta = (name: string, ns: string, objectName = name) => ({ labels: labels(name, ns), name: objectName, namespace: ns });

export const dnsEgress = () => ({
  ports: [{ port: 53, protocol: 'UDP' }, { port: 53, protocol: 'TCP' }],
  to: [{
    namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } },
    podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
  }],
});

const tcpProbe = (initialDelaySeconds: number, periodSeconds: number) => ({
  failureThreshold: 3,
  initialDelaySeconds,
  periodSeconds,
  tcpSocket: { port: APP_PORT },
  timeoutSeconds: 2,
});

/** How a unit's pod differs between kinds. */
export interface PodShape {
  /** Container ports (none for Jobs). */
  readonly ports?: any[];
  /** Replicated: anti-affinity and topology spread. */
  readonly spread: boolean;
  /** Jobs: restartPolicy Never. */
  readonly restartPolicy?: string;
  /** A StatefulSet's claim mounts (and fsGroupChangePolicy OnRootMismatch). */
  readonly claimMounts?: any[];
}

/** The pod template of unit i, as every workload kind writes it. */
export function podTemplate(i: number, ns: string, shape: PodShape): any {
  const name = appName(i);
  const spec: any = {};
  if (shape.spread) {
    spec.affinity = {
      podAntiAffinity: {
        preferredDuringSchedulingIgnoredDuringExecution: [{
          podAffinityTerm: { labelSelector: { matchLabels: selector(name) }, topologyKey: 'kubernetes.io/hostname' },
          weight: 100,
        }],
      },
    };
  }
  const container: any = { image: appImage(i), imagePullPolicy: 'Always', name: 'app' };
  if (shape.ports) {
    container.ports = shape.ports;
    container.readinessProbe = tcpProbe(0, 10);
  }
  container.resources = {
    limits: { 'cpu': '500m', 'ephemeral-storage': '256Mi', 'memory': '256Mi' },
    requests: { 'cpu': '100m', 'ephemeral-storage': '64Mi', 'memory': '128Mi' },
  };
  container.securityContext = {
    allowPrivilegeEscalation: false,
    capabilities: { drop: ['ALL'] },
    privileged: false,
    readOnlyRootFilesystem: true,
    runAsGroup: 10001,
    runAsNonRoot: true,
    runAsUser: 10001,
  };
  container.volumeMounts = [{ mountPath: '/tmp', name: 'rw-tmp' }, ...(shape.claimMounts ?? [])];
  spec.automountServiceAccountToken = false;
  spec.containers = [container];
  spec.enableServiceLinks = false;
  if (shape.restartPolicy) spec.restartPolicy = shape.restartPolicy;
  spec.securityContext = {
    fsGroup: 10001,
    ...(shape.claimMounts ? { fsGroupChangePolicy: 'OnRootMismatch' } : {}),
    runAsGroup: 10001, runAsNonRoot: true, runAsUser: 10001, seccompProfile: { type: 'RuntimeDefault' },
  };
  spec.serviceAccountName = name;
  if (shape.spread) {
    spec.topologySpreadConstraints = [
      { labelSelector: { matchLabels: selector(name) }, maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'ScheduleAnyway' },
      { labelSelector: { matchLabels: selector(name) }, maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway' },
    ];
  }
  spec.volumes = [{ emptyDir: { sizeLimit: '64Mi' }, name: 'rw-tmp' }];
  return { metadata: { labels: labels(name, ns) }, spec };
}

export const httpPorts = (): any[] => [{ containerPort: APP_PORT, name: 'http', protocol: 'TCP' }];
export const httpServicePorts = (): any[] => [{ name: 'http', port: APP_PORT, protocol: 'TCP', targetPort: 'http' }];

/** Ingress from unit i-1 (the allowFrom chain). */
export const chainIngress = (i: number): any[] => hasPrev(i)
  ? [{ from: [{ podSelector: { matchLabels: selector(appName(i - 1)) } }], ports: [{ port: APP_PORT, protocol: 'TCP' }] }]
  : [];
/** DNS egress, then egress to unit i+1 (the allowFrom chain). */
export const chainEgress = (i: number, n: number): any[] => hasNext(i, n)
  ? [dnsEgress(), { ports: [{ port: APP_PORT, protocol: 'TCP' }], to: [{ podSelector: { matchLabels: selector(appName(i + 1)) } }] }]
  : [dnsEgress()];

export const serviceAccount = (name: string, ns: string): any => ({
  apiVersion: 'v1', kind: 'ServiceAccount', metadata: meta(name, ns), automountServiceAccountToken: false,
});
export const service = (name: string, ns: string, ports: any[]): any => ({
  apiVersion: 'v1', kind: 'Service', metadata: meta(name, ns), spec: { ports, selector: selector(name), type: 'ClusterIP' },
});
export const podDisruptionBudget = (name: string, ns: string): any => ({
  apiVersion: 'policy/v1',
  kind: 'PodDisruptionBudget',
  metadata: meta(name, ns),
  spec: { maxUnavailable: 1, selector: { matchLabels: selector(name) }, unhealthyPodEvictionPolicy: 'AlwaysAllow' },
});
export const networkPolicy = (name: string, ns: string, ingress: any[], egress: any[]): any => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  metadata: meta(name, ns),
  spec: { egress, ingress, podSelector: { matchLabels: selector(name) }, policyTypes: ['Ingress', 'Egress'] },
});

/**
 * The objects of app i of n, in namespace `ns`, in the order cdk8s-secure emits them; monitored
 * as the `app` workload says unless told, and with `firstIngress` before the chain's (an exposure).
 */
export function appObjects(i: number, n: number, ns: string, monitored = isMonitored(i), firstIngress: any[] = []): any[] {
  const name = appName(i);
  const containerPorts = httpPorts();
  const servicePorts = httpServicePorts();
  if (monitored) {
    containerPorts.push({ containerPort: METRICS_PORT, name: 'metrics', protocol: 'TCP' });
    servicePorts.push({ name: 'metrics', port: METRICS_PORT, protocol: 'TCP', targetPort: 'metrics' });
  }
  const ingress: any[] = [...firstIngress];
  if (monitored) {
    ingress.push({
      from: [{
        namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } },
        podSelector: { matchLabels: { 'app.kubernetes.io/name': 'prometheus' } },
      }],
      ports: [{ port: METRICS_PORT, protocol: 'TCP' }],
    });
  }
  ingress.push(...chainIngress(i));

  const objects: any[] = [
    serviceAccount(name, ns),
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: meta(name, ns),
      spec: {
        replicas: 2,
        revisionHistoryLimit: 5,
        selector: { matchLabels: selector(name) },
        strategy: { rollingUpdate: { maxSurge: 1, maxUnavailable: 0 }, type: 'RollingUpdate' },
        template: podTemplate(i, ns, { ports: containerPorts, spread: true }),
      },
    },
    service(name, ns, servicePorts),
    podDisruptionBudget(name, ns),
    networkPolicy(name, ns, ingress, chainEgress(i, n)),
  ];
  if (monitored) {
    const prefix = `App${i}`;
    const where = { namespace: ns };
    objects.push({
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'ServiceMonitor',
      metadata: { labels: monitorLabels(name, ns), name, namespace: ns },
      spec: {
        endpoints: [{ interval: '30s', path: '/metrics', port: 'metrics' }],
        namespaceSelector: { matchNames: [ns] },
        selector: { matchLabels: selector(name) },
      },
    }, {
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'PrometheusRule',
      metadata: { labels: monitorLabels(name, ns), name, namespace: ns },
      spec: {
        groups: [{
          name: `${ns}.${name}`,
          rules: [
            {
              alert: `${prefix}TargetDown`,
              annotations: {
                description: `Prometheus has failed to scrape {{ $labels.instance }} of ${ns}/${name}: the pod is down or its metrics endpoint does not answer.`,
                runbook_url: 'https://runbooks.prometheus-operator.dev/runbooks/general/targetdown',
                summary: `${name} in ${ns} cannot be scraped`,
              },
              expr: `up{namespace="${ns}", job="${name}"} == 0`,
              for: '5m',
              labels: { ...where, severity: 'critical' },
            },
            {
              alert: `${prefix}ReplicasUnavailable`,
              annotations: {
                description: `Deployment ${ns}/${name} has run with unavailable replicas for longer than expected.`,
                runbook_url: 'https://runbooks.prometheus-operator.dev/runbooks/kubernetes/kubedeploymentreplicasmismatch',
                summary: `${ns}/${name} has fewer available replicas than desired`,
              },
              expr: `kube_deployment_status_replicas_available{namespace="${ns}", deployment="${name}"} < kube_deployment_spec_replicas{namespace="${ns}", deployment="${name}"}`,
              for: '10m',
              labels: { ...where, severity: 'warning' },
            },
            {
              alert: `${prefix}CrashLooping`,
              annotations: {
                description: 'Container {{ $labels.container }} of pod {{ $labels.pod }} restarted more than 3 times in 15 minutes.',
                runbook_url: 'https://runbooks.prometheus-operator.dev/runbooks/kubernetes/kubepodcrashlooping',
                summary: `${ns}/${name} is restarting repeatedly`,
              },
              expr: `increase(kube_pod_container_status_restarts_total{namespace="${ns}", pod=~"${name}-[a-z0-9]+-[a-z0-9]+"}[15m]) > 3`,
              for: '5m',
              labels: { ...where, severity: 'warning' },
            },
          ],
        }],
      },
    });
  }
  return objects;
}

/** The objects an IsolatedNamespace with the bench quota emits, in order. */
export function namespaceObjects(ns: string): any[] {
  return [
    {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: {
        labels: {
          'pod-security.kubernetes.io/audit': 'restricted',
          'pod-security.kubernetes.io/audit-version': 'latest',
          'pod-security.kubernetes.io/enforce': 'restricted',
          'pod-security.kubernetes.io/enforce-version': 'v1.35',
          'pod-security.kubernetes.io/warn': 'restricted',
          'pod-security.kubernetes.io/warn-version': 'latest',
        },
        name: ns,
      },
    },
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'default-deny', namespace: ns },
      spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
    },
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'allow-dns', namespace: ns },
      spec: { egress: [dnsEgress()], podSelector: {}, policyTypes: ['Egress'] },
    },
    {
      apiVersion: 'v1',
      kind: 'ResourceQuota',
      metadata: { name: 'quota', namespace: ns },
      spec: {
        hard: {
          'limits.cpu': '1000',
          'limits.ephemeral-storage': '1000Gi',
          'limits.memory': '1000Gi',
          'pods': '1000',
          'requests.cpu': '1000',
          'requests.ephemeral-storage': '1000Gi',
          'requests.memory': '1000Gi',
          'services.loadbalancers': '0',
          'services.nodeports': '0',
        },
      },
    },
    {
      apiVersion: 'v1',
      kind: 'LimitRange',
      metadata: { name: 'limits', namespace: ns },
      spec: {
        limits: [{
          default: { 'cpu': '500m', 'ephemeral-storage': '256Mi', 'memory': '256Mi' },
          defaultRequest: { 'cpu': '100m', 'ephemeral-storage': '64Mi', 'memory': '128Mi' },
          max: { 'cpu': '2', 'ephemeral-storage': '2Gi', 'memory': '4Gi' },
          type: 'Container',
        }],
      },
    },
    {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: 'default', namespace: ns },
      automountServiceAccountToken: false,
    },
  ];
}

/** One output file (a chart, as cdk8s names it) and its documents. */
export interface ManifestFile {
  readonly file: string;
  readonly docs: any[];
}

/** The objects of unit i of n of `workload`. */
export function unitObjects(workload: Workload, i: number, n: number, ns: string): any[] {
  return workload === 'app' ? appObjects(i, n, ns) : kindObjects(workload, i, n, ns);
}

/**
 * Calls `emit` once per output file, in cdk8s' order, building each file's objects just before:
 * like cdk8s, which renders a chart's objects and then writes its file.
 */
export function forEachFile(layout: Layout, n: number, emit: (f: ManifestFile) => void, workload: Workload = 'app'): void {
  if (layout === 'C') {
    for (let i = 0; i < n; i++) emit({ file: `${appName(i)}.k8s.yaml`, docs: unitObjects(workload, i, n, ONE_CHART_NAMESPACE) });
    return;
  }
  if (layout === 'A') {
    const docs: any[] = [];
    for (let i = 0; i < n; i++) docs.push(...unitObjects(workload, i, n, ONE_CHART_NAMESPACE));
    emit({ file: `${ONE_CHART_ID}.k8s.yaml`, docs });
    return;
  }
  for (let start = 0; start < n; start += GROUP) {
    const ns = namespaceOf(start);
    const docs = namespaceObjects(ns);
    for (let i = start; i < Math.min(start + GROUP, n); i++) docs.push(...unitObjects(workload, i, n, ns));
    emit({ file: `${ns}.k8s.yaml`, docs });
  }
}
