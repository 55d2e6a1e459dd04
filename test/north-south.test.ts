import { Chart } from 'cdk8s';
import { ClusterSettings, Cni, Gateway, HostProtocol, IngressController, IsolatedNamespace, ListenerProtocol, Mesh, Peer, SecureApp, SecureCronJob } from '../src';
import { expectValidManifests } from './support/schema';
import { all, DNS_RULE, newChart, one, synthApp } from './support/synth';

const IMAGE = 'ghcr.io/acme/app:1.0.0';

const gatewayAttrs = {
  name: 'public',
  namespace: 'gateways',
  listeners: [
    { name: 'https', protocol: ListenerProtocol.HTTPS, hostname: '*.example.com' },
    { name: 'http', protocol: ListenerProtocol.HTTP },
  ],
  sectionName: 'https',
  podLabels: { 'gateway.networking.k8s.io/gateway-name': 'public' },
  serviceAccount: 'public-istio',
};

function shop(mesh?: Mesh) {
  const { app } = newChart();
  const ns = new IsolatedNamespace(new Chart(app, 'shop-chart'), 'shop', mesh ? { mesh } : {});
  const web = new SecureApp(ns, 'web', { name: 'web', image: IMAGE, port: 8080, ports: [{ name: 'admin', port: 9901, servicePort: 81 }] });
  return { app, ns, web };
}

describe('exposeVia(Gateway)', () => {
  test('an HTTPRoute on the listener, ingress from the gateway pods only on the container port, the gateway principal admitted', () => {
    const { app, web } = shop(Mesh.sidecar({ istioCni: true }));
    web.exposeVia(Gateway.fromAttributes(gatewayAttrs), { hostnames: ['shop.example.com'], path: '/shop' });
    const manifests = synthApp(app);
    expectValidManifests(manifests);
    const route = one(manifests, 'HTTPRoute');
    expect(route.apiVersion).toBe('gateway.networking.k8s.io/v1');
    expect(route.metadata).toMatchObject({ name: 'web-public', namespace: 'shop' });
    expect(route.spec).toEqual({
      parentRefs: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'public', namespace: 'gateways', sectionName: 'https' }],
      hostnames: ['shop.example.com'],
      rules: [{
        matches: [{ path: { type: 'PathPrefix', value: '/shop' } }],
        backendRefs: [{ group: '', kind: 'Service', name: 'web', port: 8080 }],
      }],
    });
    // The route is in the app's namespace: the Gateway's allowedRoutes governs it, no grant.
    expect(all(manifests, 'ReferenceGrant')).toEqual([]);
    const np = one(manifests, 'NetworkPolicy', 'web');
    expect(np.spec.ingress).toEqual([{
      from: [{
        namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'gateways' } },
        podSelector: { matchLabels: { 'gateway.networking.k8s.io/gateway-name': 'public' } },
      }],
      ports: [{ protocol: 'TCP', port: 8080 }],
    }]);
    expect(one(manifests, 'AuthorizationPolicy', 'web').spec.rules).toEqual([
      { from: [{ source: { principals: ['cluster.local/ns/gateways/sa/public-istio'] } }], to: [{ operation: { ports: ['8080'] } }] },
    ]);
  });

  test('a route kept in the gateway namespace refers to a backend in another namespace: a ReferenceGrant in the app namespace admits it', () => {
    const { app, web } = shop();
    web.exposeVia(Gateway.fromAttributes(gatewayAttrs), { hostnames: ['shop.example.com'], routeNamespace: 'gateways' });
    const manifests = synthApp(app);
    expectValidManifests(manifests);
    const route = one(manifests, 'HTTPRoute');
    expect(route.metadata.namespace).toBe('gateways');
    expect(route.spec.rules[0]).toEqual({
      matches: [{ path: { type: 'PathPrefix', value: '/' } }],
      backendRefs: [{ group: '', kind: 'Service', name: 'web', namespace: 'shop', port: 8080 }],
    });
    const grant = one(manifests, 'ReferenceGrant');
    expect(grant.apiVersion).toBe('gateway.networking.k8s.io/v1');
    expect(grant.metadata).toMatchObject({ name: 'web-public', namespace: 'shop' });
    expect(grant.spec).toEqual({
      from: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', namespace: 'gateways' }],
      to: [{ group: '', kind: 'Service', name: 'web' }],
    });
  });

  test.each([
    [{ ...gatewayAttrs, sectionName: 'grpc' }, { hostnames: ['shop.example.com'] },
      'Gateway gateways/public has no listener "grpc" (it has "https", "http"). Fix: set sectionName to one of the listeners, or describe the listener in `listeners`.'],
    [{ ...gatewayAttrs, sectionName: 'http' }, { hostnames: ['shop.example.com'] },
      'Gateway gateways/public listener "http" is plain HTTP, so clients would reach shop.example.com without TLS. Fix: attach to an HTTPS listener with sectionName, or, if plain text is really meant, say so with allowPlainHttp: true on the Gateway.'],
    [{ ...gatewayAttrs, sectionName: undefined }, { hostnames: ['shop.example.com'] },
      'Gateway gateways/public listener "http" is plain HTTP, so clients would reach shop.example.com without TLS. Fix: attach to an HTTPS listener with sectionName, or, if plain text is really meant, say so with allowPlainHttp: true on the Gateway.'],
    [gatewayAttrs, { hostnames: ['com'] },
      'exposeVia(Gateway gateways/public) hostname "com" is a bare top-level name, which would not name one host. Fix: give the full name of the host, e.g. "api.com".'],
    [gatewayAttrs, { hostnames: ['Shop..example.com'] },
      'exposeVia(Gateway gateways/public) hostname "Shop..example.com" is not a valid DNS hostname (lowercase it: "shop..example.com"). Fix: use labels of at most 63 lowercase letters, digits and \'-\', separated by \'.\', optionally starting with "*." for a wildcard, e.g. "shop.example.com".'],
    [gatewayAttrs, { hostnames: ['shop.other.org'] },
      'hostname "shop.other.org" falls under no listener it attaches to ("https": *.example.com), so Gateway gateways/public would not route it. Fix: use a hostname under the listener\'s, or attach to another listener.'],
  ])('refused: %#', (attrs, options, message) => {
    const { web } = shop();
    expect(() => web.exposeVia(Gateway.fromAttributes(attrs as any), options)).toThrow(`[shop-chart/shop/web] ${message}`);
    expect(web._intents.connections).toEqual([]);
  });

  test('plain HTTP is admitted when the gateway says so, and a wildcard hostname under the listener is routed', () => {
    const { app, web } = shop();
    web.exposeVia(Gateway.fromAttributes({ ...gatewayAttrs, sectionName: 'http', allowPlainHttp: true }), { hostnames: ['*.example.com'] });
    const route = one(synthApp(app), 'HTTPRoute');
    expect(route.spec.parentRefs[0].sectionName).toBe('http');
    expect(route.spec.hostnames).toEqual(['*.example.com']);
  });
});

