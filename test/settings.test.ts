import { App, Chart } from 'cdk8s';
import { ClusterSettings, CLUSTER_SETTINGS_DEFAULTS, MonitoredService } from '../src';

describe('ClusterSettings.apply refuses what would break every policy built from it', () => {
  const cases: Array<[string, any, RegExp]> = [
    ['namespace with capitals', { prometheusNamespace: 'Monitoring' }, /\[App\] ClusterSettings prometheusNamespace "Monitoring" is not a valid DNS-1123 label\. Fix: .*"monitoring"/],
    ['bad pod label value', { istiodPodLabels: { app: 'istio d' } }, /ClusterSettings istiodPodLabels .*istio d/],
    ['empty pod labels', { dnsPodLabels: {} }, /ClusterSettings dnsPodLabels is empty, which selects every pod \(or monitor\)\. Fix: /],
    ['empty monitor selector', { monitorSelectorLabels: {} }, /ClusterSettings monitorSelectorLabels is empty/],
    ['bad trust domain', { trustDomain: 'Cluster Local' }, /ClusterSettings trustDomain "Cluster Local" is not a valid DNS-1123 subdomain/],
    ['bad service account', { prometheusServiceAccount: 'prom_sa' }, /ClusterSettings prometheusServiceAccount "prom_sa" is not a valid DNS-1123 subdomain/],
    ['runbook base not a URL', { runbookBaseUrl: 'wiki/runbooks' }, /ClusterSettings runbookBaseUrl "wiki\/runbooks" is not an http\(s\) URL\. Fix: /],
  ];
  test.each(cases)('%s', (_name, props, error) => {
    const app = new App();
    expect(() => ClusterSettings.apply(app, props)).toThrow(error);
    // Nothing half-applied: the defaults are still in force.
    expect(ClusterSettings.of(app)).toEqual(CLUSTER_SETTINGS_DEFAULTS);
  });

  test('good settings are merged over the defaults, which stay untouched', () => {
    const app = new App();
    ClusterSettings.apply(app, { dnsNamespace: 'dns-system', dnsPodLabels: { app: 'coredns' }, runbookBaseUrl: 'https://wiki.acme.dev/runbooks' });
    expect(ClusterSettings.of(app)).toMatchObject({ dnsNamespace: 'dns-system', dnsPodLabels: { app: 'coredns' }, istiodNamespace: 'istio-system' });
    expect(CLUSTER_SETTINGS_DEFAULTS.dnsNamespace).toBe('kube-system');
    expect(Object.isFrozen(CLUSTER_SETTINGS_DEFAULTS.dnsPodLabels)).toBe(true);
  });
});

describe('a failed construction leaves no settings state behind', () => {
  test('ClusterSettings.apply after a MonitoredService that failed to build is allowed', () => {
    const app = new App();
    const chart = new Chart(app, 'c', { namespace: 'shop' });
    // metrics is missing: the construction fails before anything is created.
    expect(() => new MonitoredService(chart, 'broken', { image: 'nginx:1.27', port: 8080 } as any)).toThrow(/metrics is missing/);
    expect(chart.node.tryFindChild('broken')).toBeUndefined();
    expect(() => ClusterSettings.apply(app, { prometheusNamespace: 'observability' })).not.toThrow();
    expect(ClusterSettings.of(app).prometheusNamespace).toBe('observability');
  });

  test('a construct that did read the settings still makes a later apply an error, naming it', () => {
    const app = new App();
    const chart = new Chart(app, 'c', { namespace: 'shop' });
    expect(() => new MonitoredService(chart, 'broken', { image: 'nginx:1.27', port: 8080 } as any)).toThrow();
    new MonitoredService(chart, 'api', { image: 'nginx:1.27', port: 8080, metrics: { port: 9090 } });
    expect(() => ClusterSettings.apply(app, { prometheusNamespace: 'observability' }))
      .toThrow(/ClusterSettings\.apply\(\) came after c\/api had already read the settings/);
  });
});
