import { Chart } from 'cdk8s';
import { ClusterSettings, IsolatedNamespace, Mesh, MtlsMode, Peer, PodSecurityLevel, Probe, Protocol, SecureApp } from '../src';
import { all, newChart, one, synthApp } from './support/synth';

const IMAGE = 'ghcr.io/acme/web:1.4.2';
const sel = (name: string) => ({ matchLabels: { 'app.kubernetes.io/instance': name } });

/** Two meshed namespaces (shop: sidecar with CNI, payments: ambient) and a plain one. */
function meshedShop(shopMesh: Mesh = Mesh.sidecar({ istioCni: true }), paymentsMesh: Mesh = Mesh.ambient()) {
  const { app } = newChart();
  const shop = new IsolatedNamespace(new Chart(app, 'shop-chart'), 'shop', { mesh: shopMesh });
  const payments = new IsolatedNamespace(new Chart(app, 'payments-chart'), 'payments', { mesh: paymentsMesh });
  const web = new SecureApp(shop, 'web', { name: 'web', image: IMAGE, port: 8080 });
  const api = new SecureApp(shop, 'api', { name: 'api', image: IMAGE, port: 9000, ports: [{ name: 'grpc-admin', port: 9901 }] });
  const ledger = new SecureApp(payments, 'ledger', { name: 'ledger', image: IMAGE, port: 7000, appProtocol: 'grpc' });
  return { app, shop, payments, web, api, ledger };
}

describe('namespace enrolment', () => {
  test('sidecar injection label, or the revision label', () => {
    const { app, chart } = newChart();
    new IsolatedNamespace(chart, 'a', { mesh: Mesh.sidecar({ istioCni: true }) });
    new IsolatedNamespace(chart, 'b', { mesh: Mesh.sidecar({ istioCni: true, revision: '1-24-2' }) });
    new IsolatedNamespace(chart, 'c', { mesh: Mesh.ambient() });
    const out = synthApp(app);
    expect(one(out, 'Namespace', 'a').metadata.labels['istio-injection']).toBe('enabled');
    expect(one(out, 'Namespace', 'b').metadata.labels['istio.io/rev']).toBe('1-24-2');
    expect(one(out, 'Namespace', 'b').metadata.labels['istio-injection']).toBeUndefined();
    expect(one(out, 'Namespace', 'c').metadata.labels['istio.io/dataplane-mode']).toBe('ambient');
  });

  test('a STRICT PeerAuthentication per meshed namespace', () => {
    const { app } = meshedShop();
    const pas = all(synthApp(app), 'PeerAuthentication');
    expect(pas.map((p) => [p.apiVersion, p.metadata.namespace, p.metadata.name, p.spec])).toEqual([
      ['security.istio.io/v1', 'shop', 'default', { mtls: { mode: 'STRICT' } }],
      ['security.istio.io/v1', 'payments', 'default', { mtls: { mode: 'STRICT' } }],
    ]);
  });

  test('no mesh objects in a namespace without a mesh', () => {
    const { app, chart } = newChart();
    new SecureApp(new IsolatedNamespace(chart, 'plain'), 'web', { image: IMAGE, port: 80 });
    const out = synthApp(app);
    expect(all(out, 'PeerAuthentication')).toHaveLength(0);
    expect(all(out, 'AuthorizationPolicy')).toHaveLength(0);
    expect(one(out, 'Namespace').metadata.labels['istio-injection']).toBeUndefined();
  });
});