describe('exposeVia(IngressController): for clusters without the Gateway API', () => {
  const nginx = IngressController.fromAttributes({ ingressClassName: 'nginx', namespace: 'ingress-nginx', podLabels: { 'app.kubernetes.io/name': 'ingress-nginx' } });

  test('an Ingress with the class and TLS, a cert-manager Certificate for the hostnames, ingress from the controller pods only', () => {
    const { app, web } = shop();
    web.exposeVia(nginx, { hostnames: ['shop.example.com', 'www.example.com'], tlsSecretName: 'shop-tls', certificate: { issuerName: 'letsencrypt' } });
    const manifests = synthApp(app);
    expectValidManifests(manifests);
    const ingress = one(manifests, 'Ingress');
    expect(ingress.apiVersion).toBe('networking.k8s.io/v1');
    expect(ingress.metadata).toMatchObject({ name: 'web-nginx', namespace: 'shop' });
    const backend = { service: { name: 'web', port: { number: 8080 } } };
    expect(ingress.spec).toEqual({
      ingressClassName: 'nginx',
      tls: [{ hosts: ['shop.example.com', 'www.example.com'], secretName: 'shop-tls' }],
      rules: [
        { host: 'shop.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend }] } },
        { host: 'www.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend }] } },
      ],
    });
    const cert = one(manifests, 'Certificate');
    expect(cert.apiVersion).toBe('cert-manager.io/v1');
    expect(cert.metadata).toMatchObject({ name: 'web-nginx', namespace: 'shop' });
    expect(cert.spec).toEqual({
      secretName: 'shop-tls', dnsNames: ['shop.example.com', 'www.example.com'],
      issuerRef: { group: 'cert-manager.io', kind: 'ClusterIssuer', name: 'letsencrypt' },
    });
    expect(one(manifests, 'NetworkPolicy', 'web').spec.ingress).toEqual([{
      from: [{
        namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } },
        podSelector: { matchLabels: { 'app.kubernetes.io/name': 'ingress-nginx' } },
      }],
      ports: [{ protocol: 'TCP', port: 8080 }],
    }]);
  });

  test('a Gateway certificate lands in the gateway namespace, writing the Secret its listener names', () => {
    const { app, web } = shop();
    web.exposeVia(Gateway.fromAttributes(gatewayAttrs), { hostnames: ['shop.example.com'], tlsSecretName: 'shop-tls', certificate: { issuerName: 'internal-ca', issuerKind: 'Issuer' } });
    const manifests = synthApp(app);
    expectValidManifests(manifests);
    const cert = one(manifests, 'Certificate');
    expect(cert.metadata).toMatchObject({ name: 'web-public', namespace: 'gateways' });
    expect(cert.spec.issuerRef).toEqual({ group: 'cert-manager.io', kind: 'Issuer', name: 'internal-ca' });
  });

  test.each([
    [nginx, { hostnames: ['shop.example.com'] },
      'exposeVia(IngressClass nginx) has no TLS: an Ingress without a tls section serves shop.example.com over plain HTTP. Fix: pass tlsSecretName (and certificate: { issuerName } to have cert-manager issue it).'],
    [nginx, { hostnames: ['shop.example.com'], certificate: { issuerName: 'le' } },
      'exposeVia(IngressClass nginx) asks for a certificate but names no tlsSecretName for it to write. Fix: pass tlsSecretName (the Secret the Ingress serves).'],
    [Gateway.fromAttributes(gatewayAttrs), { hostnames: ['shop.example.com'], tlsSecretName: 'x' },
      'exposeVia(Gateway gateways/public) sets tlsSecretName, but a Gateway\'s listener holds its certificate (certificateRefs), not the route. Fix: drop tlsSecretName, or add certificate: { issuerName } to have cert-manager write that Secret in gateways.'],
  ])('refused: %#', (entry, options, message) => {
    const { web } = shop();
    // Each refusal names the app's path, then (among all problems found) this one.
    expect(() => web.exposeVia(entry as any, options)).toThrow(/^\[shop-chart\/shop\/web\] /);
    expect(() => web.exposeVia(entry as any, options)).toThrow(message);
    expect(web._intents.exposures).toEqual([]);
  });
});

