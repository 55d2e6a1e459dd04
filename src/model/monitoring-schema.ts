/**
 * The declared shape of MonitoredService's own props (metrics, alerting, dashboard, discovery
 * RBAC), for the JavaScript-boundary check: the SecureApp props are checked by SecureApp.
 */
import { bool, int, mapOf, num, obj, Schema, str } from '../core/prop-schema';

const ALERT = obj({ enabled: bool, for: str, severity: str, threshold: num, runbookUrl: str });

/** Fields MonitoredService adds to SecureApp's. */
export const MONITORED_SERVICE_FIELDS: { [name: string]: Schema } = {
  metrics: obj({ port: int(), portName: str, path: str, interval: str, scrapeTimeout: str, scheme: str, usePodMonitor: bool }),
  alerting: obj({
    enabled: bool,
    labels: mapOf(str),
    requestMetrics: obj({ totalCounter: str, errorMatchers: str, durationHistogram: str, latencyQuantile: num }, ['totalCounter']),
    targetDown: ALERT, unavailableReplicas: ALERT, crashLooping: ALERT, errorRate: ALERT, latency: ALERT,
  }),
  dashboard: bool,
  prometheusDiscoveryRbac: bool,
};
