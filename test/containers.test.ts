import {
  ClusterSettings, EnvValue, HttpScheme, IsolatedNamespace, Mesh, MonitoredService, MountedFiles, PodSecurityLevel, PreStop, Probe,
  SecureApp, SecureCronJob, SecureDaemonSet, SecureJob, SecureStatefulSet, supportsPreStopSleep,
} from '../src';
import { checkPodSecurity } from '../src/checks/pod-security';
import { effectivePodQuota } from '../src/model/pod-quota';
import { withInjectedContainers } from '../src/render/mesh/injection';
import { polarisFailures } from './support/polaris';
import { expectValidManifests } from './support/schema';
import { newChart, one, synthApp } from './support/synth';
import { thrown } from './support/thrown';

// Init containers and native sidecars on every kind, the injected pod's order, Pod Security on
// it, the pod's effective quota, and the lifecycle and probe options.

const IMAGE = 'ghcr.io/acme/web:1.4.2';
const SHIPPER = 'ghcr.io/acme/shipper:0.9.1';
const MIGRATE = 'ghcr.io/acme/migrate:2.0.1';
const names = (cs: any[] | undefined) => (cs ?? []).map((c) => c.name);

/** The message of a synth-time validation failure. */
function synthError(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected synth to fail');
}

const HARDENED = {
  allowPrivilegeEscalation: false, privileged: false, readOnlyRootFilesystem: true, runAsNonRoot: true,
  runAsUser: 10001, runAsGroup: 10001, capabilities: { drop: ['ALL'] },
};
const DEFAULT_RESOURCES = {
  requests: { 'cpu': '100m', 'memory': '128Mi', 'ephemeral-storage': '64Mi' },
  limits: { 'cpu': '500m', 'memory': '256Mi', 'ephemeral-storage': '256Mi' },
};

