/**
 * Jest matchers over the pure engines: NetworkModel for traffic, checkPodSecurity for Pod Security.
 * They take a cdk8s Chart, an App (all its charts) or plain manifests, so the same assertion works
 * on a chart under construction and on YAML from elsewhere.
 */
import { createHash } from 'crypto';
import { Chart, Testing } from 'cdk8s';
import { IConstruct } from 'constructs';
import { Endpoint, NetworkModel, NetworkModelOptions } from '../checks/reachability';
import { templatePrefix } from '../checks/rules';
import { PodSecurityLevelName, checkPodSecurity, podTemplateOf } from '../checks/pod-security';
import type { IEntryPoint } from '../model/gateway';
import { SecureConfigError } from '../core/errors';

/** What the matchers accept: a Chart, an App, or manifests (plain objects, e.g. parsed YAML). */
export type ManifestSource = Chart | { readonly charts: readonly Chart[] } | readonly unknown[];

/** A workload with a name and (maybe) a namespace, such as a SecureApp. */
export interface NamedWorkload {
  readonly name: string;
  readonly namespace?: string;
  /** The workload's object: one of these, as the library's workload kinds name it. */
  readonly deployment?: unknown;
  readonly statefulSet?: unknown;
  readonly daemonSet?: unknown;
  readonly job?: unknown;
  readonly cronJob?: unknown;
}

// The member that holds each kind's object on the library's workloads.
const WORKLOAD_MEMBERS: ReadonlyArray<readonly [keyof NamedWorkload, string]> = [
  ['deployment', 'Deployment'], ['statefulSet', 'StatefulSet'], ['daemonSet', 'DaemonSet'], ['job', 'Job'], ['cronJob', 'CronJob'],
];

/** Several workloads behind one Service, such as a SecureService. */
export interface WorkloadGroup {
  readonly workloads: readonly NamedWorkload[];
}

/**
 * An Endpoint, a workload of this library standing for its pods, a Gateway / IngressController
 * standing for its pods, or a SecureService standing for every workload behind it.
 */
export type EndpointLike = Endpoint | NamedWorkload | IEntryPoint | WorkloadGroup;

function isGroup(e: unknown): e is WorkloadGroup {
  return typeof e === 'object' && e !== null && !(e instanceof Endpoint) && Array.isArray((e as WorkloadGroup).workloads);
}

function isEntryPoint(e: unknown): e is IEntryPoint {
  return typeof e === 'object' && e !== null && typeof (e as IEntryPoint).toPeerInfo === 'function' && typeof (e as IEntryPoint).entry === 'object';
}

export interface TrafficOptions {
  /** Port number, or a container port name of the destination. */
  readonly port: number | string;
  /**
   * TCP, UDP or SCTP.
   * @default - TCP for numeric ports; the named port's protocol
   */
  readonly protocol?: string;
  /**
   * Options of the NetworkModel, e.g. labels of namespaces that are not among the manifests.
   * @default - none
   */
  readonly model?: NetworkModelOptions;
}

/** The subset of jest's matcher context the matchers use. */
export interface MatcherContextLike {
  readonly isNot?: boolean;
}

export interface MatcherResult {
  readonly pass: boolean;
  readonly message: () => string;
}

function isApp(x: unknown): x is { charts: readonly Chart[] } {
  return typeof x === 'object' && x !== null && Array.isArray((x as any).charts) && typeof (x as any).synth === 'function';
}

/** The manifests of a Chart (`Testing.synth`), of every chart of an App, or the array itself. */
export function manifestsOf(subject: ManifestSource): any[] {
  if (Array.isArray(subject)) return [...subject];
  if (Chart.isChart(subject)) return Testing.synth(subject as Chart);
  if (isApp(subject)) return subject.charts.flatMap((c) => Testing.synth(c));
  throw new TypeError(`expected a cdk8s Chart, App or an array of manifests, got ${describeValue(subject)}.`);
}

