// The rules about workloads: Pod Security, isolation, monitor ports, PDBs, image tags, tokens.
import { Endpoint, NetworkModel } from './reachability';
import { CompiledPolicy, CompiledRule, runningContainers } from './reachability-manifests';
import { LabelMatcher, compileSelector, selectsEverything } from './reachability-selectors';
import { imageProblem } from '../core/validate';
import { LATEST_POD_SECURITY_MINOR, PodSecurityLevelName, checkPodSecurity } from './pod-security';
import { Finding, LEVELS, NormalizedOptions, ResourceRef, RuleId, RuleResult } from './rules-types';
import { Entry, ManifestIndex, Obj, asArray, asRecord, describe, result, stringMap, templatePrefix } from './rules-index';

// ---------------------------------------------------------------------------------------------
// pod-security

export const PSA = 'pod-security.kubernetes.io';
// Upstream's label parser is stricter than parsePodSecurityVersion: no bare "1.N" in labels.
export const LABEL_VERSION_RE = /^v1\.(0|[1-9][0-9]*)$/;

export interface NamespacePolicy {
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
export function namespacePolicy(ns: string, entry: Entry | undefined, opts: NormalizedOptions, findings: Finding[]): NamespacePolicy {
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

export function podSecurity(index: ManifestIndex, opts: NormalizedOptions): RuleResult {
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
export function isAllowAll(rule: CompiledRule): boolean {
  return rule.anyPeer && rule.fixedPorts.isAll();
}

/**
 * Selects every pod of its namespace, isolates both directions, and has no rule that lets
 * everything back in. Allow rules (e.g. DNS egress) are fine: the namespace still denies by default.
 * Judged on the NetworkModel's compiled policy (policyTypes defaulting, malformed parts matching
 * nothing), so that the rule and the model never read one policy two ways.
 */
export function isDefaultDeny(policy: CompiledPolicy): boolean {
  if (!policy.selectsAll || !policy.ingress || !policy.egress) return false;
  return !policy.ingress.some(isAllowAll) && !policy.egress.some(isAllowAll);
}

export const DEFAULT_DENY_FIX = (ns: string) =>
  `add a NetworkPolicy in namespace "${ns}" with podSelector: {} and policyTypes: [Ingress, Egress] and no rules `
  + '(then allow each flow explicitly); with cdk8s-secure, put the workloads in an IsolatedNamespace';

export function networkIsolation(model: NetworkModel, index: ManifestIndex): RuleResult {
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
    const { info: iso, problem } = model._isolationOf(Endpoint.workload(ns, w.ref.name, w.ref.kind));
    if (!iso) {
      // Two workloads of one kind, namespace and name (a duplicated manifest): the API server
      // would keep only one, so which one is unknowable.
      findings.push({ rule: 'network-isolation', subject, resources: [w.ref], message: `cannot be evaluated: ${problem}`, fix: 'give each workload a unique name in its namespace' });
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

export interface NamespaceChoice {
  readonly matches: (ns: string) => boolean;
  readonly text: string;
}

/** Prometheus Operator's namespaceSelector: `any: true`, `matchNames`, or else its own namespace. */
export function namespaceChoice(spec: Obj, own: string): NamespaceChoice {
  const sel = asRecord(spec.namespaceSelector) ?? {};
  if (sel.any === true) return { matches: () => true, text: 'any namespace' };
  const names = asArray(sel.matchNames).map(String);
  if (names.length > 0) return { matches: (ns) => names.includes(ns), text: `namespaces ${names.join(', ')}` };
  return { matches: (ns) => ns === own, text: `namespace "${own}"` };
}

export function containerPortNames(template: { spec?: any }): string[] {
  // The ports of running containers only, as the NetworkModel resolves named ports: a plain init
  // container has exited before Prometheus could scrape it.
  return runningContainers(template.spec).flatMap((c) => asArray(asRecord(c)?.ports).flatMap((p) => {
    const name = asRecord(p)?.name;
    return typeof name === 'string' ? [name] : [];
  }));
}

export const SELECTOR_FIX = 'write spec.selector as a label selector: matchLabels, a map of label to value, and/or matchExpressions, '
  + 'a list of {key, operator: In, NotIn, Exists or DoesNotExist, values}';

/**
 * Compiles the spec.selector of `entry`, turning what compileSelector warns about into findings
 * on `entry` itself: a malformed selector selects nothing, and saying only "nothing selects the
 * pods" would hide why.
 */
export function compileOwnSelector(rule: RuleId, entry: Entry, selector: unknown, findings: Finding[]): { matcher: LabelMatcher; malformed: boolean } {
  let malformed = false;
  const matcher = compileSelector(selector, `${describe(entry.ref)} spec.selector`, (message) => {
    malformed = true;
    findings.push({ rule, subject: describe(entry.ref), resources: [entry.ref], field: 'spec.selector', message, fix: SELECTOR_FIX });
  });
  return { matcher, malformed };
}

export function serviceMonitorPort(index: ManifestIndex): RuleResult {
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

export const SCALABLE: Record<string, readonly string[]> = {
  Deployment: ['apps', 'extensions'],
  StatefulSet: ['apps'],
  ReplicaSet: ['apps', 'extensions'],
  ReplicationController: [''],
};

export function pdb(index: ManifestIndex): RuleResult {
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

export function imageTag(index: ManifestIndex): RuleResult {
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

export function serviceAccountToken(index: ManifestIndex): RuleResult {
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
