/**
 * Compliance rules as pure functions over plain manifests (parsed YAML or `Chart.toJson()`), so
 * that the cdk8s validation plugin, the `cdk8s-secure report` CLI and the jest matchers all judge
 * with the same code, and so that they judge any manifests, not only ones this library made
 * (YAML pulled in with `Include`, Helm output, hand-written objects).
 *
 * Every rule reports the resources it looked at (`checked`) and the ones that fail (`failed`), so
 * a report can say "12 of 12 workloads pass" rather than only list problems: a rule that looked
 * at nothing must be visible as such.
 */
import { Endpoint, NetworkModel } from './reachability';
import { CompiledPolicy, CompiledRule, runningContainers } from './reachability-manifests';
import { LabelMatcher, Labels, compileSelector, selectsEverything } from './reachability-selectors';
import { imageProblem } from '../core/validate';
import { LATEST_POD_SECURITY_MINOR, PodSecurityLevelName, checkPodSecurity, parsePodSecurityVersion, podTemplateOf } from './pod-security';

export type RuleId = 'pod-security' | 'network-isolation' | 'service-monitor-port' | 'pdb' | 'image-tag';

/** A rule, for listings and reports. */
export interface RuleInfo {
  readonly id: RuleId;
  /** One line: what passing the rule means. */
  readonly title: string;
  /** What the rule counts in `checked`. */
  readonly subjects: string;
}

/** Every rule, in the order they run and are reported. */
export const RULES: readonly RuleInfo[] = [
  { id: 'pod-security', title: 'Pod templates pass the Pod Security level of their namespace', subjects: 'pod templates and Namespaces' },
  { id: 'network-isolation', title: 'Workloads are isolated by NetworkPolicies for ingress and egress; namespaces have a default-deny policy', subjects: 'workloads and namespaces' },
  { id: 'service-monitor-port', title: 'ServiceMonitor and PodMonitor endpoints name a port of what they select', subjects: 'ServiceMonitors and PodMonitors' },
  { id: 'pdb', title: 'Replicated workloads have a PodDisruptionBudget', subjects: 'workloads with 2 or more replicas' },
  { id: 'image-tag', title: 'Container images are pinned by tag or digest, never :latest', subjects: 'pod templates' },
];

export const RULE_IDS: readonly RuleId[] = RULES.map((r) => r.id);

/** Options of the rules; the plugin's `properties` and the CLI's flags map onto these. */
export interface RuleOptions {
  /**
   * Pod Security level for namespaces that are not among the manifests or whose Namespace has no
   * `pod-security.kubernetes.io/enforce` label: the cluster's admission default.
   * @default 'restricted'
   */
  readonly defaultLevel?: PodSecurityLevelName;
  /**
   * Pod Security version that goes with `defaultLevel`, and for namespaces with an enforce label
   * but no `enforce-version` label.
   * @default 'latest'
   */
  readonly defaultVersion?: string;
  /**
   * Namespace of namespaced objects without `metadata.namespace`, i.e. where `kubectl apply`
   * would put them.
   * @default 'default'
   */
  readonly defaultNamespace?: string;
  /**
   * Rules not to run.
   * @default - all rules run
   */
  readonly disable?: string[];
}

/** A manifest a finding is about. */
export interface ResourceRef {
  readonly apiVersion?: string;
  readonly kind: string;
  /** Effective namespace; undefined for cluster-scoped objects (Namespace). */
  readonly namespace?: string;
  readonly name: string;
  /**
   * Index of the manifest in the array given to the rules (of the enclosing `List` for a List's
   * items), so that callers can map findings back to files.
   */
  readonly index: number;
}

/** One problem found by a rule. */
export interface Finding {
  readonly rule: RuleId;
  /** What failed, for humans: e.g. `Deployment shop/web` or `namespace shop`. */
  readonly subject: string;
  /**
   * The manifests to change: the offending object, or, for a namespace that is not among the
   * manifests, its workloads.
   */
  readonly resources: ResourceRef[];
  /** JSON path of the offending field in the first resource, when there is one. */
  readonly field?: string;
  /** What is wrong. */
  readonly message: string;
  /** What to do about it. */
  readonly fix: string;
}

