import {
  Endpoint, IsolatedNamespace, Mesh, NetworkModel, Peer, PeerKind, renderConnectivity, SecureApp, SecureService,
  SecureStatefulSet, ServiceType,
} from '../src';
import { installMatchers } from '../src/testing';
import { expectValidManifests } from './support/schema';
import { newChart, one, synthApp } from './support/synth';
import { thrown } from './support/thrown';

installMatchers();

const IMAGE = 'docker.io/istio/examples-bookinfo-reviews-v1:1.20.2';
const QUOTA = { 'requests.cpu': '20', 'requests.memory': '40Gi', 'limits.cpu': '20', 'limits.memory': '40Gi' };
const instance = (name: string) => ({ podSelector: { matchLabels: { 'app.kubernetes.io/instance': name } } });
const principal = (sa: string) => `cluster.local/ns/bookinfo/sa/${sa}`;

/** Bookinfo as the issue ports it: productpage → reviews (v1, v2, v3) → ratings (v2 and v3 only), reviews → details. */
function bookinfo() {
  const { app, chart } = newChart();
  const ns = new IsolatedNamespace(chart, 'bookinfo', { mesh: Mesh.sidecar({ istioCni: true }), quota: QUOTA });
  const productpage = new SecureApp(ns, 'productpage', {
    name: 'productpage-v1', serviceName: 'productpage', serviceAccountName: 'bookinfo-productpage', image: IMAGE, port: 9080, replicas: 1,
  });
  const versions = [1, 2, 3].map((n) => new SecureApp(ns, `reviews-v${n}`, {
    name: `reviews-v${n}`, serviceAccountName: `bookinfo-reviews-v${n}`, image: IMAGE, port: 9080, replicas: 1,
  }));
  const ratings = new SecureApp(ns, 'ratings', { name: 'ratings-v1', serviceName: 'ratings', serviceAccountName: 'bookinfo-ratings', image: IMAGE, port: 9080, replicas: 1 });
  const details = new SecureApp(ns, 'details', { name: 'details-v1', serviceName: 'details', serviceAccountName: 'bookinfo-details', image: IMAGE, port: 9080, replicas: 1 });
  const reviews = new SecureService(ns, 'reviews', { name: 'reviews', workloads: versions });
  const starred = new SecureService(ns, 'starred', { name: 'reviews-starred', workloads: [versions[1], versions[2]] });
  productpage.allowTo(reviews);
  productpage.allowTo(details);
  ratings.allowFrom(starred);
  return { app, ns, productpage, versions, ratings, details, reviews, starred };
}

