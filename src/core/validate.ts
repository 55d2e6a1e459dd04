import { cidrContains, cidrProblem, parseCidr } from './cidr';

/**
 * Input checks as pure functions: each returns `undefined` when the value is fine, or a sentence
 * that names the offending value and the fix. Constructs collect these and fail with their path
 * (see `errors.ts`), so the same rule gives the same words wherever it is used.
 */

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
// IANA_SVC_NAME as Kubernetes validates container and service port names.
const PORT_NAME = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;
// Label keys: optional DNS subdomain prefix, then a 63-char name.
const LABEL_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/** A DNS-1123 label: what Kubernetes requires of Namespace, Service and most object names. */
export function checkDnsLabel(what: string, value: string): string | undefined {
  if (value.length <= 63 && DNS1123_LABEL.test(value)) return undefined;
  return `${what} "${value}" is not a valid DNS-1123 label. Fix: use at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit (e.g. "${suggestDnsLabel(value)}").`;
}

const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

/** A DNS-1035 label: what Kubernetes requires of a Service name (it must start with a letter, so `3scale` is refused). */
export function checkDns1035Label(what: string, value: string): string | undefined {
  if (value.length <= 63 && DNS1035_LABEL.test(value)) return undefined;
  const label = suggestDnsLabel(value);
  const example = /^[a-z]/.test(label) ? label : `svc-${label}`.slice(0, 63).replace(/-+$/, '');
  return `${what} "${value}" is not a valid DNS-1035 label, which Kubernetes requires of a Service name. Fix: use at most 63 lowercase letters, digits and '-', starting with a letter and ending with a letter or digit (e.g. "${example}").`;
}

/** A DNS-1123 subdomain: Deployment, ServiceAccount, ConfigMap and Secret names. */
export function checkDnsSubdomain(what: string, value: string): string | undefined {
  if (value.length <= 253 && DNS1123_SUBDOMAIN.test(value)) return undefined;
  return `${what} "${value}" is not a valid DNS-1123 subdomain. Fix: use lowercase letters, digits, '-' and '.', starting and ending with a letter or digit (e.g. "${suggestDnsLabel(value)}").`;
}

function suggestDnsLabel(value: string): string {
  const s = value.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 63).replace(/-+$/, '');
  return s || 'my-app';
}

export function checkPortNumber(what: string, port: number): string | undefined {
  if (Number.isInteger(port) && port >= 1 && port <= 65535) return undefined;
  return `${what} ${port} is outside 1-65535. Fix: use a whole number from 1 to 65535.`;
}

/** Port names as Kubernetes checks them (IANA_SVC_NAME): Istio and Prometheus refer to ports by these. */
export function checkPortName(what: string, name: string): string | undefined {
  if (name.length > 15) {
    return `${what} "${name}" is ${name.length} characters long; Kubernetes allows at most 15. Fix: shorten it (e.g. "${name.slice(0, 15).replace(/-+$/, '')}").`;
  }
  if (!PORT_NAME.test(name) || name.includes('--') || !/[a-z]/.test(name)) {
    return `${what} "${name}" is not a valid port name. Fix: use lowercase letters, digits and single '-' (at least one letter, no leading or trailing '-'), e.g. "http" or "metrics".`;
  }
  return undefined;
}

/** A qualified name (label and annotation keys): an optional DNS-1123 subdomain prefix of at most 253 and '/', then a name of at most 63. */
export function isQualifiedName(key: string): boolean {
  const slash = key.lastIndexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  return name.length <= 63 && LABEL_NAME.test(name)
    && (prefix === undefined || (prefix.length <= 253 && DNS1123_SUBDOMAIN.test(prefix)));
}

/** Annotation keys, which the API server checks as label keys are (values are free text). */
export function checkAnnotationKeys(what: string, annotations: Record<string, unknown>): string | undefined {
  const bad = Object.keys(annotations).find((k) => !isQualifiedName(k));
  return bad === undefined ? undefined
    : `${what} key "${bad}" is not a valid annotation key. Fix: use an optional DNS subdomain prefix (lowercase, at most 253 characters) and '/', then at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit (e.g. "example.com/owner").`;
}

// Kubernetes' IsConfigMapKey, for the keys of ConfigMaps and Secrets.
const CONFIG_MAP_KEY = /^[-._a-zA-Z0-9]+$/;

/** A key of a ConfigMap or Secret. */
export function checkConfigMapKey(what: string, key: unknown): string | undefined {
  if (typeof key !== 'string') return `${what} must be a string, got ${key === null ? 'null' : typeof key}. Fix: pass the key's name as text.`;
  if (key.length > 0 && key.length <= 253 && CONFIG_MAP_KEY.test(key) && key !== '.' && !key.startsWith('..')) return undefined;
  return `${what} "${key}" is not a valid ConfigMap or Secret key. Fix: use at most 253 letters, digits, '-', '_' and '.', not "." and not starting with ".." (e.g. "${key.replace(/[^-._a-zA-Z0-9]+/g, '-').replace(/^\.+/, '') || 'key'}").`;
}

