import { Chart, Testing } from 'cdk8s';
import { ClusterSettings, IsolatedNamespace, Mesh, MonitoredService, MonitoredServiceProps, MtlsMode, Protocol, SecureApp, SecureConfigError } from '../src';
import * as alerts from '../src/render/monitoring/alerts';
import { all, newChart, one, synthApp } from './support/synth';

const IMAGE = 'ghcr.io/acme/api:3.1.0';
const SELECTOR = { 'app.kubernetes.io/instance': 'api' };

function monitored(extra: Partial<MonitoredServiceProps> = {}, mesh?: Mesh) {
  const { app, chart } = newChart();
  const ns = new IsolatedNamespace(chart, 'shop', { mesh });
  const api = new MonitoredService(ns, 'api', { name: 'api', image: IMAGE, port: 8080, metrics: { port: 9090 }, ...extra });
  return { app, chart, ns, api, synth: () => synthApp(app) };
}

describe('scraping', () => {
  const out = monitored().synth();

  test('the Service has a named metrics port next to the app port', () => {
    expect(one(out, 'Service', 'api').spec.ports).toEqual([
      { name: 'http', port: 8080, targetPort: 'http', protocol: 'TCP' },
      { name: 'metrics', port: 9090, targetPort: 'metrics', protocol: 'TCP' },
    ]);
  });

  test('the ServiceMonitor selects exactly that Service and names its metrics port', () => {
    const sm = one(out, 'ServiceMonitor', 'api');
    const svc = one(out, 'Service', 'api');
    expect(sm.apiVersion).toBe('monitoring.coreos.com/v1');
    expect(sm.metadata.namespace).toBe('shop');
    expect(sm.metadata.labels.release).toBe('kube-prometheus-stack');
    expect(sm.spec.selector).toEqual({ matchLabels: SELECTOR });
    expect(sm.spec.namespaceSelector).toEqual({ matchNames: ['shop'] });
    expect(sm.spec.endpoints).toEqual([{ port: 'metrics', path: '/metrics', interval: '30s' }]);
    // the selector matches the Service's labels, and only this app's Service carries them
    for (const [k, v] of Object.entries(sm.spec.selector.matchLabels)) expect(svc.metadata.labels[k]).toBe(v);
    const matching = all(out, 'Service').filter((s) => Object.entries(sm.spec.selector.matchLabels).every(([k, v]) => s.metadata.labels?.[k] === v));
    expect(matching.map((s) => s.metadata.name)).toEqual(['api']);
    expect(svc.spec.ports.map((p: any) => p.name)).toContain(sm.spec.endpoints[0].port);
  });

  test('ingress to the metrics port only, and only from the Prometheus pods', () => {
    expect(one(out, 'NetworkPolicy', 'api').spec.ingress).toEqual([{
      from: [{
        namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } },
        podSelector: { matchLabels: { 'app.kubernetes.io/name': 'prometheus' } },
      }],
      ports: [{ protocol: 'TCP', port: 9090 }],
    }]);
  });

  test('path, interval, timeout, scheme; the main port can serve metrics', () => {
    const o = monitored({ port: 8080, metrics: { port: 8080, path: '/stats', interval: '1m', scrapeTimeout: '20s', scheme: 'https' } }).synth();
    expect(one(o, 'ServiceMonitor').spec.endpoints).toEqual([{ port: 'http', path: '/stats', interval: '1m', scrapeTimeout: '20s', scheme: 'https' }]);
    expect(one(o, 'Service').spec.ports).toHaveLength(1);
  });

  test('metrics on a named extra port', () => {
    const o = monitored({ ports: [{ name: 'admin', port: 9901 }], metrics: { portName: 'admin' } }).synth();
    expect(one(o, 'ServiceMonitor').spec.endpoints[0].port).toBe('admin');
    expect(one(o, 'NetworkPolicy', 'api').spec.ingress[0].ports).toEqual([{ protocol: 'TCP', port: 9901 }]);
  });

  test('PodMonitor: pods scraped directly, the metrics port stays off the Service', () => {
    const o = monitored({ metrics: { port: 9090, usePodMonitor: true } }).synth();
    expect(all(o, 'ServiceMonitor')).toHaveLength(0);
    const pm = one(o, 'PodMonitor', 'api');
    expect(pm.spec).toEqual({
      selector: { matchLabels: SELECTOR },
      namespaceSelector: { matchNames: ['shop'] },
      podMetricsEndpoints: [{ port: 'metrics', path: '/metrics', interval: '30s' }],
    });
    expect(one(o, 'Service').spec.ports.map((p: any) => p.name)).toEqual(['http']);
    expect(one(o, 'Deployment').spec.template.spec.containers[0].ports.map((p: any) => p.name)).toEqual(['http', 'metrics']);
  });

  test('the selector labels and Prometheus location are set once per app', () => {
    const { app, chart } = newChart();
    ClusterSettings.apply(app, {
      monitorSelectorLabels: { prometheus: 'platform' },
      prometheusNamespace: 'observability',
      prometheusPodLabels: { app: 'prometheus-server' },
    });
    new MonitoredService(chart, 'a', { name: 'a', image: IMAGE, metrics: { port: 9090 } });
    new MonitoredService(chart, 'b', { name: 'b', image: IMAGE, metrics: { port: 9090 } });
    const o = synthApp(app);
    expect(all(o, 'ServiceMonitor').map((sm) => sm.metadata.labels.prometheus)).toEqual(['platform', 'platform']);
    expect(all(o, 'PrometheusRule').map((r) => r.metadata.labels.prometheus)).toEqual(['platform', 'platform']);
    expect(one(o, 'NetworkPolicy', 'a').spec.ingress[0].from).toEqual([{
      namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'observability' } },
      podSelector: { matchLabels: { app: 'prometheus-server' } },
    }]);
  });

  test('settings applied after a monitored service read them are an error', () => {
    const { app, chart } = newChart();
    new MonitoredService(chart, 'a', { image: IMAGE, metrics: { port: 9090 } });
    expect(() => ClusterSettings.apply(app, { prometheusNamespace: 'x' })).toThrow(SecureConfigError);
    expect(() => ClusterSettings.apply(app, { prometheusNamespace: 'x' })).toThrow(/^\[App\] ClusterSettings\.apply\(\) came after test\/a had already read the settings.*Fix: call ClusterSettings\.apply\(app, …\) right after `new App\(\)`/);
  });
});

