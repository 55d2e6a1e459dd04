// The options of a MonitoredService's alerts: plain data the monitoring renderer reads.

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
   * (latency). targetDown and unavailableReplicas take none: setting it there is an error.
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
   * Extra labels on every alert (e.g. `team`), for Alertmanager routing: Prometheus label names.
   * `severity`, `namespace` and `alertname` are set per alert and refused here.
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
