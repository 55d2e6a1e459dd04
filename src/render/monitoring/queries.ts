import type { RequestMetrics } from '../../model/alerting';

/** Requests that count as errors when `errorMatchers` is not given. */
export const DEFAULT_ERROR_MATCHERS = 'code=~"5.."';
/** The latency quantile when `latencyQuantile` is not given. */
export const DEFAULT_LATENCY_QUANTILE = 0.99;

/**
 * The PromQL series of one service, shared by its alerts and its dashboard so that both watch the
 * same thing: its own metrics by namespace and job, kube-state-metrics and cAdvisor by deployment
 * and pod-name prefix (so they never match another app).
 */
export function serviceQueries(t: { namespace: string; job: string; deployment: string }, rm: RequestMetrics | undefined) {
  const sel = `namespace="${t.namespace}", job="${t.job}"`;
  const quantile = rm?.latencyQuantile ?? DEFAULT_LATENCY_QUANTILE;
  const total = rm && `sum(rate(${rm.totalCounter}{${sel}}[5m]))`;
  return {
    /** Selects the service's own metrics. */
    sel,
    /** Selects the Deployment's pods. */
    pods: `namespace="${t.namespace}", pod=~"${t.deployment}-[a-z0-9]+-[a-z0-9]+"`,
    /** Requests per second. */
    requestRate: total,
    /** The share of requests that failed. */
    errorRatio: rm && `sum(rate(${rm.totalCounter}{${sel}, ${rm.errorMatchers ?? DEFAULT_ERROR_MATCHERS}}[5m])) / ${total}`,
    /** The latency at `quantile`, in seconds. */
    latency: rm?.durationHistogram && `histogram_quantile(${quantile}, sum by (le) (rate(${rm.durationHistogram}_bucket{${sel}}[5m])))`,
    /** The quantile as people write it, e.g. p99 or p99.9. */
    quantileName: `p${Math.round(quantile * 1000) / 10}`,
  };
}
