/**
 * Reads plain manifests (as synthesized by cdk8s or parsed from YAML) into the compiled form the
 * reachability engine evaluates: workloads with their pod labels and container ports, Namespace
 * labels, and NetworkPolicies with selectors and port sets compiled once.
 *
 * Anything the API server would reject is reported as a warning and compiled to "matches
 * nothing", so a malformed rule can never widen what the model allows.
 */
import { Cidr, cidrFullyExcepted, parseCidr } from '../core/net';
import { L4Protocol, MAX_PORT, MIN_PORT, PortSet, isL4Protocol } from './reachability-ports';
import { LabelMatcher, Labels, compileSelector, selectsEverything } from './reachability-selectors';
import { podTemplateOf } from './pod-security';

export interface ResolvedPort {
  readonly name?: string;
  readonly port: number;
  readonly protocol: L4Protocol;
}

export type CompiledPeer =
  | { readonly kind: 'pods'; readonly podSelector?: LabelMatcher; readonly namespaceSelector?: LabelMatcher }
  | { readonly kind: 'ipBlock'; readonly cidr: Cidr; readonly except: readonly Cidr[]; readonly text: string; readonly empty: boolean }
  | { readonly kind: 'nothing' };

export interface CompiledRule {
  /** e.g. `spec.ingress[0]`, for reasons. */
  readonly path: string;
  /** `from`/`to` missing or empty: every peer, inside or outside the cluster. */
  readonly anyPeer: boolean;
  readonly peers: readonly CompiledPeer[];
  /** Numeric ports, ranges and whole protocols: independent of the destination. */
  readonly fixedPorts: PortSet;
  /** Named ports: resolved against the destination pod's container ports at evaluation time. */
  readonly namedPorts: readonly { readonly protocol: L4Protocol; readonly name: string }[];
}

export interface CompiledPolicy {
  /** `namespace/name`. */
  readonly id: string;
  readonly namespace: string;
  readonly selects: LabelMatcher;
  /** spec.podSelector selects every pod of the namespace (`{}` or omitted). */
  readonly selectsAll: boolean;
  /** Present iff the effective policyTypes include Ingress (then an empty list denies all). */
  readonly ingress?: readonly CompiledRule[];
  /** Present iff the effective policyTypes include Egress. */
  readonly egress?: readonly CompiledRule[];
}

export interface ParsedWorkload {
  readonly namespace: string;
  readonly name: string;
  readonly kind: string;
  readonly labels: Labels;
  readonly ports: readonly ResolvedPort[];
}

export interface ParsedManifests {
  readonly workloads: ParsedWorkload[];
  readonly policies: CompiledPolicy[];
  /** Labels of namespaces we know something about (without the automatic name label). */
  readonly namespaceLabels: Map<string, Record<string, string>>;
  readonly warnings: string[];
}

type Obj = Record<string, unknown>;

function asRecord(value: unknown): Obj | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Obj) : undefined;
}

function isAbsent(value: unknown): boolean {
  return value === undefined || value === null;
}

function stringMap(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(asRecord(value) ?? {})) out[k] = String(v);
  return out;
}

function* flatten(items: readonly unknown[]): Generator<Obj> {
  for (const item of items) {
    const obj = asRecord(item);
    if (!obj) continue;
    if (typeof obj.kind === 'string' && obj.kind.endsWith('List') && Array.isArray(obj.items)) {
      yield* flatten(obj.items);
    } else {
      yield obj;
    }
  }
}

/**
 * The containers of a pod spec that serve ports: every container, and native sidecars (init
 * containers with restartPolicy Always), which keep running; other init containers have exited
 * before the pod is ready. The rules read ports through this too, so that they agree with the model.
 */
export function runningContainers(podSpec: unknown): unknown[] {
  const spec = asRecord(podSpec);
  const containers = Array.isArray(spec?.containers) ? [...(spec!.containers as unknown[])] : [];
  for (const init of Array.isArray(spec?.initContainers) ? (spec!.initContainers as unknown[]) : []) {
    if (asRecord(init)?.restartPolicy === 'Always') containers.push(init);
  }
  return containers;
}

function containerPorts(podSpec: Obj | undefined, where: string, warn: (m: string) => void): ResolvedPort[] {
  const ports: ResolvedPort[] = [];
  for (const container of runningContainers(podSpec)) {
    for (const raw of (asRecord(container)?.ports as unknown[] | undefined) ?? []) {
      const p = asRecord(raw);
      const port = Number(p?.containerPort);
      const protocol = p?.protocol ?? 'TCP';
      if (!p || !Number.isInteger(port) || port < MIN_PORT || port > MAX_PORT || !isL4Protocol(protocol)) {
        warn(`${where} has an invalid container port ${JSON.stringify(raw)}; it is ignored.`);
        continue;
      }
      ports.push({ ...(typeof p.name === 'string' ? { name: p.name } : {}), port, protocol });
    }
  }
  return ports;
}

