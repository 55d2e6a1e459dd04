// The real third-party judges (kube-score, Checkov, upstream Pod Security Admission), at the
// versions scripts/install-tools.sh pins, on the committed dist/ and on the kitchen sink. Every
// finding must be listed, exactly once and with its reason, in test/judges-allowlist.json; an
// allowlist entry no judge reports any more fails too, so the list stays the truth.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as YAML from 'yaml';
import { kitchenSink } from './support/kitchen-sink';
import {
  allowedKeys, checkov, ensureJudges, findingKeys, JudgeFinding, JudgeName, JudgeRun, judgeVersions, kubeScore,
  loadAllowlist, ManifestSet, podSecurityAdmission, ROOT, TOOLS, workloads, writeManifests,
} from './support/judges';

const JUDGES: readonly JudgeName[] = ['kube-score', 'checkov', 'pod-security-admission'];

const distFiles = fs.readdirSync(path.join(ROOT, 'dist')).filter((f) => f.endsWith('.k8s.yaml')).sort().map((f) => path.join(ROOT, 'dist', f));
const distManifests = (): any[] => distFiles.flatMap((f) => YAML.parseAllDocuments(fs.readFileSync(f, 'utf-8')).map((d) => d.toJS()));

interface Target {
  readonly files: string[];
  readonly manifests: any[];
}
const targets = new Map<ManifestSet, Target>();

function judge(name: JudgeName, t: Target): JudgeRun {
  switch (name) {
    case 'kube-score': return kubeScore(t.files);
    case 'checkov': return checkov(t.files);
    case 'pod-security-admission': return podSecurityAdmission(t.manifests);
  }
}

beforeAll(() => {
  ensureJudges();
  targets.set('dist', { files: distFiles, manifests: distManifests() });
  const sink = kitchenSink();
  targets.set('kitchen-sink', { files: [writeManifests(sink, 'kitchen-sink')], manifests: sink });
}, 1_800_000);

afterAll(() => {
  const sink = targets.get('kitchen-sink');
  if (sink) fs.rmSync(path.dirname(sink.files[0]), { recursive: true, force: true });
});

const allowlist = loadAllowlist();

describe('the allowlist', () => {
  test('names each judge and check once, with a reason and the exact objects', () => {
    const keys = allowlist.map((e) => `${e.judge} ${e.check}`);
    expect(keys.filter((k, i) => keys.indexOf(k) !== i)).toEqual([]);
    for (const e of allowlist) {
      expect([e.check, JUDGES.includes(e.judge)]).toEqual([e.check, true]);
      expect([e.check, e.reason.length >= 20]).toEqual([e.check, true]);
      const sets = Object.keys(e.objects);
      expect([e.check, sets.length > 0, sets.every((s) => s === 'dist' || s === 'kitchen-sink')]).toEqual([e.check, true, true]);
      for (const objs of Object.values(e.objects) as string[][]) {
        expect([e.check, objs.length > 0, new Set(objs).size === objs.length]).toEqual([e.check, true, true]);
      }
    }
  });
});

describe.each(['dist', 'kitchen-sink'] as const)('%s', (set) => {
  test.each(JUDGES.map((j) => [j]))('%s reports only allowlisted findings, and every allowlisted one', (name) => {
    const t = targets.get(set)!;
    const { findings, judged } = judge(name, t);
    // it saw every workload (a judge that skipped them would find nothing wrong with them)
    expect(workloads(t.manifests).filter((w) => !judged.includes(w))).toEqual([]);
    expect(workloads(t.manifests).length).toBeGreaterThanOrEqual(3);
    const found = findingKeys(findings);
    const allowed = allowedKeys(allowlist, name, set);
    const unexpected = found.filter((k) => !allowed.includes(k));
    const stale = allowed.filter((k) => !found.includes(k));
    expect({
      unexpected: unexpected.map((k) => `${k}: ${findings.find((f) => `${f.judge} ${f.check} ${f.object}` === k)!.detail}`),
      stale,
    }).toEqual({ unexpected: [], stale: [] });
  });
});

test('every emitted pod template is judged by upstream Pod Security Admission, and passes restricted', () => {
  for (const set of ['dist', 'kitchen-sink'] as const) {
    const { findings, judged } = podSecurityAdmission(targets.get(set)!.manifests);
    expect(judged).toEqual(workloads(targets.get(set)!.manifests));
    expect(findings).toEqual([]);
  }
});

