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
import { DEFAULT_METADATA_CIDRS, ipBlockReaches, parseCidr } from '../core/cidr';
import { LabelMatcher, Labels, compileSelector, selectsEverything } from './reachability-selectors';
import { imageProblem } from '../core/validate';
import { LATEST_POD_SECURITY_MINOR, PodSecurityLevelName, checkPodSecurity, parsePodSecurityVersion, podTemplateOf } from './pod-security';

export type RuleId = 'pod-security' | 'network-isolation' | 'service-monitor-port' | 'pdb' | 'image-tag'
  | 'service-account-token' | 'mesh-mtls' | 'mesh-authorization' | 'mesh-injection' | 'network-allow-all'
  | 'metadata-endpoint' | 'duplicate-object';

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
  { id: 'service-account-token', title: 'Pods get no Kubernetes API token mounted, by the pod spec or by their ServiceAccount', subjects: 'pod templates' },
  { id: 'mesh-mtls', title: 'PeerAuthentications never DISABLE mTLS and are STRICT in meshed namespaces, but for Prometheus scrape ports', subjects: 'PeerAuthentications' },
  { id: 'mesh-authorization', title: 'No ALLOW AuthorizationPolicy has a rule that admits every request', subjects: 'AuthorizationPolicies' },
  { id: 'mesh-injection', title: 'Pods in meshed namespaces do not opt out of the mesh or let traffic bypass the sidecar', subjects: 'pod templates in meshed namespaces' },
  { id: 'network-allow-all', title: 'No NetworkPolicy rule admits every peer on every port', subjects: 'NetworkPolicies' },
  { id: 'metadata-endpoint', title: 'No NetworkPolicy egress rule reaches a cloud metadata address', subjects: 'NetworkPolicies' },
  { id: 'duplicate-object', title: 'Each object (API group, kind, namespace, name) is defined once', subjects: 'distinct objects' },
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
  /**
   * Cloud metadata blocks that `metadata-endpoint` keeps egress away from (replaces the list).
   * @default ['169.254.169.254/32', 'fd00:ec2::254/128']
   */
  readonly metadataCidrs?: string[];
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
  readonly metadataCidrs: readonly string[];
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
    case 'metadataCidrs': {
      if (!Array.isArray(value)) return `${name} must be a list of CIDR blocks, e.g. ["169.254.169.254/32"], got ${JSON.stringify(value)}.`;
      const bad = value.find((c) => typeof c !== 'string' || parseCidr(c) === undefined);
      return bad === undefined ? undefined : `${name}: ${JSON.stringify(bad)} is not a CIDR block. Fix: write e.g. "169.254.169.254/32".`;
    }
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
    metadataCidrs: options.metadataCidrs ?? [...DEFAULT_METADATA_CIDRS],
  };
  for (const option of ['defaultLevel', 'defaultVersion', 'defaultNamespace', 'disable', 'metadataCidrs'] as const) {
    const problem = ruleOptionProblem(option, filled[option]);
    if (problem) throw new Error(problem);
  }
  return { ...filled, disable: new Set(filled.disable as RuleId[]), metadataCidrs: [...filled.metadataCidrs] };
}

/** Runs every rule not disabled, in `RULES` order. */
export function runRules(manifests: readonly unknown[], options: RuleOptions = {}): RuleResult[] {
  const opts = normalizeRuleOptions(options);
  const impls = ruleImpls(manifests, opts);
  return RULE_IDS.filter((id) => !opts.disable.has(id)).map((id) => impls[id]());
}

/** One rule alone, whether or not `options.disable` lists it. */
export function checkRule(id: RuleId, manifests: readonly unknown[], options: RuleOptions = {}): RuleResult {
  if (!RULE_IDS.includes(id)) throw new Error(`unknown rule ${JSON.stringify(id)}. Fix: use one of ${RULE_IDS.join(', ')}.`);
  return ruleImpls(manifests, normalizeRuleOptions(options))[id]();
}

