import { ApiObject, Lazy, Names } from 'cdk8s';
import { Construct } from 'constructs';
import { checkPodSecurity } from './checks/pod-security';
import { checkIdentities } from './identity';
import { deepFreeze } from './core/snapshot';
import { patchedWorkloadProblems } from './written-checks';
import { ISTIO_INIT } from './core/constants';
import { DEFAULT_CPU_UTILIZATION_PERCENT, DEFAULT_REPLICAS, MIN_AUTOSCALING_REPLICAS } from './core/defaults';
import { childPath, SecureConfigError } from './core/errors';
import { reservedKeyProblems } from './core/reserved-keys';
import { addQuantities, checkDnsLabel, checkLabels } from './core/validate';
import { AuthorizationPolicy } from './imports/security.istio.io';
import { Connection, ConnectionOptions, resolveConnection } from './model/connection';
import { meshHoles } from './model/holes';
import { ipBlockMetadataProblem } from './model/ip-blocks';
import { WorkloadIntents } from './model/intents';
import { Mesh, MeshMode, protocolFromName } from './model/mesh';
import { IPeer, IWorkload, PeerInfo, PeerKind, WorkloadPort } from './model/peer';
import { ContainerLimits, IPlacedWorkload, Placement, placementOf } from './model/placement';
import { ResourceFootprint } from './model/quota';
import { ClusterSettings } from './model/settings';
import { SecureAppProps, ServiceType } from './model/workload-options';
import { authorizationPolicy, AuthorizationPolicySpec } from './render/mesh/authorization';
import { withInjectedContainers } from './render/mesh/injection';
import { TargetVersions, userNamespaceProblem } from './model/target';
import { digestProblem, versionFromImage } from './core/image';
import { NetworkPolicySpec, workloadPolicySpec } from './render/network/network-policy';
import type { KubePodTemplate } from './render/pod/kube';
import { PodTemplate } from './render/pod/pod-template';
import type { WorkloadPorts } from './render/pod/ports';
import { PodSecurity } from './render/pod/security';
import { PodParts, podParts } from './render/pod/workload';

const INSTANCE_LABEL = 'app.kubernetes.io/instance';

/**
 * A workload that passes Pod Security `restricted` by default: its own ServiceAccount without a
 * token, a hardened Deployment, a Service for its ports, a PodDisruptionBudget and spread when
 * replicated, optional autoscaling, and a NetworkPolicy that admits only what was declared with
 * `allowFrom` / `allowTo` (and DNS).
 */
export class SecureApp extends Construct implements IWorkload, IPlacedWorkload {
  /** Deployment name (also of the ServiceAccount, Service and policies). */
  public readonly name: string;
  /** Namespace the app lands in, when known. */
  public readonly namespace?: string;
  /** ServiceAccount name. */
  public readonly serviceAccountName: string;
  /** Container ports, main port first. */
  public readonly ports: WorkloadPort[];
  /** The one label that selects this app's pods. */
  public readonly selector: { [key: string]: string };
  /** Labels on every object and pod. */
  public readonly labels: { [key: string]: string };
  /** Construct path. */
  public readonly path: string;
  /** Where the app lands and which Pod Security rules apply. */
  public readonly placement: Placement;
  /** The Deployment. */
  public readonly deployment: ApiObject;
  /** The ServiceAccount. */
  public readonly serviceAccount: ApiObject;
  /** The NetworkPolicy selecting the pods. */
  public readonly networkPolicy: ApiObject;
  /** The Service, when the app has ports. */
  public readonly service?: ApiObject;
  /** The PodDisruptionBudget, when replicated. */
  public readonly podDisruptionBudget?: ApiObject;
  /** The HorizontalPodAutoscaler, with `autoscaling`. */
  public readonly autoscaler?: ApiObject;
  /** The Istio AuthorizationPolicy, when the app is in the mesh. */
  public readonly authorizationPolicy?: ApiObject;
  /** The mesh the app's pods are in, if any. */
  public readonly mesh?: Mesh;

