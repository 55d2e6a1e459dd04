import { checkDuration } from '../../core/duration';
import type { AlertingOptions, AlertOptions } from '../../model/alerting';
import { DEFAULT_ERROR_MATCHERS, DEFAULT_LATENCY_QUANTILE, serviceQueries } from './queries';


/** What the alerts are about. */
export interface AlertTarget {
  readonly alertPrefix: string;
  readonly namespace: string;
  readonly deployment: string;
  /** The `job` label Prometheus gives the scraped targets. */
  readonly job: string;
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
// Prometheus' (classic) label names; `__` names are reserved for its internal use.
const PROMETHEUS_LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const KUBE_PROMETHEUS_RUNBOOKS = 'https://runbooks.prometheus-operator.dev/runbooks';

type AlertKey = 'targetDown' | 'unavailableReplicas' | 'crashLooping' | 'errorRate' | 'latency';

/** Each alert's name suffix and defaults; no `threshold` means the alert takes none. */
const ALERTS: ReadonlyArray<{ key: AlertKey; name: string; for: string; severity: string; threshold?: number; standardRunbook?: string }> = [
  { key: 'targetDown', name: 'TargetDown', for: '5m', severity: 'critical', standardRunbook: 'general/targetdown' },
  { key: 'unavailableReplicas', name: 'ReplicasUnavailable', for: '10m', severity: 'warning', standardRunbook: 'kubernetes/kubedeploymentreplicasmismatch' },
  { key: 'crashLooping', name: 'CrashLooping', for: '5m', severity: 'warning', threshold: 3, standardRunbook: 'kubernetes/kubepodcrashlooping' },
  { key: 'errorRate', name: 'ErrorRateHigh', for: '10m', severity: 'critical', threshold: 0.05 },
  { key: 'latency', name: 'LatencyHigh', for: '10m', severity: 'warning', threshold: 0.5 },
];

// Labels every rule sets itself: one in alerting.labels would silently replace it (Prometheus
// itself overwrites `alertname`), so they are refused rather than given a precedence.
const RESERVED_LABELS: Record<string, string> = {
  severity: 'set alerting.<alert>.severity on each alert instead',
  namespace: 'drop it: every alert carries the namespace of the service',
  alertname: 'drop it: Prometheus sets alertname to the alert\'s name',
};

/** The alerts that are emitted: the standard ones unless disabled, the others only with the metrics they read. */
function emittedAlerts(o: AlertingOptions) {
  if (o.enabled === false) return [];
  return ALERTS.filter((d) => {
    if (d.key === 'errorRate' && !o.requestMetrics) return false;
    if (d.key === 'latency' && !o.requestMetrics?.durationHistogram) return false;
    return o[d.key]?.enabled ?? true;
  });
}

function runbookOf(a: AlertOptions, alert: string, runbookBaseUrl: string | undefined, standardRunbook: string | undefined): string | undefined {
  return a.runbookUrl ?? (runbookBaseUrl ? `${runbookBaseUrl.replace(/\/+$/, '')}/${alert}` : standardRunbook && `${KUBE_PROMETHEUS_RUNBOOKS}/${standardRunbook}`);
}

/**
 * The problems with alerting options, before anything is built. `requestMetrics` is checked even
 * with alerting disabled, because the dashboard reads it too.
 */
export function alertingProblems(o: AlertingOptions, alertPrefix: string, runbookBaseUrl: string | undefined): string[] {
  const problems: string[] = [];
  const rm = o.requestMetrics;
  if (rm) {
    for (const [what, name] of [['totalCounter', rm.totalCounter], ['durationHistogram', rm.durationHistogram]] as const) {
      if (name !== undefined && !METRIC_NAME.test(name)) problems.push(`alerting.requestMetrics.${what} "${name}" is not a metric name. Fix: use letters, digits, '_' and ':', e.g. "http_requests_total".`);
    }
    const errors = rm.errorMatchers ?? DEFAULT_ERROR_MATCHERS;
    if (!/^\s*[a-zA-Z_][a-zA-Z0-9_]*\s*(=~|!~|!=|=)\s*"[^"]*"(\s*,\s*[a-zA-Z_][a-zA-Z0-9_]*\s*(=~|!~|!=|=)\s*"[^"]*")*\s*$/.test(errors)) {
      problems.push(`alerting.requestMetrics.errorMatchers '${errors}' is not a list of label matchers. Fix: write e.g. 'code=~"5.."' or 'status="error"'.`);
    }
    const q = rm.latencyQuantile ?? DEFAULT_LATENCY_QUANTILE;
    if (!(q > 0 && q < 1)) problems.push(`alerting.requestMetrics.latencyQuantile ${q} is not between 0 and 1 (exclusive). Fix: use a quantile such as 0.99 for p99 or 0.95 for p95.`);
  }
  if (o.enabled === false) return problems;

