import { Chart, Testing } from 'cdk8s';
import {
  DeploymentStrategy, IsolatedNamespace, MonitoredService, PercentOrAbsolute, PersistentAccessMode, SecureApp, SecureStatefulSet,
} from '../src';
import { installMatchers } from '../src/testing';
import { expectValidManifests } from './support/schema';
import { newChart, one, synthApp } from './support/synth';
import { thrown } from './support/thrown';

installMatchers();

const IMAGE = 'ghcr.io/acme/wiki:2.5.1';

function synthError(app: ReturnType<typeof newChart>['app']): string[] {
  try {
    synthApp(app);
  } catch (e) {
    return (e as Error).message.split('\n');
  }
  throw new Error('expected synth to fail');
}

describe('DeploymentStrategy (the value)', () => {
  test('recreate() is type Recreate, with no surge', () => {
    const s = DeploymentStrategy.recreate();
    expect(s._toKube()).toEqual({ type: 'Recreate' });
    expect(s.isRollingUpdate).toBe(false);
    expect(s._surgePods(10)).toBe(0);
    expect(s.problems()).toEqual([]);
  });

  test('rollingUpdate() defaults to one surge pod and none unavailable, as SecureApp always wrote it', () => {
    expect(DeploymentStrategy.rollingUpdate()._toKube()).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } });
    expect(DeploymentStrategy.rollingUpdate({ maxUnavailable: PercentOrAbsolute.absolute(2) })._toKube())
      .toEqual({ type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 2 } });
  });

  test('percentages render as intOrString percentages; a surge percentage rounds up as the controller does', () => {
    const s = DeploymentStrategy.rollingUpdate({ maxSurge: PercentOrAbsolute.percent(25), maxUnavailable: PercentOrAbsolute.percent(10) });
    expect(s._toKube()).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '10%' } });
    expect([s._surgePods(4), s._surgePods(5), s._surgePods(1)]).toEqual([1, 2, 1]);
    expect(s.problems()).toEqual([]);
  });

  test('both zero is refused, absolute or percent', () => {
    const zero = 'strategy maxSurge and maxUnavailable are both 0, so a rollout could neither add nor remove a pod (the API server refuses it). Fix: keep maxSurge at 1 (the default), or set maxUnavailable to 1 or more.';
    expect(DeploymentStrategy.rollingUpdate({ maxSurge: PercentOrAbsolute.absolute(0) }).problems()).toEqual([zero]);
    expect(DeploymentStrategy.rollingUpdate({ maxSurge: PercentOrAbsolute.percent(0), maxUnavailable: PercentOrAbsolute.absolute(0) }).problems()).toEqual([zero]);
    expect(DeploymentStrategy.rollingUpdate({ maxSurge: PercentOrAbsolute.absolute(0), maxUnavailable: PercentOrAbsolute.absolute(1) }).problems()).toEqual([]);
  });

  test('fractions, negatives and more than 100% unavailable are refused, naming the field', () => {
    expect(DeploymentStrategy.rollingUpdate({ maxSurge: PercentOrAbsolute.absolute(1.5), maxUnavailable: PercentOrAbsolute.percent(120) }).problems()).toEqual([
      'strategy maxSurge 1.5 is not a whole number of pods >= 0. Fix: e.g. PercentOrAbsolute.absolute(1).',
      'strategy maxUnavailable 120% is not a whole percentage from 0 to 100. Fix: e.g. PercentOrAbsolute.percent(25).',
    ]);
    expect(DeploymentStrategy.rollingUpdate({ maxSurge: PercentOrAbsolute.percent(-5) }).problems()).toEqual([
      'strategy maxSurge -5% is not a whole percentage from 0 to any. Fix: e.g. PercentOrAbsolute.percent(25).',
    ]);
    // A surge may be more than the replicas (the API server allows it).
    expect(DeploymentStrategy.rollingUpdate({ maxSurge: PercentOrAbsolute.percent(150) }).problems()).toEqual([]);
  });
});

