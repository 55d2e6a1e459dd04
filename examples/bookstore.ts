// A bookstore that uses every workload kind, all in one meshed namespace and all Pod Security
// restricted on the pod as Istio injects it (sidecars with the Istio CNI plugin):
//
//   istio ingress gateway → web → catalog (v1 and a v2 canary behind one Service) → db
//                               → orders (+ a pgbouncer sidecar)                  → db
//   migrate (a Job, run on each release) → db        nightly-report (a CronJob) → db, object storage
//   every app → otel-agent (a DaemonSet, one OpenTelemetry Collector per node) → the tracing backend
//
// The agent receives traces over OTLP from the pods instead of reading the node, so it needs no
// host access and stays in the application's restricted namespace: a log or node-metrics agent
// (hostPath, hostPID) would need a privileged namespace of its own. Images are pinned by digest
// (ClusterSettings requireDigest, set by the platform example for the whole app).
import { App, Chart } from 'cdk8s';
import {
  EnvValue, IsolatedNamespace, Mesh, MountedFiles, Peer, Probe, RbacSubject, SecureApp, SecureCronJob, SecureDaemonSet, SecureJob,
  SecureService, SecureStatefulSet,
} from '../src';

const image = (name: string, tag: string, digest: string) => `ghcr.io/acme/${name}:${tag}@sha256:${digest}`;
const http = { readiness: Probe.httpGet('/ready'), liveness: Probe.httpGet('/healthz') };
// Credentials as files, never as environment variables (which leak into crash dumps and child
// processes): each app reads the file named by its *_FILE variable.
const dbSecret = (key: string) => MountedFiles.fromSecret('db-credentials', '/etc/bookstore/db', { items: { [key]: key } });
const dbUrl = (key: string) => ({ env: { DATABASE_URL_FILE: EnvValue.fromValue(`/etc/bookstore/db/${key}`) }, files: [dbSecret(key)] });

