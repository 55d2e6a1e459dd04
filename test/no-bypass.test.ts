import { IsolatedNamespace, Mesh, SecureApp } from '../src';
import { newChart, one, synthApp } from './support/synth';

const IMAGE = 'ghcr.io/acme/web:1.4.2';

describe('class 1: free-form maps cannot override what the library decides', () => {
  function meshedApp(props: Partial<ConstructorParameters<typeof SecureApp>[2]>) {
    const { chart } = newChart();
    const ns = new IsolatedNamespace(chart, 'shop', { mesh: Mesh.sidecar({ istioCni: true }) });
    return () => new SecureApp(ns, 'web', { image: IMAGE, port: 8080, ...props });
  }

  const refused: Array<[string, Partial<ConstructorParameters<typeof SecureApp>[2]>, string]> = [
    ['the selector label', { labels: { 'app.kubernetes.io/instance': 'api' } },
      'label key "app.kubernetes.io/instance" is reserved: the selectors of the Deployment, Service, NetworkPolicy and AuthorizationPolicy use it. Fix: set `name` to choose its value.'],
    ['the inject annotation', { podAnnotations: { 'sidecar.istio.io/inject': 'false' } },
      'podAnnotations key "sidecar.istio.io/inject" is reserved: it takes the pods out of the mesh while the library models them as meshed. Fix: set `mesh: false` on the app'],
    ['the inject label', { labels: { 'sidecar.istio.io/inject': 'false' } }, 'Fix: set `mesh: false` on the app'],
    ['excludeInboundPorts', { podAnnotations: { 'traffic.sidecar.istio.io/excludeInboundPorts': '8080' } },
      'podAnnotations key "traffic.sidecar.istio.io/excludeInboundPorts" is reserved: it exempts ports or addresses from the sidecar'],
    ['excludeOutboundIPRanges', { podAnnotations: { 'traffic.sidecar.istio.io/excludeOutboundIPRanges': '0.0.0.0/0' } }, 'traffic.sidecar.istio.io/excludeOutboundIPRanges" is reserved'],
    ['userVolume', { podAnnotations: { 'sidecar.istio.io/userVolume': '{"h":{"hostPath":{"path":"/"}}}' } }, 'sidecar.istio.io/userVolume" is reserved: it changes the injected proxy'],
    ['userVolumeMount', { podAnnotations: { 'sidecar.istio.io/userVolumeMount': '{}' } }, 'sidecar.istio.io/userVolumeMount" is reserved'],
    ['interceptionMode', { podAnnotations: { 'sidecar.istio.io/interceptionMode': 'NONE' } }, 'sidecar.istio.io/interceptionMode" is reserved'],
    ['proxy config', { podAnnotations: { 'proxy.istio.io/config': '{}' } }, 'proxy.istio.io/config" is reserved'],
    ['sidecar size', { podAnnotations: { 'sidecar.istio.io/proxyCPULimit': '4' } }, 'Fix: set `Mesh.sidecar({ proxyResources })` on the IsolatedNamespace'],
    ['dataplane-mode', { labels: { 'istio.io/dataplane-mode': 'none' } }, 'label key "istio.io/dataplane-mode" is reserved'],
    ['the revision', { labels: { 'istio.io/rev': 'canary' } }, 'label key "istio.io/rev" is reserved: it chooses the mesh, the Istio revision or where policy is enforced'],
    ['use-waypoint', { labels: { 'istio.io/use-waypoint': 'none' } }, 'label key "istio.io/use-waypoint" is reserved'],
    ['tlsMode', { labels: { 'security.istio.io/tlsMode': 'disabled' } }, 'label key "security.istio.io/tlsMode" is reserved: Istio reads it'],
    ['pod-security on a pod', { labels: { 'pod-security.kubernetes.io/enforce': 'privileged' } }, 'label key "pod-security.kubernetes.io/enforce" is reserved'],
    ['seccomp annotation', { podAnnotations: { 'seccomp.security.alpha.kubernetes.io/pod': 'unconfined' } }, 'overrides the RuntimeDefault seccomp profile'],
    ['AppArmor annotation', { podAnnotations: { 'container.apparmor.security.beta.kubernetes.io/app': 'unconfined' } }, 'unconfined AppArmor profile'],
    ['Multus networks', { podAnnotations: { 'k8s.v1.cni.cncf.io/networks': 'host-net' } }, 'extra network interfaces (Multus) that no NetworkPolicy covers'],
    ['CRI-O devices', { podAnnotations: { 'io.kubernetes.cri-o.Devices': '/dev/mem' } }, 'the container runtime reads it'],
  ];
  test.each(refused)('%s is refused, naming the path and the typed option', (_name, props, message) => {
    const make = meshedApp(props);
    expect(make).toThrow('[test/shop/web]');
    expect(make).toThrow(message);
  });

  test('harmless keys stay accepted', () => {
    const make = meshedApp({
      labels: { 'team': 'shop', 'constructor': 'x', 'service.istio.io/canonical-name': 'web' },
      podAnnotations: { 'kubectl.kubernetes.io/default-container': 'app', 'prometheus.io/scrape': 'true' },
    });
    expect(make).not.toThrow();
  });

  test('the library\'s labels and sidecar size win where they merge', () => {
    const { app, chart } = newChart();
    const ns = new IsolatedNamespace(chart, 'shop', { mesh: Mesh.sidecar({ istioCni: true }), labels: { team: 'shop' } });
    new SecureApp(ns, 'web', { name: 'web', image: IMAGE, port: 8080, labels: { team: 'a' } });
    const out = synthApp(app);
    const labels = one(out, 'Deployment', 'web').spec.template.metadata.labels;
    expect(labels['app.kubernetes.io/instance']).toBe('web');
    expect(labels.team).toBe('a');
    expect(one(out, 'Namespace', 'shop').metadata.labels).toMatchObject({ 'team': 'shop', 'istio-injection': 'enabled', 'pod-security.kubernetes.io/enforce': 'restricted' });
  });

  test.each([
    ['pod-security.kubernetes.io/enforce', 'privileged', 'set `podSecurity`, `podSecurityVersion`, `auditLevel`, `warnLevel` or `auditWarnVersion` on the IsolatedNamespace'],
    ['istio-injection', 'disabled', 'set `mesh` on the IsolatedNamespace'],
    ['istio.io/rev', 'canary', 'set `mesh` on the IsolatedNamespace'],
    ['istio.io/dataplane-mode', 'none', 'use the typed `mesh` options'],
    ['kubernetes.io/metadata.name', 'kube-system', 'set `name` on the IsolatedNamespace'],
  ])('namespace label %s is refused', (key, value, fix) => {
    const { chart } = newChart();
    const make = () => new IsolatedNamespace(chart, 'shop', { labels: { [key]: value } });
    expect(make).toThrow(`[test/shop]`);
    expect(make).toThrow(`namespace label key "${key}" is reserved`);
    expect(make).toThrow(fix);
  });
});

