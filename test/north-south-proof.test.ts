import { Chart } from 'cdk8s';
import { ClusterSettings, Cni, Endpoint, Gateway, IngressController, IsolatedNamespace, ListenerProtocol, Mesh, NetworkModel, Peer, renderReport, SecureApp } from '../src';
import { matchers } from '../src/testing';
import { newChart, synthApp } from './support/synth';

expect.extend(matchers);

const IMAGE = 'ghcr.io/acme/app:1.0.0';
const gateway = Gateway.fromAttributes({
  name: 'public', namespace: 'gateways',
  listeners: [{ name: 'https', protocol: ListenerProtocol.HTTPS }],
  podLabels: { 'gateway.networking.k8s.io/gateway-name': 'public' },
  serviceAccount: 'public-istio',
});

function storefront(cni?: Cni) {
  const { app } = newChart();
  if (cni) ClusterSettings.apply(app, { cni });
  const ns = new IsolatedNamespace(new Chart(app, 'shop-chart'), 'shop', { quota: { 'limits.cpu': '20' }, ...(cni ? {} : { mesh: Mesh.sidecar({ istioCni: true }) }) });
  const web = new SecureApp(ns, 'web', { name: 'web', image: IMAGE, port: 8080 });
  const api = new SecureApp(ns, 'api', { name: 'api', image: IMAGE, port: 9000 });
  const other = new SecureApp(ns, 'other', { name: 'other', image: IMAGE, port: 7000 });
  web.exposeVia(gateway, { hostnames: ['shop.example.com'] });
  api.allowFrom(web);
  api.allowToHost('api.stripe.com', { port: 443 });
  return { app, web, api, other };
}

describe('proof tools know gateways and hosts', () => {
  test('toAllowTraffic(gateway, web): the route exists and the gateway pods are admitted on its port; not to an app it does not route to', () => {
    const { app, web, api } = storefront();
    expect(app).toAllowTraffic(gateway, web);
    expect(app).not.toAllowTraffic(gateway, api);
    expect(app).toAllowTraffic(gateway, web, { port: 8080 });
    expect(app).not.toAllowTraffic(gateway, api, { port: 9000 });
    const nginx = IngressController.fromAttributes({ ingressClassName: 'nginx', namespace: 'ingress-nginx', podLabels: { app: 'nginx' } });
    expect(app).not.toAllowTraffic(nginx, web);
  });

  test('toAllowTraffic(app, Endpoint.host(...)): sidecar path needs the ServiceEntry under REGISTRY_ONLY; others are denied', () => {
    const { app, api, web, other } = storefront();
    expect(app).toAllowTraffic(api, Endpoint.host('api.stripe.com'), { port: 443 });
    expect(app).not.toAllowTraffic(api, Endpoint.host('evil.example.com'), { port: 443 });
    expect(app).not.toAllowTraffic(api, Endpoint.host('api.stripe.com'), { port: 80 });
    expect(app).not.toAllowTraffic(web, Endpoint.host('api.stripe.com'), { port: 443 });
    expect(app).not.toAllowTraffic(other, Endpoint.host('api.stripe.com'), { port: 443 });
    const model = NetworkModel.fromManifests(synthApp(app));
    const verdict = model.check(Endpoint.workload('shop', 'api'), Endpoint.host('evil.example.com'), 443);
    expect(verdict.reasons).toEqual(['egress from shop/api to evil.example.com: denied; Sidecar shop/api is REGISTRY_ONLY and no ServiceEntry exported to shop names evil.example.com on 443']);
    expect(model.check(Endpoint.workload('shop', 'api'), Endpoint.host('api.stripe.com'), 443).reasons).toEqual([
      'egress from shop/api to api.stripe.com: allowed by NetworkPolicy shop/api spec.egress[2] on 443/TCP, held to the name by Sidecar shop/api (REGISTRY_ONLY) and ServiceEntry shop/api-api.stripe.com',
    ]);
  });

  test('Cilium: toFQDNs allows the host by name, and only it', () => {
    const { app, api, web } = storefront(Cni.CILIUM);
    expect(app).toAllowTraffic(api, Endpoint.host('api.stripe.com'), { port: 443 });
    expect(app).not.toAllowTraffic(api, Endpoint.host('api.stripe.com.evil.io'), { port: 443 });
    expect(app).not.toAllowTraffic(web, Endpoint.host('api.stripe.com'), { port: 443 });
    expect(NetworkModel.fromManifests(synthApp(app)).hostsOf(Endpoint.workload('shop', 'api'))).toEqual([
      { host: 'api.stripe.com', port: 443, via: 'CiliumNetworkPolicy shop/api-hosts' },
    ]);
  });

  test('the report shows who enters through which gateway, the hosts each workload reaches, and peers outside the manifests', () => {
    const { app, api } = storefront();
    api.allowTo(Peer.ipBlock('10.40.0.0/24'), { port: 5432 });
    const md = renderReport(synthApp(app));
    expect(md).toContain([
      '### Who enters through which gateway', '',
      '| Entry | Hostnames | Path | Backend | Workloads | Route |',
      '| --- | --- | --- | --- | --- | --- |',
      '| Gateway gateways/public | shop.example.com | / | Service shop/web:8080 | shop/web | HTTPRoute shop/web-public |',
    ].join('\n'));
    expect(md).toContain([
      '| Workload | Host | Port | Allowed by |',
      '| --- | --- | --- | --- |',
      '| shop/api | api.stripe.com | 443 | ServiceEntry shop/api-api.stripe.com, Sidecar shop/api (REGISTRY_ONLY) |',
    ].join('\n'));
    expect(md).toContain('| NetworkPolicy shop/web | ingress from | pods {gateway.networking.k8s.io/gateway-name=public} in namespace gateways | 8080/TCP |');
    expect(md).toContain('| NetworkPolicy shop/api | egress to | ipBlock 10.40.0.0/24 | 5432/TCP |');
    expect(md).toContain('| NetworkPolicy shop/api | egress to | ipBlock 0.0.0.0/0 except 169.254.169.254/32 | 443/TCP |');
    expect(md).toContain('| NetworkPolicy shop/web | egress to | pods {app=istiod} in namespace istio-system | 15012/TCP |');
    // web -> api is inside the manifests, so it is not listed as an outside peer.
    expect(md).not.toContain('| NetworkPolicy shop/api | ingress from | pods {app.kubernetes.io/instance=web}');
  });
});