function describeValue(x: unknown): string {
  if (x === null || x === undefined) return String(x);
  if (typeof x === 'object') {
    const name: string | undefined = (x as any).constructor?.name;
    return name ? `${/^[AEIOU]/.test(name) ? 'an' : 'a'} ${name}` : 'an object';
  }
  return `${typeof x} ${JSON.stringify(x)}`;
}

/**
 * An Endpoint for a workload of this library: its Deployment (StatefulSet, DaemonSet, Job, CronJob) in its namespace, or else in
 * `defaultNamespace`, where the model puts namespace-less manifests too.
 */
export function toEndpoint(e: EndpointLike, defaultNamespace: string = 'default'): Endpoint {
  if (e instanceof Endpoint) return e;
  if (isEntryPoint(e)) return Endpoint.pods(e.entry.namespace, { ...(e.toPeerInfo().podLabels ?? {}) });
  if (e && typeof (e as NamedWorkload).name === 'string') {
    const w = e as NamedWorkload;
    const kind = WORKLOAD_MEMBERS.find(([member]) => w[member] !== undefined)?.[1];
    if (kind) return Endpoint.workload(w.namespace ?? defaultNamespace, w.name, kind);
  }
  throw new TypeError(`expected an Endpoint (Endpoint.workload(...), Endpoint.pods(...), Endpoint.ip(...)) or a SecureApp, got ${describeValue(e)}.`);
}

/**
 * The container ports an entry point's routes send to `to`: HTTPRoutes whose parentRefs name the
 * Gateway (Ingresses of the IngressClass), through a Service whose selector picks `to`'s pods.
 */
function routedPorts(manifests: any[], entry: IEntryPoint, to: NamedWorkload): { ports: Array<number | string>; routes: string[] } {
  const e = entry.entry;
  const ns = to.namespace ?? 'default';
  const services = manifests.filter((m) => m?.kind === 'Service' && (m.metadata?.namespace ?? 'default') === ns);
  const kinds = WORKLOAD_MEMBERS.filter(([member]) => to[member] !== undefined).map(([, kind]) => kind);
  const object = manifests.find((m) => kinds.includes(m?.kind) && m.metadata?.name === to.name && (m.metadata?.namespace ?? 'default') === ns);
  const podLabels: Record<string, string> = object?.spec?.template?.metadata?.labels ?? object?.spec?.jobTemplate?.spec?.template?.metadata?.labels ?? {};
  const targets = (name: string, port: number) => services
    .filter((svc) => svc.metadata?.name === name && Object.entries(svc.spec?.selector ?? {}).every(([k, v]) => podLabels[k] === v))
    .flatMap((svc) => (svc.spec?.ports ?? []).filter((sp: any) => sp.port === port).map((sp: any) => sp.targetPort ?? sp.port));
  const ports: Array<number | string> = [];
  const routes: string[] = [];
  for (const m of manifests) {
    const routeNs = m?.metadata?.namespace ?? 'default';
    if (e.type === 'gateway' && m?.kind === 'HTTPRoute') {
      const attached = (m.spec?.parentRefs ?? []).some((r: any) => (r.kind ?? 'Gateway') === 'Gateway' && r.name === e.name && (r.namespace ?? routeNs) === e.namespace
        && (e.sectionName === undefined || r.sectionName === undefined || r.sectionName === e.sectionName));
      if (!attached) continue;
      for (const rule of m.spec?.rules ?? []) {
        for (const b of rule.backendRefs ?? []) {
          if ((b.kind ?? 'Service') !== 'Service' || (b.namespace ?? routeNs) !== ns) continue;
          const t = targets(b.name, b.port);
          if (t.length) routes.push(`HTTPRoute ${routeNs}/${m.metadata?.name}`);
          ports.push(...t);
        }
      }
    }
    if (e.type === 'ingress' && m?.kind === 'Ingress' && m.spec?.ingressClassName === e.name && routeNs === ns) {
      for (const rule of m.spec?.rules ?? []) {
        for (const path of rule.http?.paths ?? []) {
          const svc = path.backend?.service;
          const t = svc ? targets(svc.name, svc.port?.number) : [];
          if (t.length) routes.push(`Ingress ${routeNs}/${m.metadata?.name}`);
          ports.push(...t);
        }
      }
    }
  }
  return { ports: [...new Set(ports)], routes: [...new Set(routes)] };
}

