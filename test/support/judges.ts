/**
 * Runs the real third-party judges, as built by scripts/install-tools.sh into .tools/, on
 * manifests, and reduces what each reports to findings of one shape, so that tests can hold them
 * against test/judges-allowlist.json.
 *
 * - kube-score (Go, `kube-score score -o json`): every check whose grade is below "all OK" and
 *   that was not skipped.
 * - Checkov (Python, `checkov --framework kubernetes -o json`): every failed check.
 * - Pod Security Admission (Go, test/psa built on upstream k8s.io/pod-security-admission): every
 *   pod template at restricted, at the enforce-version of its namespace and at latest.
 */
import { Yaml } from 'cdk8s';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { podTemplateOf } from '../../src/checks/pod-security';

export const ROOT = path.resolve(__dirname, '..', '..');
export const TOOLS = process.env.CDK8S_SECURE_TOOLS ?? path.join(ROOT, '.tools');
const INSTALL = path.join(ROOT, 'scripts', 'install-tools.sh');

export type JudgeName = 'kube-score' | 'checkov' | 'pod-security-admission';

export interface JudgeFinding {
  readonly judge: JudgeName;
  /** The judge's own check ID: kube-score's `pod-probes`, Checkov's `CKV_K8S_43`, PSA's `runAsNonRoot`. */
  readonly check: string;
  /** `Kind/namespace/name`, or `Kind/name` for a cluster-scoped object. */
  readonly object: string;
  /** What the judge said, for the failure message. */
  readonly detail: string;
}

export interface JudgeRun {
  readonly findings: JudgeFinding[];
  /** Every object the judge reported on (passed or not), as `objectRef` names it. */
  readonly judged: string[];
}

/** Pinned versions, as the install script declares them. */
export function judgeVersions(): Record<JudgeName, string> {
  const r = spawnSync('bash', [INSTALL, '--print'], { encoding: 'utf-8' });
  if (r.status !== 0) throw new Error(`${INSTALL} --print failed:\n${r.stderr}`);
  return JSON.parse(r.stdout);
}

/** Installs (or, when cached, only checks) the pinned judges. */
export function ensureJudges(): void {
  const r = spawnSync('bash', [INSTALL], { encoding: 'utf-8', timeout: 1_800_000 });
  if (r.status !== 0) throw new Error(`${INSTALL} failed (status ${r.status}):\n${r.stdout}${r.stderr}`);
}

export function objectRef(m: any): string {
  const ns = m?.metadata?.namespace;
  return ns ? `${m.kind}/${ns}/${m.metadata.name}` : `${m.kind}/${m?.metadata?.name}`;
}

function run(cmd: string, args: string[], input?: string, okStatuses: number[] = [0]): string {
  const r = spawnSync(cmd, args, {
    encoding: 'utf-8', input, maxBuffer: 256 * 1024 * 1024, timeout: 300_000,
    env: { ...process.env, ...OFFLINE_ENV },
  });
  if (r.error) throw r.error;
  if (r.status === null || !okStatuses.includes(r.status)) {
    throw new Error(`${path.basename(cmd)} ${args.join(' ')} exited ${r.status ?? r.signal}:\n${r.stderr}\n${r.stdout.slice(0, 4000)}`);
  }
  return r.stdout;
}

// Checkov would otherwise try the vendor's platform (guideline mapping, version check) on start.
const OFFLINE_ENV = {
  BC_SKIP_MAPPING: 'TRUE',
  CHECKOV_RUN_SCA_PACKAGE_SCAN_V2: 'false',
  ANSI_COLORS_DISABLED: 'true',
  LOG_LEVEL: 'WARNING',
};

/**
 * Writes `manifests` as one multi-document YAML file in a fresh temporary folder, the way
 * `cdk8s synth` writes dist/ (YAML 1.1, so a label value `y` is quoted); returns the file.
 */
export function writeManifests(manifests: any[], name: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-secure-judges-'));
  const file = path.join(dir, `${name}.k8s.yaml`);
  fs.writeFileSync(file, Yaml.stringify(...manifests));
  return file;
}

function parseJson(judge: string, out: string): any {
  try {
    return JSON.parse(out);
  } catch {
    throw new Error(`${judge} did not print JSON:\n${out.slice(0, 4000)}`);
  }
}