describe('SecureApp strategy', () => {
  test('without strategy the Deployment keeps its rolling update bytes', () => {
    const { app, chart } = newChart({ namespace: 'wiki' });
    new SecureApp(chart, 'web', { name: 'web', image: IMAGE, port: 8080 });
    expect(one(synthApp(app), 'Deployment', 'web').spec.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } });
  });

  test('the given strategy is written; a bad one is refused with the path', () => {
    const { app, chart } = newChart({ namespace: 'wiki' });
    new SecureApp(chart, 'a', { name: 'a', image: IMAGE, port: 8080, strategy: DeploymentStrategy.recreate() });
    new SecureApp(chart, 'b', { name: 'b', image: IMAGE, port: 8080, strategy: DeploymentStrategy.rollingUpdate({ maxSurge: PercentOrAbsolute.percent(50), maxUnavailable: PercentOrAbsolute.absolute(1) }) });
    const out = synthApp(app);
    expect(one(out, 'Deployment', 'a').spec.strategy).toEqual({ type: 'Recreate' });
    expect(one(out, 'Deployment', 'b').spec.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxSurge: '50%', maxUnavailable: 1 } });
    expectValidManifests(out);
    const c = new Chart(Testing.app(), 'c');
    expect(thrown(() => new SecureApp(c, 'x', { image: IMAGE, strategy: DeploymentStrategy.rollingUpdate({ maxSurge: PercentOrAbsolute.absolute(0) }) }))).toBe(
      '[c/x] strategy maxSurge and maxUnavailable are both 0, so a rollout could neither add nor remove a pod (the API server refuses it). Fix: keep maxSurge at 1 (the default), or set maxUnavailable to 1 or more.');
    expect(thrown(() => new SecureApp(c, 'y', { image: IMAGE, strategy: { type: 'Recreate' } as any }))).toBe(
      '[c/y] strategy must be a DeploymentStrategy, got a plain object. Fix: make it with DeploymentStrategy.rollingUpdate() or DeploymentStrategy.recreate().');
    expect(thrown(() => new SecureApp(c, 'z', { image: IMAGE, persistentDirs: '/data' as any }))).toBe('[c/z] persistentDirs must be a list, got "/data". Fix: pass an array.');
  });

  test('a MonitoredService is a SecureApp here too: its strategy and claims reach its Deployment', () => {
    const { app, chart } = newChart({ namespace: 'wiki' });
    new MonitoredService(chart, 'm', {
      name: 'm', image: IMAGE, port: 8080, metrics: { port: 9090 },
      persistentDirs: [{ path: '/data', size: '1Gi' }],
    });
    const out = synthApp(app);
    expect(one(out, 'Deployment', 'm').spec).toMatchObject({ replicas: 1, strategy: { type: 'Recreate' } });
    expect(one(out, 'PersistentVolumeClaim', 'm-data').spec.resources).toEqual({ requests: { storage: '1Gi' } });
  });

  test('the pods quota: Recreate counts no surge pod, a rolling update the surge it allows', () => {
    const quota = (strategy: DeploymentStrategy | undefined, pods: string) => {
      const { app, chart } = newChart();
      const ns = new IsolatedNamespace(chart, 'wiki', { quota: { pods } });
      new SecureApp(ns, 'web', { image: IMAGE, replicas: 4, strategy });
      try {
        synthApp(app);
        return 'fits';
      } catch (e) {
        return (e as Error).message.split('\n')[1];
      }
    };
    expect(quota(DeploymentStrategy.recreate(), '4')).toBe('fits');
    expect(quota(DeploymentStrategy.recreate(), '3')).toBe(
      "  [test/wiki] ResourceQuota pods is 3 but the apps inside need 4 (test/wiki/web: 4 pods (4 replicas, Recreate: no surge)). Fix: raise quota['pods'] of the IsolatedNamespace, or lower replicas, autoscaling.maxReplicas or resources.");
    expect(quota(undefined, '4')).toBe(
      "  [test/wiki] ResourceQuota pods is 4 but the apps inside need 5 (test/wiki/web: 5 pods (4 replicas + 1 rollout surge)). Fix: raise quota['pods'] of the IsolatedNamespace, or lower replicas, autoscaling.maxReplicas or resources.");
    const half = DeploymentStrategy.rollingUpdate({ maxSurge: PercentOrAbsolute.percent(50) });
    expect(quota(half, '6')).toBe('fits');
    expect(quota(half, '5')).toBe(
      "  [test/wiki] ResourceQuota pods is 5 but the apps inside need 6 (test/wiki/web: 6 pods (4 replicas + 2 rollout surge, maxSurge 50%)). Fix: raise quota['pods'] of the IsolatedNamespace, or lower replicas, autoscaling.maxReplicas or resources.");
    expect(quota(DeploymentStrategy.rollingUpdate({ maxSurge: PercentOrAbsolute.absolute(0), maxUnavailable: PercentOrAbsolute.absolute(1) }), '4')).toBe('fits');
  });
});

