// The bench workload hand-written with cdk8s-plus-27 L2 constructs, as close as kplus allows to
// what cdk8s-secure emits (same kinds, same fields where kplus has them; escape hatches where it
// has not). What differs is listed in bench/README.md.
import { ApiObject, App, Chart, Duration, JsonPatch, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import {
  appImage, appName, APP_PORT, GROUP, hasPrev, isMonitored, Layout, METRICS_PORT, namespaceOf, ONE_CHART_ID,
  ONE_CHART_NAMESPACE, QUOTA,
} from './common';

const labelsOf = (name: string, ns: string) => ({
  'app.kubernetes.io/instance': name,
  'app.kubernetes.io/managed-by': 'cdk8s-plus-27',
  'app.kubernetes.io/name': name,
  'app.kubernetes.io/part-of': ns,
  'app.kubernetes.io/version': '1.0.0',
});

/** Per-chart shared peers: the cluster DNS pods and the Prometheus pods. */
interface ChartPeers {
  readonly chart: Chart;
  readonly ns: string;
  readonly dns: kplus.Pods;
  readonly prometheus: kplus.Pods;
}

function peers(chart: Chart, ns: string): ChartPeers {
  return {
    chart,
    ns,
    dns: kplus.Pods.select(chart, 'KubeDns', {
      labels: { 'k8s-app': 'kube-dns' },
      namespaces: kplus.Namespaces.select(chart, 'KubeSystem', { names: ['kube-system'] }),
    }),
    prometheus: kplus.Pods.select(chart, 'Prometheus', {
      labels: { 'app.kubernetes.io/name': 'prometheus' },
      namespaces: kplus.Namespaces.select(chart, 'Monitoring', { names: ['monitoring'] }),
    }),
  };
}

/** Layout B: the namespace objects IsolatedNamespace emits, with kplus where it has a construct. */
function isolatedNamespace(chart: Chart, ns: string, p: ChartPeers): void {
  const psa = 'pod-security.kubernetes.io';
  const namespace = new kplus.Namespace(chart, 'Namespace', {
    metadata: {
      name: ns,
      labels: {
        [`${psa}/enforce`]: 'restricted', [`${psa}/enforce-version`]: 'v1.35',
        [`${psa}/audit`]: 'restricted', [`${psa}/audit-version`]: 'latest',
        [`${psa}/warn`]: 'restricted', [`${psa}/warn-version`]: 'latest',
      },
    },
  });
  // Namespaces are cluster-scoped: drop the chart's namespace (cdk8s adds it to every object).
  ApiObject.of(namespace).addJsonPatch(JsonPatch.remove('/metadata/namespace'));
  const all = kplus.Pods.all(chart, 'AllPods');
  new kplus.NetworkPolicy(chart, 'DefaultDeny', {
    metadata: { name: 'default-deny' },
    selector: all,
    ingress: { default: kplus.NetworkPolicyTrafficDefault.DENY },
    egress: { default: kplus.NetworkPolicyTrafficDefault.DENY },
  });
  new kplus.NetworkPolicy(chart, 'AllowDns', {
    metadata: { name: 'allow-dns' },
    selector: all,
    egress: { rules: [{ peer: p.dns, ports: [kplus.NetworkPolicyPort.udp(53), kplus.NetworkPolicyPort.tcp(53)] }] },
  });
  new ApiObject(chart, 'ResourceQuota', {
    apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: 'quota' },
    spec: { hard: { ...QUOTA, 'services.loadbalancers': '0', 'services.nodeports': '0' } },
  });
  new ApiObject(chart, 'LimitRange', {
    apiVersion: 'v1', kind: 'LimitRange', metadata: { name: 'limits' },
    spec: {
      limits: [{
        type: 'Container',
        default: { 'cpu': '500m', 'memory': '256Mi', 'ephemeral-storage': '256Mi' },
        defaultRequest: { 'cpu': '100m', 'memory': '128Mi', 'ephemeral-storage': '64Mi' },
        max: { 'cpu': '2', 'memory': '4Gi', 'ephemeral-storage': '2Gi' },
      }],
    },
  });
  new kplus.ServiceAccount(chart, 'DefaultServiceAccount', { metadata: { name: 'default' }, automountToken: false });
}

interface KApp {
  readonly deployment: kplus.Deployment;
  readonly policy: kplus.NetworkPolicy;
}