// ---------------------------------------------------------------- kube-score

/** kube-score's scorecard grades (scorecard/scorecard.go). */
const KUBE_SCORE_GRADES: Record<number, string> = { 0: 'CRITICAL', 1: 'CRITICAL', 5: 'WARNING', 7: 'OK-ish', 10: 'OK' };
const KUBE_SCORE_ALL_OK = 10;

/**
 * Optional kube-score checks that are turned on: the security ones. Its other optional checks
 * (requests equal to limits, for the Guaranteed QoS class) are a capacity policy the library
 * leaves to the cluster's LimitRange, not a finding on a manifest.
 */
export const KUBE_SCORE_OPTIONAL = ['container-seccomp-profile', 'container-ports-check'];

/**
 * kube-score with its default checks and KUBE_SCORE_OPTIONAL, judging API deprecations against
 * the current Kubernetes release rather than its own default (1.18). `kube-score/ignore`
 * annotations are disregarded, so nothing in a manifest can hide a finding from the allowlist.
 */
export function kubeScore(files: string[]): JudgeRun {
  // Exit 1 means "some check is critical"; the JSON says which.
  const out = run(path.join(TOOLS, 'bin', 'kube-score'), [
    'score', '--output-format', 'json', '--kubernetes-version', 'v1.36', '--disable-ignore-checks-annotations',
    ...KUBE_SCORE_OPTIONAL.flatMap((c) => ['--enable-optional-test', c]), ...files,
  ], undefined, [0, 1]);
  const scored: any[] = parseJson('kube-score', out);
  const findings: JudgeFinding[] = [];
  const judged: string[] = [];
  for (const obj of scored) {
    const ref = objectRef({ kind: obj.type_meta.kind, metadata: obj.object_meta });
    judged.push(ref);
    for (const c of obj.checks) {
      if (c.skipped || c.grade >= KUBE_SCORE_ALL_OK) continue;
      const comments = (c.comments ?? []).map((k: any) => [k.path, k.summary, k.description].filter(Boolean).join(': '));
      findings.push({
        judge: 'kube-score', check: c.check.id, object: ref,
        detail: `${KUBE_SCORE_GRADES[c.grade] ?? c.grade}: ${comments.join('; ')}`,
      });
    }
  }
  return { findings, judged };
}

// ---------------------------------------------------------------- Checkov

/** Checkov's Kubernetes framework with all its built-in checks, offline. */
export function checkov(files: string[]): JudgeRun {
  const args = ['--framework', 'kubernetes', '--output', 'json', '--skip-download', '--compact'];
  for (const f of files) args.push('--file', f);
  // Exit 1 means "some check failed".
  const out = run(path.join(TOOLS, 'checkov', 'bin', 'checkov'), args, undefined, [0, 1]);
  const parsed = parseJson('checkov', out);
  const reports: any[] = Array.isArray(parsed) ? parsed : [parsed];
  const findings: JudgeFinding[] = [];
  const judged = new Set<string>();
  for (const report of reports) {
    if (report.check_type !== undefined && report.check_type !== 'kubernetes') continue;
    const errors = report.results?.parsing_errors ?? [];
    if (errors.length > 0) throw new Error(`checkov could not parse ${errors.join(', ')}`);
    for (const f of report.results?.failed_checks ?? []) {
      findings.push({ judge: 'checkov', check: f.check_id, object: checkovObject(f.resource), detail: f.check_name });
    }
    // A `checkov.io/skip` annotation turns a failure into a skip; it is a finding all the same,
    // so that only the allowlist can accept one.
    for (const f of report.results?.skipped_checks ?? []) {
      findings.push({ judge: 'checkov', check: f.check_id, object: checkovObject(f.resource), detail: `skipped by annotation: ${f.check_name}` });
    }
    for (const f of report.results?.passed_checks ?? []) judged.add(checkovObject(f.resource));
    for (const f of findings) judged.add(f.object);
  }
  return { findings, judged: [...judged].sort() };
}

/** Checkov names a resource `Kind.namespace.name` (namespace `default` when unset). */
function checkovObject(resource: string): string {
  const [kind, ns, ...rest] = resource.split('.');
  const name = rest.join('.');
  return name === '' ? `${kind}/${ns}` : `${kind}/${ns}/${name}`;
}