/**
 * `expect(subject).toAllowTraffic(from, to, { port, protocol })`. From a Gateway or
 * IngressController to a workload the port may be left out: the flow is then whatever the
 * entry point's routes (HTTPRoute, Ingress) send to the workload, and it passes only when a
 * route exists and the NetworkPolicies admit the entry point's pods on its port.
 */
export function toAllowTraffic(
  this: MatcherContextLike | void,
  subject: ManifestSource,
  from: EndpointLike,
  to: EndpointLike,
  options?: TrafficOptions,
): MatcherResult {
  if (isGroup(from) || isGroup(to)) {
    // A SecureService is each workload behind it: allowed when every flow is, denied (for
    // `.not`) only when every flow is.
    const manifests = manifestsOf(subject);
    const froms: EndpointLike[] = isGroup(from) ? [...from.workloads] : [from];
    const tos: EndpointLike[] = isGroup(to) ? [...to.workloads] : [to];
    const results = froms.flatMap((f) => tos.map((t) => toAllowTraffic.call(this, manifests, f, t, options)));
    const negated = !!(this && this.isNot);
    const pass = negated ? results.some((r) => r.pass) : results.every((r) => r.pass);
    return { pass, message: () => results.map((r) => r.message()).join('\n') };
  }
  if (isEntryPoint(from) && !(to instanceof Endpoint) && !isEntryPoint(to) && (!options || options.port === undefined)) {
    const manifests = manifestsOf(subject);
    const { ports, routes } = routedPorts(manifests, from, to as NamedWorkload);
    const where = from.toPeerInfo().description;
    if (ports.length === 0) {
      return { pass: false, message: () => `expected traffic from ${where} to ${(to as NamedWorkload).name}, but no ${from.entry.type === 'gateway' ? 'HTTPRoute attached to it' : 'Ingress of its class'} routes to a Service of ${(to as NamedWorkload).name}.` };
    }
    const results = ports.map((port) => toAllowTraffic.call(this, manifests, from, to, { ...options, port }));
    const pass = results.every((r) => r.pass);
    return { pass, message: () => `through ${routes.join(', ')}:\n${results.map((r) => r.message()).join('\n')}` };
  }
  if (!options || (typeof options.port !== 'number' && typeof options.port !== 'string')) {
    throw new TypeError('toAllowTraffic(from, to, { port, protocol? }): port is required, a number or a container port name.');
  }
  const src = toEndpoint(from, options.model?.defaultNamespace);
  const dst = toEndpoint(to, options.model?.defaultNamespace);
  const model = NetworkModel.fromManifests(manifestsOf(subject), options.model);
  const verdict = model.check(src, dst, options.port, options.protocol);
  const flow = `${src} to ${dst} on ${options.port}${options.protocol ? `/${options.protocol}` : ''}`;
  const reasons = verdict.reasons.map((r) => `  - ${r}`).join('\n');
  return {
    pass: verdict.allowed,
    message: () => verdict.allowed
      ? `expected traffic from ${flow} to be denied, but it is allowed:\n${reasons}`
      : `expected traffic from ${flow} to be allowed, but it is denied:\n${reasons}`,
  };
}