describe('allowToHost', () => {
  test('sidecar mesh: a ServiceEntry, a REGISTRY_ONLY Sidecar, and egress to the port on every address but the metadata endpoints', () => {
    const { app, web } = shop(Mesh.sidecar({ istioCni: true }));
    web.allowToHost('api.stripe.com', { port: 443 });
    const manifests = synthApp(app);
    expectValidManifests(manifests);
    const se = one(manifests, 'ServiceEntry');
    expect(se.apiVersion).toBe('networking.istio.io/v1');
    expect(se.metadata).toMatchObject({ name: 'web-api.stripe.com', namespace: 'shop' });
    expect(se.spec).toEqual({
      hosts: ['api.stripe.com'], location: 'MESH_EXTERNAL', resolution: 'DNS', exportTo: ['.'],
      ports: [{ number: 443, name: 'tls-443', protocol: 'TLS' }],
    });
    const sidecar = one(manifests, 'Sidecar');
    expect(sidecar.metadata).toMatchObject({ name: 'web', namespace: 'shop' });
    expect(sidecar.spec).toEqual({ workloadSelector: { labels: { 'app.kubernetes.io/instance': 'web' } }, outboundTrafficPolicy: { mode: 'REGISTRY_ONLY' } });
    const egress = one(manifests, 'NetworkPolicy', 'web').spec.egress;
    expect(egress).toEqual([
      DNS_RULE,
      { to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'istio-system' } }, podSelector: { matchLabels: { app: 'istiod' } } }], ports: [{ protocol: 'TCP', port: 15012 }] },
      { to: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['169.254.169.254/32'] } }], ports: [{ protocol: 'TCP', port: 443 }] },
      { to: [{ ipBlock: { cidr: '::/0', except: ['fd00:ec2::254/128'] } }], ports: [{ protocol: 'TCP', port: 443 }] },
    ]);
  });

  test('Cilium: a CiliumNetworkPolicy with toFQDNs and the DNS rule its proxy needs, and no address hole', () => {
    const { app } = newChart();
    ClusterSettings.apply(app, { cni: Cni.CILIUM });
    const ns = new IsolatedNamespace(new Chart(app, 'shop-chart'), 'shop');
    const web = new SecureApp(ns, 'web', { name: 'web', image: IMAGE, port: 8080 });
    web.allowToHost('api.stripe.com', { port: 443 });
    web.allowToHost('*.s3.amazonaws.com', { port: 443 });
    web.allowToHost('status.example.com', { port: 80, protocol: HostProtocol.HTTP });
    const manifests = synthApp(app);
    expectValidManifests(manifests);
    const cnp = one(manifests, 'CiliumNetworkPolicy');
    expect(cnp.apiVersion).toBe('cilium.io/v2');
    expect(cnp.metadata).toMatchObject({ name: 'web-hosts', namespace: 'shop' });
    expect(cnp.spec).toEqual({
      endpointSelector: { matchLabels: { 'app.kubernetes.io/instance': 'web' } },
      egress: [
        {
          toEndpoints: [{ matchLabels: { 'k8s:io.kubernetes.pod.namespace': 'kube-system', 'k8s:k8s-app': 'kube-dns' } }],
          toPorts: [{ ports: [{ port: '53', protocol: 'ANY' }], rules: { dns: [{ matchPattern: '*' }] } }],
        },
        { toFQDNs: [{ matchName: 'api.stripe.com' }, { matchPattern: '*.s3.amazonaws.com' }], toPorts: [{ ports: [{ port: '443', protocol: 'TCP' }] }] },
        { toFQDNs: [{ matchName: 'status.example.com' }], toPorts: [{ ports: [{ port: '80', protocol: 'TCP' }] }] },
      ],
    });
    expect(one(manifests, 'NetworkPolicy', 'web').spec.egress).toEqual([DNS_RULE]);
    expect(all(manifests, 'ServiceEntry')).toEqual([]);
  });

  test('every workload kind has it: a CronJob in a sidecar mesh gets the same ServiceEntry, Sidecar and egress', () => {
    const { app } = newChart();
    const ns = new IsolatedNamespace(new Chart(app, 'shop-chart'), 'shop', { mesh: Mesh.sidecar({ istioCni: true }) });
    const report = new SecureCronJob(ns, 'report', { name: 'report', image: IMAGE, schedule: '0 3 * * *', activeDeadlineSeconds: 600 });
    report.allowToHost('api.stripe.com', { port: 443 });
    const manifests = synthApp(app);
    expectValidManifests(manifests);
    expect(one(manifests, 'ServiceEntry').spec.hosts).toEqual(['api.stripe.com']);
    expect(one(manifests, 'Sidecar').spec.workloadSelector).toEqual({ labels: { 'app.kubernetes.io/instance': 'report' } });
    expect(one(manifests, 'NetworkPolicy', 'report').spec.egress.slice(-2)).toEqual([
      { to: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['169.254.169.254/32'] } }], ports: [{ protocol: 'TCP', port: 443 }] },
      { to: [{ ipBlock: { cidr: '::/0', except: ['fd00:ec2::254/128'] } }], ports: [{ protocol: 'TCP', port: 443 }] },
    ]);
  });

  test.each([
    [undefined, 'api.stripe.com', 'allowToHost("api.stripe.com") has no way to be enforced: a plain NetworkPolicy matches addresses, not names, and the workload is not behind an Istio sidecar that could. Fix: allow the host\'s addresses with allowTo(Peer.ipBlock(\'203.0.113.0/24\'), { port }), or say the cluster runs Cilium with ClusterSettings.apply(app, { cni: Cni.CILIUM }), or put the workload in a sidecar mesh (IsolatedNamespace with mesh: Mesh.sidecar()).'],
    [Mesh.ambient(), 'api.stripe.com', 'allowToHost("api.stripe.com") has no way to be enforced: the workload is in ambient mode, where ztunnel has no REGISTRY_ONLY policy to hold it to named hosts, and a plain NetworkPolicy cannot match names. Fix: allow the host\'s addresses with allowTo(Peer.ipBlock(\'203.0.113.0/24\'), { port }), or say the cluster runs Cilium with ClusterSettings.apply(app, { cni: Cni.CILIUM }), or put the workload in a sidecar mesh (IsolatedNamespace with mesh: Mesh.sidecar()).'],
    [Mesh.sidecar({ istioCni: true }), '*.stripe.com', 'allowToHost("*.stripe.com"): an Istio ServiceEntry with DNS resolution cannot resolve a wildcard, so the sidecar could not forward to it. Fix: name each host in full, or let Cilium enforce it (ClusterSettings.apply(app, { cni: Cni.CILIUM })).'],
    [Mesh.sidecar({ istioCni: true }), 'localhost', 'allowToHost hostname "localhost" is a bare top-level name, which would not name one host. Fix: give the full name of the host, e.g. "api.localhost".'],
    [Mesh.sidecar({ istioCni: true }), '10.0.0.1', 'allowToHost hostname "10.0.0.1" is an IP address, not a hostname. Fix: name the host by DNS name, or allow the address with Peer.ipBlock("10.0.0.1/32").'],
  ])('refused: %#', (mesh, host, message) => {
    const { web } = shop(mesh);
    expect(() => web.allowToHost(host, { port: 443 })).toThrow(`[shop-chart/shop/web] ${message}`);
    expect(web._intents.hosts).toEqual([]);
  });
});