describe('SecureService: several workloads behind one Service', () => {
  const b = bookinfo();
  const out = synthApp(b.app);

  test('one Service selecting a pod label the library sets, on the common main port', () => {
    expect(one(out, 'Service', 'reviews')).toEqual({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: {
        name: 'reviews',
        namespace: 'bookinfo',
        labels: { 'app.kubernetes.io/part-of': 'bookinfo', 'app.kubernetes.io/name': 'reviews', 'app.kubernetes.io/managed-by': 'cdk8s-secure' },
      },
      spec: {
        type: 'ClusterIP',
        selector: { 'service.cdk8s-secure.io/reviews': 'true' },
        ports: [{ name: 'http', port: 9080, targetPort: 'http', protocol: 'TCP', appProtocol: 'http' }],
      },
    });
    expect(b.reviews.port).toBe(9080);
    expect(b.reviews.workloads.map((w) => w.name)).toEqual(['reviews-v1', 'reviews-v2', 'reviews-v3']);
  });

  test('the label is on the pod templates only: the Deployments\' (immutable) selectors are untouched', () => {
    for (const n of [1, 2, 3]) {
      const d = one(out, 'Deployment', `reviews-v${n}`);
      expect(d.spec.selector).toEqual({ matchLabels: { 'app.kubernetes.io/instance': `reviews-v${n}` } });
      expect(d.spec.template.metadata.labels['service.cdk8s-secure.io/reviews']).toBe('true');
      expect(d.spec.template.metadata.labels['service.cdk8s-secure.io/reviews-starred']).toBe(n === 1 ? undefined : 'true');
      // Nothing else carries the label: the workloads' own Services still select by instance.
      expect(one(out, 'Service', `reviews-v${n}`).spec.selector).toEqual({ 'app.kubernetes.io/instance': `reviews-v${n}` });
    }
    expect(one(out, 'Deployment', 'ratings-v1').spec.template.metadata.labels['service.cdk8s-secure.io/reviews']).toBeUndefined();
  });

  test('x.allowTo(service): egress from x to every workload behind it, ingress on each', () => {
    const np = one(out, 'NetworkPolicy', 'productpage-v1');
    const toPeers = np.spec.egress.filter((r: any) => r.ports.some((p: any) => p.port === 9080));
    expect(toPeers).toEqual([
      { to: [instance('reviews-v1')], ports: [{ port: 9080, protocol: 'TCP' }] },
      { to: [instance('reviews-v2')], ports: [{ port: 9080, protocol: 'TCP' }] },
      { to: [instance('reviews-v3')], ports: [{ port: 9080, protocol: 'TCP' }] },
      { to: [instance('details-v1')], ports: [{ port: 9080, protocol: 'TCP' }] },
    ]);
    for (const n of [1, 2, 3]) {
      expect(one(out, 'NetworkPolicy', `reviews-v${n}`).spec.ingress).toEqual([{ from: [instance('productpage-v1')], ports: [{ port: 9080, protocol: 'TCP' }] }]);
    }
  });

  test('each workload\'s AuthorizationPolicy admits x\'s own identity (its decoupled ServiceAccount)', () => {
    for (const n of [1, 2, 3]) {
      expect(one(out, 'AuthorizationPolicy', `reviews-v${n}`).spec.rules).toEqual([
        { from: [{ source: { principals: [principal('bookinfo-productpage')] } }], to: [{ operation: { ports: ['9080'] } }] },
      ]);
    }
  });

  test('y.allowFrom(service): y admits each workload behind it by its own ServiceAccount, and no other', () => {
    const np = one(out, 'NetworkPolicy', 'ratings-v1');
    expect(np.spec.ingress).toEqual([
      { from: [instance('reviews-v2')], ports: [{ port: 9080, protocol: 'TCP' }] },
      { from: [instance('reviews-v3')], ports: [{ port: 9080, protocol: 'TCP' }] },
    ]);
    expect(one(out, 'AuthorizationPolicy', 'ratings-v1').spec.rules).toEqual([
      { from: [{ source: { principals: [principal('bookinfo-reviews-v2')] } }], to: [{ operation: { ports: ['9080'] } }] },
      { from: [{ source: { principals: [principal('bookinfo-reviews-v3')] } }], to: [{ operation: { ports: ['9080'] } }] },
    ]);
    for (const n of [2, 3]) {
      expect(one(out, 'NetworkPolicy', `reviews-v${n}`).spec.egress).toContainEqual({ to: [instance('ratings-v1')], ports: [{ port: 9080, protocol: 'TCP' }] });
    }
    expect(one(out, 'NetworkPolicy', 'reviews-v1').spec.egress.some((r: any) => JSON.stringify(r).includes('ratings'))).toBe(false);
  });

  test('reachability has exactly the call graph: no edge more, none less', () => {
    const model = NetworkModel.fromManifests(out);
    const edges = model.matrix()
      .filter((e) => e.from !== e.to && e.from !== NetworkModel.EXTERNAL && ![NetworkModel.KUBE_DNS, NetworkModel.EXTERNAL].includes(e.to) && e.ports.length > 0)
      .map((e) => `${e.from} -> ${e.to}`)
      .sort();
    expect(edges).toEqual([
      'bookinfo/productpage-v1 -> bookinfo/details-v1',
      'bookinfo/productpage-v1 -> bookinfo/reviews-v1',
      'bookinfo/productpage-v1 -> bookinfo/reviews-v2',
      'bookinfo/productpage-v1 -> bookinfo/reviews-v3',
      'bookinfo/reviews-v2 -> bookinfo/ratings-v1',
      'bookinfo/reviews-v3 -> bookinfo/ratings-v1',
    ].map((e) => e.replace(/bookinfo\/([a-z0-9-]+)/g, (_, n) => model.workloads().find((w) => w.name === n)!.id)).sort());
    // The report's matrix is the same model: ratings' column admits v2 and v3 and not v1.
    const matrix = renderConnectivity(model).join('\n');
    expect(matrix).toContain('ratings-v1');
    expect(model.check(Endpoint.workload('bookinfo', 'reviews-v1'), Endpoint.workload('bookinfo', 'ratings-v1'), 9080).allowed).toBe(false);
    expect(model.check(Endpoint.workload('bookinfo', 'reviews-v3'), Endpoint.workload('bookinfo', 'ratings-v1'), 9080).allowed).toBe(true);
  });

  test('the matchers take a SecureService as every workload behind it', () => {
    expect(out).toAllowTraffic(b.productpage, b.reviews, { port: 9080 });
    expect(out).toAllowTraffic(b.starred, b.ratings, { port: 9080 });
    // reviews-v1 may not reach ratings, so "reviews may reach ratings" is false…
    expect(() => expect(out).toAllowTraffic(b.reviews, b.ratings, { port: 9080 })).toThrow(/reviews-v1.*denied/s);
    // …and so is "reviews may not reach ratings", since v2 and v3 may.
    expect(() => expect(out).not.toAllowTraffic(b.reviews, b.ratings, { port: 9080 })).toThrow();
    expect(out).not.toAllowTraffic(b.versions[0], b.ratings, { port: 9080 });
    expect(out).not.toAllowTraffic(b.reviews, b.productpage, { port: 9080 });
  });

  test('every object validates against the Kubernetes schema', () => {
    expectValidManifests(out);
  });

  test('service.allowTo(y) is each workload to y; the same manifests as y.allowFrom(service)', () => {
    const render = (declare: (s: SecureService, y: SecureApp) => void) => {
      const { app, chart } = newChart();
      const ns = new IsolatedNamespace(chart, 'bookinfo', { mesh: Mesh.sidecar({ istioCni: true }), quota: QUOTA });
      const vs = [1, 2].map((n) => new SecureApp(ns, `reviews-v${n}`, { name: `reviews-v${n}`, image: IMAGE, port: 9080, replicas: 1 }));
      const y = new SecureApp(ns, 'ratings', { name: 'ratings', image: IMAGE, port: 9080, replicas: 1 });
      declare(new SecureService(ns, 'reviews', { workloads: vs }), y);
      return synthApp(app);
    };
    const a = render((s, y) => s.allowTo(y));
    const c = render((s, y) => y.allowFrom(s));
    expect(a).toEqual(c);
    expect(one(a, 'AuthorizationPolicy', 'ratings').spec.rules.map((r: any) => r.from[0].source.principals[0])).toEqual([principal('reviews-v1'), principal('reviews-v2')]);
  });

  test('service.allowFrom(x) and x.allowTo(service) are the same intent', () => {
    const render = (declare: (s: SecureService, x: SecureApp) => void) => {
      const { app, chart } = newChart({ namespace: 'shop' });
      const vs = [1, 2].map((n) => new SecureApp(chart, `api-v${n}`, { name: `api-v${n}`, image: IMAGE, port: 8080 }));
      const x = new SecureApp(chart, 'web', { name: 'web', image: IMAGE, port: 8080 });
      declare(new SecureService(chart, 'api', { name: 'api', workloads: vs }), x);
      return synthApp(app);
    };
    const a = render((s, x) => x.allowTo(s));
    expect(render((s, x) => s.allowFrom(x))).toEqual(a);
    expect(one(a, 'NetworkPolicy', 'api-v2').spec.ingress).toEqual([{ from: [instance('web')], ports: [{ port: 8080, protocol: 'TCP' }] }]);
  });

  test('a peer outside the library reaches every workload on the Service\'s port', () => {
    const { app, chart } = newChart({ namespace: 'shop' });
    const vs = [1, 2].map((n) => new SecureApp(chart, `api-v${n}`, { name: `api-v${n}`, image: IMAGE, port: 8080, ports: [{ name: 'grpc', port: 9090 }] }));
    const svc = new SecureService(chart, 'api', { name: 'api', workloads: vs, port: 9090, servicePort: 90 });
    svc.allowFrom(Peer.namespace('monitoring'));
    const out2 = synthApp(app);
    expect(one(out2, 'Service', 'api').spec.ports).toEqual([{ name: 'grpc', port: 90, targetPort: 'grpc', protocol: 'TCP' }]);
    for (const v of ['api-v1', 'api-v2']) {
      expect(one(out2, 'NetworkPolicy', v).spec.ingress).toEqual([{
        from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }], ports: [{ port: 9090, protocol: 'TCP' }],
      }]);
    }
    expect(svc.toPeerInfo().kind).toBe(PeerKind.SERVICE);
    expectValidManifests(out2);
  });

  test('any kind with a port can be behind it: a SecureStatefulSet beside a SecureApp, ports named differently', () => {
    const { app, chart } = newChart({ namespace: 'data' });
    const a = new SecureApp(chart, 'cache-a', { name: 'cache-a', image: IMAGE, port: 6379 });
    const s = new SecureStatefulSet(chart, 'cache-b', { name: 'cache-b', image: IMAGE, port: 6379, portName: 'redis' });
    new SecureService(chart, 'cache', { name: 'cache', workloads: [a, s] });
    const out2 = synthApp(app);
    // The workloads call 6379 "tcp-redis" and "redis": the Service targets the number.
    expect(one(out2, 'Service', 'cache').spec.ports).toEqual([{ name: 'tcp-redis', port: 6379, targetPort: 6379, protocol: 'TCP' }]);
    expect(one(out2, 'StatefulSet', 'cache-b').spec.template.metadata.labels['service.cdk8s-secure.io/cache']).toBe('true');
    expectValidManifests(out2);
  });

  test('a LoadBalancer SecureService counts against the namespace quota', () => {
    const { app, chart } = newChart();
    const ns = new IsolatedNamespace(chart, 'shop');
    const vs = [1, 2].map((n) => new SecureApp(ns, `web-v${n}`, { name: `web-v${n}`, image: IMAGE, port: 8080 }));
    new SecureService(ns, 'web', { name: 'web', workloads: vs, type: ServiceType.LOAD_BALANCER });
    expect(() => synthApp(app)).toThrow('ResourceQuota services.loadbalancers is 0 but the apps inside need 1 (test/shop/web/Service: 1 LoadBalancer Service)');
  });
});

