// The every-kind example (examples/bookstore.ts, dist/bookstore.k8s.yaml): conformance (Kubernetes
// schema, Pod Security restricted on the pod as Istio injects it, by this library and by upstream
// Pod Security Admission, Polaris) and behaviour (each kind's security fields, NetworkPolicy
// peers and ports, AuthorizationPolicy principals, reachability).
import * as fs from 'fs';
import * as path from 'path';
import { ApiObject, Testing } from 'cdk8s';
import { buildBookstore } from '../examples/bookstore';
import {
  checkPodSecurity, ClusterSettings, Endpoint, IsolatedNamespace, Mesh, SecureApp, SecureCronJob, SecureDaemonSet, SecureJob, SecureService, SecureStatefulSet,
} from '../src';
import { podTemplateOf } from '../src/checks/pod-security';
import { withInjectedContainers } from '../src/render/mesh/injection';
import { installMatchers } from '../src/testing';
import { ensureJudges, psaEvaluate } from './support/judges';
import { polarisFailures } from './support/polaris';
import { expectValidManifests } from './support/schema';
import { DNS_RULE, one } from './support/synth';

installMatchers();

function synthBookstore(): any[] {
  const app = Testing.app();
  // As examples/main.ts runs it: the platform example sets requireDigest for the whole app.
  ClusterSettings.apply(app, { requireDigest: true });
  buildBookstore(app);
  return app.charts.flatMap((c) => Testing.synth(c));
}

const out = synthBookstore();
const NS = 'bookstore';
const sel = (name: string) => ({ matchLabels: { 'app.kubernetes.io/instance': name } });
const peer = (name: string) => ({ podSelector: sel(name) });
const principal = (sa: string, ns = NS) => `cluster.local/ns/${ns}/sa/${sa}`;
const ISTIOD_RULE = {
  to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'istio-system' } }, podSelector: { matchLabels: { app: 'istiod' } } }],
  ports: [{ port: 15012, protocol: 'TCP' }],
};
const workloadKinds = ['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob'];
const injected = () => out.filter((m) => workloadKinds.includes(m.kind))
  .map((m) => ({ ref: `${m.kind}/${m.metadata.name}`, pod: withInjectedContainers(podTemplateOf(m) as any, Mesh.sidecar({ istioCni: true }), { kubernetesVersion: '1.35', istioVersion: '1.26' }) }));