describe('SecureApp persistentDirs', () => {
  const { app, chart } = newChart({ namespace: 'wiki' });
  const wiki = new SecureApp(chart, 'wiki', {
    name: 'wiki', image: IMAGE, port: 8080,
    persistentDirs: [{ path: '/var/lib/wiki', size: '5Gi', storageClassName: 'fast' }, { path: '/srv/media', claimName: 'media', name: 'media', accessMode: PersistentAccessMode.READ_WRITE_MANY }],
  });
  const shared = new SecureApp(chart, 'reader', {
    name: 'reader', image: IMAGE, port: 8080, replicas: 3, strategy: DeploymentStrategy.rollingUpdate(),
    persistentDirs: [{ path: '/srv/media', claimName: 'media', accessMode: PersistentAccessMode.READ_ONLY_MANY }],
  });
  const out = synthApp(app);
  const deployment = one(out, 'Deployment', 'wiki');

  test('a new claim is emitted before the Deployment, named after the app and labelled like it; an existing one is only mounted', () => {
    expect(out.filter((m) => m.metadata.labels?.['app.kubernetes.io/instance'] === 'wiki').map((m) => `${m.kind}/${m.metadata.name}`)).toEqual([
      'ServiceAccount/wiki', 'PersistentVolumeClaim/wiki-data', 'Deployment/wiki', 'Service/wiki', 'NetworkPolicy/wiki',
    ]);
    expect(one(out, 'PersistentVolumeClaim', 'wiki-data')).toEqual({
      apiVersion: 'v1', kind: 'PersistentVolumeClaim',
      metadata: { name: 'wiki-data', namespace: 'wiki', labels: deployment.metadata.labels },
      spec: { accessModes: ['ReadWriteOnce'], storageClassName: 'fast', resources: { requests: { storage: '5Gi' } } },
    });
    expect(wiki.persistentVolumeClaims.length).toBe(1);
    expect(shared.persistentVolumeClaims).toEqual([]);
  });

  test('a ReadWriteOnce dir makes one replica, replaced with Recreate, and no PDB', () => {
    expect(deployment.spec.replicas).toBe(1);
    expect(deployment.spec.strategy).toEqual({ type: 'Recreate' });
    expect(out.filter((m) => m.kind === 'PodDisruptionBudget').map((m) => m.metadata.name)).toEqual(['reader']);
  });

  test('the pod mounts each claim, read-only for ReadOnlyMany, and changes fsGroup only on a root mismatch', () => {
    const pod = deployment.spec.template.spec;
    expect(pod.volumes.slice(-2)).toEqual([
      { name: 'data', persistentVolumeClaim: { claimName: 'wiki-data' } },
      { name: 'media', persistentVolumeClaim: { claimName: 'media' } },
    ]);
    expect(pod.containers[0].volumeMounts.slice(-2)).toEqual([{ name: 'data', mountPath: '/var/lib/wiki' }, { name: 'media', mountPath: '/srv/media' }]);
    expect(pod.securityContext.fsGroupChangePolicy).toBe('OnRootMismatch');
    const reader = one(out, 'Deployment', 'reader');
    expect(reader.spec.template.spec.volumes.slice(-1)).toEqual([{ name: 'data', persistentVolumeClaim: { claimName: 'media' } }]);
    expect(reader.spec.template.spec.containers[0].volumeMounts.slice(-1)).toEqual([{ name: 'data', mountPath: '/srv/media', readOnly: true }]);
    expect(reader.spec.replicas).toBe(3);
    expect(out).toPassPodSecurity('restricted');
    expectValidManifests(out);
  });

  test('RWO with an explicit rolling update is refused, with the reason and the fix', () => {
    const c = new Chart(Testing.app(), 'c');
    expect(thrown(() => new SecureApp(c, 'db', { image: IMAGE, strategy: DeploymentStrategy.rollingUpdate(), persistentDirs: [{ path: '/data', size: '1Gi' }] }))).toBe(
      '[c/db] strategy is a rolling update, but persistentDirs[0] (/data) is ReadWriteOnce (the default): the surge pod would wait forever for a volume the old pod holds on another node, or write to it beside the old pod on the same node. Fix: use DeploymentStrategy.recreate() (the default with such a dir), or, if the storage allows several writers, set its accessMode to PersistentAccessMode.READ_WRITE_MANY.');
  });

  test('RWO with replicas > 1 or autoscaling is refused, saying why', () => {
    const c = new Chart(Testing.app(), 'c');
    expect(thrown(() => new SecureApp(c, 'db', { image: IMAGE, replicas: 2, persistentDirs: [{ path: '/data', size: '1Gi', accessMode: PersistentAccessMode.READ_WRITE_ONCE_POD }] }))).toBe(
      '[c/db] replicas 2 mount one claim, but persistentDirs[0] (/data) is ReadWriteOncePod: the other replicas would stay Pending on other nodes, or write beside the first on its node. Fix: run one replica (the default with such a dir), use a SecureStatefulSet for a claim per pod, or, if the storage allows several writers, set its accessMode to PersistentAccessMode.READ_WRITE_MANY.');
    expect(thrown(() => new SecureApp(c, 'as', { image: IMAGE, autoscaling: { maxReplicas: 4 }, persistentDirs: [{ path: '/data', claimName: 'db' }] }))).toBe(
      '[c/as] autoscaling would add replicas that mount one claim, but persistentDirs[0] (/data) is ReadWriteOnce (the default): they would stay Pending on other nodes, or write beside the first on its node. Fix: drop autoscaling and run one replica (the default with such a dir), use a SecureStatefulSet for a claim per pod, or, if the storage allows several writers, set its accessMode to PersistentAccessMode.READ_WRITE_MANY.');
  });

  test('bad dirs are refused with the StatefulSet\'s words, and what only a Deployment can get wrong', () => {
    const c = new Chart(Testing.app(), 'c');
    expect(thrown(() => new SecureApp(c, 'x', {
      image: IMAGE, writableDirs: [{ path: '/cache' }],
      persistentDirs: [{ path: '/cache', size: '1 Gi' }, { path: '/b', claimName: 'Bad_Claim', size: '1Gi', storageClassName: 'fast' }, { path: '/c' }],
    }))).toBe([
      '[c/x] 6 problems:',
      '  - persistentDirs[0].path /cache is mounted twice. Fix: give each directory one volume.',
      '  - persistentDirs[0].size "1 Gi" is not a valid Kubernetes quantity. Fix: write a number with an optional suffix and no spaces, e.g. "250m" (CPU), "256Mi" or "1Gi" (memory, storage).',
      '  - persistentDirs[1].claimName "Bad_Claim" is not a valid DNS-1123 subdomain. Fix: use lowercase letters, digits, \'-\' and \'.\', starting and ending with a letter or digit (e.g. "bad-claim").',
      '  - persistentDirs[1].size "1Gi" is set with claimName "Bad_Claim", whose claim already has its size. Fix: drop size, or drop claimName to have the library create the claim.',
      '  - persistentDirs[1].storageClassName "fast" is set with claimName "Bad_Claim", whose claim already has its storageClassName. Fix: drop storageClassName, or drop claimName to have the library create the claim.',
      '  - persistentDirs[2].size is not set. Fix: set the size of the new volume, e.g. "10Gi", or set claimName to mount an existing claim.',
    ].join('\n'));
    expect(thrown(() => new SecureStatefulSet(c, 's', { image: IMAGE, persistentDirs: [{ path: '/d', claimName: 'db' }] }))).toBe(
      '[c/s] persistentDirs[0].claimName "db" would be one claim shared by every replica, but a StatefulSet gives each pod its own claim from a template. Fix: drop claimName and set size (claims are named <name>-<statefulset>-<ordinal>), or mount the existing claim from a SecureApp.');
  });

  test('storage over quota: a Deployment\'s new claim counts once, by StorageClass too; an existing claim not at all', () => {
    const { app: a, chart: c } = newChart();
    const ns = new IsolatedNamespace(c, 'wiki', {
      quota: { 'requests.storage': '8Gi', 'persistentvolumeclaims': '1', 'fast.storageclass.storage.k8s.io/requests.storage': '4Gi' },
    });
    new SecureApp(ns, 'wiki', { name: 'wiki', image: IMAGE, persistentDirs: [{ path: '/data', size: '5Gi', storageClassName: 'fast' }, { path: '/media', claimName: 'media' }] });
    new SecureApp(ns, 'cache', { name: 'cache', image: IMAGE, persistentDirs: [{ path: '/cache', size: '4Gi' }] });
    expect(synthError(a)).toEqual([
      'Validation failed with the following errors:',
      "  [test/wiki] ResourceQuota requests.storage is 8Gi but the apps inside need 9Gi (test/wiki/wiki: claim wiki-data 5Gi of fast; test/wiki/cache: claim cache-data 4Gi). Fix: raise quota['requests.storage'] of the IsolatedNamespace, or lower replicas, autoscaling.maxReplicas or resources.",
      "  [test/wiki] ResourceQuota persistentvolumeclaims is 1 but the apps inside need 2 (test/wiki/wiki: claim wiki-data 5Gi of fast; test/wiki/cache: claim cache-data 4Gi). Fix: raise quota['persistentvolumeclaims'] of the IsolatedNamespace, or lower replicas, autoscaling.maxReplicas or resources.",
      "  [test/wiki] ResourceQuota fast.storageclass.storage.k8s.io/requests.storage is 4Gi but the apps inside need 5Gi (test/wiki/wiki: claim wiki-data 5Gi of fast). Fix: raise quota['fast.storageclass.storage.k8s.io/requests.storage'] of the IsolatedNamespace, or lower replicas, autoscaling.maxReplicas or resources.",
    ]);
  });

  test('RWO with a pods quota: one pod, no surge', () => {
    const { app: a, chart: c } = newChart();
    const ns = new IsolatedNamespace(c, 'wiki', { quota: { pods: '1' } });
    new SecureApp(ns, 'wiki', { image: IMAGE, persistentDirs: [{ path: '/data', size: '1Gi' }] });
    expect(() => synthApp(a)).not.toThrow();
    expect(one(synthApp(a), 'Deployment').spec).toMatchObject({ replicas: 1, strategy: { type: 'Recreate' } });
  });
});
