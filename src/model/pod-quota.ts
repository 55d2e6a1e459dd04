import { parseQuantity } from '../core/validate';
import { formatQuotaValue } from './quota';

/** One container of a pod, for what the pod claims from its namespace's quota. */
export interface QuotaContainer {
  /** `init` runs to completion; `sidecar` is a native sidecar (an init container that keeps running); `main` is in `containers`. */
  readonly role: 'init' | 'sidecar' | 'main';
  /** Its requests and limits, by quota key (`requests.cpu`, `limits.memory`…). */
  readonly keys: { readonly [quotaKey: string]: string };
}

/**
 * What one pod claims, by quota key, counted as the scheduler and the quota admission count it
 * (the pod's effective request, KEP-753): the larger of the init phase and the running phase.
 * Init containers run one at a time, each beside the sidecars declared before it; then every
 * main container runs beside every sidecar:
 *
 *   max( max over init containers i of (i + sidecars before i), sum(main) + sum(sidecars) )
 *
 * Limits are counted the same way. `containers` are in pod order (init containers and sidecars as
 * `initContainers` lists them).
 */
export function effectivePodQuota(containers: readonly QuotaContainer[]): { [quotaKey: string]: string } {
  const keys = [...new Set(containers.flatMap((c) => Object.keys(c.keys)))];
  const out: { [quotaKey: string]: string } = {};
  for (const key of keys) {
    let sidecars = 0;
    let initPeak = 0;
    let main = 0;
    for (const c of containers) {
      const q = c.keys[key] !== undefined ? parseQuantity(c.keys[key]) ?? 0 : 0;
      if (c.role === 'sidecar') sidecars += q;
      else if (c.role === 'init') initPeak = Math.max(initPeak, q + sidecars);
      else main += q;
    }
    out[key] = formatQuotaValue(key, Math.max(initPeak, main + sidecars), containers.map((c) => c.keys[key]).filter((q): q is string => q !== undefined));
  }
  return out;
}

/**
 * What one pod claims with Istio's proxy where the injector puts it (render/mesh/injection.ts):
 * a native proxy before every user init container, else a regular container beside the app.
 */
export function injectedPodQuota(
  main: { readonly [quotaKey: string]: string },
  side: readonly QuotaContainer[],
  proxy: { readonly keys: { readonly [quotaKey: string]: string }; readonly native: boolean } | undefined,
): { [quotaKey: string]: string } {
  return effectivePodQuota([
    ...(proxy?.native ? [{ role: 'sidecar' as const, keys: proxy.keys }] : []),
    ...side,
    { role: 'main', keys: main },
    ...(proxy && !proxy.native ? [{ role: 'main' as const, keys: proxy.keys }] : []),
  ]);
}
