import { Chart } from 'cdk8s';
import {
  Gateway, IsolatedNamespace, ListenerProtocol, Mesh, MonitoredService, Protocol, RbacSubject, runRules, SecureApp, SecureStatefulSet,
  ServiceType,
} from '../src';
import { expectValidManifests } from './support/schema';
import { all, newChart, one, synthApp } from './support/synth';
import { thrown } from './support/thrown';

const IMAGE = 'ghcr.io/acme/app:1.0.0';
const PG = 'postgres:16.4';

describe('several Services for one workload (addService)', () => {
  test("Online Boutique's frontend-external: a LoadBalancer on port 80 beside the ClusterIP frontend", () => {
    const { app, chart } = newChart();
    const ns = new IsolatedNamespace(chart, 'boutique', { allowLoadBalancers: true, allowNodePorts: true });
    const frontend = new SecureApp(ns, 'frontend', { name: 'frontend', image: IMAGE, port: 8080 });
    const external = frontend.addService('frontend-external', { type: ServiceType.LOAD_BALANCER, ports: [{ port: 80, targetPort: 8080 }] });
    const out = synthApp(app);
    expect(one(out, 'Service', 'frontend').spec).toEqual({
      type: 'ClusterIP', selector: { 'app.kubernetes.io/instance': 'frontend' }, ports: [{ name: 'http', port: 8080, targetPort: 'http', protocol: 'TCP' }],
    });
    expect(one(out, 'Service', 'frontend-external')).toEqual({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: {
        name: 'frontend-external',
        namespace: 'boutique',
        // No instance label: the app's own Service stays the only one a ServiceMonitor selects.
        labels: { 'app.kubernetes.io/version': '1.0.0', 'app.kubernetes.io/part-of': 'boutique', 'app.kubernetes.io/name': 'frontend', 'app.kubernetes.io/managed-by': 'cdk8s-secure' },
      },
      spec: { type: 'LoadBalancer', selector: { 'app.kubernetes.io/instance': 'frontend' }, ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }] },
    });
    expect(external.name).toBe('frontend-external');
    expectValidManifests(out);
  });

  test('ports default to the workload Service\'s; in a mesh they carry appProtocol', () => {
    const { app, chart } = newChart();
    const ns = new IsolatedNamespace(chart, 'shop', { mesh: Mesh.sidecar({ istioCni: true }) });
    const api = new SecureApp(ns, 'api', { name: 'api', image: IMAGE, port: 8080, ports: [{ name: 'grpc', port: 9090 }] });
    api.addService('api-internal');
    expect(one(synthApp(app), 'Service', 'api-internal').spec.ports).toEqual([
      { name: 'http', port: 8080, targetPort: 'http', protocol: 'TCP', appProtocol: 'http' },
      { name: 'grpc', port: 9090, targetPort: 'grpc', protocol: 'TCP', appProtocol: 'grpc' },
    ]);
  });

  test('the quota counts LoadBalancer Services one each, and node ports per port', () => {
    const { app, chart } = newChart();
    const ns = new IsolatedNamespace(chart, 'shop', { quota: { 'services.loadbalancers': '1', 'services.nodeports': '2' } });
    const web = new SecureApp(ns, 'web', { name: 'web', image: IMAGE, port: 8080, ports: [{ name: 'admin', port: 9000 }], serviceType: ServiceType.NODE_PORT });
    web.addService('web-external', { type: ServiceType.LOAD_BALANCER, ports: [{ port: 80, targetPort: 8080 }, { port: 443, targetPort: 8080, name: 'https' }] });
    web.addService('web-public', { type: ServiceType.LOAD_BALANCER, ports: [{ port: 80, targetPort: 8080 }] });
    let message = '';
    try { synthApp(app); } catch (e) { message = (e as Error).message; }
    expect(message).toContain('ResourceQuota services.loadbalancers is 1 but the apps inside need 2 (test/shop/web/Service-web-external: 1 LoadBalancer Service; test/shop/web/Service-web-public: 1 LoadBalancer Service)');
    expect(message).toContain('ResourceQuota services.nodeports is 2 but the apps inside need 5 (test/shop/web: 2 node ports (2 of a NodePort Service); test/shop/web/Service-web-external: 2 node ports (2 of a LoadBalancer Service); test/shop/web/Service-web-public: 1 node port (1 of a LoadBalancer Service))');
  });

  test('a quota that fits passes; ClusterIP Services count nothing', () => {
    const { app, chart } = newChart();
    const ns = new IsolatedNamespace(chart, 'shop', { quota: { 'services.loadbalancers': '1', 'services.nodeports': '2' } });
    const web = new SecureApp(ns, 'web', { name: 'web', image: IMAGE, port: 8080 });
    web.addService('web-external', { type: ServiceType.LOAD_BALANCER, ports: [{ port: 80, targetPort: 8080 }, { port: 443, targetPort: 8080, name: 'https' }] });
    web.addService('web-internal');
    expect(all(synthApp(app), 'Service').map((s) => s.metadata.name)).toEqual(['web', 'web-external', 'web-internal']);
  });

  test('a repeated (port, protocol) pair is refused, in an added Service and in the workload\'s own', () => {
    const { chart } = newChart({ namespace: 'shop' });
    const web = new SecureApp(chart, 'web', { name: 'web', image: IMAGE, port: 8080, ports: [{ name: 'admin', port: 9000 }] });
    expect(thrown(() => web.addService('web-external', { ports: [{ port: 80, targetPort: 8080 }, { port: 80, targetPort: 9000 }] }))).toBe(
      '[test/web] Service web-external has port 80/TCP twice ("http" and "admin"); the API server refuses a Service that repeats a port and protocol. Fix: give each Service port its own number (servicePort), or expose only one of them.',
    );
    expect(thrown(() => new SecureApp(chart, 'api', { image: IMAGE, port: 8080, ports: [{ name: 'admin', port: 9000, servicePort: 8080 }] }))).toBe(
      '[test/api] the workload\'s Service has port 8080/TCP twice ("http" and "admin"); the API server refuses a Service that repeats a port and protocol. Fix: give each Service port its own number (servicePort), or expose only one of them.',
    );
    // The same number over UDP is another pair.
    const dns = new SecureApp(chart, 'dns', { image: IMAGE, port: 5353, portName: 'dns-tcp', ports: [{ name: 'dns', port: 5353, protocol: Protocol.UDP }] });
    expect(dns.addService('dns-external', { ports: [{ port: 53, targetPort: 5353, protocol: Protocol.TCP, name: 'dns-tcp' }, { port: 53, targetPort: 5353, protocol: Protocol.UDP, name: 'dns' }] }).name).toBe('dns-external');
  });

  test('every Service name must be a DNS-1035 label (3scale is not one)', () => {
    const { chart } = newChart({ namespace: 'shop' });
    const web = new SecureApp(chart, 'web', { name: 'web', image: IMAGE, port: 8080 });
    expect(thrown(() => web.addService('3scale'))).toBe(
      '[test/web] addService("3scale") name "3scale" is not a valid DNS-1035 label, which Kubernetes requires of a Service name. Fix: use at most 63 lowercase letters, digits and \'-\', starting with a letter and ending with a letter or digit (e.g. "svc-3scale").',
    );
    // A workload named 3scale is a valid Deployment, but its Service takes the name.
    expect(thrown(() => new SecureApp(chart, 'gw', { name: '3scale', image: IMAGE, port: 8080 }))).toBe(
      '[test/gw] name "3scale" is not a valid DNS-1035 label, which Kubernetes requires of a Service name; the workload\'s Service takes its name. Fix: set serviceName to a DNS-1035 label (keeping name "3scale" for the workload), or use at most 63 lowercase letters, digits and \'-\', starting with a letter and ending with a letter or digit (e.g. "svc-3scale").',
    );
    expect(thrown(() => new SecureApp(chart, 'gw2', { name: 'gw2', serviceName: '3scale', image: IMAGE, port: 8080 }))).toContain('serviceName "3scale" is not a valid DNS-1035 label');
    const ok = new SecureApp(chart, 'gw3', { name: '3scale', serviceName: 'threescale', image: IMAGE, port: 8080 });
    expect(ok.serviceName).toBe('threescale');
    // Without ports there is no Service, so the name is only the Deployment's.
    expect(new SecureApp(chart, 'worker', { name: '3worker', image: IMAGE }).name).toBe('3worker');
  });

  test('other bad input: own name, added twice, unknown target port, bad type, no ports, no port list', () => {
    const { chart } = newChart({ namespace: 'shop' });
    const web = new SecureApp(chart, 'web', { name: 'web', image: IMAGE, port: 8080 });
    expect(thrown(() => web.addService('web'))).toContain('addService("web"): "web" is the workload\'s own Service. Fix: give the added Service another name');
    web.addService('web-2');
    expect(thrown(() => web.addService('web-2'))).toContain('addService("web-2"): a Service "web-2" was already added. Fix: add each Service once, with all its ports.');
    expect(thrown(() => web.addService('web-3', { ports: [{ port: 80, targetPort: 8081 }] }))).toContain(
      'Service web-3 ports[0] targets container port 8081/TCP, which the workload does not declare (it has 8080/TCP (http)). Fix: set targetPort to one of those',
    );
    expect(thrown(() => web.addService('web-4', { type: 'External' as any }))).toBe(
      '[test/web] addService("web-4") options.type must be exactly "ClusterIP", "NodePort", "LoadBalancer", got "External". Fix: use one of those (case matters).',
    );
    expect(thrown(() => web.addService('web-5', { ports: [] }))).toContain('Service web-5 has no ports.');
    expect(thrown(() => web.addService('web-6', { ports: [{ port: '80' as any }] }))).toBe(
      '[test/web] addService("web-6") options.ports[0].port must be a number, got "80". Fix: pass a whole number, not text.',
    );
    const worker = new SecureApp(chart, 'worker', { name: 'worker', image: IMAGE });
    // A worker has no Service of its own, so its name is free; what it lacks is a port.
    expect(thrown(() => worker.addService('worker'))).toBe('[test/worker] addService("worker"): the workload has no container port for a Service to send to. Fix: give it a `port` (or `ports`).');
    expect(thrown(() => worker.addService('worker-svc'))).toContain('addService("worker-svc"): the workload has no container port for a Service to send to.');
  });
});