function defineApp(p: ChartPeers, i: number): KApp {
  const { chart, ns } = p;
  const name = appName(i);
  const labels = labelsOf(name, ns);
  const monitored = isMonitored(i);
  const id = name;
  const serviceAccount = new kplus.ServiceAccount(chart, `${id}-sa`, { metadata: { name, labels }, automountToken: false });
  const tmp = kplus.Volume.fromEmptyDir(chart, `${id}-tmp`, 'rw-tmp', { sizeLimit: Size.mebibytes(64) });
  const probe = (initialDelaySeconds: number, periodSeconds: number) => kplus.Probe.fromTcpSocket({
    port: APP_PORT, failureThreshold: 3, timeoutSeconds: Duration.seconds(2),
    initialDelaySeconds: Duration.seconds(initialDelaySeconds), periodSeconds: Duration.seconds(periodSeconds),
  });
  const deployment = new kplus.Deployment(chart, id, {
    metadata: { name, labels },
    replicas: 2,
    strategy: kplus.DeploymentStrategy.rollingUpdate({ maxSurge: kplus.PercentOrAbsolute.absolute(1), maxUnavailable: kplus.PercentOrAbsolute.absolute(0) }),
    serviceAccount,
    automountServiceAccountToken: false,
    securityContext: { ensureNonRoot: true, user: 10001, group: 10001, fsGroup: 10001 },
    volumes: [tmp],
    containers: [{
      name: 'app',
      image: appImage(i),
      imagePullPolicy: kplus.ImagePullPolicy.ALWAYS,
      ports: [
        { number: APP_PORT, name: 'http' },
        ...(monitored ? [{ number: METRICS_PORT, name: 'metrics' }] : []),
      ],
      securityContext: {
        ensureNonRoot: true, user: 10001, group: 10001, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false,
        privileged: false,
        // kplus' Capability enum has only CAP_-prefixed names; Pod Security wants "ALL".
        capabilities: { drop: ['ALL' as kplus.Capability] },
      },
      resources: {
        cpu: { request: kplus.Cpu.millis(100), limit: kplus.Cpu.millis(500) },
        memory: { request: Size.mebibytes(128), limit: Size.mebibytes(256) },
      },
      readiness: probe(0, 10),
      volumeMounts: [{ path: '/tmp', volume: tmp }],
    }],
  });
  for (const [k, v] of Object.entries(labels)) deployment.podMetadata.addLabel(k, v);
  // Preferred anti-affinity on the hostname (`scheduling.spread` writes a preferred podAntiAffinity).
  deployment.scheduling.spread({ topology: kplus.Topology.HOSTNAME, weight: 100 });
  // What kplus 27 cannot express: escape hatch patches on the Deployment's ApiObject.
  const selector = { 'app.kubernetes.io/instance': name };
  ApiObject.of(deployment).addJsonPatch(
    JsonPatch.add('/spec/revisionHistoryLimit', 5),
    // kplus renders ephemeral storage in whole Gi only ('256 mebibytes' cannot be converted). The
    // patch lands before the generated k8s mapper, which reads Quantity objects ({ value }).
    JsonPatch.add('/spec/template/spec/containers/0/resources/limits/ephemeral-storage', { value: '256Mi' }),
    JsonPatch.add('/spec/template/spec/containers/0/resources/requests/ephemeral-storage', { value: '64Mi' }),
    JsonPatch.add('/spec/template/spec/enableServiceLinks', false),
    JsonPatch.add('/spec/template/spec/securityContext/seccompProfile', { type: 'RuntimeDefault' }),
    JsonPatch.add('/spec/template/spec/topologySpreadConstraints', [
      { labelSelector: { matchLabels: selector }, maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'ScheduleAnyway' },
      { labelSelector: { matchLabels: selector }, maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway' },
    ]),
  );
  new kplus.Service(chart, `${id}-svc`, {
    metadata: { name, labels },
    selector: deployment,
    ports: [
      { name: 'http', port: APP_PORT, targetPort: APP_PORT },
      ...(monitored ? [{ name: 'metrics', port: METRICS_PORT, targetPort: METRICS_PORT }] : []),
    ],
  });
  // kplus 27 has no PodDisruptionBudget construct.
  new ApiObject(chart, `${id}-pdb`, {
    apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name, labels },
    spec: { maxUnavailable: 1, selector: { matchLabels: selector }, unhealthyPodEvictionPolicy: 'AlwaysAllow' },
  });
  // One policy per app, like ours: both directions isolated, DNS egress, declared holes.
  const policy = new kplus.NetworkPolicy(chart, `${id}-np`, {
    metadata: { name, labels },
    selector: deployment,
    ingress: { default: kplus.NetworkPolicyTrafficDefault.DENY },
    egress: { default: kplus.NetworkPolicyTrafficDefault.DENY },
  });
  policy.addEgressRule(p.dns, [kplus.NetworkPolicyPort.udp(53), kplus.NetworkPolicyPort.tcp(53)]);
  if (monitored) {
    policy.addIngressRule(p.prometheus, [kplus.NetworkPolicyPort.tcp(METRICS_PORT)]);
    const metadata = { name, labels: { ...labels, release: 'kube-prometheus-stack' } };
    new ApiObject(chart, `${id}-sm`, {
      apiVersion: 'monitoring.coreos.com/v1', kind: 'ServiceMonitor', metadata,
      spec: {
        selector: { matchLabels: { 'app.kubernetes.io/instance': name } },
        namespaceSelector: { matchNames: [ns] },
        endpoints: [{ port: 'metrics', path: '/metrics', interval: '30s' }],
      },
    });
    new ApiObject(chart, `${id}-rules`, {
      apiVersion: 'monitoring.coreos.com/v1', kind: 'PrometheusRule', metadata,
      spec: { groups: [{ name: `${ns}.${name}`, rules: alertRules(i, ns, name) }] },
    });
  }
  return { deployment, policy };
}

