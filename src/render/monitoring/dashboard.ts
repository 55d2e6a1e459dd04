import type { RequestMetrics } from '../../model/alerting';
import { serviceQueries } from './queries';

/** What a dashboard shows. */
export interface DashboardTarget {
  readonly title: string;
  readonly uid: string;
  readonly namespace: string;
  readonly deployment: string;
  readonly job: string;
  readonly container: string;
  readonly requestMetrics?: RequestMetrics;
}

/**
 * A Grafana dashboard of the golden signals: traffic, errors and latency from the app's own
 * request metrics (when named), saturation from cAdvisor, availability from `up` and
 * kube-state-metrics. Plain JSON model, schemaVersion 39, for the kube-prometheus-stack sidecar.
 */
export function goldenSignalsDashboard(t: DashboardTarget) {
  const q = serviceQueries(t, t.requestMetrics);
  // The app's container only: the charts are about the app, not the sidecar beside it.
  const pods = `${q.pods}, container="${t.container}"`;
  const sel = q.sel;
  const panels: Array<{ title: string; expr: string; unit: string }> = [];
  if (q.requestRate) panels.push({ title: 'Traffic (requests/s)', expr: q.requestRate, unit: 'reqps' });
  if (q.errorRatio) panels.push({ title: 'Errors (ratio)', expr: q.errorRatio, unit: 'percentunit' });
  if (q.latency) panels.push({ title: `Latency (${q.quantileName})`, expr: q.latency, unit: 's' });
  panels.push(
    { title: 'CPU (cores)', expr: `sum by (pod) (rate(container_cpu_usage_seconds_total{${pods}}[5m]))`, unit: 'short' },
    { title: 'Memory (working set)', expr: `sum by (pod) (container_memory_working_set_bytes{${pods}})`, unit: 'bytes' },
    { title: 'Targets up', expr: `sum(up{${sel}})`, unit: 'short' },
    { title: 'Available replicas', expr: `kube_deployment_status_replicas_available{namespace="${t.namespace}", deployment="${t.deployment}"}`, unit: 'short' },
    { title: 'Restarts (15m)', expr: `sum by (pod) (increase(kube_pod_container_status_restarts_total{${pods}}[15m]))`, unit: 'short' },
  );
  return {
    uid: t.uid,
    title: t.title,
    tags: ['cdk8s-secure', t.namespace],
    timezone: 'browser',
    schemaVersion: 39,
    time: { from: 'now-6h', to: 'now' },
    templating: { list: [{ name: 'datasource', type: 'datasource', query: 'prometheus' }] },
    panels: panels.map((p, i) => ({
      id: i + 1,
      type: 'timeseries',
      title: p.title,
      datasource: { type: 'prometheus', uid: '${datasource}' },
      gridPos: { x: (i % 2) * 12, y: Math.floor(i / 2) * 8, w: 12, h: 8 },
      fieldConfig: { defaults: { unit: p.unit }, overrides: [] },
      targets: [{ refId: 'A', expr: p.expr, datasource: { type: 'prometheus', uid: '${datasource}' } }],
    })),
  };
}
