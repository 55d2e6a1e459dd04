import { ApiObject, Lazy, Names } from 'cdk8s';
import { Construct } from 'constructs';
import { checkPodSecurity } from './checks/pod-security';
import { INSTANCE_LABEL, ISTIO_INIT, SERVICE_MEMBER_LABEL_PREFIX } from './core/constants';
import { deepFreeze } from './core/snapshot';
import { reservedKeyProblems } from './core/reserved-keys';
import { childPath, SecureConfigError } from './core/errors';
import { addQuantities, checkAnnotationKeys, checkDns1035Label, checkDnsLabel, checkDnsSubdomain, checkLabels } from './core/validate';
import { checkIdentities } from './identity';
import { POD_PROPS_FIELDS, propsShapeProblems, SECURE_APP_FIELDS } from './model/pod-schema';
import { AuthorizationPolicy } from './imports/security.istio.io';
import { Connection, ConnectionOptions } from './model/connection';
import { connectPeers } from './connect';
import { meshHoles } from './model/holes';
import { ipBlockMetadataProblem } from './model/ip-blocks';
import { WorkloadIntents } from './model/intents';
import type { ExposeOptions, IEntryPoint } from './model/gateway';
import type { AllowToHostOptions } from './model/hosts';
import { Mesh, MeshMode } from './model/mesh';
import type { SecurePodProps } from './model/pod-props';
import { IPeer, IWorkload, PeerInfo, PeerKind, WorkloadPort } from './model/peer';
import { ContainerLimits, IPlacedWorkload, Placement, placementOf, placementProblem } from './model/placement';
import { ResourceFootprint } from './model/quota';
import { ClusterSettings } from './model/settings';
import { authorizationPolicy, AuthorizationPolicySpec } from './render/mesh/authorization';
import { NATIVE_SIDECAR_ANNOTATION, withInjectedContainers } from './render/mesh/injection';
import { istioInjectsNativeSidecar, TargetVersions, userNamespaceProblem } from './model/target';
import { injectedPodQuota } from './model/pod-quota';
import { digestProblem, versionFromImage } from './core/image';
import { NetworkPolicySpec, workloadPolicySpec } from './render/network/network-policy';
import type { KubePodTemplate, KubeVolume, KubeVolumeMount } from './render/pod/kube';
import { PodTemplate } from './render/pod/pod-template';
import { PodSecurity } from './render/pod/security';
import { PodParts, podParts } from './render/pod/workload';
import { lifecycleProblems, sideSynthProblems } from './render/pod/init-containers';
import { allowWorkloadToHost, exposeWorkload, NorthSouthWorkload } from './north-south';
import { patchedWorkloadProblems } from './written-checks';
import { judgeWrittenObjects } from './written-objects';
import type { AddServiceOptions } from './model/service-options';
import { addWorkloadService } from './workload-services';

// Built once: spreading both field maps for every workload cost more than checking them.
const WORKLOAD_PROPS_FIELDS = { ...POD_PROPS_FIELDS, ...SECURE_APP_FIELDS };

/** What a workload kind adds to the shared core: its name in messages, its own problems, its pod's shape. */
export interface WorkloadKindSpec {
  /** The construct class, in peer descriptions (`SecureJob a/b`). */
  readonly kind: string;
  /** Whether probes default to a TCP check of the main port (long-running kinds) or stay off (Jobs). */
  readonly defaultProbes: boolean;
  /** The kind's problems with its props: those read right after the ports, and those read last. */
  readonly problems: (parts: PodParts) => { readonly afterPorts: Array<string | undefined>; readonly last: Array<string | undefined> };
  /** Where the kind's object holds the pod template (`spec.template`, a CronJob's `spec.jobTemplate.spec.template`). */
  readonly podOf?: (json: any) => any;
  /** Mounts of volumes the kind adds (a StatefulSet's claims); with them, fsGroup is changed only on a root mismatch. */
  readonly persistentMounts?: readonly KubeVolumeMount[];
  /** Mounts of other volumes the kind adds (a node agent's read-only host paths). */
  readonly kindMounts?: readonly KubeVolumeMount[];
  /** Volumes the kind adds to the pod, given the workload's name (a Deployment's claims are named after it). */
  readonly kindVolumes?: (workloadName: string) => readonly KubeVolume[];
  /** Whether the kind takes `relax.hostPaths` (node agents); any other kind refuses them. */
  readonly hostPaths?: boolean;
  /** The longest name the kind's object may have (a CronJob's: 52), for the derived default name. */
  readonly maxNameLength?: number;
  /** Whether more than one pod runs at a time (spread over nodes and zones). */
  readonly replicated: (props: SecurePodProps) => boolean;
  /** The pods' restartPolicy, when not the default Always (Jobs). */
  readonly restartPolicy?: string;
  /**
   * The proxy must run as a native sidecar (an init container with `restartPolicy: Always`),
   * so a pod that runs to completion can complete: Jobs and CronJobs.
   */
  readonly nativeSidecar?: boolean;
}