describe('class 4: two objects of one identity are a synth error naming both paths', () => {
  test('two apps with one name', () => {
    const { app, chart } = newChart();
    new SecureApp(chart, 'a', { name: 'web', image: IMAGE, port: 8080 });
    new SecureApp(chart, 'b', { name: 'web', image: IMAGE, port: 8080 });
    expect(() => synthApp(app)).toThrow('[test/b] Deployment web is written twice, by test/a/Deployment and by test/b/Deployment; the second would replace the first when applied. Fix: give one of them another `name` (or put them in different namespaces).');
    expect(() => synthApp(app)).toThrow('[test/b] ServiceAccount web is written twice, by test/a/ServiceAccount and by test/b/ServiceAccount');
  });

  test('an app named default-deny inside an IsolatedNamespace', () => {
    const { app, chart } = newChart();
    const ns = new IsolatedNamespace(chart, 'shop');
    new SecureApp(ns, 'x', { name: 'default-deny', image: IMAGE, port: 8080 });
    expect(() => synthApp(app)).toThrow('[test/shop/x] NetworkPolicy shop/default-deny is written twice, by test/shop/DefaultDeny and by test/shop/x/NetworkPolicy; the second would replace the first when applied. Fix: "default-deny" is a name the IsolatedNamespace writes itself; give the app another `name`.');
  });

  test('two IsolatedNamespaces "team" at different levels', () => {
    const { app, chart } = newChart();
    const outer = new IsolatedNamespace(chart, 'team');
    new IsolatedNamespace(outer, 'inner', { name: 'team' });
    expect(() => synthApp(app)).toThrow('[test/team/inner] Namespace team is written twice, by test/team/Namespace and by test/team/inner/Namespace');
  });

  test('the same name in two namespaces, or two kinds of one name, is fine; a later fix is seen by the next synth', () => {
    const { app, chart } = newChart();
    new SecureApp(new IsolatedNamespace(chart, 'a'), 'web', { name: 'web', image: IMAGE, port: 8080 });
    new SecureApp(new IsolatedNamespace(chart, 'b'), 'web', { name: 'web', image: IMAGE, port: 8080 });
    expect(() => synthApp(app)).not.toThrow();
    new SecureApp(chart, 'dup', { name: 'web', image: IMAGE, port: 8080, labels: {} });
    new SecureApp(chart, 'dup2', { name: 'web', image: IMAGE, port: 8080 });
    expect(() => synthApp(app)).toThrow('by test/dup/Deployment and by test/dup2/Deployment');
  });
});