describe('init containers and sidecars are hardened like the app container', () => {
  const { app, chart } = newChart({ namespace: 'shop' });
  new SecureApp(chart, 'web', {
    name: 'web', image: IMAGE, port: 8080,
    files: [MountedFiles.fromConfigMap('web-config', '/etc/web')],
    initContainers: [{
      name: 'migrate', image: MIGRATE, command: ['/migrate'], args: ['up'],
      env: { DB_PASSWORD: EnvValue.fromSecret('db', 'password') },
      resources: { cpu: { request: '250m', limit: '1' } },
      writableDirs: [{ path: '/var/cache/migrate', sizeLimit: '128Mi' }],
    }],
    sidecars: [{
      name: 'shipper', image: SHIPPER, ports: [{ name: 'metrics', port: 9100 }],
      readiness: Probe.httpGet('/ready'), startup: Probe.tcpSocket({ failureThreshold: 10 }),
      files: [MountedFiles.fromConfigMap('web-config', '/etc/web')],
      preStop: PreStop.exec(['/shipper', 'flush']),
    }],
  });
  const out = synthApp(app);
  const pod = one(out, 'Deployment', 'web').spec.template.spec;
  const [shipper, migrate] = pod.initContainers;

  test('sidecars come first, then init containers; only sidecars restart Always', () => {
    expect(names(pod.initContainers)).toEqual(['shipper', 'migrate']);
    expect(shipper.restartPolicy).toBe('Always');
    expect(migrate.restartPolicy).toBeUndefined();
    expect(names(pod.containers)).toEqual(['app']);
  });

  test('each gets the app container\'s security context, default resources unless set, and a pinned pull', () => {
    expect(pod.containers[0].securityContext).toEqual(HARDENED);
    expect(shipper.securityContext).toEqual(HARDENED);
    expect(migrate.securityContext).toEqual(HARDENED);
    expect(shipper.resources).toEqual(DEFAULT_RESOURCES);
    expect(migrate.resources).toEqual({
      requests: { ...DEFAULT_RESOURCES.requests, cpu: '250m' }, limits: { ...DEFAULT_RESOURCES.limits, cpu: '1' },
    });
    expect([shipper.imagePullPolicy, migrate.imagePullPolicy]).toEqual(['Always', 'Always']);
    expect(migrate).toMatchObject({ command: ['/migrate'], args: ['up'], env: [{ name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } }] });
  });

  test('a read-only root with its own size-limited /tmp and writable dirs; a ConfigMap shared with the app is one volume', () => {
    expect(migrate.volumeMounts).toEqual([
      { name: 'migrate-rw-tmp', mountPath: '/tmp' }, { name: 'migrate-rw-var-cache-migrate', mountPath: '/var/cache/migrate' },
    ]);
    expect(shipper.volumeMounts).toEqual([{ name: 'shipper-rw-tmp', mountPath: '/tmp' }, { name: 'cm-web-config', mountPath: '/etc/web', readOnly: true }]);
    expect(pod.volumes.map((v: any) => [v.name, v.emptyDir?.sizeLimit ?? v.configMap.name])).toEqual([
      ['rw-tmp', '64Mi'], ['cm-web-config', 'web-config'], ['shipper-rw-tmp', '64Mi'], ['migrate-rw-tmp', '64Mi'], ['migrate-rw-var-cache-migrate', '128Mi'],
    ]);
  });

  test('a sidecar has its ports, probes and preStop hook; the startup probe waits 30 periods unless told', () => {
    expect(shipper.ports).toEqual([{ name: 'metrics', containerPort: 9100, protocol: 'TCP' }]);
    expect(shipper.readinessProbe).toEqual({ httpGet: { path: '/ready', port: 9100 }, initialDelaySeconds: 0, periodSeconds: 10, timeoutSeconds: 2, failureThreshold: 3 });
    expect(shipper.startupProbe).toEqual({ tcpSocket: { port: 9100 }, initialDelaySeconds: 0, periodSeconds: 10, timeoutSeconds: 2, failureThreshold: 10 });
    expect(shipper.lifecycle).toEqual({ preStop: { exec: { command: ['/shipper', 'flush'] } } });
  });

  test('the pod passes restricted, validates against the Kubernetes 1.36 schema (native sidecars need 1.28+), and Polaris finds no hardening gap', () => {
    expect(checkPodSecurity(one(out, 'Deployment', 'web').spec.template, 'restricted', 'latest')).toEqual([]);
    expectValidManifests(out, ['1.36']);
    // What remains is what every SecureApp without callers or liveness probe gets (README, Probes).
    expect(polarisFailures(out).map((f) => `${f.check} ${f.object}`).sort())
      .toEqual(['livenessProbeMissing Deployment/web', 'missingNetworkPolicy Deployment/web', 'priorityClassNotSet Deployment/web']);
  });
});

describe('on every workload kind', () => {
  const side = {
    initContainers: [{ name: 'init-db', image: MIGRATE }],
    sidecars: [{ name: 'shipper', image: SHIPPER }],
  };
  const { app, chart } = newChart({ namespace: 'shop' });
  new SecureApp(chart, 'app', { name: 'app-d', image: IMAGE, port: 8080, ...side });
  new SecureStatefulSet(chart, 'sts', { name: 'db', image: IMAGE, port: 5432, persistentDirs: [{ path: '/data', size: '1Gi' }], ...side });
  new SecureJob(chart, 'job', { name: 'job', image: IMAGE, activeDeadlineSeconds: 60, ...side });
  new SecureCronJob(chart, 'cron', { name: 'cron', image: IMAGE, schedule: '0 3 * * *', activeDeadlineSeconds: 60, ...side });
  new SecureDaemonSet(chart, 'ds', { name: 'agent', image: IMAGE, ...side });
  new MonitoredService(chart, 'mon', { name: 'mon', image: IMAGE, port: 8080, metrics: { port: 9090 }, ...side });
  const out = synthApp(app);
  const pods: Array<[string, any]> = [
    ['Deployment app-d', one(out, 'Deployment', 'app-d').spec.template.spec],
    ['StatefulSet db', one(out, 'StatefulSet', 'db').spec.template.spec],
    ['Job job', one(out, 'Job', 'job').spec.template.spec],
    ['CronJob cron', one(out, 'CronJob', 'cron').spec.jobTemplate.spec.template.spec],
    ['DaemonSet agent', one(out, 'DaemonSet', 'agent').spec.template.spec],
    ['Deployment mon', one(out, 'Deployment', 'mon').spec.template.spec],
  ];

  test.each(pods)('%s has the sidecar then the init container, hardened', (_, pod) => {
    expect(pod.initContainers.map((c: any) => [c.name, c.restartPolicy, c.image])).toEqual([['shipper', 'Always', SHIPPER], ['init-db', undefined, MIGRATE]]);
    for (const c of pod.initContainers) expect(c.securityContext).toEqual(HARDENED);
  });

  test('every object validates against the schema', () => {
    expectValidManifests(out, ['1.36']);
  });
});

