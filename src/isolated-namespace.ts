import { ApiObject, Chart, JsonPatch, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { quotaEntryProblem, quotaProblems } from './model/quota';
import { arrayOf, bool, mapOf, obj, Schema, str } from './core/prop-schema';
import { propsShapeProblems } from './model/pod-schema';
import { childPath, throwIfProblems } from './core/errors';
import { reservedKeyProblems } from './core/reserved-keys';
import { checkIdentities } from './identity';
import { openWaitingForeignSides } from './foreign-peers';
import { judgeWrittenObjects } from './written-objects';
import { registerIsolatedNamespace } from './model/isolated-registry';
import { IPlacedWorkload, Placement, PodSecurityLevel, providePlacement, TARGET_KUBERNETES_VERSION } from './model/placement';
import { aboveCeilings, checkDnsLabel, checkLabels, checkQuantity } from './core/validate';
import { dnsEgressRule } from './render/network/network-policy';
import { IPeer, IWorkload, PeerInfo, PeerKind } from './model/peer';
import { podSecurityMinor } from './checks/pod-security';
import { PeerAuthentication } from './imports/security.istio.io';
import { Mesh } from './model/mesh';
import { ClusterSettings } from './model/settings';
import { podSecurityVersionFor } from './model/target';

/** Who a RoleBinding grants a role to. */
export class RbacSubject {
  /** A group, as the cluster's authenticator names it. */
  public static group(name: string): RbacSubject {
    return new RbacSubject({ kind: 'Group', name, apiGroup: 'rbac.authorization.k8s.io' });
  }

  /** A user, as the cluster's authenticator names it. */
  public static user(name: string): RbacSubject {
    return new RbacSubject({ kind: 'User', name, apiGroup: 'rbac.authorization.k8s.io' });
  }

  /**
   * A ServiceAccount.
   * @param namespace default: the namespace the binding is in
   */
  public static serviceAccount(name: string, namespace?: string): RbacSubject {
    return new RbacSubject({ kind: 'ServiceAccount', name, namespace });
  }

  /**
   * The ServiceAccount of a workload of this library (its `serviceAccountName`, which need not be
   * its `name`), in the workload's namespace.
   */
  public static fromWorkload(workload: IWorkload): RbacSubject {
    return new RbacSubject({ kind: 'ServiceAccount', name: workload.serviceAccountName, namespace: workload.namespace });
  }

  private constructor(private readonly subject: { kind: string; name: string; apiGroup?: string; namespace?: string }) {}

  /** The RoleBinding subject, with a ServiceAccount's namespace defaulted to `namespace`. */
  public render(namespace: string): any {
    return this.subject.kind === 'ServiceAccount' ? { ...this.subject, namespace: this.subject.namespace ?? namespace } : { ...this.subject };
  }

  public problem(): string | undefined {
    if (this.subject.name !== undefined && typeof this.subject.name !== 'string') return `an RBAC ${this.subject.kind} name must be a string, got ${typeof this.subject.name}. Fix: pass the name as text.`;
    if (this.subject.namespace !== undefined && typeof this.subject.namespace !== 'string') return `an RBAC ServiceAccount namespace must be a string, got ${typeof this.subject.namespace}. Fix: pass the namespace as text.`;
    if (!this.subject.name) return `an RBAC ${this.subject.kind} has an empty name. Fix: name the subject.`;
    if (this.subject.kind === 'ServiceAccount') {
      return checkDnsLabel('ServiceAccount subject name', this.subject.name)
        ?? (this.subject.namespace !== undefined ? checkDnsLabel('ServiceAccount subject namespace', this.subject.namespace) : undefined);
    }
    if (this.subject.name.startsWith('system:')) {
      return `RBAC subject "${this.subject.name}" is a built-in system identity; granting it a role in a team namespace widens every cluster's attack surface. Fix: bind a named group or user.`;
    }
    return undefined;
  }
}

/** Default requests and limits for containers that set none, and a per-container ceiling. */
export interface LimitRangeSettings {
  /**
   * Requests given to containers that set none, by resource (cpu, memory, ephemeral-storage).
   * @default { cpu: '100m', memory: '128Mi', 'ephemeral-storage': '64Mi' }
   */
  readonly defaultRequest?: { [resource: string]: string };
  /**
   * Limits given to containers that set none.
   * @default { cpu: '500m', memory: '256Mi', 'ephemeral-storage': '256Mi' }
   */
  readonly defaultLimit?: { [resource: string]: string };
  /**
   * Most any one container may set as its limit.
   * @default { cpu: '2', memory: '4Gi', 'ephemeral-storage': '2Gi' }
   */
  readonly max?: { [resource: string]: string };
}

/** Properties of an IsolatedNamespace. */
export interface IsolatedNamespaceProps {
  /**
   * Namespace name (DNS-1123 label; not default or kube-*).
   * @default - the construct id
   */
  readonly name?: string;
  /**
   * Pod Security level enforced; apps inside are checked against it at synth.
   * @default PodSecurityLevel.RESTRICTED
   */
  readonly podSecurity?: PodSecurityLevel;
  /**
   * Policy version the level is enforced at, pinned so a cluster upgrade cannot start rejecting pods.
   * @default - that of ClusterSettings' `kubernetesVersion` ('v1.35' by default)
   */
  readonly podSecurityVersion?: string;
  /**
   * Level for `audit` annotations.
   * @default - the enforced level
   */
  readonly auditLevel?: PodSecurityLevel;
  /**
   * Level for `warn` responses.
   * @default - the enforced level
   */
  readonly warnLevel?: PodSecurityLevel;
  /**
   * Version for audit and warn, `latest` so that an upgrade warns before it rejects.
   * @default 'latest'
   */
  readonly auditWarnVersion?: string;
  /**
   * Extra labels on the Namespace. Keys the library decides (Pod Security, Istio injection,
   * `kubernetes.io/metadata.name`) are refused, naming the typed option to use.
   * @default - none
   */
  readonly labels?: { [key: string]: string };
  /**
   * Let every pod of the namespace reach every other on any port.
   * @default false
   */
  readonly allowIntraNamespace?: boolean;
  /**
   * ResourceQuota `hard` entries, merged over the defaults (keys as Kubernetes spells them).
   * @default - requests.cpu 4, requests.memory 8Gi, requests.ephemeral-storage 8Gi, limits.cpu 8,
   * limits.memory 16Gi, limits.ephemeral-storage 16Gi, pods 50, services.loadbalancers 0,
   * services.nodeports 0
   */
  readonly quota?: { [key: string]: string };
  /**
   * Allow LoadBalancer Services (lifts `services.loadbalancers: 0`).
   * @default false
   */
  readonly allowLoadBalancers?: boolean;
  /**
   * Allow NodePort Services (lifts `services.nodeports: 0`).
   * @default false
   */
  readonly allowNodePorts?: boolean;
  /**
   * LimitRange values.
   * @default - see LimitRangeSettings
   */
  readonly limitRange?: LimitRangeSettings;
  /**
   * Enrol the namespace in the Istio mesh (sidecar injection or ambient), with a namespace-wide
   * PeerAuthentication and an AuthorizationPolicy per app derived from its intents.
   * @default - not meshed
   */
  readonly mesh?: Mesh;
  /**
   * Bound to the built-in `admin` ClusterRole in this namespace.
   * @default - none
   */
  readonly admins?: RbacSubject[];
  /**
   * Bound to the built-in `edit` ClusterRole in this namespace.
   * @default - none
   */
  readonly editors?: RbacSubject[];
  /**
   * Bound to the built-in `view` ClusterRole in this namespace.
   * @default - none
   */
  readonly viewers?: RbacSubject[];
}

// Levels are strings here; which strings is the level check's job, whose fix names the enum.
const LEVEL: Schema = str;
const SUBJECTS = arrayOf({ kind: 'instance', is: (v) => v instanceof RbacSubject, name: 'RbacSubject', make: 'RbacSubject.group(), user() or serviceAccount()' });
const NAMESPACE_FIELDS: { [name: string]: Schema } = {
  name: str, podSecurity: LEVEL, podSecurityVersion: str, auditLevel: LEVEL, warnLevel: LEVEL, auditWarnVersion: str,
  labels: mapOf(str), allowIntraNamespace: bool, quota: mapOf(str), allowLoadBalancers: bool, allowNodePorts: bool,
  limitRange: obj({ defaultRequest: mapOf(str), defaultLimit: mapOf(str), max: mapOf(str) }),
  mesh: { kind: 'instance', is: (v) => v instanceof Mesh, name: 'Mesh', make: 'Mesh.sidecar() or Mesh.ambient()' },
  admins: SUBJECTS, editors: SUBJECTS, viewers: SUBJECTS,
};
const RESERVED = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];
const LEVELS = Object.values(PodSecurityLevel) as string[];
const DEFAULT_QUOTA: Record<string, string> = {
  'requests.cpu': '4',
  'requests.memory': '8Gi',
  'requests.ephemeral-storage': '8Gi',
  'limits.cpu': '8',
  'limits.memory': '16Gi',
  'limits.ephemeral-storage': '16Gi',
  'pods': '50',
  'services.loadbalancers': '0',
  'services.nodeports': '0',
};
const DEFAULT_LIMITS = {
  defaultRequest: { 'cpu': '100m', 'memory': '128Mi', 'ephemeral-storage': '64Mi' },
  defaultLimit: { 'cpu': '500m', 'memory': '256Mi', 'ephemeral-storage': '256Mi' },
  max: { 'cpu': '2', 'memory': '4Gi', 'ephemeral-storage': '2Gi' },
};