describe('HTTP-level intents', () => {
  function meshedPair(mesh: Mesh) {
    const { app } = newChart();
    const ns = new IsolatedNamespace(new Chart(app, 'shop-chart'), 'shop', { mesh });
    const web = new SecureApp(ns, 'web', { name: 'web', image: IMAGE, port: 8080 });
    const api = new SecureApp(ns, 'api', { name: 'api', image: IMAGE, port: 9000 });
    return { app, web, api };
  }

  test('allowFrom(peer, { http }) becomes to.operation methods and paths, in a rule of its own; the NetworkPolicy stays L4', () => {
    const { app, web, api } = meshedPair(Mesh.sidecar({ istioCni: true }));
    api.allowFrom(web, { http: { methods: ['GET', 'POST'], paths: ['/api/orders/*'] } });
    api.allowFrom(Peer.pods('ops', { app: 'probe' }, { serviceAccount: 'probe' }), { port: 9000 });
    const manifests = synthApp(app);
    expectValidManifests(manifests);
    expect(one(manifests, 'AuthorizationPolicy', 'api').spec.rules).toEqual([
      { from: [{ source: { principals: ['cluster.local/ns/shop/sa/web'] } }], to: [{ operation: { ports: ['9000'], methods: ['GET', 'POST'], paths: ['/api/orders/*'] } }] },
      { from: [{ source: { principals: ['cluster.local/ns/ops/sa/probe'] } }], to: [{ operation: { ports: ['9000'] } }] },
    ]);
    expect(one(manifests, 'NetworkPolicy', 'api').spec.ingress[0]).toEqual({
      from: [{ podSelector: { matchLabels: { 'app.kubernetes.io/instance': 'web' } } }], ports: [{ protocol: 'TCP', port: 9000 }],
    });
  });

  test.each([
    ['outside the mesh', undefined, { methods: ['GET'] },
      'the HTTP intent from SecureApp shop-chart/shop/web to SecureApp shop-chart/shop/api cannot be enforced: SecureApp shop-chart/shop/api is not in the mesh, and NetworkPolicy works at layer 4 (addresses and ports), so it cannot tell methods or paths apart. Fix: put the app in a namespace with mesh: Mesh.sidecar(), or drop http.'],
    ['ambient without a waypoint', Mesh.ambient(), { paths: ['/api/*'] },
      'the HTTP intent from SecureApp shop-chart/shop/web to SecureApp shop-chart/shop/api cannot be enforced: SecureApp shop-chart/shop/api is in ambient mode, where ztunnel sees only layer 4 and HTTP rules need a waypoint proxy, which this library does not deploy. Fix: use Mesh.sidecar() for this namespace, or drop http (the AuthorizationPolicy then admits the port).'],
    ['a method that is not one', Mesh.sidecar({ istioCni: true }), { methods: ['get'] },
      'the HTTP intent from SecureApp shop-chart/shop/web to SecureApp shop-chart/shop/api has method "get", which is not an HTTP method. Fix: use GET, HEAD, POST, PUT, DELETE, PATCH, OPTIONS, CONNECT, TRACE (upper case).'],
    ['a path Istio cannot match', Mesh.sidecar({ istioCni: true }), { paths: ['/a/*/b'] },
      'the HTTP intent from SecureApp shop-chart/shop/web to SecureApp shop-chart/shop/api has path "/a/*/b", which Istio cannot match. Fix: use an exact path ("/api/orders"), a prefix ending in \'*\' ("/api/*") or a suffix starting with \'*\' ("*.png").'],
  ])('refused: %s', (_, mesh, http, message) => {
    const { app } = newChart();
    const ns = new IsolatedNamespace(new Chart(app, 'shop-chart'), 'shop', mesh ? { mesh } : {});
    const web = new SecureApp(ns, 'web', { name: 'web', image: IMAGE, port: 8080 });
    const api = new SecureApp(ns, 'api', { name: 'api', image: IMAGE, port: 9000 });
    expect(() => api.allowFrom(web, { http })).toThrow(`[shop-chart/shop/api] ${message}`);
    expect(api._intents.connections).toEqual([]);
  });
});
