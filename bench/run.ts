// `npm run bench`: synthesis benchmark of cdk8s-secure against cdk8s-plus-27 and the bare YAML floor.
//
//   node -r ts-node/register/transpile-only bench/run.ts [--runs R] [--n 100,1000,5000] [--quick]
//        [--variants ours,ours-single-pass,cdk8s-plus-27,cdk8s-bare,floor] [--layouts A,B] [--timeout S]
//        [--require-runs K] [--out bench/results.md]
//
// Every measurement is a fresh whole process (spawnSync `node <worker>`): workers are compiled
// with tsc into bench/.build and load the BUILT library (a snapshot of lib/, rebuilt first when
// missing or older than src/). See bench/README.md.
import { spawnSync, SpawnSyncReturns } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Layout, RESULT_PREFIX, repoRoot, WorkerResult } from './common';

const VARIANTS = ['ours', 'ours-single-pass', 'cdk8s-plus-27', 'cdk8s-bare', 'floor'] as const;
type Variant = typeof VARIANTS[number];

interface Options {
  runs: number;
  ns: number[];
  variants: Variant[];
  layouts: Layout[];
  timeoutS: number;
  requireRuns: number;
  out: string;
}

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
    runs: 3, ns: [100, 1000, 5000], variants: [...VARIANTS], layouts: ['A', 'B'], timeoutS: 900, requireRuns: 5,
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
    const int = (v: string, what: string) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1) die(`${what} must be a whole number >= 1, got "${v}"`);
      return n;
    };
    const flag = a.split('=')[0];
    switch (flag) {
      case '--runs': o.runs = int(value(), '--runs'); runsGiven = true; break;
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
        for (const l of ls) if (l !== 'A' && l !== 'B') die(`unknown layout "${l}" (A = one Chart, B = one Chart per namespace)`);
        o.layouts = ls as Layout[];
        break;
      }
      case '--timeout': o.timeoutS = int(value(), '--timeout'); break;
      case '--require-runs': o.requireRuns = int(value(), '--require-runs'); break;
      case '--out': o.out = path.resolve(value()); break;
      case '--help': case '-h':
        log('usage: npm run bench -- [--runs R] [--n 100,1000,5000] [--quick] [--variants ...] [--layouts A,B] [--timeout S] [--require-runs K] [--out FILE]');
        process.exit(0);
      // eslint-disable-next-line no-fallthrough
      default: die(`unknown argument "${a}" (try --help)`);
    }
  }
  if (quick) {
    if (!nGiven) o.ns = [100, 1000];
    if (!runsGiven) o.runs = 1;
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

interface Sample extends WorkerResult {
  /** Whole process as the parent saw it (spawn to exit), ms. */
  readonly processMs: number;
}

interface Cell {
  readonly layout: Layout;
  readonly n: number;
  readonly variant: Variant;
  readonly samples: Sample[];
  failure?: string;
  docs?: number;
  bytes?: number;
}

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
    if (text.length) docs += 1 + text.split('\n').filter((l) => l === '---').length;
  }
  return { docs, bytes };
}

