/**
 * Schema validation of synthesized manifests, for tests.
 *
 * - Kubernetes built-in kinds are validated against the v1.27 and the v1.36 OpenAPI (swagger)
 *   definitions (test/fixtures/k8s-openapi/v1.<minor>.0/_definitions.json), looked up through each
 *   definition's `x-kubernetes-group-version-kind`: the oldest release a target may be and the
 *   current one, since the output must be valid on its target and every newer release.
 * - Custom resources are validated against the `openAPIV3Schema` of the served CRD version that
 *   matches their apiVersion (test/fixtures/crds/*.yaml). Their `metadata` is validated as a
 *   Kubernetes ObjectMeta.
 * - Unknown fields are errors everywhere (the API server's strict field validation rejects them
 *   for built-in kinds; for CRDs the API server would silently prune them, which for a library
 *   that means to set them is just as much a bug).
 * - CEL rules (`x-kubernetes-validations`) are not JSON Schema: the ones present in the fixture
 *   CRDs are implemented below as explicit checks and applied wherever the CRD attaches them.
 *   `unimplementedCelRules()` lists any rule found in the fixtures that is not implemented.
 * - Rules the Prometheus Operator enforces outside the schema (scrapeTimeout <= interval) are
 *   checked explicitly too.
 *
 * Not covered: the API server's hand-written validation, which the OpenAPI document does not
 * describe (name formats, the allowed values of strings such as ports[].protocol or restartPolicy
 * (the v1.27 swagger has no enums), selector/template label agreement, ...).
 *
 * Everything here comes from test/fixtures (see SOURCES.md); nothing outside the repository is read.
 */
import * as fs from 'fs';
import * as path from 'path';
import Ajv, { ErrorObject, ValidateFunction } from 'ajv';
import * as YAML from 'yaml';

const FIXTURES = path.join(__dirname, '..', 'fixtures');
/** The Kubernetes releases whose schema every synthesized object must satisfy: the oldest one a target may be, and the current one. */
export const K8S_SCHEMA_VERSIONS = ['1.27', '1.36'] as const;
export type K8sSchemaVersion = typeof K8S_SCHEMA_VERSIONS[number];
const k8sDefinitionsFile = (v: K8sSchemaVersion) => path.join(FIXTURES, 'k8s-openapi', `v${v}.0`, '_definitions.json');
const CRD_DIR = path.join(FIXTURES, 'crds');

/** $id under which the Kubernetes definitions of a release are registered with ajv. */
const k8sId = (v: K8sSchemaVersion) => `k8s-v${v}.0.json`;
/** CRD metadata is checked as the oldest release's ObjectMeta. */
const K8S_ID = k8sId('1.27');
const OBJECT_META = 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta';

// ---------------------------------------------------------------------------------------------
// Go regular expressions
// ---------------------------------------------------------------------------------------------

/**
 * Compiles a Go (RE2) regular expression as a JavaScript RegExp.
 *
 * Go allows a leading flag group such as `(?i)` (also after a leading `^`), which JavaScript
 * rejects; it is turned into the equivalent RegExp flag. Flag groups elsewhere in the pattern,
 * whose meaning JavaScript cannot express, throw rather than silently change the meaning.
 */