function compilePeer(raw: unknown, where: string, warn: (m: string) => void): CompiledPeer {
  const peer = asRecord(raw);
  if (!peer) {
    warn(`${where} is not an object; it matches nothing.`);
    return { kind: 'nothing' };
  }
  const hasIp = !isAbsent(peer.ipBlock);
  const hasPods = !isAbsent(peer.podSelector);
  const hasNs = !isAbsent(peer.namespaceSelector);
  if (hasIp && (hasPods || hasNs)) {
    warn(`${where} combines ipBlock with a selector, which the API server rejects; it matches nothing.`);
    return { kind: 'nothing' };
  }
  if (hasIp) {
    const block = asRecord(peer.ipBlock);
    const cidr = typeof block?.cidr === 'string' ? parseCidr(block.cidr) : undefined;
    if (!cidr) {
      warn(`${where}.ipBlock.cidr ${JSON.stringify(block?.cidr)} is not a CIDR; the peer matches nothing.`);
      return { kind: 'nothing' };
    }
    const except: Cidr[] = [];
    for (const e of Array.isArray(block!.except) ? block!.except : []) {
      const parsed = typeof e === 'string' ? parseCidr(e) : undefined;
      if (!parsed) {
        warn(`${where}.ipBlock.except entry ${JSON.stringify(e)} is not a CIDR; the peer matches nothing.`);
        return { kind: 'nothing' };
      }
      // The API server requires each except to be a strict subset of the cidr.
      if (parsed.family !== cidr.family || parsed.start < cidr.start || parsed.end > cidr.end || (parsed.start === cidr.start && parsed.end === cidr.end)) {
        warn(`${where}.ipBlock.except entry ${JSON.stringify(e)} is not strictly inside cidr ${JSON.stringify(block!.cidr)}, which the API server rejects; the peer matches nothing.`);
        return { kind: 'nothing' };
      }
      except.push(parsed);
    }
    const text = except.length > 0 ? `${cidr.text} except ${except.map((e) => e.text).join(', ')}` : cidr.text;
    return { kind: 'ipBlock', cidr, except, text, empty: cidrFullyExcepted(cidr, except) };
  }
  if (!hasPods && !hasNs) {
    warn(`${where} has none of podSelector, namespaceSelector, ipBlock, which the API server rejects; it matches nothing.`);
    return { kind: 'nothing' };
  }
  return {
    kind: 'pods',
    podSelector: hasPods ? compileSelector(peer.podSelector, `${where}.podSelector`, warn) : undefined,
    namespaceSelector: hasNs ? compileSelector(peer.namespaceSelector, `${where}.namespaceSelector`, warn) : undefined,
  };
}

function compileRule(raw: unknown, path: string, peerField: 'from' | 'to', where: string, warn: (m: string) => void): CompiledRule {
  const rule = asRecord(raw) ?? {};
  const rawPeers = rule[peerField];
  const rawPorts = rule.ports;
  const anyPeer = isAbsent(rawPeers) || (Array.isArray(rawPeers) && rawPeers.length === 0);
  let peers: CompiledPeer[] = [];
  if (!anyPeer) {
    if (Array.isArray(rawPeers)) {
      peers = rawPeers.map((p, i) => compilePeer(p, `${where} ${path}.${peerField}[${i}]`, warn));
    } else {
      warn(`${where} ${path}.${peerField} is not a list; the rule matches nothing.`);
    }
  }

  let fixedPorts = PortSet.empty();
  const namedPorts: { protocol: L4Protocol; name: string }[] = [];
  if (isAbsent(rawPorts) || (Array.isArray(rawPorts) && rawPorts.length === 0)) {
    fixedPorts = PortSet.all();
  } else if (!Array.isArray(rawPorts)) {
    warn(`${where} ${path}.ports is not a list; the rule matches nothing.`);
  } else {
    for (const [i, rawPort] of rawPorts.entries()) {
      const at = `${where} ${path}.ports[${i}]`;
      const p = asRecord(rawPort) ?? {};
      const protocol = p.protocol ?? 'TCP';
      if (!isL4Protocol(protocol)) {
        warn(`${at} has protocol ${JSON.stringify(protocol)}; expected TCP, UDP or SCTP. The entry matches nothing.`);
        continue;
      }
      if (isAbsent(p.port)) {
        if (!isAbsent(p.endPort)) warn(`${at} has endPort without port, which the API server rejects; the entry matches nothing.`);
        else fixedPorts = fixedPorts.union(PortSet.allOf(protocol));
        continue;
      }
      if (typeof p.port === 'string' && !/^\d+$/.test(p.port)) {
        if (!isAbsent(p.endPort)) {
          warn(`${at} combines a named port with endPort, which the API server rejects; the entry matches nothing.`);
        } else {
          namedPorts.push({ protocol, name: p.port });
        }
        continue;
      }
      const start = Number(p.port);
      const end = isAbsent(p.endPort) ? start : Number(p.endPort);
      if (!Number.isInteger(start) || !Number.isInteger(end) || start < MIN_PORT || end > MAX_PORT || end < start) {
        warn(`${at} has port ${JSON.stringify(p.port)}${isAbsent(p.endPort) ? '' : ` endPort ${JSON.stringify(p.endPort)}`}, which is not a valid port or range; the entry matches nothing.`);
        continue;
      }
      fixedPorts = fixedPorts.union(PortSet.range(protocol, start, end));
    }
  }
  return { path, anyPeer, peers, fixedPorts, namedPorts };
}