/** The outcome of one rule. */
export interface RuleResult {
  readonly rule: RuleId;
  readonly title: string;
  /** How many subjects the rule judged (see `RuleInfo.subjects`). */
  readonly checked: number;
  /** How many of them have at least one finding. */
  readonly failed: number;
  /** `checked - failed`. */
  readonly passed: number;
  readonly findings: Finding[];
}

interface NormalizedOptions {
  readonly defaultLevel: PodSecurityLevelName;
  readonly defaultVersion: string;
  readonly defaultNamespace: string;
  readonly disable: ReadonlySet<RuleId>;
}

const LEVELS: readonly PodSecurityLevelName[] = ['privileged', 'baseline', 'restricted'];

/**
 * What is wrong with the value of one option, or undefined. `name` is what the message calls the
 * option: the property by default, a flag for the CLI, which checks each flag as it reads it.
 */
export function ruleOptionProblem<K extends keyof RuleOptions>(option: K, value: RuleOptions[K], name: string = option): string | undefined {
  switch (option) {
    case 'defaultLevel':
      if (!LEVELS.includes(value as PodSecurityLevelName)) {
        return `${name} ${JSON.stringify(value)} is not a Pod Security level. Fix: use "privileged", "baseline" or "restricted".`;
      }
      return undefined;
    case 'defaultVersion':
      try {
        parsePodSecurityVersion(value as string);
        return undefined;
      } catch (e) {
        return `${name}: ${(e as Error).message}`;
      }
    case 'defaultNamespace':
      if (typeof value !== 'string' || !/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(value)) {
        return `${name} ${JSON.stringify(value)} is not a namespace name. Fix: use a DNS label such as "default".`;
      }
      return undefined;
    default: {
      if (!Array.isArray(value)) return `${name} must be a list of rule ids (${RULE_IDS.join(', ')}), got ${JSON.stringify(value)}.`;
      const unknown = value.find((id) => !(RULE_IDS as readonly unknown[]).includes(id));
      return unknown === undefined ? undefined : `${name}: unknown rule ${JSON.stringify(unknown)}. Fix: use one of ${RULE_IDS.join(', ')}.`;
    }
  }
}

/** Checks options and fills in defaults; throws one error naming the bad option and the fix. */
export function normalizeRuleOptions(options: RuleOptions = {}): NormalizedOptions {
  const filled: Required<RuleOptions> = {
    defaultLevel: options.defaultLevel ?? 'restricted',
    defaultVersion: options.defaultVersion ?? 'latest',
    defaultNamespace: options.defaultNamespace ?? 'default',
    disable: options.disable ?? [],
  };
  for (const option of ['defaultLevel', 'defaultVersion', 'defaultNamespace', 'disable'] as const) {
    const problem = ruleOptionProblem(option, filled[option]);
    if (problem) throw new Error(problem);
  }
  return { ...filled, disable: new Set(filled.disable as RuleId[]) };
}

/** Runs every rule not disabled, in `RULES` order. */
export function runRules(manifests: readonly unknown[], options: RuleOptions = {}): RuleResult[] {
  const opts = normalizeRuleOptions(options);
  const index = indexManifests(manifests, opts.defaultNamespace);
  const impls: Record<RuleId, () => RuleResult> = {
    'pod-security': () => podSecurity(index, opts),
    'network-isolation': () => networkIsolation(manifests, index, opts),
    'service-monitor-port': () => serviceMonitorPort(index),
    'pdb': () => pdb(index),
    'image-tag': () => imageTag(index),
  };
  return RULE_IDS.filter((id) => !opts.disable.has(id)).map((id) => impls[id]());
}

/** `pod-security` alone. */
export function checkPodSecurityRule(manifests: readonly unknown[], options: RuleOptions = {}): RuleResult {
  const opts = normalizeRuleOptions(options);
  return podSecurity(indexManifests(manifests, opts.defaultNamespace), opts);
}

