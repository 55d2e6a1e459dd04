import { Chart, Testing } from 'cdk8s';
import { EnvValue, IsolatedNamespace, Mesh, MonitoredService, MountedFiles, Probe, RbacSubject, SecureApp } from '../src';
import { formatQuantity } from '../src/core/validate';
import { newChart, one, synthApp } from './support/synth';

// Issue 14, class 6 (the remainder): input checked at the JavaScript boundary, exact messages.
const IMAGE = 'ghcr.io/acme/web:1.4.2';
const app = (props: any) => () => new SecureApp(newChart().chart, 'web', { image: IMAGE, port: 8080, ...props });

describe('env references', () => {
  test.each([
    ['a Secret name that is not a DNS-1123 subdomain', EnvValue.fromSecret('DB_Creds', 'password'),
      '[test/web] env "DB_PASSWORD": Secret name "DB_Creds" is not a valid DNS-1123 subdomain. Fix: use lowercase letters, digits, \'-\' and \'.\''],
    ['a ConfigMap key with a slash', EnvValue.fromConfigMap('app-config', 'conf/url'),
      '[test/web] env "DB_PASSWORD": ConfigMap "app-config" key "conf/url" is not a valid ConfigMap or Secret key. Fix: use at most 253 letters, digits, \'-\', \'_\' and \'.\', not "." and not starting with ".." (e.g. "conf-url").'],
    ['a key ".."', EnvValue.fromSecret('db', '..'), 'Secret "db" key ".." is not a valid ConfigMap or Secret key'],
    ['a number for a key', EnvValue.fromSecret('db', 42 as any), '[test/web] env "DB_PASSWORD": Secret "db" key must be a string, got number. Fix: pass the key\'s name as text.'],
    ['a fieldPath env cannot read', EnvValue.fromFieldPath('spec.containers[0].image'),
      '[test/web] env "DB_PASSWORD": fieldPath "spec.containers[0].image" is not one the downward API serves to environment variables. Fix: use metadata.name, metadata.namespace, metadata.uid, metadata.labels[\'<key>\'], metadata.annotations[\'<key>\'], spec.nodeName, spec.serviceAccountName, status.hostIP, status.hostIPs, status.podIP, status.podIPs.'],
    ['all labels at once', EnvValue.fromFieldPath('metadata.labels'), 'fieldPath "metadata.labels" is not one the downward API serves to environment variables. Fix: use metadata.name, metadata.namespace, metadata.uid, metadata.labels[\'<key>\'], metadata.annotations[\'<key>\'], spec.nodeName, spec.serviceAccountName, status.hostIP, status.hostIPs, status.podIP, status.podIPs (all labels at once only as a downward API file).'],
    ['a bad label key in a subscript', EnvValue.fromFieldPath("metadata.labels['-bad']"), 'fieldPath "metadata.labels[\'-bad\']" names label key "-bad", which is not a valid key.'],
    ['a resource the downward API does not serve', EnvValue.fromResource('limits.gpu'),
      '[test/web] env "DB_PASSWORD": resource "limits.gpu" is not one the downward API serves. Fix: use requests.cpu, limits.cpu, requests.memory, limits.memory, requests.ephemeral-storage, limits.ephemeral-storage, or requests.hugepages-<size> / limits.hugepages-<size>.'],
    ['a CPU divisor in bytes', EnvValue.fromResource('limits.cpu', { divisor: '1Mi' }),
      '[test/web] env "DB_PASSWORD": divisor "1Mi" of resource "limits.cpu" is not a unit Kubernetes allows for it. Fix: use one of "1m", "1".'],
    ['a memory divisor of 2Mi', EnvValue.fromResource('requests.memory', { divisor: '2Mi' }), 'divisor "2Mi" of resource "requests.memory" is not a unit Kubernetes allows for it. Fix: use one of "1", "1k", "1M"'],
  ])('%s is refused naming the env var, the value and the fix', (_name, value, message) => {
    expect(app({ env: { DB_PASSWORD: value } })).toThrow(message);
  });

  test('every field path and resource Kubernetes serves to env stays valid, and renders as written', () => {
    const env: { [k: string]: EnvValue } = {};
    const paths = ['metadata.name', 'metadata.namespace', 'metadata.uid', "metadata.labels['app.kubernetes.io/name']", "metadata.annotations['Example.com/Owner']",
      'spec.nodeName', 'spec.serviceAccountName', 'status.hostIP', 'status.hostIPs', 'status.podIP', 'status.podIPs'];
    paths.forEach((p, i) => { env[`F${i}`] = EnvValue.fromFieldPath(p); });
    env.CPU = EnvValue.fromResource('limits.cpu', { divisor: '1000m' });
    env.MEM = EnvValue.fromResource('requests.memory', { divisor: '1Mi' });
    env.HUGE = EnvValue.fromResource('limits.hugepages-2Mi');
    env.KEY = EnvValue.fromSecret('db.creds', 'tls.crt');
    const { app: a, chart } = newChart();
    new SecureApp(chart, 'web', { name: 'web', image: IMAGE, port: 8080, env });
    const rendered = one(synthApp(a), 'Deployment', 'web').spec.template.spec.containers[0].env;
    expect(rendered.find((e: any) => e.name === 'MEM')).toEqual({ name: 'MEM', valueFrom: { resourceFieldRef: { resource: 'requests.memory', divisor: '1Mi' } } });
    expect(rendered.find((e: any) => e.name === 'F3')).toEqual({ name: 'F3', valueFrom: { fieldRef: { fieldPath: "metadata.labels['app.kubernetes.io/name']" } } });
    expect(rendered.find((e: any) => e.name === 'KEY')).toEqual({ name: 'KEY', valueFrom: { secretKeyRef: { name: 'db.creds', key: 'tls.crt' } } });
  });
});