function compilePolicy(obj: Obj, namespace: string, warn: (m: string) => void): CompiledPolicy {
  const name = String(asRecord(obj.metadata)?.name ?? '<unnamed>');
  const id = `${namespace}/${name}`;
  const where = `NetworkPolicy ${id}`;
  const spec = asRecord(obj.spec) ?? {};
  // spec.podSelector is a struct, not a pointer, in the API: omitted means the empty selector.
  const selects = compileSelector(spec.podSelector, `${where} spec.podSelector`, warn);

  const rawIngress = isAbsent(spec.ingress) ? [] : spec.ingress;
  const rawEgress = isAbsent(spec.egress) ? [] : spec.egress;
  const ruleList = (raw: unknown, field: string): unknown[] => {
    if (Array.isArray(raw)) return raw;
    warn(`${where} spec.${field} is not a list; no rules are read from it.`);
    return [];
  };
  const ingressRules = ruleList(rawIngress, 'ingress');
  const egressRules = ruleList(rawEgress, 'egress');

  let types: string[];
  if (Array.isArray(spec.policyTypes) && spec.policyTypes.length > 0) {
    types = spec.policyTypes.map(String);
    for (const t of types) {
      if (t !== 'Ingress' && t !== 'Egress') warn(`${where} spec.policyTypes has unknown type ${JSON.stringify(t)}; it is ignored.`);
    }
  } else {
    // API server defaulting: Ingress always, Egress only when there is at least one egress rule
    // (`egress: []` does not count).
    types = egressRules.length > 0 ? ['Ingress', 'Egress'] : ['Ingress'];
  }
  const hasIngress = types.includes('Ingress');
  const hasEgress = types.includes('Egress');
  if (!hasIngress && ingressRules.length > 0) warn(`${where} has ingress rules but policyTypes omits Ingress; the rules have no effect.`);
  if (!hasEgress && egressRules.length > 0) warn(`${where} has egress rules but policyTypes omits Egress; the rules have no effect.`);

  return {
    id,
    namespace,
    selects,
    selectsAll: selectsEverything(spec.podSelector),
    ingress: hasIngress ? ingressRules.map((r, i) => compileRule(r, `spec.ingress[${i}]`, 'from', where, warn)) : undefined,
    egress: hasEgress ? egressRules.map((r, i) => compileRule(r, `spec.egress[${i}]`, 'to', where, warn)) : undefined,
  };
}

export function parseManifests(
  manifests: readonly unknown[],
  defaultNamespace: string,
  extraNamespaceLabels: Readonly<Record<string, Readonly<Record<string, string>>>>,
): ParsedManifests {
  const warnings: string[] = [];
  const warn = (m: string) => warnings.push(m);
  const workloads: ParsedWorkload[] = [];
  const policies: CompiledPolicy[] = [];
  const namespaceLabels = new Map<string, Record<string, string>>();
  for (const [ns, labels] of Object.entries(extraNamespaceLabels)) namespaceLabels.set(ns, { ...labels });

  for (const obj of flatten(manifests)) {
    const kind = obj.kind;
    if (typeof kind !== 'string') continue;
    const metadata = asRecord(obj.metadata) ?? {};
    const namespace = typeof metadata.namespace === 'string' && metadata.namespace !== '' ? metadata.namespace : defaultNamespace;

    if (kind === 'Namespace') {
      const name = String(metadata.name ?? '');
      // The manifest is the source of truth where it speaks; options fill in the rest.
      namespaceLabels.set(name, { ...(namespaceLabels.get(name) ?? {}), ...stringMap(metadata.labels) });
      continue;
    }

    if (kind === 'NetworkPolicy') {
      // Calico, Cilium & co. reuse the kind name with different semantics; only the core API is modelled.
      if (typeof obj.apiVersion === 'string' && !obj.apiVersion.startsWith('networking.k8s.io/')) {
        warn(`NetworkPolicy ${namespace}/${String(metadata.name)} has apiVersion ${obj.apiVersion}; only networking.k8s.io NetworkPolicies are modelled, it is ignored.`);
        continue;
      }
      policies.push(compilePolicy(obj, namespace, warn));
      continue;
    }

    // The same test as Pod Security and the rules (kind and API group), so that a CRD reusing a
    // built-in kind name (e.g. Volcano's batch.volcano.sh Job) is not mistaken for a workload.
    const template = podTemplateOf(obj);
    if (!template) continue;
    const name = String(metadata.name ?? '<unnamed>');
    workloads.push({
      namespace,
      name,
      kind,
      labels: stringMap(asRecord(template.metadata)?.labels),
      ports: containerPorts(asRecord(template.spec), `${kind} ${namespace}/${name}`, warn),
    });
  }
  return { workloads, policies, namespaceLabels, warnings };
}