describe('AuthorizationPolicy from the same intents', () => {
  test('peer apps become SPIFFE principals; ports are container ports', () => {
    const { app, web, api, ledger } = meshedShop();
    api.allowFrom(web);
    api.allowFrom(web, { port: 9901 });
    ledger.allowFrom(api);
    const out = synthApp(app);
    const apiPolicy = one(out, 'AuthorizationPolicy', 'api');
    expect(apiPolicy.apiVersion).toBe('security.istio.io/v1');
    expect(apiPolicy.metadata.namespace).toBe('shop');
    expect(apiPolicy.spec).toEqual({
      selector: sel('api'),
      action: 'ALLOW',
      rules: [{ from: [{ source: { principals: ['cluster.local/ns/shop/sa/web'] } }], to: [{ operation: { ports: ['9000', '9901'] } }] }],
    });
    expect(one(out, 'AuthorizationPolicy', 'ledger').spec.rules).toEqual([
      { from: [{ source: { principals: ['cluster.local/ns/shop/sa/api'] } }], to: [{ operation: { ports: ['7000'] } }] },
    ]);
  });

  test('an app nobody may call gets an allow-nothing policy', () => {
    const { app } = meshedShop();
    const web = one(synthApp(app), 'AuthorizationPolicy', 'web');
    expect(web.spec).toEqual({ selector: sel('web'), action: 'ALLOW' });
  });

  test('the trust domain comes from ClusterSettings, set once per app', () => {
    const { app, web, api } = meshedShop();
    ClusterSettings.apply(app, { trustDomain: 'prod.acme.internal' });
    api.allowFrom(web);
    expect(one(synthApp(app), 'AuthorizationPolicy', 'api').spec.rules[0].from[0].source.principals)
      .toEqual(['prod.acme.internal/ns/shop/sa/web']);
  });

  test('meshed namespaces and peers with a service account', () => {
    const { app, shop, ledger, web } = meshedShop();
    ledger.allowFrom(shop);
    web.allowFrom(Peer.pods('istio-ingress', { istio: 'ingressgateway' }, { serviceAccount: 'istio-ingressgateway' }));
    web.allowFrom(Peer.namespace('tools', { meshed: true }));
    const out = synthApp(app);
    expect(one(out, 'AuthorizationPolicy', 'ledger').spec.rules).toEqual([
      { from: [{ source: { namespaces: ['shop'] } }], to: [{ operation: { ports: ['7000'] } }] },
    ]);
    expect(one(out, 'AuthorizationPolicy', 'web').spec.rules).toEqual([
      { from: [{ source: { principals: ['cluster.local/ns/istio-ingress/sa/istio-ingressgateway'] } }], to: [{ operation: { ports: ['8080'] } }] },
      { from: [{ source: { namespaces: ['tools'] } }], to: [{ operation: { ports: ['8080'] } }] },
    ]);
  });

  test('under STRICT, a peer without mesh identity is an error naming it and the fixes', () => {
    const { app, web } = meshedShop();
    web.allowFrom(Peer.namespace('ingress-nginx'));
    expect(() => synthApp(app)).toThrow(
      /\[shop-chart\/shop\/web\] namespace ingress-nginx has no mesh identity, and STRICT mTLS in namespace "shop" refuses its plain-text connections to port 8080\. Fix: put the peer in the mesh/);
    const second = meshedShop();
    second.api.allowFrom(Peer.ipBlock('10.0.0.0/8'));
    expect(() => synthApp(second.app)).toThrow(/ipBlock 10\.0\.0\.0\/8 has no mesh identity/);
    const third = meshedShop();
    const plain = new SecureApp(new IsolatedNamespace(new Chart(third.app, 'legacy-chart'), 'legacy'), 'batch', { image: IMAGE });
    third.api.allowFrom(plain);
    expect(() => synthApp(third.app)).toThrow(/SecureApp legacy-chart\/legacy\/batch has no mesh identity/);
  });

  test('under PERMISSIVE, plain-text peers get port-only or ipBlocks sources', () => {
    const { app, web, api } = meshedShop(Mesh.sidecar({ istioCni: true, mtls: MtlsMode.PERMISSIVE }));
    web.allowFrom(Peer.namespace('ingress-nginx'));
    api.allowFrom(Peer.ipBlock('10.0.0.0/8', ['10.9.0.0/16']));
    const out = synthApp(app);
    expect(all(out, 'PeerAuthentication').find((p) => p.metadata.namespace === 'shop').spec).toEqual({ mtls: { mode: 'PERMISSIVE' } });
    expect(one(out, 'AuthorizationPolicy', 'web').spec.rules).toEqual([{ to: [{ operation: { ports: ['8080'] } }] }]);
    expect(one(out, 'AuthorizationPolicy', 'api').spec.rules).toEqual([
      { from: [{ source: { ipBlocks: ['10.0.0.0/8'], notIpBlocks: ['10.9.0.0/16'] } }], to: [{ operation: { ports: ['9000'] } }] },
    ]);
  });

  test('an app opted out of the mesh has no policy and no identity', () => {
    const { app, chart } = newChart();
    const ns = new IsolatedNamespace(chart, 'shop', { mesh: Mesh.sidecar({ istioCni: true }) });
    const legacy = new SecureApp(ns, 'legacy', { name: 'legacy', image: IMAGE, port: 80, mesh: false });
    const web = new SecureApp(ns, 'web', { name: 'web', image: IMAGE, port: 8080 });
    web.allowTo(legacy);
    const out = synthApp(app);
    expect(all(out, 'AuthorizationPolicy').map((p) => p.metadata.name)).toEqual(['web']);
    expect(one(out, 'Deployment', 'legacy').spec.template.metadata.labels['sidecar.istio.io/inject']).toBe('false');
    web.allowFrom(legacy);
    expect(() => synthApp(app)).toThrow(/legacy has no mesh identity/);
  });
});