  /**
   * Every hole in this app's isolation: connections, plain-text ports, holes that are not
   * connections. The network and mesh renderers read only this.
   * @internal
   */
  public readonly _intents: WorkloadIntents;
  private readonly pod: PodTemplate;
  private readonly parts: PodParts;
  private readonly maxReplicas: number;
  private readonly serviceType?: ServiceType;
  private peerInfo?: PeerInfo;
  private podSecurityChecked?: string[];
  private readonly requireDigest?: boolean;

  constructor(scope: Construct, id: string, props: SecureAppProps) {
    const path = childPath(scope, id);
    const placement = placementOf(scope);
    const { problems, spec } = SecureApp.normalize(id, props, placement, SecureApp.targetFor(path, scope, props));
    if (!spec) throw new SecureConfigError(path, problems);
    super(scope, id);
    this.path = path;
    // Read-only views: the checks judge against these, so a later assignment must not change
    // what was judged (the namespace's own list of members stays shared, for its quota check).
    this.placement = Object.freeze({ ...placement, podSecurityVersions: Object.freeze([...placement.podSecurityVersions]) }) as Placement;
    this.namespace = this.placement.namespace;
    this.mesh = spec.meshed ? placement.mesh : undefined;
    this.name = props.name ?? Names.toDnsLabel(this);
    this.serviceAccountName = this.name;
    this.parts = spec.parts;
    this.ports = deepFreeze(spec.parts.ports.ports);
    this.selector = Object.freeze({ [INSTANCE_LABEL]: this.name });
    // The recommended version and part-of labels describe and never select (selectors must stay
    // the same across versions, so a rollout keeps its pods); `labels` may override them. What
    // the library decides is merged last, so it wins over a free-form map.
    const version = props.version ?? versionFromImage(props.image);
    const partOf = props.partOf ?? this.namespace;
    this.labels = Object.freeze({
      ...(version !== undefined ? { 'app.kubernetes.io/version': version } : {}),
      ...(partOf !== undefined ? { 'app.kubernetes.io/part-of': partOf } : {}),
      ...props.labels,
      'app.kubernetes.io/name': props.appName ?? id,
      [INSTANCE_LABEL]: this.name,
      'app.kubernetes.io/managed-by': 'cdk8s-secure',
    });
    this.requireDigest = props.requireDigest;
    this.pod = new PodTemplate({
      labels: spec.meshOptOutLabels ? { ...this.labels, ...spec.meshOptOutLabels } : this.labels,
      annotations: this.mesh ? { ...props.podAnnotations, ...this.mesh.podAnnotations() } : props.podAnnotations && { ...props.podAnnotations },
      selector: this.selector,
      serviceAccountName: this.serviceAccountName,
      container: spec.parts.container,
      security: spec.parts.security,
      volumes: spec.parts.volumes,
      scheduling: spec.parts.scheduling,
      replicated: spec.replicated,
      appArmor: spec.appArmor,
    });
    const servicePorts = spec.parts.ports.servicePorts;
    this.maxReplicas = props.autoscaling?.maxReplicas ?? spec.replicas;
    this.serviceType = servicePorts.length ? props.serviceType ?? ServiceType.CLUSTER_IP : undefined;
    this.placement.members?.push(this);
    this._intents = new WorkloadIntents({
      workload: this,
      namespace: this.namespace,
      selector: this.selector,
      mtls: this.mesh?.mtls,
      allowIntraNamespace: placement.allowIntraNamespace,
      holes: () => meshHoles(this.mesh, ClusterSettings.of(this), this.parts.probes.probedPorts()),
    });

    const metadata = { name: this.name, namespace: this.namespace, labels: this.labels };
    this.serviceAccount = new ApiObject(this, 'ServiceAccount', {
      apiVersion: 'v1', kind: 'ServiceAccount', metadata, automountServiceAccountToken: false,
    });
    const autoscaling = props.autoscaling;
    this.deployment = new ApiObject(this, 'Deployment', {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata,
      spec: {
        // With an HPA the Deployment must not carry replicas, or every apply resets the scale.
        replicas: autoscaling ? undefined : spec.replicas,
        revisionHistoryLimit: 5,
        selector: { matchLabels: this.selector },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
        template: Lazy.any({ produce: () => this.renderPodTemplate() }),
      },
    });
    this.node.defaultChild = this.deployment;
    if (servicePorts.length > 0) {
      this.service = new ApiObject(this, 'Service', {
        apiVersion: 'v1',
        kind: 'Service',
        metadata,
        spec: {
          type: this.serviceType,
          selector: this.selector,
          ports: this.mesh ? servicePorts.map((sp) => ({ ...sp, appProtocol: sp.appProtocol ?? protocolFromName(sp.name, sp.protocol) })) : servicePorts,
        },
      });
    }
    if (spec.replicated) {
      this.podDisruptionBudget = new ApiObject(this, 'PodDisruptionBudget', {
        apiVersion: 'policy/v1',
        kind: 'PodDisruptionBudget',
        metadata,
        spec: {
          maxUnavailable: 1,
          selector: { matchLabels: this.selector },
          // Crash-looping pods must not block node drains.
          unhealthyPodEvictionPolicy: 'AlwaysAllow',
        },
      });
    }
    if (autoscaling) {
      this.autoscaler = new ApiObject(this, 'HorizontalPodAutoscaler', {
        apiVersion: 'autoscaling/v2',
        kind: 'HorizontalPodAutoscaler',
        metadata,
        spec: {
          scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: this.name },
          minReplicas: autoscaling.minReplicas ?? MIN_AUTOSCALING_REPLICAS,
          maxReplicas: autoscaling.maxReplicas,
          metrics: [{
            type: 'Resource',
            resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: autoscaling.targetCpuUtilizationPercent ?? DEFAULT_CPU_UTILIZATION_PERCENT } },
          }],
        },
      });
    }
    this.networkPolicy = new ApiObject(this, 'NetworkPolicy', {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata,
      spec: Lazy.any({ produce: () => this.renderNetworkPolicy() }),
    });
    if (this.mesh) {
      this.authorizationPolicy = new AuthorizationPolicy(this, 'AuthorizationPolicy', {
        metadata,
        spec: Lazy.any({ produce: () => this.renderAuthorizationPolicy()?.spec }),
      });
    }
    this.node.addValidation({ validate: () => this.violations() });
    checkIdentities(this);
  }

  /**
   * Admit connections from `peer` to this app: ingress here and, when the peer is a SecureApp,
   * egress there. Never isolates a peer that is not a SecureApp.
   */
  public allowFrom(peer: IPeer, options: ConnectionOptions = {}): void {
    this.connect(peer, this, options);
  }

  /**
   * Let this app connect to `peer`: egress here and, when the peer is a SecureApp, ingress there.
   * Same manifests as `peer.allowFrom(this)`.
   */
  public allowTo(peer: IPeer, options: ConnectionOptions = {}): void {
    this.connect(this, peer, options);
  }

  /** Records the connection on every workload involved, or fails naming this app's path. */
  private connect(from: IPeer, to: IPeer, options: ConnectionOptions): void {
    const { connection, problem } = resolveConnection(from, to, options);
    if (!connection) throw new SecureConfigError(this.path, [problem!]);
    connection.from.workload?.recordConnection(connection);
    if (connection.to.workload !== connection.from.workload) connection.to.workload?.recordConnection(connection);
  }

  /** The connections this app is part of, in declaration order. */
  public get declaredConnections(): Connection[] {
    return [...this._intents.connections];
  }

  public recordConnection(connection: Connection): void {
    this._intents.add(connection);
  }

  public toPeerInfo(): PeerInfo {
    // One per app, shared by all its connections.
    return this.peerInfo ??= {
      kind: PeerKind.WORKLOAD,
      description: `SecureApp ${this.path}`,
      namespace: this.namespace,
      podLabels: this.selector,
      mesh: this.mesh?.mode,
      serviceAccountName: this.serviceAccountName,
      workload: this,
    };
  }

  public footprint(): ResourceFootprint {
    const perPod = this.parts.resources.quotaKeys();
    // The injected sidecar is part of every pod the quota admits.
    if (this.mesh?.mode === MeshMode.SIDECAR) {
      for (const [key, q] of Object.entries(this.placement.sidecarFootprint ?? {})) {
        perPod[key] = perPod[key] !== undefined ? addQuantities(perPod[key], q) : q;
      }
    }
    // A rolling update runs one surge pod beyond the maximum (maxSurge: 1).
    return {
      path: this.path,
      maxPods: this.maxReplicas + 1,
      podsExplained: `${this.maxReplicas + 1} pods (${this.maxReplicas} ${this.autoscaler ? 'autoscaling max' : 'replicas'} + 1 rollout surge)`,
      perPod,
      serviceTypes: this.serviceType ? [this.serviceType] : [],
    };
  }

  /** The app container's limits (the namespace checks the injected sidecar's once, itself). */
  public containerLimits(): ContainerLimits[] {
    return [{ container: this.parts.container.name, limits: { ...this.parts.resources.limits } }];
  }

  /**
   * The checks' result. cdk8s runs validations once per chart, so both parts are cached: Pod
   * Security depends only on what the constructor fixed (pod spec, mesh, placement) and is judged
   * once; the AuthorizationPolicy's problems depend on the connections and are judged again only
   * after `allowFrom`/`allowTo` added one. The rendered objects are not kept: the check renders
   * them once and serialization again, so thousands of apps do not hold a second copy of their
   * manifests until synth ends.
   */
  private violations(): string[] {
    const settings = ClusterSettings.of(this);
    // The app's own requireDigest was judged when it was built; the app-wide one is read here.
    this.podSecurityChecked ??= [
      ...(this.requireDigest === undefined && settings.requireDigest ? [digestProblem(this.parts.container.image, 'ClusterSettings requireDigest')] : []),
      ...this.podSecurityViolations(withInjectedContainers(this.renderPodTemplate(), this.mesh, settings)).map((v) => v.message),
    ].filter((x): x is string => x !== undefined);
    const patched = [...patchedWorkloadProblems({
      workload: this.deployment,
      serviceAccount: this.serviceAccount,
      ownPod: () => withInjectedContainers(this.renderPodTemplate(), this.mesh, settings),
      podOf: (json) => withInjectedContainers(json.spec.template, this.mesh, settings),
      judge: (pod) => this.podSecurityViolations(pod, false),
      mesh: this.mesh,
      namespace: this.namespace,
      tokenRelaxed: this.parts.security.automountServiceAccountToken,
    })];
    const metadata = settings.metadataCidrs;
    const blocks = this._intents.memo(`metadata-problems ${metadata.join(',')}`, () => this._intents.connections
      .flatMap((c) => [c.from, c.to]).map((p) => ipBlockMetadataProblem(p, metadata)).filter((p): p is string => p !== undefined));
    if (blocks.length) patched.push(...new Set(blocks));
    if (!this.mesh) return patched.length ? [...this.podSecurityChecked, ...patched] : this.podSecurityChecked;
    const meshProblems = this._intents.memo('authorization-problems', () => this.renderAuthorizationPolicy()?.problems ?? []);
    return [...this.podSecurityChecked, ...patched, ...meshProblems];
  }

  private renderPodTemplate(): KubePodTemplate {
    return this.pod._toKube();
  }

  private renderNetworkPolicy(): NetworkPolicySpec {
    return workloadPolicySpec(this._intents, ClusterSettings.of(this));
  }

  private renderAuthorizationPolicy(): { spec: AuthorizationPolicySpec; problems: string[] } | undefined {
    if (!this.mesh) return undefined;
    const settings = ClusterSettings.of(this);
    return authorizationPolicy(this._intents, settings.trustDomain, settings.metadataCidrs);
  }

  /** Pod Security violations of the pod as admitted (with injected containers), as messages. */
  private podSecurityViolations(pod: KubePodTemplate, attribute = true): Array<{ key: string; message: string; problem: string }> {
    const { podSecurityLevel: level, podSecurityVersions: versions, namespace } = this.placement;
    const seen = new Set<string>();
    const out: Array<{ key: string; message: string; problem: string }> = [];
    for (const version of versions) {
      for (const v of checkPodSecurity(pod, level, version)) {
        if (seen.has(v.check + v.field)) continue;
        seen.add(v.check + v.field);
        const injected = v.field.includes(`[${ISTIO_INIT}]`);
        const cause = injected || !attribute ? undefined : PodSecurity.relaxationOf(v.field);
        const where = cause ? `, set by \`relax.${cause}\`` : injected ? ', injected by Istio without its CNI plugin' : '';
        const fix = injected
          ? 'install the Istio CNI plugin and say so with Mesh.sidecar({ istioCni: true }), or use Mesh.ambient(), or make the namespace podSecurity privileged'
          : v.fix;
        const problem = `Pod Security "${level}" (${version}) check ${v.check} fails: ${v.message} (field ${v.field}`;
        out.push({ key: v.check + v.field, problem, message: `Pod Security "${level}" (${version}) check ${v.check} fails: ${v.message} (field ${v.field}${where}). Fix: ${fix}${namespace ? ` (the app lands in namespace "${namespace}")` : ''}.` });
      }
    }
    return out;
  }

  /**
   * The problems SecureApp itself finds with `props`, without building anything: subclasses that
   * check props of their own report both in one error.
   * @internal
   */
  public static _inputProblems(scope: Construct, id: string, props: SecureAppProps): string[] {
    return SecureApp.normalize(id, props, placementOf(scope), SecureApp.targetFor(childPath(scope, id), scope, props)).problems;
  }

  /**
   * The target versions, for props whose validity depends on them. Only then are they read at
   * construction (so a later ClusterSettings.apply() names this app instead of going unseen);
   * everything else reads them at synth.
   */
  private static targetFor(path: string, scope: Construct, props: SecureAppProps | undefined): TargetVersions | undefined {
    return props?.hostUsers === false || props?.appArmorProfile !== undefined ? ClusterSettings.readNow(path, scope) : undefined;
  }

  /** Checks and defaults the props into the pod's typed parts: every problem, or the spec when there is none. */
  private static normalize(id: string, props: SecureAppProps, placement: Placement, target: TargetVersions | undefined) {
    const p = props ?? ({} as SecureAppProps);
    const parts = podParts(p);
    const meshed = placement.mesh !== undefined && p.mesh !== false;
    const portNumbers = parts.ports.ports.map((q) => q.port);
    // In the order the props are documented, so one error reads like the props it is about.
    const found = [
      ...parts.container.imageProblems(),
      p.name !== undefined ? checkDnsLabel('name', p.name) : undefined,
      ...parts.ports.problems(),
      ...SecureApp.replicaProblems(p),
      ...parts.resources.problems(),
      ...parts.security.problems(),
      ...parts.volumes.problems(),
      ...parts.container.envProblems(),
      ...parts.probes.problems(portNumbers),
      ...parts.scheduling.problems(),
      target ? userNamespaceProblem(p.hostUsers, target) : undefined,
      ...p.appArmorProfile?.problems() ?? [],
      p.labels ? checkLabels('label', p.labels) : undefined,
      ...reservedKeyProblems('label', 'pod label', p.labels),
      ...reservedKeyProblems('podAnnotations', 'pod annotation', p.podAnnotations),
      checkLabels('appName', { 'app.kubernetes.io/name': p.appName ?? id }),
      p.version !== undefined ? checkLabels('version', { 'app.kubernetes.io/version': p.version }) : undefined,
      p.partOf !== undefined ? checkLabels('partOf', { 'app.kubernetes.io/part-of': p.partOf }) : undefined,
      p.requireDigest === true && typeof p.image === 'string' ? digestProblem(p.image, 'requireDigest') : undefined,
      ...(meshed ? parts.security.meshProblems(placement.mesh!.mode) : []),
      p.mesh === true && !placement.mesh ? 'mesh is true but the app is not in a namespace with a mesh. Fix: define it inside an IsolatedNamespace with `mesh`, or drop the prop.' : undefined,
      ...SecureApp.serviceProblems(p, parts.ports),
    ].filter((x): x is string => x !== undefined);
    if (found.length > 0) return { problems: found, spec: undefined };
    const replicas = p.replicas ?? DEFAULT_REPLICAS;
    // Opting out of a meshed namespace: labels Istio's injector and ztunnel honour.
    const meshOptOutLabels: { [key: string]: string } | undefined = placement.mesh && p.mesh === false
      ? (placement.mesh.mode === MeshMode.SIDECAR ? { 'sidecar.istio.io/inject': 'false' } : { 'istio.io/dataplane-mode': 'none' })
      : undefined;
    const appArmor = p.appArmorProfile && target ? p.appArmorProfile._render(target, [parts.container.name]) : undefined;
    return { problems: found, spec: { parts, replicas, replicated: p.autoscaling !== undefined || replicas >= 2, meshed, meshOptOutLabels, appArmor } };
  }

  private static replicaProblems(p: SecureAppProps): Array<string | undefined> {
    const problems: Array<string | undefined> = [];
    if (p.replicas !== undefined && (!Number.isInteger(p.replicas) || p.replicas < 0)) {
      problems.push(`replicas ${p.replicas} must be a whole number >= 0. Fix: set replicas to 0 or more (2 or more for availability).`);
    }
    const a = p.autoscaling;
    if (a) {
      const min = a.minReplicas ?? MIN_AUTOSCALING_REPLICAS;
      if (p.replicas !== undefined) problems.push('replicas and autoscaling are both set; the autoscaler owns the replica count. Fix: remove replicas and set autoscaling.minReplicas.');
      if (!Number.isInteger(min) || min < 2) problems.push(`autoscaling.minReplicas ${min} is below 2, so a single disruption takes the app down. Fix: set minReplicas to 2 or more.`);
      if (!Number.isInteger(a.maxReplicas) || a.maxReplicas <= min) problems.push(`autoscaling.maxReplicas ${a.maxReplicas} must be greater than minReplicas ${min}. Fix: raise maxReplicas, or drop autoscaling and set replicas.`);
      const t = a.targetCpuUtilizationPercent;
      if (t !== undefined && (!Number.isInteger(t) || t < 1 || t > 100)) problems.push(`autoscaling.targetCpuUtilizationPercent ${t} must be a whole percent from 1 to 100. Fix: e.g. 70 (the default) to scale out when pods average 70% of their CPU request.`);
    }
    return problems;
  }

  private static serviceProblems(p: SecureAppProps, ports: WorkloadPorts): Array<string | undefined> {
    return [
      p.serviceType !== undefined && !Object.values(ServiceType).includes(p.serviceType)
        ? `serviceType "${p.serviceType}" is not ClusterIP, NodePort or LoadBalancer. Fix: use ServiceType.CLUSTER_IP (the default), ServiceType.NODE_PORT or ServiceType.LOAD_BALANCER.` : undefined,
      p.serviceType !== undefined && p.serviceType !== ServiceType.CLUSTER_IP && ports.ports.length === 0
        ? `serviceType ${p.serviceType} needs a port to expose. Fix: set port, or drop serviceType.` : undefined,
    ];
  }
}
