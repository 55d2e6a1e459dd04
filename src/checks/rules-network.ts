// The rules over compiled NetworkPolicies and objects as a whole: network-allow-all,
// metadata-endpoint, duplicate-object.
import { NetworkModel } from './reachability';
import { CompiledPolicy } from './reachability-manifests';
import { ipBlockReaches, parseCidr } from '../core/cidr';
import { Finding, NormalizedOptions, RuleResult } from './rules-types';
import { Entry, ManifestIndex, asRecord, describe, result } from './rules-index';
import { isAllowAll, isDefaultDeny } from './rules-workloads';

// ---------------------------------------------------------------------------------------------
// network-allow-all, metadata-endpoint

export interface PolicyEntry {
  readonly entry: Entry;
  readonly policy: CompiledPolicy;
}

export function policyEntries(model: NetworkModel, index: ManifestIndex): PolicyEntry[] {
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

export function networkAllowAll(all: readonly PolicyEntry[]): RuleResult {
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

export function metadataEndpoint(all: readonly PolicyEntry[], opts: NormalizedOptions): RuleResult {
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

export function duplicateObject(index: ManifestIndex): RuleResult {
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