describe('NetworkPolicy holes for the mesh, and no more', () => {
  test('sidecar pods may reach istiod on 15012 only', () => {
    const { app } = meshedShop();
    const egress = one(synthApp(app), 'NetworkPolicy', 'web').spec.egress;
    expect(egress).toHaveLength(2);
    expect(egress[1]).toEqual({
      to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'istio-system' } }, podSelector: { matchLabels: { app: 'istiod' } } }],
      ports: [{ protocol: 'TCP', port: 15012 }],
    });
    expect(one(synthApp(app), 'NetworkPolicy', 'web').spec.ingress).toEqual([]);
  });

  test('istiod location is configurable', () => {
    const { app } = meshedShop();
    ClusterSettings.apply(app, { istiodNamespace: 'istio-control', istiodPodLabels: { 'istio.io/rev': 'canary' } });
    expect(one(synthApp(app), 'NetworkPolicy', 'web').spec.egress[1].to).toEqual([
      { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'istio-control' } }, podSelector: { matchLabels: { 'istio.io/rev': 'canary' } } },
    ]);
  });

  test('ambient: the SNAT address reaches exactly the ports the kubelet probes', () => {
    const { app, payments } = meshedShop();
    new SecureApp(payments, 'batch', {
      name: 'batch', image: IMAGE, port: 7000, ports: [{ name: 'health', port: 7001 }],
      readiness: Probe.httpGet('/ready', { port: 7001 }), liveness: Probe.exec(['/bin/true']),
    });
    const out = synthApp(app);
    const container = one(out, 'Deployment', 'batch').spec.template.spec.containers[0];
    expect(container.readinessProbe.httpGet.port).toBe(7001);
    expect(container.livenessProbe.exec).toEqual({ command: ['/bin/true'] });
    expect(one(out, 'NetworkPolicy', 'batch').spec.ingress).toEqual([
      { from: [{ ipBlock: { cidr: '169.254.7.127/32' } }], ports: [{ protocol: 'TCP', port: 7001 }] },
    ]);
  });

  test('ambient: HBONE 15008 with the app port, both sides, and probes from the SNAT address', () => {
    const { app, api, ledger } = meshedShop();
    ledger.allowFrom(api);
    const out = synthApp(app);
    const ledgerPolicy = one(out, 'NetworkPolicy', 'ledger').spec;
    const fromApi = { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'shop' } }, podSelector: sel('api') };
    expect(ledgerPolicy.ingress).toEqual([
      { from: [fromApi], ports: [{ protocol: 'TCP', port: 7000 }, { protocol: 'TCP', port: 15008 }] },
      { from: [{ ipBlock: { cidr: '169.254.7.127/32' } }], ports: [{ protocol: 'TCP', port: 7000 }] },
    ]);
    // ambient pods talk to nobody on the mesh's behalf: ztunnel does
    expect(ledgerPolicy.egress).toHaveLength(1);
    expect(one(out, 'NetworkPolicy', 'api').spec.egress).toContainEqual({
      to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'payments' } }, podSelector: sel('ledger') }],
      ports: [{ protocol: 'TCP', port: 7000 }, { protocol: 'TCP', port: 15008 }],
    });
  });

  test('between two sidecar apps there is no HBONE port', () => {
    const { app, web, api } = meshedShop();
    api.allowFrom(web);
    expect(one(synthApp(app), 'NetworkPolicy', 'api').spec.ingress).toEqual([
      { from: [{ podSelector: sel('web') }], ports: [{ protocol: 'TCP', port: 9000 }] },
    ]);
  });
});