/** A path below a mount (a file `items` path): relative, with no `..` and no empty segment. */
export function checkRelativePath(what: string, path: unknown): string | undefined {
  if (typeof path !== 'string') return `${what} must be a string, got ${path === null ? 'null' : typeof path}. Fix: pass a relative path such as "conf/app.yaml".`;
  const segments = path.split('/');
  const problem = path === '' ? 'is empty'
    : path.startsWith('/') ? 'is absolute'
      : segments.includes('..') ? 'has a ".." segment, which would leave the mount'
        : segments.includes('') ? 'has an empty segment' : undefined;
  return problem && `${what} "${path}" ${problem}. Fix: use a relative path below the mount, such as "conf/app.yaml" (no leading '/', no "..", no "//").`;
}

export function checkLabels(what: string, labels: Record<string, string>): string | undefined {
  for (const [key, value] of Object.entries(labels)) {
    if (!isQualifiedName(key)) {
      return `${what} key "${key}" is not a valid label key. Fix: use an optional DNS subdomain prefix and '/', then at most 63 letters, digits, '-', '_' or '.'.`;
    }
    if (typeof value !== 'string' || value.length > 63 || !LABEL_VALUE.test(value)) {
      return `${what} "${key}: ${value}" has an invalid value. Fix: use at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit.`;
    }
  }
  return undefined;
}

const BINARY_SUFFIX: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
const DECIMAL_SUFFIX: Record<string, number> = { 'n': 1e-9, 'u': 1e-6, 'm': 1e-3, '': 1, 'k': 1e3, 'M': 1e6, 'G': 1e9, 'T': 1e12, 'P': 1e15, 'E': 1e18 };
const QUANTITY = /^([+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+))(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]|[eE][+-]?[0-9]+)?$/;

/**
 * The value of a Kubernetes resource quantity ("100m" → 0.1, "1Gi" → 1073741824), or undefined when
 * it is not one. Used both to reject bad input and to add up requests against a ResourceQuota.
 */
export function parseQuantity(value: string): number | undefined {
  const m = QUANTITY.exec(value);
  if (!m) return undefined;
  const n = Number(m[1]);
  const suffix = m[2] ?? '';
  if (suffix in BINARY_SUFFIX) return n * BINARY_SUFFIX[suffix];
  if (suffix in DECIMAL_SUFFIX) return n * DECIMAL_SUFFIX[suffix];
  return n * 10 ** Number(suffix.slice(1));
}

/** Resources whose quantity in `values` is above the same resource's quantity in `ceilings`. */
export function aboveCeilings(values: { [resource: string]: string }, ceilings: { [resource: string]: string }): Array<{ resource: string; value: string; ceiling: string }> {
  return Object.entries(values)
    .filter(([r, v]) => ceilings[r] !== undefined && (parseQuantity(v) ?? 0) > (parseQuantity(ceilings[r]) ?? Infinity))
    .map(([resource, value]) => ({ resource, value, ceiling: ceilings[resource] }));
}

export function checkQuantity(what: string, value: string): string | undefined {
  const parsed = typeof value === 'string' ? parseQuantity(value) : undefined;
  if (parsed !== undefined && parsed >= 0) return undefined;
  return `${what} "${value}" is not a valid Kubernetes quantity. Fix: write a number with an optional suffix and no spaces, e.g. "250m" (CPU), "256Mi" or "1Gi" (memory, storage).`;
}

/**
 * A request and its limit: both valid quantities, and the request within the limit (the API
 * server rejects a container whose request exceeds its limit). `what` names each for messages.
 */
export function checkResourceRange(what: { request: string; limit: string }, request: string, limit: string): string | undefined {
  const bad = checkQuantity(what.request, request) ?? checkQuantity(what.limit, limit);
  if (bad) return bad;
  return parseQuantity(request)! > parseQuantity(limit)!
    ? `${what.request} "${request}" exceeds ${what.limit} "${limit}". Fix: raise the limit or lower the request.`
    : undefined;
}

/**
 * Images must be pinned: Kubernetes pulls `:latest` (or an untagged name) afresh on every start,
 * so two replicas can run different code and a rollback is impossible.
 */
export function checkImage(what: string, image: string | undefined): string | undefined {
  const p = imageProblem(image);
  return p && `${what} ${p.problem}. Fix: ${p.fix}.`;
}

// The distribution/reference grammar: a registry host (may be uppercase) only when the first
// component looks like one, then lowercase path components.
const REGISTRY_HOST = /^[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::[0-9]+)?$/;
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;

function referenceGrammarProblem(name: string): string | undefined {
  const parts = name.split('/');
  const first = parts[0];
  const hasHost = parts.length > 1 && (first.includes('.') || first.includes(':') || first === 'localhost' || first !== first.toLowerCase());
  if (hasHost && !REGISTRY_HOST.test(first)) return `"${first}" is not a registry host`;
  const bad = (hasHost ? parts.slice(1) : parts).find((c) => !PATH_COMPONENT.test(c));
  return bad === undefined ? undefined : `"${bad}" is not a valid path component`;
}