describe('file items paths', () => {
  const withItems = (items: any) => app({ files: [MountedFiles.fromConfigMap('cfg', '/etc/app', { items })] });
  test.each([
    ['a ".." segment', { 'app.conf': 'conf/../../etc/passwd' }, '[test/web] ConfigMap "cfg" at /etc/app: items["app.conf"] path "conf/../../etc/passwd" has a ".." segment, which would leave the mount. Fix: use a relative path below the mount, such as "conf/app.yaml" (no leading \'/\', no "..", no "//").'],
    ['an absolute path', { 'app.conf': '/etc/passwd' }, 'items["app.conf"] path "/etc/passwd" is absolute.'],
    ['an empty segment', { 'app.conf': 'conf//app.conf' }, 'items["app.conf"] path "conf//app.conf" has an empty segment.'],
    ['a path of ".." alone', { 'app.conf': '..' }, 'path ".." has a ".." segment'],
    ['an empty path', { 'app.conf': '' }, 'items["app.conf"] path "" is empty.'],
    ['a key with a space', { 'app conf': 'app.conf' }, 'ConfigMap "cfg" at /etc/app: items key "app conf" is not a valid ConfigMap or Secret key.'],
    ['a number for a path', { 'app.conf': 7 }, 'items["app.conf"] path must be a string, got number.'],
  ])('%s is refused', (_name, items, message) => {
    expect(withItems(items)).toThrow(message);
  });
  test('a dotted name that is not ".." stays valid', () => {
    expect(withItems({ 'app.conf': 'conf/..data/app.conf', '.hidden': '.hidden' })).not.toThrow();
  });
});

describe('annotation keys', () => {
  test('a pod annotation key that is not a qualified name is refused', () => {
    expect(app({ podAnnotations: { 'example.com/bad key': 'x' } })).toThrow('[test/web] podAnnotations key "example.com/bad key" is not a valid annotation key. Fix: use an optional DNS subdomain prefix (lowercase, at most 253 characters) and \'/\', then at most 63 letters');
    expect(app({ podAnnotations: { 'Example.com/owner': 'x' } })).toThrow('podAnnotations key "Example.com/owner" is not a valid annotation key.');
    expect(app({ podAnnotations: { ['a'.repeat(64)]: 'x' } })).toThrow('is not a valid annotation key');
  });
  test('free-text values and qualified keys stay valid', () => {
    expect(app({ podAnnotations: { 'example.com/owner': 'Team A <a@example.com>', 'constructor': 'x' } })).not.toThrow();
  });
});

