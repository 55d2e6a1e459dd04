/**
 * What a JSON patch did to an object the library wrote, judged against the object as the library
 * rendered it: pure functions of two manifests (`before`: rendered, `after`: as written). A patch
 * may narrow what an object admits (drop a rule, add a label); what it must not do is widen it:
 * admit a source, port or request the rendered policy did not, point a Service at other pods,
 * weaken mTLS, or move the object out of the namespace it guards. Each finding names the field
 * and what changed; the construct adds which patch wrote it and the fix.
 */
import { cidrContains, cidrsCover, parseCidr } from '../core/cidr';
import { reservedKey } from '../core/reserved-keys';

type Obj = Record<string, any>;

/** One widening, for a message: `NetworkPolicy shop/web spec.ingress[1]: admits …`. */
export interface PatchFinding {
  /** `Kind namespace/name` of the object as written. */
  readonly subject: string;
  /** Where in the object, e.g. `spec.ingress[1]`. */
  readonly field: string;
  /** What the patch changed, as a clause. */
  readonly message: string;
}

const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const same = (a: unknown, b: unknown): boolean => JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));

function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical);
  if (!isObj(v)) return v;
  return Object.fromEntries(Object.keys(v).sort().filter((k) => v[k] !== undefined).map((k) => [k, canonical(v[k])]));
}

function subjectOf(m: Obj): string {
  // As the rules name objects: namespaced ones with their namespace, `default` when unset.
  const ns = m?.kind === 'Namespace' ? undefined : m?.metadata?.namespace ?? 'default';
  return `${m?.kind ?? 'object'} ${ns ? `${ns}/` : ''}${m?.metadata?.name ?? ''}`;
}

// ---------------------------------------------------------------------------------------------
// Label selectors: `a` selects no more than `b` when it keeps every requirement of `b`.

function selectorWithin(a: unknown, b: unknown): boolean {
  const sa = isObj(a) ? a : {};
  const sb = isObj(b) ? b : {};
  const la = isObj(sa.matchLabels) ? sa.matchLabels : {};
  const lb = isObj(sb.matchLabels) ? sb.matchLabels : {};
  if (!Object.entries(lb).every(([k, v]) => la[k] === v)) return false;
  const ea = list(sa.matchExpressions);
  return list(sb.matchExpressions).every((e) => ea.some((x) => same(x, e)));
}

// ---------------------------------------------------------------------------------------------
// NetworkPolicy

function ipBlockWithin(a: Obj, b: Obj): boolean {
  const ca = parseCidr(a.cidr);
  const cb = parseCidr(b.cidr);
  if (!ca || !cb || !cidrContains(cb, ca)) return false;
  const ea = list(a.except).map((e) => parseCidr(e as string)).filter((e): e is NonNullable<typeof e> => e !== undefined);
  // Every address b excepts that a's block holds must be excepted by a too.
  return list(b.except).every((raw) => {
    const e = parseCidr(raw as string);
    if (!e) return true;
    if (cidrContains(e, ca)) return cidrsCover(ea, ca);
    return !cidrContains(ca, e) || cidrsCover(ea, e);
  });
}

function netPeerWithin(a: unknown, b: unknown): boolean {
  if (!isObj(a) || !isObj(b)) return false;
  if (isObj(b.ipBlock)) return isObj(a.ipBlock) && ipBlockWithin(a.ipBlock, b.ipBlock);
  if (a.ipBlock !== undefined) return false;
  // An absent namespaceSelector is the policy's own namespace; an empty one is every namespace.
  const nsOk = b.namespaceSelector === undefined
    ? a.namespaceSelector === undefined
    : a.namespaceSelector === undefined ? selectorWithin({}, b.namespaceSelector) : selectorWithin(a.namespaceSelector, b.namespaceSelector);
  return nsOk && selectorWithin(a.podSelector, b.podSelector);
}