function ruleImpls(manifests: readonly unknown[], opts: NormalizedOptions): Record<RuleId, () => RuleResult> {
  const index = indexManifests(manifests, opts.defaultNamespace);
  // The manifests are compiled once, for every rule that reads NetworkPolicies.
  let model: NetworkModel | undefined;
  const modelOf = () => (model ??= NetworkModel.fromManifests([...manifests], { defaultNamespace: opts.defaultNamespace }));
  let compiled: PolicyEntry[] | undefined;
  const policies = () => (compiled ??= policyEntries(modelOf(), index));
  return {
    'pod-security': () => podSecurity(index, opts),
    'network-isolation': () => networkIsolation(modelOf(), index),
    'service-monitor-port': () => serviceMonitorPort(index),
    'pdb': () => pdb(index),
    'image-tag': () => imageTag(index),
    'service-account-token': () => serviceAccountToken(index),
    'mesh-mtls': () => meshMtls(index),
    'mesh-authorization': () => meshAuthorization(index),
    'mesh-injection': () => meshInjection(index),
    'network-allow-all': () => networkAllowAll(policies()),
    'metadata-endpoint': () => metadataEndpoint(policies(), opts),
    'duplicate-object': () => duplicateObject(index),
  };
}

/** `pod-security` alone. */
export function checkPodSecurityRule(manifests: readonly unknown[], options: RuleOptions = {}): RuleResult {
  return checkRule('pod-security', manifests, options);
}

/** `network-isolation` alone. */
export function checkNetworkIsolationRule(manifests: readonly unknown[], options: RuleOptions = {}): RuleResult {
  return checkRule('network-isolation', manifests, options);
}

/** `service-monitor-port` alone. */
export function checkServiceMonitorPortRule(manifests: readonly unknown[], options: RuleOptions = {}): RuleResult {
  return checkRule('service-monitor-port', manifests, options);
}

/** `pdb` alone. */
export function checkPdbRule(manifests: readonly unknown[], options: RuleOptions = {}): RuleResult {
  return checkRule('pdb', manifests, options);
}

