// Reading manifests for the rules: one index by kind, namespace and name, shared by every rule.
import { Labels } from './reachability-selectors';
import { podTemplateOf } from './pod-security';
import { Finding, RULES, ResourceRef, RuleId, RuleResult } from './rules-types';

export type Obj = Record<string, any>;

export interface Entry {
  readonly obj: Obj;
  readonly ref: ResourceRef;
  readonly group: string;
  readonly labels: Labels;
  /** Pod template (metadata + spec) for workloads, as PSA sees it. */
  readonly template?: { metadata?: any; spec?: any };
}

export interface ManifestIndex {
  readonly entries: readonly Entry[];
  readonly workloads: readonly Entry[];
  readonly namespaces: ReadonlyMap<string, Entry>;
}

export function asRecord(value: unknown): Obj | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Obj) : undefined;
}

export function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

export function stringMap(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(asRecord(value) ?? {})) out[k] = String(v);
  return out;
}

export function groupOf(apiVersion: unknown): string {
  if (typeof apiVersion !== 'string') return '';
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

// Cluster-scoped kinds the rules read; everything else gets the default namespace.
export const CLUSTER_SCOPED = new Set(['Namespace']);

export function indexManifests(manifests: readonly unknown[], defaultNamespace: string): ManifestIndex {
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

export function describe(ref: ResourceRef): string {
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

export function result(rule: RuleId, checked: number, findings: Finding[]): RuleResult {
  const failed = new Set(findings.map((f) => f.subject)).size;
  return { rule, title: RULES.find((r) => r.id === rule)!.title, checked, failed, passed: checked - failed, findings };
}
