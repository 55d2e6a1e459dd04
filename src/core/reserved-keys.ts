/**
 * Label and annotation keys that switch off or redirect a guarantee the library gives. A
 * free-form map (`labels`, `podAnnotations`, a namespace's `labels`) must not carry them: each
 * is decided by a typed option, which also models its consequences (an injection opt-out is
 * `mesh: false`, which the NetworkPolicy and mTLS model then treat as outside the mesh).
 */

/** Where a free-form map ends up, which decides what in it is reserved. */
export type KeyPlace = 'pod label' | 'pod annotation' | 'namespace label';

interface ReservedRule {
  /** Matches the key (exact key, or prefix ending in '/' or '.'). */
  readonly match: (key: string) => boolean;
  readonly places: readonly KeyPlace[];
  /** What the key would switch off. */
  readonly why: string;
  /** The typed option to use instead. */
  readonly fix: string;
}

const exact = (...keys: string[]) => (key: string) => keys.includes(key);
const prefix = (...prefixes: string[]) => (key: string) => prefixes.some((p) => key.startsWith(p));
const POD: KeyPlace[] = ['pod label', 'pod annotation'];
const ALL: KeyPlace[] = ['pod label', 'pod annotation', 'namespace label'];

// Istio keys users may set for telemetry; everything else under an istio.io domain changes
// injection, capture, the revision or where policy is enforced.
const ISTIO_TELEMETRY = new Set(['service.istio.io/canonical-name', 'service.istio.io/canonical-revision']);
const isIstioKey = (key: string) => {
  const slash = key.indexOf('/');
  if (slash < 0 || ISTIO_TELEMETRY.has(key)) return false;
  const domain = key.slice(0, slash);
  return domain === 'istio.io' || domain.endsWith('.istio.io');
};

const RULES: ReservedRule[] = [
  {
    match: exact('app.kubernetes.io/instance'), places: ['pod label'],
    why: 'the selectors of the Deployment, Service, NetworkPolicy and AuthorizationPolicy use it', fix: 'set `name` to choose its value',
  },
  {
    match: prefix('service.cdk8s-secure.io/'), places: ['pod label'],
    why: 'a SecureService selects its workloads\' pods by it, so it would put the pods behind a Service they were not given to', fix: 'list the workload in the SecureService\'s `workloads`',
  },
  { match: exact('app.kubernetes.io/name'), places: ['pod label'], why: 'the library sets it from `appName`', fix: 'set `appName` instead' },
  { match: exact('app.kubernetes.io/managed-by'), places: ['pod label'], why: 'the library sets it to "cdk8s-secure"', fix: 'drop the key' },
  {
    match: exact('sidecar.istio.io/inject', 'istio.io/dataplane-mode'), places: POD,
    why: 'it takes the pods out of the mesh while the library models them as meshed', fix: 'set `mesh: false` on the app, which also renders what leaving the mesh means under STRICT mTLS',
  },
  {
    match: prefix('traffic.sidecar.istio.io/'), places: POD,
    why: 'it exempts ports or addresses from the sidecar, so that traffic skips mTLS and the AuthorizationPolicy', fix: 'declare the traffic with `allowFrom`/`allowTo`, or set `mesh: false` on the app',
  },
  {
    match: prefix('sidecar.istio.io/proxyCPU', 'sidecar.istio.io/proxyMemory'), places: POD,
    why: 'the library sizes the sidecar from the namespace\'s mesh', fix: 'set `Mesh.sidecar({ proxyResources })` on the IsolatedNamespace',
  },
  {
    match: prefix('sidecar.istio.io/', 'proxy.istio.io/'), places: POD,
    why: 'it changes the injected proxy (its volumes, image, interception or bootstrap), which the Pod Security check and the mesh model cannot see', fix: 'configure the mesh with `Mesh.sidecar(...)` on the IsolatedNamespace, or set `mesh: false`',
  },
  {
    match: exact('istio-injection', 'istio.io/rev', 'istio.io/use-waypoint', 'istio.io/use-waypoint-namespace'), places: ALL,
    why: 'it chooses the mesh, the Istio revision or where policy is enforced', fix: 'set `mesh` on the IsolatedNamespace (Mesh.sidecar({ revision }) or Mesh.ambient())',
  },
  { match: isIstioKey, places: ALL, why: 'Istio reads it to decide injection, capture or policy', fix: 'use the typed `mesh` options instead' },
  {
    match: prefix('pod-security.kubernetes.io/'), places: ALL,
    why: 'the library sets the Pod Security labels, and the apps inside are checked against them', fix: 'set `podSecurity`, `podSecurityVersion`, `auditLevel`, `warnLevel` or `auditWarnVersion` on the IsolatedNamespace',
  },
  {
    match: exact('kubernetes.io/metadata.name'), places: ['namespace label'],
    why: 'the API server sets it to the namespace name and every namespace selector relies on it', fix: 'set `name` on the IsolatedNamespace',
  },
  {
    match: prefix('seccomp.security.alpha.kubernetes.io/', 'container.seccomp.security.alpha.kubernetes.io/'), places: POD,
    why: 'it overrides the RuntimeDefault seccomp profile the library sets', fix: 'drop the key; the library sets the seccomp profile in the securityContext',
  },
  {
    match: prefix('container.apparmor.security.beta.kubernetes.io/'), places: POD,
    why: 'it can set an unconfined AppArmor profile', fix: 'drop the key; the pods keep the runtime\'s default AppArmor profile',
  },
  {
    match: prefix('k8s.v1.cni.cncf.io/'), places: POD,
    why: 'it attaches extra network interfaces (Multus) that no NetworkPolicy covers', fix: 'declare traffic with `allowFrom`/`allowTo`',
  },
  {
    // CRI-O and crun act on these annotations (devices, user namespaces, cgroups) when allowed.
    match: prefix('io.kubernetes.cri-o.', 'io.kubernetes.cri.', 'run.oci.', 'io.containerd.'), places: POD,
    why: 'the container runtime reads it to grant devices or change isolation, which Pod Security does not see', fix: 'use the typed `securityContext`/`relax` options',
  },
];

/** Why `key` is reserved at `place` and the typed option to use, or undefined when it is free. */
export function reservedKey(place: KeyPlace, key: string): { why: string; fix: string } | undefined {
  const rule = RULES.find((r) => r.places.includes(place) && r.match(key));
  return rule && { why: rule.why, fix: rule.fix };
}

/** A problem for each reserved key in `map`, placed at `place`, or undefined. */
export function reservedKeyProblems(what: string, place: KeyPlace, map: { [key: string]: unknown } | undefined): string[] {
  if (!map || typeof map !== 'object') return [];
  const out: string[] = [];
  for (const key of Object.keys(map)) {
    const rule = RULES.find((r) => r.places.includes(place) && r.match(key));
    if (rule) out.push(`${what} key "${key}" is reserved: ${rule.why}. Fix: ${rule.fix}.`);
  }
  return out;
}
