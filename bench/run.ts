// `npm run bench`: synthesis benchmark of cdk8s-secure against cdk8s-plus-27 and the bare YAML floor.
//
//   node -r ts-node/register/transpile-only bench/run.ts [--runs R] [--big-runs R] [--n 100,1000,5000,10000]
//        [--quick] [--full] [--variants ours,ours-single-pass,cdk8s-plus-27,cdk8s-bare,floor,helm] [--layouts A,B,C]
//        [--workloads app,statefulset,daemonset,job,cronjob,gateway,host]
//        [--timeout S] [--require-runs K] [--shop-runs K] [--out bench/results.md]
//
// Every measurement is a fresh whole process (spawnSync `node <worker>`): workers are compiled
// with tsc into bench/.build and load the BUILT library (a snapshot of lib/, rebuilt first when
// missing or older than src/). See bench/README.md.
import { spawnSync, SpawnSyncReturns } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Layout, LAYOUTS, RESULT_PREFIX, repoRoot, WorkerResult, Workload, WORKLOADS } from './common';
import { helmBinary } from './helm-releases';
import { Cell, KIND_LAYOUT, KIND_VARIANTS, median, Options, render, ShopTimes, Variant, VARIANTS } from './report';

const ROOT = repoRoot();
const BENCH = path.join(ROOT, 'bench');
const BUILD = path.join(BENCH, '.build');
const SNAPSHOT = path.join(BUILD, 'lib');

function log(line: string): void {
  process.stderr.write(line + '\n');
}

function die(message: string): never {
  log(`\nbench: ${message}`);
  process.exit(1);
}

function parseArgs(argv: string[]): Options {
  const o: Options = {
    runs: 3, bigRuns: 1, full: false, shopRuns: 5, ns: [100, 1000, 5000, 10000], variants: [...VARIANTS], layouts: [...LAYOUTS], workloads: [...WORKLOADS], timeoutS: 900, requireRuns: 5,
    out: path.join(BENCH, 'results.md'),
  };
  let quick = false;
  let runsGiven = false;
  let nGiven = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = a.includes('=') ? a.slice(a.indexOf('=') + 1) : argv[++i];
      if (v === undefined) die(`${a} needs a value`);
      return v;
    };
    const list = (v: string) => v.split(',').map((s) => s.trim()).filter(Boolean);
    const int = (v: string, what: string, min = 1) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < min) die(`${what} must be a whole number >= ${min}, got "${v}"`);
      return n;
    };
    const flag = a.split('=')[0];
    switch (flag) {
      case '--runs': o.runs = int(value(), '--runs'); runsGiven = true; break;
      case '--big-runs': o.bigRuns = int(value(), '--big-runs'); break;
      case '--full': o.full = true; break;
      case '--shop-runs': o.shopRuns = int(value(), '--shop-runs', 0); break;
      case '--workloads': {
        const ws = list(value());
        for (const w of ws) if (!(WORKLOADS as readonly string[]).includes(w)) die(`unknown workload "${w}" (known: ${WORKLOADS.join(', ')})`);
        o.workloads = ws as Workload[];
        break;
      }
      case '--n': o.ns = list(value()).map((v) => int(v, '--n')); nGiven = true; break;
      case '--quick': quick = true; break;
      case '--variants': {
        const vs = list(value());
        for (const v of vs) if (!(VARIANTS as readonly string[]).includes(v)) die(`unknown variant "${v}" (known: ${VARIANTS.join(', ')})`);
        o.variants = vs as Variant[];
        break;
      }
      case '--layouts': {
        const ls = list(value()).map((l) => l.toUpperCase());
        for (const l of ls) if (!(LAYOUTS as readonly string[]).includes(l)) die(`unknown layout "${l}" (A = one Chart, B = one Chart per namespace, C = one Chart per app)`);
        o.layouts = ls as Layout[];
        break;
      }
      case '--timeout': o.timeoutS = int(value(), '--timeout'); break;
      case '--require-runs': o.requireRuns = int(value(), '--require-runs', 0); break;
      case '--out': o.out = path.resolve(value()); break;
      case '--help': case '-h':
        log('usage: npm run bench -- [--runs R] [--big-runs R] [--n 100,1000,5000,10000] [--quick] [--full] [--variants ...] [--layouts A,B,C] [--workloads app,statefulset,...] [--timeout S] [--require-runs K] [--shop-runs K] [--out FILE]');
        process.exit(0);
      // eslint-disable-next-line no-fallthrough
      default: die(`unknown argument "${a}" (try --help)`);
    }
  }
  if (quick) {
    if (!nGiven) o.ns = [100, 1000];
    if (!runsGiven) o.runs = 1;
    o.shopRuns = Math.min(o.shopRuns, 2);
  }
  o.ns = [...new Set(o.ns)].sort((a, b) => a - b);
  return o;
}

