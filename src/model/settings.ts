import { IConstruct } from 'constructs';
import { SecureConfigError, throwIfProblems } from '../core/errors';
import { DEFAULT_METADATA_CIDRS, parseCidr } from '../core/cidr';
import { checkDnsLabel, checkDnsSubdomain, checkLabels } from '../core/validate';
import { DEFAULT_ISTIO_VERSION, DEFAULT_KUBERNETES_VERSION, targetVersionProblems } from './target';
import { Cni } from './hosts';

/** Facts about the cluster, set once per app. Defaults match a stock Istio and kube-prometheus-stack. */
export interface ClusterSettingsProps {
  /**
   * Kubernetes minor the app targets (`1.<minor>`). It picks the Pod Security version namespaces
   * pin, which fields are emitted (`appArmorProfile` or its annotation, `hostUsers`, native
   * sidecars) and how the injected pod is modelled. The output is valid for this release and
   * every newer one; a feature this release lacks is a synth error.
   * @default '1.35' (the oldest supported Kubernetes release)
   */
  readonly kubernetesVersion?: string;
  /**
   * Istio release the app targets (`1.<minor>` or `1.<minor>.<patch>`): from 1.27 on a Kubernetes
   * of 1.29 or later, Istio injects `istio-proxy` as a native sidecar (an init container).
   * @default '1.27' (the first release that injects native sidecars, as every newer one does)
   */
  readonly istioVersion?: string;
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
   * ServiceAccount of the Prometheus pods: bound by the discovery RBAC, and their mesh identity
   * when `prometheusInMesh`.
   * @default 'kube-prometheus-stack-prometheus'
   */
  readonly prometheusServiceAccount?: string;
  /**
   * Whether Prometheus runs in the Istio mesh (and scrapes with mesh certificates). When false,
   * scrapes of meshed apps under STRICT mTLS get a port-level plain-text exception.
   * @default false
   */
  readonly prometheusInMesh?: boolean;
  /**
   * Base URL of your runbooks; alert `runbook_url` is `<base>/<AlertName>`.
   * @default - the kube-prometheus runbooks for the standard alerts; custom alerts need it
   */
  readonly runbookBaseUrl?: string;
  /**
   * Labels the Prometheus instance selects ServiceMonitors, PodMonitors and PrometheusRules by.
   * @default { release: 'kube-prometheus-stack' }
   */
  readonly monitorSelectorLabels?: { [key: string]: string };
  /**
   * The cluster's CNI plugin. `Cni.CILIUM` lets `allowToHost` write a CiliumNetworkPolicy that
   * allows egress by DNS name; with any other CNI a plain NetworkPolicy cannot match names.
   * @default Cni.GENERIC
   */
  readonly cni?: Cni;
  /**
   * Cloud-metadata blocks (instance metadata services that hand out node credentials). Every
   * NetworkPolicy and AuthorizationPolicy ipBlock that contains one gets it as an `except`, and a
   * peer inside one is refused.
   * @default ['169.254.169.254/32', 'fd00:ec2::254/128']
   */
  readonly metadataCidrs?: string[];
  /**
   * Refuse images referenced by tag alone in every app (an app's own `requireDigest` wins).
   * @default false
   */
  readonly requireDigest?: boolean;
}

/** Settings in force. */
export interface ResolvedClusterSettings {
  /** Kubernetes minor targeted, `1.<minor>`. */ readonly kubernetesVersion: string;
  /** Istio release targeted. */ readonly istioVersion: string;
  /** Namespace of the cluster DNS pods. */ readonly dnsNamespace: string;
  /** Labels of the cluster DNS pods. */ readonly dnsPodLabels: { [key: string]: string };
  /** Istio trust domain. */ readonly trustDomain: string;
  /** Namespace of istiod. */ readonly istiodNamespace: string;
  /** Labels of the istiod pods. */ readonly istiodPodLabels: { [key: string]: string };
  /** Namespace of the Prometheus pods. */ readonly prometheusNamespace: string;
  /** Labels of the Prometheus pods. */ readonly prometheusPodLabels: { [key: string]: string };
  /** ServiceAccount of the Prometheus pods. */ readonly prometheusServiceAccount: string;
  /** Whether Prometheus runs in the mesh. */ readonly prometheusInMesh: boolean;
  /** Base URL of the runbooks, if set. */ readonly runbookBaseUrl?: string;
  /** Labels Prometheus selects monitors and rules by. */ readonly monitorSelectorLabels: { [key: string]: string };
  /** Whether images must carry a digest. */ readonly requireDigest: boolean;
  /** The cluster's CNI plugin. */ readonly cni: Cni;
  /** Cloud-metadata blocks every ipBlock excepts. */ readonly metadataCidrs: string[];
}
type Resolved = Required<Omit<ClusterSettingsProps, 'runbookBaseUrl'>> & Pick<ClusterSettingsProps, 'runbookBaseUrl'>;