/** `network-isolation` alone. */
export function checkNetworkIsolationRule(manifests: readonly unknown[], options: RuleOptions = {}): RuleResult {
  const opts = normalizeRuleOptions(options);
  return networkIsolation(manifests, indexManifests(manifests, opts.defaultNamespace), opts);
}

/** `service-monitor-port` alone. */
export function checkServiceMonitorPortRule(manifests: readonly unknown[], options: RuleOptions = {}): RuleResult {
  const opts = normalizeRuleOptions(options);
  return serviceMonitorPort(indexManifests(manifests, opts.defaultNamespace));
}

/** `pdb` alone. */
export function checkPdbRule(manifests: readonly unknown[], options: RuleOptions = {}): RuleResult {
  const opts = normalizeRuleOptions(options);
  return pdb(indexManifests(manifests, opts.defaultNamespace));
}

/** `image-tag` alone. */
export function checkImageTagRule(manifests: readonly unknown[], options: RuleOptions = {}): RuleResult {
  const opts = normalizeRuleOptions(options);
  return imageTag(indexManifests(manifests, opts.defaultNamespace));
}

// ---------------------------------------------------------------------------------------------
// Reading manifests

type Obj = Record<string, any>;

interface Entry {
  readonly obj: Obj;
  readonly ref: ResourceRef;
  readonly group: string;
  readonly labels: Labels;
  /** Pod template (metadata + spec) for workloads, as PSA sees it. */
  readonly template?: { metadata?: any; spec?: any };
}

interface ManifestIndex {
  readonly entries: readonly Entry[];
  readonly workloads: readonly Entry[];
  readonly namespaces: ReadonlyMap<string, Entry>;
}

function asRecord(value: unknown): Obj | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Obj) : undefined;
}

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function stringMap(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(asRecord(value) ?? {})) out[k] = String(v);
  return out;
}