/**
 * The core every workload kind shares: identity (name, labels, selector, ServiceAccount), the
 * hardened pod template, the intents object with `allowFrom` / `allowTo`, the NetworkPolicy and
 * AuthorizationPolicy rendered from it, the quota footprint and the synth-time Pod Security check
 * of the pod as admitted. A kind adds only its own object (Deployment, Job, CronJob…) around
 * the same pod template.
 *
 * Not part of the jsii API (its constructor takes a kind spec with functions): jsii folds its
 * public members into each kind, so every language sees them on SecureApp, SecureJob, ….
 *
 * @jsii ignore
 */
export abstract class SecureWorkload extends Construct implements IWorkload, IPlacedWorkload {
  /** Workload name (also of the ServiceAccount and policies unless set otherwise). */
  public readonly name: string;
  /** Namespace the workload lands in, when known. */
  public readonly namespace?: string;
  /** ServiceAccount name (the mesh identity). */
  public readonly serviceAccountName: string;
  /** Name of the workload's Service, when the kind writes one for its ports. */
  public readonly serviceName: string;
  /** Container ports, main port first. */
  public readonly ports: WorkloadPort[];
  /** The one label that selects this workload's pods. */
  public readonly selector: { [key: string]: string };
  /** Labels on every object and pod. */
  public readonly labels: { [key: string]: string };
  /** Construct path. */
  public readonly path: string;
  /** Where the workload lands and which Pod Security rules apply. */
  public readonly placement: Placement;
  /** The ServiceAccount. */
  public readonly serviceAccount: ApiObject;
  /** The NetworkPolicy selecting the pods. */
  public readonly networkPolicy!: ApiObject;
  /** The Istio AuthorizationPolicy, when the workload is in the mesh. */
  public readonly authorizationPolicy?: ApiObject;
  /** The mesh the workload's pods are in, if any. */
  public readonly mesh?: Mesh;

  /**
   * Every hole in this workload's isolation: connections, plain-text ports, holes that are not
   * connections. The network and mesh renderers read only this.
   * @internal
   */
  public readonly _intents: WorkloadIntents;
  /** @internal */
  protected readonly _parts: PodParts;
  /** @internal */
  protected readonly _pod: PodTemplate;
  /** @internal */
  protected readonly _metadata: { name: string; namespace?: string; labels: { [key: string]: string } };
  private readonly kindSpec: WorkloadKindSpec;
  private peerInfo?: PeerInfo;
  private podSecurityChecked?: string[];
  private readonly requireDigest?: boolean;