describe('decoupled workload, ServiceAccount and Service names (Bookinfo details)', () => {
  const { app, chart } = newChart();
  const ns = new IsolatedNamespace(chart, 'bookinfo', { mesh: Mesh.sidecar({ istioCni: true }) });
  const details = new SecureApp(ns, 'details', { name: 'details-v1', serviceName: 'details', serviceAccountName: 'bookinfo-details', image: IMAGE, port: 9080 });
  const productpage = new SecureApp(ns, 'productpage', { name: 'productpage', image: IMAGE, port: 9080 });
  productpage.allowTo(details);
  details.allowTo(productpage);
  details.exposeVia(Gateway.fromAttributes({
    name: 'public', namespace: 'gateways', listeners: [{ name: 'http', protocol: ListenerProtocol.HTTP }],
    podLabels: { 'gateway.networking.k8s.io/gateway-name': 'public' }, serviceAccount: 'public-istio', allowPlainHttp: true,
  }), { hostnames: ['details.example.com'] });
  const out = synthApp(app);

  test('the Deployment, Service and ServiceAccount each have their own name', () => {
    const d = one(out, 'Deployment', 'details-v1');
    expect(d.spec.selector).toEqual({ matchLabels: { 'app.kubernetes.io/instance': 'details-v1' } });
    expect(d.spec.template.spec.serviceAccountName).toBe('bookinfo-details');
    expect(one(out, 'ServiceAccount', 'bookinfo-details').automountServiceAccountToken).toBe(false);
    expect(out.some((m) => m.kind === 'ServiceAccount' && m.metadata.name === 'details-v1')).toBe(false);
    expect(one(out, 'Service', 'details').spec.selector).toEqual({ 'app.kubernetes.io/instance': 'details-v1' });
    expect(out.some((m) => m.kind === 'Service' && m.metadata.name === 'details-v1')).toBe(false);
    // Policies and the PDB keep the workload's name.
    for (const kind of ['NetworkPolicy', 'AuthorizationPolicy', 'PodDisruptionBudget']) expect(one(out, kind, 'details-v1').metadata.namespace).toBe('bookinfo');
  });

  test('mesh principals name the ServiceAccount, on both ends', () => {
    expect(one(out, 'AuthorizationPolicy', 'productpage').spec.rules).toEqual([
      { from: [{ source: { principals: ['cluster.local/ns/bookinfo/sa/bookinfo-details'] } }], to: [{ operation: { ports: ['9080'] } }] },
    ]);
    expect(one(out, 'AuthorizationPolicy', 'details-v1').spec.rules).toContainEqual(
      { from: [{ source: { principals: ['cluster.local/ns/bookinfo/sa/productpage'] } }], to: [{ operation: { ports: ['9080'] } }] },
    );
  });

  test('routes send to the Service by its name', () => {
    const route = one(out, 'HTTPRoute');
    expect(route.metadata.name).toBe('details-v1-public');
    expect(route.spec.rules[0].backendRefs).toEqual([{ group: '', kind: 'Service', name: 'details', port: 9080 }]);
  });

  test('the held-out rules find the ServiceAccount the pod names; everything validates', () => {
    const token = runRules(out).find((r) => r.rule === 'service-account-token')!;
    expect(token.checked).toBeGreaterThanOrEqual(2);
    expect(token.failed).toBe(0);
    expect(token.findings).toEqual([]);
    expectValidManifests(out);
  });

  test('the defaults keep one name for all three', () => {
    const p = one(out, 'Deployment', 'productpage');
    expect(p.spec.template.spec.serviceAccountName).toBe('productpage');
    expect(one(out, 'ServiceAccount', 'productpage').metadata.name).toBe('productpage');
    expect(one(out, 'Service', 'productpage').metadata.name).toBe('productpage');
    expect(productpage.serviceName).toBe('productpage');
    expect(productpage.serviceAccountName).toBe('productpage');
  });

  test('a StatefulSet names its client and headless Services after serviceName', () => {
    const { app: a2, chart: c2 } = newChart({ namespace: 'data' });
    new SecureStatefulSet(c2, 'db', { name: 'db-primary', serviceName: 'db', serviceAccountName: 'db-sa', image: PG, port: 5432 });
    const o = synthApp(a2);
    expect(one(o, 'StatefulSet', 'db-primary').spec.serviceName).toBe('db-headless');
    expect(one(o, 'Service', 'db-headless').spec.clusterIP).toBe('None');
    expect(one(o, 'Service', 'db').spec.selector).toEqual({ 'app.kubernetes.io/instance': 'db-primary' });
    expect(one(o, 'StatefulSet', 'db-primary').spec.template.spec.serviceAccountName).toBe('db-sa');
  });

  test('the ServiceMonitor job (alert rules) follows the Service name', () => {
    const { app: a3, chart: c3 } = newChart({ namespace: 'shop' });
    new MonitoredService(c3, 'api', { name: 'api-v2', serviceName: 'api', image: IMAGE, port: 8080, metrics: { port: 9090 } });
    const rules = JSON.stringify(one(synthApp(a3), 'PrometheusRule').spec);
    expect(rules).toContain('job=\\"api\\"');
    expect(rules).not.toContain('job=\\"api-v2\\"');
  });

  test('a RoleBinding for a workload binds its ServiceAccount, not its name', () => {
    const { app: a6, chart: c6 } = newChart();
    const deployer = new SecureApp(new IsolatedNamespace(c6, 'ops'), 'deployer', { name: 'deployer-v2', serviceAccountName: 'deployer', image: IMAGE });
    new IsolatedNamespace(c6, 'shop', { editors: [RbacSubject.fromWorkload(deployer)] });
    const binding = all(synthApp(a6), 'RoleBinding').find((r) => r.metadata.namespace === 'shop')!;
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'deployer', namespace: 'ops' }]);
    expect(binding.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'edit' });
  });

  test('two workloads with one ServiceAccount name collide; bad names are refused', () => {
    const { app: a4, chart: c4 } = newChart({ namespace: 'shop' });
    new SecureApp(c4, 'a', { name: 'a', serviceAccountName: 'shared', image: IMAGE, port: 8080 });
    new SecureApp(c4, 'b', { name: 'b', serviceAccountName: 'shared', image: IMAGE, port: 8080 });
    expect(() => synthApp(a4)).toThrow('[test/b] ServiceAccount shop/shared is written twice, by test/a/ServiceAccount and by test/b/ServiceAccount; the second would replace the first when applied. Fix: give one of them another `name` or `serviceAccountName` (or put them in different namespaces).');
    const c5 = new Chart(newChart().app, 'c5');
    expect(thrown(() => new SecureApp(c5, 'x', { image: IMAGE, serviceAccountName: 'Bad_SA' }))).toContain('serviceAccountName "Bad_SA" is not a valid DNS-1123 subdomain');
    expect(thrown(() => new SecureApp(c5, 'y', { image: IMAGE, serviceName: 7 as any }))).toContain('serviceName must be a string');
  });
});

