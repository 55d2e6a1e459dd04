// The bench workload as Helm releases of the chart in bench/helm: layout A is one release of all
// apps, B one release per namespace of 10 apps (owning its namespace objects), C one release per
// app. Values carry what a Helm user writes: name, image, monitored, and both sides of each
// allowed connection (prev accepts from, next sends to).
import * as fs from 'fs';
import * as path from 'path';
import {
  appImage, appName, GROUP, hasNext, hasPrev, isMonitored, Layout, namespaceOf, ONE_CHART_ID, ONE_CHART_NAMESPACE, repoRoot,
} from './common';

export interface HelmRelease {
  readonly release: string;
  readonly namespace: string;
  /** Output file, named as cdk8s names the chart's file. */
  readonly file: string;
  readonly values: { namespace: string; isolatedNamespace: boolean; apps: any[] };
}

function appValues(i: number, n: number): any {
  const v: any = { name: appName(i), image: appImage(i), version: '1.0.0', alertPrefix: `App${i}` };
  if (isMonitored(i)) v.monitored = true;
  if (hasPrev(i)) v.prev = appName(i - 1);
  if (hasNext(i, n)) v.next = appName(i + 1);
  return v;
}

export function helmReleases(layout: Layout, n: number): HelmRelease[] {
  const all = Array.from({ length: n }, (_, i) => i);
  if (layout === 'A') {
    return [{
      release: ONE_CHART_ID, namespace: ONE_CHART_NAMESPACE, file: `${ONE_CHART_ID}.k8s.yaml`,
      values: { namespace: ONE_CHART_NAMESPACE, isolatedNamespace: false, apps: all.map((i) => appValues(i, n)) },
    }];
  }
  if (layout === 'C') {
    return all.map((i) => ({
      release: appName(i), namespace: ONE_CHART_NAMESPACE, file: `${appName(i)}.k8s.yaml`,
      values: { namespace: ONE_CHART_NAMESPACE, isolatedNamespace: false, apps: [appValues(i, n)] },
    }));
  }
  const out: HelmRelease[] = [];
  for (let start = 0; start < n; start += GROUP) {
    const ns = namespaceOf(start);
    const apps = all.slice(start, Math.min(start + GROUP, n)).map((i) => appValues(i, n));
    out.push({ release: ns, namespace: ns, file: `${ns}.k8s.yaml`, values: { namespace: ns, isolatedNamespace: true, apps } });
  }
  return out;
}

export const HELM_CHART = (): string => path.join(repoRoot(), 'bench', 'helm');

/**
 * The Helm binary: $BENCH_HELM, else the one bench/install-helm.sh builds, else `helm` on PATH;
 * undefined when there is none (the bench then skips the Helm variant).
 */
export function helmBinary(): string | undefined {
  const candidates = [process.env.BENCH_HELM, path.join(repoRoot(), 'bench', '.tools', 'bin', 'helm')];
  for (const c of candidates) if (c && fs.existsSync(c)) return c;
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const p = path.join(dir, 'helm');
    if (dir && fs.existsSync(p)) return p;
  }
  return undefined;
}

/** Environment for hermetic `helm template` runs: its config, cache and data under `home`. */
export function helmEnv(home: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    HELM_CONFIG_HOME: path.join(home, 'config'), HELM_CACHE_HOME: path.join(home, 'cache'), HELM_DATA_HOME: path.join(home, 'data'),
  };
}

/** Writes each release's values file into `dir` and returns the shell commands rendering them into `out`. */
export function helmCommands(helm: string, releases: HelmRelease[], dir: string, out: string, rssLog?: string): string[] {
  const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  return releases.map((r) => {
    const values = path.join(dir, `${r.release}.values.json`);
    fs.writeFileSync(values, JSON.stringify(r.values));
    const timed = rssLog ? `/usr/bin/time -a -o ${q(rssLog)} -f %M ` : '';
    return `${timed}${q(helm)} template ${q(r.release)} ${q(HELM_CHART())} --namespace ${q(r.namespace)} -f ${q(values)} > ${q(path.join(out, r.file))}`;
  });
}
