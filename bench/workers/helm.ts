// Variant `helm`: the same objects rendered by Helm 3 (`helm template`) from the chart in
// bench/helm: one release (A), a release per namespace (B), a release per app (C), each release
// a `helm template` process as in a CI pipeline rendering its releases. Timed from the first
// process started to the last one done; CPU is the processes' user + system time (the shell's
// `times`), peak RSS the largest one's (GNU time, when installed).
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { RESULT_PREFIX, WorkerResult, workerArgs } from '../common';
import { helmBinary, helmCommands, helmEnv, helmReleases } from '../helm-releases';

const { layout, n, out } = workerArgs();
const helm = helmBinary();
if (!helm) throw new Error('helm not found: run `npm run bench:helm` (builds it into bench/.tools/bin) or set BENCH_HELM');
fs.mkdirSync(out, { recursive: true });
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-helm-'));
try {
  const t0 = process.hrtime.bigint();
  const releases = helmReleases(layout, n);
  const rssLog = fs.existsSync('/usr/bin/time') ? path.join(work, 'rss.log') : undefined;
  const commands = helmCommands(helm, releases, work, out, rssLog);
  const script = path.join(work, 'render.sh');
  fs.writeFileSync(script, ['set -e', ...commands, 'times'].join('\n') + '\n');
  const t1 = process.hrtime.bigint();
  const r = spawnSync('/bin/sh', [script], { env: helmEnv(path.join(work, 'home')), encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const t2 = process.hrtime.bigint();
  if (r.status !== 0) throw new Error(`helm template failed (exit ${r.status}): ${r.stderr.trim().split('\n').slice(-5).join(' | ')}`);
  // `times` prints the shell's own and then its children's user and system time: "0m1.234s 0m0.120s".
  const lines = r.stdout.trim().split('\n');
  const secs = (t: string) => { const m = /^(\d+)m([\d.]+)s$/.exec(t); return m ? Number(m[1]) * 60 + Number(m[2]) : NaN; };
  const [cu, cs] = lines[lines.length - 1].trim().split(/\s+/).map(secs);
  const rss = rssLog && fs.existsSync(rssLog)
    ? Math.max(...fs.readFileSync(rssLog, 'utf8').split('\n').map(Number).filter((x) => Number.isFinite(x) && x > 0))
    : 0;
  const ms = (a: bigint, b: bigint) => Number(b - a) / 1e6;
  const result: WorkerResult = {
    requireMs: 0,
    constructMs: ms(t0, t1),
    synthMs: ms(t1, t2),
    wallMs: ms(t0, t2),
    sinceProcessStartMs: performance.now(),
    maxRssKiB: rss,
    cpuMs: (cu + cs) * 1000,
  };
  process.stdout.write(RESULT_PREFIX + JSON.stringify(result) + '\n');
} finally {
  fs.rmSync(work, { recursive: true, force: true });
}