// ---------------------------------------------------------------- Pod Security Admission

export interface PsaRequest {
  readonly id: string;
  readonly level: 'baseline' | 'restricted' | 'privileged';
  readonly version: string;
  readonly pod: { metadata?: any; spec?: any };
}

export interface PsaViolation {
  readonly check: string;
  readonly reason: string;
  readonly detail?: string;
}

/** Evaluates every request with upstream Pod Security Admission, in one process. */
export function psaEvaluate(requests: readonly PsaRequest[]): Map<string, PsaViolation[]> {
  const input = requests.map((r) => JSON.stringify({ ...r, pod: { metadata: r.pod.metadata ?? {}, spec: r.pod.spec ?? {} } })).join('\n') + '\n';
  const out = run(path.join(TOOLS, 'bin', 'psa-judge'), [], input);
  const lines = out.split('\n').filter((l) => l.trim() !== '');
  if (lines.length !== requests.length) throw new Error(`psa-judge answered ${lines.length} of ${requests.length} requests`);
  const results = new Map<string, PsaViolation[]>();
  lines.forEach((line, i) => {
    const r = JSON.parse(line);
    if (r.id !== requests[i].id) throw new Error(`psa-judge answered ${r.id} for ${requests[i].id}`);
    if (r.error) throw new Error(`psa-judge could not evaluate ${r.id}: ${r.error}`);
    results.set(r.id, r.violations);
  });
  return results;
}

/**
 * Every pod template in `manifests` at restricted, at its namespace's enforce-version (when the
 * manifests label the namespace) and at latest.
 */
export function podSecurityAdmission(manifests: any[]): JudgeRun {
  const requests: PsaRequest[] = [];
  const refs = new Map<string, string>();
  for (const m of manifests) {
    const template = podTemplateOf(m);
    if (template === undefined) continue;
    const ns = manifests.find((n) => n.kind === 'Namespace' && n.metadata?.name === m.metadata?.namespace);
    const pinned = ns?.metadata?.labels?.['pod-security.kubernetes.io/enforce-version'];
    for (const version of new Set([pinned ?? 'latest', 'latest'])) {
      const id = `${objectRef(m)}@${version}`;
      refs.set(id, objectRef(m));
      requests.push({ id, level: 'restricted', version, pod: template });
    }
  }
  const findings: JudgeFinding[] = [];
  for (const [id, violations] of psaEvaluate(requests)) {
    for (const v of violations) {
      findings.push({ judge: 'pod-security-admission', check: v.check, object: refs.get(id)!, detail: `${id}: ${v.reason}: ${v.detail ?? ''}` });
    }
  }
  return { findings, judged: [...new Set(refs.values())].sort() };
}

/** The workloads (objects with a pod template) in `manifests`, as `objectRef` names them. */
export function workloads(manifests: any[]): string[] {
  return manifests.filter((m) => podTemplateOf(m) !== undefined).map(objectRef).sort();
}

// ---------------------------------------------------------------- allowlist

export type ManifestSet = 'dist' | 'kitchen-sink';

export interface AllowlistEntry {
  readonly judge: JudgeName;
  readonly check: string;
  /** Why this finding is accepted, or `to be fixed in defaults: <what>`. */
  readonly reason: string;
  /** The exact objects it is accepted on, per manifest set. */
  readonly objects: Partial<Record<ManifestSet, readonly string[]>>;
}

export function loadAllowlist(): AllowlistEntry[] {
  return JSON.parse(fs.readFileSync(path.join(ROOT, 'test', 'judges-allowlist.json'), 'utf-8')).entries;
}

/** `judge check object` keys, deduplicated (a judge may report one check once per container). */
export function findingKeys(findings: readonly JudgeFinding[]): string[] {
  return [...new Set(findings.map((f) => `${f.judge} ${f.check} ${f.object}`))].sort();
}

export function allowedKeys(allowlist: readonly AllowlistEntry[], judge: JudgeName, set: ManifestSet): string[] {
  return allowlist.filter((e) => e.judge === judge)
    .flatMap((e) => (e.objects[set] ?? []).map((o) => `${e.judge} ${e.check} ${o}`)).sort();
}
