// The Istio rules: mesh-mtls, mesh-authorization, mesh-injection.
import { runningContainers } from './reachability-manifests';
import { Finding, RuleResult } from './rules-types';
import { Entry, ManifestIndex, asArray, asRecord, describe, result, stringMap, templatePrefix } from './rules-index';
import { compileOwnSelector } from './rules-workloads';

// ---------------------------------------------------------------------------------------------
// Istio: mesh-mtls, mesh-authorization, mesh-injection

export const ISTIO_SECURITY = 'security.istio.io';
// Istio's default root namespace: policies there apply to the whole mesh.
export const MESH_ROOT_NAMESPACE = 'istio-system';

export type MeshMembership = 'sidecar' | 'ambient' | undefined;

/** How a Namespace among the manifests enrols its pods in the mesh, as istiod reads the labels. */
export function namespaceMesh(entry: Entry | undefined): MeshMembership {
  if (!entry) return undefined;
  const l = entry.labels;
  if (l['istio.io/dataplane-mode'] === 'ambient') return 'ambient';
  if (l['istio-injection'] === 'enabled') return 'sidecar';
  // istio-injection=disabled wins over a revision label.
  if (l['istio-injection'] === undefined && l['istio.io/rev'] !== undefined) return 'sidecar';
  return undefined;
}

export function meshedText(ns: string, index: ManifestIndex): string {
  const entry = index.namespaces.get(ns)!;
  const l = entry.labels;
  const label = l['istio.io/dataplane-mode'] === 'ambient' ? 'istio.io/dataplane-mode=ambient'
    : l['istio-injection'] === 'enabled' ? 'istio-injection=enabled' : `istio.io/rev=${l['istio.io/rev']}`;
  return `namespace "${ns}" is in the mesh (${label})`;
}

/** Container port names Prometheus scrapes: endpoint `port`s of monitors, through Service ports. */
export function scrapePortNames(index: ManifestIndex): Set<string> {
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

export const MTLS_FIX = 'set spec.mtls.mode: STRICT (and no portLevelMtls other than a PERMISSIVE exception for a Prometheus scrape port); '
  + 'with cdk8s-secure, use an IsolatedNamespace with mesh and mtls: MtlsMode.STRICT';

export function meshMtls(index: ManifestIndex): RuleResult {
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

export function isAbsent(value: unknown): boolean {
  return value === undefined || value === null;
}

export function isEmptyList(value: unknown): boolean {
  return isAbsent(value) || (Array.isArray(value) && value.length === 0);
}

export function meshAuthorization(index: ManifestIndex): RuleResult {
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

export const OPT_OUT_ANNOTATIONS = [
  'traffic.sidecar.istio.io/excludeInboundPorts',
  'traffic.sidecar.istio.io/excludeOutboundPorts',
  'traffic.sidecar.istio.io/excludeOutboundIPRanges',
  'traffic.sidecar.istio.io/excludeInterfaces',
];

export function meshInjection(index: ManifestIndex): RuleResult {
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