describe('the bookstore example: conformance', () => {
  test('it has every kind, and no object but the library\'s', () => {
    expect([...new Set(out.filter((m) => workloadKinds.includes(m.kind)).map((m) => m.kind))].sort()).toEqual(['CronJob', 'DaemonSet', 'Deployment', 'Job', 'StatefulSet']);
    expect(out.every((m) => m.metadata.namespace === NS || m.kind === 'Namespace')).toBe(true);
  });

  test('no escape hatch: the example has no JSON patch, raw ApiObject or Include, and every object is a library construct\'s', () => {
    const source = fs.readFileSync(path.join(__dirname, '..', 'examples', 'bookstore.ts'), 'utf-8');
    expect(source.match(/JsonPatch|addJsonPatch|ApiObject|Include|from 'cdk8s-plus/g)).toBeNull();
    const app = Testing.app();
    buildBookstore(app);
    const library = [IsolatedNamespace, SecureApp, SecureStatefulSet, SecureJob, SecureCronJob, SecureDaemonSet, SecureService];
    const objects = app.node.findAll().filter((c): c is ApiObject => c instanceof ApiObject);
    expect(objects.length).toBe(out.length);
    const orphans = objects.filter((o) => !o.node.scopes.some((s) => library.some((k) => s instanceof k)));
    expect(orphans.map((o) => o.node.path)).toEqual([]);
  });

  test('every object validates against the Kubernetes 1.36 schema, or its CRD schema (1.27 has no native sidecars)', () => {
    // The example targets the library's default Kubernetes (1.35): pgbouncer is a native sidecar
    // (an init container with restartPolicy: Always, 1.29+), which the 1.27 schema does not know.
    expectValidManifests(out, ['1.36']);
    expect(() => expectValidManifests([one(out, 'Deployment', 'orders')], ['1.27'])).toThrow('spec.template.spec.initContainers[0].restartPolicy: unknown field "restartPolicy"');
    expectValidManifests(out.filter((m) => !(m.kind === 'Deployment' && m.metadata.name === 'orders')), ['1.27']);
  });

  test('every pod, with the Istio sidecar injected, passes Pod Security restricted (this library, v1.27 and latest)', () => {
    const pods = injected();
    expect(pods.length).toBe(8);
    for (const { ref, pod } of pods) {
      expect([...pod.spec.initContainers ?? [], ...pod.spec.containers].map((c: any) => c.name)).toContain('istio-proxy');
      expect([ref, checkPodSecurity(pod, 'restricted', 'v1.27'), checkPodSecurity(pod, 'restricted', 'latest')]).toEqual([ref, [], []]);
    }
  });

  test('and by upstream Pod Security Admission', () => {
    ensureJudges();
    const requests = injected().flatMap(({ ref, pod }) => ['v1.27', 'latest'].map((version) => ({ id: `${ref}@${version}`, level: 'restricted' as const, version, pod })));
    const verdicts = psaEvaluate(requests);
    expect([...verdicts.entries()].filter(([, v]) => v.length > 0)).toEqual([]);
    expect(verdicts.size).toBe(16);
  }, 600_000);

  test('Polaris: every finding is explained', () => {
    const explain = (f: { check: string; object: string }): string | undefined => {
      const [kind, name] = f.object.split('/');
      const obj = out.find((m) => m.kind === kind && m.metadata.name === name);
      const pod = obj ? podTemplateOf(obj)?.spec : undefined;
      switch (f.check) {
        // No PriorityClass exists in a stock cluster to default to; a cluster that has them sets priorityClassName.
        case 'priorityClassNotSet': return pod && !pod.priorityClassName ? 'no PriorityClass to name' : undefined;
        // One database replica, or one agent pod per node: nothing to spread.
        case 'topologySpreadConstraint':
          return (kind === 'StatefulSet' && obj.spec.replicas === 1) || kind === 'DaemonSet' ? 'nothing to spread' : undefined;
        // A Job nobody calls has, correctly, no ingress rule (Polaris wants at least one).
        case 'missingNetworkPolicy':
          return ['Job', 'CronJob'].includes(kind) && out.some((m) => m.kind === 'NetworkPolicy' && m.metadata.name === name && m.spec.ingress.length === 0)
            ? 'no caller' : undefined;
        // IsolatedNamespace binds the team to the built-in edit role on purpose.
        case 'rolebindingClusterAdminClusterRole':
        case 'rolebindingClusterAdminRole':
        case 'rolebindingClusterRolePodExecAttach':
          return kind === 'RoleBinding' && obj.roleRef.name === 'edit' ? 'team role' : undefined;
        default: return undefined;
      }
    };
    const findings = polarisFailures(out);
    expect(findings.filter((f) => explain(f) === undefined)).toEqual([]);
    expect(findings.filter((f) => f.check === 'priorityClassNotSet').length).toBe(8);
  });
});

describe('the bookstore example: each kind', () => {
  test('PostgreSQL: one replica, its claim retained, fsGroup changed only on a root mismatch, the password from a Secret', () => {
    const sts = one(out, 'StatefulSet', 'db');
    expect(sts.spec).toMatchObject({
      replicas: 1, serviceName: 'db-headless', podManagementPolicy: 'OrderedReady',
      persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Retain' },
    });
    expect(sts.spec.volumeClaimTemplates.map((t: any) => t.spec)).toEqual([{ accessModes: ['ReadWriteOnce'], storageClassName: 'ssd', resources: { requests: { storage: '20Gi' } } }]);
    const pod = sts.spec.template.spec;
    expect(pod.securityContext).toEqual({
      runAsNonRoot: true, runAsUser: 10001, runAsGroup: 10001, fsGroup: 10001, fsGroupChangePolicy: 'OnRootMismatch', seccompProfile: { type: 'RuntimeDefault' },
    });
    const app = pod.containers[0];
    expect(app.securityContext).toEqual({
      allowPrivilegeEscalation: false, privileged: false, readOnlyRootFilesystem: true, runAsNonRoot: true, runAsUser: 10001, runAsGroup: 10001, capabilities: { drop: ['ALL'] },
    });
    expect(app.volumeMounts.map((v: any) => v.mountPath)).toEqual(['/tmp', '/var/run/postgresql', '/var/lib/postgresql/data']);
    expect(app.env).toEqual([
      { name: 'PGDATA', value: '/var/lib/postgresql/data/pgdata' },
      { name: 'POSTGRES_PASSWORD', valueFrom: { secretKeyRef: { name: 'db-credentials', key: 'password' } } },
    ]);
    expect(one(out, 'Service', 'db-headless').spec.clusterIP).toBe('None');
  });

  test('the migration Job: a deadline, no retry storm, restartPolicy Never, the proxy as a native sidecar, credentials as a file', () => {
    const job = one(out, 'Job', 'migrate');
    expect(job.spec).toMatchObject({ activeDeadlineSeconds: 600, backoffLimit: 2, ttlSecondsAfterFinished: 86400 });
    const t = job.spec.template;
    expect(t.spec.restartPolicy).toBe('Never');
    expect(t.metadata.annotations['sidecar.istio.io/nativeSidecar']).toBe('true');
    expect(t.spec.containers[0].env).toEqual([{ name: 'DATABASE_URL_FILE', value: '/etc/bookstore/db/url' }]);
    expect(t.spec.volumes.find((v: any) => v.secret)).toEqual({ name: 'secret-db-credentials', secret: { secretName: 'db-credentials', items: [{ key: 'url', path: 'url' }], defaultMode: 0o440 } });
  });

  test('the nightly CronJob: Berlin time, never overlapping, a deadline per run', () => {
    const cron = one(out, 'CronJob', 'nightly-report');
    expect(cron.spec).toMatchObject({ schedule: '30 2 * * *', timeZone: 'Europe/Berlin', concurrencyPolicy: 'Forbid', startingDeadlineSeconds: 300 });
    expect(cron.spec.jobTemplate.spec.activeDeadlineSeconds).toBe(3600);
    expect(cron.spec.jobTemplate.spec.template.metadata.annotations['sidecar.istio.io/nativeSidecar']).toBe('true');
  });

  test('orders: pgbouncer runs as a native sidecar, hardened like the app container, with its config from a Secret', () => {
    const pod = one(out, 'Deployment', 'orders').spec.template.spec;
    const [app] = pod.containers;
    expect(pod.initContainers.map((c: any) => [c.name, c.restartPolicy])).toEqual([['pgbouncer', 'Always']]);
    const pgbouncer = pod.initContainers[0];
    expect(pgbouncer.securityContext).toEqual(app.securityContext);
    expect(pgbouncer.resources).toEqual({ requests: { cpu: '50m', memory: '32Mi', 'ephemeral-storage': '64Mi' }, limits: { cpu: '200m', memory: '64Mi', 'ephemeral-storage': '256Mi' } });
    expect(pgbouncer.ports).toEqual([{ name: 'pgbouncer', containerPort: 6432, protocol: 'TCP' }]);
    expect(pgbouncer.volumeMounts).toEqual([{ name: 'pgbouncer-rw-tmp', mountPath: '/tmp' }, { name: 'secret-orders-pgbouncer', mountPath: '/etc/pgbouncer', readOnly: true }]);
    // The pool's port is the pod's own: no Service, and no NetworkPolicy rule, exposes it.
    expect(one(out, 'Service', 'orders').spec.ports.map((p: any) => p.port)).toEqual([9000]);
    expect(one(out, 'NetworkPolicy', 'orders').spec.ingress.flatMap((r: any) => r.ports.map((p: any) => p.port))).toEqual([9000]);
    const withProxy = injected().find((i) => i.ref === 'Deployment/orders')!.pod;
    expect([...withProxy.spec.initContainers ?? [], ...withProxy.spec.containers].map((c: any) => c.name)).toEqual(['istio-validation', 'pgbouncer', 'app', 'istio-proxy']);
  });

  test('the OpenTelemetry agent: one pod per node, no surge, no host access of any kind', () => {
    const ds = one(out, 'DaemonSet', 'otel-agent');
    expect(ds.spec.updateStrategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } });
    const pod = ds.spec.template.spec;
    expect([pod.hostNetwork, pod.hostPID, pod.hostIPC]).toEqual([undefined, undefined, undefined]);
    expect(pod.volumes.filter((v: any) => v.hostPath)).toEqual([]);
    expect(pod.tolerations).toEqual([{ key: 'node-role.kubernetes.io/control-plane', operator: 'Exists', effect: 'NoSchedule' }]);
    expect(pod.containers[0].readinessProbe.tcpSocket).toEqual({ port: 4317 });
    expect(pod.containers[0].livenessProbe.httpGet).toEqual({ path: '/', port: 13133 });
  });

  test('the namespace quota fits every kind at its largest, and is written as given', () => {
    expect(one(out, 'ResourceQuota').spec.hard).toMatchObject({ 'requests.storage': '20Gi', 'persistentvolumeclaims': '1', 'pods': '24' });
  });
});