// ---------------------------------------------------------------------------------------------
// Preparation: built library, compiled workers, snapshot, floor check.

function walk(dir: string, ext: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? walk(p, ext) : e.name.endsWith(ext) ? [p] : [];
  });
}

/** Why lib/ must be rebuilt, or undefined when every src/**.ts has an up-to-date lib/**.js. */
function staleness(): string | undefined {
  const src = path.join(ROOT, 'src');
  const lib = path.join(ROOT, 'lib');
  if (!fs.existsSync(path.join(lib, 'index.js'))) return 'lib/index.js is missing';
  for (const ts of walk(src, '.ts').filter((f) => !f.endsWith('.d.ts'))) {
    const js = path.join(lib, path.relative(src, ts)).replace(/\.ts$/, '.js');
    if (!fs.existsSync(js)) return `${path.relative(ROOT, js)} is missing`;
    if (fs.statSync(js).mtimeMs < fs.statSync(ts).mtimeMs) return `${path.relative(ROOT, ts)} is newer than ${path.relative(ROOT, js)}`;
  }
  return undefined;
}

function run(cmd: string, args: string[], what: string, env: NodeJS.ProcessEnv = process.env): void {
  const r = spawnSync(cmd, args, { cwd: ROOT, stdio: 'inherit', env });
  if (r.status !== 0) die(`${what} failed (${r.error?.message ?? `exit ${r.status}${r.signal ? `, ${r.signal}` : ''}`})`);
}

function prepare(): NodeJS.ProcessEnv {
  const why = staleness();
  if (why) {
    log(`bench: lib/ is stale (${why}): npm run build`);
    run(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['run', 'build'], 'npm run build');
  } else {
    log('bench: lib/ is up to date with src/');
  }
  log('bench: compiling bench/ (tsc -p bench/tsconfig.json)');
  run(process.execPath, [require.resolve('typescript/bin/tsc', { paths: [ROOT] }), '-p', path.join(BENCH, 'tsconfig.json')], 'tsc -p bench/tsconfig.json');
  // A snapshot of the built library: others may rebuild lib/ while the bench runs (minutes), and a
  // half-written lib/ or a mix of versions across runs would make the figures meaningless.
  fs.rmSync(SNAPSHOT, { recursive: true, force: true });
  fs.cpSync(path.join(ROOT, 'lib'), SNAPSHOT, { recursive: true, filter: (f) => !f.endsWith('.map') });
  const env = { ...process.env, BENCH_LIB: SNAPSHOT };
  log('bench: checking the floor against the library (verify-floor)');
  run(process.execPath, [path.join(BUILD, 'verify-floor.js')], 'verify-floor (the floor must emit exactly what ours emits)', env);
  return env;
}

// ---------------------------------------------------------------------------------------------
// Measuring.

/** From this N on, cells run `--big-runs` times. */
const BIG_N = 5000;

/**
 * Largest N run by default per variant and layout, where time grows faster than N (cdk8s' App
 * revisits the whole app for every chart) or where each point costs one process per app (Helm
 * release per app): their trend is plain by N=1000 or 5000, and running them further would take
 * most of an hour. `--full` lifts the caps.
 */
const CAPS: Partial<Record<Variant, Partial<Record<Layout, number>>>> = {
  'ours': { B: 5000, C: 1000 },
  'cdk8s-plus-27': { B: 5000, C: 1000 },
  'cdk8s-bare': { B: 5000, C: 1000 },
  'helm': { C: 1000 },
};

function capped(o: Options, layout: Layout, n: number, v: Variant): boolean {
  const cap = CAPS[v]?.[layout];
  return !o.full && cap !== undefined && n > cap;
}

/** The per-kind workloads run up to this N by default (one Chart is linear; --full lifts it). */
const KIND_CAP = 1000;

function parseResult(r: SpawnSyncReturns<string>): WorkerResult | undefined {
  const line = r.stdout?.split('\n').find((l) => l.startsWith(RESULT_PREFIX));
  return line ? JSON.parse(line.slice(RESULT_PREFIX.length)) : undefined;
}

