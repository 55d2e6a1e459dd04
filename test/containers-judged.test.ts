// Pods with init containers and native sidecars, judged by upstream Kubernetes: Pod Security
// Admission (test/psa) on the pod as Istio injects it, against the library's own checker; and the
// quota arithmetic (src/model/pod-quota.ts) against k8s.io/component-helpers/resource PodRequests and PodLimits,
// what the scheduler and the ResourceQuota admission count (test/podrequests, built by
// scripts/install-tools.sh at the version its go.mod pins). On seeded random pods, and on the pods
// the library itself renders, compared with what each workload's footprint tells the quota.
import { spawnSync } from 'child_process';
import * as path from 'path';
import { checkPodSecurity, Mesh, SecureApp, SecureJob, SecureStatefulSet } from '../src';
import { withInjectedContainers } from '../src/render/mesh/injection';
import { parseQuantity } from '../src/core/validate';
import { effectivePodQuota, QuotaContainer } from '../src/model/pod-quota';
import { ensureJudges, psaEvaluate, TOOLS } from './support/judges';
import { newChart, synthApp } from './support/synth';

beforeAll(() => ensureJudges(), 1_800_000);

type Role = QuotaContainer['role'];
const RESOURCES = ['cpu', 'memory', 'ephemeral-storage'] as const;

/** Effective requests and limits of each pod spec, by upstream Kubernetes, keyed like the quota (`requests.cpu`). */
function upstream(specs: any[]): Array<{ [quotaKey: string]: number }> {
  const input = specs.map((spec, i) => JSON.stringify({ id: String(i), spec })).join('\n') + '\n';
  const r = spawnSync(path.join(TOOLS, 'bin', 'pod-requests'), [], { input, encoding: 'utf-8', maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`pod-requests exited ${r.status}: ${r.stderr}`);
  return r.stdout.trim().split('\n').map((line, i) => {
    const out = JSON.parse(line);
    if (out.id !== String(i) || out.error) throw new Error(`pod-requests on pod ${i}: ${line}`);
    const keys: { [quotaKey: string]: number } = {};
    for (const kind of ['requests', 'limits'] as const) {
      for (const [res, q] of Object.entries<string>(out[kind] ?? {})) keys[`${kind}.${res}`] = parseQuantity(q)!;
    }
    return keys;
  });
}

const numbers = (keys: { [quotaKey: string]: string }) => Object.fromEntries(Object.entries(keys).map(([k, q]) => [k, parseQuantity(q)!]));

function expectSame(ours: { [quotaKey: string]: number }, theirs: { [quotaKey: string]: number }, what: string): void {
  for (const key of new Set([...Object.keys(ours), ...Object.keys(theirs)])) {
    const a = ours[key] ?? 0;
    const b = theirs[key] ?? 0;
    if (Math.abs(a - b) > 1e-9 * Math.max(1, Math.abs(b))) throw new Error(`${what}: ${key} is ${a} here but ${b} upstream`);
  }
}

// mulberry32: a small seeded generator, so every run judges the same pods.
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const CPU = ['0', '10m', '50m', '100m', '250m', '500m', '1', '1500m', '2'];
const MEMORY = ['0', '32Mi', '64Mi', '128Mi', '256Mi', '512Mi', '1Gi', '1536Mi'];

test('on 400 seeded random pods, each init container, sidecar and container in random order and size', () => {
  const next = random(12);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)];
  const pods = Array.from({ length: 400 }, () => {
    const containers: QuotaContainer[] = [];
    const entry = (role: Role): QuotaContainer => {
      const keys: { [quotaKey: string]: string } = {};
      for (const res of RESOURCES) {
        if (next() < 0.15) continue; // a container may leave a resource unset
        keys[`requests.${res}`] = pick(res === 'cpu' ? CPU : MEMORY);
        keys[`limits.${res}`] = pick(res === 'cpu' ? CPU : MEMORY);
      }
      return { role, keys };
    };
    const inits = Math.floor(next() * 5);
    for (let i = 0; i < inits; i++) containers.push(entry(next() < 0.5 ? 'sidecar' : 'init'));
    const mains = 1 + Math.floor(next() * 3);
    for (let i = 0; i < mains; i++) containers.push(entry('main'));
    return containers;
  });
  const spec = (cs: QuotaContainer[]) => {
    const kube = (c: QuotaContainer, i: number) => {
      const of = (kind: string) => Object.fromEntries(Object.entries(c.keys).filter(([k]) => k.startsWith(`${kind}.`)).map(([k, q]) => [k.slice(kind.length + 1), q]));
      return { name: `c${i}`, ...(c.role === 'sidecar' ? { restartPolicy: 'Always' } : {}), resources: { requests: of('requests'), limits: of('limits') } };
    };
    return {
      initContainers: cs.map((c, i) => [c, i] as const).filter(([c]) => c.role !== 'main').map(([c, i]) => kube(c, i)),
      containers: cs.map((c, i) => [c, i] as const).filter(([c]) => c.role === 'main').map(([c, i]) => kube(c, i)),
    };
  };
  const theirs = upstream(pods.map(spec));
  let initDominated = 0;
  let sidecarsCounted = 0;
  pods.forEach((pod, i) => {
    const ours = numbers(effectivePodQuota(pod));
    expectSame(ours, theirs[i], `random pod ${i}`);
    const main = numbers(effectivePodQuota(pod.filter((c) => c.role === 'main')));
    if ((ours['requests.cpu'] ?? 0) > (main['requests.cpu'] ?? 0) && pod.some((c) => c.role === 'init')) initDominated++;
    if (pod.some((c) => c.role === 'sidecar')) sidecarsCounted++;
  });
  // The seed covers both sides of the max, not only the trivial one.
  expect(initDominated).toBeGreaterThan(50);
  expect(sidecarsCounted).toBeGreaterThan(150);
});