describe('defaults that fit the port', () => {
  test('a meshed postgres on 5432 is tcp-postgres with appProtocol tcp, not http', () => {
    const { app, chart } = newChart();
    const ns = new IsolatedNamespace(chart, 'data', { mesh: Mesh.sidecar({ istioCni: true }) });
    new SecureStatefulSet(ns, 'db', { name: 'db', image: PG, port: 5432 });
    const out = synthApp(app);
    expect(one(out, 'StatefulSet', 'db').spec.template.spec.containers[0].ports).toEqual([{ name: 'tcp-postgres', containerPort: 5432, protocol: 'TCP' }]);
    expect(one(out, 'Service', 'db').spec.ports).toEqual([{ name: 'tcp-postgres', port: 5432, targetPort: 'tcp-postgres', protocol: 'TCP', appProtocol: 'tcp' }]);
    expect(one(out, 'Service', 'db-headless').spec.ports).toEqual([{ name: 'tcp-postgres', port: 5432, targetPort: 'tcp-postgres', protocol: 'TCP', appProtocol: 'tcp' }]);
    expectValidManifests(out);
  });

  test.each([[3306, 'tcp-mysql'], [6379, 'tcp-redis'], [27017, 'tcp-mongo'], [9092, 'tcp-kafka'], [8080, 'http'], [9080, 'http']])('port %d is named %s', (port, name) => {
    const { chart } = newChart({ namespace: 'x' });
    expect(new SecureApp(chart, 'a', { image: IMAGE, port }).ports[0].name).toBe(name);
  });

  test('explicit portName and appProtocol win', () => {
    const { app, chart } = newChart();
    const ns = new IsolatedNamespace(chart, 'data', { mesh: Mesh.sidecar({ istioCni: true }) });
    new SecureApp(ns, 'pgweb', { name: 'pgweb', image: IMAGE, port: 5432, portName: 'http' });
    new SecureApp(ns, 'pg', { name: 'pg', image: IMAGE, port: 5432, appProtocol: 'postgresql' });
    const out = synthApp(app);
    expect(one(out, 'Service', 'pgweb').spec.ports).toEqual([{ name: 'http', port: 5432, targetPort: 'http', protocol: 'TCP', appProtocol: 'http' }]);
    expect(one(out, 'Service', 'pg').spec.ports).toEqual([{ name: 'tcp-postgres', port: 5432, targetPort: 'tcp-postgres', protocol: 'TCP', appProtocol: 'postgresql' }]);
  });

  test('UDP and SCTP ports never get appProtocol http, whatever their name', () => {
    const { app, chart } = newChart();
    const ns = new IsolatedNamespace(chart, 'net', { mesh: Mesh.sidecar({ istioCni: true }) });
    new SecureApp(ns, 'dns', { name: 'dns', image: IMAGE, port: 8080, ports: [{ name: 'http-udp', port: 5353, protocol: Protocol.UDP }, { name: 'sig', port: 3868, protocol: Protocol.SCTP }] });
    expect(one(synthApp(app), 'Service', 'dns').spec.ports.map((p: any) => [p.name, p.appProtocol])).toEqual([['http', 'http'], ['http-udp', 'udp'], ['sig', 'sctp']]);
  });

  test('an HTTP intent on a port that is not HTTP is refused with the fix', () => {
    const { chart } = newChart();
    const ns = new IsolatedNamespace(chart, 'data', { mesh: Mesh.sidecar({ istioCni: true }) });
    const db = new SecureStatefulSet(ns, 'db', { name: 'db', image: PG, port: 5432 });
    const api = new SecureApp(ns, 'api', { name: 'api', image: IMAGE, port: 8080 });
    expect(thrown(() => db.allowFrom(api, { http: { methods: ['GET'] } }))).toBe(
      '[test/data/db] the HTTP intent from SecureApp test/data/api to SecureStatefulSet test/data/db cannot be enforced on port 5432/TCP ("tcp-postgres"): Istio proxies it as tcp, not HTTP, so it never sees methods or paths. Fix: drop http and admit the port, or, if the port does serve HTTP, name it "http" (portName, or "http-<suffix>") or set appProtocol: "http".',
    );
    const web = new SecureApp(ns, 'web', { name: 'web', image: IMAGE, port: 8080, ports: [{ name: 'grpc', port: 9090 }, { name: 'raw', port: 7000, appProtocol: 'http' }] });
    api.allowTo(web, { http: { methods: ['GET'] } });
    api.allowTo(web, { port: 9090, http: { paths: ['/pkg.Svc/*'] } });
    api.allowTo(web, { port: 7000, http: { methods: ['POST'] } });
    expect(web.declaredConnections.map((c) => c.port)).toEqual([8080, 9090, 7000]);
  });
});