describe('scraping through STRICT mTLS', () => {
  test('sidecar: a port-level PERMISSIVE exception for the metrics port alone', () => {
    const out = monitored({}, Mesh.sidecar({ istioCni: true })).synth();
    const pa = all(out, 'PeerAuthentication').find((p) => p.metadata.name === 'api-metrics');
    expect(pa.spec).toEqual({ selector: { matchLabels: SELECTOR }, mtls: { mode: 'STRICT' }, portLevelMtls: { 9090: { mode: 'PERMISSIVE' } } });
    // the mesh lets any source reach that port; the NetworkPolicy limits it to Prometheus
    expect(one(out, 'AuthorizationPolicy', 'api').spec.rules).toEqual([{ to: [{ operation: { ports: ['9090'] } }] }]);
    expect(one(out, 'NetworkPolicy', 'api').spec.ingress).toHaveLength(1);
  });

  test('with Prometheus in the mesh: its principal, no exception', () => {
    const { app, chart } = newChart();
    ClusterSettings.apply(app, { prometheusInMesh: true, prometheusServiceAccount: 'prometheus-k8s' });
    new MonitoredService(new IsolatedNamespace(chart, 'shop', { mesh: Mesh.sidecar({ istioCni: true }) }), 'api', { name: 'api', image: IMAGE, port: 8080, metrics: { port: 9090 } });
    const out = synthApp(app);
    expect(all(out, 'PeerAuthentication').map((p) => p.metadata.name)).toEqual(['default']);
    expect(one(out, 'AuthorizationPolicy').spec.rules).toEqual([
      { from: [{ source: { principals: ['cluster.local/ns/monitoring/sa/prometheus-k8s'] } }], to: [{ operation: { ports: ['9090'] } }] },
    ]);
  });

  test('PERMISSIVE namespaces need no exception', () => {
    const out = monitored({}, Mesh.sidecar({ istioCni: true, mtls: MtlsMode.PERMISSIVE })).synth();
    expect(all(out, 'PeerAuthentication').map((p) => p.metadata.name)).toEqual(['default']);
  });

  test('metrics on the main port under STRICT would expose the app: refused', () => {
    expect(() => monitored({ metrics: { port: 8080 } }, Mesh.sidecar({ istioCni: true })))
      .toThrow(/\[test\/shop\/api\] metrics are served on the app's main port 8080, and STRICT mTLS would need a plain-text exception.*Fix: serve metrics on a separate port/);
  });

  test('the exception compares port numbers whatever the protocol: metrics as UDP on the main port number is refused', () => {
    expect(() => monitored({ ports: [{ name: 'metrics', port: 8080, protocol: Protocol.UDP }], metrics: { portName: 'metrics' } }, Mesh.sidecar({ istioCni: true })))
      .toThrow('[test/shop/api] metrics port 8080 is also port "http" (the main port) of the app, whatever its protocol; STRICT mTLS would need a plain-text exception for port 8080, exposing that port to any source. Fix: serve metrics on a port number nothing else uses');
  });

  test('the exception is refused on a port another declared port serves, not only the main one', () => {
    expect(() => monitored({ ports: [{ name: 'dns', port: 9090, protocol: Protocol.UDP }, { name: 'metrics', port: 9090 }], metrics: { portName: 'metrics' } }, Mesh.sidecar({ istioCni: true })))
      .toThrow('metrics port 9090 is also port "dns" of the app, whatever its protocol');
    // Without STRICT there is no exception, so sharing the number is fine.
    expect(() => monitored({ ports: [{ name: 'dns', port: 9090, protocol: Protocol.UDP }, { name: 'metrics', port: 9090 }], metrics: { portName: 'metrics' } }, Mesh.sidecar({ istioCni: true, mtls: MtlsMode.PERMISSIVE })))
      .not.toThrow();
  });

  test('ambient STRICT with Prometheus outside the mesh is refused with the fix', () => {
    expect(() => monitored({}, Mesh.ambient())).toThrow(/ambient mode with STRICT mTLS and Prometheus is not in the mesh.*Fix: enrol the Prometheus namespace in the mesh/);
  });
});

describe('alerts', () => {
  const rulesOf = (out: any[]) => one(out, 'PrometheusRule').spec.groups[0].rules;

  test('default alerts: target down, unavailable replicas, crash looping', () => {
    const out = monitored().synth();
    const rule = one(out, 'PrometheusRule', 'api');
    expect(rule.apiVersion).toBe('monitoring.coreos.com/v1');
    expect(rule.metadata.labels.release).toBe('kube-prometheus-stack');
    expect(rule.spec.groups[0].name).toBe('shop.api');
    expect(rulesOf(out)).toEqual([
      {
        alert: 'ApiTargetDown', expr: 'up{namespace="shop", job="api"} == 0', for: '5m',
        labels: { severity: 'critical', namespace: 'shop' },
        annotations: {
          summary: 'api in shop cannot be scraped',
          description: expect.stringContaining('shop/api'),
          runbook_url: 'https://runbooks.prometheus-operator.dev/runbooks/general/targetdown',
        },
      },
      {
        alert: 'ApiReplicasUnavailable',
        expr: 'kube_deployment_status_replicas_available{namespace="shop", deployment="api"} < kube_deployment_spec_replicas{namespace="shop", deployment="api"}',
        for: '10m', labels: { severity: 'warning', namespace: 'shop' },
        annotations: expect.objectContaining({ runbook_url: 'https://runbooks.prometheus-operator.dev/runbooks/kubernetes/kubedeploymentreplicasmismatch' }),
      },
      {
        alert: 'ApiCrashLooping',
        expr: 'increase(kube_pod_container_status_restarts_total{namespace="shop", pod=~"api-[a-z0-9]+-[a-z0-9]+"}[15m]) > 3',
        for: '5m', labels: { severity: 'warning', namespace: 'shop' },
        annotations: expect.objectContaining({ runbook_url: 'https://runbooks.prometheus-operator.dev/runbooks/kubernetes/kubepodcrashlooping' }),
      },
    ]);
  });

  test('error-rate and latency alerts from named request metrics; thresholds, durations, severities, labels', () => {
    const { app, chart } = newChart();
    ClusterSettings.apply(app, { runbookBaseUrl: 'https://wiki.acme.dev/runbooks/' });
    new MonitoredService(new IsolatedNamespace(chart, 'shop'), 'checkout', {
      name: 'checkout', image: IMAGE, port: 8080, metrics: { port: 9090 },
      alerting: {
        labels: { team: 'payments' },
        requestMetrics: { totalCounter: 'http_requests_total', durationHistogram: 'http_request_duration_seconds', latencyQuantile: 0.95 },
        errorRate: { threshold: 0.01, for: '5m' },
        latency: { threshold: 0.25, severity: 'critical' },
        crashLooping: { enabled: false },
      },
    });
    const rules = rulesOf(synthApp(app));
    expect(rules.map((r: any) => r.alert)).toEqual(['CheckoutTargetDown', 'CheckoutReplicasUnavailable', 'CheckoutErrorRateHigh', 'CheckoutLatencyHigh']);
    const [down, , errors, latency] = rules;
    expect(down.annotations.runbook_url).toBe('https://wiki.acme.dev/runbooks/CheckoutTargetDown');
    expect(errors).toMatchObject({
      expr: 'sum(rate(http_requests_total{namespace="shop", job="checkout", code=~"5.."}[5m])) / sum(rate(http_requests_total{namespace="shop", job="checkout"}[5m])) > 0.01',
      for: '5m', labels: { severity: 'critical', namespace: 'shop', team: 'payments' },
    });
    expect(latency).toMatchObject({
      expr: 'histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket{namespace="shop", job="checkout"}[5m]))) > 0.25',
      for: '10m', labels: { severity: 'critical', team: 'payments' },
    });
  });

  test('alerting can be switched off', () => {
    expect(all(monitored({ alerting: { enabled: false } }).synth(), 'PrometheusRule')).toHaveLength(0);
  });

  test('the rules are built once per service, not once more just to validate', () => {
    const build = jest.spyOn(alerts, 'alertRules');
    try {
      monitored();
      expect(build).toHaveBeenCalledTimes(1);
    } finally {
      build.mockRestore();
    }
  });

  test('unavailableReplicas: tunable, and can be switched off alone', () => {
    const tuned = rulesOf(monitored({ alerting: { unavailableReplicas: { for: '30m', severity: 'critical', runbookUrl: 'https://x/r' } } }).synth());
    expect(tuned.find((r: any) => r.alert === 'ApiReplicasUnavailable')).toEqual({
      alert: 'ApiReplicasUnavailable',
      expr: 'kube_deployment_status_replicas_available{namespace="shop", deployment="api"} < kube_deployment_spec_replicas{namespace="shop", deployment="api"}',
      for: '30m', labels: { severity: 'critical', namespace: 'shop' },
      annotations: {
        summary: 'shop/api has fewer available replicas than desired',
        description: 'Deployment shop/api has run with unavailable replicas for longer than expected.',
        runbook_url: 'https://x/r',
      },
    });
    const off = rulesOf(monitored({ alerting: { unavailableReplicas: { enabled: false } } }).synth());
    expect(off.map((r: any) => r.alert)).toEqual(['ApiTargetDown', 'ApiCrashLooping']);
  });

  test('crashLooping.threshold sets the restart count', () => {
    const crash = rulesOf(monitored({ alerting: { crashLooping: { threshold: 10 } } }).synth()).find((r: any) => r.alert === 'ApiCrashLooping');
    expect(crash.expr).toBe('increase(kube_pod_container_status_restarts_total{namespace="shop", pod=~"api-[a-z0-9]+-[a-z0-9]+"}[15m]) > 10');
    expect(crash.annotations.description).toContain('restarted more than 10 times in 15 minutes');
  });

  test('latency can be switched off with a histogram named; custom errorMatchers select the failures', () => {
    const rules = rulesOf(monitored({
      alerting: {
        requestMetrics: { totalCounter: 'rpc_total', errorMatchers: 'status="error", method!="health"', durationHistogram: 'rpc_seconds' },
        errorRate: { runbookUrl: 'https://x/e' },
        latency: { enabled: false },
      },
    }).synth());
    expect(rules.map((r: any) => r.alert)).toEqual(['ApiTargetDown', 'ApiReplicasUnavailable', 'ApiCrashLooping', 'ApiErrorRateHigh']);
    expect(rules[3].expr).toBe('sum(rate(rpc_total{namespace="shop", job="api", status="error", method!="health"}[5m])) / sum(rate(rpc_total{namespace="shop", job="api"}[5m])) > 0.05');
  });
});

describe('handles', () => {
  test('each handle is the object emitted', () => {
    const { chart } = newChart();
    const shop = new IsolatedNamespace(chart, 'shop', { mesh: Mesh.sidecar({ istioCni: true }) });
    const api = new MonitoredService(shop, 'api', { name: 'api', image: IMAGE, port: 8080, metrics: { port: 9090 }, dashboard: true });
    const pods = new MonitoredService(shop, 'worker', { name: 'worker', image: IMAGE, metrics: { port: 9090, usePodMonitor: true }, alerting: { enabled: false } });
    expect([api.serviceMonitor!, api.prometheusRule!, api.dashboard!, api.metricsPeerAuthentication!, pods.podMonitor!].map((o) => `${o.kind}/${o.name}`))
      .toEqual(['ServiceMonitor/api', 'PrometheusRule/api', 'ConfigMap/api-dashboard', 'PeerAuthentication/api-metrics', 'PodMonitor/worker']);
    expect([api.podMonitor, pods.serviceMonitor, pods.prometheusRule, pods.dashboard]).toEqual([undefined, undefined, undefined, undefined]);
  });
});

describe('dashboard and discovery RBAC', () => {
  test('a Grafana dashboard ConfigMap with the golden signals', () => {
    const out = monitored({ dashboard: true, alerting: { requestMetrics: { totalCounter: 'http_requests_total', durationHistogram: 'http_request_duration_seconds' }, errorRate: { runbookUrl: 'https://x/e' }, latency: { runbookUrl: 'https://x/l' } } }).synth();
    const cm = one(out, 'ConfigMap', 'api-dashboard');
    expect(cm.metadata.labels.grafana_dashboard).toBe('1');
    const dashboard = JSON.parse(cm.data['api.json']);
    expect(dashboard.title).toBe('shop / api');
    expect(dashboard.panels.map((p: any) => p.title)).toEqual([
      'Traffic (requests/s)', 'Errors (ratio)', 'Latency (p99)', 'CPU (cores)', 'Memory (working set)', 'Targets up', 'Available replicas', 'Restarts (15m)',
    ]);
    expect(dashboard.panels[0].targets[0].expr).toBe('sum(rate(http_requests_total{namespace="shop", job="api"}[5m]))');
  });

  test('the dashboard charts exactly what the alerts fire on', () => {
    const alerting = { requestMetrics: { totalCounter: 'http_requests_total', durationHistogram: 'http_request_duration_seconds', errorMatchers: 'status="error"', latencyQuantile: 0.95 }, errorRate: { runbookUrl: 'https://x/e' }, latency: { runbookUrl: 'https://x/l' } };
    const out = monitored({ dashboard: true, alerting }).synth();
    const panels = JSON.parse(one(out, 'ConfigMap', 'api-dashboard').data['api.json']).panels;
    const panel = (title: string) => panels.find((p: any) => p.title === title).targets[0].expr;
    const rules = one(out, 'PrometheusRule', 'api').spec.groups[0].rules;
    const alert = (name: string) => rules.find((r: any) => r.alert === name).expr;
    expect(alert('ApiErrorRateHigh')).toBe(`${panel('Errors (ratio)')} > 0.05`);
    expect(alert('ApiLatencyHigh')).toBe(`${panel('Latency (p95)')} > 0.5`);
    expect(panel('Errors (ratio)')).toContain('status="error"');
  });

  test('discovery RBAC once per namespace across charts, so the charts do not conflict on apply', () => {
    const { app } = newChart();
    const a = new Chart(app, 'a', { namespace: 'shop' });
    const b = new Chart(app, 'b', { namespace: 'shop' });
    const c = new Chart(app, 'c', { namespace: 'office' });
    new MonitoredService(a, 'x', { image: IMAGE, metrics: { port: 9090 }, prometheusDiscoveryRbac: true });
    new MonitoredService(b, 'y', { image: IMAGE, metrics: { port: 9090 }, prometheusDiscoveryRbac: true });
    new MonitoredService(c, 'z', { image: IMAGE, metrics: { port: 9090 }, prometheusDiscoveryRbac: true });
    const out = synthApp(app);
    expect(all(out, 'Role').map((r) => `${r.metadata.namespace}/${r.metadata.name}`)).toEqual(['shop/prometheus-discovery', 'office/prometheus-discovery']);
    expect(all(out, 'RoleBinding').map((r) => `${r.metadata.namespace}/${r.metadata.name}`)).toEqual(['shop/prometheus-discovery', 'office/prometheus-discovery']);
    // another app starts afresh
    const other = newChart();
    new MonitoredService(new Chart(other.app, 'a', { namespace: 'shop' }), 'x', { image: IMAGE, metrics: { port: 9090 }, prometheusDiscoveryRbac: true });
    expect(all(synthApp(other.app), 'Role')).toHaveLength(1);
  });

  test('Role and RoleBinding for Prometheus discovery in this namespace, once', () => {
    const { app, chart } = newChart();
    const ns = new IsolatedNamespace(chart, 'shop');
    new MonitoredService(ns, 'a', { image: IMAGE, metrics: { port: 9090 }, prometheusDiscoveryRbac: true });
    new MonitoredService(ns, 'b', { image: IMAGE, metrics: { port: 9090 }, prometheusDiscoveryRbac: true });
    const out = synthApp(app);
    const role = one(out, 'Role', 'prometheus-discovery');
    expect(role.metadata.namespace).toBe('shop');
    expect(role.rules).toEqual([
      { apiGroups: [''], resources: ['services', 'endpoints', 'pods'], verbs: ['get', 'list', 'watch'] },
      { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: ['get', 'list', 'watch'] },
    ]);
    expect(one(out, 'RoleBinding', 'prometheus-discovery').subjects).toEqual([
      { kind: 'ServiceAccount', name: 'kube-prometheus-stack-prometheus', namespace: 'monitoring' },
    ]);
    expect(all(out, 'ClusterRoleBinding')).toHaveLength(0);
  });
});

describe('bad monitoring input', () => {
  const attempt = (props: Partial<MonitoredServiceProps>) => () => {
    const { chart } = newChart();
    new MonitoredService(new Chart(chart, 'c'), 'api', { image: IMAGE, port: 8080, metrics: { port: 9090 }, ...props } as MonitoredServiceProps);
  };
  test.each([
    ['scrapeTimeout > interval', { metrics: { port: 9090, interval: '15s', scrapeTimeout: '30s' } }, /metrics\.scrapeTimeout "30s" is longer than the interval "15s"/],
    ['malformed interval', { metrics: { port: 9090, interval: '30 seconds' } }, /metrics\.interval "30 seconds" is not a Prometheus duration/],
    ['malformed timeout', { metrics: { port: 9090, scrapeTimeout: '1m30' } }, /metrics\.scrapeTimeout "1m30" is not a Prometheus duration/],
    ['unknown metrics port name', { metrics: { portName: 'admin' } }, /metrics\.portName "admin" is not a port of this app \(http\)/],
    ['no metrics port', { metrics: {} }, /metrics needs a port/],
    ['port and name disagree', { metrics: { port: 8080, portName: 'metrics' } }, /metrics\.port 8080 is already declared as "http"/],
    ['bad alert duration', { alerting: { targetDown: { for: '5 minutes' } } }, /alerting\.targetDown\.for "5 minutes" is not a Prometheus duration/],
    ['error ratio above 1', { alerting: { requestMetrics: { totalCounter: 'http_requests_total' }, errorRate: { threshold: 5, runbookUrl: 'https://x' } } }, /alerting\.errorRate\.threshold 5 is out of range/],
    ['error-rate alert without metrics', { alerting: { errorRate: { enabled: true } } }, /need the request metrics/],
    ['custom alert without a runbook', { alerting: { requestMetrics: { totalCounter: 'http_requests_total' } } }, /alert ApiErrorRateHigh has no runbook\. Fix: set alerting\.errorRate\.runbookUrl, or runbookBaseUrl in ClusterSettings/],
    ['bad metric name', { alerting: { requestMetrics: { totalCounter: 'http-requests' }, errorRate: { runbookUrl: 'https://x' } } }, /totalCounter "http-requests" is not a metric name/],
    ['bad error matchers', { alerting: { requestMetrics: { totalCounter: 'x_total', errorMatchers: 'code=5xx' }, errorRate: { runbookUrl: 'https://x' } } }, /errorMatchers 'code=5xx' is not a list of label matchers/],
    ['threshold on targetDown', { alerting: { targetDown: { threshold: 2 } } }, /alerting\.targetDown\.threshold 2 has no effect: ApiTargetDown takes no threshold\. Fix: remove it; .*raise alerting\.targetDown\.for/],
    ['threshold on unavailableReplicas', { alerting: { unavailableReplicas: { threshold: 1 } } }, /alerting\.unavailableReplicas\.threshold 1 has no effect: ApiReplicasUnavailable takes no threshold\. Fix:/],
    ['severity in alerting.labels', { alerting: { labels: { severity: 'page' } } }, /alerting\.labels\.severity "page" would override the severity label the rules set themselves\. Fix: set alerting\.<alert>\.severity/],
    ['namespace in alerting.labels', { alerting: { labels: { namespace: 'ops' } } }, /alerting\.labels\.namespace "ops" would override.*Fix: drop it/],
    ['label key not a Prometheus name', { alerting: { labels: { 'acme.dev/team': 'pay' } } }, /alerting\.labels key "acme\.dev\/team" is not a Prometheus label name\. Fix: .*e\.g\. "acme_dev_team"/],
    ['empty label value', { alerting: { labels: { team: '' } } }, /alerting\.labels\.team "" is not a non-empty string.*Fix:/],
    ['latency without a histogram', { alerting: { requestMetrics: { totalCounter: 'x_total' }, errorRate: { runbookUrl: 'https://x' }, latency: { enabled: true } } }, /alerting\.latency needs a histogram\. Fix: set alerting\.requestMetrics\.durationHistogram/],
    ['latency quantile out of range', { alerting: { requestMetrics: { totalCounter: 'x_total', durationHistogram: 'x_seconds', latencyQuantile: 99 }, errorRate: { runbookUrl: 'https://x' }, latency: { runbookUrl: 'https://x' } } }, /alerting\.requestMetrics\.latencyQuantile 99 is not between 0 and 1 \(exclusive\)\. Fix: use a quantile such as 0\.99/],
    ['no metrics at all', { metrics: undefined }, /\[test\/c\/api\] metrics is missing\. Fix: set metrics: \{ port: <metrics container port> \}/],
    ['metrics port out of range', { metrics: { port: 90900 } }, /metrics\.port 90900 is outside 1-65535/],
    ['relative metrics path', { metrics: { port: 9090, path: 'metrics' } }, /metrics\.path "metrics" must start with '\/'\. Fix: e\.g\. "\/metrics"/],
    ['unknown scheme', { metrics: { port: 9090, scheme: 'grpc' } }, /metrics\.scheme "grpc" is not http or https\. Fix: /],
    ['request metrics for the dashboard, alerting off', { dashboard: true, alerting: { enabled: false, requestMetrics: { totalCounter: 'http-requests', latencyQuantile: 0 } } }, /2 problems:[^]*totalCounter "http-requests" is not a metric name[^]*latencyQuantile 0 is not between 0 and 1/],
  ])('%s', (_n, props, message) => {
    expect(attempt(props as any)).toThrow(message);
  });

  test('SecureApp\'s problems with the props come in the same error as the monitoring ones', () => {
    expect(attempt({ image: 'nginx', metrics: { port: 9090, interval: 'soon' } })).toThrow(/2 problems:[^]*image "nginx" has no tag[^]*metrics\.interval "soon"/);
    expect(attempt({ image: 'nginx:latest', metrics: undefined })).toThrow(/2 problems:[^]*image "nginx:latest" uses the mutable tag[^]*metrics is missing/);
  });

  test('errors name the construct path', () => {
    expect(attempt({ metrics: { port: 9090, interval: 'soon' } })).toThrow(/^\[test\/c\/api\]/);
  });

  test('a MonitoredService is a SecureApp peer like any other', () => {
    const { app, chart } = newChart();
    const api = new MonitoredService(chart, 'api', { name: 'api', image: IMAGE, port: 8080, metrics: { port: 9090 } });
    const web = new SecureApp(chart, 'web', { name: 'web', image: IMAGE, port: 80 });
    api.allowFrom(web);
    const ingress = Testing.synth(chart).find((m) => m.kind === 'NetworkPolicy' && m.metadata.name === 'api').spec.ingress;
    expect(ingress.map((r: any) => r.ports)).toEqual([[{ protocol: 'TCP', port: 9090 }], [{ protocol: 'TCP', port: 8080 }]]);
    void app;
  });
});
