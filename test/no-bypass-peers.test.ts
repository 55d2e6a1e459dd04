import { IsolatedNamespace, Peer, SecureApp } from '../src';
import { Plus33Deployment } from './support/plus33';
import { newChart, one, synthApp } from './support/synth';

const IMAGE = 'ghcr.io/acme/web:1.4.2';
const legacyPods = { 'cdk8s.io/metadata.addr': 'legacy-c8a1b2c3' };
const apiPods = { 'app.kubernetes.io/instance': 'api' };

describe('issue 14 class 8: the order of construction does not matter for a cdk8s-plus peer', () => {
  test('an IsolatedNamespace made after the connection still opens the workload\'s side', () => {
    const { app, chart } = newChart();
    const legacy = new Plus33Deployment(chart, 'legacy', { namespace: 'shop' });
    const api = new SecureApp(chart, 'api', { name: 'api', image: IMAGE, port: 9000 });
    api.allowFrom(Peer.fromCdk8sPlus(legacy));
    api.allowTo(Peer.fromCdk8sPlus(legacy), { port: 80 });
    new IsolatedNamespace(chart, 'shop');
    const out = synthApp(app);
    expect(one(out, 'NetworkPolicy', 'legacy-c8a1b2c3-to-api').spec).toEqual({
      podSelector: { matchLabels: legacyPods }, policyTypes: ['Egress'],
      egress: [{ to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'default' } }, podSelector: { matchLabels: apiPods } }], ports: [{ protocol: 'TCP', port: 9000 }] }],
    });
    expect(one(out, 'NetworkPolicy', 'legacy-c8a1b2c3-from-api').spec.ingress).toEqual([
      { from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'default' } }, podSelector: { matchLabels: apiPods } }], ports: [{ protocol: 'TCP', port: 80 }] },
    ]);
  });

  test('the same manifests whichever comes first', () => {
    const build = (namespaceFirst: boolean) => {
      const { app, chart } = newChart();
      if (namespaceFirst) new IsolatedNamespace(chart, 'shop');
      const legacy = new Plus33Deployment(chart, 'legacy', { namespace: 'shop' });
      const api = new SecureApp(chart, 'api', { name: 'api', image: IMAGE, port: 9000 });
      api.allowFrom(Peer.fromCdk8sPlus(legacy));
      if (!namespaceFirst) new IsolatedNamespace(chart, 'shop');
      const key = (m: any) => `${m.kind}/${m.metadata.namespace}/${m.metadata.name}`;
      return synthApp(app).sort((a, b) => key(a).localeCompare(key(b)));
    };
    expect(build(false)).toEqual(build(true));
  });

  test('a namespace of another name made later opens nothing', () => {
    const { app, chart } = newChart();
    const legacy = new Plus33Deployment(chart, 'legacy', { namespace: 'legacy' });
    const api = new SecureApp(chart, 'api', { name: 'api', image: IMAGE, port: 9000 });
    api.allowFrom(Peer.fromCdk8sPlus(legacy));
    new IsolatedNamespace(chart, 'shop');
    expect(synthApp(app).filter((m) => m.kind === 'NetworkPolicy' && m.metadata.namespace === 'legacy')).toEqual([]);
  });
});

describe('issue 14 class 6: a port written into an ipBlock', () => {
  test('is refused where a construct uses the peer, naming the construct and where the port belongs', () => {
    const { chart } = newChart();
    const web = new SecureApp(chart, 'web', { name: 'web', image: IMAGE, port: 8080 });
    const peer = Peer.ipBlock('203.0.113.0/24:443');
    expect(() => web.allowTo(peer)).toThrow('[test/web] Peer.ipBlock cidr "203.0.113.0/24:443" is not a CIDR block: ":443" looks like a port. Fix: write the block "203.0.113.0/24" and put the port in the rule\'s ports ({ port: 443 }).');
  });
  test('making the peer alone throws nothing (no construct to name yet)', () => {
    expect(() => Peer.ipBlock('203.0.113.0/24:443')).not.toThrow();
  });
});