export function buildBookstore(app: App): void {
  const chart = new Chart(app, 'bookstore', { disableResourceNameHashes: true });
  const ns = new IsolatedNamespace(chart, 'bookstore', {
    editors: [RbacSubject.group('bookstore-developers')],
    mesh: Mesh.sidecar({ istioCni: true }),
    // The database's one claim, and 23 pods at their largest (web 3, catalog 5 + 3 and orders 3
    // with their rollout surge, db 1, one migrate and one report run, the agent on 6 nodes), each
    // with its Istio sidecar: the quota judge counts every container of the pod.
    quota: { 'requests.storage': '20Gi', 'persistentvolumeclaims': '1', 'pods': '24', 'requests.cpu': '6', 'limits.cpu': '28', 'limits.memory': '24Gi' },
  });

  // PostgreSQL on a ReadWriteOnce volume: one replica (the StatefulSet default), its claim kept
  // when the StatefulSet is deleted or scaled down.
  const db = new SecureStatefulSet(ns, 'db', {
    name: 'db',
    image: image('postgres', '16.4', '2c4d963289e95d654f0e6080c77f7c9ae46aae822cdb11553dfa82c3bd6fce46'),
    port: 5432,
    env: {
      // A subdirectory, so initdb does not trip over the volume's lost+found.
      PGDATA: EnvValue.fromValue('/var/lib/postgresql/data/pgdata'),
      // The official image takes the password only from this variable or a *_FILE one, whose
      // name Polaris and this library take for a secret in plain text: a secret reference then.
      POSTGRES_PASSWORD: EnvValue.fromSecret('db-credentials', 'password'),
    },
    writableDirs: [{ path: '/var/run/postgresql' }],
    persistentDirs: [{ path: '/var/lib/postgresql/data', size: '20Gi', storageClassName: 'ssd' }],
    resources: { cpu: { request: '250m', limit: '1' }, memory: { request: '512Mi', limit: '1Gi' } },
    readiness: Probe.exec(['pg_isready', '-U', 'postgres', '-h', '127.0.0.1']),
    liveness: Probe.tcpSocket({ periodSeconds: 30 }),
  });

  // Schema migrations, run to completion on each release; a stuck migration is killed after 10 minutes.
  const migrate = new SecureJob(ns, 'migrate', {
    name: 'migrate',
    image: image('bookstore-migrate', '3.2.0', '8bfa612775f30b27d614f717d945f1842c5ce449d53290cb0d6033c173b14758'),
    args: ['up'],
    ...dbUrl('url'),
    activeDeadlineSeconds: 600,
    backoffLimit: 2,
  });
  migrate.allowTo(db);

  // The sales report, every night at 02:30 Berlin time, uploaded to object storage by name.
  const report = new SecureCronJob(ns, 'nightly-report', {
    name: 'nightly-report',
    image: image('bookstore-report', '1.4.1', '5b8829fb9ae65dde4ea6418dfac47dac063fb4f699cfd56cf7bed4a37e16ebbc'),
    schedule: '30 2 * * *',
    timeZone: 'Europe/Berlin',
    ...dbUrl('readonly-url'),
    activeDeadlineSeconds: 3600,
  });
  report.allowTo(db);
  report.allowToHost('reports.s3.eu-central-1.amazonaws.com', { port: 443 });

  // Two versions of the catalog behind one Service, by their share of pods: v2, the canary,
  // gets a third of the requests. Each keeps its own Deployment, ServiceAccount and Service.
  const catalogVersion = (version: string, tag: string, digest: string, replicas: number) => new SecureApp(ns, `catalog-${version}`, {
    name: `catalog-${version}`, appName: 'catalog', replicas,
    image: image('bookstore-catalog', tag, digest),
    port: 8080, ...http,
    ...dbUrl('readonly-url'),
  });
  const catalogV1 = catalogVersion('v1', '1.8.0', 'f2664a6fb2b70591f8c00ee4b6a0802417a3a19a35f1469ab265d0e675f857b5', 4);
  const catalogV2 = catalogVersion('v2', '2.0.0-rc.1', 'a2dc40ca08e0170ce650b1bcd4e17b927a98c53c03663c272460e0e674ab7615', 2);
  const catalog = new SecureService(ns, 'catalog', { name: 'catalog', workloads: [catalogV1, catalogV2] });
  catalog.allowTo(db);

  const web = new SecureApp(ns, 'web', {
    name: 'web',
    image: image('bookstore-web', '5.0.2', '1b54cd5abcd2fc684b2f418d00204de95d38d33bdb9587f3abb9f1d6e39167ba'),
    port: 8080, ...http,
  });
  web.allowFrom(Peer.pods('istio-ingress', { istio: 'ingressgateway' }, { serviceAccount: 'istio-ingressgateway' }));
  web.allowTo(catalog);

  // Orders talks to PostgreSQL through a pgbouncer sidecar on localhost: a few pooled server
  // connections instead of one per request. The sidecar is hardened like the app container.
  const orders = new SecureApp(ns, 'orders', {
    name: 'orders',
    image: image('bookstore-orders', '2.3.0', 'f9db645c798d50ad500f9c51345acbc69ed6951194b6c834a581ffb67c228d4a'),
    port: 9000, ...http,
    ...dbUrl('orders-url'),
    sidecars: [{
      name: 'pgbouncer',
      image: image('pgbouncer', '1.23.1', '9cf2486169602441d3c0119eb293e59596adf78ad509d6eb982e4498f254fcf8'),
      args: ['/etc/pgbouncer/pgbouncer.ini'],
      ports: [{ name: 'pgbouncer', port: 6432 }],
      files: [MountedFiles.fromSecret('orders-pgbouncer', '/etc/pgbouncer')],
      readiness: Probe.tcpSocket({ port: 6432 }),
      resources: { cpu: { request: '50m', limit: '200m' }, memory: { request: '32Mi', limit: '64Mi' } },
    }],
  });
  orders.allowFrom(web);
  orders.allowTo(db);

  const agent = new SecureDaemonSet(ns, 'otel-agent', {
    name: 'otel-agent',
    image: image('otel-collector', '0.110.0', '2f44750a0c4b94b1168d75a3a3426fd8de70d45c577b01a866db773568b761a7'),
    port: 4317, portName: 'grpc-otlp',
    ports: [{ name: 'health', port: 13133, exposeOnService: false }],
    // Ready once the OTLP receiver accepts connections; alive while the health_check extension answers.
    readiness: Probe.tcpSocket(),
    liveness: Probe.httpGet('/', { port: 13133 }),
    nodes: 6,
    tolerations: [{ key: 'node-role.kubernetes.io/control-plane', operator: 'Exists', effect: 'NoSchedule' }],
  });
  // One Service for the agents: each app sends its traces to otel-agent:4317 (a cluster that
  // wants them on the pod's own node's agent sets internalTrafficPolicy: Local on it).
  agent.addService('otel-agent');
  for (const w of [web, catalog, orders]) w.allowTo(agent);
  agent.allowTo(Peer.ipBlock('10.60.0.0/24'), { port: 4317 });
}