function failureOf(r: SpawnSyncReturns<string>, timeoutS: number): string {
  if ((r.error as NodeJS.ErrnoException | undefined)?.code === 'ETIMEDOUT') return `timeout (> ${timeoutS} s)`;
  const tail = (r.stderr ?? '').trim().split('\n').slice(-6).join(' | ');
  return `exit ${r.status ?? r.signal}${tail ? `: ${tail}` : ''}`;
}

function outputSize(dir: string): { docs: number; bytes: number } {
  let docs = 0;
  let bytes = 0;
  for (const f of walk(dir, '.yaml')) {
    const text = fs.readFileSync(f, 'utf8');
    bytes += Buffer.byteLength(text);
    // Helm starts every document, the first too, with `---`; cdk8s only separates them.
    if (text.length) docs += (text.startsWith('---\n') ? 0 : 1) + text.split('\n').filter((l) => l === '---').length;
  }
  return { docs, bytes };
}

function measure(cell: Cell, env: NodeJS.ProcessEnv, outRoot: string, o: Options, label: string): void {
  const out = path.join(outRoot, `${cell.variant}-${cell.workload}-${cell.layout}-${cell.n}`);
  fs.rmSync(out, { recursive: true, force: true });
  const worker = path.join(BUILD, 'workers', `${cell.variant}.js`);
  const start = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [worker, cell.layout, String(cell.n), out, cell.workload], {
    cwd: ROOT, env, encoding: 'utf8', timeout: o.timeoutS * 1000, maxBuffer: 64 * 1024 * 1024,
  });
  const processMs = Number(process.hrtime.bigint() - start) / 1e6;
  const result = r.status === 0 ? parseResult(r) : undefined;
  if (!result) {
    cell.failure = failureOf(r, o.timeoutS);
    log(`${label}: FAILED ${cell.failure}`);
  } else {
    cell.samples.push({ ...result, processMs });
    if (cell.docs === undefined) Object.assign(cell, outputSize(out));
    log(`${label}: wall ${(result.wallMs / 1000).toFixed(2)} s (require ${result.requireMs.toFixed(0)}, construct ${result.constructMs.toFixed(0)}, synth ${result.synthMs.toFixed(0)} ms), process ${(processMs / 1000).toFixed(2)} s, CPU ${(result.cpuMs / 1000).toFixed(2)} s, peak RSS ${(result.maxRssKiB / 1024).toFixed(0)} MiB`);
  }
  fs.rmSync(out, { recursive: true, force: true });
}

function requireTimes(env: NodeJS.ProcessEnv, k: number): { ours: number[]; kplus: number[] } {
  const worker = path.join(BUILD, 'workers', 'require-time.js');
  const targets = { ours: path.join(SNAPSHOT, 'index.js'), kplus: 'cdk8s-plus-27' };
  const times: { ours: number[]; kplus: number[] } = { ours: [], kplus: [] };
  for (let i = 0; i < k; i++) {
    // Alternate, so background load hits both alike.
    for (const key of (i % 2 ? ['kplus', 'ours'] : ['ours', 'kplus']) as Array<'ours' | 'kplus'>) {
      const r = spawnSync(process.execPath, [worker, targets[key]], { cwd: ROOT, env, encoding: 'utf8' });
      const res = r.status === 0 ? parseResult(r) : undefined;
      if (!res) die(`cold require of ${targets[key]} failed: ${failureOf(r, 0)}`);
      times[key].push(res.requireMs);
    }
  }
  return times;
}

/** Synth times of the example shop (examples/), the repository's own `npx cdk8s synth`. */
/** Runs a command to completion: wall ms, and user + system CPU ms of it and its children (GNU time, when there). */
function timedRun(cmd: string, args: string[], env: NodeJS.ProcessEnv, what: string): { wall: number; cpu?: number } {
  const gnuTime = fs.existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;
  const cpuFile = path.join(os.tmpdir(), `cdk8s-secure-bench-cpu-${process.pid}`);
  const start = process.hrtime.bigint();
  const r = gnuTime
    ? spawnSync(gnuTime, ['-o', cpuFile, '-f', '%U %S', cmd, ...args], { cwd: ROOT, env, encoding: 'utf8' })
    : spawnSync(cmd, args, { cwd: ROOT, env, encoding: 'utf8' });
  const wall = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0) die(`${what} failed: ${failureOf(r, 0)}`);
  if (!gnuTime) return { wall };
  const [user, sys] = fs.readFileSync(cpuFile, 'utf8').trim().split('\n').pop()!.split(' ').map(Number);
  fs.rmSync(cpuFile, { force: true });
  return { wall, cpu: (user + sys) * 1000 };
}

