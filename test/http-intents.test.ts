// An HTTP intent (methods, paths) becomes an AuthorizationPolicy `to.operation`, which Istio's
// sidecar can match only on a port it parses as HTTP. On a port its Service declares as anything
// else (appProtocol "tcp", the default for a port whose name announces no protocol), Istio ignores
// the ALLOW rule and every connection on the port is denied: refused when declared, with the fix.
import { Chart } from 'cdk8s';
import { IsolatedNamespace, Mesh, Protocol, SecureApp, SecureStatefulSet } from '../src';
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

const refusal = (port: string, appProtocol: string) =>
  `[shop-chart/shop/api] the HTTP intent from SecureApp shop-chart/shop/web to SecureApp shop-chart/shop/api cannot be enforced: port ${port} has appProtocol "${appProtocol}" on its Service, so the sidecar does not parse it as HTTP, and Istio ignores an ALLOW rule with methods or paths there: every connection on the port would be denied. Fix: set appProtocol: 'http' (or 'http2', 'grpc') on that port, or name it "http" or "http-<suffix>", or drop http to admit any traffic on the port.`;

describe('HTTP intents need a port the sidecar parses as HTTP', () => {
  test.each([
    ['the default main port name "http"', { port: 9000 }, undefined],
    ['a name announcing grpc', { port: 9000, portName: 'grpc-api' }, undefined],
    ['appProtocol http2 on a port named otherwise', { port: 9000, portName: 'api', appProtocol: 'http2' }, undefined],
    ['kubernetes.io/h2c', { port: 9000, portName: 'api', appProtocol: 'kubernetes.io/h2c' }, undefined],
  ])('allowed: %s', (_name, props, port) => {
    const { app, web, api } = pair(props);
    api.allowFrom(web, { http: HTTP, port });
    const out = synthApp(app);
    expectValidManifests(out);
    const rules = out.find((o) => o.kind === 'AuthorizationPolicy' && o.metadata.name === 'api').spec.rules;
    expect(rules[0].to).toEqual([{ operation: { ports: ['9000'], methods: ['GET'], paths: ['/api/*'] } }]);
  });

  test.each([
    ['a name announcing no protocol (appProtocol tcp)', { port: 9000, portName: 'api' }, '9000 ("api")', 'tcp'],
    ['appProtocol https (TLS to the app: the sidecar sees no requests)', { port: 9000, appProtocol: 'https' }, '9000 ("http")', 'https'],
    ['a name announcing redis', { port: 6379, portName: 'redis' }, '6379 ("redis")', 'redis'],
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
    expect(() => api.allowFrom(web, { http: HTTP, port: 5432 })).toThrow(refusal('5432 ("db")', 'tcp'));
    api.allowFrom(web, { http: HTTP, port: 9000 });
  });

  test('a port no Service targets is not judged (the sidecar detects its protocol)', () => {
    const { web, api } = pair({ port: 9000, ports: [{ name: 'admin', port: 9100, protocol: Protocol.TCP, exposeOnService: false }] });
    api.allowFrom(web, { http: HTTP, port: 9100 });
    expect(api._intents.connections.map((c) => c.port)).toEqual([9100]);
  });

  test('a StatefulSet is judged by its Services the same way', () => {
    const { ns, web } = pair({ port: 9000 });
    const db = new SecureStatefulSet(ns, 'db', { name: 'db', image: IMAGE, port: 5432, portName: 'pg' });
    expect(() => db.allowFrom(web, { http: HTTP })).toThrow(
      '[shop-chart/shop/db] the HTTP intent from SecureApp shop-chart/shop/web to SecureStatefulSet shop-chart/shop/db cannot be enforced: port 5432 ("pg") has appProtocol "tcp" on its Service');
  });
});