/** `image-tag` alone. */
export function checkImageTagRule(manifests: readonly unknown[], options: RuleOptions = {}): RuleResult {
  return checkRule('image-tag', manifests, options);
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

function networkIsolation(model: NetworkModel, index: ManifestIndex): RuleResult {
  const findings: Finding[] = [];
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

// ---------------------------------------------------------------------------------------------
// service-account-token

function serviceAccountToken(index: ManifestIndex): RuleResult {
  const findings: Finding[] = [];
  const accounts = new Map<string, Entry>();
  for (const e of index.entries) {
    if (e.ref.kind === 'ServiceAccount' && e.group === '') accounts.set(`${e.ref.namespace}/${e.ref.name}`, e);
  }
  for (const w of index.workloads) {
    const spec = asRecord(w.template!.spec) ?? {};
    const field = `${templatePrefix(w.ref.kind)}spec.automountServiceAccountToken`;
    const subject = describe(w.ref);
    if (spec.automountServiceAccountToken === false) continue;
    const fix = 'set automountServiceAccountToken: false in the pod spec (or on its ServiceAccount), and mount a projected token only into pods that call the API server; '
      + 'with cdk8s-secure, leave relax.mountServiceAccountToken unset';
    if (spec.automountServiceAccountToken === true) {
      findings.push({
        rule: 'service-account-token', subject, resources: [w.ref], field,
        message: 'its pods get a Kubernetes API token mounted (automountServiceAccountToken: true), which anyone who breaks into a container can use against the API server',
        fix,
      });
      continue;
    }
    const saName = typeof spec.serviceAccountName === 'string' && spec.serviceAccountName !== ''
      ? spec.serviceAccountName
      : typeof spec.serviceAccount === 'string' && spec.serviceAccount !== '' ? spec.serviceAccount : 'default';
    const sa = accounts.get(`${w.ref.namespace}/${saName}`);
    if (sa?.obj.automountServiceAccountToken === false) continue;
    findings.push({
      rule: 'service-account-token', subject, resources: sa ? [w.ref, sa.ref] : [w.ref], field,
      message: `its pods leave automountServiceAccountToken unset and ${sa ? `their ${describe(sa.ref)} does not set it to false` : `their ServiceAccount "${saName}" is not among the manifests (Kubernetes' own mounts tokens)`}, so a Kubernetes API token is mounted into every container`,
      fix,
    });
  }
  return result('service-account-token', index.workloads.length, findings);
}

// ---------------------------------------------------------------------------------------------
// Istio: mesh-mtls, mesh-authorization, mesh-injection

const ISTIO_SECURITY = 'security.istio.io';
// Istio's default root namespace: policies there apply to the whole mesh.
const MESH_ROOT_NAMESPACE = 'istio-system';

type MeshMembership = 'sidecar' | 'ambient' | undefined;

/** How a Namespace among the manifests enrols its pods in the mesh, as istiod reads the labels. */
function namespaceMesh(entry: Entry | undefined): MeshMembership {
  if (!entry) return undefined;
  const l = entry.labels;
  if (l['istio.io/dataplane-mode'] === 'ambient') return 'ambient';
  if (l['istio-injection'] === 'enabled') return 'sidecar';
  // istio-injection=disabled wins over a revision label.
  if (l['istio-injection'] === undefined && l['istio.io/rev'] !== undefined) return 'sidecar';
  return undefined;
}

function meshedText(ns: string, index: ManifestIndex): string {
  const entry = index.namespaces.get(ns)!;
  const l = entry.labels;
  const label = l['istio.io/dataplane-mode'] === 'ambient' ? 'istio.io/dataplane-mode=ambient'
    : l['istio-injection'] === 'enabled' ? 'istio-injection=enabled' : `istio.io/rev=${l['istio.io/rev']}`;
  return `namespace "${ns}" is in the mesh (${label})`;
}

/** Container port names Prometheus scrapes: endpoint `port`s of monitors, through Service ports. */
function scrapePortNames(index: ManifestIndex): Set<string> {
  const names = new Set<string>();
  // Service port name -> the container ports (by name) it targets.
  const targets = new Map<string, Set<string>>();
  for (const s of index.entries) {
    if (s.ref.kind !== 'Service' || s.group !== '') continue;
    for (const sp of asArray(asRecord(s.obj.spec)?.ports)) {
      const r = asRecord(sp);
      if (typeof r?.name !== 'string' || typeof r.targetPort !== 'string') continue;
      if (!targets.has(r.name)) targets.set(r.name, new Set());
      targets.get(r.name)!.add(r.targetPort);
    }
  }
  for (const m of index.entries) {
    if (m.group !== 'monitoring.coreos.com') continue;
    const list = m.ref.kind === 'ServiceMonitor' ? 'endpoints' : m.ref.kind === 'PodMonitor' ? 'podMetricsEndpoints' : undefined;
    if (!list) continue;
    for (const ep of asArray(asRecord(m.obj.spec)?.[list])) {
      const port = asRecord(ep)?.port;
      if (typeof port !== 'string') continue;
      names.add(port);
      for (const t of targets.get(port) ?? []) names.add(t);
    }
  }
  return names;
}

const MTLS_FIX = 'set spec.mtls.mode: STRICT (and no portLevelMtls other than a PERMISSIVE exception for a Prometheus scrape port); '
  + 'with cdk8s-secure, use an IsolatedNamespace with mesh and mtls: MtlsMode.STRICT';

function meshMtls(index: ManifestIndex): RuleResult {
  const findings: Finding[] = [];
  const scrapeNames = scrapePortNames(index);
  const policies = index.entries.filter((e) => e.group === ISTIO_SECURITY && e.ref.kind === 'PeerAuthentication');
  const workloadsIn = new Map<string, Entry[]>();
  for (const w of index.workloads) {
    const list = workloadsIn.get(w.ref.namespace!);
    if (list) list.push(w); else workloadsIn.set(w.ref.namespace!, [w]);
  }
  for (const pa of policies) {
    const spec = asRecord(pa.obj.spec) ?? {};
    const ns = pa.ref.namespace!;
    const subject = describe(pa.ref);
    const meshed = namespaceMesh(index.namespaces.get(ns)) !== undefined;
    const meshWide = ns === MESH_ROOT_NAMESPACE && isAbsent(spec.selector);
    const where = meshWide ? `it is in the mesh root namespace "${ns}" without a selector, so it applies to the whole mesh` : meshed ? meshedText(ns, index) : '';
    const mode = asRecord(spec.mtls)?.mode;
    if (mode === 'DISABLE') {
      findings.push({ rule: 'mesh-mtls', subject, resources: [pa.ref], field: 'spec.mtls.mode', message: 'mtls mode DISABLE turns mutual TLS off: the pods it covers accept plain text and present no identity', fix: MTLS_FIX });
    } else if (mode === 'PERMISSIVE' && (meshed || meshWide)) {
      findings.push({ rule: 'mesh-mtls', subject, resources: [pa.ref], field: 'spec.mtls.mode', message: `mtls mode PERMISSIVE accepts plain text from any pod, although ${where}`, fix: MTLS_FIX });
    }
    // Istio ignores portLevelMtls without a selector.
    const portLevel = asRecord(spec.portLevelMtls);
    if (!portLevel || isAbsent(spec.selector)) continue;
    const { matcher } = compileOwnSelector('mesh-mtls', pa, spec.selector, findings);
    const selected = (workloadsIn.get(ns) ?? []).filter((w) => matcher(stringMap(asRecord(w.template!.metadata)?.labels)));
    for (const [port, raw] of Object.entries(portLevel)) {
      const portMode = asRecord(raw)?.mode;
      const field = `spec.portLevelMtls["${port}"].mode`;
      if (portMode === 'DISABLE') {
        findings.push({ rule: 'mesh-mtls', subject, resources: [pa.ref], field, message: `port ${port} has mtls mode DISABLE: it accepts plain text and its clients are not identified`, fix: MTLS_FIX });
        continue;
      }
      if (portMode !== 'PERMISSIVE' || !meshed) continue;
      // The plain-text scrape exception: allowed on a port that is a Prometheus scrape port of
      // every pod it selects, and nothing else there, whatever the protocol (mTLS is per port
      // number: a UDP or second TCP port with the same number would be plain text too).
      const isScrape = (w: Entry) => {
        const same = runningContainers(w.template!.spec).flatMap((c) => asArray(asRecord(c)?.ports))
          .map((p) => asRecord(p)).filter((r) => String(r?.containerPort) === port);
        return same.length > 0 && same.every((r) => typeof r?.name === 'string' && scrapeNames.has(r.name));
      };
      if (selected.length > 0 && selected.every(isScrape)) continue;
      findings.push({
        rule: 'mesh-mtls', subject, resources: [pa.ref], field,
        message: `port ${port} has mtls mode PERMISSIVE, so it accepts plain text, although ${where} and the port is not a port Prometheus scrapes (a ServiceMonitor or PodMonitor endpoint) on ${selected.length > 0 ? `every pod it selects (${selected.map((w) => describe(w.ref)).join(', ')})` : 'any pod: it selects none among the manifests'}`,
        fix: 'drop the port-level exception, or keep it only for a dedicated metrics port that a ServiceMonitor or PodMonitor scrapes',
      });
    }
  }
  return result('mesh-mtls', policies.length, findings);
}

function isAbsent(value: unknown): boolean {
  return value === undefined || value === null;
}

function isEmptyList(value: unknown): boolean {
  return isAbsent(value) || (Array.isArray(value) && value.length === 0);
}

function meshAuthorization(index: ManifestIndex): RuleResult {
  const findings: Finding[] = [];
  const policies = index.entries.filter((e) => e.group === ISTIO_SECURITY && e.ref.kind === 'AuthorizationPolicy');
  for (const ap of policies) {
    const spec = asRecord(ap.obj.spec) ?? {};
    if ((spec.action ?? 'ALLOW') !== 'ALLOW') continue;
    const ns = ap.ref.namespace!;
    const scope = !isAbsent(spec.selector) || !isAbsent(spec.targetRef) || !isEmptyList(spec.targetRefs)
      ? 'the workloads it selects'
      : ns === MESH_ROOT_NAMESPACE ? 'every workload of the mesh (it is in the root namespace without a selector)' : `every workload of namespace "${ns}" (it has no selector)`;
    asArray(spec.rules).forEach((raw, i) => {
      const rule = asRecord(raw) ?? {};
      // `from` entries are OR'ed, so one empty source admits every source.
      const anySource = isEmptyList(rule.from) || asArray(rule.from).some((f) => {
        const source = asRecord(asRecord(f)?.source);
        return !source || Object.keys(source).length === 0;
      });
      if (!anySource || !isEmptyList(rule.to) || !isEmptyList(rule.when)) return;
      findings.push({
        rule: 'mesh-authorization', subject: describe(ap.ref), resources: [ap.ref], field: `spec.rules[${i}]`,
        message: `ALLOW rule ${i} has no source, operation or condition, so it admits every request from anyone to ${scope}`,
        fix: 'name the callers in from[].source.principals (or namespaces) and the ports in to[].operation.ports; with cdk8s-secure, declare each flow with allowFrom / allowTo',
      });
    });
  }
  return result('mesh-authorization', policies.length, findings);
}

const OPT_OUT_ANNOTATIONS = [
  'traffic.sidecar.istio.io/excludeInboundPorts',
  'traffic.sidecar.istio.io/excludeOutboundPorts',
  'traffic.sidecar.istio.io/excludeOutboundIPRanges',
  'traffic.sidecar.istio.io/excludeInterfaces',
];

function meshInjection(index: ManifestIndex): RuleResult {
  const findings: Finding[] = [];
  let checked = 0;
  for (const w of index.workloads) {
    const ns = w.ref.namespace!;
    const membership = namespaceMesh(index.namespaces.get(ns));
    if (!membership) continue;
    checked++;
    const meta = asRecord(w.template!.metadata) ?? {};
    const labels = stringMap(meta.labels);
    const annotations = stringMap(meta.annotations);
    const prefix = `${templatePrefix(w.ref.kind)}metadata.`;
    const subject = describe(w.ref);
    const where = meshedText(ns, index);
    const push = (field: string, message: string, fix: string) => findings.push({ rule: 'mesh-injection', subject, resources: [w.ref], field: prefix + field, message, fix });
    const optOutFix = 'remove it so the pods join the mesh; with cdk8s-secure, use mesh: false on the app, which also opens the plain-text path under STRICT explicitly';
    if (membership === 'sidecar') {
      for (const where2 of ['labels', 'annotations'] as const) {
        const value = (where2 === 'labels' ? labels : annotations)['sidecar.istio.io/inject'];
        if (value !== undefined && value.toLowerCase() === 'false') {
          push(`${where2}["sidecar.istio.io/inject"]`, `its pods opt out of sidecar injection (sidecar.istio.io/inject: "false" ${where2 === 'labels' ? 'label' : 'annotation'}) although ${where}, so they have no sidecar: no mTLS, and STRICT PeerAuthentication does not protect them`, optOutFix);
        }
      }
      for (const key of OPT_OUT_ANNOTATIONS) {
        if (annotations[key] === undefined || annotations[key].trim() === '') continue;
        push(`annotations["${key}"]`, `${key}: "${annotations[key]}" lets that traffic bypass the sidecar, so it is plain text and unauthorized by the mesh, although ${where}`, 'remove the annotation; traffic that must skip the mesh belongs in a pod outside it');
      }
      for (const key of ['traffic.sidecar.istio.io/includeInboundPorts', 'traffic.sidecar.istio.io/includeOutboundIPRanges']) {
        if (annotations[key] === undefined || annotations[key].trim() === '*') continue;
        push(`annotations["${key}"]`, `${key}: "${annotations[key]}" captures only part of the traffic, so the rest bypasses the sidecar, although ${where}`, 'remove the annotation (the default "*" captures everything)');
      }
      const mode = annotations['sidecar.istio.io/interceptionMode'];
      if (mode !== undefined && mode !== 'REDIRECT' && mode !== 'TPROXY') {
        push('annotations["sidecar.istio.io/interceptionMode"]', `sidecar.istio.io/interceptionMode: "${mode}" stops the sidecar from capturing traffic, so it is plain text and unauthorized by the mesh, although ${where}`, 'remove the annotation (the default REDIRECT captures everything)');
      }
      for (const key of ['sidecar.istio.io/userVolume', 'sidecar.istio.io/userVolumeMount']) {
        if (annotations[key] === undefined) continue;
        push(`annotations["${key}"]`, `${key} adds volumes to the injected sidecar, outside the pod spec that Pod Security and these rules judge`, 'remove the annotation; declare volumes in the pod spec (with cdk8s-secure, the app\'s typed volume options)');
      }
    } else if (labels['istio.io/dataplane-mode'] === 'none') {
      push('labels["istio.io/dataplane-mode"]', `its pods opt out of the ambient mesh (istio.io/dataplane-mode: none) although ${where}, so their traffic is plain text and unauthorized by the mesh`, optOutFix);
    }
  }
  return result('mesh-injection', checked, findings);
}

// ---------------------------------------------------------------------------------------------
// network-allow-all, metadata-endpoint

interface PolicyEntry {
  readonly entry: Entry;
  readonly policy: CompiledPolicy;
}

function policyEntries(model: NetworkModel, index: ManifestIndex): PolicyEntry[] {
  const byId = new Map<string, CompiledPolicy>();
  const namespaces = new Set(index.entries.filter((e) => e.ref.kind === 'NetworkPolicy').map((e) => e.ref.namespace!));
  for (const ns of namespaces) {
    // Of two policies with one id (a duplicate, which duplicate-object reports) the first is judged.
    for (const p of model._policiesIn(ns)) if (!byId.has(p.id)) byId.set(p.id, p);
  }
  return index.entries
    .filter((e) => e.ref.kind === 'NetworkPolicy' && e.group === 'networking.k8s.io')
    .flatMap((entry) => {
      const policy = byId.get(`${entry.ref.namespace}/${entry.ref.name}`);
      return policy ? [{ entry, policy }] : [];
    });
}

function networkAllowAll(all: readonly PolicyEntry[]): RuleResult {
  const findings: Finding[] = [];
  const denies = new Map<string, number>();
  for (const { policy } of all) if (isDefaultDeny(policy)) denies.set(policy.namespace, (denies.get(policy.namespace) ?? 0) + 1);
  for (const { entry, policy } of all) {
    // A default-deny other than this policy (which, having an allow-all rule, is none itself).
    const denyBeside = (denies.get(policy.namespace) ?? 0) > 0;
    const selects = JSON.stringify(asRecord(entry.obj.spec)?.podSelector ?? {});
    for (const [direction, rules, field] of [['ingress', policy.ingress, 'from'], ['egress', policy.egress, 'to']] as const) {
      (rules ?? []).forEach((rule, i) => {
        if (!isAllowAll(rule)) return;
        findings.push({
          rule: 'network-allow-all', subject: describe(entry.ref), resources: [entry.ref], field: `spec.${direction}[${i}]`,
          message: `${direction} rule ${i} has no ${field} and no ports, so it admits every peer on every port for the pods it selects (podSelector ${selects})`
            + (denyBeside ? `, undoing the default-deny of namespace "${policy.namespace}" for them` : ''),
          fix: `list the peers in ${field} and the ports the pods need; with cdk8s-secure, declare each flow with ${direction === 'ingress' ? 'allowFrom' : 'allowTo'}`,
        });
      });
    }
  }
  return result('network-allow-all', all.length, findings);
}

function metadataEndpoint(all: readonly PolicyEntry[], opts: NormalizedOptions): RuleResult {
  const findings: Finding[] = [];
  const targets = opts.metadataCidrs.map((m) => parseCidr(m)!);
  for (const { entry, policy } of all) {
    (policy.egress ?? []).forEach((rule, i) => {
      const reached = targets.filter((t) => rule.anyPeer
        || rule.peers.some((p) => p.kind === 'ipBlock' && ipBlockReaches(p.cidr, p.except, t)));
      if (reached.length === 0) return;
      const blocks = rule.peers.flatMap((p) => (p.kind === 'ipBlock' && reached.some((t) => ipBlockReaches(p.cidr, p.except, t)) ? [p.text] : []));
      findings.push({
        rule: 'metadata-endpoint', subject: describe(entry.ref), resources: [entry.ref], field: `spec.egress[${i}]`,
        message: `egress rule ${i} admits ${rule.anyPeer ? 'every destination (it has no to)' : `ipBlock ${blocks.join(', ')}`}, which contains the cloud metadata address ${reached.map((t) => t.text).join(', ')}; it hands node credentials to any pod that reaches it`,
        fix: `add ${reached.map((t) => t.text).join(' and ')} to the ipBlock's except (or narrow the block); with cdk8s-secure, Peer.ipBlock does this for you`,
      });
    });
  }
  return result('metadata-endpoint', all.length, findings);
}

// ---------------------------------------------------------------------------------------------
// duplicate-object

function duplicateObject(index: ManifestIndex): RuleResult {
  const findings: Finding[] = [];
  const byKey = new Map<string, Entry[]>();
  for (const e of index.entries) {
    // generateName objects get a fresh name each time; unnamed ones are rejected anyway.
    if (e.ref.name.endsWith('*') || e.ref.name === '<unnamed>') continue;
    const key = `${e.group}\u0000${e.ref.kind}\u0000${e.ref.namespace ?? ''}\u0000${e.ref.name}`;
    const list = byKey.get(key);
    if (list) list.push(e); else byKey.set(key, [e]);
  }
  for (const entries of byKey.values()) {
    if (entries.length < 2) continue;
    const ref = entries[0].ref;
    findings.push({
      rule: 'duplicate-object', subject: describe(ref), resources: entries.map((e) => e.ref),
      message: `is defined ${entries.length} times (manifests ${entries.map((e) => `#${e.ref.index}`).join(', ')}); the API server keeps one object per group, kind, namespace and name, so the last one applied silently replaces the others`,
      fix: 'give each object a unique name in its namespace, or remove the copies',
    });
  }
  return result('duplicate-object', byKey.size, findings);
}