describe('the bookstore example: catalog v1 and v2 behind one SecureService', () => {
  test('the Service selects a label the library put on both versions\' pods, never on their selectors', () => {
    const svc = one(out, 'Service', 'catalog');
    expect(svc.spec).toEqual({
      type: 'ClusterIP', selector: { 'service.cdk8s-secure.io/catalog': 'true' },
      ports: [{ name: 'http', port: 8080, targetPort: 'http', protocol: 'TCP', appProtocol: 'http' }],
    });
    for (const [v, replicas] of [['catalog-v1', 4], ['catalog-v2', 2]] as const) {
      const d = one(out, 'Deployment', v);
      expect(d.spec.replicas).toBe(replicas);
      expect(d.spec.selector).toEqual(sel(v));
      expect(d.spec.template.metadata.labels).toMatchObject({ 'service.cdk8s-secure.io/catalog': 'true', 'app.kubernetes.io/name': 'catalog' });
    }
    // No other pod carries the label, so the Service sends to the two versions only.
    const labelled = out.filter((m) => workloadKinds.includes(m.kind) && podTemplateOf(m)?.metadata?.labels?.['service.cdk8s-secure.io/catalog'] === 'true');
    expect(labelled.map((m) => m.metadata.name).sort()).toEqual(['catalog-v1', 'catalog-v2']);
  });

  test('each version admits web by its own identity, and each has its own', () => {
    for (const v of ['catalog-v1', 'catalog-v2']) {
      expect(one(out, 'AuthorizationPolicy', v).spec.rules).toEqual([{ from: [{ source: { principals: [principal('web')] } }], to: [{ operation: { ports: ['8080'] } }] }]);
      expect(one(out, 'Deployment', v).spec.template.spec.serviceAccountName).toBe(v);
    }
  });

  test('the agent\'s Service sends OTLP only; its health port stays off it', () => {
    expect(one(out, 'Service', 'otel-agent').spec).toEqual({
      type: 'ClusterIP', selector: sel('otel-agent').matchLabels,
      ports: [{ name: 'grpc-otlp', port: 4317, targetPort: 'grpc-otlp', protocol: 'TCP', appProtocol: 'grpc' }],
    });
  });
});