describe('Peer.kubeApiServer', () => {
  test('egress to the API server endpoints on their port (443 unless told), and nothing else', () => {
    const { app } = newChart();
    const ns = new IsolatedNamespace(new Chart(app, 'ops-chart'), 'ops');
    const operator = new SecureApp(ns, 'operator', { name: 'operator', image: IMAGE });
    operator.allowTo(Peer.kubeApiServer({ cidr: '172.20.0.0/28', port: 6443 }));
    const kind = new SecureApp(ns, 'controller', { name: 'controller', image: IMAGE });
    kind.allowTo(Peer.kubeApiServer({ cidr: '10.0.0.1/32' }));
    const manifests = synthApp(app);
    const egress = (name: string) => manifests.find((m) => m.kind === 'NetworkPolicy' && m.metadata.name === name).spec.egress.slice(1);
    expect(egress('operator')).toEqual([{ to: [{ ipBlock: { cidr: '172.20.0.0/28' } }], ports: [{ protocol: 'TCP', port: 6443 }] }]);
    expect(egress('controller')).toEqual([{ to: [{ ipBlock: { cidr: '10.0.0.1/32' } }], ports: [{ protocol: 'TCP', port: 443 }] }]);
    expect(manifests).toAllowTraffic(Endpoint.workload('ops', 'operator'), Endpoint.ip('172.20.0.5'), { port: 6443 });
    expect(manifests).not.toAllowTraffic(Endpoint.workload('ops', 'operator'), Endpoint.ip('172.20.0.5'), { port: 443 });
  });

  test('a bad block or port is refused with the app path', () => {
    const { chart } = newChart();
    const app = new SecureApp(chart, 'op', { name: 'op', image: IMAGE });
    expect(() => app.allowTo(Peer.kubeApiServer({ cidr: '172.20.0.0/33' }))).toThrow(/^\[test\/op\] Peer.ipBlock cidr "172.20.0.0\/33" is not a CIDR block/);
    expect(() => app.allowTo(Peer.kubeApiServer({ cidr: '172.20.0.0/28', port: 70000 }))).toThrow('[test/op] Peer.kubeApiServer port 70000 is outside 1-65535. Fix: use a whole number from 1 to 65535.');
  });
});
