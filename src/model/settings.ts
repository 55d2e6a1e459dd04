import { IConstruct } from 'constructs';

/** Facts about the cluster, set once per app. Defaults match a stock Istio and kube-prometheus-stack. */
export interface ClusterSettingsProps {
  /**
   * Namespace of the cluster DNS pods.
   * @default 'kube-system'
   */
  readonly dnsNamespace?: string;
  /**
   * Labels of the cluster DNS pods (CoreDNS keeps the kube-dns label).
   * @default { 'k8s-app': 'kube-dns' }
   */
  readonly dnsPodLabels?: { [key: string]: string };
  /**
   * Istio trust domain, the first part of every SPIFFE principal.
   * @default 'cluster.local'
   */
  readonly trustDomain?: string;
  /**
   * Namespace of istiod.
   * @default 'istio-system'
   */
  readonly istiodNamespace?: string;
  /**
   * Labels of the istiod pods.
   * @default { app: 'istiod' }
   */
  readonly istiodPodLabels?: { [key: string]: string };
  /**
   * Namespace of the Prometheus pods that scrape workloads.
   * @default 'monitoring'
   */
  readonly prometheusNamespace?: string;
  /**
   * Labels of the Prometheus pods.
   * @default { 'app.kubernetes.io/name': 'prometheus' }
   */
  readonly prometheusPodLabels?: { [key: string]: string };
  /**
   * ServiceAccount of the Prometheus pods, their mesh identity when Prometheus runs in the mesh.
   * @default - Prometheus is not in the mesh
   */
  readonly prometheusServiceAccount?: string;
  /**
   * Labels the Prometheus instance selects ServiceMonitors, PodMonitors and PrometheusRules by.
   * @default { release: 'kube-prometheus-stack' }
   */
  readonly monitorSelectorLabels?: { [key: string]: string };
}

type Resolved = Required<Omit<ClusterSettingsProps, 'prometheusServiceAccount'>> & Pick<ClusterSettingsProps, 'prometheusServiceAccount'>;

const DEFAULTS: Resolved = {
  dnsNamespace: 'kube-system',
  dnsPodLabels: { 'k8s-app': 'kube-dns' },
  trustDomain: 'cluster.local',
  istiodNamespace: 'istio-system',
  istiodPodLabels: { app: 'istiod' },
  prometheusNamespace: 'monitoring',
  prometheusPodLabels: { 'app.kubernetes.io/name': 'prometheus' },
  prometheusServiceAccount: undefined,
  monitorSelectorLabels: { release: 'kube-prometheus-stack' },
};

const SETTINGS = Symbol.for('cdk8s-secure.settings');

/**
 * Cluster facts shared by every construct of an app. Read lazily at synth, so `apply` may come
 * before or after the constructs it affects.
 */
export class ClusterSettings {
  /** Sets the facts for the whole app that `scope` belongs to (merged over earlier calls). */
  public static apply(scope: IConstruct, props: ClusterSettingsProps): void {
    const root = scope.node.root as any;
    root[SETTINGS] = { ...(root[SETTINGS] ?? DEFAULTS), ...ClusterSettings.defined(props) };
  }

  /** The facts in force for `scope`'s app. */
  public static of(scope: IConstruct): Resolved {
    return (scope.node.root as any)[SETTINGS] ?? DEFAULTS;
  }

  private static defined(props: ClusterSettingsProps): Partial<Resolved> {
    return Object.fromEntries(Object.entries(props).filter(([, v]) => v !== undefined));
  }
}