/**
 * A namespace that is a security boundary: Pod Security labels, default-deny NetworkPolicies
 * with DNS, a ResourceQuota and LimitRange, a tokenless default ServiceAccount and namespaced
 * RBAC. Apps defined inside it, at any depth, land in it and are checked against its level.
 */
export class IsolatedNamespace extends Construct implements IPeer {
  /** Namespace name. */
  public readonly name: string;
  /** Enforced Pod Security level. */
  public readonly podSecurity: PodSecurityLevel;
  /** Version the level is enforced at. */
  public get podSecurityVersion(): string {
    return this.pinnedVersion ?? podSecurityVersionFor(ClusterSettings.of(this));
  }
  /** The Namespace object. */
  public readonly namespaceObject: ApiObject;
  /** ResourceQuota `hard` as emitted. */
  public readonly quota: { [key: string]: string };
  /** Istio membership, if meshed. */
  public readonly mesh?: Mesh;
  private readonly pinnedVersion?: string;
  /** Workloads placed in this namespace. */
  private readonly members: IPlacedWorkload[] = [];

  constructor(scope: Construct, id: string, props: IsolatedNamespaceProps = {}) {
    const path = childPath(scope, id);
    // Types first (a JavaScript caller's props), so the checks below read them as declared.
    throwIfProblems(path, propsShapeProblems(props ?? {}, NAMESPACE_FIELDS));
    const name = props.name ?? id;
    const level = props.podSecurity ?? PodSecurityLevel.RESTRICTED;
    // Without a version of its own, the pin follows the app's target, read at synth.
    const pinned = props.podSecurityVersion;
    const auditWarnVersion = props.auditWarnVersion ?? 'latest';
    const quota: Record<string, string> = { ...DEFAULT_QUOTA };
    if (props.allowLoadBalancers) delete quota['services.loadbalancers'];
    if (props.allowNodePorts) delete quota['services.nodeports'];
    Object.assign(quota, props.quota);
    const limits: Record<'defaultRequest' | 'defaultLimit' | 'max', Record<string, string>> = {
      defaultRequest: { ...DEFAULT_LIMITS.defaultRequest, ...props.limitRange?.defaultRequest },
      defaultLimit: { ...DEFAULT_LIMITS.defaultLimit, ...props.limitRange?.defaultLimit },
      max: { ...DEFAULT_LIMITS.max, ...props.limitRange?.max },
    };
    const versionProblem = (what: string, v: string) => podSecurityMinor(v) !== undefined ? undefined
      : `${what} "${v}" is not a Pod Security version. Fix: use "latest" or "v1.<minor>", e.g. "${TARGET_KUBERNETES_VERSION}" (the version of the targeted Kubernetes minor).`;
    const levelProblem = (what: string, v: string | undefined) => v === undefined || LEVELS.includes(v) ? undefined
      : `${what} "${v}" is not a Pod Security level. Fix: use PodSecurityLevel.RESTRICTED, BASELINE or PRIVILEGED.`;
    throwIfProblems(path, [
      checkDnsLabel('namespace name', name),
      RESERVED.includes(name) ? `namespace name "${name}" is reserved by Kubernetes; isolating it would break the cluster. Fix: choose a name of your own, e.g. "${id === name ? 'team-a' : id}".` : undefined,
      levelProblem('podSecurity', level), levelProblem('auditLevel', props.auditLevel), levelProblem('warnLevel', props.warnLevel),
      pinned === undefined ? undefined : versionProblem('podSecurityVersion', pinned),
      versionProblem('auditWarnVersion', auditWarnVersion),
      props.labels ? checkLabels('namespace label', props.labels) : undefined,
      ...reservedKeyProblems('namespace label', 'namespace label', props.labels),
      ...Object.entries(quota).map(([k, v]) => quotaEntryProblem(k, v)),
      ...Object.entries(limits).flatMap(([kind, m]) => Object.entries(m).map(([r, v]) => checkQuantity(`limitRange.${kind}["${r}"]`, v))),
      ...[...aboveCeilings(limits.defaultLimit, limits.max), ...aboveCeilings(limits.defaultRequest, limits.max)]
        .map((a) => `limitRange default ${a.resource} "${a.value}" exceeds the max "${a.ceiling}". Fix: lower the default or raise the max.`),
      ...Object.entries({ admins: props.admins, editors: props.editors, viewers: props.viewers })
        .flatMap(([list, subjects]) => (subjects ?? []).map((subject) => subject.problem()).map((p) => p && `${list}: ${p}`)),
      ...props.mesh?.problems() ?? [],
      // Checked here, once, so no app ever needs to report its sidecar.
      ...aboveCeilings(props.mesh?.mode === 'sidecar' ? props.mesh.proxyResources.limits : {}, limits.max)
        .map((a) => `sidecar ${a.resource} limit "${a.value}" is above the LimitRange max "${a.ceiling}", so no meshed pod would be admitted. Fix: lower the mesh's proxy${a.resource === 'cpu' ? 'Cpu' : 'Memory'}.limit or raise limitRange.max["${a.resource}"].`),
    ]);
    super(scope, id);
    this.name = name;
    this.podSecurity = level;
    this.pinnedVersion = pinned;
    this.quota = quota;

    const self = this;
    const placement: Placement = {
      namespace: name,
      podSecurityLevel: level,
      // Pods must pass the pinned version (enforced) and the warn version, so nothing warns.
      get podSecurityVersions() {
        return [...new Set([self.podSecurityVersion, auditWarnVersion])];
      },
      owner: this,
      members: this.members,
      mesh: props.mesh,
      allowIntraNamespace: props.allowIntraNamespace ?? false,
      // The sidecar sets cpu and memory; ephemeral storage comes from the LimitRange defaults.
      sidecarFootprint: props.mesh?.mode === 'sidecar' ? {
        'requests.cpu': props.mesh.proxyResources.requests.cpu,
        'requests.memory': props.mesh.proxyResources.requests.memory,
        'requests.ephemeral-storage': limits.defaultRequest['ephemeral-storage'],
        'limits.cpu': props.mesh.proxyResources.limits.cpu,
        'limits.memory': props.mesh.proxyResources.limits.memory,
        'limits.ephemeral-storage': limits.defaultLimit['ephemeral-storage'],
      } : undefined,
    };
    this.mesh = props.mesh;
    providePlacement(this, placement);
    registerIsolatedNamespace(this, name);
    // A cdk8s-plus workload connected before this namespace was made gets its side now.
    openWaitingForeignSides(this, name);

    const psa = 'pod-security.kubernetes.io';
    this.namespaceObject = new ApiObject(this, 'Namespace', {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: {
        name,
        // What the library decides is merged last, so it wins over the free-form labels.
        labels: {
          ...props.labels,
          [`${psa}/enforce`]: level,
          [`${psa}/enforce-version`]: pinned ?? Lazy.any({ produce: () => this.podSecurityVersion }),
          [`${psa}/audit`]: props.auditLevel ?? level,
          [`${psa}/audit-version`]: auditWarnVersion,
          [`${psa}/warn`]: props.warnLevel ?? level,
          [`${psa}/warn-version`]: auditWarnVersion,
          ...props.mesh?.namespaceLabels(),
        },
      },
    });
    // Namespaces are cluster-scoped: never inherit a chart's namespace.
    if (Chart.of(this).namespace) this.namespaceObject.addJsonPatch(JsonPatch.remove('/metadata/namespace'));

    const meta = (objectName: string) => ({ name: objectName, namespace: name });
    new ApiObject(this, 'DefaultDeny', {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: meta('default-deny'),
      spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
    });
    new ApiObject(this, 'AllowDns', {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: meta('allow-dns'),
      spec: { podSelector: {}, policyTypes: ['Egress'], egress: Lazy.any({ produce: () => [dnsEgressRule(ClusterSettings.of(this))] }) },
    });
    if (props.mesh) {
      new PeerAuthentication(this, 'PeerAuthentication', {
        metadata: meta('default'),
        spec: { mtls: { mode: props.mesh.mtls as any } },
      });
    }
    if (props.allowIntraNamespace) {
      new ApiObject(this, 'AllowIntraNamespace', {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'NetworkPolicy',
        metadata: meta('allow-same-namespace'),
        spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'], ingress: [{ from: [{ podSelector: {} }] }], egress: [{ to: [{ podSelector: {} }] }] },
      });
    }
    new ApiObject(this, 'ResourceQuota', {
      apiVersion: 'v1', kind: 'ResourceQuota', metadata: meta('quota'), spec: { hard: quota },
    });
    new ApiObject(this, 'LimitRange', {
      apiVersion: 'v1',
      kind: 'LimitRange',
      metadata: meta('limits'),
      spec: { limits: [{ type: 'Container', default: limits.defaultLimit, defaultRequest: limits.defaultRequest, max: limits.max }] },
    });
    new ApiObject(this, 'DefaultServiceAccount', {
      apiVersion: 'v1', kind: 'ServiceAccount', metadata: meta('default'), automountServiceAccountToken: false,
    });
    const bind = (role: string, subjects: RbacSubject[] | undefined) => {
      if (!subjects?.length) return;
      new ApiObject(this, `RoleBinding-${role}`, {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'RoleBinding',
        metadata: meta(`${role}s`),
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role },
        subjects: subjects.map((s) => s.render(name)),
      });
    };
    bind('admin', props.admins);
    bind('edit', props.editors);
    bind('view', props.viewers);

    this.node.addValidation({ validate: () => this.checkMembers(limits.max) });
    judgeWrittenObjects(this);
    checkIdentities(this);
  }

  /** All pods of this namespace, as a peer for `allowFrom` / `allowTo`. */
  public toPeerInfo(): PeerInfo {
    return { kind: PeerKind.NAMESPACE, namespace: this.name, description: `namespace ${this.name}`, mesh: this.mesh?.mode };
  }

  private checked?: { members: number; problems: string[] };

  private checkMembers(max: { [resource: string]: string }): string[] {
    // cdk8s validates once per chart; members (and their fixed footprints) rarely change between.
    if (this.checked?.members === this.members.length) return this.checked.problems;
    const problems = quotaProblems(this.quota, this.members.map((m) => m.footprint()));
    for (const m of this.members) {
      for (const c of m.containerLimits()) {
        for (const a of aboveCeilings(c.limits, max)) {
          problems.push(`${m.path}: container "${c.container}" sets ${a.resource} limit "${a.value}" above the namespace LimitRange max "${a.ceiling}", so its pods would be rejected. Fix: lower the app's limit or raise limitRange.max["${a.resource}"].`);
        }
      }
    }
    this.checked = { members: this.members.length, problems };
    return problems;
  }
}