function shopTimes(outRoot: string, k: number): ShopTimes {
  const times = { app: [] as number[], cli: [] as number[], cliNoCheck: [] as number[], cliStartup: [] as number[], cpu: {} as { [what: string]: number[] }, docs: undefined as number | undefined };
  const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';
  const record = (what: 'app' | 'cli' | 'cliNoCheck' | 'cliStartup', t: { wall: number; cpu?: number }) => {
    times[what].push(t.wall);
    if (t.cpu !== undefined) (times.cpu[what] ??= []).push(t.cpu);
  };
  const noCheck = { ...process.env, CDK8S_CHECK_UPGRADE: 'false' };
  for (let i = 0; i < k; i++) {
    const out = path.join(outRoot, `shop-${i}`);
    // The app writes where CDK8S_OUTDIR says (not dist/), the CLI where --output says.
    record('app', timedRun(process.execPath, ['examples/run.js'], { ...process.env, CDK8S_OUTDIR: out }, 'the example shop'));
    times.docs ??= outputSize(out).docs;
    fs.rmSync(out, { recursive: true, force: true });
    record('cli', timedRun(npx, ['cdk8s', 'synth', '--output', out], process.env, 'npx cdk8s synth'));
    fs.rmSync(out, { recursive: true, force: true });
    record('cliNoCheck', timedRun(npx, ['cdk8s', 'synth', '--output', out], noCheck, 'npx cdk8s synth'));
    fs.rmSync(out, { recursive: true, force: true });
    record('cliStartup', timedRun(npx, ['cdk8s', '--version'], noCheck, 'npx cdk8s --version'));
  }
  log(`bench: example shop: app ${median(times.app).toFixed(0)} ms, npx cdk8s synth ${median(times.cli).toFixed(0)} ms, without the upgrade check ${median(times.cliNoCheck).toFixed(0)} ms, CLI start ${median(times.cliStartup).toFixed(0)} ms (medians of ${k})`);
  return times;
}

// ---------------------------------------------------------------------------------------------
// Reporting.

function machineFacts(o: Options, helm: string | undefined): string[] {
  const cpuinfo = fs.existsSync('/proc/cpuinfo') ? fs.readFileSync('/proc/cpuinfo', 'utf8') : '';
  const model = /^model name\s*:\s*(.*)$/m.exec(cpuinfo)?.[1] ?? os.cpus()[0]?.model ?? 'unknown';
  const version = (pkg: string) => {
    try {
      return JSON.parse(fs.readFileSync(require.resolve(`${pkg}/package.json`, { paths: [ROOT] }), 'utf8')).version;
    } catch {
      return '?';
    }
  };
  const git = spawnSync('git', ['describe', '--always', '--dirty'], { cwd: ROOT, encoding: 'utf8' }).stdout?.trim() || '?';
  const helmVersion = () => {
    if (!helm) return 'not installed (helm variant skipped)';
    const stamp = path.join(path.dirname(helm), 'helm.version');
    const v = fs.existsSync(stamp) ? fs.readFileSync(stamp, 'utf8').trim() : spawnSync(helm, ['version', '--short'], { encoding: 'utf8' }).stdout?.trim();
    const go = spawnSync(helm, ['version', '--template', '{{ .GoVersion }}'], { encoding: 'utf8' }).stdout?.trim();
    return `${v}${go ? ` (${go})` : ''}`;
  };
  return [
    `- Machine: ${model}, ${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM, ${os.type()} ${os.release()}`,
    `- Node ${process.version}; cdk8s ${version('cdk8s')}, cdk8s-plus-27 ${version('cdk8s-plus-27')}, constructs ${version('constructs')}, yaml (cdk8s' copy) ${(() => {
      try {
        return JSON.parse(fs.readFileSync(path.join(path.dirname(require.resolve('cdk8s/package.json', { paths: [ROOT] })), 'node_modules', 'yaml', 'package.json'), 'utf8')).version;
      } catch {
        return version('yaml');
      }
    })()}`,
    `- cdk8s-secure ${version(ROOT)} at ${git}; ${new Date().toISOString()}`,
    `- Helm ${helmVersion()}`,
    `- R = ${o.runs} whole-process run${o.runs > 1 ? 's' : ''} per figure (median) below N=${BIG_N}, ${o.bigRuns} from N=${BIG_N} on; N in {${o.ns.join(', ')}}`,
  ];
}