function netPortWithin(a: unknown, b: unknown): boolean {
  if (!isObj(a) || !isObj(b)) return false;
  if ((a.protocol ?? 'TCP') !== (b.protocol ?? 'TCP')) return false;
  if (b.port === undefined) return true;
  if (a.port === undefined) return false;
  if (typeof b.port === 'string' || typeof a.port === 'string') return a.port === b.port && a.endPort === undefined && b.endPort === undefined;
  return a.port >= b.port && (a.endPort ?? a.port) <= (b.endPort ?? b.port);
}

function netRuleWithin(a: Obj, b: Obj, peers: 'from' | 'to'): boolean {
  const pb = list(b[peers]);
  const pa = list(a[peers]);
  const peersOk = pb.length === 0 || (pa.length > 0 && pa.every((p) => pb.some((q) => netPeerWithin(p, q))));
  const qb = list(b.ports);
  const qa = list(a.ports);
  return peersOk && (qb.length === 0 || (qa.length > 0 && qa.every((p) => qb.some((q) => netPortWithin(p, q)))));
}

function policyTypes(spec: Obj): string[] {
  return Array.isArray(spec.policyTypes) ? spec.policyTypes : ['Ingress', ...(spec.egress !== undefined ? ['Egress'] : [])];
}

function describeNetRule(rule: Obj, peers: 'from' | 'to'): string {
  const p = list(rule[peers]);
  const q = list(rule.ports);
  const who = p.length === 0 ? (peers === 'from' ? 'from all sources' : 'to all destinations') : `${peers} ${JSON.stringify(p)}`;
  return `${who} on ${q.length === 0 ? 'all ports' : JSON.stringify(q)}`;
}