describe('quota keys and values', () => {
  const ns = (quota: any) => () => new IsolatedNamespace(newChart().chart, 'shop', { quota });
  test.each([
    ['an unknown key', { 'request.cpu': '4' }, '[test/shop] quota key "request.cpu" is not a resource a ResourceQuota limits. Fix: use a Kubernetes resource name such as "requests.cpu", "limits.memory"'],
    ['an extended resource without its domain', { 'requests.gpu': '1' }, 'quota key "requests.gpu" is not a resource a ResourceQuota limits.'],
    ['a bad storage class', { 'Fast.storageclass.storage.k8s.io/requests.storage': '1Ti' }, 'quota key "Fast.storageclass.storage.k8s.io/requests.storage" is not a resource'],
    ['a value that is not a quantity', { 'requests.memory': '8 GB' }, '[test/shop] quota["requests.memory"] "8 GB" is not a valid Kubernetes quantity.'],
    ['an extended resource by limit', { 'limits.nvidia.com/gpu': '4' },
      '[test/shop] quota key "limits.nvidia.com/gpu" limits an extended resource, which a ResourceQuota quotas only as "requests.nvidia.com/gpu" (extended resources are never overcommitted, so request and limit are the same). Fix: write "requests.nvidia.com/gpu".'],
    ['a negative value', { 'requests.cpu': '-1' }, 'quota["requests.cpu"] "-1" is not a valid Kubernetes quantity.'],
    ['half a pod', { pods: '1.5' }, '[test/shop] quota["pods"] "1.5" is not a whole number, and Kubernetes counts pods in whole units. Fix: write a whole number, e.g. "1".'],
    ['a number for a value', { pods: 10 }, 'quota["pods"] must be a string, got number 10.'],
  ])('%s is refused', (_name, quota, message) => {
    expect(ns(quota)).toThrow(message);
  });
  test('every kind of key Kubernetes knows stays valid', () => {
    expect(ns({
      'requests.storage': '1Ti', 'fast.storageclass.storage.k8s.io/requests.storage': '500Gi', 'fast.storageclass.storage.k8s.io/persistentvolumeclaims': '10',
      'requests.nvidia.com/gpu': '4', 'count/deployments.apps': '10', 'count/secrets': '20', 'requests.hugepages-2Mi': '1Gi', 'configmaps': '5',
    })).not.toThrow();
  });
});

describe('Chart namespaces, where the constructs read them', () => {
  test('an app in a chart whose namespace is not a DNS-1123 label is refused, naming the chart', () => {
    const a = Testing.app();
    const chart = new Chart(a, 'test', { namespace: 'Team_A' });
    expect(() => new SecureApp(chart, 'web', { image: IMAGE, port: 8080 })).toThrow('[test/web] Chart test namespace "Team_A" is not a valid DNS-1123 label. Fix: use at most 63 lowercase letters, digits and \'-\', starting and ending with a letter or digit (e.g. "team-a").');
  });
  test('a valid chart namespace stays valid', () => {
    const a = Testing.app();
    const chart = new Chart(a, 'test', { namespace: 'team-a' });
    new SecureApp(chart, 'web', { name: 'web', image: IMAGE, port: 8080 });
    expect(one(synthApp(a), 'Deployment', 'web').metadata.namespace).toBe('team-a');
  });
});

describe('quantities are shown in the units the user wrote', () => {
  test('an app request plus the sidecar\'s is summed in their units, not bytes', () => {
    const { app: a, chart } = newChart();
    const ns = new IsolatedNamespace(chart, 'shop', { mesh: Mesh.sidecar({ istioCni: true }), quota: { 'requests.memory': '1Gi' } });
    new SecureApp(ns, 'web', { image: IMAGE, port: 8080, replicas: 3, resources: { memory: { request: '256Mi', limit: '256Mi' } } });
    // 4 pods (3 + surge) × (256Mi app + 128Mi proxy) = 1536Mi.
    expect(() => synthApp(a)).toThrow('[test/shop] ResourceQuota requests.memory is 1Gi but the apps inside need 1536Mi (test/shop/web: 4 pods (3 replicas + 1 rollout surge) × 384Mi). Fix: raise quota[\'requests.memory\']');
  });
  test('decimal units stay decimal', () => {
    const { app: a, chart } = newChart();
    const ns = new IsolatedNamespace(chart, 'shop', { quota: { 'requests.memory': '1G', 'limits.memory': '16G' }, limitRange: { max: { memory: '4G' } } });
    new SecureApp(ns, 'web', { image: IMAGE, port: 8080, replicas: 3, resources: { memory: { request: '500M', limit: '1G' } } });
    expect(() => synthApp(a)).toThrow('ResourceQuota requests.memory is 1G but the apps inside need 2000M (test/shop/web: 4 pods (3 replicas + 1 rollout surge) × 500M)');
  });
});

