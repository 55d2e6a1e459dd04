// External hosts by name, as the manifests allow them: Cilium's toFQDNs, Istio's ServiceEntries
// and REGISTRY_ONLY Sidecars. NetworkPolicy itself cannot name a host; the engine combines these
// with its reading of the NetworkPolicies (see NetworkModel.check with Endpoint.host).
import { CidrBlock, cidrContainsAddress, IpAddress, parseAddress, parseCidr } from '../core/cidr';
import type { Labels } from './reachability-selectors';

interface CiliumFqdnRule {
  readonly id: string;
  readonly namespace: string;
  readonly selector: Labels;
  readonly names: readonly string[];
  readonly patterns: readonly RegExp[];
  readonly patternTexts: readonly string[];
  /** Empty: every port. */
  readonly ports: readonly number[];
}

interface SidecarRule {
  readonly id: string;
  readonly namespace: string;
  /** Undefined: every pod of the namespace. */
  readonly selector?: Labels;
  readonly registryOnly: boolean;
}

interface EntryRule {
  readonly id: string;
  readonly namespace: string;
  readonly hosts: readonly string[];
  /** The `addresses` that parse (a single address as its one-address block). */
  readonly addresses: readonly CidrBlock[];
  readonly ports: readonly number[];
  readonly exportTo: readonly string[];
}

function addressBlock(text: string): CidrBlock | undefined {
  if (text.includes('/')) return parseCidr(text);
  const ip = parseAddress(text);
  return ip ? parseCidr(`${text}/${ip.family === 4 ? 32 : 128}`) : undefined;
}

/** A host a workload may reach, and what says so. */
export interface HostReach {
  /** The name (or Cilium pattern, e.g. `*.example.com`). */
  readonly host: string;
  /**
   * The port.
   * @default - every port
   */
  readonly port?: number;
  /** What allows it. */
  readonly via: string;
}

function record(x: unknown): Record<string, any> | undefined {
  return x !== null && typeof x === 'object' && !Array.isArray(x) ? (x as Record<string, any>) : undefined;
}

function list(x: unknown): any[] {
  return Array.isArray(x) ? x : [];
}

function selects(selector: Labels | undefined, labels: Labels): boolean {
  return !selector || Object.entries(selector).every(([k, v]) => labels[k] === v);
}

// Cilium turns '*' into "any run of DNS characters" within the name.
function patternRegExp(pattern: string): RegExp {
  const escaped = pattern.toLowerCase().split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('[-a-z0-9_]*');
  return new RegExp(`^${escaped}\\.?$`);
}

function hostMatches(pattern: string, host: string): boolean {
  if (pattern === host) return true;
  return pattern.startsWith('*.') && host.endsWith(pattern.slice(1)) && !host.slice(0, -pattern.length + 1).includes('.');
}

/** The host rules of a set of manifests. */
export class HostRules {
  static fromManifests(manifests: readonly unknown[], defaultNamespace: string): HostRules {
    const cilium: CiliumFqdnRule[] = [];
    const sidecars: SidecarRule[] = [];
    const entries: EntryRule[] = [];
    for (const raw of manifests) {
      const m = record(raw);
      if (!m || typeof m.kind !== 'string' || typeof m.apiVersion !== 'string') continue;
      const meta = record(m.metadata) ?? {};
      const namespace = typeof meta.namespace === 'string' && meta.namespace ? meta.namespace : defaultNamespace;
      const id = `${namespace}/${String(meta.name)}`;
      const spec = record(m.spec) ?? {};
      if (m.kind === 'CiliumNetworkPolicy' && m.apiVersion.startsWith('cilium.io/')) {
        const matchLabels = record(record(spec.endpointSelector)?.matchLabels) ?? {};
        const selector: Record<string, string> = {};
        for (const [k, v] of Object.entries(matchLabels)) selector[k.replace(/^k8s:/, '')] = String(v);
        for (const rule of list(spec.egress)) {
          const fqdns = list(record(rule)?.toFQDNs);
          if (fqdns.length === 0) continue;
          const names = fqdns.flatMap((f) => (typeof f?.matchName === 'string' ? [f.matchName.toLowerCase().replace(/\.$/, '')] : []));
          const patternTexts = fqdns.flatMap((f) => (typeof f?.matchPattern === 'string' ? [f.matchPattern] : []));
          const ports = list(record(rule)?.toPorts).flatMap((tp) => list(record(tp)?.ports).map((p) => Number(record(p)?.port)));
          cilium.push({ id, namespace, selector, names, patterns: patternTexts.map(patternRegExp), patternTexts, ports });
        }
      } else if (m.kind === 'Sidecar' && m.apiVersion.startsWith('networking.istio.io/')) {
        const labels = record(record(spec.workloadSelector)?.labels);
        sidecars.push({ id, namespace, selector: labels ? { ...labels } : undefined, registryOnly: record(spec.outboundTrafficPolicy)?.mode === 'REGISTRY_ONLY' });
      } else if (m.kind === 'ServiceEntry' && m.apiVersion.startsWith('networking.istio.io/')) {
        entries.push({
          id, namespace,
          hosts: list(spec.hosts).map(String),
          addresses: list(spec.addresses).flatMap((a) => { const b = addressBlock(String(a)); return b ? [b] : []; }),
          ports: list(spec.ports).map((p) => Number(record(p)?.number)),
          exportTo: spec.exportTo === undefined ? ['*'] : list(spec.exportTo).map(String),
        });
      }
    }
    return new HostRules(cilium, sidecars, entries);
  }