describe('Pod Security with injected sidecars', () => {
  test('sidecar without the CNI plugin fails restricted, pointing at istio-init and the fixes', () => {
    const { app } = meshedShop(Mesh.sidecar());
    expect(() => synthApp(app)).toThrow(
      /\[shop-chart\/shop\/web\] Pod Security "restricted" \(v1\.35\) check capabilities_restricted fails: .*istio-init.*NET_ADMIN.*injected by Istio without its CNI plugin\)\. Fix: install the Istio CNI plugin and say so with Mesh\.sidecar\(\{ istioCni: true \}\), or use Mesh\.ambient\(\), or make the namespace podSecurity privileged/);
  });

  test('without CNI, baseline fails too; privileged admits it', () => {
    const base = newChart();
    new SecureApp(new IsolatedNamespace(base.chart, 'b', { podSecurity: PodSecurityLevel.BASELINE, mesh: Mesh.sidecar() }), 'web', { image: IMAGE, port: 80 });
    expect(() => synthApp(base.app)).toThrow(/Pod Security "baseline" .*check capabilities_baseline fails: .*istio-init/);
    const priv = newChart();
    new SecureApp(new IsolatedNamespace(priv.chart, 'p', { podSecurity: PodSecurityLevel.PRIVILEGED, mesh: Mesh.sidecar() }), 'web', { image: IMAGE, port: 80 });
    expect(all(synthApp(priv.app), 'Deployment')).toHaveLength(1);
  });

  test('with CNI, and in ambient mode, restricted passes', () => {
    expect(all(synthApp(meshedShop().app), 'Deployment')).toHaveLength(3);
  });

  test('the app may not run as the proxy UID 1337', () => {
    const { chart } = newChart();
    const ns = new IsolatedNamespace(chart, 'shop', { mesh: Mesh.sidecar({ istioCni: true }) });
    expect(() => new SecureApp(ns, 'web', { image: IMAGE, securityContext: { runAsUser: 1337 } }))
      .toThrow(/\[test\/shop\/web\] securityContext\.runAsUser 1337 is the Istio proxy's id/);
  });
});