/** The three default alerts ours writes, as a user would copy them. */
function alertRules(i: number, ns: string, name: string): any[] {
  const runbooks = 'https://runbooks.prometheus-operator.dev/runbooks';
  return [
    {
      alert: `App${i}TargetDown`, expr: `up{namespace="${ns}", job="${name}"} == 0`, for: '5m',
      labels: { severity: 'critical', namespace: ns },
      annotations: {
        summary: `${name} in ${ns} cannot be scraped`,
        description: `Prometheus has failed to scrape {{ $labels.instance }} of ${ns}/${name}: the pod is down or its metrics endpoint does not answer.`,
        runbook_url: `${runbooks}/general/targetdown`,
      },
    },
    {
      alert: `App${i}ReplicasUnavailable`,
      expr: `kube_deployment_status_replicas_available{namespace="${ns}", deployment="${name}"} < kube_deployment_spec_replicas{namespace="${ns}", deployment="${name}"}`,
      for: '10m', labels: { severity: 'warning', namespace: ns },
      annotations: {
        summary: `${ns}/${name} has fewer available replicas than desired`,
        description: `Deployment ${ns}/${name} has run with unavailable replicas for longer than expected.`,
        runbook_url: `${runbooks}/kubernetes/kubedeploymentreplicasmismatch`,
      },
    },
    {
      alert: `App${i}CrashLooping`,
      expr: `increase(kube_pod_container_status_restarts_total{namespace="${ns}", pod=~"${name}-[a-z0-9]+-[a-z0-9]+"}[15m]) > 3`,
      for: '5m', labels: { severity: 'warning', namespace: ns },
      annotations: {
        summary: `${ns}/${name} is restarting repeatedly`,
        description: 'Container {{ $labels.container }} of pod {{ $labels.pod }} restarted more than 3 times in 15 minutes.',
        runbook_url: `${runbooks}/kubernetes/kubepodcrashlooping`,
      },
    },
  ];
}

/** Defines the workload in `app`: layout A one Chart, B one Chart per namespace of 10 apps, C one Chart per app. */
export function defineKplus(app: App, layout: Layout, n: number): void {
  let p: ChartPeers | undefined = layout === 'A'
    ? peers(new Chart(app, ONE_CHART_ID, { namespace: ONE_CHART_NAMESPACE }), ONE_CHART_NAMESPACE)
    : undefined;
  let prev: KApp | undefined;
  for (let i = 0; i < n; i++) {
    if (layout === 'B' && i % GROUP === 0) {
      const ns = namespaceOf(i);
      p = peers(new Chart(app, ns, { namespace: ns }), ns);
      isolatedNamespace(p.chart, ns, p);
    }
    if (layout === 'C') p = peers(new Chart(app, appName(i), { namespace: ONE_CHART_NAMESPACE }), ONE_CHART_NAMESPACE);
    const a = defineApp(p!, i);
    if (hasPrev(i)) {
      // prev → a on the app port: egress on prev's policy, ingress on a's.
      a.policy.addIngressRule(prev!.deployment, [kplus.NetworkPolicyPort.tcp(APP_PORT)]);
      prev!.policy.addEgressRule(a.deployment, [kplus.NetworkPolicyPort.tcp(APP_PORT)]);
    }
    prev = a;
  }
}