function groupOf(apiVersion: unknown): string {
  if (typeof apiVersion !== 'string') return '';
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

// Cluster-scoped kinds the rules read; everything else gets the default namespace.
const CLUSTER_SCOPED = new Set(['Namespace']);

function indexManifests(manifests: readonly unknown[], defaultNamespace: string): ManifestIndex {
  const entries: Entry[] = [];
  const visit = (item: unknown, index: number) => {
    const obj = asRecord(item);
    if (!obj || typeof obj.kind !== 'string') return;
    // `kubectl get -o yaml` and some tools emit `kind: List` (or FooList) wrappers.
    if (obj.kind.endsWith('List') && Array.isArray(obj.items)) {
      for (const child of obj.items) visit(child, index);
      return;
    }
    const metadata = asRecord(obj.metadata) ?? {};
    const name = typeof metadata.name === 'string' && metadata.name !== ''
      ? metadata.name
      : typeof metadata.generateName === 'string' ? `${metadata.generateName}*` : '<unnamed>';
    const namespace = CLUSTER_SCOPED.has(obj.kind)
      ? undefined
      : typeof metadata.namespace === 'string' && metadata.namespace !== '' ? metadata.namespace : defaultNamespace;
    entries.push({
      obj,
      ref: { apiVersion: typeof obj.apiVersion === 'string' ? obj.apiVersion : undefined, kind: obj.kind, namespace, name, index },
      group: groupOf(obj.apiVersion),
      labels: stringMap(metadata.labels),
      template: podTemplateOf(obj),
    });
  };
  manifests.forEach((m, i) => visit(m, i));
  const namespaces = new Map<string, Entry>();
  for (const e of entries) if (e.ref.kind === 'Namespace' && e.group === '') namespaces.set(e.ref.name, e);
  return { entries, workloads: entries.filter((e) => e.template !== undefined), namespaces };
}

function describe(ref: ResourceRef): string {
  return ref.namespace === undefined ? `${ref.kind} ${ref.name}` : `${ref.kind} ${ref.namespace}/${ref.name}`;
}

/**
 * Path of the pod template inside a workload manifest of `kind`, with a trailing dot ('' for a
 * Pod), so that fields of podTemplateOf() point into the file the user sees.
 */
export function templatePrefix(kind: string): string {
  if (kind === 'Pod') return '';
  if (kind === 'CronJob') return 'spec.jobTemplate.spec.template.';
  return 'spec.template.';
}

function result(rule: RuleId, checked: number, findings: Finding[]): RuleResult {
  const failed = new Set(findings.map((f) => f.subject)).size;
  return { rule, title: RULES.find((r) => r.id === rule)!.title, checked, failed, passed: checked - failed, findings };
}

// ---------------------------------------------------------------------------------------------
// pod-security

const PSA = 'pod-security.kubernetes.io';
// Upstream's label parser is stricter than parsePodSecurityVersion: no bare "1.N" in labels.
const LABEL_VERSION_RE = /^v1\.(0|[1-9][0-9]*)$/;

interface NamespacePolicy {
  readonly level: PodSecurityLevelName;
  readonly version: string;
  /** Where the level comes from, for messages. */
  readonly source: string;
}

/**
 * The enforce policy of a namespace, as upstream's PolicyToEvaluate resolves it: labels override
 * the defaults one by one; an invalid level evaluates as restricted and an invalid version as
 * latest (fail closed), and both are findings of their own.
 */
function namespacePolicy(ns: string, entry: Entry | undefined, opts: NormalizedOptions, findings: Finding[]): NamespacePolicy {
  if (!entry) {
    return { level: opts.defaultLevel, version: opts.defaultVersion, source: `namespace "${ns}" is not among the manifests, so the default ${opts.defaultLevel} (${opts.defaultVersion}) applies` };
  }
  const levelLabel = entry.labels[`${PSA}/enforce`];
  const versionLabel = entry.labels[`${PSA}/enforce-version`];
  let level = opts.defaultLevel;
  let version = opts.defaultVersion;
  let source = levelLabel === undefined
    ? `Namespace "${ns}" has no ${PSA}/enforce label, so the default ${opts.defaultLevel} applies`
    : `label ${PSA}/enforce=${levelLabel} of Namespace "${ns}"`;
  if (levelLabel !== undefined) {
    if ((LEVELS as readonly string[]).includes(levelLabel)) {
      level = levelLabel as PodSecurityLevelName;
    } else {
      level = 'restricted';
      source = `Namespace "${ns}" has the invalid label ${PSA}/enforce=${levelLabel}, which admission evaluates as restricted`;
      findings.push({
        rule: 'pod-security',
        subject: describe(entry.ref),
        resources: [entry.ref],
        field: `metadata.labels["${PSA}/enforce"]`,
        message: `Namespace "${ns}" has ${PSA}/enforce=${JSON.stringify(levelLabel)}, which is not a Pod Security level; admission evaluates its pods as restricted`,
        fix: 'set the label to "privileged", "baseline" or "restricted"',
      });
    }
  }
  if (versionLabel !== undefined) {
    if (LABEL_VERSION_RE.test(versionLabel) || versionLabel === 'latest') {
      version = versionLabel;
    } else {
      version = 'latest';
      findings.push({
        rule: 'pod-security',
        subject: describe(entry.ref),
        resources: [entry.ref],
        field: `metadata.labels["${PSA}/enforce-version"]`,
        message: `Namespace "${ns}" has ${PSA}/enforce-version=${JSON.stringify(versionLabel)}, which is not "latest" or "v1.<minor>"; admission evaluates it as latest`,
        fix: `set the label to "latest" or a version such as "v1.${LATEST_POD_SECURITY_MINOR}"`,
      });
    }
  }
  return { level, version, source: `${source} (version ${version})` };
}

function podSecurity(index: ManifestIndex, opts: NormalizedOptions): RuleResult {
  const findings: Finding[] = [];
  const policies = new Map<string, NamespacePolicy>();
  const policyOf = (ns: string) => {
    let p = policies.get(ns);
    if (!p) {
      p = namespacePolicy(ns, index.namespaces.get(ns), opts, findings);
      policies.set(ns, p);
    }
    return p;
  };
  // Label problems are findings even for namespaces without workloads.
  for (const name of index.namespaces.keys()) policyOf(name);
  let checked = 0;
  for (const w of index.workloads) {
    checked++;
    const ns = w.ref.namespace!;
    const policy = policyOf(ns);
    const prefix = templatePrefix(w.ref.kind);
    for (const v of checkPodSecurity(w.template!, policy.level, policy.version)) {
      findings.push({
        rule: 'pod-security',
        subject: describe(w.ref),
        resources: [w.ref],
        field: prefix + v.field,
        message: `${v.message}: fails Pod Security ${policy.level} check ${v.check} (${policy.source})`,
        fix: v.fix,
      });
    }
  }
  return result('pod-security', checked + index.namespaces.size, findings);
}

// ---------------------------------------------------------------------------------------------
// network-isolation

/** A rule with no peers and no ports admits everything in its direction. */
function isAllowAll(rule: CompiledRule): boolean {
  return rule.anyPeer && rule.fixedPorts.isAll();
}

/**
 * Selects every pod of its namespace, isolates both directions, and has no rule that lets
 * everything back in. Allow rules (e.g. DNS egress) are fine: the namespace still denies by default.
 * Judged on the NetworkModel's compiled policy (policyTypes defaulting, malformed parts matching
 * nothing), so that the rule and the model never read one policy two ways.
 */
function isDefaultDeny(policy: CompiledPolicy): boolean {
  if (!policy.selectsAll || !policy.ingress || !policy.egress) return false;
  return !policy.ingress.some(isAllowAll) && !policy.egress.some(isAllowAll);
}

const DEFAULT_DENY_FIX = (ns: string) =>
  `add a NetworkPolicy in namespace "${ns}" with podSelector: {} and policyTypes: [Ingress, Egress] and no rules `
  + '(then allow each flow explicitly); with cdk8s-secure, put the workloads in an IsolatedNamespace';

function networkIsolation(manifests: readonly unknown[], index: ManifestIndex, opts: NormalizedOptions): RuleResult {
  const findings: Finding[] = [];
  const model = NetworkModel.fromManifests([...manifests], { defaultNamespace: opts.defaultNamespace });
  const seen = new Set<string>();
  const namespaces = new Map<string, Entry[]>();
  for (const w of index.workloads) {
    const ns = w.ref.namespace!;
    namespaces.set(ns, [...(namespaces.get(ns) ?? []), w]);
    const key = `${ns}/${w.ref.name}/${w.ref.kind}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const spec = asRecord(w.template!.spec) ?? {};
    const subject = describe(w.ref);
    if (spec.hostNetwork === true) {
      findings.push({
        rule: 'network-isolation', subject, resources: [w.ref], field: `${templatePrefix(w.ref.kind)}spec.hostNetwork`,
        message: 'its pods use the node\'s network namespace (hostNetwork: true), where NetworkPolicies do not apply',
        fix: 'remove hostNetwork, or run the workload where node-level firewalling covers it',
      });
      continue;
    }
    let iso;
    try {
      iso = model.isolation(Endpoint.workload(ns, w.ref.name, w.ref.kind));
    } catch (e) {
      // Two workloads of one kind, namespace and name (a duplicated manifest): the API server
      // would keep only one, so which one is unknowable.
      findings.push({ rule: 'network-isolation', subject, resources: [w.ref], message: `cannot be evaluated: ${(e as Error).message}`, fix: 'give each workload a unique name in its namespace' });
      continue;
    }
    const missing = [...(iso.ingressIsolated ? [] : ['Ingress']), ...(iso.egressIsolated ? [] : ['Egress'])];
    if (missing.length === 0) continue;
    const labels = stringMap(asRecord(w.template!.metadata)?.labels);
    findings.push({
      rule: 'network-isolation',
      subject,
      resources: [w.ref],
      message: `no NetworkPolicy in namespace "${ns}" selects its pods (labels ${JSON.stringify(labels)}) for ${missing.join(' or ')}, so all ${missing.join(' and ').toLowerCase()} traffic is allowed`,
      fix: `add a NetworkPolicy whose podSelector matches these pods with policyTypes [${missing.join(', ')}] and rules for the flows it needs, or a default-deny policy for the namespace; with cdk8s-secure, use SecureApp`,
    });
  }
  for (const [ns, workloads] of namespaces) {
    if (model._policiesIn(ns).some(isDefaultDeny)) continue;
    const nsEntry = index.namespaces.get(ns);
    findings.push({
      rule: 'network-isolation',
      subject: `namespace ${ns}`,
      resources: nsEntry ? [nsEntry.ref] : workloads.map((w) => w.ref),
      message: `namespace "${ns}" has workloads but no default-deny NetworkPolicy (podSelector: {}, policyTypes: [Ingress, Egress]), so any pod added later is open in both directions`,
      fix: DEFAULT_DENY_FIX(ns),
    });
  }
  return result('network-isolation', seen.size + namespaces.size, findings);
}

// ---------------------------------------------------------------------------------------------
// service-monitor-port

interface NamespaceChoice {
  readonly matches: (ns: string) => boolean;
  readonly text: string;
}

/** Prometheus Operator's namespaceSelector: `any: true`, `matchNames`, or else its own namespace. */
function namespaceChoice(spec: Obj, own: string): NamespaceChoice {
  const sel = asRecord(spec.namespaceSelector) ?? {};
  if (sel.any === true) return { matches: () => true, text: 'any namespace' };
  const names = asArray(sel.matchNames).map(String);
  if (names.length > 0) return { matches: (ns) => names.includes(ns), text: `namespaces ${names.join(', ')}` };
  return { matches: (ns) => ns === own, text: `namespace "${own}"` };
}

function containerPortNames(template: { spec?: any }): string[] {
  // The ports of running containers only, as the NetworkModel resolves named ports: a plain init
  // container has exited before Prometheus could scrape it.
  return runningContainers(template.spec).flatMap((c) => asArray(asRecord(c)?.ports).flatMap((p) => {
    const name = asRecord(p)?.name;
    return typeof name === 'string' ? [name] : [];
  }));
}

const SELECTOR_FIX = 'write spec.selector as a label selector: matchLabels, a map of label to value, and/or matchExpressions, '
  + 'a list of {key, operator: In, NotIn, Exists or DoesNotExist, values}';

/**
 * Compiles the spec.selector of `entry`, turning what compileSelector warns about into findings
 * on `entry` itself: a malformed selector selects nothing, and saying only "nothing selects the
 * pods" would hide why.
 */
function compileOwnSelector(rule: RuleId, entry: Entry, selector: unknown, findings: Finding[]): { matcher: LabelMatcher; malformed: boolean } {
  let malformed = false;
  const matcher = compileSelector(selector, `${describe(entry.ref)} spec.selector`, (message) => {
    malformed = true;
    findings.push({ rule, subject: describe(entry.ref), resources: [entry.ref], field: 'spec.selector', message, fix: SELECTOR_FIX });
  });
  return { matcher, malformed };
}

function serviceMonitorPort(index: ManifestIndex): RuleResult {
  const findings: Finding[] = [];
  const services = index.entries.filter((e) => e.ref.kind === 'Service' && e.group === '');
  const monitors = index.entries.filter((e) => e.group === 'monitoring.coreos.com' && (e.ref.kind === 'ServiceMonitor' || e.ref.kind === 'PodMonitor'));
  for (const m of monitors) {
    const spec = asRecord(m.obj.spec) ?? {};
    const subject = describe(m.ref);
    const isService = m.ref.kind === 'ServiceMonitor';
    const where = namespaceChoice(spec, m.ref.namespace!);
    const { matcher: selector, malformed } = compileOwnSelector('service-monitor-port', m, spec.selector ?? {}, findings);
    // Its finding says why nothing is selected; "selects no Service" and port findings would not.
    if (malformed) continue;
    const selectorText = JSON.stringify(spec.selector ?? {});
    // Candidates: name and the port names it offers.
    const targets: Array<{ name: string; ports: string[] }> = isService
      ? services
        .filter((s) => where.matches(s.ref.namespace!) && selector(s.labels))
        .map((s) => ({
          name: describe(s.ref),
          ports: asArray(asRecord(s.obj.spec)?.ports).flatMap((p) => (typeof asRecord(p)?.name === 'string' ? [asRecord(p)!.name as string] : [])),
        }))
      : index.workloads
        .filter((w) => where.matches(w.ref.namespace!) && selector(stringMap(asRecord(w.template!.metadata)?.labels)))
        .map((w) => ({ name: describe(w.ref), ports: containerPortNames(w.template!) }));
    const listField = isService ? 'endpoints' : 'podMetricsEndpoints';
    const what = isService ? 'Service' : 'pod';
    const endpoints = asArray(spec[listField]);
    // Only `port` (a name) is judged. `targetPort` (deprecated) and `portNumber` may be numbers,
    // which Prometheus scrapes whether or not any container declares them.
    const named = endpoints.map((e, i) => ({ port: asRecord(e)?.port, i })).filter((e) => typeof e.port === 'string' && e.port !== '');
    if (named.length > 0 && targets.length === 0) {
      findings.push({
        rule: 'service-monitor-port',
        subject,
        resources: [m.ref],
        field: 'spec.selector',
        message: `selects no ${what} among the manifests (selector ${selectorText} in ${where.text}), so Prometheus scrapes nothing`,
        fix: `make spec.selector match the labels of the ${what === 'Service' ? 'Service (metadata.labels)' : 'pod template (spec.template.metadata.labels)'}, and spec.namespaceSelector its namespace`,
      });
      continue;
    }
    for (const { port, i } of named) {
      if (targets.some((t) => t.ports.includes(port as string))) continue;
      const offered = [...new Set(targets.flatMap((t) => t.ports))];
      findings.push({
        rule: 'service-monitor-port',
        subject,
        resources: [m.ref],
        field: `spec.${listField}[${i}].port`,
        message: `port "${port}" is not a ${isService ? 'port name of the Service' : 'container port name of the pod'}s it selects (${targets.map((t) => `${t.name}: ${t.ports.join(', ') || 'no named ports'}`).join('; ')}), so Prometheus scrapes nothing`,
        fix: offered.length > 0
          ? `set port to one of ${offered.map((p) => `"${p}"`).join(', ')}, or name the ${isService ? 'Service port' : 'container port'} "${port}"`
          : `name the ${isService ? 'Service port' : 'container port'} to scrape "${port}" (the ${isService ? 'Service' : 'pod'} has no named ports)`,
      });
    }
  }
  return result('service-monitor-port', monitors.length, findings);
}

// ---------------------------------------------------------------------------------------------
// pdb

const SCALABLE: Record<string, readonly string[]> = {
  Deployment: ['apps', 'extensions'],
  StatefulSet: ['apps'],
  ReplicaSet: ['apps', 'extensions'],
  ReplicationController: [''],
};

function pdb(index: ManifestIndex): RuleResult {
  const findings: Finding[] = [];
  // HPA minimums by namespace/kind/name of their target.
  const hpaMin = new Map<string, { min: number; ref: ResourceRef }>();
  for (const e of index.entries) {
    if (e.ref.kind !== 'HorizontalPodAutoscaler' || e.group !== 'autoscaling') continue;
    const spec = asRecord(e.obj.spec) ?? {};
    const target = asRecord(spec.scaleTargetRef) ?? {};
    const min = spec.minReplicas === undefined || spec.minReplicas === null ? 1 : Number(spec.minReplicas);
    const key = `${e.ref.namespace}/${String(target.kind)}/${String(target.name)}`;
    if (!hpaMin.has(key) || hpaMin.get(key)!.min < min) hpaMin.set(key, { min, ref: e.ref });
  }
  const budgets = index.entries
    .filter((e) => e.ref.kind === 'PodDisruptionBudget' && e.group === 'policy')
    .map((e) => {
      const selector = asRecord(e.obj.spec)?.selector;
      // A null selector selects no pods; an empty one selects all pods in policy/v1 but none in v1beta1.
      const empty = selector !== undefined && selector !== null && selectsEverything(selector);
      const { matcher, malformed } = selector === undefined || selector === null || (empty && e.ref.apiVersion !== 'policy/v1')
        ? { matcher: (() => false) as LabelMatcher, malformed: false }
        : compileOwnSelector('pdb', e, selector, findings);
      return { entry: e, matcher, malformed };
    });
  const broken = budgets.filter((b) => b.malformed);
  // A budget with a malformed selector is judged too, so that its finding counts as a failure.
  let checked = broken.length;
  for (const w of index.workloads) {
    if (!(SCALABLE[w.ref.kind] ?? []).includes(w.group)) continue;
    const spec = asRecord(w.obj.spec) ?? {};
    const replicas = spec.replicas === undefined || spec.replicas === null ? 1 : Number(spec.replicas);
    const hpa = hpaMin.get(`${w.ref.namespace}/${w.ref.kind}/${w.ref.name}`);
    if (!(replicas >= 2) && !(hpa && hpa.min >= 2)) continue;
    checked++;
    const labels = stringMap(asRecord(w.template!.metadata)?.labels);
    const covered = budgets.some((b) => b.entry.ref.namespace === w.ref.namespace && b.matcher(labels));
    if (covered) continue;
    const how = hpa && hpa.min >= 2 ? `is autoscaled with minReplicas ${hpa.min} (${describe(hpa.ref)})` : `runs ${replicas} replicas`;
    const selector = asRecord(spec.selector)?.matchLabels ? stringMap(spec.selector.matchLabels) : labels;
    const unreadable = broken.filter((b) => b.entry.ref.namespace === w.ref.namespace).map((b) => describe(b.entry.ref));
    findings.push({
      rule: 'pdb',
      subject: describe(w.ref),
      resources: [w.ref],
      message: `${how} but no PodDisruptionBudget in namespace "${w.ref.namespace}" selects its pods, so a node drain or cluster upgrade may evict all of them at once`
        + (unreadable.length > 0 ? ` (${unreadable.join(', ')} has a malformed selector, which selects nothing)` : ''),
      fix: `add a PodDisruptionBudget (policy/v1) in namespace "${w.ref.namespace}" with selector.matchLabels ${JSON.stringify(selector)} and maxUnavailable: 1`,
    });
  }
  return result('pdb', checked, findings);
}

// ---------------------------------------------------------------------------------------------
// image-tag

/** Why an image reference is not pinned (or not valid), or undefined when it is: SecureApp's own judgement. */
export function unpinnedImageProblem(image: unknown): { message: string; fix: string } | undefined {
  const p = imageProblem(image === undefined || image === null ? undefined : String(image));
  return p && { message: `image ${p.problem}`, fix: p.fix };
}

function imageTag(index: ManifestIndex): RuleResult {
  const findings: Finding[] = [];
  for (const w of index.workloads) {
    const spec = asRecord(w.template!.spec) ?? {};
    const prefix = `${templatePrefix(w.ref.kind)}spec.`;
    for (const list of ['initContainers', 'containers', 'ephemeralContainers']) {
      for (const raw of asArray(spec[list])) {
        const c = asRecord(raw) ?? {};
        const problem = unpinnedImageProblem(c.image);
        if (!problem) continue;
        findings.push({
          rule: 'image-tag',
          subject: describe(w.ref),
          resources: [w.ref],
          field: `${prefix}${list}[${String(c.name ?? '?')}].image`,
          message: `container "${String(c.name ?? '?')}" ${problem.message}`,
          fix: problem.fix,
        });
      }
    }
  }
  return result('image-tag', index.workloads.length, findings);
}