// Each judge, on a manifest that breaks what it checks, must say so: this is what makes the
// "no finding" results above mean something (a judge that ran on nothing, or whose output we
// misread, would report nothing too).
describe('each judge catches a bad manifest', () => {
  const bad = [{
    apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'bad' },
  }, {
    apiVersion: 'apps/v1', kind: 'Deployment',
    // suppressions written into a manifest must not hide a finding from the allowlist
    metadata: { name: 'root', namespace: 'bad', annotations: { 'kube-score/ignore': 'container-image-tag', 'checkov.io/skip1': 'CKV_K8S_16=suppressed' } },
    spec: {
      replicas: 1, selector: { matchLabels: { app: 'root' } },
      template: {
        metadata: { labels: { app: 'root' } },
        spec: { hostPID: true, containers: [{ name: 'app', image: 'nginx:latest', securityContext: { privileged: true } }] },
      },
    },
  }];
  let file: string;
  beforeAll(() => { file = writeManifests(bad, 'bad'); });
  afterAll(() => fs.rmSync(path.dirname(file), { recursive: true, force: true }));
  const has = (findings: JudgeFinding[], check: string): boolean => findings.some((f) => f.check === check && f.object === 'Deployment/bad/root');

  test('kube-score: privileged container, :latest tag (despite kube-score/ignore), no seccomp profile (an optional check)', () => {
    const { findings } = kubeScore([file]);
    const checks = ['container-security-context-privileged', 'container-image-tag', 'container-seccomp-profile'];
    expect(checks.map((c) => [c, has(findings, c)])).toEqual(checks.map((c) => [c, true]));
  });

  test('Checkov: privileged container (CKV_K8S_16, despite checkov.io/skip), host PID (CKV_K8S_17), image digest (CKV_K8S_43)', () => {
    const { findings } = checkov([file]);
    expect(['CKV_K8S_16', 'CKV_K8S_17', 'CKV_K8S_43'].map((c) => [c, has(findings, c)]))
      .toEqual([['CKV_K8S_16', true], ['CKV_K8S_17', true], ['CKV_K8S_43', true]]);
    expect(findings.find((f) => f.check === 'CKV_K8S_16')!.detail).toMatch(/^skipped by annotation: /);
  });

  test('Pod Security Admission: host namespaces and privileged, as upstream words them', () => {
    const { findings } = podSecurityAdmission(bad);
    const checks = [...new Set(findings.map((f) => f.check))].sort();
    expect(checks).toEqual(['allowPrivilegeEscalation', 'capabilities_restricted', 'hostNamespaces', 'privileged', 'runAsNonRoot', 'seccompProfile_restricted']);
    expect(findings.find((f) => f.check === 'hostNamespaces')!.detail).toContain('hostPID=true');
  });
});

test('the judges are the pinned versions', () => {
  const v = judgeVersions();
  expect(Object.keys(v).sort()).toEqual([...JUDGES].sort());
  for (const j of JUDGES) expect([j, /^v?\d+\.\d+\.\d+$/.test(v[j])]).toEqual([j, true]);
  // what the binaries were built from is what the script pins
  expect(fs.readFileSync(path.join(TOOLS, 'bin', 'kube-score.version'), 'utf-8').trim()).toBe(v['kube-score']);
  expect(fs.readFileSync(path.join(TOOLS, 'checkov', 'bin', 'checkov.version'), 'utf-8').trim()).toBe(v.checkov);
  expect(spawnSync(path.join(TOOLS, 'checkov', 'bin', 'checkov'), ['--version'], { encoding: 'utf-8' }).stdout.trim()).toBe(v.checkov);
  const goMod = fs.readFileSync(path.join(ROOT, 'test', 'psa', 'go.mod'), 'utf-8');
  expect(goMod).toContain(`k8s.io/pod-security-admission ${v['pod-security-admission']}\n`);
});

test("README's Judges table names the pinned versions", () => {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf-8');
  const section = readme.slice(readme.indexOf('\n## Judges\n'), readme.indexOf('\n## ', readme.indexOf('\n## Judges\n') + 1));
  const v = judgeVersions();
  expect(JUDGES.map((j) => [j, section.includes(`| ${v[j]} `)])).toEqual(JUDGES.map((j) => [j, true]));
});

test('the install script is cached: a second run builds nothing', () => {
  const r = spawnSync('bash', [path.join(ROOT, 'scripts', 'install-tools.sh')], { encoding: 'utf-8' });
  expect({ status: r.status, stdout: r.stdout, stderr: r.stderr }).toEqual({ status: 0, stdout: '', stderr: '' });
});
