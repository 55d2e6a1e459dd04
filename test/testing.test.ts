import { ApiObject, Chart, Testing } from 'cdk8s';
import { IsolatedNamespace, PodSecurityLevel, SecureApp } from '../src';
import { Endpoint, HASH_PLACEHOLDER, installMatchers, manifestsOf, stableSnapshot } from '../src/testing';

installMatchers();

const IMAGE = 'ghcr.io/acme/app:1.0.0';

/** web and api in one chart (namespace-less: they land in "default"); api admits web. */
function webAndApi() {
  const app = Testing.app();
  const chart = new Chart(app, 'shop');
  const web = new SecureApp(chart, 'web', { name: 'web', image: IMAGE, port: 8080 });
  const api = new SecureApp(chart, 'api', { name: 'api', image: IMAGE, port: 9000, portName: 'grpc' });
  api.allowFrom(web);
  return { app, chart, web, api };
}

/** The message jest prints when `assertion` fails. */
function failureOf(assertion: () => void): string {
  try {
    assertion();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected the assertion to fail, but it passed');
}

describe('toAllowTraffic', () => {
  const { chart, web, api } = webAndApi();

  test('declared flows are allowed; everything else is not', () => {
    expect(chart).toAllowTraffic(web, api, { port: 9000 });
    expect(chart).toAllowTraffic(web, api, { port: 'grpc' });
    expect(chart).not.toAllowTraffic(api, web, { port: 8080 });
    expect(chart).not.toAllowTraffic(web, api, { port: 9001 });
    expect(chart).not.toAllowTraffic(web, api, { port: 9000, protocol: 'UDP' });
    expect(chart).not.toAllowTraffic(Endpoint.ip('203.0.113.7'), api, { port: 9000 });
    expect(chart).toAllowTraffic(api, Endpoint.kubeDns(), { port: 53, protocol: 'UDP' });
  });

  test('the failure message gives the verdict and its reasons', () => {
    expect(failureOf(() => expect(chart).toAllowTraffic(api, web, { port: 8080 }))).toBe([
      'expected traffic from default/api to default/web on 8080 to be allowed, but it is denied:',
      '  - egress from default/api: denied; isolated by NetworkPolicy default/api and no egress rule allows to default/web on 8080/TCP',
      '  - ingress to default/web: denied; isolated by NetworkPolicy default/web and no ingress rule allows from default/api on 8080/TCP',
    ].join('\n'));
    const negated = failureOf(() => expect(chart).not.toAllowTraffic(web, api, { port: 9000 }));
    expect(negated).toMatch(/^expected traffic from default\/web to default\/api on 9000 to be denied, but it is allowed:\n {2}- egress from default\/web: allowed by NetworkPolicy default\/web spec\.egress\[\d\]\n {2}- ingress to default\/api: allowed by NetworkPolicy default\/api spec\.ingress\[\d\]$/);
  });

  test('an App is judged with all its charts; a chart alone does not see the others', () => {
    const app = Testing.app();
    const front = new Chart(app, 'front', { namespace: 'front' });
    const back = new Chart(app, 'back', { namespace: 'back' });
    const web = new SecureApp(front, 'web', { name: 'web', image: IMAGE, port: 8080 });
    const api = new SecureApp(back, 'api', { name: 'api', image: IMAGE, port: 9000 });
    api.allowFrom(web);
    expect(app).toAllowTraffic(web, api, { port: 9000 });
    expect(app).not.toAllowTraffic(api, web, { port: 8080 });
    // Only back's policies: web is not there to be judged.
    expect(() => expect(back).toAllowTraffic(web, api, { port: 9000 })).toThrow('No workload front/web of kind Deployment in the manifests (workloads: back/api).');
  });

  test('a SecureApp without a namespace is looked up in the model\'s defaultNamespace', () => {
    const model = { defaultNamespace: 'shop' };
    expect(chart).toAllowTraffic(web, api, { port: 9000, model });
    expect(chart).not.toAllowTraffic(api, web, { port: 8080, model });
  });

  test('plain manifests and Endpoint.workload work the same', () => {
    const manifests = manifestsOf(chart);
    expect(manifests).toAllowTraffic(Endpoint.workload('default', 'web'), Endpoint.workload('default', 'api'), { port: 9000 });
    expect(manifests).not.toAllowTraffic(Endpoint.workload('default', 'api'), Endpoint.workload('default', 'web'), { port: 8080 });
  });

  test('bad arguments are errors in both directions, not verdicts', () => {
    expect(() => expect(42).toAllowTraffic(web, api, { port: 1 })).toThrow('expected a cdk8s Chart, App or an array of manifests, got number 42.');
    expect(() => expect(chart).not.toAllowTraffic({} as any, api, { port: 1 })).toThrow(/expected an Endpoint .* or a SecureApp, got an Object/);
    expect(() => expect(chart).not.toAllowTraffic(web, api, {} as any)).toThrow('port is required');
    expect(() => expect(chart).not.toAllowTraffic(web, api, { port: 'nope' })).toThrow('default/api has no container port named "nope" (named ports: grpc)');
  });
});

describe('toPassPodSecurity', () => {
  test('a default SecureApp passes restricted at every version', () => {
    const { chart } = webAndApi();
    expect(chart).toPassPodSecurity('restricted');
    expect(chart).toPassPodSecurity('restricted', 'v1.23');
  });

  test('a privileged SecureApp in a privileged namespace passes privileged only; the message lists check, field and fix', () => {
    const chart = new Chart(Testing.app(), 'ops');
    const ns = new IsolatedNamespace(chart, 'ops', { podSecurity: PodSecurityLevel.PRIVILEGED });
    new SecureApp(ns, 'agent', { name: 'agent', image: IMAGE, relax: { privileged: true } });
    expect(chart).toPassPodSecurity('privileged');
    expect(chart).not.toPassPodSecurity('baseline');
    expect(failureOf(() => expect(chart).toPassPodSecurity('baseline', 'v1.30'))).toBe([
      'expected every pod template to pass Pod Security "baseline" (v1.30), but 1 check fails:',
      '  - Deployment ops/agent: privileged at spec.template.spec.containers[app].securityContext.privileged: container "app" sets privileged: true. '
        + 'Fix: remove securityContext.privileged or set it to false; or run the pod in a namespace whose Pod Security level is "privileged"',
    ].join('\n'));
    expect(failureOf(() => expect(chart).not.toPassPodSecurity('privileged'))).toBe(
      'expected some pod template to fail Pod Security "privileged" (latest), but all 1 pass',
    );
  });

  test('raw objects are judged too', () => {
    const chart = new Chart(Testing.app(), 'raw');
    new ApiObject(chart, 'pod', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { hostNetwork: true, containers: [{ name: 'c', image: IMAGE }] } });
    expect(failureOf(() => expect(chart).toPassPodSecurity('baseline'))).toContain('Pod p: hostNamespaces at spec.hostNetwork: pod sets hostNetwork: true.');
  });

  test('a subject without pod templates is an error, not a pass', () => {
    const chart = new Chart(Testing.app(), 'empty');
    new ApiObject(chart, 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm' } });
    expect(() => expect(chart).toPassPodSecurity('restricted')).toThrow('the subject has no pod templates');
    expect(() => expect(chart).not.toPassPodSecurity('restricted')).toThrow('the subject has no pod templates');
  });
});

describe('stableSnapshot', () => {
  /** SecureApps with generated names (cdk8s appends a construct-path hash). */
  function generated(order: string[], chartId = 'shop') {
    const app = Testing.app();
    const chart = new Chart(app, chartId);
    const apps: Record<string, SecureApp> = {};
    for (const id of order) apps[id] = new SecureApp(chart, id, { image: IMAGE, port: 8080 });
    apps.api.allowFrom(apps.web);
    return { app, chart, apps };
  }

  test('generated-name hashes become a placeholder, everywhere they are referenced', () => {
    const { chart, apps } = generated(['web', 'api']);
    expect(apps.web.name).toMatch(/^shop-web-c8[0-9a-f]{6}$/);
    const snap = stableSnapshot(chart);
    const text = JSON.stringify(snap);
    expect(text).not.toContain(apps.web.name);
    expect(text).not.toContain(apps.api.name);
    const deployments = snap.filter((m) => m.kind === 'Deployment');
    expect(deployments.map((d) => d.metadata.name)).toEqual([`shop-api-${HASH_PLACEHOLDER}`, `shop-web-${HASH_PLACEHOLDER}`]);
    expect(deployments[1].spec.selector.matchLabels).toEqual({ 'app.kubernetes.io/instance': `shop-web-${HASH_PLACEHOLDER}` });
  });

  test('sorted by kind, namespace and name, so construction order does not matter', () => {
    const a = stableSnapshot(generated(['web', 'api']).chart);
    const b = stableSnapshot(generated(['api', 'web']).chart);
    expect(a).toEqual(b);
    const keys = a.map((m) => `${m.kind}/${m.metadata.name}`);
    expect(keys).toEqual([...keys].sort());
    // The raw output differs in order, which is what would churn a snapshot.
    expect(Testing.synth(generated(['web', 'api']).chart)).not.toEqual(Testing.synth(generated(['api', 'web']).chart));
  });

  test('only hashes of the subject\'s constructs are replaced; user-chosen names stay', () => {
    const { chart } = webAndApi();
    new ApiObject(chart, 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'build-deadbeef' } });
    expect(stableSnapshot(chart).find((m) => m.kind === 'ConfigMap').metadata.name).toBe('build-deadbeef');
  });

  test('plain manifests: cdk8s-shaped hashes (-c8 + 6 hex) are replaced', () => {
    const manifests = [
      { kind: 'Service', metadata: { name: 'web-c8a1b2c3' } },
      { kind: 'ConfigMap', metadata: { name: 'build-deadbeef' } },
    ];
    expect(stableSnapshot(manifests).map((m) => m.metadata.name)).toEqual(['build-deadbeef', `web-${HASH_PLACEHOLDER}`]);
    // The input is not modified.
    expect(manifests[0].metadata.name).toBe('web-c8a1b2c3');
  });

  test('an App covers every chart', () => {
    const app = Testing.app();
    new SecureApp(new Chart(app, 'a'), 'web', { image: IMAGE, port: 8080 });
    new ApiObject(new Chart(app, 'b'), 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm' } });
    expect(stableSnapshot(app).map((m) => m.kind)).toEqual(['ConfigMap', 'Deployment', 'NetworkPolicy', 'PodDisruptionBudget', 'Service', 'ServiceAccount']);
  });
});

describe('installMatchers', () => {
  test('registers with the given expect, and refuses something that is not one', () => {
    const registered: string[] = [];
    installMatchers({ extend: (m) => registered.push(...Object.keys(m)) });
    expect(registered).toEqual(['toAllowTraffic', 'toPassPodSecurity']);
    expect(() => installMatchers({} as any)).toThrow('[installMatchers] no jest `expect` found');
  });
});