/** The defaults: a stock Istio and kube-prometheus-stack. */
export const CLUSTER_SETTINGS_DEFAULTS: ResolvedClusterSettings = Object.freeze({
  kubernetesVersion: DEFAULT_KUBERNETES_VERSION,
  istioVersion: DEFAULT_ISTIO_VERSION,
  dnsNamespace: 'kube-system',
  dnsPodLabels: Object.freeze({ 'k8s-app': 'kube-dns' }),
  trustDomain: 'cluster.local',
  istiodNamespace: 'istio-system',
  istiodPodLabels: Object.freeze({ app: 'istiod' }),
  prometheusNamespace: 'monitoring',
  prometheusPodLabels: Object.freeze({ 'app.kubernetes.io/name': 'prometheus' }),
  prometheusServiceAccount: 'kube-prometheus-stack-prometheus',
  prometheusInMesh: false,
  runbookBaseUrl: undefined,
  monitorSelectorLabels: Object.freeze({ release: 'kube-prometheus-stack' }),
  requireDigest: false,
  cni: Cni.GENERIC,
  metadataCidrs: DEFAULT_METADATA_CIDRS as string[],
});

const SETTINGS = Symbol.for('cdk8s-secure.settings');
const READ_BY = Symbol.for('cdk8s-secure.settings-read-by');

/** When a reader read the settings, for the message that refuses a later `apply`. */
const WHILE_BUILT = 'while it was built';
const AT_SYNTH = 'at synth';

/**
 * The settings in force for `scope`'s app, as every construct of this library reads them: the
 * one accessor, so there is one rule for a late `ClusterSettings.apply()`. Each read is recorded
 * on the app root with its reader; once a reader that is still in the tree has read them, `apply`
 * is refused with an error naming the first one (see docs/architecture.md, "Cluster settings").
 *
 * A construct reads at synth (from a `Lazy` or a validation) and passes no `building`. Only a
 * construct whose objects or errors depend on a setting reads while it is built, passing its own
 * path as `building`: it is not in the tree yet, and if it then fails it never will be, so its
 * read does not count against a later `apply`.
 */
export function readSettings(scope: IConstruct, building?: string): ResolvedClusterSettings {
  const root = scope.node.root as any;
  const readers: Map<string, string> = root[READ_BY] ??= new Map();
  const path = building ?? scope.node.path;
  // The first read of a path says when it happened; later ones change nothing.
  if (!readers.has(path)) readers.set(path, building !== undefined ? WHILE_BUILT : AT_SYNTH);
  return root[SETTINGS] ?? CLUSTER_SETTINGS_DEFAULTS;
}

/**
 * Cluster facts shared by every construct of an app. Apply them once, right after creating the
 * App: most constructs read them at synth, but monitoring objects read them when created.
 */
export class ClusterSettings {
  /** Sets the facts for the whole app that `scope` belongs to (merged over earlier calls). */
  public static apply(scope: IConstruct, props: ClusterSettingsProps): void {
    const root = scope.node.root as any;
    const reader = ClusterSettings.liveReader(scope.node.root, root[READ_BY]);
    if (reader !== undefined) {
      throw new SecureConfigError(scope.node.path || 'App', [`ClusterSettings.apply() came after ${reader.path} had already read the settings (${reader.when}), so it would be built with the old ones. Fix: call ClusterSettings.apply(app, …) right after \`new App()\`, before defining constructs.`]);
    }
    throwIfProblems(scope.node.path || 'App', ClusterSettings.problems(props));
    root[SETTINGS] = { ...(root[SETTINGS] ?? CLUSTER_SETTINGS_DEFAULTS), ...ClusterSettings.defined(props) };
  }

