import { checkDuration } from './duration';

/** Thresholds of one alert. */
export interface AlertOptions {
  /**
   * Whether the alert is emitted.
   * @default true (for error rate and latency: when `requestMetrics` names the metrics)
   */
  readonly enabled?: boolean;
  /**
   * How long the condition must hold before the alert fires.
   * @default per alert: targetDown 5m, unavailableReplicas 10m, crashLooping 5m, errorRate 10m, latency 10m
   */
  readonly for?: string;
  /**
   * `severity` label.
   * @default 'critical' for targetDown and errorRate, else 'warning'
   */
  readonly severity?: string;
  /**
   * The threshold: restarts per 15 minutes (crashLooping), error ratio 0-1 (errorRate), seconds
   * (latency); unused by the others.
   * @default crashLooping 3, errorRate 0.05, latency 0.5
   */
  readonly threshold?: number;
  /**
   * `runbook_url` annotation.
   * @default - `<runbookBaseUrl>/<AlertName>`, or the kube-prometheus runbook for standard alerts
   */
  readonly runbookUrl?: string;
}

/** The request metrics the app exports, for error-rate and latency alerts. */
export interface RequestMetrics {
  /** Counter of all requests, e.g. `http_requests_total`. */
  readonly totalCounter: string;
  /**
   * Label matchers that select failed requests from `totalCounter`.
   * @default 'code=~"5.."'
   */
  readonly errorMatchers?: string;
  /**
   * Histogram of request durations in seconds (without `_bucket`), e.g. `http_request_duration_seconds`.
   * @default - no latency alert
   */
  readonly durationHistogram?: string;
  /**
   * Latency quantile to alert on.
   * @default 0.99
   */
  readonly latencyQuantile?: number;
}

/** Alerts of a MonitoredService. */
export interface AlertingOptions {
  /**
   * Emit a PrometheusRule at all.
   * @default true
   */
  readonly enabled?: boolean;
  /**
   * Extra labels on every alert (e.g. `team`), for Alertmanager routing.
   * @default - none
   */
  readonly labels?: { [key: string]: string };
  /**
   * The app's request metrics; enables the error-rate and latency alerts.
   * @default - no error-rate or latency alerts
   */
  readonly requestMetrics?: RequestMetrics;
  /**
   * Scrape target down.
   * @default - on, 5m, critical
   */
  readonly targetDown?: AlertOptions;
  /**
   * Fewer available replicas than desired.
   * @default - on, 10m, warning
   */
  readonly unavailableReplicas?: AlertOptions;
  /**
   * Containers restarting repeatedly.
   * @default - on, more than 3 restarts in 15m, for 5m, warning
   */
  readonly crashLooping?: AlertOptions;
  /**
   * Share of failed requests.
   * @default - with requestMetrics: above 5% for 10m, critical
   */
  readonly errorRate?: AlertOptions;
  /**
   * Request latency quantile.
   * @default - with a durationHistogram: p99 above 0.5s for 10m, warning
   */
  readonly latency?: AlertOptions;
}

