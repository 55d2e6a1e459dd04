import { ApiObject, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { childPath, throwIfProblems } from './core/errors';
import { PeerAuthentication } from './imports/security.istio.io';
import {
  PodMonitor, PrometheusRule, PrometheusRuleSpecGroupsRulesExpr, ServiceMonitor, ServiceMonitorSpecEndpointsScheme,
} from './imports/monitoring.coreos.com';
import { MeshMode, MtlsMode } from './model/mesh';
import { placementOf } from './model/placement';
import { ClusterSettings } from './model/settings';
import { checkPortName, checkPortNumber } from './core/validate';
import type { AlertingOptions } from './model/alerting';
import { alertingProblems, alertRules } from './render/monitoring/alerts';
import { goldenSignalsDashboard } from './render/monitoring/dashboard';
import { checkDuration, parseDuration } from './core/duration';
import { Peer, Protocol, WorkloadPort } from './model/peer';
import { defaultPortName } from './core/defaults';
import type { SecureAppProps } from './model/app-props';
import { SecureApp } from './secure-app';
import { judgeWrittenObjects } from './written-objects';
import { MONITORED_SERVICE_FIELDS } from './model/monitoring-schema';
import { propsShapeProblems } from './model/pod-schema';

/** Where and how Prometheus scrapes the app. */
export interface MetricsOptions {
  /**
   * Container port serving metrics: the main port, one of `ports`, or a new port.
   * @default - the port named `portName`
   */
  readonly port?: number;
  /**
   * Name of the metrics port: an existing port's name, or the name of the new port.
   * @default 'metrics' (or the name of the existing port `port`)
   */
  readonly portName?: string;
  /**
   * HTTP path of the metrics.
   * @default '/metrics'
   */
  readonly path?: string;
  /**
   * Scrape interval.
   * @default '30s'
   */
  readonly interval?: string;
  /**
   * Scrape timeout; at most `interval`.
   * @default - Prometheus' default (10s, capped at the interval)
   */
  readonly scrapeTimeout?: string;
  /**
   * `http` or `https`.
   * @default 'http'
   */
  readonly scheme?: string;
  /**
   * Scrape the pods directly with a PodMonitor, keeping a new metrics port off the Service.
   * @default false (a ServiceMonitor)
   */
  readonly usePodMonitor?: boolean;
}

/** Properties of a MonitoredService: a SecureApp's, plus metrics and alerting. */
export interface MonitoredServiceProps extends SecureAppProps {
  /** How Prometheus scrapes the app. */
  readonly metrics: MetricsOptions;
  /**
   * Alert rules.
   * @default - target down, unavailable replicas and crash-looping alerts
   */
  readonly alerting?: AlertingOptions;
  /**
   * A Grafana dashboard ConfigMap (label `grafana_dashboard: "1"`) of the golden signals.
   * @default false
   */
  readonly dashboard?: boolean;
  /**
   * A Role and RoleBinding letting Prometheus discover targets in this namespace (for
   * kube-prometheus setups whose Prometheus has no cluster-wide read access).
   * @default false
   */
  readonly prometheusDiscoveryRbac?: boolean;
}

/**
 * A SecureApp that Prometheus Operator scrapes and alerts on: a ServiceMonitor (or PodMonitor)
 * for exactly its metrics port, ingress to that port from the Prometheus pods only, a
 * plain-text exception for that port alone when STRICT mTLS would block the scrape, a
 * PrometheusRule, and optionally a dashboard and discovery RBAC.
 */
export class MonitoredService extends SecureApp {
  /** The metrics port. */
  public readonly metricsPort: WorkloadPort;
  /** The ServiceMonitor (unless `usePodMonitor`). */
  public readonly serviceMonitor?: ApiObject;
  /** The PodMonitor (with `usePodMonitor`). */
  public readonly podMonitor?: ApiObject;
  /** The PrometheusRule, unless alerting is disabled. */
  public readonly prometheusRule?: ApiObject;
  /** The dashboard ConfigMap, with `dashboard`. */
  public readonly dashboard?: ApiObject;
  /** The port-level PERMISSIVE exception for the metrics port, when STRICT mTLS needs one. */
  public readonly metricsPeerAuthentication?: ApiObject;

  constructor(scope: Construct, id: string, props: MonitoredServiceProps) {
    const plan = MonitoredService.plan(scope, id, props);
    super(scope, id, plan.props);
    const m = props.metrics;
    const settings = plan.settings;
    this.metricsPort = this.ports.find((p) => p.name === plan.portName)!;
    const namespace = this.namespace ?? 'default';
    const metadata = { name: this.name, namespace: this.namespace, labels: { ...this.labels, ...settings.monitorSelectorLabels } };
    const endpoint = {
      port: this.metricsPort.name,
      path: m.path ?? '/metrics',
      interval: m.interval ?? '30s',
      scrapeTimeout: m.scrapeTimeout,
      scheme: m.scheme as ServiceMonitorSpecEndpointsScheme | undefined,
    };
    if (m.usePodMonitor) {
      this.podMonitor = new PodMonitor(this, 'PodMonitor', {
        metadata,
        spec: {
          selector: { matchLabels: { ...this.selector } },
          namespaceSelector: { matchNames: [namespace] },
          podMetricsEndpoints: [endpoint as any],
        },
      });
    } else {
      this.serviceMonitor = new ServiceMonitor(this, 'ServiceMonitor', {
        metadata,
        spec: {
          // The app's Service is the only Service carrying its instance label.
          selector: { matchLabels: { ...this.selector } },
          namespaceSelector: { matchNames: [namespace] },
          endpoints: [endpoint],
        },
      });
    }

    // Scrapes come from the Prometheus pods only, to the metrics port only.
    this.allowFrom(Peer.pods(settings.prometheusNamespace, settings.prometheusPodLabels,
      settings.prometheusInMesh ? { serviceAccount: settings.prometheusServiceAccount } : {}), { port: this.metricsPort.port });
    if (plan.plainTextScrape) {
      this._intents.allowPlainText(this.metricsPort.port);
      this.metricsPeerAuthentication = new PeerAuthentication(this, 'MetricsPeerAuthentication', {
        metadata: { name: `${this.name}-metrics`, namespace: this.namespace, labels: this.labels },
        spec: {
          selector: { matchLabels: { ...this.selector } },
          mtls: { mode: MtlsMode.STRICT as any },
          portLevelMtls: { [String(this.metricsPort.port)]: { mode: 'PERMISSIVE' as any } },
        },
      });
    }

    // Prometheus names a ServiceMonitor's targets' job after the Service, a PodMonitor's after itself.
    const job = m.usePodMonitor ? `${namespace}/${this.name}` : this.serviceName;
    const rules = alertRules({ alertPrefix: alertPrefix(props.appName ?? id), namespace, deployment: this.name, job }, props.alerting ?? {}, settings.runbookBaseUrl);
    if (rules.length) {
      this.prometheusRule = new PrometheusRule(this, 'PrometheusRule', {
        metadata,
        spec: {
          groups: [{
            name: `${namespace}.${this.name}`,
            rules: rules.map((r) => ({ ...r, expr: PrometheusRuleSpecGroupsRulesExpr.fromString(r.expr) })),
          }],
        },
      });
    }
    if (props.dashboard) {
      const dashboard = goldenSignalsDashboard({
        title: `${namespace} / ${this.name}`,
        uid: `${namespace}-${this.name}`.slice(0, 40),
        namespace,
        deployment: this.name,
        job,
        container: 'app',
        requestMetrics: props.alerting?.requestMetrics,
      });
      this.dashboard = new ApiObject(this, 'Dashboard', {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: `${this.name}-dashboard`, namespace: this.namespace, labels: { ...this.labels, grafana_dashboard: '1' } },
        data: { [`${this.name}.json`]: JSON.stringify(dashboard, null, 2) },
      });
    }
    if (props.prometheusDiscoveryRbac) MonitoredService.discoveryRbac(this, namespace, settings);
  }

  /** Checks the options and derives the SecureApp props, before anything is created. */
  private static plan(scope: Construct, id: string, props: MonitoredServiceProps) {
    const path = childPath(scope, id);
    const m = props?.metrics;
    const settings = ClusterSettings.readNow(path, scope);
    const placement = placementOf(scope);
    const problems: Array<string | undefined> = [];
    // SecureApp's own problems with the props join ours, so one error lists everything.
    const fail = (ours: Array<string | undefined>) => throwIfProblems(path, [...SecureApp._inputProblems(scope, id, props), ...ours]);
    if (!m) fail(['metrics is missing. Fix: set metrics: { port: <metrics container port> }.']);
    // Types first, so the checks below read the options as declared.
    const shape = propsShapeProblems(props, MONITORED_SERVICE_FIELDS);
    if (shape.length > 0) fail(shape);
    const declared = [
      ...(props.port !== undefined ? [{ name: props.portName ?? defaultPortName(props.port), port: props.port, main: true }] : []),
      ...(props.ports ?? []).map((p) => ({ name: p.name, port: p.port, main: false })),
    ];
    const byName = m.portName !== undefined ? declared.find((p) => p.name === m.portName) : undefined;
    const byPort = m.port !== undefined ? declared.find((p) => p.port === m.port) : undefined;
    const existing = byName ?? byPort;
    if (m.port === undefined && m.portName === undefined) {
      problems.push('metrics needs a port. Fix: set metrics.port (a container port) or metrics.portName (the name of one of the app\'s ports).');
    } else if (m.port === undefined && !byName) {
      problems.push(`metrics.portName "${m.portName}" is not a port of this app (${declared.map((p) => p.name).join(', ') || 'it has none'}). Fix: name one of its ports, or also set metrics.port to add a metrics port.`);
    } else if (byName && m.port !== undefined && byName.port !== m.port) {
      problems.push(`metrics.portName "${m.portName}" is port ${byName.port}, not metrics.port ${m.port}. Fix: set one of them, or make them agree.`);
    } else if (byPort && m.portName !== undefined && byPort.name !== m.portName) {
      problems.push(`metrics.port ${m.port} is already declared as "${byPort.name}", not "${m.portName}". Fix: use portName "${byPort.name}" or drop it.`);
    }
    if (m.port !== undefined) problems.push(checkPortNumber('metrics.port', m.port));
    if (m.portName !== undefined && !existing) problems.push(checkPortName('metrics.portName', m.portName));
    const interval = m.interval ?? '30s';
    problems.push(checkDuration('metrics.interval', interval));
    if (m.scrapeTimeout !== undefined) {
      problems.push(checkDuration('metrics.scrapeTimeout', m.scrapeTimeout));
      const t = parseDuration(m.scrapeTimeout);
      const i = parseDuration(interval);
      if (t !== undefined && i !== undefined && t > i) {
        problems.push(`metrics.scrapeTimeout "${m.scrapeTimeout}" is longer than the interval "${interval}"; Prometheus Operator rejects that. Fix: make scrapeTimeout at most the interval.`);
      }
    }
    if (m.path !== undefined && !m.path.startsWith('/')) problems.push(`metrics.path "${m.path}" must start with '/'. Fix: e.g. "/metrics".`);
    if (m.scheme !== undefined && !['http', 'https'].includes(m.scheme)) problems.push(`metrics.scheme "${m.scheme}" is not http or https. Fix: use "https" when the app serves TLS on the metrics port, else leave it unset ("http").`);

    // Under STRICT mTLS a Prometheus outside the mesh can only scrape through a plain-text
    // exception for the metrics port; sharing that port with the app would expose the app too.
    const mesh = props.mesh === false ? undefined : placement.mesh;
    const plainTextScrape = !!mesh && mesh.mtls === MtlsMode.STRICT && !settings.prometheusInMesh;
    // The exception is by port number (Istio's portLevelMtls knows no protocol), so any other
    // port with that number, whatever its protocol, would be exposed with the metrics.
    const metricsNumber = existing?.port ?? m.port;
    const sharers = declared.filter((p) => p !== existing && p.port === metricsNumber);
    if (plainTextScrape && existing?.main) {
      problems.push(`metrics are served on the app's main port ${existing.port}, and STRICT mTLS would need a plain-text exception for that port, exposing the app itself. Fix: serve metrics on a separate port (metrics: { port: 9090 }), or run Prometheus in the mesh (ClusterSettings prometheusInMesh).`);
    } else if (plainTextScrape && sharers.length > 0) {
      const names = sharers.map((p) => `"${p.name}"${p.main ? ' (the main port)' : ''}`).join(', ');
      problems.push(`metrics port ${metricsNumber} is also port ${names} of the app, whatever its protocol; STRICT mTLS would need a plain-text exception for port ${metricsNumber}, exposing that port to any source. Fix: serve metrics on a port number nothing else uses (metrics: { port: 9090 }), or run Prometheus in the mesh (ClusterSettings prometheusInMesh).`);
    }
    if (plainTextScrape && mesh!.mode === MeshMode.AMBIENT) {
      problems.push('the namespace is in ambient mode with STRICT mTLS and Prometheus is not in the mesh, so it cannot scrape: this library opens port-level plain-text exceptions only for sidecars. Fix: enrol the Prometheus namespace in the mesh and set ClusterSettings prometheusInMesh: true (and prometheusServiceAccount), or use mtls: MtlsMode.PERMISSIVE.');
    }
    // The rules themselves need the final name; their options (and the request metrics the
    // dashboard reads, even with alerting off) are checked here, up front.
    problems.push(...alertingProblems(props.alerting ?? {}, alertPrefix(props.appName ?? id), settings.runbookBaseUrl));
    if (problems.some((p) => p !== undefined)) fail(problems);

    const portName = existing?.name ?? m.portName ?? 'metrics';
    const extraPort = existing ? [] : [{ name: portName, port: m.port!, protocol: Protocol.TCP, exposeOnService: !m.usePodMonitor }];
    return { props: { ...props, ports: [...(props.ports ?? []), ...extraPort] }, portName, settings, plainTextScrape };
  }

  // Namespaces that already have the discovery Role, per app: two charts applying the same
  // `<ns>/prometheus-discovery` would conflict. Keyed by the root, so no app-wide search is needed.
  private static readonly discoveryNamespaces = new WeakMap<object, Set<string>>();

  private static discoveryRbac(scope: MonitoredService, namespace: string, settings: ReturnType<typeof ClusterSettings.of>): void {
    const root = scope.node.root;
    let done = MonitoredService.discoveryNamespaces.get(root);
    if (!done) MonitoredService.discoveryNamespaces.set(root, done = new Set());
    if (done.has(namespace)) return;
    done.add(namespace);
    // In the chart of the first service that asks, which applies it along with that service.
    const holder = new Construct(Chart.of(scope), `PrometheusDiscovery-${namespace}`);
    judgeWrittenObjects(holder);
    const metadata = { name: 'prometheus-discovery', namespace, labels: { 'app.kubernetes.io/managed-by': 'cdk8s-secure' } };
    new ApiObject(holder, 'Role', {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata,
      // Read-only, and only what service discovery lists: no secrets, no writes.
      rules: [
        { apiGroups: [''], resources: ['services', 'endpoints', 'pods'], verbs: ['get', 'list', 'watch'] },
        { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: ['get', 'list', 'watch'] },
      ],
    });
    new ApiObject(holder, 'RoleBinding', {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata,
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'prometheus-discovery' },
      subjects: [{ kind: 'ServiceAccount', name: settings.prometheusServiceAccount, namespace: settings.prometheusNamespace }],
    });
  }
}

/** `checkout-api` → `CheckoutApi`, the prefix of the app's alert names. */
function alertPrefix(name: string): string {
  return name.split(/[^a-zA-Z0-9]+/).filter(Boolean).map((w) => w[0].toUpperCase() + w.slice(1)).join('');
}