test('on the pods the library renders: what the footprint tells the quota is what Kubernetes counts', () => {
  const { app, chart } = newChart({ namespace: 'shop' });
  const big = { cpu: { request: '1', limit: '2' }, memory: { request: '1Gi', limit: '2Gi' } };
  const workloads = [
    new SecureApp(chart, 'web', {
      image: 'ghcr.io/acme/web:1.0.0', port: 8080,
      sidecars: [{ name: 'shipper', image: 'ghcr.io/acme/shipper:1.0.0' }],
      initContainers: [{ name: 'migrate', image: 'ghcr.io/acme/migrate:1.0.0', resources: big }],
    }),
    new SecureJob(chart, 'job', {
      image: 'ghcr.io/acme/migrate:1.0.0', activeDeadlineSeconds: 60,
      initContainers: [{ name: 'wait', image: 'ghcr.io/acme/wait:1.0.0' }],
      sidecars: [{ name: 'a', image: 'ghcr.io/acme/a:1.0.0', resources: big }, { name: 'b', image: 'ghcr.io/acme/b:1.0.0', resources: big }],
    }),
    new SecureStatefulSet(chart, 'db', { image: 'postgres:16.4', port: 5432, initContainers: [{ name: 'init', image: 'postgres:16.4', resources: { ephemeralStorage: { request: '1Gi', limit: '2Gi' } } }] }),
  ];
  const out = synthApp(app);
  const pods = ['Deployment', 'Job', 'StatefulSet'].map((kind) => out.find((m) => m.kind === kind).spec.template.spec);
  const theirs = upstream(pods);
  workloads.forEach((w, i) => expectSame(numbers(w.footprint().perPod), theirs[i], w.node.path));
  expect(workloads.map((w) => w.footprint().perPod['requests.cpu'])).toEqual(['1100m', '2100m', '100m']);
  expect(workloads[2].footprint().perPod['requests.ephemeral-storage']).toBe('1Gi');
});

test('upstream Pod Security Admission judges the injected pod with its sidecars and init containers as the library does', () => {
  const { chart } = newChart({ namespace: 'shop' });
  const image = 'ghcr.io/acme/web:1.0.0';
  const cases: Array<[string, object]> = [
    ['hardened', { sidecars: [{ name: 's', image }], initContainers: [{ name: 'i', image }] }],
    ['privileged sidecar', { sidecars: [{ name: 's', image, relax: { privileged: true } }] }],
    ['init container adds NET_ADMIN', { initContainers: [{ name: 'i', image, relax: { addCapabilities: ['NET_ADMIN'] } }] }],
    ['sidecar escalates, writable root', { sidecars: [{ name: 's', image, relax: { allowPrivilegeEscalation: true, writableRootFilesystem: true } }] }],
  ];
  cases.forEach(([, props], i) => new SecureApp(chart, `w${i}`, { name: `w${i}`, image, ...props }));
  // Rendered without the synth-time check (it would refuse the relaxed ones): the pod templates themselves.
  const templates = cases.map((_, i) => (chart.node.findChild(`w${i}`) as any)._renderPodTemplate());
  const meshes = [undefined, Mesh.sidecar({ istioCni: true }), Mesh.sidecar()];
  const requests = templates.flatMap((t, i) => meshes.map((mesh) => ({
    id: `${cases[i][0]} / ${mesh ? `sidecar mesh${mesh.istioCni ? ' with CNI' : ''}` : 'no mesh'}`,
    level: 'restricted' as const, version: 'latest',
    pod: withInjectedContainers(t, mesh, { kubernetesVersion: '1.35', istioVersion: '1.27' }),
  })));
  const upstream = psaEvaluate(requests);
  // Without the CNI plugin, istio-init (root, NET_ADMIN) fails restricted on every pod: the library refuses that namespace.
  const verdicts = requests.map((r) => {
    const theirs = [...new Set(upstream.get(r.id)!.map((v) => v.check))].sort();
    const ours = [...new Set(checkPodSecurity(r.pod, 'restricted', 'latest').map((v) => v.check))].sort();
    expect(`${r.id}: ${ours.join(',')}`).toBe(`${r.id}: ${theirs.join(',')}`);
    return `${r.id}: ${ours.join(',') || 'pass'}`;
  });
  expect(verdicts).toEqual([
    'hardened / no mesh: pass', 'hardened / sidecar mesh with CNI: pass', 'hardened / sidecar mesh: capabilities_restricted,runAsNonRoot,runAsUser',
    'privileged sidecar / no mesh: privileged', 'privileged sidecar / sidecar mesh with CNI: privileged', 'privileged sidecar / sidecar mesh: capabilities_restricted,privileged,runAsNonRoot,runAsUser',
    'init container adds NET_ADMIN / no mesh: capabilities_restricted', 'init container adds NET_ADMIN / sidecar mesh with CNI: capabilities_restricted',
    'init container adds NET_ADMIN / sidecar mesh: capabilities_restricted,runAsNonRoot,runAsUser',
    'sidecar escalates, writable root / no mesh: allowPrivilegeEscalation', 'sidecar escalates, writable root / sidecar mesh with CNI: allowPrivilegeEscalation',
    'sidecar escalates, writable root / sidecar mesh: allowPrivilegeEscalation,capabilities_restricted,runAsNonRoot,runAsUser',
  ]);
});