  private constructor(
    private readonly cilium: readonly CiliumFqdnRule[],
    private readonly sidecars: readonly SidecarRule[],
    private readonly entries: readonly EntryRule[],
  ) {}

  /** The CiliumNetworkPolicy rule that allows pods with `labels` in `namespace` to reach `host` on `port`, as a reason. */
  ciliumAllows(namespace: string, labels: Labels, host: string, port: number): string | undefined {
    const h = host.toLowerCase();
    const rule = this.cilium.find((r) => r.namespace === namespace && selects(r.selector, labels)
      && (r.ports.length === 0 || r.ports.includes(port)) && (r.names.includes(h) || r.patterns.some((p) => p.test(h))));
    return rule ? `CiliumNetworkPolicy ${rule.id} allows it by name (toFQDNs)` : undefined;
  }

  /** The REGISTRY_ONLY Sidecar in force for the pods, if any (a workload-selecting one wins over the namespace's). */
  registryOnly(namespace: string, labels: Labels): string | undefined {
    const mine = this.sidecars.filter((s) => s.namespace === namespace);
    const sidecar = mine.find((s) => s.selector && selects(s.selector, labels)) ?? mine.find((s) => !s.selector);
    return sidecar?.registryOnly ? sidecar.id : undefined;
  }

  /** The ServiceEntry that puts `host` on `port` in the registry of `namespace`, if any. */
  serviceEntry(namespace: string, host: string, port: number): string | undefined {
    const entry = this.entries.find((e) => this.exported(e, namespace)
      && e.hosts.some((p) => hostMatches(p, host)) && (e.ports.length === 0 || e.ports.includes(port)));
    return entry?.id;
  }

  /**
   * Whether the pods' REGISTRY_ONLY Sidecar, if any, forwards a TCP connection to `address` on
   * `port`: only when a ServiceEntry exported to the namespace lists the address (a block in
   * `addresses`) and the port; otherwise the proxy drops what the NetworkPolicy admits.
   */
  addressVerdict(namespace: string, labels: Labels, address: IpAddress, port: number, head: string): { allowed: boolean; reason?: string } {
    const sidecar = this.registryOnly(namespace, labels);
    if (!sidecar) return { allowed: true };
    const entry = this.entries.find((e) => this.exported(e, namespace)
      && e.addresses.some((b) => cidrContainsAddress(b, address)) && (e.ports.length === 0 || e.ports.includes(port)));
    return entry
      ? { allowed: true, reason: `${head}: forwarded by Sidecar ${sidecar} (REGISTRY_ONLY) through ServiceEntry ${entry.id}` }
      : { allowed: false, reason: `${head}: denied; Sidecar ${sidecar} is REGISTRY_ONLY and no ServiceEntry exported to ${namespace} lists the address on ${port}` };
  }

  private exported(e: EntryRule, namespace: string): boolean {
    return e.namespace === namespace ? e.exportTo.some((x) => x === '.' || x === '*' || x === namespace) : e.exportTo.some((x) => x === '*' || x === namespace);
  }

  /** Every host named for pods with `labels` in `namespace`: by Cilium, or by a ServiceEntry a REGISTRY_ONLY sidecar holds them to. */
  hostsOf(namespace: string, labels: Labels): HostReach[] {
    const out: HostReach[] = [];
    for (const r of this.cilium) {
      if (r.namespace !== namespace || !selects(r.selector, labels)) continue;
      for (const host of [...r.names, ...r.patternTexts]) {
        if (r.ports.length === 0) out.push({ host, via: `CiliumNetworkPolicy ${r.id}` });
        for (const port of r.ports) out.push({ host, port, via: `CiliumNetworkPolicy ${r.id}` });
      }
    }
    const sidecar = this.registryOnly(namespace, labels);
    for (const e of this.entries) {
      if (e.namespace !== namespace || !sidecar) continue;
      for (const host of e.hosts) for (const port of e.ports) out.push({ host, port, via: `ServiceEntry ${e.id}, Sidecar ${sidecar} (REGISTRY_ONLY)` });
    }
    return out;
  }
}
