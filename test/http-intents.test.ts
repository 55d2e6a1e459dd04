// An HTTP intent (methods, paths) becomes an AuthorizationPolicy `to.operation`, which Istio's
// sidecar can match only on a port it parses as HTTP (`carriesHttp`, reading the appProtocol the
// Service renderers write, `meshAppProtocol`): elsewhere it is refused when declared, with the fix.
import { Chart } from 'cdk8s';
import { IsolatedNamespace, Mesh, SecureApp, SecureStatefulSet } from '../src';
import type { SecureAppProps } from '../src';
import { expectValidManifests } from './support/schema';
import { newChart, synthApp } from './support/synth';

const IMAGE = 'ghcr.io/acme/app:1.0.0';
const HTTP = { methods: ['GET'], paths: ['/api/*'] };

function pair(api: Partial<SecureAppProps>) {
  const { app } = newChart();
  const ns = new IsolatedNamespace(new Chart(app, 'shop-chart'), 'shop', { mesh: Mesh.sidecar({ istioCni: true }) });
  const web = new SecureApp(ns, 'web', { name: 'web', image: IMAGE, port: 8080 });
  const target = new SecureApp(ns, 'api', { name: 'api', image: IMAGE, ...api });
  return { app, web, api: target, ns };
}

const refusal = (port: string, proxiedAs: string) =>
  `[shop-chart/shop/api] the HTTP intent from SecureApp shop-chart/shop/web to SecureApp shop-chart/shop/api cannot be enforced on port ${port}: Istio proxies it as ${proxiedAs}, not HTTP, so it never sees methods or paths. Fix: drop http and admit the port, or, if the port does serve HTTP, name it "http" (portName, or "http-<suffix>") or set appProtocol: "http".`;

describe('HTTP intents need a port the sidecar parses as HTTP', () => {
  test.each([
    ['the default main port name "http"', { port: 9000 }, 'http'],
    ['a name announcing grpc', { port: 9000, portName: 'grpc-api' }, 'grpc'],
    ['appProtocol http2 on a port named otherwise', { port: 9000, portName: 'api', appProtocol: 'http2' }, 'http2'],
    ['kubernetes.io/h2c', { port: 9000, portName: 'api', appProtocol: 'kubernetes.io/h2c' }, 'kubernetes.io/h2c'],
  ])('allowed: %s', (_name, props, appProtocol) => {
    const { app, web, api } = pair(props);
    api.allowFrom(web, { http: HTTP });
    const out = synthApp(app);
    // What the check accepted is what the Service tells the mesh.
    expect(out.find((o) => o.kind === 'Service' && o.metadata.name === 'api').spec.ports.map((p: any) => p.appProtocol)).toEqual([appProtocol]);
    expectValidManifests(out);
    const rules = out.find((o) => o.kind === 'AuthorizationPolicy' && o.metadata.name === 'api').spec.rules;
    expect(rules[0].to).toEqual([{ operation: { ports: ['9000'], methods: ['GET'], paths: ['/api/*'] } }]);
  });

  test.each([
    ['a name announcing no protocol (appProtocol tcp)', { port: 9000, portName: 'api' }, '9000/TCP ("api")', 'tcp'],
    ['appProtocol https (TLS to the app: the sidecar sees no requests)', { port: 9000, appProtocol: 'https' }, '9000/TCP ("http", appProtocol https)', 'https'],
    ['a name announcing redis', { port: 6379, portName: 'redis' }, '6379/TCP ("redis")', 'redis'],
  ])('refused: %s', (_name, props, port, appProtocol) => {
    const { web, api } = pair(props);
    expect(() => api.allowFrom(web, { http: HTTP })).toThrow(refusal(port, appProtocol));
    expect(api._intents.connections).toEqual([]);
    // The same intent at layer 4 is fine.
    api.allowFrom(web);
    expect(api._intents.connections).toHaveLength(1);
  });

  test('the check reads the port the intent names, not the main port', () => {
    const { web, api } = pair({ port: 9000, ports: [{ name: 'db', port: 5432 }] });
    expect(() => api.allowFrom(web, { http: HTTP, port: 5432 })).toThrow(refusal('5432/TCP ("db")', 'tcp'));
    api.allowFrom(web, { http: HTTP, port: 9000 });
  });

  test('a StatefulSet is judged the same way', () => {
    const { ns, web } = pair({ port: 9000 });
    const db = new SecureStatefulSet(ns, 'db', { name: 'db', image: IMAGE, port: 5432, portName: 'pg' });
    expect(() => db.allowFrom(web, { http: HTTP })).toThrow(
      '[shop-chart/shop/db] the HTTP intent from SecureApp shop-chart/shop/web to SecureStatefulSet shop-chart/shop/db cannot be enforced on port 5432/TCP ("pg"): Istio proxies it as tcp, not HTTP');
  });
});