  protected constructor(scope: Construct, id: string, props: SecurePodProps, kind: WorkloadKindSpec) {
    const path = childPath(scope, id);
    const placement = placementOf(scope);
    const { problems, spec } = SecureWorkload.normalize(id, props, placement, kind, SecureWorkload.targetFor(path, scope, props));
    if (!spec) throw new SecureConfigError(path, problems);
    super(scope, id);
    this.kindSpec = kind;
    this.path = path;
    // Read-only views: the checks judge against these, so a later assignment must not change
    // what was judged (the namespace's own list of members stays shared, for its quota check).
    this.placement = Object.freeze({ ...placement, podSecurityVersions: Object.freeze([...placement.podSecurityVersions]) }) as Placement;
    this.namespace = this.placement.namespace;
    this.mesh = spec.meshed ? placement.mesh : undefined;
    this.name = props.name ?? Names.toDnsLabel(this, kind.maxNameLength ? { maxLen: kind.maxNameLength } : undefined);
    this.serviceAccountName = props.serviceAccountName ?? this.name;
    this.serviceName = props.serviceName ?? this.name;
    this._parts = spec.parts;
    this.ports = deepFreeze(spec.parts.ports.ports);
    this.selector = Object.freeze({ [INSTANCE_LABEL]: this.name });
    // The recommended version and part-of labels describe and never select (selectors must stay
    // the same across versions, so a rollout keeps its pods); `labels` may override them. What
    // the library decides is merged last, so it wins over a free-form map.
    const version = props.version ?? versionFromImage(props.image);
    const partOf = props.partOf ?? this.namespace;
    this.requireDigest = props.requireDigest;
    this.labels = Object.freeze({
      ...(version !== undefined ? { 'app.kubernetes.io/version': version } : {}),
      ...(partOf !== undefined ? { 'app.kubernetes.io/part-of': partOf } : {}),
      ...props.labels,
      'app.kubernetes.io/name': props.appName ?? id,
      [INSTANCE_LABEL]: this.name,
      'app.kubernetes.io/managed-by': 'cdk8s-secure',
    });
    const nativeSidecar = kind.nativeSidecar && this.mesh?.mode === MeshMode.SIDECAR ? { [NATIVE_SIDECAR_ANNOTATION]: 'true' } : undefined;
    this._pod = new PodTemplate({
      labels: spec.meshOptOutLabels ? { ...this.labels, ...spec.meshOptOutLabels } : this.labels,
      annotations: this.mesh ? { ...props.podAnnotations, ...this.mesh.podAnnotations(), ...nativeSidecar } : props.podAnnotations && { ...props.podAnnotations },
      selector: this.selector,
      serviceAccountName: this.serviceAccountName,
      container: spec.parts.container,
      security: spec.parts.security,
      volumes: spec.parts.volumes,
      scheduling: spec.parts.scheduling,
      replicated: kind.replicated(props),
      restartPolicy: kind.restartPolicy,
      appArmor: spec.appArmor,
      persistentMounts: kind.persistentMounts,
      side: spec.parts.side,
      terminationGracePeriodSeconds: props.terminationGracePeriodSeconds,
      kindMounts: kind.kindMounts,
      kindVolumes: kind.kindVolumes?.(this.name),
    });
    this.placement.members?.push(this);
    this._intents = new WorkloadIntents({
      workload: this,
      namespace: this.namespace,
      selector: this.selector,
      mtls: this.mesh?.mtls,
      allowIntraNamespace: placement.allowIntraNamespace,
      holes: () => meshHoles(this.mesh, ClusterSettings.of(this), this._parts.side.withProbedPorts(this._parts.probes.probedPorts())),
    });
    this._metadata = { name: this.name, namespace: this.namespace, labels: this.labels };
    this.serviceAccount = new ApiObject(this, 'ServiceAccount', {
      apiVersion: 'v1', kind: 'ServiceAccount', metadata: this.serviceAccountName === this.name ? this._metadata : { ...this._metadata, name: this.serviceAccountName }, automountServiceAccountToken: false,
    });
  }

  /**
   * Admit connections from `peer` to this workload: ingress here and, when the peer is a
   * workload of this library, egress there. Never isolates a peer that is not one.
   */
  public allowFrom(peer: IPeer, options: ConnectionOptions = {}): void {
    connectPeers(this.path, peer, this, options);
  }

  /**
   * Let this workload connect to `peer`: egress here and, when the peer is a workload of this
   * library, ingress there. Same manifests as `peer.allowFrom(this)`.
   */
  public allowTo(peer: IPeer, options: ConnectionOptions = {}): void {
    connectPeers(this.path, this, peer, options);
  }

  /**
   * Expose this workload through an existing Gateway (or Ingress controller): an HTTPRoute (or
   * Ingress) for `hostnames` (plus a ReferenceGrant when the route is in another namespace than
   * the workload), ingress from the gateway's pods only, on the container port, and, when the
   * gateway is meshed, its identity in the AuthorizationPolicy.
   */
  public exposeVia(gateway: IEntryPoint, options: ExposeOptions): void {
    exposeWorkload(this.northSouth(), gateway, options);
  }

  /**
   * Let this workload reach an external host by DNS name: a CiliumNetworkPolicy with `toFQDNs`
   * where the cluster runs Cilium, else (in a sidecar mesh) a ServiceEntry and a REGISTRY_ONLY
   * Sidecar. Anywhere else it is an error: a plain NetworkPolicy cannot match names (use Peer.ipBlock).
   */
  public allowToHost(hostname: string, options: AllowToHostOptions): void {
    allowWorkloadToHost(this.northSouth(), hostname, options);
  }