  /**
   * The facts in force for `scope`'s app, for code outside a construct (a test, a script): it
   * records no reader, so a later `apply` is still allowed and this value may then be stale.
   */
  public static of(scope: IConstruct): ResolvedClusterSettings {
    return (scope.node.root as any)[SETTINGS] ?? CLUSTER_SETTINGS_DEFAULTS;
  }

  /**
   * The facts, read while `reader` is being built (for a construct whose objects depend on
   * them): from now on a later `apply` is an error naming the reader.
   */
  public static readNow(reader: IConstruct | string, scope: IConstruct): ResolvedClusterSettings {
    return readSettings(scope, typeof reader === 'string' ? reader : reader.node.path);
  }

  /**
   * The first reader that exists in the tree. A reader that is not there failed during its
   * construction (MonitoredService reads the settings before it creates anything), so the app
   * holds nothing built with the old settings on its behalf.
   */
  private static liveReader(root: IConstruct, readers: ReadonlyMap<string, string> | undefined): { path: string; when: string } | undefined {
    for (const [path, when] of readers ?? []) {
      let node: IConstruct | undefined = root;
      if (path !== '') for (const id of path.split('/')) node = node?.node.tryFindChild(id);
      if (node !== undefined) return { path: path || 'App', when };
    }
    return undefined;
  }

  // Every policy peer and principal is built from these, so a bad one would be a bad manifest
  // everywhere, and an empty label set would admit every pod of the namespace.
  private static problems(p: ClusterSettingsProps): Array<string | undefined> {
    const namespaces = { dnsNamespace: p.dnsNamespace, istiodNamespace: p.istiodNamespace, prometheusNamespace: p.prometheusNamespace };
    const podLabels = { dnsPodLabels: p.dnsPodLabels, istiodPodLabels: p.istiodPodLabels, prometheusPodLabels: p.prometheusPodLabels, monitorSelectorLabels: p.monitorSelectorLabels };
    return [
      ...targetVersionProblems(p.kubernetesVersion, p.istioVersion),
      ...Object.entries(namespaces).map(([k, v]) => v === undefined ? undefined : checkDnsLabel(`ClusterSettings ${k}`, v)),
      ...Object.entries(podLabels).map(([k, v]) => v === undefined ? undefined : Object.keys(v).length === 0
        ? `ClusterSettings ${k} is empty, which selects every pod (or monitor). Fix: give the labels that pick out the right ones, or leave ${k} unset for the default.`
        : checkLabels(`ClusterSettings ${k}`, v)),
      p.trustDomain === undefined ? undefined : checkDnsSubdomain('ClusterSettings trustDomain', p.trustDomain),
      p.prometheusServiceAccount === undefined ? undefined : checkDnsSubdomain('ClusterSettings prometheusServiceAccount', p.prometheusServiceAccount),
      ...ClusterSettings.metadataProblems(p.metadataCidrs),
      p.runbookBaseUrl === undefined || /^https?:\/\/[^\s/]+\S*$/.test(p.runbookBaseUrl) ? undefined
        : `ClusterSettings runbookBaseUrl "${p.runbookBaseUrl}" is not an http(s) URL. Fix: e.g. "https://wiki.example.com/runbooks".`,
      p.cni === undefined || Object.values(Cni).includes(p.cni) ? undefined
        : `ClusterSettings cni "${p.cni}" is not a known CNI. Fix: use Cni.CILIUM or Cni.GENERIC (the default).`,
    ];
  }

  private static metadataProblems(list: unknown): string[] {
    if (list === undefined) return [];
    if (!Array.isArray(list) || list.length === 0) {
      return [`ClusterSettings metadataCidrs ${JSON.stringify(list)} must be a non-empty list of CIDR blocks; an empty list would let ipBlocks reach the metadata service. Fix: leave it unset for ${DEFAULT_METADATA_CIDRS.join(' and ')}, or list your cloud's blocks.`];
    }
    return list.flatMap((c) => typeof c === 'string' && parseCidr(c) ? [] : [`ClusterSettings metadataCidrs: ${JSON.stringify(c)} is not a CIDR block. Fix: write e.g. "169.254.169.254/32".`]);
  }

  private static defined(props: ClusterSettingsProps): Partial<Resolved> {
    return Object.fromEntries(Object.entries(props).filter(([, v]) => v !== undefined));
  }
}