/** What the alerts are about. */
export interface AlertTarget {
  readonly alertPrefix: string;
  readonly namespace: string;
  readonly deployment: string;
  /** The `job` label Prometheus gives the scraped targets. */
  readonly job: string;
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const KUBE_PROMETHEUS_RUNBOOKS = 'https://runbooks.prometheus-operator.dev/runbooks';

/**
 * The alert rules of a service, as plain PrometheusRule rules, and the problems with the options.
 * Expressions select the service by namespace and job (its own metrics) or by deployment and
 * pod-name prefix (kube-state-metrics), so they never match another app.
 */
export function alertRules(t: AlertTarget, o: AlertingOptions, runbookBaseUrl: string | undefined): { rules: any[]; problems: string[] } {
  const problems: string[] = [];
  const rules: any[] = [];
  const sel = `namespace="${t.namespace}", job="${t.job}"`;
  const pods = `namespace="${t.namespace}", pod=~"${t.deployment}-[a-z0-9]+-[a-z0-9]+"`;
  const rm = o.requestMetrics;
  const add = (key: keyof AlertingOptions, name: string, defaults: { for: string; severity: string; threshold?: number; standardRunbook?: string },
    expr: (threshold: number) => string, summary: string, description: (threshold: number) => string, onByDefault = true) => {
    const a = (o[key] ?? {}) as AlertOptions;
    if (!(a.enabled ?? onByDefault)) return;
    const alert = `${t.alertPrefix}${name}`;
    const threshold = a.threshold ?? defaults.threshold ?? 0;
    const forDuration = a.for ?? defaults.for;
    const bad = checkDuration(`alerting.${key}.for`, forDuration);
    if (bad) problems.push(bad);
    if (a.threshold !== undefined && (!Number.isFinite(a.threshold) || a.threshold < 0 || (key === 'errorRate' && a.threshold > 1))) {
      problems.push(`alerting.${key}.threshold ${a.threshold} is out of range. Fix: ${key === 'errorRate' ? 'use a ratio from 0 to 1, e.g. 0.05 for 5%' : 'use a number >= 0'}.`);
    }
    const runbook = a.runbookUrl ?? (runbookBaseUrl ? `${runbookBaseUrl.replace(/\/+$/, '')}/${alert}` : defaults.standardRunbook && `${KUBE_PROMETHEUS_RUNBOOKS}/${defaults.standardRunbook}`);
    if (!runbook) {
      problems.push(`alert ${alert} has no runbook. Fix: set alerting.${key}.runbookUrl, or runbookBaseUrl in ClusterSettings.`);
    }
    rules.push({
      alert,
      expr: expr(threshold),
      for: forDuration,
      labels: { severity: a.severity ?? defaults.severity, namespace: t.namespace, ...o.labels },
      annotations: { summary, description: description(threshold), runbook_url: runbook ?? '' },
    });
  };

  add('targetDown', 'TargetDown', { for: '5m', severity: 'critical', standardRunbook: 'general/targetdown' },
    () => `up{${sel}} == 0`,
    `${t.job} in ${t.namespace} cannot be scraped`,
    () => `Prometheus has failed to scrape {{ $labels.instance }} of ${t.namespace}/${t.job}: the pod is down or its metrics endpoint does not answer.`);
  add('unavailableReplicas', 'ReplicasUnavailable', { for: '10m', severity: 'warning', standardRunbook: 'kubernetes/kubedeploymentreplicasmismatch' },
    () => `kube_deployment_status_replicas_available{namespace="${t.namespace}", deployment="${t.deployment}"} < kube_deployment_spec_replicas{namespace="${t.namespace}", deployment="${t.deployment}"}`,
    `${t.namespace}/${t.deployment} has fewer available replicas than desired`,
    () => `Deployment ${t.namespace}/${t.deployment} has run with unavailable replicas for longer than expected.`);
  add('crashLooping', 'CrashLooping', { for: '5m', severity: 'warning', threshold: 3, standardRunbook: 'kubernetes/kubepodcrashlooping' },
    (n) => `increase(kube_pod_container_status_restarts_total{${pods}}[15m]) > ${n}`,
    `${t.namespace}/${t.deployment} is restarting repeatedly`,
    (n) => `Container {{ $labels.container }} of pod {{ $labels.pod }} restarted more than ${n} times in 15 minutes.`);

  if ((o.errorRate?.enabled || o.latency?.enabled) && !rm) {
    problems.push('alerting.errorRate and alerting.latency need the request metrics. Fix: set alerting.requestMetrics (e.g. { totalCounter: "http_requests_total", durationHistogram: "http_request_duration_seconds" }).');
  }
  if (rm) {
    for (const [what, name] of [['totalCounter', rm.totalCounter], ['durationHistogram', rm.durationHistogram]] as const) {
      if (name !== undefined && !METRIC_NAME.test(name)) problems.push(`alerting.requestMetrics.${what} "${name}" is not a metric name. Fix: use letters, digits, '_' and ':', e.g. "http_requests_total".`);
    }
    const errors = rm.errorMatchers ?? 'code=~"5.."';
    if (!/^\s*[a-zA-Z_][a-zA-Z0-9_]*\s*(=~|!~|!=|=)\s*"[^"]*"(\s*,\s*[a-zA-Z_][a-zA-Z0-9_]*\s*(=~|!~|!=|=)\s*"[^"]*")*\s*$/.test(errors)) {
      problems.push(`alerting.requestMetrics.errorMatchers '${errors}' is not a list of label matchers. Fix: write e.g. 'code=~"5.."' or 'status="error"'.`);
    }
    const q = rm.latencyQuantile ?? 0.99;
    if (!(q > 0 && q < 1)) problems.push(`alerting.requestMetrics.latencyQuantile ${q} must be between 0 and 1 (exclusive), e.g. 0.99.`);
    add('errorRate', 'ErrorRateHigh', { for: '10m', severity: 'critical', threshold: 0.05 },
      (r) => `sum(rate(${rm.totalCounter}{${sel}, ${errors}}[5m])) / sum(rate(${rm.totalCounter}{${sel}}[5m])) > ${r}`,
      `${t.namespace}/${t.job} fails too many requests`,
      (r) => `More than ${r * 100}% of requests to ${t.namespace}/${t.job} failed over the last 5 minutes.`);
    if (rm.durationHistogram) {
      add('latency', 'LatencyHigh', { for: '10m', severity: 'warning', threshold: 0.5 },
        (s) => `histogram_quantile(${q}, sum by (le) (rate(${rm.durationHistogram}_bucket{${sel}}[5m]))) > ${s}`,
        `${t.namespace}/${t.job} is slow`,
        (s) => `The p${Math.round(q * 1000) / 10} latency of ${t.namespace}/${t.job} is above ${s}s.`);
    } else if (o.latency?.enabled) {
      problems.push('alerting.latency needs a histogram. Fix: set alerting.requestMetrics.durationHistogram.');
    }
  }
  return { rules, problems };
}