describe('the bookstore example: policies', () => {
  const ingress = (name: string) => one(out, 'NetworkPolicy', name).spec.ingress;
  const egress = (name: string) => one(out, 'NetworkPolicy', name).spec.egress;
  const rules = (name: string) => one(out, 'AuthorizationPolicy', name).spec.rules;
  const tcp = (port: number) => [{ port, protocol: 'TCP' }];

  test('the database admits its five clients on 5432 (both catalog versions through the Service\'s intent), by pod and by mesh identity, and calls nothing', () => {
    const clients = ['migrate', 'nightly-report', 'catalog-v1', 'catalog-v2', 'orders'];
    expect(ingress('db')).toEqual(clients.map((c) => ({ from: [peer(c)], ports: tcp(5432) })));
    expect(egress('db')).toEqual([DNS_RULE, ISTIOD_RULE]);
    expect(rules('db')).toEqual(clients.map((c) => ({ from: [{ source: { principals: [principal(c)] } }], to: [{ operation: { ports: ['5432'] } }] })));
  });

  test('web: in from the ingress gateway only; out to both catalog versions, orders and the agent', () => {
    expect(ingress('web')).toEqual([{
      from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'istio-ingress' } }, podSelector: { matchLabels: { istio: 'ingressgateway' } } }],
      ports: tcp(8080),
    }]);
    expect(rules('web')).toEqual([{ from: [{ source: { principals: [principal('istio-ingressgateway', 'istio-ingress')] } }], to: [{ operation: { ports: ['8080'] } }] }]);
    expect(egress('web')).toEqual([
      DNS_RULE,
      { to: [peer('catalog-v1')], ports: tcp(8080) },
      { to: [peer('catalog-v2')], ports: tcp(8080) },
      { to: [peer('orders')], ports: tcp(9000) },
      { to: [peer('otel-agent')], ports: tcp(4317) },
      ISTIOD_RULE,
    ]);
  });

  test('the agent takes OTLP from the four apps and sends it to the tracing backend only', () => {
    const apps = ['web', 'catalog-v1', 'catalog-v2', 'orders'];
    expect(ingress('otel-agent')).toEqual(apps.map((a) => ({ from: [peer(a)], ports: tcp(4317) })));
    expect(rules('otel-agent')).toEqual(apps.map((a) => ({ from: [{ source: { principals: [principal(a)] } }], to: [{ operation: { ports: ['4317'] } }] })));
    expect(egress('otel-agent')).toEqual([DNS_RULE, { to: [{ ipBlock: { cidr: '10.60.0.0/24' } }], ports: tcp(4317) }, ISTIOD_RULE]);
  });

  test('the Jobs take no traffic; the report reaches object storage by name through the mesh only', () => {
    for (const j of ['migrate', 'nightly-report']) expect(ingress(j)).toEqual([]);
    expect(one(out, 'ServiceEntry').spec).toMatchObject({ hosts: ['reports.s3.eu-central-1.amazonaws.com'], ports: [{ number: 443, protocol: 'TLS' }] });
    expect(one(out, 'Sidecar').spec).toMatchObject({ workloadSelector: { labels: { 'app.kubernetes.io/instance': 'nightly-report' } }, outboundTrafficPolicy: { mode: 'REGISTRY_ONLY' } });
  });
});

