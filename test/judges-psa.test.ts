// The library's TypeScript Pod Security checker held against upstream Pod Security Admission
// (test/psa: k8s.io/pod-security-admission at the version its go.mod pins), check ID for check
// ID: on every upstream fixture at both levels and every policy version, and on seeded random
// pods that mutate the fields the checks read.
import * as fs from 'fs';
import * as path from 'path';
import * as YAML from 'yaml';
import { checkPodSecurity, LATEST_POD_SECURITY_MINOR, POD_SECURITY_CHECKS } from '../src';
import { ensureJudges, psaEvaluate, PsaRequest } from './support/judges';
import { randomPods } from './support/random-pods';

const FIXTURES = path.join(__dirname, 'fixtures', 'pss');
const LEVELS = ['baseline', 'restricted'] as const;
// Every policy version, one past the newest (both sides clamp it) and 'latest'.
const VERSIONS = [...Array.from({ length: LATEST_POD_SECURITY_MINOR + 2 }, (_, m) => `v1.${m}`), 'latest'];

interface Fixture {
  readonly file: string;
  readonly expect: 'pass' | 'fail';
  readonly level: 'baseline' | 'restricted';
  readonly minMinor: number;
  readonly maxMinor: number;
  readonly pod: any;
}

function loadFixtures(): Fixture[] {
  const index = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'index.json'), 'utf-8'));
  const out: Fixture[] = [];
  for (const set of index.sets) {
    for (const expect of ['pass', 'fail'] as const) {
      const dir = path.join(FIXTURES, set.dir, expect);
      for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort()) {
        out.push({
          file: `${set.dir}/${expect}/${file}`, expect, level: set.level, minMinor: set.minMinor, maxMinor: set.maxMinor,
          pod: YAML.parse(fs.readFileSync(path.join(dir, file), 'utf-8')),
        });
      }
    }
  }
  return out;
}

const checksOf = (ids: readonly string[]): string => [...new Set(ids)].sort().join(',') || '(admitted)';

interface Comparison {
  readonly total: number;
  readonly agreed: number;
  readonly disagreements: string[];
  readonly upstream: Map<string, string>;
}

/** Runs every request through both checkers and compares the sets of failing check IDs. */
function compare(requests: PsaRequest[]): Comparison {
  const upstream = psaEvaluate(requests);
  const disagreements: string[] = [];
  const byId = new Map<string, string>();
  for (const r of requests) {
    const theirs = checksOf(upstream.get(r.id)!.map((v) => v.check));
    const ours = checksOf(checkPodSecurity(r.pod, r.level as 'baseline' | 'restricted', r.version).map((v) => v.check));
    byId.set(r.id, theirs);
    if (ours !== theirs) disagreements.push(`${r.id}: upstream ${theirs}, ours ${ours}`);
  }
  return { total: requests.length, agreed: requests.length - disagreements.length, disagreements, upstream: byId };
}

beforeAll(() => ensureJudges(), 1_800_000);

describe('upstream fixtures', () => {
  const fixtures = loadFixtures();
  let result: Comparison;
  beforeAll(() => {
    const requests: PsaRequest[] = [];
    for (const f of fixtures) {
      for (const level of LEVELS) {
        for (const version of VERSIONS) requests.push({ id: `${f.file} ${level} ${version}`, level, version, pod: f.pod });
      }
    }
    result = compare(requests);
  });

  test('both checkers name the same failing checks for every fixture, at both levels and every version', () => {
    expect(fixtures.length).toBeGreaterThan(200);
    expect(result.total).toBe(fixtures.length * LEVELS.length * VERSIONS.length);
    expect(result.disagreements).toEqual([]);
  });

  test('the upstream judge classifies each fixture as its folder says, over the versions it applies to', () => {
    const wrong: string[] = [];
    for (const f of fixtures) {
      for (let minor = f.minMinor; minor <= f.maxMinor; minor++) {
        const verdict = result.upstream.get(`${f.file} ${f.level} v1.${minor}`)!;
        if ((verdict === '(admitted)') !== (f.expect === 'pass')) wrong.push(`${f.file} at v1.${minor}: ${verdict}`);
      }
    }
    expect(wrong).toEqual([]);
  });
});

describe('random pods', () => {
  const SEED = 20261201;
  const COUNT = 600;
  const pods = randomPods(SEED, COUNT);
  let result: Comparison;
  let requests: PsaRequest[];
  beforeAll(() => {
    requests = [];
    pods.forEach((p, i) => {
      // four versions per pod: the ones where checks change most, and latest
      const versions = [VERSIONS[i % 20], VERSIONS[20 + (i % (VERSIONS.length - 20))], 'v1.35', 'latest'];
      for (const level of LEVELS) {
        for (const version of new Set(versions)) requests.push({ id: `pod#${i} ${level} ${version}`, level, version, pod: p.pod });
      }
    });
    result = compare(requests);
  });

  test('both checkers name the same failing checks on every pod, level and version', () => {
    expect(result.total).toBeGreaterThanOrEqual(COUNT * 6);
    const shown = result.disagreements.slice(0, 20).map((d) => {
      const pod = pods[Number(/^pod#(\d+)/.exec(d)![1])].pod;
      return `${d}\n  ${JSON.stringify(pod)}`;
    });
    expect(shown).toEqual([]);
  });

  test('the pods exercise every upstream check, and both verdicts', () => {
    const failing = new Set([...result.upstream.values()].flatMap((v) => v.split(',')));
    expect(POD_SECURITY_CHECKS.map((c) => c.id).filter((id) => !failing.has(id))).toEqual([]);
    const admitted = [...result.upstream.values()].filter((v) => v === '(admitted)').length;
    expect(admitted).toBeGreaterThan(result.total / 10);
    expect(admitted).toBeLessThan(result.total * 0.9);
  });
});