describe('the injected pod: Istio\'s order, judged by Pod Security as a whole', () => {
  const pod = { spec: { initContainers: [{ name: 'shipper', restartPolicy: 'Always' }, { name: 'migrate' }], containers: [{ name: 'app' }] } };
  const t = (istioVersion: string) => ({ kubernetesVersion: '1.35', istioVersion });

  test('native proxy: istio-init (or istio-validation), istio-proxy, then the pod\'s sidecars and init containers, which so run in the mesh', () => {
    expect(names(withInjectedContainers(pod, Mesh.sidecar(), t('1.27')).spec.initContainers)).toEqual(['istio-init', 'istio-proxy', 'shipper', 'migrate']);
    expect(names(withInjectedContainers(pod, Mesh.sidecar({ istioCni: true }), t('1.27')).spec.initContainers)).toEqual(['istio-validation', 'istio-proxy', 'shipper', 'migrate']);
  });

  test('proxy as a container: istio-validation first, istio-init last, istio-proxy after the app', () => {
    const cni: any = withInjectedContainers(pod, Mesh.sidecar({ istioCni: true }), t('1.26'));
    expect([names(cni.spec.initContainers), names(cni.spec.containers)]).toEqual([['istio-validation', 'shipper', 'migrate'], ['app', 'istio-proxy']]);
    expect(names(withInjectedContainers(pod, Mesh.sidecar(), t('1.26')).spec.initContainers)).toEqual(['shipper', 'migrate', 'istio-init']);
  });

  test('a sidecar made privileged by its relax fails restricted at synth, naming its prop; it passes in a privileged namespace', () => {
    const { app, chart } = newChart();
    const ns = new IsolatedNamespace(chart, 'shop', { mesh: Mesh.sidecar({ istioCni: true }) });
    new SecureApp(ns, 'web', { name: 'web', image: IMAGE, sidecars: [{ name: 'ok', image: SHIPPER }, { name: 'vpn', image: SHIPPER, relax: { privileged: true } }] });
    expect(synthError(() => synthApp(app))).toContain('[test/shop/web] Pod Security "restricted" (v1.35) check privileged fails: init container "vpn" sets privileged: true '
      + '(field spec.initContainers[vpn].securityContext.privileged, set by `sidecars[1].relax.privileged`).');
    const other = newChart();
    const open = new IsolatedNamespace(other.chart, 'ops', { podSecurity: PodSecurityLevel.PRIVILEGED, mesh: Mesh.sidecar({ istioCni: true }) });
    new SecureApp(open, 'web', { name: 'web', image: IMAGE, sidecars: [{ name: 'vpn', image: SHIPPER, relax: { privileged: true } }] });
    const pod2 = one(synthApp(other.app), 'Deployment', 'web').spec.template.spec;
    expect(pod2.initContainers[0].securityContext.privileged).toBe(true);
  });

  test('an init container\'s added capability outside NET_BIND_SERVICE fails restricted too', () => {
    const { app, chart } = newChart({ namespace: 'shop' });
    new SecureApp(chart, 'web', { name: 'web', image: IMAGE, initContainers: [{ name: 'net', image: MIGRATE, relax: { addCapabilities: ['NET_ADMIN'] } }] });
    expect(synthError(() => synthApp(app))).toMatch(/check capabilities_restricted fails: init container "net" adds capability "NET_ADMIN" .*set by `initContainers\[0\]\.relax\.addCapabilities`/);
  });
});