describe('the bookstore example: reachability', () => {
  const w = (name: string) => Endpoint.workload(NS, name);
  const gateway = Endpoint.pods('istio-ingress', { istio: 'ingressgateway' });

  test.each([
    ['gateway → web:8080', gateway, w('web'), 8080, true],
    ['web → catalog-v1:8080', w('web'), w('catalog-v1'), 8080, true],
    ['web → catalog-v2:8080', w('web'), w('catalog-v2'), 8080, true],
    ['catalog-v2 → db:5432', w('catalog-v2'), w('db'), 5432, true],
    ['catalog-v2 → otel-agent:4317', w('catalog-v2'), w('otel-agent'), 4317, true],
    ['catalog-v1 ↛ catalog-v2:8080 (versions do not call each other)', w('catalog-v1'), w('catalog-v2'), 8080, false],
    ['catalog-v2 ↛ orders:9000', w('catalog-v2'), w('orders'), 9000, false],
    ['web → orders:9000', w('web'), w('orders'), 9000, true],
    ['catalog-v1 → db:5432', w('catalog-v1'), w('db'), 5432, true],
    ['orders → db:5432', w('orders'), w('db'), 5432, true],
    ['migrate → db:5432', w('migrate'), w('db'), 5432, true],
    ['nightly-report → db:5432', w('nightly-report'), w('db'), 5432, true],
    ['orders → otel-agent:4317', w('orders'), w('otel-agent'), 4317, true],
    ['otel-agent → tracing backend 10.60.0.9:4317', w('otel-agent'), Endpoint.ip('10.60.0.9'), 4317, true],
    ['gateway ↛ db:5432', gateway, w('db'), 5432, false],
    ['gateway ↛ orders:9000', gateway, w('orders'), 9000, false],
    ['web ↛ db:5432 (only through the apps)', w('web'), w('db'), 5432, false],
    ['otel-agent ↛ db:5432', w('otel-agent'), w('db'), 5432, false],
    ['migrate ↛ web:8080', w('migrate'), w('web'), 8080, false],
    ['db ↛ the internet', w('db'), Endpoint.ip('8.8.8.8'), 443, false],
    ['nightly-report ↛ cloud metadata', w('nightly-report'), Endpoint.ip('169.254.169.254'), 80, false],
  ])('%s', (_n, from, to, port, allowed) => {
    if (allowed) expect(out).toAllowTraffic(from as Endpoint, to as Endpoint, { port: port as number });
    else expect(out).not.toAllowTraffic(from as Endpoint, to as Endpoint, { port: port as number });
  });
});