// ---------------------------------------------------------------------------------------------

function main(): void {
  const o = parseArgs(process.argv.slice(2));
  const loadBefore = os.loadavg().map((l) => l.toFixed(2)).join(' / ');
  const env = prepare();
  const outRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-secure-bench-'));
  try {
    log(`bench: cold require, ${o.requireRuns} fresh processes each`);
    const req = requireTimes(env, o.requireRuns);
    log(`bench: cold require medians: ours ${median(req.ours).toFixed(0)} ms, cdk8s-plus-27 ${median(req.kplus).toFixed(0)} ms`);

    const helm = o.variants.includes('helm') ? helmBinary() : undefined;
    if (o.variants.includes('helm') && !helm) {
      log('bench: Helm not found (run `npm run bench:helm` to build the pinned version into bench/.tools/bin, or set BENCH_HELM): the helm variant is skipped');
    }
    // Taken at the start: the commit measured, not whatever the tree holds when the run ends.
    const facts = machineFacts(o, helm);
    const cells: Cell[] = [];
    if (o.workloads.includes('app')) {
      for (const layout of o.layouts) {
        for (const n of o.ns) {
          for (const variant of o.variants) {
            const cell: Cell = { workload: 'app', layout, n, variant, samples: [] };
            if (variant === 'helm' && !helm) cell.skipped = 'skipped: no helm (npm run bench:helm)';
            else if (capped(o, layout, n, variant)) cell.skipped = `not run (above N=${CAPS[variant]![layout]}; --full runs it)`;
            cells.push(cell);
          }
        }
      }
    }
    // The other kinds: one Chart, against the floor and bare cdk8s (neither kplus nor the Helm
    // chart writes them).
    for (const workload of o.workloads.filter((w) => w !== 'app')) {
      for (const n of o.ns.filter((x) => o.full || x <= KIND_CAP)) {
        for (const variant of o.variants.filter((v) => KIND_VARIANTS.includes(v))) cells.push({ workload, layout: KIND_LAYOUT, n, variant, samples: [] });
      }
    }
    const runsAt = (n: number) => n >= BIG_N ? o.bigRuns : o.runs;
    const total = cells.filter((c) => !c.skipped).reduce((sum, c) => sum + runsAt(c.n), 0);
    let done = 0;
    const groups = [...new Set(cells.map((c) => `${c.workload} ${c.layout} ${c.n}`))].map((k) => k.split(' '));
    for (const [workload, layout, nText] of groups) {
      const n = Number(nText);
      const group = cells.filter((c) => c.workload === workload && c.layout === layout && c.n === n && !c.skipped);
      const runs = runsAt(n);
      for (let r = 0; r < runs; r++) {
        // Round-robin over the variants, rotated each repetition, so drifting background load
        // does not favour one variant.
        for (let k = 0; k < group.length; k++) {
          const cell = group[(k + r) % group.length];
          done++;
          if (cell.failure) continue; // a timeout or crash will not get better
          measure(cell, env, outRoot, o, `[${done}/${total}] ${workload === 'app' ? '' : `${workload} `}${layout} N=${n} ${cell.variant} run ${r + 1}/${runs}`);
        }
      }
    }
    const shop = shopTimes(outRoot, o.shopRuns);
    const loadAfter = os.loadavg().map((l) => l.toFixed(2)).join(' / ');
    const md = render(o, cells, req, shop, facts, `${loadBefore} → ${loadAfter}`);
    fs.writeFileSync(o.out, md);
    fs.writeFileSync(path.join(BUILD, 'results-raw.json'), JSON.stringify({ options: o, requireTimes: req, shop, cells }, null, 2));
    process.stdout.write(md);
    log(`bench: wrote ${path.relative(process.cwd(), o.out)} (raw samples: ${path.relative(process.cwd(), path.join(BUILD, 'results-raw.json'))})`);
    if (cells.some((c) => c.failure)) process.exitCode = 1;
  } finally {
    fs.rmSync(outRoot, { recursive: true, force: true });
  }
}

main();