describe('SecureService errors', () => {
  const two = (p1: any = {}, p2: any = {}) => {
    const { app, chart } = newChart({ namespace: 'shop' });
    return { app, chart, a: new SecureApp(chart, 'a', { name: 'a', image: IMAGE, port: 8080, ...p1 }), b: new SecureApp(chart, 'b', { name: 'b', image: IMAGE, port: 8080, ...p2 }) };
  };

  test('different main ports: names both and says to set port', () => {
    const { chart, a, b } = two({}, { port: 9090 });
    expect(thrown(() => new SecureService(chart, 'svc', { workloads: [a, b] }))).toBe(
      "[test/svc] the workloads' main ports differ (test/a: 8080/TCP, test/b: 9090/TCP), so there is no common port to default to. Fix: set port to a container port every workload declares, or give them the same main port.",
    );
  });

  test('a port one workload does not declare', () => {
    const { chart, a, b } = two({ ports: [{ name: 'admin', port: 9000 }] });
    expect(thrown(() => new SecureService(chart, 'svc', { workloads: [a, b], port: 9000 }))).toBe(
      '[test/svc] port 9000 is not a container port of test/b (it has 8080 "http"). Fix: set port to one every workload declares, or add it to their `ports`.',
    );
  });

  test('a workload without a port', () => {
    const { chart, a } = two();
    const worker = new SecureApp(chart, 'worker', { name: 'worker', image: IMAGE });
    expect(thrown(() => new SecureService(chart, 'svc', { workloads: [a, worker] }))).toBe(
      '[test/svc] test/worker has no container port, so the Service has nothing to send to. Fix: give it a `port`, or leave it out of workloads.',
    );
  });

  test('a name that is not a DNS-1035 label (3scale)', () => {
    const { chart, a, b } = two();
    expect(thrown(() => new SecureService(chart, 'svc', { name: '3scale', workloads: [a, b] }))).toBe(
      '[test/svc] name "3scale" is not a valid DNS-1035 label, which Kubernetes requires of a Service name. Fix: use at most 63 lowercase letters, digits and \'-\', starting with a letter and ending with a letter or digit (e.g. "svc-3scale").',
    );
  });

  test('no workloads, a workload of another library, one listed twice, two namespaces', () => {
    const { chart, a } = two();
    expect(thrown(() => new SecureService(chart, 's1', { workloads: [] }))).toMatch(/^\[test\/s1\] workloads is empty\. Fix: list the workloads/);
    const fake = { path: 'x', name: 'x', serviceAccountName: 'x', ports: [], recordConnection: () => undefined, toPeerInfo: () => ({ kind: PeerKind.WORKLOAD, description: 'x' }) };
    expect(thrown(() => new SecureService(chart, 's2', { workloads: [a, fake] }))).toMatch(/workloads\[1\] is not a workload of this library .* Fix: pass the workload construct itself\./);
    expect(thrown(() => new SecureService(chart, 's3', { workloads: [a, a] }))).toContain('workloads[1] (test/a) is listed twice. Fix: list each workload once.');
    const { chart: other } = newChart({ namespace: 'other' });
    const far = new SecureApp(other, 'far', { name: 'far', image: IMAGE, port: 8080 });
    expect(thrown(() => new SecureService(chart, 's4', { workloads: [a, far] }))).toContain('the workloads are in different namespaces (test/a: shop, test/far: other)');
  });

  test('props of the wrong type, as a JavaScript caller may pass them', () => {
    const { chart, a, b } = two();
    expect(thrown(() => new SecureService(chart, 't1', { workloads: [a, b], port: '8080' as any }))).toBe(
      '[test/t1] port must be a number, got "8080". Fix: pass a whole number, not text.',
    );
    expect(thrown(() => new SecureService(chart, 't2', { workloads: [a, b], type: 'External' as any }))).toContain('type must be exactly "ClusterIP", "NodePort", "LoadBalancer", got "External"');
  });

  test('an intent one member cannot take fails naming the SecureService, and records nothing on any member', () => {
    const { chart, a, b } = two({ ports: [{ name: 'admin', port: 9000 }] });
    const svc = new SecureService(chart, 'svc', { workloads: [a, b] });
    expect(thrown(() => svc.allowFrom(Peer.namespace('ops'), { port: 9000 }))).toMatch(/^\[test\/svc\] SecureApp test\/b does not expose container port 9000\/TCP/);
    expect(a.declaredConnections).toEqual([]);
    expect(b.declaredConnections).toEqual([]);
  });

  test('a user label may not claim membership', () => {
    const { chart } = newChart({ namespace: 'shop' });
    expect(thrown(() => new SecureApp(chart, 'sneak', { image: IMAGE, port: 8080, labels: { 'service.cdk8s-secure.io/reviews': 'true' } })))
      .toContain('service.cdk8s-secure.io/reviews');
  });

  test('a Service name another object already uses is reported at synth', () => {
    const { app, chart, a, b } = two();
    new SecureService(chart, 'svc', { name: 'a', workloads: [a, b] });
    expect(() => synthApp(app)).toThrow('[test/svc] Service shop/a is written twice, by test/a/Service and by test/svc/Service; the second would replace the first when applied. Fix: give one of them another `name` or `serviceName` (or put them in different namespaces).');
  });
});