function networkPolicyFindings(before: Obj, after: Obj): PatchFinding[] {
  const subject = subjectOf(after);
  const b = isObj(before.spec) ? before.spec : {};
  const a = isObj(after.spec) ? after.spec : {};
  const out: PatchFinding[] = [];
  if (!same(a.podSelector, b.podSelector)) {
    out.push({ subject, field: 'spec.podSelector', message: `selects ${JSON.stringify(a.podSelector ?? null)} instead of ${JSON.stringify(b.podSelector)}, which leaves the pods it rendered for without this policy` });
  }
  const typesAfter = policyTypes(a);
  for (const t of policyTypes(b)) {
    if (!typesAfter.includes(t)) out.push({ subject, field: 'spec.policyTypes', message: `no longer lists ${t}, so ${t.toLowerCase()} of the pods is no longer isolated by it` });
  }
  for (const [direction, peers] of [['ingress', 'from'], ['egress', 'to']] as const) {
    if (!policyTypes(b).includes(direction === 'ingress' ? 'Ingress' : 'Egress')) continue;
    const rendered = list(b[direction]).filter(isObj);
    list(a[direction]).forEach((rule, i) => {
      if (!isObj(rule)) return;
      if (!rendered.some((r) => netRuleWithin(rule, r, peers))) {
        out.push({ subject, field: `spec.${direction}[${i}]`, message: `admits ${describeNetRule(rule, peers)}, which the policy as rendered does not admit` });
      }
    });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Service

const SERVICE_ROUTING = ['selector', 'type', 'externalIPs', 'externalName', 'loadBalancerIP', 'loadBalancerSourceRanges', 'loadBalancerClass', 'externalTrafficPolicy'];

function serviceFindings(before: Obj, after: Obj): PatchFinding[] {
  const subject = subjectOf(after);
  const b = isObj(before.spec) ? before.spec : {};
  const a = isObj(after.spec) ? after.spec : {};
  const out: PatchFinding[] = [];
  for (const f of SERVICE_ROUTING) {
    if (!same(a[f], b[f])) {
      out.push({ subject, field: `spec.${f}`, message: `is ${JSON.stringify(a[f] ?? null)} where the library wrote ${JSON.stringify(b[f] ?? null)}, which changes which pods the Service sends traffic to or who can reach it` });
    }
  }
  const rendered = list(b.ports).filter(isObj);
  list(a.ports).forEach((p, i) => {
    if (!isObj(p)) return;
    const target = p.targetPort ?? p.port;
    const ok = rendered.some((r) => (r.protocol ?? 'TCP') === (p.protocol ?? 'TCP') && (r.targetPort ?? r.port) === target && r.nodePort === p.nodePort);
    if (!ok) out.push({ subject, field: `spec.ports[${i}]`, message: `targets ${p.protocol ?? 'TCP'} ${JSON.stringify(target)}${p.nodePort !== undefined ? ` on node port ${p.nodePort}` : ''}, which is not a port the library exposes` });
  });
  return out;
}

// ---------------------------------------------------------------------------------------------
// Istio AuthorizationPolicy (ALLOW) and PeerAuthentication

/** `a` (a source or operation) matches no more than `b`: it keeps each of b's fields, narrowed. */
function fieldsWithin(a: unknown, b: unknown): boolean {
  const fa = isObj(a) ? a : {};
  const fb = isObj(b) ? b : {};
  return Object.entries(fb).every(([k, vb]) => {
    const va = list(fa[k]).map(String);
    const wb = list(vb).map(String);
    // notX lists exclude: a must exclude at least as much; X lists admit: a at most as much.
    return /^not[A-Z]/.test(k) ? wb.every((v) => va.includes(v)) : fa[k] !== undefined && va.every((v) => wb.includes(v));
  });
}

function clausesWithin(a: unknown, b: unknown, key: 'source' | 'operation'): boolean {
  const cb = list(b);
  if (cb.length === 0) return true;
  const ca = list(a);
  return ca.length > 0 && ca.every((x) => cb.some((y) => fieldsWithin(isObj(x) ? x[key] : undefined, isObj(y) ? y[key] : undefined)));
}

function authRuleWithin(a: Obj, b: Obj): boolean {
  const when = list(a.when);
  return clausesWithin(a.from, b.from, 'source') && clausesWithin(a.to, b.to, 'operation') && list(b.when).every((c) => when.some((x) => same(x, c)));
}

function authorizationFindings(before: Obj, after: Obj): PatchFinding[] {
  const subject = subjectOf(after);
  const b = isObj(before.spec) ? before.spec : {};
  const a = isObj(after.spec) ? after.spec : {};
  const out: PatchFinding[] = [];
  for (const f of ['selector', 'targetRef', 'targetRefs', 'provider']) {
    if (!same(a[f], b[f])) out.push({ subject, field: `spec.${f}`, message: `is ${JSON.stringify(a[f] ?? null)} where the library wrote ${JSON.stringify(b[f] ?? null)}, which takes the pods it guards out of its scope` });
  }
  if ((a.action ?? 'ALLOW') !== (b.action ?? 'ALLOW')) {
    out.push({ subject, field: 'spec.action', message: `is ${a.action} instead of ${b.action ?? 'ALLOW'}: without an ALLOW policy Istio admits every request` });
  } else if ((b.action ?? 'ALLOW') === 'ALLOW') {
    const rendered = list(b.rules).filter(isObj);
    list(a.rules).forEach((rule, i) => {
      if (!isObj(rule) || rendered.some((r) => authRuleWithin(rule, r))) return;
      const all = Object.keys(rule).length === 0;
      out.push({ subject, field: `spec.rules[${i}]`, message: all ? 'admits every request from every source (an empty rule)' : `admits ${JSON.stringify(rule)}, which the policy as rendered does not admit` });
    });
  } else if (!same(a.rules, b.rules)) {
    out.push({ subject, field: 'spec.rules', message: 'differs from the rules the library wrote' });
  }
  return out;
}

const MTLS_STRENGTH: Record<string, number> = { STRICT: 2, PERMISSIVE: 1, UNSET: 1, DISABLE: 0 };
const strength = (mode: unknown) => MTLS_STRENGTH[String(mode ?? 'UNSET')] ?? 0;

function peerAuthenticationFindings(before: Obj, after: Obj): PatchFinding[] {
  const subject = subjectOf(after);
  const b = isObj(before.spec) ? before.spec : {};
  const a = isObj(after.spec) ? after.spec : {};
  const out: PatchFinding[] = [];
  if (!same(a.selector, b.selector)) out.push({ subject, field: 'spec.selector', message: `is ${JSON.stringify(a.selector ?? null)} where the library wrote ${JSON.stringify(b.selector ?? null)}` });
  const modeB = b.mtls?.mode;
  const modeA = a.mtls?.mode;
  if (strength(modeA) < strength(modeB)) out.push({ subject, field: 'spec.mtls.mode', message: `is ${modeA ?? 'unset'} where the library wrote ${modeB}, which admits plain text` });
  const portsB = isObj(b.portLevelMtls) ? b.portLevelMtls : {};
  for (const [port, level] of Object.entries(isObj(a.portLevelMtls) ? a.portLevelMtls : {})) {
    const was = isObj(portsB[port]) ? portsB[port].mode : modeB;
    const now = isObj(level) ? level.mode : undefined;
    if (strength(now) < strength(was)) out.push({ subject, field: `spec.portLevelMtls["${port}"]`, message: `is ${now ?? 'unset'} where the library wrote ${was}, which admits plain text on port ${port}` });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Namespaces, ServiceAccounts, and objects a patch must leave as rendered

const decidedLabel = (k: string) => k.startsWith('pod-security.kubernetes.io/') || k === 'istio-injection' || k === 'kubernetes.io/metadata.name'
  || k.split('/')[0] === 'istio.io' || k.split('/')[0].endsWith('.istio.io');

function namespaceFindings(before: Obj, after: Obj): PatchFinding[] {
  const lb = isObj(before.metadata?.labels) ? before.metadata.labels : {};
  const la = isObj(after.metadata?.labels) ? after.metadata.labels : {};
  return [...new Set([...Object.keys(lb), ...Object.keys(la)])].filter(decidedLabel).filter((k) => la[k] !== lb[k])
    .map((k) => ({ subject: subjectOf(after), field: `metadata.labels["${k}"]`, message: `is ${JSON.stringify(la[k] ?? null)} where the library wrote ${JSON.stringify(lb[k] ?? null)}, and the apps inside were judged against what the library wrote` }));
}

function serviceAccountFindings(before: Obj, after: Obj): PatchFinding[] {
  return before.automountServiceAccountToken === false && after.automountServiceAccountToken !== false
    ? [{ subject: subjectOf(after), field: 'automountServiceAccountToken', message: 'lets pods that use the account get a Kubernetes API token mounted' }]
    : [];
}

/** Every part but labels and annotations, which describe and never admit. */
function withoutDescription(m: Obj): Obj {
  const { labels: _l, annotations: _a, ...metadata } = isObj(m.metadata) ? m.metadata : {} as Obj;
  return { ...m, metadata };
}

function unchangedFindings(before: Obj, after: Obj): PatchFinding[] {
  const b = withoutDescription(before);
  const a = withoutDescription(after);
  const fields = [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((k) => !['apiVersion', 'kind', 'metadata'].includes(k) && !same(a[k], b[k]));
  return fields.map((f) => ({ subject: subjectOf(after), field: f, message: 'differs from what the library wrote, and the library judged what it wrote' }));
}

// ---------------------------------------------------------------------------------------------
// Workloads: their pods are judged by the pod checks; here, what ties the pods to the policies.

function templateOf(m: Obj): { at: string; template: Obj } | undefined {
  if (isObj(m.spec?.jobTemplate?.spec?.template)) return { at: 'spec.jobTemplate.spec.template', template: m.spec.jobTemplate.spec.template };
  if (isObj(m.spec?.template)) return { at: 'spec.template', template: m.spec.template };
  return undefined;
}

// What the mesh-injection check already reports (an opt-out of a meshed pod) is not repeated.
const INJECTION_OPT_OUT: Record<string, string> = { 'sidecar.istio.io/inject': 'false', 'istio.io/dataplane-mode': 'none' };

function workloadFindings(before: Obj, after: Obj): PatchFinding[] {
  const subject = subjectOf(after);
  const out: PatchFinding[] = [];
  if (!same(after.spec?.selector, before.spec?.selector)) {
    out.push({ subject, field: 'spec.selector', message: `is ${JSON.stringify(after.spec?.selector ?? null)} where the library wrote ${JSON.stringify(before.spec?.selector ?? null)}` });
  }
  const b = templateOf(before);
  const a = templateOf(after);
  if (!b || !a) return out;
  if (a.template.spec?.serviceAccountName !== b.template.spec?.serviceAccountName) {
    out.push({ subject, field: `${a.at}.spec.serviceAccountName`, message: `is ${JSON.stringify(a.template.spec?.serviceAccountName ?? null)} where the library wrote ${JSON.stringify(b.template.spec?.serviceAccountName ?? null)}, which is the pods' mesh identity and the policies' subject` });
  }
  for (const [map, place] of [['labels', 'pod label'], ['annotations', 'pod annotation']] as const) {
    const mb = isObj(b.template.metadata?.[map]) ? b.template.metadata[map] : {};
    const ma = isObj(a.template.metadata?.[map]) ? a.template.metadata[map] : {};
    for (const key of new Set([...Object.keys(mb), ...Object.keys(ma)])) {
      if (ma[key] === mb[key] || INJECTION_OPT_OUT[key] === ma[key]) continue;
      const rule = reservedKey(place, key);
      if (rule) out.push({ subject, field: `${a.at}.metadata.${map}["${key}"]`, message: `is ${JSON.stringify(ma[key] ?? null)} where the library wrote ${JSON.stringify(mb[key] ?? null)}: ${rule.why} (${rule.fix})` });
    }
  }
  return out;
}

// Kinds whose content is judged above. Other kinds (monitors, budgets, autoscalers, dashboards)
// are judged for their identity only.
const JUDGES: Record<string, (before: Obj, after: Obj) => PatchFinding[]> = {
  NetworkPolicy: networkPolicyFindings,
  Service: serviceFindings,
  AuthorizationPolicy: authorizationFindings,
  PeerAuthentication: peerAuthenticationFindings,
  Namespace: namespaceFindings,
  ServiceAccount: serviceAccountFindings,
  Deployment: workloadFindings,
  StatefulSet: workloadFindings,
  DaemonSet: workloadFindings,
  Job: workloadFindings,
  CronJob: workloadFindings,
};
// Objects that grant, route or bound something: a patch may only relabel them.
const RENDERED_AS_IS = new Set(['CiliumNetworkPolicy', 'Sidecar', 'ServiceEntry', 'ReferenceGrant', 'HTTPRoute', 'Ingress',
  'Role', 'RoleBinding', 'ResourceQuota', 'LimitRange']);

/** How a patch turned `before` (as the library rendered it) into `after` (as written) to widen it. */
export function patchFindings(before: unknown, after: unknown): PatchFinding[] {
  if (!isObj(before) || !isObj(after)) return [];
  const out: PatchFinding[] = [];
  const subject = subjectOf(after);
  for (const f of ['apiVersion', 'kind'] as const) {
    if (after[f] !== before[f]) out.push({ subject, field: f, message: `is ${JSON.stringify(after[f] ?? null)} where the library wrote ${JSON.stringify(before[f])}` });
  }
  if (out.length > 0) return out;
  // A Namespace is cluster-scoped: the library drops a chart's namespace from it itself.
  const placed = before.kind === 'Namespace' ? ['name'] : ['name', 'namespace'];
  for (const f of placed) {
    if (after.metadata?.[f] !== before.metadata?.[f]) {
      out.push({ subject, field: `metadata.${f}`, message: `is ${JSON.stringify(after.metadata?.[f] ?? null)} where the library wrote ${JSON.stringify(before.metadata?.[f] ?? null)}, so the object no longer is the one the library checked for collisions and placed` });
    }
  }
  const judge = JUDGES[String(before.kind)];
  if (judge) out.push(...judge(before, after));
  else if (RENDERED_AS_IS.has(String(before.kind))) out.push(...unchangedFindings(before, after));
  return out;
}