describe('quota counts the pod\'s effective request, as the scheduler does', () => {
  const c = (role: 'init' | 'sidecar' | 'main', cpu: string) => ({ role, keys: { 'requests.cpu': cpu } });

  test('an init container dominates: it runs beside the sidecars started before it', () => {
    expect(effectivePodQuota([c('sidecar', '100m'), c('init', '600m'), c('main', '100m')])).toEqual({ 'requests.cpu': '700m' });
  });

  test('sidecars dominate: they run beside every main container', () => {
    expect(effectivePodQuota([c('sidecar', '300m'), c('sidecar', '300m'), c('init', '50m'), c('main', '100m')])).toEqual({ 'requests.cpu': '700m' });
  });

  test('a sidecar declared after an init container does not run beside it', () => {
    expect(effectivePodQuota([c('init', '3'), c('sidecar', '1'), c('init', '1500m'), c('main', '500m')])).toEqual({ 'requests.cpu': '3' });
    expect(effectivePodQuota([c('init', '1'), c('sidecar', '2'), c('init', '1500m'), c('main', '500m')])).toEqual({ 'requests.cpu': '3500m' });
  });

  test('the namespace quota refuses an init container that does not fit, counted per pod', () => {
    const { app, chart } = newChart();
    const ns = new IsolatedNamespace(chart, 'shop', { quota: { 'requests.cpu': '1' } });
    new SecureApp(ns, 'web', {
      image: IMAGE, replicas: 1,
      sidecars: [{ name: 'shipper', image: SHIPPER }],
      initContainers: [{ name: 'migrate', image: MIGRATE, resources: { cpu: { request: '600m', limit: '1' } } }],
    });
    expect(synthError(() => synthApp(app))).toContain(
      "[test/shop] ResourceQuota requests.cpu is 1 but the apps inside need 1400m (test/shop/web: 2 pods (1 replicas + 1 rollout surge) × 700m). Fix: raise quota['requests.cpu']");
  });

  test('with sidecars dominating, and limits counted the same way', () => {
    const { app, chart } = newChart();
    const ns = new IsolatedNamespace(chart, 'shop', { quota: { 'requests.cpu': '500m', 'limits.memory': '1Gi' } });
    const sidecar = (name: string) => ({ name, image: SHIPPER, resources: { cpu: { request: '300m', limit: '500m' }, memory: { request: '256Mi', limit: '512Mi' } } });
    new SecureJob(ns, 'j', { image: MIGRATE, activeDeadlineSeconds: 60, sidecars: [sidecar('a'), sidecar('b')], initContainers: [{ name: 'i', image: MIGRATE, resources: { cpu: { request: '50m', limit: '500m' } } }] });
    const message = synthError(() => synthApp(app));
    expect(message).toContain('ResourceQuota requests.cpu is 500m but the apps inside need 700m (test/shop/j: 1 pod (Job parallelism) × 700m)');
    expect(message).toContain('ResourceQuota limits.memory is 1Gi but the apps inside need 1280Mi (test/shop/j: 1 pod (Job parallelism) × 1280Mi)');
  });

  test('the injected proxy counts where Istio puts it: before the init containers when native, beside the app when not', () => {
    const need = (istioVersion: string) => {
      const { app, chart } = newChart();
      ClusterSettings.apply(app, { istioVersion });
      const ns = new IsolatedNamespace(chart, 'shop', { mesh: Mesh.sidecar({ istioCni: true }), quota: { 'requests.cpu': '900m' } });
      new SecureApp(ns, 'web', { image: IMAGE, replicas: 1, initContainers: [{ name: 'migrate', image: MIGRATE, resources: { cpu: { request: '500m', limit: '1' } } }] });
      return /requests\.cpu is 900m but the apps inside need (\S+) \(test\/shop\/web: 2 pods \(1 replicas \+ 1 rollout surge\) × (\S+)\)/.exec(synthError(() => synthApp(app)))!.slice(1);
    };
    expect(need('1.27')).toEqual(['1200m', '600m']);
    expect(need('1.26')).toEqual(['1', '500m']);
  });

  test('a sidecar\'s limit above the namespace LimitRange max is refused by name', () => {
    const { app, chart } = newChart();
    const ns = new IsolatedNamespace(chart, 'shop', { limitRange: { max: { cpu: '1' } } });
    new SecureApp(ns, 'web', { image: IMAGE, sidecars: [{ name: 'shipper', image: SHIPPER, resources: { cpu: { request: '100m', limit: '2' } } }] });
    expect(synthError(() => synthApp(app))).toContain('test/shop/web: container "shipper" sets cpu limit "2" above the namespace LimitRange max "1"');
  });
});