  /**
   * Another Service in front of this workload's pods, beside its own: Online Boutique's
   * LoadBalancer `frontend-external` beside the ClusterIP `frontend`. Its name must be a DNS-1035
   * label; its ports default to the workload's own Service's, each may target any declared
   * container port, and no (port, protocol) pair may repeat. A LoadBalancer or NodePort Service
   * counts against the namespace's quota (`services.loadbalancers` per Service,
   * `services.nodeports` per port).
   */
  public addService(name: string, options: AddServiceOptions = {}): ApiObject {
    return addWorkloadService({
      // Every kind that has its own Service makes it its child 'Service'; a node agent or a Job has none to clash with.
      scope: this, path: this.path, serviceName: this.node.tryFindChild('Service') ? this.serviceName : undefined, namespace: this.namespace, labels: this.labels, selector: this.selector,
      ports: this.ports, servicePorts: this._parts.ports.servicePorts, meshed: this.mesh !== undefined, placement: this.placement,
    }, name, options);
  }

  /**
   * Labels the pods (not the selector) so the SecureService named `serviceName` selects them.
   * @internal
   */
  public _joinService(serviceName: string): void {
    this._pod._addLabel(`${SERVICE_MEMBER_LABEL_PREFIX}${serviceName}`, 'true');
  }

  private northSouth(): NorthSouthWorkload {
    return { scope: this, workload: this, serviceName: this.serviceName, intents: this._intents, labels: this.labels, servicePorts: this._parts.ports.servicePorts, mesh: this.mesh?.mode };
  }

  /** The connections this workload is part of, in declaration order. */
  public get declaredConnections(): Connection[] {
    return [...this._intents.connections];
  }

  public recordConnection(connection: Connection): void {
    this._intents.add(connection);
  }

  public toPeerInfo(): PeerInfo {
    // One per workload, shared by all its connections.
    return this.peerInfo ??= {
      kind: PeerKind.WORKLOAD,
      description: `${this.kindSpec.kind} ${this.path}`,
      namespace: this.namespace,
      podLabels: this.selector,
      mesh: this.mesh?.mode,
      serviceAccountName: this.serviceAccountName,
      workload: this,
    };
  }

  /** What the workload may claim from its namespace at its largest. */
  public abstract footprint(): ResourceFootprint;

  /** The limits of the app container and of its init containers and sidecars (the namespace checks the injected proxy's once, itself). */
  public containerLimits(): ContainerLimits[] {
    return [
      { container: this._parts.container.name, limits: { ...this._parts.resources.limits } },
      ...this._parts.side.containers.map((c) => ({ container: c.name, limits: { ...c.resources.limits } })),
    ];
  }

  /**
   * Quota keys one pod claims: the app container's requests and limits, plus the injected
   * sidecar's, which is part of every pod the quota admits. With init containers or sidecars,
   * the pod's effective request (`effectivePodQuota`), the injected proxy in its place.
   * @internal
   */
  protected _perPodQuota(): { [key: string]: string } {
    const side = this._parts.side.containers;
    if (side.length) {
      const proxy = this.mesh?.mode === MeshMode.SIDECAR ? this.placement.sidecarFootprint : undefined;
      return injectedPodQuota(this._parts.resources.quotaKeys(), side.map((c) => ({ role: c.role, keys: c.resources.quotaKeys() })),
        proxy && { keys: proxy, native: this.kindSpec.nativeSidecar === true || istioInjectsNativeSidecar(ClusterSettings.of(this)) });
    }
    const perPod = this._parts.resources.quotaKeys();
    if (this.mesh?.mode === MeshMode.SIDECAR) {
      for (const [key, q] of Object.entries(this.placement.sidecarFootprint ?? {})) {
        perPod[key] = perPod[key] !== undefined ? addQuantities(perPod[key], q) : q;
      }
    }
    return perPod;
  }