/** `expect(subject).toPassPodSecurity(level, version)`: every pod template passes. */
export function toPassPodSecurity(
  this: MatcherContextLike | void,
  subject: ManifestSource,
  level: PodSecurityLevelName,
  version: string = 'latest',
): MatcherResult {
  const templates = manifestsOf(subject).flatMap((m) => {
    const t = podTemplateOf(m);
    return t ? [{ m, t }] : [];
  });
  // Passing vacuously would let a test of the wrong chart pass, in either direction.
  if (templates.length === 0) {
    throw new SecureConfigError('toPassPodSecurity', ['the subject has no pod templates (Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob, ReplicationController) to judge.']);
  }
  const failures: string[] = [];
  for (const { m, t } of templates) {
    const id = `${m.kind} ${m.metadata?.namespace ? `${m.metadata.namespace}/` : ''}${m.metadata?.name ?? '<unnamed>'}`;
    for (const v of checkPodSecurity(t, level, version)) {
      failures.push(`  - ${id}: ${v.check} at ${templatePrefix(m.kind)}${v.field}: ${v.message}. Fix: ${v.fix}`);
    }
  }
  const what = `Pod Security "${level}" (${version})`;
  return {
    pass: failures.length === 0,
    message: () => failures.length === 0
      ? `expected some pod template to fail ${what}, but all ${templates.length} pass`
      : `expected every pod template to pass ${what}, but ${failures.length} check${failures.length === 1 ? ' fails' : 's fail'}:\n${failures.join('\n')}`,
  };
}

// ---------------------------------------------------------------------------------------------
// Snapshots

/** Placeholder for the construct-path hash cdk8s appends to generated names. */
export const HASH_PLACEHOLDER = '<hash>';

// Names.toDnsLabel / toLabelValue / Chart.generateObjectName end in '-' + the first 8 characters
// of the construct's address: 'c8' + 6 hex digits (sha256 hex with CDK8S_LEGACY_HASH).
const GENERATED_HASH = /-(c8[0-9a-f]{6})(?![0-9a-z])/g;
// Either shape; only replaced when it is the hash of a construct of the subject's tree.
const ANY_HASH = /-([0-9a-f]{8})(?![0-9a-z])/g;

function constructHashes(root: IConstruct): Set<string> {
  const hashes = new Set<string>();
  for (const c of root.node.findAll()) {
    hashes.add(c.node.addr.slice(0, 8));
    hashes.add(createHash('sha256').update(c.node.path).digest('hex').slice(0, 8));
  }
  return hashes;
}

function rootOf(subject: ManifestSource): IConstruct | undefined {
  if (Array.isArray(subject)) return undefined;
  return (subject as unknown as IConstruct).node?.root;
}

/**
 * The manifests of `subject` in a stable, readable form for `toMatchSnapshot()`: sorted by kind,
 * namespace and name (then original order), with the hash cdk8s appends to generated names
 * replaced by `<hash>`.
 *
 * Why the hash: it is derived from the full construct path, so it changes whenever any ancestor
 * id changes (renaming a chart churns every name and every reference to it), it differs between
 * environments with and without `CDK8S_LEGACY_HASH`, and it tells a reviewer nothing the readable
 * part of the name does not. cdk8s output contains nothing random; everything else is kept.
 *
 * For a Chart or App only hashes of constructs in its tree are replaced; for plain manifests,
 * any `-c8xxxxxx` suffix (the shape of cdk8s hashes) is.
 */
export function stableSnapshot(subject: ManifestSource): any[] {
  const manifests = manifestsOf(subject);
  const root = rootOf(subject);
  const known = root ? constructHashes(root) : undefined;
  const normalize = (s: string) => s.replace(known ? ANY_HASH : GENERATED_HASH, (whole, hash) =>
    (!known || known.has(hash) ? `-${HASH_PLACEHOLDER}` : whole));
  const clean = manifests.map((m) => deepMap(m, normalize));
  const key = (m: any) => [String(m?.kind ?? ''), String(m?.metadata?.namespace ?? ''), String(m?.metadata?.name ?? '')];
  return clean
    .map((m, i) => ({ m, i, k: key(m) }))
    .sort((a, b) => compareKeys(a.k, b.k) || a.i - b.i)
    .map((x) => x.m);
}

function compareKeys(a: string[], b: string[]): number {
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
  }
  return 0;
}

/** Copies `value`, applying `f` to every string, keys included (labels can hold generated names). */
function deepMap(value: unknown, f: (s: string) => string): any {
  if (typeof value === 'string') return f(value);
  if (Array.isArray(value)) return value.map((v) => deepMap(v, f));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[f(k)] = deepMap(v, f);
    return out;
  }
  return value;
}
