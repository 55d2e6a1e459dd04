import { App, Chart, Testing } from 'cdk8s';
import { ClusterSettings, CLUSTER_SETTINGS_DEFAULTS, IsolatedNamespace, MonitoredService, SecureApp, SecureConfigError } from '../src';

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

describe('one rule for every reader: apply is refused once a construct in the tree has read the settings', () => {
  const image = 'nginx:1.27';

  test('a SecureApp reads at synth, so an apply after it still counts, in its checks as in the namespace labels', () => {
    const app = Testing.app();
    const plain = new SecureApp(new Chart(app, 'c', { namespace: 'shop' }), 'web', { image, port: 8080 });
    const nsChart = new Chart(app, 'n');
    const ns = new IsolatedNamespace(nsChart, 'team');
    const inNs = new SecureApp(ns, 'api', { image, port: 8080 });
    expect(() => ClusterSettings.apply(app, { kubernetesVersion: '1.36' })).not.toThrow();
    // Judged against the version applied after the apps were built, not a copy taken when they were.
    expect(plain.placement.podSecurityVersions).toEqual(['v1.36', 'latest']);
    expect(inNs.placement.podSecurityVersions).toEqual(['v1.36', 'latest']);
    const labels = Testing.synth(nsChart).find((o: any) => o.kind === 'Namespace').metadata.labels;
    expect(labels['pod-security.kubernetes.io/enforce-version']).toBe('v1.36');
  });

  test('after a synth, apply is refused naming the first reader and that it read at synth', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'c', { namespace: 'shop' });
    new SecureApp(chart, 'web', { image, port: 8080 });
    new SecureApp(chart, 'api', { image, port: 8080 });
    Testing.synth(chart);
    expect(() => ClusterSettings.apply(app, { dnsNamespace: 'dns' })).toThrow(SecureConfigError);
    expect(() => ClusterSettings.apply(app, { dnsNamespace: 'dns' })).toThrow(
      '[App] ClusterSettings.apply() came after c/web had already read the settings (at synth), so it would be built with the old ones. Fix: call ClusterSettings.apply(app, …) right after `new App()`, before defining constructs.');
  });

  test('a MonitoredService reads while it is built (prometheusInMesh decides its objects), and the error says so', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'c', { namespace: 'shop' });
    new SecureApp(chart, 'web', { image, port: 8080 });
    new MonitoredService(chart, 'api', { image, port: 8080, metrics: { port: 9090 } });
    expect(() => ClusterSettings.apply(app, { prometheusInMesh: true })).toThrow(
      '[App] ClusterSettings.apply() came after c/api had already read the settings (while it was built), so it would be built with the old ones. Fix: call ClusterSettings.apply(app, …) right after `new App()`, before defining constructs.');
    expect(ClusterSettings.of(app).prometheusInMesh).toBe(false);
  });

  test('ClusterSettings.of, for code outside a construct, records no reader', () => {
    const app = Testing.app();
    expect(ClusterSettings.of(app).dnsNamespace).toBe('kube-system');
    ClusterSettings.apply(app, { dnsNamespace: 'dns' });
    expect(ClusterSettings.of(app).dnsNamespace).toBe('dns');
  });
});
