// Shared by the bench workers: the workload definition, argument parsing, result reporting.
// Keep this module cheap to load: every worker requires it before its timed work starts.
import * as fs from 'fs';
import * as path from 'path';

/**
 * The layouts: A = all apps in one Chart; B = one Chart (and IsolatedNamespace) per 10 apps;
 * C = one Chart per app, all in namespace `bench`. Helm renders them as one release, a release
 * per namespace and a release per app.
 */
export type Layout = 'A' | 'B' | 'C';
export const LAYOUTS: readonly Layout[] = ['A', 'B', 'C'];

/**
 * What each of the N units is. `app`: the main workload, a SecureApp (every 5th a
 * MonitoredService), run in every layout against every variant. The others measure one kind
 * each, per object against the floor (one Chart by default): `statefulset` (SecureStatefulSet,
 * 3 replicas, one persistent dir), `daemonset` (SecureDaemonSet), `job` (SecureJob reaching a
 * database address block), `cronjob` (SecureCronJob, the same), `gateway` (SecureApp exposed
 * through a Gateway: an HTTPRoute each) and `host` (SecureApp with `allowToHost` on Cilium: a
 * CiliumNetworkPolicy each). Long-running kinds chain `allowFrom` like `app`.
 */
export type Workload = 'app' | 'statefulset' | 'daemonset' | 'job' | 'cronjob' | 'gateway' | 'host';
export const WORKLOADS: readonly Workload[] = ['app', 'statefulset', 'daemonset', 'job', 'cronjob', 'gateway', 'host'];
/** The gateway the `gateway` workload's apps are exposed through, and its pods. */
export const GATEWAY = { name: 'public', namespace: 'gateway', podLabels: { 'gateway.networking.k8s.io/gateway-name': 'public' } };
/** The address block (a database network) jobs reach, and its port. */
export const JOB_DB_CIDR = '10.20.0.0/16';
export const JOB_DB_PORT = 5432;
export const hostOf = (i: number): string => `api-${i}.example.com`;

/** Namespace of layout A's single chart. */
export const ONE_CHART_NAMESPACE = 'bench';
/** Chart id of layout A (so its file is `bench.k8s.yaml`). */
export const ONE_CHART_ID = 'bench';
/** Apps per group (allowFrom chain) and per namespace in layout B. */
export const GROUP = 10;
/** Every MONITOR_EVERY-th app is a MonitoredService. */
export const MONITOR_EVERY = 5;
export const APP_PORT = 8080;
export const METRICS_PORT = 9090;

/** Quota of every IsolatedNamespace in layout B: large enough for 10 apps (3 pods each with the surge pod). */
export const QUOTA: { [key: string]: string } = {
  'pods': '1000',
  'requests.cpu': '1000',
  'limits.cpu': '1000',
  'requests.memory': '1000Gi',
  'limits.memory': '1000Gi',
  'requests.ephemeral-storage': '1000Gi',
  'limits.ephemeral-storage': '1000Gi',
};

export const appName = (i: number): string => `app-${i}`;
export const appImage = (i: number): string => `ghcr.io/acme/app-${i}:1.0.0`;
export const isMonitored = (i: number): boolean => i % MONITOR_EVERY === 0;
/** App i `allowFrom` app i-1 within its group of 10. */
export const hasPrev = (i: number): boolean => i % GROUP !== 0;
export const hasNext = (i: number, n: number): boolean => (i + 1) % GROUP !== 0 && i + 1 < n;
/** Layout B: namespace (and chart id) of app i. */
export const namespaceOf = (i: number): string => `ns-${Math.floor(i / GROUP)}`;

/** The repository root (the directory whose package.json is cdk8s-secure), from source or build. */
export function repoRoot(): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const pkg = path.join(dir, 'package.json');
    if (fs.existsSync(pkg) && JSON.parse(fs.readFileSync(pkg, 'utf8')).name === 'cdk8s-secure') return dir;
    if (path.dirname(dir) === dir) throw new Error(`bench: no cdk8s-secure package.json above ${__dirname}`);
  }
}

/**
 * Path of the built library the workers load: the snapshot of lib/ the runner took (so a rebuild
 * by someone else in the middle of a run cannot mix versions), else lib/ itself.
 */
export function libPath(): string {
  return process.env.BENCH_LIB ?? path.join(repoRoot(), 'lib');
}

/** The built library (lib/index.js), typed from lib/index.d.ts. */
export function loadLib(): typeof import('../lib') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(libPath());
}

export interface WorkerArgs {
  readonly layout: Layout;
  readonly n: number;
  readonly out: string;
  readonly workload: Workload;
}

/** `node worker.js <A|B|C> <N> <outdir> [workload]` */
export function workerArgs(): WorkerArgs {
  const [layout, n, out, workload = 'app'] = process.argv.slice(2);
  if (!(LAYOUTS as readonly string[]).includes(layout) || !Number.isInteger(Number(n)) || Number(n) < 1 || !out || !(WORKLOADS as readonly string[]).includes(workload)) {
    throw new Error(`usage: node ${path.basename(process.argv[1])} <A|B|C> <N> <outdir> [${WORKLOADS.join('|')}] (got ${process.argv.slice(2).join(' ')})`);
  }
  return { layout: layout as Layout, n: Number(n), out, workload: workload as Workload };
}

/** What a worker reports: one JSON line on stdout, prefixed so the runner can find it. */
export interface WorkerResult {
  /** Script top to libraries loaded (ms). */
  readonly requireMs: number;
  /** Libraries loaded to the construct tree / objects built (ms). */
  readonly constructMs: number;
  /** Building done to files written (ms). */
  readonly synthMs: number;
  /** Script top to synth done (ms): the "wall" figure. */
  readonly wallMs: number;
  /** Process start (performance.timeOrigin) to synth done (ms): adds node's own bootstrap. */
  readonly sinceProcessStartMs: number;
  /** process.resourceUsage().maxRSS at exit, KiB. */
  readonly maxRssKiB: number;
  /**
   * User + system CPU time of the whole process at synth done (ms): less sensitive than wall time
   * to other processes competing for the cores, but includes GC helper threads.
   */
  readonly cpuMs: number;
  /**
   * User + system CPU time from libraries loaded to synth done (ms), when the worker marked it:
   * the work itself, without module loading (per-object costs are computed from it).
   */
  readonly workCpuMs?: number;
}

export const RESULT_PREFIX = 'BENCH-RESULT ';

const ms = (from: bigint, to: bigint) => Number(to - from) / 1e6;

/** Prints the worker result; marks are process.hrtime.bigint() values, `loadedCpu` process.cpuUsage() when loaded. */
export function report(t0: bigint, loaded: bigint, built: bigint, done: bigint, loadedCpu?: NodeJS.CpuUsage): void {
  const sinceProcessStartMs = performance.now();
  const usage = process.resourceUsage();
  const result: WorkerResult = {
    requireMs: ms(t0, loaded),
    constructMs: ms(loaded, built),
    synthMs: ms(built, done),
    wallMs: ms(t0, done),
    sinceProcessStartMs,
    maxRssKiB: usage.maxRSS,
    cpuMs: (usage.userCPUTime + usage.systemCPUTime) / 1000,
    workCpuMs: loadedCpu && (usage.userCPUTime + usage.systemCPUTime - loadedCpu.user - loadedCpu.system) / 1000,
  };
  process.stdout.write(RESULT_PREFIX + JSON.stringify(result) + '\n');
}