  /**
   * The NetworkPolicy and AuthorizationPolicy, rendered at synth from the intents, and the
   * synth-time checks. Kinds call it last, so the policies follow the kind's objects in the output.
   * @internal
   */
  protected _addPolicies(): void {
    (this as { networkPolicy: ApiObject }).networkPolicy = new ApiObject(this, 'NetworkPolicy', {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: this._metadata,
      spec: Lazy.any({ produce: () => this.renderNetworkPolicy() }),
    });
    if (this.mesh) {
      (this as { authorizationPolicy?: ApiObject }).authorizationPolicy = new AuthorizationPolicy(this, 'AuthorizationPolicy', {
        metadata: this._metadata,
        spec: Lazy.any({ produce: () => this.renderAuthorizationPolicy()?.spec }),
      });
    }
    this.node.addValidation({ validate: () => this.violations() });
    // The Service, policies and the other objects as written (the pod and its account are judged by violations()).
    judgeWrittenObjects(this, () => [this.serviceAccount]);
    checkIdentities(this);
  }

  /** The pod template, as the kind's object embeds it. @internal */
  protected _renderPodTemplate(): KubePodTemplate {
    return this._pod._toKube();
  }

  /**
   * The checks' result. cdk8s runs validations once per chart, so both parts are cached: Pod
   * Security depends only on what the constructor fixed (pod spec, mesh, placement) and is judged
   * once; the AuthorizationPolicy's problems depend on the connections and are judged again only
   * after `allowFrom`/`allowTo` added one. The rendered objects are not kept: the check renders
   * them once and serialization again, so thousands of workloads do not hold a second copy of
   * their manifests until synth ends.
   */
  private violations(): string[] {
    const settings = ClusterSettings.of(this);
    // The workload's own requireDigest was judged when it was built; the app-wide one is read here.
    this.podSecurityChecked ??= [
      ...(this.requireDigest === undefined && settings.requireDigest ? [digestProblem(this._parts.container.image, 'ClusterSettings requireDigest')] : []),
      ...sideSynthProblems(this._parts.container.preStop, this._parts.side, {
        requireDigest: this.requireDigest === undefined && settings.requireDigest,
        meshedToCompletion: this.kindSpec.nativeSidecar && this.mesh?.mode === MeshMode.SIDECAR ? this.kindSpec.kind : undefined,
      }, settings),
      ...this.podSecurityViolations(withInjectedContainers(this._renderPodTemplate(), this.mesh, settings)).map((v) => v.message),
    ].filter((x): x is string => x !== undefined);
    const podOf = this.kindSpec.podOf ?? ((json: any) => json.spec.template);
    const patched = [...patchedWorkloadProblems({
      // Every kind makes its own object the default child.
      workload: this.node.defaultChild as ApiObject,
      serviceAccount: this.serviceAccount,
      ownPod: () => withInjectedContainers(this._renderPodTemplate(), this.mesh, settings),
      podOf: (json) => withInjectedContainers(podOf(json), this.mesh, settings),
      judge: (pod) => this.podSecurityViolations(pod, false),
      mesh: this.mesh,
      namespace: this.namespace,
      tokenRelaxed: this._parts.security.automountServiceAccountToken,
    })];
    const metadata = ClusterSettings.of(this).metadataCidrs;
    const blocks = this._intents.memo(`metadata-problems ${metadata.join(',')}`, () => this._intents.connections
      .flatMap((c) => [c.from, c.to]).map((p) => ipBlockMetadataProblem(p, metadata)).filter((p): p is string => p !== undefined));
    if (blocks.length) patched.push(...new Set(blocks));
    if (!this.mesh) return patched.length ? [...this.podSecurityChecked, ...patched] : this.podSecurityChecked;
    const meshProblems = this._intents.memo('authorization-problems', () => this.renderAuthorizationPolicy()?.problems ?? []);
    return [...this.podSecurityChecked, ...patched, ...meshProblems];
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
        const side = this._parts.side.containers.find((c) => v.field.startsWith(`spec.initContainers[${c.name}].`));
        const where = cause ? `, set by \`${side ? `${side.at}.` : ''}relax.${cause}\`` : injected ? ', injected by Istio without its CNI plugin' : '';
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
   * The problems the shared core and the kind find with `props`, without building anything.
   * @internal
   */
  public static _kindInputProblems(scope: Construct, id: string, props: SecurePodProps, kind: WorkloadKindSpec): string[] {
    return SecureWorkload.normalize(id, props, placementOf(scope), kind, SecureWorkload.targetFor(childPath(scope, id), scope, props)).problems;
  }

  /**
   * The target versions, for props whose validity depends on them. Only then are they read at
   * construction (so a later ClusterSettings.apply() names this workload instead of going
   * unseen); everything else reads them at synth.
   */
  private static targetFor(path: string, scope: Construct, props: SecurePodProps | undefined): TargetVersions | undefined {
    return props?.hostUsers === false || props?.appArmorProfile !== undefined ? ClusterSettings.readNow(path, scope) : undefined;
  }

  /** Checks and defaults the props into the pod's typed parts: every problem, or the spec when there is none. */
  private static normalize(id: string, props: SecurePodProps, placement: Placement, kind: WorkloadKindSpec, target: TargetVersions | undefined) {
    const p = props ?? ({} as SecurePodProps);
    // Types first: the checks below read the props as their declared types.
    const shape = propsShapeProblems(p, WORKLOAD_PROPS_FIELDS);
    if (shape.length > 0) return { problems: shape, spec: undefined };
    const parts = podParts(p, kind.defaultProbes);
    const meshed = placement.mesh !== undefined && p.mesh !== false;
    const portNumbers = parts.ports.ports.map((q) => q.port);
    const own = kind.problems(parts);
    // In the order the props are documented, so one error reads like the props it is about.
    const found = [
      placementProblem(placement),
      ...parts.container.imageProblems(),
      p.name !== undefined ? checkDnsLabel('name', p.name) : undefined,
      p.serviceAccountName !== undefined ? checkDnsSubdomain('serviceAccountName', p.serviceAccountName) : undefined,
      p.serviceName !== undefined ? checkDns1035Label('serviceName', p.serviceName) : undefined,
      ...parts.ports.problems(),
      ...own.afterPorts,
      ...parts.resources.problems(),
      ...parts.security.problems(),
      ...parts.volumes.problems(),
      ...parts.container.envProblems(),
      ...parts.probes.problems(portNumbers),
      ...lifecycleProblems(p, parts.side, portNumbers),
      ...parts.side.problems(),
      ...parts.scheduling.problems(),
      target ? userNamespaceProblem(p.hostUsers, target) : undefined,
      ...p.appArmorProfile?.problems() ?? [],
      p.labels ? checkLabels('label', p.labels) : undefined,
      ...reservedKeyProblems('label', 'pod label', p.labels),
      p.podAnnotations ? checkAnnotationKeys('podAnnotations', p.podAnnotations) : undefined,
      ...reservedKeyProblems('podAnnotations', 'pod annotation', p.podAnnotations),
      checkLabels('appName', { 'app.kubernetes.io/name': p.appName ?? id }),
      p.version !== undefined ? checkLabels('version', { 'app.kubernetes.io/version': p.version }) : undefined,
      p.partOf !== undefined ? checkLabels('partOf', { 'app.kubernetes.io/part-of': p.partOf }) : undefined,
      p.requireDigest === true && typeof p.image === 'string' ? digestProblem(p.image, 'requireDigest') : undefined,
      ...(p.requireDigest === true ? parts.side.digestProblems('requireDigest') : []),
      ...(meshed ? parts.security.meshProblems(placement.mesh!.mode) : []),
      p.relax?.hostPaths?.length && !kind.hostPaths
        ? `relax.hostPaths mounts host directories, which only a node agent should read (a ${kind.kind}'s pods move between nodes). Fix: use a SecureDaemonSet, or read what you need through the Kubernetes API or a volume.` : undefined,
      p.mesh === true && !placement.mesh ? 'mesh is true but the app is not in a namespace with a mesh. Fix: define it inside an IsolatedNamespace with `mesh`, or drop the prop.' : undefined,
      ...own.last,
    ].filter((x): x is string => x !== undefined);
    if (found.length > 0) return { problems: found, spec: undefined };
    // Only now, with the props sound: the kind's volumes are derived from them.
    const clashes = parts.side.containers.length ? parts.side.volumeClashes([...kind.persistentMounts ?? [], ...kind.kindVolumes?.(id) ?? []]) : [];
    if (clashes.length > 0) return { problems: clashes, spec: undefined };
    // Opting out of a meshed namespace: labels Istio's injector and ztunnel honour.
    const meshOptOutLabels: { [key: string]: string } | undefined = placement.mesh && p.mesh === false
      ? (placement.mesh.mode === MeshMode.SIDECAR ? { 'sidecar.istio.io/inject': 'false' } : { 'istio.io/dataplane-mode': 'none' })
      : undefined;
    const appArmor = p.appArmorProfile && target ? p.appArmorProfile._render(target, [parts.container.name]) : undefined;
    return { problems: found, spec: { parts, meshed, meshOptOutLabels, appArmor } };
  }
}