describe('MonitoredService and IsolatedNamespace props are type-checked like SecureApp\'s', () => {
  const monitored = (props: any) => () => new MonitoredService(newChart().chart, 'api', { image: IMAGE, port: 8080, metrics: { port: 9090 }, ...props });
  test.each([
    ['a string for the metrics port', { metrics: { port: '9090' } }, '[test/api] metrics.port must be a number, got "9090". Fix: pass a whole number, not text.'],
    ['a string for metrics', { metrics: 'yes' }, 'metrics must be an object, got "yes".'],
    ['a string for usePodMonitor', { metrics: { port: 9090, usePodMonitor: 'true' } }, 'metrics.usePodMonitor must be true or false, got "true".'],
    ['a string for a threshold', { alerting: { errorRate: { threshold: '0.05' } } }, 'alerting.errorRate.threshold must be a number, got "0.05". Fix: pass a finite number, not text.'],
    ['a number for a label value', { alerting: { labels: { team: 7 } } }, 'alerting.labels["team"] must be a string, got number 7.'],
    ['a string for dashboard', { dashboard: 'yes' }, 'dashboard must be true or false, got "yes".'],
  ])('MonitoredService: %s is refused', (_name, props, message) => {
    expect(monitored(props)).toThrow(message);
  });

  const ns = (props: any) => () => new IsolatedNamespace(newChart().chart, 'shop', props);
  test.each([
    ['a number for the level', { podSecurity: 3 }, '[test/shop] podSecurity must be a string, got number 3.'],
    ['a plain object for the mesh', { mesh: { mode: 'sidecar' } }, 'mesh must be a Mesh, got a plain object. Fix: make it with Mesh.sidecar() or Mesh.ambient().'],
    ['a string for a boolean', { allowIntraNamespace: 'false' }, 'allowIntraNamespace must be true or false, got "false".'],
    ['a plain object for a subject', { admins: [{ kind: 'Group', name: 'ops' }] }, 'admins[0] must be a RbacSubject, got a plain object. Fix: make it with RbacSubject.group(), user() or serviceAccount().'],
    ['null among subjects', { viewers: [null] }, 'viewers[0] is null.'],
    ['a number for a limit', { limitRange: { max: { cpu: 2 } } }, 'limitRange.max["cpu"] must be a string, got number 2.'],
    ['a number for a subject name', { admins: [RbacSubject.group(7 as any)] }, 'admins: an RBAC Group name must be a string, got number. Fix: pass the name as text.'],
  ])('IsolatedNamespace: %s is refused', (_name, props, message) => {
    expect(ns(props)).toThrow(message);
  });
});

describe('formatQuantity: a sum in the units of its parts', () => {
  test.each([
    [2 ** 28 + 2 ** 27, ['256Mi', '128Mi'], '384Mi'],
    [2 ** 30 + 2 ** 27, ['1Gi', '128Mi'], '1152Mi'],
    [1.5e9, ['1G', '500M'], '1500M'],
    [1.5, ['1', '500m'], '1500m'],
    [0.30000000000000004, ['100m', '200m'], '300m'],
    [2 ** 30 * 1.25, ['1Gi'], '1.25Gi'],
    [1234567, ['1e3'], '1234567'],
  ])('%d written like %j is %s', (n, like, shown) => {
    expect(formatQuantity(n, like)).toBe(shown);
  });
});

describe('value-class options are type-checked too', () => {
  test.each([
    ['a string for istioCni', () => Mesh.sidecar({ istioCni: 'false' as any }), '[test/shop] mesh.istioCni must be true or false, got "false". Fix: pass a boolean.'],
    ['a number for the revision', () => Mesh.sidecar({ revision: 1 as any }), 'mesh.revision must be a string, got number 1.'],
    ['a string for the proxy CPU', () => Mesh.sidecar({ proxyCpu: '100m' as any }), 'mesh.proxyCpu must be an object, got "100m".'],
    ['null options', () => Mesh.ambient(null as any), undefined],
  ])('Mesh: %s', (_name, mesh, message) => {
    const attempt = () => new IsolatedNamespace(newChart().chart, 'shop', { mesh: mesh() });
    if (message === undefined) expect(attempt).not.toThrow();
    else expect(attempt).toThrow(message);
  });

  test('EnvValue.fromValue with a number is refused naming the env var', () => {
    expect(app({ env: { PORT: EnvValue.fromValue(8080 as any) } })).toThrow('[test/web] env "PORT": EnvValue.fromValue() value must be a string, got number 8080. Fix: pass text, e.g. "8080" (Kubernetes env values are strings).');
  });
});

describe('exec probe commands from a JavaScript caller', () => {
  test.each([
    ['a string', 'ls', '"ls"'],
    ['an empty list', [], '[]'],
    ['a number inside', ['/bin/check', 3], '["/bin/check",3]'],
  ])('%s is refused, not spread into letters', (_name, command, shown) => {
    expect(app({ liveness: Probe.exec(command as any) })).toThrow(
      `[test/web] liveness probe exec command must be a non-empty list of strings, got ${shown}. Fix: e.g. Probe.exec(['/bin/healthcheck', '--ready']).`);
  });

  test('a list of strings renders as written', () => {
    const { app: a, chart } = newChart();
    new SecureApp(chart, 'web', { image: IMAGE, port: 8080, liveness: Probe.exec(['/bin/check', '--live']) });
    const deployment = synthApp(a).find((o: any) => o.kind === 'Deployment');
    expect(deployment.spec.template.spec.containers[0].livenessProbe.exec).toEqual({ command: ['/bin/check', '--live'] });
  });
});
