import { Chart, Testing } from 'cdk8s';
import {
  ClaimRetention, IsolatedNamespace, Mesh, PersistentAccessMode, PodManagementPolicy, SecureApp, SecureJob, SecureStatefulSet,
} from '../src';
import { installMatchers } from '../src/testing';
import { polarisFailures } from './support/polaris';
import { expectValidManifests } from './support/schema';
import { DNS_RULE, newChart, one, synthApp } from './support/synth';
import { thrown } from './support/thrown';

installMatchers();

const PG = 'postgres:16.4';
const sel = (name: string) => ({ matchLabels: { 'app.kubernetes.io/instance': name } });

describe('SecureStatefulSet', () => {
  const { app, chart } = newChart({ namespace: 'shop' });
  const db = new SecureStatefulSet(chart, 'db', {
    name: 'db', image: PG, port: 5432, portName: 'postgres',
    persistentDirs: [{ path: '/var/lib/postgresql/data', size: '10Gi', storageClassName: 'fast' }],
  });
  const api = new SecureApp(chart, 'api', { name: 'api', image: 'ghcr.io/acme/api:1.0.0', port: 8080 });
  api.allowTo(db);
  const out = synthApp(app);
  const sts = one(out, 'StatefulSet', 'db');
  const pod = sts.spec.template.spec;

  test('emits a ServiceAccount, a headless Service, the StatefulSet, a client Service and a NetworkPolicy; no PDB with one replica', () => {
    expect(out.filter((m) => m.metadata.labels?.['app.kubernetes.io/instance'] === 'db').map((m) => `${m.kind}/${m.metadata.name}`)).toEqual([
      'ServiceAccount/db', 'Service/db-headless', 'StatefulSet/db', 'Service/db', 'NetworkPolicy/db',
    ]);
  });

  test('one replica, the headless Service governs it, ordered start, partitioned rolling update, claims retained', () => {
    const { template, volumeClaimTemplates, ...spec } = sts.spec;
    expect(spec).toEqual({
      replicas: 1,
      serviceName: 'db-headless',
      revisionHistoryLimit: 5,
      selector: sel('db'),
      podManagementPolicy: 'OrderedReady',
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0 } },
      persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Retain' },
    });
    expect(volumeClaimTemplates).toEqual([{
      metadata: { name: 'data', labels: sts.metadata.labels },
      spec: { accessModes: ['ReadWriteOnce'], storageClassName: 'fast', resources: { requests: { storage: '10Gi' } } },
    }]);
    expect(one(out, 'Service', 'db-headless').spec).toEqual({
      clusterIP: 'None', selector: { 'app.kubernetes.io/instance': 'db' }, publishNotReadyAddresses: true,
      ports: [{ name: 'postgres', port: 5432, targetPort: 'postgres', protocol: 'TCP' }],
    });
  });

  test('the pod is hardened like a SecureApp pod, mounts its claim and changes fsGroup only on a root mismatch', () => {
    expect(pod.securityContext).toEqual({
      runAsNonRoot: true, runAsUser: 10001, runAsGroup: 10001, fsGroup: 10001, fsGroupChangePolicy: 'OnRootMismatch', seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(pod.containers[0].securityContext.readOnlyRootFilesystem).toBe(true);
    expect(pod.containers[0].volumeMounts).toEqual([{ name: 'rw-tmp', mountPath: '/tmp' }, { name: 'data', mountPath: '/var/lib/postgresql/data' }]);
    expect(pod.containers[0].readinessProbe).toEqual(expect.objectContaining({ tcpSocket: { port: 5432 } }));
    expect(pod.affinity).toBeUndefined();
    expect(out).toPassPodSecurity('restricted');
    expectValidManifests(out);
  });

  test('Polaris: on the StatefulSet only no spread (one replica), the unset PriorityClass and no liveness probe (none by default, README "Probes"), all deliberate', () => {
    const found = polarisFailures(out).filter((f) => f.object === 'StatefulSet/db').map((f) => f.check).sort();
    expect(found).toEqual(['livenessProbeMissing', 'priorityClassNotSet', 'topologySpreadConstraint']);
  });

  test('api.allowTo(db): ingress on the database from the api only, on its port', () => {
    expect(one(out, 'NetworkPolicy', 'db').spec).toEqual({
      podSelector: sel('db'),
      policyTypes: ['Ingress', 'Egress'],
      ingress: [{ from: [{ podSelector: sel('api') }], ports: [{ protocol: 'TCP', port: 5432 }] }],
      egress: [DNS_RULE],
    });
    expect(out).toAllowTraffic(api, db, { port: 5432 });
    expect(out).not.toAllowTraffic(db, api, { port: 8080 });
  });

  test('replicated: a PDB, spread, Parallel start, a partition and claims deleted on scale-down when asked', () => {
    const { app: a, chart: c } = newChart();
    new SecureStatefulSet(c, 'kafka', {
      name: 'kafka', image: 'apache/kafka:3.7.0', port: 9092, replicas: 3, podManagementPolicy: PodManagementPolicy.PARALLEL, partition: 2,
      claimsWhenScaled: ClaimRetention.DELETE,
      persistentDirs: [{ path: '/var/lib/kafka', size: '20Gi', accessMode: PersistentAccessMode.READ_WRITE_ONCE_POD }, { path: '/var/log/kafka', size: '1Gi', name: 'logs' }],
    });
    const m = synthApp(a);
    const s = one(m, 'StatefulSet', 'kafka').spec;
    expect([s.replicas, s.podManagementPolicy, s.updateStrategy.rollingUpdate.partition]).toEqual([3, 'Parallel', 2]);
    expect(s.persistentVolumeClaimRetentionPolicy).toEqual({ whenDeleted: 'Retain', whenScaled: 'Delete' });
    expect(s.volumeClaimTemplates.map((t: any) => [t.metadata.name, t.spec.accessModes[0]])).toEqual([['data', 'ReadWriteOncePod'], ['logs', 'ReadWriteOnce']]);
    expect(s.template.spec.topologySpreadConstraints).toHaveLength(2);
    expect(one(m, 'PodDisruptionBudget', 'kafka').spec).toEqual({ maxUnavailable: 1, selector: sel('kafka'), unhealthyPodEvictionPolicy: 'AlwaysAllow' });
    expectValidManifests(m);
  });

  test('a worker without ports gets a headless Service without ports and no client Service', () => {
    const { app: a, chart: c } = newChart();
    new SecureStatefulSet(c, 'w', { name: 'w', image: PG });
    const m = synthApp(a);
    expect(m.filter((x) => x.kind === 'Service').map((x) => x.metadata.name)).toEqual(['w-headless']);
    expect(one(m, 'Service', 'w-headless').spec.ports).toBeUndefined();
    expect(one(m, 'StatefulSet', 'w').spec.template.spec.securityContext.fsGroupChangePolicy).toBeUndefined();
    expectValidManifests(m);
  });

  test('bad input: one error listing each problem', () => {
    const c = new Chart(Testing.app(), 'c');
    expect(thrown(() => new SecureStatefulSet(c, 'db', {
      image: PG, replicas: -1, partition: 1.5, podManagementPolicy: 'Sometimes' as PodManagementPolicy,
      persistentDirs: [{ path: 'data', size: '10 Gi' }, { path: '/tmp', size: '1Gi', name: 'Data' }],
    }))).toBe([
      '[c/db] 7 problems:',
      '  - replicas -1 must be a whole number >= 0. Fix: set replicas to 1 (the default) or more.',
      '  - partition 1.5 must be a whole number >= 0. Fix: set the lowest ordinal a rolling update replaces, e.g. 0 (all pods).',
      '  - podManagementPolicy "Sometimes" is not OrderedReady or Parallel. Fix: use PodManagementPolicy.ORDERED_READY (the default) or PodManagementPolicy.PARALLEL.',
      '  - persistentDirs[0].path "data" is not an absolute path. Fix: e.g. /var/lib/postgresql/data.',
      '  - persistentDirs[0].size "10 Gi" is not a valid Kubernetes quantity. Fix: write a number with an optional suffix and no spaces, e.g. "250m" (CPU), "256Mi" or "1Gi" (memory, storage).',
      '  - persistentDirs[1].path /tmp is mounted twice. Fix: give each directory one volume.',
      '  - persistentDirs[1].name "Data" is not a DNS label of at most 32 characters. Fix: e.g. "data".',
    ].join('\n'));
  });

  test('storage over quota: requests.storage, claims and the StorageClass quota count every replica\'s claims', () => {
    const { app: a, chart: c } = newChart();
    const ns = new IsolatedNamespace(c, 'shop', {
      quota: { 'requests.storage': '50Gi', 'persistentvolumeclaims': '2', 'fast.storageclass.storage.k8s.io/requests.storage': '20Gi' },
    });
    new SecureStatefulSet(ns, 'db', { image: PG, port: 5432, replicas: 3, persistentDirs: [{ path: '/data', size: '20Gi', storageClassName: 'fast' }] });
    let message = '';
    try {
      synthApp(a);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message.split('\n')).toEqual([
      'Validation failed with the following errors:',
      "  [test/shop] ResourceQuota requests.storage is 50Gi but the apps inside need 60Gi (test/shop/db: 3 pods × (data 20Gi of fast)). Fix: raise quota['requests.storage'] of the IsolatedNamespace, or lower replicas, autoscaling.maxReplicas or resources.",
      "  [test/shop] ResourceQuota persistentvolumeclaims is 2 but the apps inside need 3 (test/shop/db: 3 pods × (data 20Gi of fast)). Fix: raise quota['persistentvolumeclaims'] of the IsolatedNamespace, or lower replicas, autoscaling.maxReplicas or resources.",
      "  [test/shop] ResourceQuota fast.storageclass.storage.k8s.io/requests.storage is 20Gi but the apps inside need 60Gi (test/shop/db: 3 pods × (data 20Gi of fast)). Fix: raise quota['fast.storageclass.storage.k8s.io/requests.storage'] of the IsolatedNamespace, or lower replicas, autoscaling.maxReplicas or resources.",
    ]);
  });

  test('the pods quota counts the replicas without a surge pod', () => {
    const { app: a, chart: c } = newChart();
    const ns = new IsolatedNamespace(c, 'shop', { quota: { pods: '3' } });
    new SecureStatefulSet(ns, 'db', { image: PG, replicas: 3 });
    expect(() => synthApp(a)).not.toThrow();
  });

  test('host access under restricted is refused at synth, naming the relaxation', () => {
    const { app: a, chart: c } = newChart();
    new SecureStatefulSet(c, 'db', { image: PG, relax: { hostPID: true } });
    expect(() => synthApp(a)).toThrow(/check hostNamespaces fails: .*\(field spec\.hostPID, set by `relax\.hostPID`\)/);
  });
});

describe('SecureStatefulSet in a sidecar mesh', () => {
  const { app, chart } = newChart();
  const ns = new IsolatedNamespace(chart, 'shop', { mesh: Mesh.sidecar({ istioCni: true }) });
  const db = new SecureStatefulSet(ns, 'db', { name: 'db', image: PG, port: 5432, persistentDirs: [{ path: '/data', size: '1Gi' }] });
  const migrate = new SecureJob(ns, 'migrate', { name: 'migrate', image: 'ghcr.io/acme/migrate:2.0.1', activeDeadlineSeconds: 600 });
  db.allowFrom(migrate);
  const out = synthApp(app);

  test('the database admits the Job\'s own mesh identity on its port', () => {
    expect(one(out, 'AuthorizationPolicy', 'db').spec).toEqual({
      selector: sel('db'),
      action: 'ALLOW',
      rules: [{ from: [{ source: { principals: ['cluster.local/ns/shop/sa/migrate'] } }], to: [{ operation: { ports: ['5432'] } }] }],
    });
    expect(out).toAllowTraffic(migrate, db, { port: 5432 });
    expectValidManifests(out);
  });
});