/**
 * Why an image reference is not pinned or not valid, as the problem (to follow the name of the
 * field, e.g. `image`) and its fix; undefined when it is pinned. The one judgement used by
 * SecureApp and by the image-tag rule for foreign manifests.
 */
export function imageProblem(image: string | undefined): { problem: string; fix: string } | undefined {
  if (image === undefined || image === null || String(image).trim() === '') {
    return { problem: 'is missing', fix: 'set `image` to a pinned reference such as "ghcr.io/acme/web:1.4.2" or "ghcr.io/acme/web@sha256:<digest>"' };
  }
  const repoPart = image.split('@')[0].replace(/:[^/]*$/, '');
  if (/\s/.test(image) || repoPart === '') {
    return { problem: `"${image}" is not a valid image reference`, fix: 'use a lowercase repository name without spaces, e.g. "ghcr.io/acme/web:1.4.2"' };
  }
  const broken = referenceGrammarProblem(repoPart);
  if (broken) {
    return { problem: `"${image}" breaks the image reference grammar: ${broken}`, fix: 'write [registry-host[:port]/]path[:tag|@digest], with lowercase letters, digits and single separators (".", "_", "__", "-") in each path component, e.g. "ghcr.io/acme/web:1.4.2"' };
  }
  if (/@sha256:[a-f0-9]{64}$/.test(image)) return undefined;
  if (image.includes('@')) {
    return { problem: `"${image}" has a malformed digest`, fix: 'use "@sha256:" followed by 64 lowercase hex digits' };
  }
  const lastSlash = image.lastIndexOf('/');
  const colon = image.indexOf(':', lastSlash + 1);
  const tag = colon >= 0 ? image.slice(colon + 1) : undefined;
  const repo = colon >= 0 ? image.slice(0, colon) : image;
  const pin = `pin a version tag or a digest, e.g. "${repo}:1.2.3" or "${repo}@sha256:<digest>"`;
  if (tag === undefined) return { problem: `"${image}" has no tag, so Kubernetes pulls ":latest"`, fix: pin };
  if (tag === 'latest') return { problem: `"${image}" uses the mutable tag ":latest"`, fix: pin };
  if (!/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/.test(tag)) {
    return { problem: `"${image}" has an invalid tag "${tag}"`, fix: 'tags are up to 128 letters, digits, \'_\', \'.\' and \'-\'' };
  }
  return undefined;
}

const CAPABILITY = /^[A-Z][A-Z0-9_]*$/;

export function checkCapability(what: string, cap: string): string | undefined {
  if (cap.startsWith('CAP_')) {
    return `${what} "${cap}" uses the kernel's CAP_ prefix, which Kubernetes does not expect. Fix: write "${cap.slice(4)}".`;
  }
  if (!CAPABILITY.test(cap) || cap === 'ALL') {
    return `${what} "${cap}" is not a capability name. Fix: use an upper-case Linux capability name without the CAP_ prefix, e.g. "NET_BIND_SERVICE".`;
  }
  return undefined;
}

/** Whether block `inner` lies wholly inside block `outer` (both CIDRs, same address family). */
export function cidrWithin(outer: string, inner: string): boolean {
  const o = parseCidr(outer);
  const i = parseCidr(inner);
  return !!o && !!i && cidrContains(o, i);
}

/** A block in canonical form, as this library takes them (see core/cidr.ts). */
export function checkCidr(what: string, cidr: string): string | undefined {
  return cidrProblem(what, cidr);
}

/**
 * `n` written in the unit of one of the quantities `like`, so messages show "384Mi" rather than
 * the bytes a sum comes to: the first unit in which it is whole ("1152Mi" for 1Gi + 128Mi), else
 * the first in which it is exact to three decimals; otherwise in a unit exact for Kubernetes
 * (whole units, or milli).
 */
export function formatQuantity(n: number, like: readonly string[]): string {
  const units = like.flatMap((q) => {
    const m = typeof q === 'string' ? QUANTITY.exec(q) : null;
    const suffix = m ? m[2] ?? '' : undefined;
    const factor = suffix === undefined ? undefined : BINARY_SUFFIX[suffix] ?? DECIMAL_SUFFIX[suffix];
    return factor === undefined ? [] : [{ suffix: suffix!, factor }];
  });
  const near = (a: number, b: number) => Math.abs(a - b) < 1e-6 * Math.max(1, Math.abs(a));
  const whole = units.find((u) => near(n / u.factor, Math.round(n / u.factor)));
  if (whole) return `${Math.round(n / whole.factor)}${whole.suffix}`;
  const exact = units.find((u) => near((n / u.factor) * 1000, Math.round((n / u.factor) * 1000)));
  if (exact) return `${Math.round((n / exact.factor) * 1000) / 1000}${exact.suffix}`;
  return Number.isInteger(n) ? String(n) : `${Math.round(n * 1000)}m`;
}

/** `a + b` for quantities of the same resource, in the unit they are written in (exact for Kubernetes). */
export function addQuantities(a: string, b: string): string {
  return formatQuantity((parseQuantity(a) ?? 0) + (parseQuantity(b) ?? 0), [a, b]);
}