function measure(cell: Cell, env: NodeJS.ProcessEnv, outRoot: string, o: Options, label: string): void {
  const out = path.join(outRoot, `${cell.variant}-${cell.layout}-${cell.n}`);
  fs.rmSync(out, { recursive: true, force: true });
  const worker = path.join(BUILD, 'workers', `${cell.variant}.js`);
  const start = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [worker, cell.layout, String(cell.n), out], {
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

// ---------------------------------------------------------------------------------------------
// Reporting.

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const med = (c: Cell | undefined, k: keyof Sample): number | undefined => c && c.samples.length ? median(c.samples.map((s) => s[k])) : undefined;
const fmt = (v: number | undefined, digits: number) => v === undefined || !Number.isFinite(v) ? '–' : v.toFixed(digits);
const ratio = (a: number | undefined, b: number | undefined) => a === undefined || b === undefined ? undefined : a / b;
const LAYOUT_NAME: Record<Layout, string> = { A: 'A: one Chart', B: 'B: Chart per namespace' };

function machineFacts(o: Options): string[] {
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
    `- R = ${o.runs} whole-process run${o.runs > 1 ? 's' : ''} per figure (median), N in {${o.ns.join(', ')}}`,
  ];
}

function render(o: Options, cells: Cell[], req: { ours: number[]; kplus: number[] }, facts: string[], load: string): string {
  const find = (layout: Layout, n: number, v: Variant) => cells.find((c) => c.layout === layout && c.n === n && c.variant === v);
  const wall = (layout: Layout, n: number, v: Variant) => med(find(layout, n, v), 'wallMs');
  const cpuOf = (layout: Layout, n: number, v: Variant) => med(find(layout, n, v), 'cpuMs');
  const perApp = (layout: Layout, n: number, v: Variant) => {
    const w = wall(layout, n, v);
    return w === undefined ? undefined : w / n;
  };
  const perAppWork = (layout: Layout, n: number, v: Variant) => {
    const c = find(layout, n, v);
    const w = med(c, 'wallMs');
    const r = med(c, 'requireMs');
    return w === undefined || r === undefined ? undefined : (w - r) / n;
  };
  const lines: string[] = [];
  lines.push('# cdk8s-secure synthesis benchmark', '', ...facts, `- Load average (1/5/15 min) before → after: ${load}`, '');
  lines.push('Wall = inside the worker, top of script (before any `require`) to synth done (files written); process =',
    'the whole `node` process as the parent saw it (adds node bootstrap and exit); CPU = user + system CPU time of',
    'the worker at synth done (less sensitive to other load, but counts GC helper threads). ms/app = wall / N.',
    'Peak RSS = `process.resourceUsage().maxRSS` at exit. Ratios are of wall times (of CPU times in brackets).', '');
  lines.push('| layout | N | variant | wall s | process s | CPU s | ms/app | peak RSS MiB | × floor | × cdk8s-plus-27 |');
  lines.push('|---|---:|---|---:|---:|---:|---:|---:|---:|---:|');
  for (const layout of o.layouts) {
    for (const n of o.ns) {
      for (const v of o.variants) {
        const c = find(layout, n, v);
        if (!c) continue;
        if (!c.samples.length) {
          lines.push(`| ${LAYOUT_NAME[layout]} | ${n} | ${v} | ${c.failure ?? 'failed'} | | | | | | |`);
          continue;
        }
        const w = wall(layout, n, v);
        const cpu = med(c, 'cpuMs');
        const vs = (other: Variant) => `${fmt(ratio(w, wall(layout, n, other)), 2)} (${fmt(ratio(cpu, cpuOf(layout, n, other)), 2)})`;
        lines.push(`| ${LAYOUT_NAME[layout]} | ${n} | ${v} | ${fmt(w! / 1000, 2)} | ${fmt(med(c, 'processMs')! / 1000, 2)} | ${fmt(cpu! / 1000, 2)} | ${fmt(perApp(layout, n, v), 2)} | ${fmt(med(c, 'maxRssKiB')! / 1024, 0)} | ${vs('floor')} | ${vs('cdk8s-plus-27')} |`);
      }
    }
  }
  lines.push('');
  const cold = { ours: median(req.ours), kplus: median(req.kplus) };
  lines.push(`**Cold require** (median of ${req.ours.length} fresh processes each, around the \`require\` call): cdk8s-secure (lib/index.js) ${fmt(cold.ours, 0)} ms, cdk8s-plus-27 ${fmt(cold.kplus, 0)} ms: ${fmt(cold.ours / cold.kplus, 2)}×. Both include loading cdk8s and constructs.`, '');
  const [lo, hi] = [1000, 5000];
  if (o.ns.includes(lo) && o.ns.includes(hi)) {
    lines.push(`**Linearity** (ms/app at N=${hi} ÷ at N=${lo}; in brackets the same without the fixed require time):`, '');
    for (const layout of o.layouts) {
      const parts = o.variants.map((v) => `${v} ${fmt(ratio(perApp(layout, hi, v), perApp(layout, lo, v)), 2)} (${fmt(ratio(perAppWork(layout, hi, v), perAppWork(layout, lo, v)), 2)})`);
      lines.push(`- ${LAYOUT_NAME[layout]}: ${parts.join(', ')}`);
    }
    lines.push('');
  } else {
    lines.push(`**Linearity**: not measured (needs N=${lo} and N=${hi}).`, '');
  }

  lines.push('**Where the time goes** (medians, ms; docs and output size of the files written):', '');
  lines.push('| layout | N | variant | require | construct | synth | docs | output MiB |');
  lines.push('|---|---:|---|---:|---:|---:|---:|---:|');
  for (const layout of o.layouts) {
    for (const n of o.ns) {
      for (const v of o.variants) {
        const c = find(layout, n, v);
        if (!c || !c.samples.length) continue;
        lines.push(`| ${LAYOUT_NAME[layout]} | ${n} | ${v} | ${fmt(med(c, 'requireMs'), 0)} | ${fmt(med(c, 'constructMs'), 0)} | ${fmt(med(c, 'synthMs'), 0)} | ${c.docs ?? '–'} | ${fmt(c.bytes !== undefined ? c.bytes / 2 ** 20 : undefined, 1)} |`);
      }
    }
  }
  lines.push('');

  // Targets, judged from this run.
  const verdict = (ok: boolean | undefined) => ok === undefined ? 'not measured' : ok ? '**met**' : '**NOT met**';
  const rA = ratio(wall('A', 1000, 'ours'), wall('A', 1000, 'floor'));
  const rB = ratio(wall('B', 1000, 'ours'), wall('B', 1000, 'floor'));
  const rBs = ratio(wall('B', 1000, 'ours-single-pass'), wall('B', 1000, 'floor'));
  // Cross-checks for a loaded machine: best-of-R wall times (load only ever adds) and CPU times.
  const best = (layout: Layout, n: number, v: Variant) => {
    const c = find(layout, n, v);
    return c && c.samples.length ? Math.min(...c.samples.map((s) => s.wallMs)) : undefined;
  };
  const cpuRatio = (layout: Layout, v: Variant) => `best-of-${o.runs} ${fmt(ratio(best(layout, 1000, v), best(layout, 1000, 'floor')), 2)}×, by CPU time ${fmt(ratio(cpuOf(layout, 1000, v), cpuOf(layout, 1000, 'floor')), 2)}×`;
  const bestLin = (layout: Layout, v: Variant) => `best-of-${o.runs} ${fmt(ratio(best(layout, 5000, v), 5 * best(layout, 1000, v)!), 2)}`;
  const linA = ratio(perApp('A', 5000, 'ours'), perApp('A', 1000, 'ours'));
  const linB = ratio(perApp('B', 5000, 'ours'), perApp('B', 1000, 'ours'));
  const linBs = ratio(perApp('B', 5000, 'ours-single-pass'), perApp('B', 1000, 'ours-single-pass'));
  const rssOf = (v: Variant) => { const k = med(find('A', 5000, v), 'maxRssKiB'); return k === undefined ? undefined : k / 1024; };
  const rss = rssOf('ours');
  const rssSingle = rssOf('ours-single-pass');
  const rssBare = rssOf('cdk8s-bare');
  const coldRatio = cold.ours / cold.kplus;
  const le = (v: number | undefined, max: number) => v === undefined ? undefined : v <= max;
  lines.push('**Targets** (judged from this run\'s medians; in brackets the same from best-of-R times and from CPU times, as a check on background load):', '');
  lines.push(`- One Chart, N=1000: ours ≤ 1.5× floor: ${fmt(rA, 2)}× → ${verdict(le(rA, 1.5))} (${cpuRatio('A', 'ours')})`);
  lines.push(`- Chart per namespace, N=1000 (100 namespaces): ours ≤ 2× floor: ${fmt(rB, 2)}× → ${verdict(le(rB, 2))} (${cpuRatio('B', 'ours')}); with SinglePassApp ${fmt(rBs, 2)}× → ${verdict(le(rBs, 2))} (${cpuRatio('B', 'ours-single-pass')})`);
  lines.push(`- Linear up to 5000 (ms/app at 5000 ≤ 1.2× at 1000): ours one Chart ${fmt(linA, 2)} → ${verdict(le(linA, 1.2))} (${bestLin('A', 'ours')}); ours Chart per namespace ${fmt(linB, 2)} → ${verdict(le(linB, 1.2))} (${bestLin('B', 'ours')}); SinglePassApp Chart per namespace ${fmt(linBs, 2)} → ${verdict(le(linBs, 1.2))} (${bestLin('B', 'ours-single-pass')})`);
  lines.push(`- Peak RSS, one Chart, N=5000: ours ≤ 300 MiB: ${fmt(rss, 0)} MiB → ${verdict(le(rss, 300))}; with SinglePassApp ${fmt(rssSingle, 0)} MiB → ${verdict(le(rssSingle, 300))} (the same documents as bare cdk8s ApiObjects under a plain App, no library: ${fmt(rssBare, 0)} MiB)`);
  lines.push(`- Cold require ≤ 1.2× cdk8s-plus-27: ${fmt(coldRatio, 2)}× → ${verdict(le(coldRatio, 1.2))}`);
  lines.push('');
  return lines.join('\n');
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

    const cells: Cell[] = [];
    for (const layout of o.layouts) for (const n of o.ns) for (const variant of o.variants) cells.push({ layout, n, variant, samples: [] });
    const total = cells.length * o.runs;
    let done = 0;
    for (const layout of o.layouts) {
      for (const n of o.ns) {
        const group = cells.filter((c) => c.layout === layout && c.n === n);
        for (let r = 0; r < o.runs; r++) {
          // Round-robin over the variants, rotated each repetition, so drifting background load
          // does not favour one variant.
          for (let k = 0; k < group.length; k++) {
            const cell = group[(k + r) % group.length];
            done++;
            if (cell.failure) continue; // a timeout or crash will not get better
            measure(cell, env, outRoot, o, `[${done}/${total}] ${layout} N=${n} ${cell.variant} run ${r + 1}/${o.runs}`);
          }
        }
      }
    }
    const loadAfter = os.loadavg().map((l) => l.toFixed(2)).join(' / ');
    const md = render(o, cells, req, machineFacts(o), `${loadBefore} → ${loadAfter}`);
    fs.writeFileSync(o.out, md);
    fs.writeFileSync(path.join(BUILD, 'results-raw.json'), JSON.stringify({ options: o, requireTimes: req, cells }, null, 2));
    process.stdout.write(md);
    log(`bench: wrote ${path.relative(process.cwd(), o.out)} (raw samples: ${path.relative(process.cwd(), path.join(BUILD, 'results-raw.json'))})`);
    if (cells.some((c) => c.failure)) process.exitCode = 1;
  } finally {
    fs.rmSync(outRoot, { recursive: true, force: true });
  }
}

main();