describe('lifecycle and probes', () => {
  test('grace period, preStop sleep and HTTP hook, startup probe, probe headers, scheme and gRPC service', () => {
    const { app, chart } = newChart({ namespace: 'shop' });
    new SecureApp(chart, 'web', {
      name: 'web', image: IMAGE, port: 8443, ports: [{ name: 'grpc', port: 9000 }],
      terminationGracePeriodSeconds: 45, preStop: PreStop.sleep(10),
      readiness: Probe.httpGet('/ready', { scheme: HttpScheme.HTTPS, headers: { 'Host': 'web.example.com', 'X-Probe': 'kubelet' } }),
      liveness: Probe.grpc({ port: 9000, service: 'web.v1.Health' }),
      startup: Probe.httpGet('/started'),
      sidecars: [{ name: 'envoy', image: SHIPPER, ports: [{ name: 'admin', port: 9901 }], preStop: PreStop.httpGet('/drain', { headers: { 'X-Drain': '1' } }) }],
    });
    const out = synthApp(app);
    const pod = one(out, 'Deployment', 'web').spec.template.spec;
    const main = pod.containers[0];
    expect(pod.terminationGracePeriodSeconds).toBe(45);
    expect(main.lifecycle).toEqual({ preStop: { sleep: { seconds: 10 } } });
    expect(main.readinessProbe.httpGet).toEqual({
      path: '/ready', port: 8443, scheme: 'HTTPS', httpHeaders: [{ name: 'Host', value: 'web.example.com' }, { name: 'X-Probe', value: 'kubelet' }],
    });
    expect(main.livenessProbe.grpc).toEqual({ port: 9000, service: 'web.v1.Health' });
    expect(main.startupProbe).toEqual({ httpGet: { path: '/started', port: 8443 }, initialDelaySeconds: 0, periodSeconds: 10, timeoutSeconds: 2, failureThreshold: 30 });
    expect(pod.initContainers[0].lifecycle).toEqual({ preStop: { httpGet: { path: '/drain', port: 9901, httpHeaders: [{ name: 'X-Drain', value: '1' }] } } });
    expectValidManifests(out, ['1.36']);
  });

  test('unset, none of the fields is written', () => {
    const { app, chart } = newChart({ namespace: 'shop' });
    new SecureApp(chart, 'web', { name: 'web', image: IMAGE, port: 8080, readiness: Probe.httpGet('/ready'), liveness: Probe.grpc() });
    const out = synthApp(app);
    const pod = one(out, 'Deployment', 'web').spec.template.spec;
    expect(['terminationGracePeriodSeconds', 'initContainers'].filter((k) => k in pod)).toEqual([]);
    expect(['lifecycle', 'startupProbe'].filter((k) => k in pod.containers[0])).toEqual([]);
    expect([pod.containers[0].readinessProbe.httpGet, pod.containers[0].livenessProbe.grpc]).toEqual([{ path: '/ready', port: 8080 }, { port: 8080 }]);
    expectValidManifests(out);
  });

  test('in an ambient mesh the sidecar\'s probed port is open to the kubelet\'s probe source', () => {
    const { app, chart } = newChart();
    const ns = new IsolatedNamespace(chart, 'shop', { mesh: Mesh.ambient() });
    new SecureApp(ns, 'web', { name: 'web', image: IMAGE, port: 8080, sidecars: [{ name: 'shipper', image: SHIPPER, ports: [{ name: 'metrics', port: 9100 }], readiness: Probe.tcpSocket() }] });
    const ingress = one(synthApp(app), 'NetworkPolicy', 'web').spec.ingress;
    expect(ingress).toContainEqual({ from: [{ ipBlock: { cidr: '169.254.7.127/32' } }], ports: [{ protocol: 'TCP', port: 8080 }, { protocol: 'TCP', port: 9100 }] });
  });
});