export function goRegExp(pattern: string, flags: string = ''): RegExp {
  let source = pattern;
  let jsFlags = flags;
  const lead = /^(\^?)\(\?([imsU]+)\)/.exec(source);
  if (lead) {
    for (const f of lead[2]) {
      if (f === 'U') {
        throw new Error(`Go regex flag U (ungreedy) has no JavaScript equivalent: ${pattern}`);
      }
      if (!jsFlags.includes(f)) jsFlags += f;
    }
    source = lead[1] + source.slice(lead[0].length);
  }
  if (/\(\?[imsU-]+[:)]/.test(source)) {
    throw new Error(`Go regex inline flags inside the pattern are not supported: ${pattern}`);
  }
  // Go's named groups (?P<name>...) are (?<name>...) in JavaScript.
  source = source.replace(/\(\?P</g, '(?<');
  try {
    return new RegExp(source, jsFlags);
  } catch (e) {
    // RE2 accepts identity escapes such as `\-` that the `u` flag rejects.
    if (jsFlags.includes('u')) return new RegExp(source, jsFlags.replace('u', ''));
    throw e;
  }
}

/** A RegExp engine for ajv (`code.regExp`) that understands Go's leading `(?i)`. */
export function goRegExpEngine(pattern: string, u: string): RegExp {
  return goRegExp(pattern, u);
}
goRegExpEngine.code = 'goRegExp';

// ---------------------------------------------------------------------------------------------
// Registry: ajv instance, Kubernetes definitions, CRDs
// ---------------------------------------------------------------------------------------------

interface CrdVersion {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  /** The untransformed openAPIV3Schema (used to walk CEL rules). */
  readonly schema: any;
  validate?: ValidateFunction;
}

let ajvInstance: Ajv | undefined;
const k8sKindsByVersion = new Map<K8sSchemaVersion, Map<string, string>>(); // "group/version/Kind" -> definition name
let crdKinds: Map<string, CrdVersion> | undefined; // "group/version/Kind" -> served CRD version
const k8sValidators = new Map<string, ValidateFunction>();

function ajv(): Ajv {
  if (!ajvInstance) {
    ajvInstance = new Ajv({
      strict: false,
      validateFormats: false,
      allErrors: true,
      verbose: true,
      inlineRefs: false,
      code: { regExp: goRegExpEngine },
    });
    for (const v of K8S_SCHEMA_VERSIONS) loadK8sDefinitions(ajvInstance, v);
  }
  return ajvInstance;
}

function gvkKey(group: string, version: string, kind: string): string {
  return `${group}/${version}/${kind}`;
}

function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const i = apiVersion.lastIndexOf('/');
  return i < 0 ? { group: '', version: apiVersion } : { group: apiVersion.slice(0, i), version: apiVersion.slice(i + 1) };
}

function loadK8sDefinitions(instance: Ajv, version: K8sSchemaVersion): void {
  const raw = JSON.parse(fs.readFileSync(k8sDefinitionsFile(version), 'utf8')).definitions as Record<string, any>;
  const definitions: Record<string, any> = {};
  const k8sKinds = new Map<string, string>();
  k8sKindsByVersion.set(version, k8sKinds);
  for (const [name, def] of Object.entries(raw)) {
    definitions[name] = transformK8sDefinition(name, def, k8sId(version));
    for (const gvk of def['x-kubernetes-group-version-kind'] ?? []) {
      k8sKinds.set(gvkKey(gvk.group, gvk.version, gvk.kind), name);
    }
  }
  instance.addSchema({ $id: k8sId(version), definitions });
}

function transformK8sDefinition(name: string, def: any, id: string): any {
  // Special types: the swagger gives them as oneOf, which yields confusing double errors.
  if (name === 'io.k8s.apimachinery.pkg.util.intstr.IntOrString') {
    return { type: ['string', 'integer'] };
  }
  if (name === 'io.k8s.apimachinery.pkg.api.resource.Quantity') {
    return { type: ['string', 'number'] };
  }
  return transformK8sNode(def, id);
}