  for (const [key, value] of Object.entries(o.labels ?? {})) {
    if (key in RESERVED_LABELS) {
      problems.push(`alerting.labels.${key} "${value}" would override the ${key} label the rules set themselves. Fix: ${RESERVED_LABELS[key]}.`);
    } else if (!PROMETHEUS_LABEL_NAME.test(key) || key.startsWith('__')) {
      problems.push(`alerting.labels key "${key}" is not a Prometheus label name. Fix: use letters, digits and '_', not starting with a digit or '__', e.g. "${key.replace(/[^a-zA-Z0-9_]+/g, '_').replace(/^[^a-zA-Z]+/, '') || 'team'}".`);
    } else if (typeof value !== 'string' || value === '') {
      problems.push(`alerting.labels.${key} ${JSON.stringify(value)} is not a non-empty string; Prometheus drops empty labels. Fix: give it a string value, or remove it.`);
    }
  }
  for (const d of ALERTS) {
    const given = o[d.key]?.threshold;
    if (given !== undefined && d.threshold === undefined) {
      problems.push(`alerting.${d.key}.threshold ${given} has no effect: ${alertPrefix}${d.name} takes no threshold. Fix: remove it; to make the alert less eager, raise alerting.${d.key}.for instead.`);
    }
  }
  if ((o.errorRate?.enabled || o.latency?.enabled) && !rm) {
    problems.push('alerting.errorRate and alerting.latency need the request metrics. Fix: set alerting.requestMetrics (e.g. { totalCounter: "http_requests_total", durationHistogram: "http_request_duration_seconds" }).');
  } else if (rm && !rm.durationHistogram && o.latency?.enabled) {
    problems.push('alerting.latency needs a histogram. Fix: set alerting.requestMetrics.durationHistogram.');
  }
  for (const d of emittedAlerts(o)) {
    const a = o[d.key] ?? {};
    const bad = checkDuration(`alerting.${d.key}.for`, a.for ?? d.for);
    if (bad) problems.push(bad);
    if (a.threshold !== undefined && (!Number.isFinite(a.threshold) || a.threshold < 0 || (d.key === 'errorRate' && a.threshold > 1))) {
      problems.push(`alerting.${d.key}.threshold ${a.threshold} is out of range. Fix: ${d.key === 'errorRate' ? 'use a ratio from 0 to 1, e.g. 0.05 for 5%' : 'use a number >= 0'}.`);
    }
    const alert = `${alertPrefix}${d.name}`;
    if (!runbookOf(a, alert, runbookBaseUrl, d.standardRunbook)) {
      problems.push(`alert ${alert} has no runbook. Fix: set alerting.${d.key}.runbookUrl, or runbookBaseUrl in ClusterSettings.`);
    }
  }
  return problems;
}

/**
 * The alert rules of a service, as plain PrometheusRule rules (none when alerting is disabled),
 * from options that `alertingProblems` found no problem with. Expressions select the service by
 * namespace and job (its own metrics) or by deployment and pod-name prefix (kube-state-metrics),
 * so they never match another app.
 */
export interface AlertRule {
  readonly alert: string;
  readonly expr: string;
  readonly for: string;
  readonly labels: { readonly [name: string]: string };
  readonly annotations: { readonly summary: string; readonly description: string; readonly runbook_url: string };
}

export function alertRules(t: AlertTarget, o: AlertingOptions, runbookBaseUrl: string | undefined): AlertRule[] {
  // errorRate and latency are emitted only with the request metrics they read (emittedAlerts).
  const { sel, pods, errorRatio, latency, quantileName } = serviceQueries(t, o.requestMetrics);
  const texts: Record<AlertKey, { expr: (n: number) => string; summary: string; description: (n: number) => string }> = {
    targetDown: {
      expr: () => `up{${sel}} == 0`,
      summary: `${t.job} in ${t.namespace} cannot be scraped`,
      description: () => `Prometheus has failed to scrape {{ $labels.instance }} of ${t.namespace}/${t.job}: the pod is down or its metrics endpoint does not answer.`,
    },
    unavailableReplicas: {
      expr: () => `kube_deployment_status_replicas_available{namespace="${t.namespace}", deployment="${t.deployment}"} < kube_deployment_spec_replicas{namespace="${t.namespace}", deployment="${t.deployment}"}`,
      summary: `${t.namespace}/${t.deployment} has fewer available replicas than desired`,
      description: () => `Deployment ${t.namespace}/${t.deployment} has run with unavailable replicas for longer than expected.`,
    },
    crashLooping: {
      expr: (n) => `increase(kube_pod_container_status_restarts_total{${pods}}[15m]) > ${n}`,
      summary: `${t.namespace}/${t.deployment} is restarting repeatedly`,
      description: (n) => `Container {{ $labels.container }} of pod {{ $labels.pod }} restarted more than ${n} times in 15 minutes.`,
    },
    errorRate: {
      expr: (r) => `${errorRatio} > ${r}`,
      summary: `${t.namespace}/${t.job} fails too many requests`,
      description: (r) => `More than ${r * 100}% of requests to ${t.namespace}/${t.job} failed over the last 5 minutes.`,
    },
    latency: {
      expr: (s) => `${latency} > ${s}`,
      summary: `${t.namespace}/${t.job} is slow`,
      description: (s) => `The ${quantileName} latency of ${t.namespace}/${t.job} is above ${s}s.`,
    },
  };
  return emittedAlerts(o).map((d) => {
    const a = o[d.key] ?? {};
    const alert = `${t.alertPrefix}${d.name}`;
    const threshold = a.threshold ?? d.threshold ?? 0;
    return {
      alert,
      expr: texts[d.key].expr(threshold),
      for: a.for ?? d.for,
      labels: { severity: a.severity ?? d.severity, namespace: t.namespace, ...o.labels },
      annotations: { summary: texts[d.key].summary, description: texts[d.key].description(threshold), runbook_url: runbookOf(a, alert, runbookBaseUrl, d.standardRunbook) ?? '' },
    };
  });
}