describe('bad input gets the error that names the value and the fix', () => {
  const build = (props: object, settings?: { kubernetesVersion: string }) => {
    const { app, chart } = newChart();
    if (settings) ClusterSettings.apply(app, settings);
    new SecureApp(chart, 'w', { image: IMAGE, ...props } as any);
    return app;
  };

  test('container names: DNS-1123, unique in the pod, not the app\'s or one Istio injects', () => {
    expect(thrown(() => build({
      initContainers: [{ name: 'a', image: MIGRATE }, { name: 'a', image: MIGRATE }],
      sidecars: [{ name: 'app', image: SHIPPER }, { name: 'istio-proxy', image: SHIPPER }, { name: 'Log_Shipper', image: SHIPPER }],
    }))).toBe([
      '[test/w] 4 problems:',
      '  - sidecars[0] "app": name "app" is already used by the app container: container names are unique in a pod. Fix: choose another name.',
      '  - sidecars[1] "istio-proxy": name "istio-proxy" is a container Istio injects. Fix: choose another name.',
      '  - sidecars[2] "Log_Shipper": name "Log_Shipper" is not a valid DNS-1123 label. Fix: use at most 63 lowercase letters, digits and \'-\', starting and ending with a letter or digit (e.g. "log-shipper").',
      '  - initContainers[1] "a": name "a" is already used by initContainers[0] "a": container names are unique in a pod. Fix: choose another name.',
    ].join('\n'));
  });

  test('probe header names are RFC 7230 tokens the API server accepts; the scheme is HTTP or HTTPS', () => {
    expect(thrown(() => build({ port: 80, readiness: Probe.httpGet('/h', { headers: { 'X Probe': 'v', 'X_Probe': 'v' }, scheme: 'https' as HttpScheme }) }))).toBe([
      '[test/w] 3 problems:',
      '  - readiness probe scheme "https" is not HTTP or HTTPS. Fix: use HttpScheme.HTTP (the default) or HttpScheme.HTTPS (case matters).',
      '  - readiness probe header name "X Probe" is not an HTTP header name (an RFC 7230 token: letters, digits and !#$%&\'*+-.^_`|~, no spaces or \':\'). Fix: e.g. "X-Probe".',
      '  - readiness probe header name "X_Probe" is an HTTP token but the API server accepts only letters, digits and \'-\' in a probe or hook header. Fix: e.g. "X-Probe".',
    ].join('\n'));
  });

  test('a preStop sleep longer than the grace period, on the app or a sidecar', () => {
    expect(thrown(() => build({ preStop: PreStop.sleep(45) }))).toBe('[test/w] preStop sleeps 45s but terminationGracePeriodSeconds is 30 (the default), so the kubelet kills the container '
      + 'before the sleep ends and the app never gets SIGTERM. Fix: shorten the sleep, or set terminationGracePeriodSeconds to 75 or more (the sleep plus the app\'s own shutdown).');
    expect(thrown(() => build({ terminationGracePeriodSeconds: 10, sidecars: [{ name: 's', image: SHIPPER, preStop: PreStop.sleep(15) }] })))
      .toContain('[test/w] sidecars[0] "s" preStop sleeps 15s but terminationGracePeriodSeconds is 10, so the kubelet kills');
    expect(thrown(() => build({ terminationGracePeriodSeconds: 20, preStop: PreStop.sleep(10), sidecars: [{ name: 's', image: SHIPPER, preStop: PreStop.sleep(15) }] }))).toBe(
      '[test/w] the preStop sleeps add up to 25s (preStop 10s, sidecars[0] "s" preStop 15s), run one after another as the kubelet stops the app and then each sidecar, '
      + 'but terminationGracePeriodSeconds is 20, so the last sidecar is killed mid-sleep. Fix: shorten the sleeps, or set terminationGracePeriodSeconds to 55 or more.');
    expect(() => build({ terminationGracePeriodSeconds: 25, preStop: PreStop.sleep(10), sidecars: [{ name: 's', image: SHIPPER, preStop: PreStop.sleep(15) }] })).not.toThrow();
    expect(thrown(() => build({ terminationGracePeriodSeconds: 2.5 }))).toBe('[test/w] terminationGracePeriodSeconds 2.5 must be a whole number >= 0. '
      + 'Fix: e.g. 30 (the default), at least as long as the preStop hook plus the app\'s own shutdown.');
  });

  test('a sidecar on Kubernetes 1.28, a preStop sleep on 1.29: synth errors with the upgrade', () => {
    expect(synthError(() => synthApp(build({ sidecars: [{ name: 'shipper', image: SHIPPER }] }, { kubernetesVersion: '1.28' })))).toContain(
      '[test/w] sidecar "shipper" is a native sidecar (an init container with restartPolicy: Always), which Kubernetes 1.28 (the target) does not run: SidecarContainers is on by default only since 1.29. '
      + 'Fix: target Kubernetes 1.29 or later with ClusterSettings.apply(app, { kubernetesVersion: \'1.29\' }) once the cluster runs it.');
    expect(synthError(() => synthApp(build({ preStop: PreStop.sleep(5) }, { kubernetesVersion: '1.29' })))).toContain(
      '[test/w] preStop uses the preStop sleep action, which Kubernetes 1.29 (the target) runs only behind the PodLifecycleSleepAction feature gate (on by default since 1.30). '
      + 'Fix: target Kubernetes 1.30 or later with ClusterSettings.apply(app, { kubernetesVersion: \'1.30\' }) once the cluster runs it, or use PreStop.exec([\'sleep\', \'<seconds>\']) with an image that has sleep.');
    expect(() => synthApp(build({ initContainers: [{ name: 'migrate', image: MIGRATE }], preStop: PreStop.exec(['sleep', '5']) }, { kubernetesVersion: '1.28' }))).not.toThrow();
    const t = (kubernetesVersion: string) => ({ kubernetesVersion, istioVersion: '1.27' });
    expect([supportsPreStopSleep(t('1.29')), supportsPreStopSleep(t('1.30'))]).toEqual([false, true]);
  });

  test('a meshed Job on Kubernetes 1.28 is refused: its proxy could not be a native sidecar, so the pod would never complete', () => {
    const { app, chart } = newChart();
    ClusterSettings.apply(app, { kubernetesVersion: '1.28' });
    const ns = new IsolatedNamespace(chart, 'shop', { mesh: Mesh.sidecar({ istioCni: true }) });
    new SecureJob(ns, 'j', { image: MIGRATE, activeDeadlineSeconds: 60 });
    new SecureJob(ns, 'outside', { image: MIGRATE, activeDeadlineSeconds: 60, mesh: false });
    const message = synthError(() => synthApp(app));
    expect(message).toContain('[test/shop/j] This SecureJob runs to completion in a sidecar mesh, so its Istio proxy must be a native sidecar (an init container with restartPolicy: Always, '
      + 'stopped when the app exits), which Kubernetes 1.28 (the target) does not run: the proxy would keep the pod running forever. Fix: target Kubernetes 1.29 or later with '
      + 'ClusterSettings.apply(app, { kubernetesVersion: \'1.29\' }) once the cluster runs it, or give the namespace Mesh.ambient(), or keep this workload out of the mesh with mesh: false.');
    expect(message).not.toContain('test/shop/outside');
  });

  test('ports clash across the pod; an init container takes no probes; images pinned, digests when required', () => {
    expect(thrown(() => build({
      port: 80, initContainers: [{ name: 'i', image: MIGRATE, readiness: Probe.tcpSocket() }], sidecars: [{ name: 's', image: 'nginx', ports: [{ name: 'http', port: 80 }] }],
    }))).toBe([
      '[test/w] 4 problems:',
      '  - sidecars[0] "s": image "nginx" has no tag, so Kubernetes pulls ":latest". Fix: pin a version tag or a digest, e.g. "nginx:1.2.3" or "nginx@sha256:<digest>".',
      '  - sidecars[0] "s": port name "http" is also a port of the app container. Fix: give each port in the pod its own name.',
      '  - sidecars[0] "s": port 80/TCP is also a port of the app container; the pod\'s containers share one network namespace. Fix: use another port.',
      '  - initContainers[0] "i": an init container runs to completion, so it takes no ports, probes or preStop hook. Fix: drop them, or make it a sidecar.',
    ].join('\n'));
    expect(thrown(() => build({ image: `${IMAGE}@sha256:${'a'.repeat(64)}`, requireDigest: true, sidecars: [{ name: 's', image: SHIPPER }] })))
      .toBe(`[test/w] sidecars[0] "s": image "${SHIPPER}" is referenced by tag only, but requireDigest requires a digest: the tag can be moved to other content. `
        + `Fix: pin the digest, e.g. "${SHIPPER}@sha256:<digest>" (\`docker buildx imagetools inspect ${SHIPPER}\` prints it), or set requireDigest: false on this app.`);
    const { app, chart } = newChart();
    ClusterSettings.apply(app, { requireDigest: true });
    new SecureApp(chart, 'w', { image: `${IMAGE}@sha256:${'a'.repeat(64)}`, initContainers: [{ name: 'i', image: MIGRATE }] });
    expect(synthError(() => synthApp(app))).toContain(`[test/w] initContainers[0] "i": image "${MIGRATE}" is referenced by tag only, but ClusterSettings requireDigest requires a digest`);
  });

  test('volumes: one ConfigMap mounted with other items, a volume name a claim already takes', () => {
    expect(thrown(() => build({
      files: [MountedFiles.fromConfigMap('cfg', '/etc/app')],
      sidecars: [{ name: 's', image: SHIPPER, files: [MountedFiles.fromConfigMap('cfg', '/etc/s', { items: { 'a.yaml': 'a.yaml' } })] }],
    }))).toBe('[test/w] sidecars[0] "s": ConfigMap "cfg" at /etc/s would be volume "cm-cfg", which the app container already uses differently. '
      + 'Fix: mount the same ConfigMap or Secret with the same items, or rename the directory.');
    const { chart } = newChart();
    expect(thrown(() => new SecureStatefulSet(chart, 'db', {
      image: IMAGE, persistentDirs: [{ name: 'shipper-rw-tmp', path: '/data', size: '1Gi' }], sidecars: [{ name: 'shipper', image: SHIPPER }],
    }))).toBe('[test/db] sidecars[0] "shipper": volume "shipper-rw-tmp" is also the name of a persistent dir or host path of this workload. Fix: rename the container or that volume.');
  });

  test('gRPC service, hook path and port', () => {
    expect(thrown(() => build({ port: 80, readiness: Probe.grpc({ service: 5 as any }), preStop: PreStop.httpGet('drain', { port: 81 }) }))).toBe([
      '[test/w] 3 problems:',
      '  - readiness probe service must be a string, got number 5. Fix: pass the gRPC service name as text, or leave it out for the server\'s overall health.',
      '  - preStop path "drain" does not start with \'/\'. Fix: give an absolute path, e.g. "/drain".',
      '  - preStop port 81 is not a port of its container (80). Fix: call one of those ports.',
    ].join('\n'));
  });

  test('JavaScript callers passing the wrong types get the prop schema\'s words, not a TypeError', () => {
    expect(thrown(() => build({ sidecars: [{ name: 3, image: SHIPPER, readiness: {} }], preStop: {}, terminationGracePeriodSeconds: '30', initContainers: 'x', startup: 'tcp' }))).toBe([
      '[test/w] 6 problems:',
      '  - startup must be a Probe, got "tcp". Fix: make it with Probe.httpGet(), tcpSocket(), grpc() or exec().',
      '  - preStop must be a PreStop, got a plain object. Fix: make it with PreStop.exec(), PreStop.sleep() or PreStop.httpGet().',
      '  - terminationGracePeriodSeconds must be a number, got "30". Fix: pass a whole number, not text.',
      '  - initContainers must be a list, got "x". Fix: pass an array.',
      '  - sidecars[0].name must be a string, got number 3. Fix: pass text, e.g. "name-value".',
      '  - sidecars[0].readiness must be a Probe, got a plain object. Fix: make it with Probe.httpGet(), tcpSocket(), grpc() or exec().',
    ].join('\n'));
    expect(thrown(() => build({ initContainers: [{ name: 'i' }], sidecars: [{ name: 's', image: SHIPPER, relax: { privileged: 'yes' } }] }))).toBe([
      '[test/w] 2 problems:',
      '  - initContainers[0].image is missing. Fix: set it.',
      '  - sidecars[0].relax.privileged must be true or false, got "yes". Fix: pass a boolean.',
    ].join('\n'));
  });
});