function transformK8sNode(node: any, id: string): any {
  if (Array.isArray(node)) return node.map((n) => transformK8sNode(n, id));
  if (!node || typeof node !== 'object') return node;
  const out: any = {};
  for (const [k, v] of Object.entries(node)) {
    if (k === '$ref' && typeof v === 'string') {
      out.$ref = v.replace(/^#\/definitions\//, `${id}#/definitions/`);
    } else if (k === 'properties') {
      out.properties = Object.fromEntries(Object.entries(v as any).map(([pk, pv]) => [pk, transformK8sNode(pv, id)]));
    } else if (k === 'items' || k === 'additionalProperties' || k === 'allOf' || k === 'anyOf' || k === 'oneOf' || k === 'not') {
      out[k] = transformK8sNode(v, id);
    } else {
      out[k] = v;
    }
  }
  // Strict field validation: an object with declared properties accepts no others.
  // (Maps have additionalProperties and no properties, and stay open.)
  if (out.properties && out.additionalProperties === undefined && !out['x-kubernetes-preserve-unknown-fields']) {
    out.additionalProperties = false;
  }
  return out;
}

interface CrdChunk {
  readonly file: string;
  readonly text: string;
  parsed: boolean;
}

let crdChunks: Map<string, CrdChunk[]> | undefined; // API group -> YAML documents defining it

/**
 * Indexes the CRD documents by API group without parsing them (the Istio file alone takes about
 * a second to parse), so that a test only pays for the groups it validates.
 */
function crdIndex(): Map<string, CrdChunk[]> {
  if (crdChunks) return crdChunks;
  crdChunks = new Map();
  const files = fs.readdirSync(CRD_DIR).filter((f) => f.endsWith('.yaml') || f.endsWith('.yml')).sort();
  for (const file of files) {
    const text = fs.readFileSync(path.join(CRD_DIR, file), 'utf8');
    for (const chunk of text.split(/^---[ \t]*$/m)) {
      if (!/^kind:\s*CustomResourceDefinition\s*$/m.test(chunk)) continue;
      const group = /^ {2}group:\s*(\S+)\s*$/m.exec(chunk)?.[1] ?? '*';
      const list = crdChunks.get(group) ?? [];
      list.push({ file, text: chunk, parsed: false });
      crdChunks.set(group, list);
    }
  }
  return crdChunks;
}

function parseChunk(chunk: CrdChunk): void {
  if (chunk.parsed) return;
  chunk.parsed = true;
  crdKinds = crdKinds ?? new Map();
  for (const doc of YAML.parseAllDocuments(chunk.text)) {
    const crd = doc.toJSON();
    if (!crd || crd.kind !== 'CustomResourceDefinition') continue;
    const group: string = crd.spec.group;
    const kind: string = crd.spec.names.kind;
    for (const v of crd.spec.versions ?? []) {
      if (!v.served) continue;
      const schema = v.schema?.openAPIV3Schema;
      if (!schema) throw new Error(`${chunk.file}: ${kind} ${v.name} has no openAPIV3Schema`);
      crdKinds.set(gvkKey(group, v.name, kind), { group, version: v.name, kind, schema });
    }
  }
}

/** Served CRD versions of one API group (or of all groups). */
function loadCrds(group?: string): Map<string, CrdVersion> {
  const index = crdIndex();
  const chunks = group === undefined ? [...index.values()].flat() : [...(index.get(group) ?? []), ...(index.get('*') ?? [])];
  chunks.forEach(parseChunk);
  crdKinds = crdKinds ?? new Map();
  return crdKinds;
}

const STANDARD_INT_OR_STRING = JSON.stringify([{ type: 'integer' }, { type: 'string' }]);

/**
 * Prepares a CRD structural schema for ajv.
 * @param structural false inside allOf/anyOf/oneOf/not, where a structural schema only carries
 *   value validations (so no unknown-field rule may be added there).
 */
function transformCrdNode(node: any, structural: boolean): any {
  if (!node || typeof node !== 'object' || Array.isArray(node)) return node;
  const out: any = { ...node };
  if (out['x-kubernetes-int-or-string']) {
    if (out.anyOf && JSON.stringify(out.anyOf) === STANDARD_INT_OR_STRING) delete out.anyOf;
    out.type = ['integer', 'string'];
  }
  if (out.properties) {
    out.properties = Object.fromEntries(Object.entries(out.properties).map(([k, v]) => [k, transformCrdNode(v, true)]));
  }
  if (out.items && typeof out.items === 'object') out.items = transformCrdNode(out.items, true);
  if (out.additionalProperties && typeof out.additionalProperties === 'object') {
    out.additionalProperties = transformCrdNode(out.additionalProperties, true);
  }
  for (const j of ['allOf', 'anyOf', 'oneOf']) {
    if (Array.isArray(out[j])) out[j] = out[j].map((s: any) => transformCrdNode(s, false));
  }
  if (out.not) out.not = transformCrdNode(out.not, false);
  // The API server prunes fields a structural schema does not specify; for us that is an error.
  if (
    structural &&
    (out.type === 'object' || out.properties) &&
    out.additionalProperties === undefined &&
    !out['x-kubernetes-preserve-unknown-fields'] &&
    !out['x-kubernetes-embedded-resource']
  ) {
    out.additionalProperties = false;
  }
  return out;
}

function crdValidator(entry: CrdVersion): ValidateFunction {
  if (!entry.validate) {
    const root = transformCrdNode(entry.schema, true);
    // Custom resources get the same ObjectMeta validation as built-in objects.
    // apiVersion, kind and metadata are implicit at the root of every custom resource.
    root.properties = {
      apiVersion: { type: 'string' },
      kind: { type: 'string' },
      ...(root.properties ?? {}),
      metadata: { $ref: `${K8S_ID}#/definitions/${OBJECT_META}` },
    };
    entry.validate = ajv().compile(root);
  }
  return entry.validate;
}

function k8sValidator(definition: string, version: K8sSchemaVersion): ValidateFunction {
  const key = `${version}:${definition}`;
  let v = k8sValidators.get(key);
  if (!v) {
    v = ajv().getSchema(`${k8sId(version)}#/definitions/${definition}`);
    if (!v) throw new Error(`no schema for ${definition} in v${version}`);
    k8sValidators.set(key, v);
  }
  return v;
}

// ---------------------------------------------------------------------------------------------
// Error formatting
// ---------------------------------------------------------------------------------------------

/** `/spec/template/spec/containers/0/name` -> `spec.template.spec.containers[0].name`. */
function displayPath(pointer: string): string {
  if (!pointer) return '(root)';
  let out = '';
  for (const raw of pointer.split('/').slice(1)) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (/^\d+$/.test(seg)) out += `[${seg}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(seg)) out += out ? `.${seg}` : seg;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out;
}

function childPath(base: string, key: string | number): string {
  return `${base}/${String(key).replace(/~/g, '~0').replace(/\//g, '~1')}`;
}

function show(value: unknown): string {
  const s = JSON.stringify(value);
  if (s === undefined) return String(value);
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

function formatAjvErrors(errors: ErrorObject[] | null | undefined): string[] {
  if (!errors) return [];
  // A failed anyOf/oneOf reports each branch's errors too; keep only the summary.
  const junctions = errors.filter((e) => e.keyword === 'anyOf' || e.keyword === 'oneOf').map((e) => e.schemaPath + '/');
  const kept = errors.filter((e) => !junctions.some((j) => e.schemaPath.startsWith(j)));
  const out: string[] = [];
  for (const e of kept) {
    const at = displayPath(e.instancePath);
    const p: any = e.params;
    switch (e.keyword) {
      case 'additionalProperties':
        out.push(`${displayPath(childPath(e.instancePath, p.additionalProperty))}: unknown field "${p.additionalProperty}"`);
        break;
      case 'required':
        out.push(`${at}: missing required field "${p.missingProperty}"`);
        break;
      case 'type':
        out.push(`${at}: must be ${Array.isArray(p.type) ? p.type.join(' or ') : p.type}, got ${show(e.data)}`);
        break;
      case 'enum':
        out.push(`${at}: must be one of ${(p.allowedValues as unknown[]).map(show).join(', ')}, got ${show(e.data)}`);
        break;
      case 'pattern':
        out.push(`${at}: ${show(e.data)} must match pattern ${p.pattern}`);
        break;
      default:
        out.push(`${at}: ${e.message}${e.data !== undefined && typeof e.data !== 'object' ? `, got ${show(e.data)}` : ''}`);
    }
  }
  return [...new Set(out)];
}

// ---------------------------------------------------------------------------------------------
// CEL rules (x-kubernetes-validations), implemented explicitly
// ---------------------------------------------------------------------------------------------

/** Result of a CEL rule: true = passes, false = fails (an evaluation error also fails). */
type CelCheck = (self: any) => boolean;

function has(obj: any, field: string): boolean {
  return obj !== null && typeof obj === 'object' && obj[field] !== undefined && obj[field] !== null;
}

function celSize(v: any): number {
  if (typeof v === 'string') return [...v].length;
  if (Array.isArray(v)) return v.length;
  if (v && typeof v === 'object') return Object.keys(v).length;
  throw new Error('size() of a value without size');
}

/** Go time.ParseDuration, in nanoseconds; undefined if invalid. */
export function parseGoDuration(s: string): number | undefined {
  if (typeof s !== 'string' || s === '') return undefined;
  if (s === '0') return 0;
  const m = /^([-+]?)((?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+$/.exec(s);
  if (!m) return undefined;
  const units: Record<string, number> = { ns: 1, us: 1e3, 'µs': 1e3, 'μs': 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };
  let total = 0;
  const re = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/g;
  let part: RegExpExecArray | null;
  while ((part = re.exec(s))) total += parseFloat(part[1]) * units[part[2]];
  return m[1] === '-' ? -total : total;
}

/** Prometheus model.ParseDuration (as used by the operator), in milliseconds; undefined if invalid. */
export function parsePromDuration(s: string): number | undefined {
  if (typeof s !== 'string' || s === '') return undefined;
  if (s === '0') return 0;
  const m = /^(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$/.exec(s);
  if (!m) return undefined;
  const mult = [365 * 24 * 3600e3, 7 * 24 * 3600e3, 24 * 3600e3, 3600e3, 60e3, 1e3, 1];
  return mult.reduce((sum, k, i) => sum + (m[i + 1] ? parseInt(m[i + 1], 10) * k : 0), 0);
}

function celInt(s: string): number {
  if (!/^[-+]?\d+$/.test(s)) throw new Error(`int("${s}"): not an integer`);
  return parseInt(s, 10);
}

const CEL_IMPLEMENTATIONS: Record<string, CelCheck> = {
  "duration(self) >= duration('1ms')": (self) => {
    const d = parseGoDuration(self);
    return d !== undefined && d >= 1e6;
  },
  'self.all(key, !key.contains("*"))': (self) => Object.keys(self).every((k) => !k.includes('*')),
  'self.all(key, key.size() != 0)': (self) => Object.keys(self).every((k) => k.length !== 0),
  '!self.contains("*")': (self) => !String(self).includes('*'),
  'self.size() == 0': (self) => celSize(self) === 0,
  'self.all(key, 0 < int(key) && int(key) <= 65535)': (self) =>
    Object.keys(self).every((k) => 0 < celInt(k) && celInt(k) <= 65535),
  // AuthorizationPolicy rules[].from[].source
  '(has(self.serviceAccounts) || has(self.notServiceAccounts)) ? (!has(self.principals) && !has(self.notPrincipals) && !has(self.namespaces) && !has(self.notNamespaces)) : true':
    (self) =>
      has(self, 'serviceAccounts') || has(self, 'notServiceAccounts')
        ? !has(self, 'principals') && !has(self, 'notPrincipals') && !has(self, 'namespaces') && !has(self, 'notNamespaces')
        : true,
  // PeerAuthentication spec
  'has(self.portLevelMtls) ? (((has(self.selector) && has(self.selector.matchLabels)) ? self.selector.matchLabels : {}).size() > 0) : true':
    (self) =>
      has(self, 'portLevelMtls')
        ? celSize(has(self, 'selector') && has(self.selector, 'matchLabels') ? self.selector.matchLabels : {}) > 0
        : true,
};

/** `(has(self.a) ? 1 : 0) + (has(self.b) ? 1 : 0) [+ ...] <= 1`: at most one of the fields. */
const AT_MOST_ONE = /^\(has\(self\.(\w+)\) \? 1 : 0\)((?: \+ \(has\(self\.\w+\) \? 1 : 0\))+) <= 1$/;

function normalizeRule(rule: string): string {
  return rule.replace(/\s+/g, ' ').trim();
}

function celImplementation(rule: string): CelCheck | undefined {
  const r = normalizeRule(rule);
  if (CEL_IMPLEMENTATIONS[r]) return CEL_IMPLEMENTATIONS[r];
  const m = AT_MOST_ONE.exec(r);
  if (m) {
    const fields = [m[1], ...[...m[2].matchAll(/has\(self\.(\w+)\)/g)].map((x) => x[1])];
    return (self) => fields.filter((f) => has(self, f)).length <= 1;
  }
  return undefined;
}

/** CEL rules implemented by this module (normalized rule text), plus the "at most one of" form. */
export const CEL_RULES_IMPLEMENTED: readonly string[] = [
  ...Object.keys(CEL_IMPLEMENTATIONS),
  '(has(self.A) ? 1 : 0) + (has(self.B) ? 1 : 0) [+ ...] <= 1',
];

/** The custom resource kinds known from the fixture CRDs: one `{ apiVersion, kind }` per served version. */
export function knownCustomResourceKinds(): { apiVersion: string; kind: string }[] {
  return [...loadCrds().values()].map((v) => ({ apiVersion: `${v.group}/${v.version}`, kind: v.kind }));
}

/**
 * Kinds whose CEL rules are deliberately not implemented here, and why. Their objects are still
 * validated against the structural schema; the rules that bear on what the library writes are
 * enforced by the library's own input checks, and asserted by the tests named.
 */
export const CEL_NOT_IMPLEMENTED: Readonly<Record<string, string>> = {
  'gateway.networking.k8s.io/HTTPRoute': '178 rules, nearly all on filters, redirects and rewrites the library never writes; the path rules (absolute, no "//", "/./", "/../", "%2F") are exposureProblems() in src/model/gateway.ts (test/north-south.test.ts "refused")',
  'networking.istio.io/ServiceEntry': '45 rules on endpoints, workload selectors and unix sockets the library never writes; hosts are checked by checkHostname and ports by checkPortNumber (test/north-south.test.ts "allowToHost refused")',
};

/** Rules in the fixture CRDs' served versions that this module does not implement (should be empty). */
export function unimplementedCelRules(): string[] {
  const missing = new Set<string>();
  const visit = (node: any): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (!node || typeof node !== 'object') return;
    for (const v of node['x-kubernetes-validations'] ?? []) {
      if (!celImplementation(v.rule)) missing.add(normalizeRule(v.rule));
    }
    for (const [k, v] of Object.entries(node)) if (k !== 'x-kubernetes-validations') visit(v);
  };
  for (const entry of loadCrds().values()) if (!CEL_NOT_IMPLEMENTED[`${entry.group}/${entry.kind}`]) visit(entry.schema);
  return [...missing];
}

/** Walks data alongside its structural schema and applies the CEL rules attached on the way. */
function celErrors(schema: any, data: any, pointer: string, out: string[]): void {
  if (!schema || typeof schema !== 'object' || data === undefined || data === null) return;
  for (const v of schema['x-kubernetes-validations'] ?? []) {
    const impl = celImplementation(v.rule);
    if (!impl) continue; // reported by unimplementedCelRules()
    let ok: boolean;
    try {
      ok = impl(data);
    } catch {
      ok = false; // a CEL evaluation error rejects the object too
    }
    if (!ok) out.push(`${displayPath(pointer)}: ${v.message ?? `failed rule: ${normalizeRule(v.rule)}`} (x-kubernetes-validations)`);
  }
  if (Array.isArray(data)) {
    if (schema.items) data.forEach((item, i) => celErrors(schema.items, item, childPath(pointer, i), out));
  } else if (typeof data === 'object') {
    for (const [k, v] of Object.entries(data)) {
      const sub = schema.properties?.[k] ?? (typeof schema.additionalProperties === 'object' ? schema.additionalProperties : undefined);
      if (sub) celErrors(sub, v, childPath(pointer, k), out);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Rules enforced outside the schema by operators
// ---------------------------------------------------------------------------------------------

/** Default `scrapeInterval` of a Prometheus resource (used when an endpoint sets no interval). */
const PROMETHEUS_DEFAULT_SCRAPE_INTERVAL = '30s';

/**
 * prometheus-operator (ResourceSelector.validateScrapeIntervalAndTimeout): a ServiceMonitor or
 * PodMonitor endpoint whose scrapeTimeout exceeds its interval (or, without an interval, the
 * Prometheus scrapeInterval, 30s by default) makes the operator reject the whole resource.
 */
function prometheusOperatorErrors(manifest: any, out: string[]): void {
  const list = manifest.kind === 'ServiceMonitor' ? 'endpoints' : manifest.kind === 'PodMonitor' ? 'podMetricsEndpoints' : undefined;
  const endpoints = list ? manifest.spec?.[list] : undefined;
  if (!Array.isArray(endpoints)) return;
  endpoints.forEach((ep: any, i: number) => {
    if (!ep || typeof ep !== 'object' || !ep.scrapeTimeout) return;
    const interval: string = ep.interval || PROMETHEUS_DEFAULT_SCRAPE_INTERVAL;
    const si = parsePromDuration(interval);
    const st = parsePromDuration(ep.scrapeTimeout);
    const at = displayPath(childPath(`/spec/${list}`, i));
    if (si === undefined || st === undefined) {
      out.push(`${at}: invalid duration (interval ${show(interval)}, scrapeTimeout ${show(ep.scrapeTimeout)}) (prometheus-operator)`);
    } else if (st > si) {
      const src = ep.interval ? 'interval' : `Prometheus default scrapeInterval`;
      out.push(`${at}: scrapeTimeout "${ep.scrapeTimeout}" greater than ${src} "${interval}" (prometheus-operator rejects it)`);
    }
  });
}

// ---------------------------------------------------------------------------------------------
// Public API
// ---------------------------------------------------------------------------------------------

/** Errors (empty = valid) for one manifest: Kubernetes built-in kinds against the OpenAPI definitions of `version` (default v1.27), CRD kinds against their CRD openAPIV3Schema (the served version matching apiVersion). Unknown fields are errors (Kubernetes strict field validation). Unknown apiVersion/kind is an error. */
export function schemaErrors(manifest: any, release: K8sSchemaVersion = '1.27'): string[] {
  if (!manifest || typeof manifest !== 'object' || Array.isArray(manifest)) {
    return [`(root): manifest must be an object, got ${show(manifest)}`];
  }
  const { apiVersion, kind } = manifest;
  if (typeof apiVersion !== 'string' || !apiVersion || typeof kind !== 'string' || !kind) {
    return [`(root): apiVersion and kind must be non-empty strings, got apiVersion ${show(apiVersion)}, kind ${show(kind)}`];
  }
  ajv(); // loads the Kubernetes definitions
  const { group, version } = splitApiVersion(apiVersion);
  const key = gvkKey(group, version, kind);

  const k8sKinds = k8sKindsByVersion.get(release)!;
  const definition = k8sKinds.get(key);
  if (definition) {
    const validate = k8sValidator(definition, release);
    validate(manifest);
    return formatAjvErrors(validate.errors);
  }

  const crd = loadCrds(group).get(key);
  if (crd) {
    const validate = crdValidator(crd);
    validate(manifest);
    const errors = formatAjvErrors(validate.errors);
    celErrors(crd.schema, manifest, '', errors);
    prometheusOperatorErrors(manifest, errors);
    return errors;
  }

  const known = [
    ...[...k8sKinds.keys()].filter((k) => k.endsWith(`/${kind}`)),
    ...[...loadCrds().keys()].filter((k) => k.endsWith(`/${kind}`)),
  ].map((k) => k.slice(0, -(kind.length + 1)).replace(/^\//, ''));
  return [
    `(root): unknown apiVersion/kind "${apiVersion}" ${kind}` +
      (known.length ? ` (${kind} is served as: ${known.join(', ')})` : ` (not a Kubernetes v${release} kind nor a kind of the known CRDs)`),
  ];
}

/**
 * Throws one Error listing all errors of all manifests, each prefixed with kind/name (and the
 * release, when it fails only some). Every manifest is checked against every release in
 * `versions`: by default the oldest a target may be (1.27) and the current one (1.36), since the
 * output must be valid on the targeted release and every newer one.
 */
export function expectValidManifests(manifests: any[], versions: readonly K8sSchemaVersion[] = K8S_SCHEMA_VERSIONS): void {
  const lines: string[] = [];
  for (const m of manifests) {
    const id = `${m?.kind ?? '(no kind)'}/${m?.metadata?.name ?? '(no name)'}`;
    const byVersion = versions.map((v) => schemaErrors(m, v));
    const all = [...new Set(byVersion.flat())];
    for (const e of all) {
      const failing = versions.filter((_, i) => byVersion[i].includes(e));
      lines.push(`${id}: ${failing.length === versions.length ? '' : `(v${failing.join(', v')}) `}${e}`);
    }
  }
  if (lines.length) {
    throw new Error(`${lines.length} schema error(s):\n  ${lines.join('\n  ')}`);
  }
}