describe('Service protocols and sidecar resources', () => {
  test('meshed Service ports carry appProtocol: given, from the name, or the transport', () => {
    const { app, payments } = meshedShop();
    new SecureApp(payments, 'dns', { name: 'dns', image: IMAGE, ports: [{ name: 'dns', port: 53, protocol: Protocol.UDP }, { name: 'dns-tcp', port: 53 }, { name: 'grpc-web-ui', port: 8081 }] });
    const out = synthApp(app);
    expect(one(out, 'Service', 'dns').spec.ports.map((p: any) => [p.name, p.appProtocol])).toEqual([['dns', 'udp'], ['dns-tcp', 'tcp'], ['grpc-web-ui', 'grpc-web']]);
    expect(one(out, 'Service', 'api').spec.ports.map((p: any) => [p.name, p.appProtocol])).toEqual([['http', 'http'], ['grpc-admin', 'grpc']]);
    expect(one(out, 'Service', 'ledger').spec.ports[0].appProtocol).toBe('grpc');
  });

  test('proxy resource annotations, defaults and overrides', () => {
    const { app } = meshedShop(Mesh.sidecar({ istioCni: true, proxyCpu: { request: '50m' }, proxyMemory: { limit: '512Mi' } }));
    const out = synthApp(app);
    expect(one(out, 'Deployment', 'web').spec.template.metadata.annotations).toEqual({
      'sidecar.istio.io/proxyCPU': '50m',
      'sidecar.istio.io/proxyCPULimit': '500m',
      'sidecar.istio.io/proxyMemory': '128Mi',
      'sidecar.istio.io/proxyMemoryLimit': '512Mi',
    });
    expect(one(out, 'Deployment', 'ledger').spec.template.metadata.annotations).toBeUndefined();
  });

  test('the quota check counts the sidecar', () => {
    const { app, chart } = newChart();
    // 3 pods × (100m app + 100m proxy) = 600m: fits 600m, not 500m
    const ok = new IsolatedNamespace(chart, 'ok', { quota: { 'requests.cpu': '600m' }, mesh: Mesh.sidecar({ istioCni: true }) });
    new SecureApp(ok, 'web', { image: IMAGE, port: 80 });
    expect(() => synthApp(app)).not.toThrow();
    const tight = new IsolatedNamespace(chart, 'tight', { quota: { 'requests.cpu': '500m' }, mesh: Mesh.sidecar({ istioCni: true }) });
    new SecureApp(tight, 'web', { image: IMAGE, port: 80 });
    expect(() => synthApp(app)).toThrow(/ResourceQuota requests\.cpu is 500m but the apps inside need 600m \(test\/tight\/web: 3 pods \(2 replicas \+ 1 rollout surge\) × 200m\)/);
  });

  test('a sidecar limit above the LimitRange max is refused', () => {
    const { chart } = newChart();
    expect(() => new IsolatedNamespace(chart, 'shop', { mesh: Mesh.sidecar({ istioCni: true, proxyMemory: { limit: '8Gi' } }) }))
      .toThrow(/sidecar memory limit "8Gi" is above the LimitRange max "4Gi"/);
  });

  test('bad mesh options', () => {
    expect(() => new IsolatedNamespace(newChart().chart, 'shop', { mesh: Mesh.sidecar({ revision: 'bad revision!' }) })).toThrow(/mesh revision/);
    expect(() => new IsolatedNamespace(newChart().chart, 'shop', { mesh: Mesh.sidecar({ proxyCpu: { request: '1 core' } }) })).toThrow(/\[test\/shop\] proxyCpu\.request "1 core" is not a valid Kubernetes quantity\. Fix: /);
    expect(() => new IsolatedNamespace(newChart().chart, 'shop', { mesh: Mesh.sidecar({ proxyCpu: { request: '1' } }) }))
      .toThrow(/proxyCpu\.request "1" exceeds proxyCpu\.limit "500m"\. Fix: raise the limit or lower the request/);
    expect(() => new IsolatedNamespace(newChart().chart, 'shop', { mesh: Mesh.ambient({ mtls: 'OFF' as any }) }))
      .toThrow(/mtls "OFF" is not STRICT or PERMISSIVE\. Fix: /);
    expect(() => new SecureApp(newChart().chart, 'x', { image: IMAGE, mesh: true })).toThrow(/mesh is true but the app is not in a namespace with a mesh/);
  });
});

describe('Envoy statistics', () => {
  test('scrapeProxyMetrics opens 15090 to the Prometheus pods only; off by default', () => {
    const on = meshedShop(Mesh.sidecar({ istioCni: true, scrapeProxyMetrics: true }));
    expect(one(synthApp(on.app), 'NetworkPolicy', 'web').spec.ingress).toEqual([{
      from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } }, podSelector: { matchLabels: { 'app.kubernetes.io/name': 'prometheus' } } }],
      ports: [{ protocol: 'TCP', port: 15090 }],
    }]);
    const off = meshedShop();
    expect(one(synthApp(off.app), 'NetworkPolicy', 'web').spec.ingress).toEqual([]);
  });
});

test('allowIntraNamespace opens the mesh layer too: every app admits its own namespace on any port', () => {
  const { app, chart } = newChart();
  const ns = new IsolatedNamespace(chart, 'shop', { mesh: Mesh.sidecar({ istioCni: true }), allowIntraNamespace: true });
  const web = new SecureApp(ns, 'web', { name: 'web', image: IMAGE, port: 8080 });
  web.allowFrom(Peer.pods('istio-ingress', { istio: 'ingressgateway' }, { serviceAccount: 'istio-ingressgateway' }));
  expect(one(synthApp(app), 'AuthorizationPolicy', 'web').spec.rules).toEqual([
    { from: [{ source: { principals: ['cluster.local/ns/istio-ingress/sa/istio-ingressgateway'] } }], to: [{ operation: { ports: ['8080'] } }] },
    { from: [{ source: { namespaces: ['shop'] } }] },
  ]);
});
