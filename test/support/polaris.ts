/**
 * Runs Polaris' built-in checks (FairwindsOps/polaris pkg/config/checks, copied to
 * test/fixtures/polaris) against synthesized manifests, the way `polaris audit --audit-path`
 * does for a directory of YAML files. Mirrors pkg/validator/schema.go:
 *
 * - Every object is checked against the checks whose `target` is its kind (`group/Kind`, matched
 *   on the kind as Polaris does). Objects that carry a pod spec (Deployment, StatefulSet,
 *   DaemonSet, Job, CronJob, ReplicaSet, ReplicationController, Pod: found the way Polaris'
 *   GetPodSpec finds it) are "controllers" and are also checked as `Controller`, their pod spec as
 *   `PodSpec`, their pod template as `PodTemplate`, and each init container and container as
 *   `Container` (with `schemaTarget: PodSpec`: the pod spec holding only that container).
 * - `controllers.include/exclude` and `containers.exclude` are honoured.
 * - Schemas are Go templates: they are rendered against the object (plus `.Polaris.PodSpec`,
 *   `.Polaris.PodTemplate` for PodSpec/PodTemplate/Container checks and `.Polaris.Container` for
 *   container checks) with a small implementation of Go's text/template below, then parsed as
 *   YAML (1.1, like Polaris' Go YAML decoder) and validated as JSON Schema 2019-09.
 * - `additionalSchemaStrings`: when the object passes its own schema, each additional schema
 *   must be satisfied by at least one object of that group/kind in the same namespace (or one
 *   without a namespace), exactly as CheckAdditionalObjects does; none found = failure.
 * - `pdbMinAvailableGreaterThanHPAMinReplicas` has no schema upstream (Go code in
 *   pkg/validator/pdb_hpa_validator.go); it is re-implemented here.
 * - The exemption annotations `polaris.fairwinds.com/exempt` and
 *   `polaris.fairwinds.com/<check>-exempt` are honoured. The `exemptions` list of default.yaml
 *   (third-party controllers such as kube-dns or datadog, matched by name prefix) is NOT applied
 *   unless `configExemptions: true`: it would only hide findings on objects that happen to have
 *   such names.
 *
 * As with any offline audit, only the given manifests exist: a ServiceAccount, Role or
 * ClusterRole that lives only in a cluster is "missing" here.
 *
 * Where this is an approximation of Polaris (none of which changes the outcome of a check on
 * valid manifests, as far as the upstream test cases tried show):
 * - Polaris decodes pod specs and containers into corev1 structs before validating them; here
 *   only the effects the checks can see are reproduced (JSON nulls dropped, resource quantities
 *   as strings).
 * - JSON Schema is evaluated by ajv (draft 2019-09) rather than qri-io/jsonschema; Go regular
 *   expressions go through `goRegExp` (leading `(?i)` becomes the `i` flag).
 * - An additional-schema key without a group (`ServiceAccount`) means the core group.
 * - pdbMinAvailableGreaterThanHPAMinReplicas looks for the PDB and the HPA in all namespaces, as
 *   upstream does.
 */
import * as fs from 'fs';
import * as path from 'path';
import Ajv2019 from 'ajv/dist/2019';
import type { ValidateFunction } from 'ajv';
import * as YAML from 'yaml';
import { goRegExpEngine } from './schema';

const POLARIS_DIR = path.join(__dirname, '..', 'fixtures', 'polaris');

export interface PolarisFailure {
  /** Check ID, e.g. `runAsRootAllowed`. */
  readonly check: string;
  /** `warning` or `danger` (from default.yaml). */
  readonly severity: string;
  /** `Kind/name` of the audited object. */
  readonly object: string;
  /** Container name, for container checks. */
  readonly container?: string;
  /** The check's failure message. */
  readonly message: string;
}

export interface PolarisOptions {
  /** Report checks of at least this severity (default `warning`, i.e. all). */
  readonly minSeverity?: 'warning' | 'danger';
  /** Apply the `exemptions` of default.yaml (default false). */
  readonly configExemptions?: boolean;
}

/** Checks that cannot be evaluated faithfully here, and why. They are skipped. */
export const POLARIS_UNSUPPORTED: ReadonlyArray<{ readonly check: string; readonly reason: string }> = [];

// ---------------------------------------------------------------------------------------------
// Check loading
// ---------------------------------------------------------------------------------------------

interface Check {
  readonly id: string;
  readonly severity: string;
  readonly target: string;
  readonly schemaTarget?: string;
  readonly failureMessage: string;
  readonly controllersInclude: string[];
  readonly controllersExclude: string[];
  readonly containersInclude: string[];
  readonly containersExclude: string[];
  /** Go template of the main schema (YAML or JSON text); undefined = no schema. */
  readonly schemaTemplate?: string;
  readonly additionalTemplates: Record<string, string>;
}

interface Exemption {
  readonly namespace?: string;
  readonly controllerNames: string[];
  readonly containerNames: string[];
  readonly rules: string[];
}

let loaded: { checks: Check[]; exemptions: Exemption[] } | undefined;

/** Go's encoding/json matches field names case-insensitively (linuxHardening has `FailureMessage`). */
function field(obj: any, name: string): any {
  if (!obj || typeof obj !== 'object') return undefined;
  if (name in obj) return obj[name];
  const k = Object.keys(obj).find((key) => key.toLowerCase() === name.toLowerCase());
  return k === undefined ? undefined : obj[k];
}

function loadChecks(): { checks: Check[]; exemptions: Exemption[] } {
  if (loaded) return loaded;
  const config = YAML.parse(fs.readFileSync(path.join(POLARIS_DIR, 'default.yaml'), 'utf8'), { version: '1.1' });
  const unsupported = new Set(POLARIS_UNSUPPORTED.map((u) => u.check));
  const checks: Check[] = [];
  for (const [id, severity] of Object.entries<string>(config.checks ?? {})) {
    if (severity === 'ignore' || unsupported.has(id)) continue;
    const file = path.join(POLARIS_DIR, 'checks', `${id}.yaml`);
    if (!fs.existsSync(file)) throw new Error(`Polaris check ${id} has a severity in default.yaml but no checks/${id}.yaml`);
    const raw = YAML.parse(fs.readFileSync(file, 'utf8'), { version: '1.1' });
    // Initialize(): a `schema` object is marshalled to JSON and templated like a schemaString.
    const schemaString: string | undefined = field(raw, 'schemaString');
    const schemaObject = field(raw, 'schema');
    const additional: Record<string, string> = { ...(field(raw, 'additionalSchemaStrings') ?? {}) };
    for (const [kind, s] of Object.entries<any>(field(raw, 'additionalSchemas') ?? {})) additional[kind] = JSON.stringify(s);
    checks.push({
      id,
      severity,
      target: field(raw, 'target'),
      schemaTarget: field(raw, 'schemaTarget') || undefined,
      failureMessage: field(raw, 'failureMessage') ?? id,
      controllersInclude: field(field(raw, 'controllers'), 'include') ?? [],
      controllersExclude: field(field(raw, 'controllers'), 'exclude') ?? [],
      containersInclude: field(field(raw, 'containers'), 'include') ?? [],
      containersExclude: field(field(raw, 'containers'), 'exclude') ?? [],
      schemaTemplate: schemaString ?? (schemaObject !== undefined && schemaObject !== null ? JSON.stringify(schemaObject) : undefined),
      additionalTemplates: additional,
    });
  }
  checks.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)); // getSortedKeys
  const exemptions: Exemption[] = (config.exemptions ?? []).map((e: any) => ({
    namespace: e.namespace || undefined,
    controllerNames: e.controllerNames ?? [],
    containerNames: e.containerNames ?? [],
    rules: e.rules ?? [],
  }));
  loaded = { checks, exemptions };
  return loaded;
}

// ---------------------------------------------------------------------------------------------
// Go text/template (the subset Polaris' checks use, with Go's semantics for missing values)
// ---------------------------------------------------------------------------------------------
//
// Values: a missing map key is `undefined` (Go's invalid reflect.Value, printed "<no value>");
// a JSON null is `null` (a nil interface, printed "<nil>").

type Tok =
  | { k: 'field'; names: string[] } // .a.b ; names [] for "."
  | { k: 'var'; name: string; names: string[] } // $x.a.b ; name "$" for "$"
  | { k: 'ident'; name: string }
  | { k: 'str'; v: string }
  | { k: 'num'; v: number }
  | { k: 'chain'; names: string[] } // .a.b after a ")"
  | { k: 'punct'; v: '(' | ')' | '|' | ',' | ':=' | '=' };

type Operand =
  | { t: 'field'; names: string[] }
  | { t: 'var'; name: string; names: string[] }
  | { t: 'ident'; name: string }
  | { t: 'lit'; v: unknown }
  | { t: 'paren'; pipe: Pipeline; names: string[] };

interface Pipeline {
  readonly decl: string[];
  readonly assign: boolean; // `=` rather than `:=`
  readonly cmds: Operand[][];
}

type TNode =
  | { t: 'text'; s: string }
  | { t: 'action'; pipe: Pipeline }
  | { t: 'if'; branches: { pipe: Pipeline; body: TNode[] }[]; otherwise?: TNode[] }
  | { t: 'range'; pipe: Pipeline; body: TNode[]; otherwise?: TNode[] };

interface RawAction {
  readonly text?: string;
  readonly action?: string;
}

function lexTemplate(src: string): RawAction[] {
  const out: RawAction[] = [];
  let i = 0;
  let text = '';
  const flushText = (trimRight: boolean) => {
    out.push({ text: trimRight ? text.replace(/\s+$/, '') : text });
    text = '';
  };
  while (i < src.length) {
    const open = src.indexOf('{{', i);
    if (open < 0) {
      text += src.slice(i);
      break;
    }
    text += src.slice(i, open);
    let j = open + 2;
    let trimLeft = false;
    if (src[j] === '-' && /\s/.test(src[j + 1] ?? '')) {
      trimLeft = true;
      j += 2;
    }
    flushText(trimLeft);
    let body: string;
    let trimRight = false;
    const rest = src.slice(j).replace(/^\s*/, '');
    if (rest.startsWith('/*')) {
      const start = src.indexOf('/*', j);
      const end = src.indexOf('*/', start + 2);
      if (end < 0) throw new Error('unclosed comment in template');
      let k = end + 2;
      const m = /^(\s+-)?\}\}/.exec(src.slice(k));
      if (!m) throw new Error('comment must be followed by }}');
      trimRight = !!m[1];
      k += m[0].length;
      i = k;
      body = '';
    } else {
      // Find the closing }} outside string literals.
      let k = j;
      let quote: string | undefined;
      for (; k < src.length; k++) {
        const c = src[k];
        if (quote) {
          if (c === '\\' && quote === '"') k++;
          else if (c === quote) quote = undefined;
        } else if (c === '"' || c === '`') quote = c;
        else if (c === '}' && src[k + 1] === '}') break;
      }
      if (k >= src.length) throw new Error('unclosed action in template');
      body = src.slice(j, k);
      if (/\s-$/.test(body)) {
        trimRight = true;
        body = body.slice(0, -2);
      }
      i = k + 2;
    }
    if (body.trim()) out.push({ action: body.trim() });
    if (trimRight) {
      const m = /^\s*/.exec(src.slice(i))!;
      i += m[0].length;
    }
  }
  out.push({ text });
  return out.filter((r) => r.action !== undefined || (r.text !== undefined && r.text !== ''));
}

function tokenize(s: string): Tok[] {
  const toks: Tok[] = [];
  let i = 0;
  const ident = /[A-Za-z_][A-Za-z0-9_]*/y;
  const readChain = (): string[] => {
    const names: string[] = [];
    while (s[i] === '.') {
      ident.lastIndex = i + 1;
      const m = ident.exec(s);
      if (!m) break;
      names.push(m[0]);
      i = ident.lastIndex;
    }
    return names;
  };
  while (i < s.length) {
    const c = s[i];
    if (/\s/.test(c)) {
      i++;
    } else if (c === '"') {
      let j = i + 1;
      while (j < s.length && s[j] !== '"') j += s[j] === '\\' ? 2 : 1;
      toks.push({ k: 'str', v: JSON.parse(s.slice(i, j + 1)) });
      i = j + 1;
    } else if (c === '`') {
      const j = s.indexOf('`', i + 1);
      toks.push({ k: 'str', v: s.slice(i + 1, j) });
      i = j + 1;
    } else if (c === ':' && s[i + 1] === '=') {
      toks.push({ k: 'punct', v: ':=' });
      i += 2;
    } else if (c === '(' || c === ')' || c === '|' || c === ',' || c === '=') {
      toks.push({ k: 'punct', v: c });
      i++;
    } else if (c === '.') {
      const prev = toks[toks.length - 1];
      const afterParen = prev && prev.k === 'punct' && prev.v === ')' && s[i - 1] === ')';
      const names = readChain();
      if (names.length === 0) i++; // a lone "."
      toks.push(afterParen ? { k: 'chain', names } : { k: 'field', names });
    } else if (c === '$') {
      ident.lastIndex = i + 1;
      const m = ident.exec(s);
      const name = m ? '$' + m[0] : '$';
      i = m ? ident.lastIndex : i + 1;
      toks.push({ k: 'var', name, names: readChain() });
    } else if (/[-+0-9]/.test(c)) {
      const m = /[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?/y;
      m.lastIndex = i;
      const r = m.exec(s);
      if (!r) throw new Error(`bad number in template action: ${s}`);
      toks.push({ k: 'num', v: Number(r[0]) });
      i = m.lastIndex;
    } else {
      ident.lastIndex = i;
      const m = ident.exec(s);
      if (!m) throw new Error(`unexpected "${c}" in template action: ${s}`);
      toks.push({ k: 'ident', name: m[0] });
      i = ident.lastIndex;
    }
  }
  return toks;
}

function parsePipeline(toks: Tok[], pos: { i: number }, inParen: boolean): Pipeline {
  const decl: string[] = [];
  let assign = false;
  // Declarations: $x := ..., $k, $v := ..., $x = ...
  const save = pos.i;
  const vars: string[] = [];
  let j = pos.i;
  while (toks[j]?.k === 'var' && (toks[j] as any).names.length === 0) {
    vars.push((toks[j] as any).name);
    j++;
    if (toks[j]?.k === 'punct' && (toks[j] as any).v === ',') {
      j++;
      continue;
    }
    break;
  }
  const op = toks[j];
  if (vars.length && op?.k === 'punct' && (op.v === ':=' || op.v === '=')) {
    decl.push(...vars);
    assign = op.v === '=';
    pos.i = j + 1;
  } else {
    pos.i = save;
  }
  const cmds: Operand[][] = [];
  let cmd: Operand[] = [];
  while (pos.i < toks.length) {
    const t = toks[pos.i];
    if (t.k === 'punct' && t.v === ')') {
      if (!inParen) throw new Error('unexpected ) in template');
      break;
    }
    if (t.k === 'punct' && t.v === '|') {
      cmds.push(cmd);
      cmd = [];
      pos.i++;
      continue;
    }
    pos.i++;
    switch (t.k) {
      case 'field':
        cmd.push({ t: 'field', names: t.names });
        break;
      case 'var':
        cmd.push({ t: 'var', name: t.name, names: t.names });
        break;
      case 'str':
      case 'num':
        cmd.push({ t: 'lit', v: t.v });
        break;
      case 'ident':
        if (t.name === 'true' || t.name === 'false') cmd.push({ t: 'lit', v: t.name === 'true' });
        else if (t.name === 'nil') cmd.push({ t: 'lit', v: null });
        else cmd.push({ t: 'ident', name: t.name });
        break;
      case 'punct':
        if (t.v === '(') {
          const inner = parsePipeline(toks, pos, true);
          if (!(toks[pos.i]?.k === 'punct' && (toks[pos.i] as any).v === ')')) throw new Error('missing ) in template');
          pos.i++;
          let names: string[] = [];
          if (toks[pos.i]?.k === 'chain') {
            names = (toks[pos.i] as any).names;
            pos.i++;
          }
          cmd.push({ t: 'paren', pipe: inner, names });
        } else {
          throw new Error(`unexpected "${t.v}" in template`);
        }
        break;
      default:
        throw new Error(`unexpected token in template: ${JSON.stringify(t)}`);
    }
  }
  cmds.push(cmd);
  if (cmds.some((c) => c.length === 0)) throw new Error('empty command in template pipeline');
  return { decl, assign, cmds };
}

function parseActionPipeline(s: string): Pipeline {
  const toks = tokenize(s);
  const pos = { i: 0 };
  const p = parsePipeline(toks, pos, false);
  if (pos.i !== toks.length) throw new Error(`unexpected trailing tokens in template action: ${s}`);
  return p;
}

function parseTemplate(src: string): TNode[] {
  const raws = lexTemplate(src);
  let i = 0;
  // Returns the nodes up to (not including) an {{else}}/{{else if}}/{{end}}, and that terminator.
  const parseList = (): { nodes: TNode[]; term?: string } => {
    const nodes: TNode[] = [];
    while (i < raws.length) {
      const r = raws[i++];
      if (r.text !== undefined) {
        nodes.push({ t: 'text', s: r.text });
        continue;
      }
      const a = r.action!;
      const kw = /^([a-z]+)\b\s*(.*)$/s.exec(a);
      const word = kw?.[1];
      if (word === 'end' || word === 'else') return { nodes, term: a };
      if (word === 'if') {
        const branches: { pipe: Pipeline; body: TNode[] }[] = [];
        let pipe = parseActionPipeline(kw![2]);
        let otherwise: TNode[] | undefined;
        for (;;) {
          const { nodes: body, term } = parseList();
          branches.push({ pipe, body });
          if (!term) throw new Error('{{if}} without {{end}}');
          if (term === 'end') break;
          const elseIf = /^else\s+if\s+(.*)$/s.exec(term);
          if (elseIf) {
            pipe = parseActionPipeline(elseIf[1]);
            continue;
          }
          if (term !== 'else') throw new Error(`unsupported template action {{${term}}}`);
          const rest = parseList();
          if (rest.term !== 'end') throw new Error('{{else}} without {{end}}');
          otherwise = rest.nodes;
          break;
        }
        nodes.push({ t: 'if', branches, otherwise });
      } else if (word === 'range') {
        const pipe = parseActionPipeline(kw![2]);
        const { nodes: body, term } = parseList();
        let otherwise: TNode[] | undefined;
        if (term === 'else') {
          const rest = parseList();
          if (rest.term !== 'end') throw new Error('{{else}} without {{end}}');
          otherwise = rest.nodes;
        } else if (term !== 'end') {
          throw new Error('{{range}} without {{end}}');
        }
        nodes.push({ t: 'range', pipe, body, otherwise });
      } else if (word && ['with', 'define', 'template', 'block', 'break', 'continue'].includes(word)) {
        throw new Error(`Go template action {{${word}}} is not implemented`);
      } else {
        nodes.push({ t: 'action', pipe: parseActionPipeline(a) });
      }
    }
    return { nodes };
  };
  const { nodes, term } = parseList();
  if (term) throw new Error(`unexpected {{${term}}} in template`);
  return nodes;
}

class Scope {
  private readonly frames: Map<string, unknown>[];
  constructor(root: unknown) {
    this.frames = [new Map([['$', root]])];
  }
  push(): void {
    this.frames.push(new Map());
  }
  pop(): void {
    this.frames.pop();
  }
  declare(name: string, v: unknown): void {
    this.frames[this.frames.length - 1].set(name, v);
  }
  assign(name: string, v: unknown): void {
    for (let i = this.frames.length - 1; i >= 0; i--) {
      if (this.frames[i].has(name)) {
        this.frames[i].set(name, v);
        return;
      }
    }
    throw new Error(`undefined variable: ${name}`);
  }
  get(name: string): unknown {
    for (let i = this.frames.length - 1; i >= 0; i--) if (this.frames[i].has(name)) return this.frames[i].get(name);
    throw new Error(`undefined variable: ${name}`);
  }
}

function goTypeName(v: unknown): string {
  if (typeof v === 'string') return 'string';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int64' : 'float64';
  if (typeof v === 'boolean') return 'bool';
  if (Array.isArray(v)) return '[]interface {}';
  return 'map[string]interface {}';
}

function fieldChain(v: unknown, names: string[]): unknown {
  let cur = v;
  for (const n of names) {
    if (cur === undefined) return undefined; // missing stays missing
    if (cur === null) throw new Error(`nil pointer evaluating interface {}.${n}`);
    if (typeof cur !== 'object' || Array.isArray(cur)) throw new Error(`can't evaluate field ${n} in type ${goTypeName(cur)}`);
    cur = Object.prototype.hasOwnProperty.call(cur, n) ? (cur as any)[n] : undefined;
  }
  return cur;
}

function isTrue(v: unknown): boolean {
  if (v === undefined || v === null) return false;
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v !== 0;
  if (typeof v === 'string') return v.length > 0;
  if (Array.isArray(v)) return v.length > 0;
  return Object.keys(v as object).length > 0;
}

/** fmt's %v. */
function fmtV(v: unknown): string {
  if (v === undefined) return '<no value>';
  if (v === null) return '<nil>';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `[${v.map((x) => (x === undefined || x === null ? '<nil>' : fmtV(x))).join(' ')}]`;
  const o = v as Record<string, unknown>;
  return `map[${Object.keys(o)
    .sort()
    .map((k) => `${k}:${o[k] === null ? '<nil>' : fmtV(o[k])}`)
    .join(' ')}]`;
}

function basicKind(v: unknown): string {
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return 'number';
  if (typeof v === 'string') return 'string';
  return 'complex';
}

/** text/template's eq (a nil interface compares like a missing value). */
function goEq(a: unknown, ...bs: unknown[]): boolean {
  if (bs.length === 0) throw new Error('missing argument for comparison');
  const a1 = a === null ? undefined : a;
  for (const braw of bs) {
    const b = braw === null ? undefined : braw;
    if (a1 === undefined || b === undefined) {
      if (a1 === b) return true;
      continue;
    }
    if (basicKind(a1) === 'complex' || basicKind(b) === 'complex') throw new Error('non-comparable types in eq');
    if (basicKind(a1) !== basicKind(b)) throw new Error('incompatible types for comparison');
    if (a1 === b) return true;
  }
  return false;
}

function stringArg(fn: string, v: unknown): string {
  if (typeof v !== 'string') throw new Error(`${fn}: invalid value; expected string, got ${v === undefined ? 'missing value' : goTypeName(v)}`);
  return v;
}

/** Functions whose arguments are evaluated lazily (and/or short-circuit). */
const GO_FUNCS: Record<string, (args: (() => unknown)[]) => unknown> = {
  and: (args) => {
    let v: unknown;
    for (const a of args) {
      v = a();
      if (!isTrue(v)) return v;
    }
    return v;
  },
  or: (args) => {
    let v: unknown;
    for (const a of args) {
      v = a();
      if (isTrue(v)) return v;
    }
    return v;
  },
  not: (args) => {
    if (args.length !== 1) throw new Error('wrong number of args for not');
    return !isTrue(args[0]());
  },
  eq: (args) => goEq(args[0](), ...args.slice(1).map((a) => a())),
  ne: (args) => !goEq(args[0](), ...args.slice(1).map((a) => a())),
  hasPrefix: (args) => stringArg('hasPrefix', args[0]()).startsWith(stringArg('hasPrefix', args[1]())),
  hasSuffix: (args) => stringArg('hasSuffix', args[0]()).endsWith(stringArg('hasSuffix', args[1]())),
  len: (args) => {
    const v = args[0]();
    if (typeof v === 'string' || Array.isArray(v)) return v.length;
    if (v && typeof v === 'object') return Object.keys(v).length;
    throw new Error(`len of ${fmtV(v)}`);
  },
  index: (args) => {
    let cur = args[0]();
    if (cur === undefined || cur === null) throw new Error('index of untyped nil');
    for (const a of args.slice(1)) {
      const key = a();
      if (Array.isArray(cur)) {
        if (typeof key !== 'number' || key < 0 || key >= cur.length) throw new Error(`index out of range: ${fmtV(key)}`);
        cur = cur[key];
      } else if (cur && typeof cur === 'object') {
        const k = key === undefined ? null : key;
        cur = typeof k === 'string' && Object.prototype.hasOwnProperty.call(cur, k) ? (cur as any)[k] : null; // zero value
      } else {
        throw new Error(`can't index item of type ${goTypeName(cur)}`);
      }
    }
    return cur === undefined ? null : cur;
  },
  print: (args) => {
    // fmt.Sprint: spaces between operands when neither is a string; missing values become nil.
    const vals = args.map((a) => {
      const v = a();
      return v === undefined ? null : v;
    });
    let out = '';
    vals.forEach((v, i) => {
      if (i > 0 && typeof v !== 'string' && typeof vals[i - 1] !== 'string') out += ' ';
      out += fmtV(v);
    });
    return out;
  },
};

function evalOperand(o: Operand, dot: unknown, scope: Scope): unknown {
  switch (o.t) {
    case 'field':
      return fieldChain(dot, o.names);
    case 'var':
      return fieldChain(scope.get(o.name), o.names);
    case 'lit':
      return o.v;
    case 'paren':
      return fieldChain(evalPipeline(o.pipe, dot, scope), o.names);
    case 'ident':
      return callFunc(o.name, [], dot, scope, undefined);
  }
}

const NO_FINAL = Symbol('no final');

function callFunc(name: string, args: Operand[], dot: unknown, scope: Scope, final: unknown): unknown {
  const fn = GO_FUNCS[name];
  if (!fn) throw new Error(`Go template function "${name}" is not implemented`);
  const thunks = args.map((a) => () => evalOperand(a, dot, scope));
  if (final !== NO_FINAL) thunks.push(() => final);
  return fn(thunks);
}

function evalPipeline(p: Pipeline, dot: unknown, scope: Scope): unknown {
  let value: unknown = NO_FINAL;
  for (const cmd of p.cmds) {
    const [head, ...args] = cmd;
    if (head.t === 'ident') {
      value = callFunc(head.name, args, dot, scope, value);
    } else {
      if (args.length || value !== NO_FINAL) throw new Error("can't give argument to non-function");
      value = evalOperand(head, dot, scope);
    }
  }
  if (p.decl.length) {
    if (p.decl.length !== 1) throw new Error('too many declarations in a pipeline');
    if (p.assign) scope.assign(p.decl[0], value);
    else scope.declare(p.decl[0], value);
  }
  return value;
}

function execNodes(nodes: TNode[], dot: unknown, scope: Scope, out: string[]): void {
  for (const n of nodes) {
    switch (n.t) {
      case 'text':
        out.push(n.s);
        break;
      case 'action': {
        const v = evalPipeline(n.pipe, dot, scope);
        if (!n.pipe.decl.length) out.push(fmtV(v));
        break;
      }
      case 'if': {
        scope.push();
        let done = false;
        for (const b of n.branches) {
          if (isTrue(evalPipeline(b.pipe, dot, scope))) {
            scope.push();
            execNodes(b.body, dot, scope, out);
            scope.pop();
            done = true;
            break;
          }
        }
        if (!done && n.otherwise) {
          scope.push();
          execNodes(n.otherwise, dot, scope, out);
          scope.pop();
        }
        scope.pop();
        break;
      }
      case 'range': {
        scope.push();
        const decl = n.pipe.decl;
        const v = evalPipeline({ ...n.pipe, decl: [] }, dot, scope);
        const entries: [unknown, unknown][] = [];
        if (Array.isArray(v)) v.forEach((x, i) => entries.push([i, x]));
        else if (v && typeof v === 'object') for (const k of Object.keys(v).sort()) entries.push([k, (v as any)[k]]);
        else if (v !== undefined && v !== null) throw new Error(`range can't iterate over ${fmtV(v)}`);
        for (const [k, x] of entries) {
          scope.push();
          if (decl.length === 1) scope.declare(decl[0], x);
          else if (decl.length === 2) {
            scope.declare(decl[0], k);
            scope.declare(decl[1], x);
          }
          execNodes(n.body, x, scope, out);
          scope.pop();
        }
        if (entries.length === 0 && n.otherwise) execNodes(n.otherwise, dot, scope, out);
        scope.pop();
        break;
      }
    }
  }
}

const templateCache = new Map<string, TNode[]>();

/** Renders a Go text/template (Polaris' subset: if/else/range, variables, eq/ne/not/and/or/index/print/hasPrefix/hasSuffix/len). */
export function renderGoTemplate(template: string, data: unknown): string {
  let nodes = templateCache.get(template);
  if (!nodes) {
    nodes = parseTemplate(template);
    templateCache.set(template, nodes);
  }
  const out: string[] = [];
  execNodes(nodes, data, new Scope(data), out);
  return out.join('');
}

// ---------------------------------------------------------------------------------------------
// JSON Schema evaluation
// ---------------------------------------------------------------------------------------------

let ajvInstance: Ajv2019 | undefined;

function ajv(): Ajv2019 {
  ajvInstance =
    ajvInstance ??
    new Ajv2019({ strict: false, validateFormats: false, allErrors: false, code: { regExp: goRegExpEngine } });
  return ajvInstance;
}

/** Drops what Polaris' validator ignores: `$schema` and keywords rendered to null (`required:` with no items). */
function cleanSchema(node: any): any {
  if (Array.isArray(node)) return node.map(cleanSchema);
  if (!node || typeof node !== 'object') return node;
  const out: any = {};
  for (const [k, v] of Object.entries(node)) {
    if (k === '$schema') continue;
    if (v === null && k !== 'const' && k !== 'default' && k !== 'enum') continue;
    out[k] = k === 'const' || k === 'enum' || k === 'default' ? v : cleanSchema(v);
  }
  return out;
}

const compiled = new Map<string, ValidateFunction | undefined>();

/**
 * The validator of a rendered schema, parsed the way UnmarshalYAMLOrJSON does (JSON, else YAML
 * 1.1); undefined when it is blank or null (no schema). Cached by rendered text.
 */
function renderedValidator(rendered: string): ValidateFunction | undefined {
  if (compiled.has(rendered)) return compiled.get(rendered);
  const text = rendered.trim();
  const schema = !text ? undefined : text.startsWith('{') ? JSON.parse(text) : YAML.parse(text, { version: '1.1' });
  const v = schema === undefined || schema === null ? undefined : ajv().compile(cleanSchema(schema));
  compiled.set(rendered, v);
  return v;
}

function validates(v: ValidateFunction | undefined, data: unknown): boolean {
  return v ? (v(data) as boolean) : true;
}

// ---------------------------------------------------------------------------------------------
// Resources
// ---------------------------------------------------------------------------------------------

const POD_SPEC_FIELDS = ['jobTemplate', 'spec', 'template'];

/** kube.GetPodSpec: follows the first of jobTemplate/spec/template down to a map with containers. */
function getPodSpec(obj: any): any {
  if (!obj || typeof obj !== 'object' || Array.isArray(obj)) return undefined;
  for (const f of POD_SPEC_FIELDS) if (f in obj) return getPodSpec(obj[f]);
  return 'containers' in obj ? obj : undefined;
}

/** kube.GetPodTemplate: the map whose `spec` holds the containers (e.g. a Deployment's spec.template). */
function getPodTemplate(obj: any): any {
  if (!obj || typeof obj !== 'object' || Array.isArray(obj)) return undefined;
  const spec = obj.spec;
  if (spec && typeof spec === 'object' && !Array.isArray(spec) && 'containers' in spec) return obj;
  for (const f of POD_SPEC_FIELDS) if (f in obj) return getPodTemplate(obj[f]);
  return undefined;
}

function groupOf(apiVersion: unknown): string {
  const s = typeof apiVersion === 'string' ? apiVersion : '';
  const i = s.lastIndexOf('/');
  return i < 0 ? '' : s.slice(0, i);
}

/** A check target or additional-schema key as group/kind (`Kind` alone is the core group). */
function parseGroupKind(key: string): { group: string; kind: string } {
  const k = key === 'Ingress' ? 'networking.k8s.io/Ingress' : key === 'PodDisruptionBudget' ? 'policy/PodDisruptionBudget' : key;
  const i = k.indexOf('/');
  return i < 0 ? { group: '', kind: k } : { group: k.slice(0, i), kind: k.slice(i + 1) };
}

const QUANTITY_MAPS = ['limits', 'requests'];

/** Go drops JSON nulls when it decodes into corev1 types (a nil pointer is omitted again on output). */
function stripNulls(v: any): any {
  if (Array.isArray(v)) return v.map(stripNulls);
  if (!v || typeof v !== 'object') return v;
  return Object.fromEntries(Object.entries(v).filter(([, x]) => x !== null).map(([k, x]) => [k, stripNulls(x)]));
}

/**
 * A container as Polaris sees it after the corev1.Container round trip: no nulls, and resource
 * quantities as strings.
 */
function normalizeContainer(container: any): any {
  const c = stripNulls(container);
  if (!c || typeof c !== 'object' || !c.resources || typeof c.resources !== 'object') return c;
  const resources: any = { ...c.resources };
  for (const m of QUANTITY_MAPS) {
    if (resources[m] && typeof resources[m] === 'object') {
      resources[m] = Object.fromEntries(Object.entries(resources[m]).map(([k, v]) => [k, typeof v === 'number' ? String(v) : v]));
    }
  }
  return { ...c, resources };
}

/** A pod spec as Polaris sees it after the corev1.PodSpec round trip. */
function normalizePodSpec(spec: any): any {
  const out: any = stripNulls(spec);
  for (const list of ['containers', 'initContainers']) {
    if (Array.isArray(out[list])) out[list] = out[list].map(normalizeContainer);
  }
  return out;
}


type Target = 'Controller' | 'PodSpec' | 'Container' | '';

interface TestCase {
  readonly target: Target;
  readonly resource: any;
  readonly podSpec?: any;
  readonly podTemplate?: any;
  readonly container?: any;
  readonly isInit: boolean;
}

/** SchemaCheck.IsActionable */
function isActionable(check: Check, test: TestCase): boolean {
  const kind: string = test.resource.kind;
  if (test.target !== '') {
    // PodTemplate checks run with the PodSpec ones, and skip the controller filters.
    if (check.target === 'PodTemplate' && test.target === 'PodSpec') return true;
    if (check.target !== test.target) return false;
  } else if (check.target !== kind && !check.target.endsWith('/' + kind)) {
    return false;
  }
  if (check.controllersInclude.length && !check.controllersInclude.includes(kind)) return false;
  if (check.controllersExclude.includes(kind)) return false;
  if (check.target === 'Container') {
    const which = test.isInit ? 'initContainer' : 'container';
    if (check.containersInclude.length && !check.containersInclude.includes(which)) return false;
    if (check.containersExclude.includes(which)) return false;
  }
  return true;
}

function isExempt(check: Check, test: TestCase, exemptions: Exemption[] | undefined): boolean {
  const meta = test.resource.metadata ?? {};
  const annotations = meta.annotations ?? {};
  const yes = (v: unknown) => typeof v === 'string' && v.toLowerCase() === 'true';
  if (yes(annotations['polaris.fairwinds.com/exempt']) || yes(annotations[`polaris.fairwinds.com/${check.id}-exempt`])) return true;
  for (const e of exemptions ?? []) {
    if (e.namespace && e.namespace !== (meta.namespace ?? '')) continue;
    if (e.rules.length && !e.rules.includes(check.id)) continue;
    const matches = (arr: string[], s: string) => arr.length === 0 || arr.some((p) => s.startsWith(p));
    if (!matches(e.controllerNames, meta.name ?? '')) continue;
    if (matches(e.containerNames, test.container?.name ?? '')) return true;
  }
  return false;
}

/** pkg/validator/pdb_hpa_validator.go */
function pdbMinAvailableGreaterThanHPAMinReplicas(test: TestCase, all: any[]): boolean {
  const deployment = test.resource;
  const templateLabels: Record<string, string> = deployment.spec?.template?.metadata?.labels ?? {};
  const pdb = all.find(
    (o) =>
      groupOf(o.apiVersion) === 'policy' &&
      o.kind === 'PodDisruptionBudget' &&
      o.spec?.selector &&
      Object.entries<string>(o.spec.selector.matchLabels ?? {}).some(([k, v]) => templateLabels[k] === v),
  );
  const hpa = all.find(
    (o) =>
      groupOf(o.apiVersion) === 'autoscaling' &&
      o.kind === 'HorizontalPodAutoscaler' &&
      o.spec?.scaleTargetRef?.kind === 'Deployment' &&
      o.spec?.scaleTargetRef?.name === deployment.metadata?.name,
  );
  if (!pdb || !hpa) return true;
  const minAvailable = pdb.spec.minAvailable;
  if (minAvailable === undefined || minAvailable === null) return true;
  const hpaMin: number | undefined = hpa.spec.minReplicas;
  let value: number;
  if (typeof minAvailable === 'number') {
    value = minAvailable;
  } else if (typeof minAvailable === 'string' && /^\d+%$/.test(minAvailable)) {
    if (hpaMin === undefined) return true;
    value = Math.ceil((parseInt(minAvailable, 10) * hpaMin) / 100);
  } else {
    return true; // Polaris logs the conversion error and passes
  }
  return !(hpaMin !== undefined && value > hpaMin);
}

const CUSTOM_VALIDATORS: Record<string, (test: TestCase, all: any[]) => boolean> = {
  pdbMinAvailableGreaterThanHPAMinReplicas,
};

/** What every check of one test case looks at, computed once. */
interface Prepared {
  readonly input: any;
  readonly podSpec?: any;
  readonly podTemplate?: any;
  readonly container?: any;
  /** The pod spec with only the container under test (schemaTarget: PodSpec). */
  readonly podWithContainer?: any;
  readonly namespace: string;
}

function prepare(test: TestCase): Prepared {
  const podSpec = test.podSpec ? normalizePodSpec(test.podSpec) : undefined;
  const container = test.container ? normalizeContainer(test.container) : undefined;
  let podWithContainer: any;
  if (podSpec && container) {
    podWithContainer = { ...podSpec, containers: [container] };
    delete podWithContainer.initContainers;
  }
  const meta = test.resource.metadata ?? {};
  // getTemplateInput: the object plus Polaris' built-in variables (templates only read it).
  let input = test.resource;
  if (test.target === 'PodSpec' || test.target === 'Container') {
    const polaris: any = { ...(input.Polaris ?? {}), PodSpec: podSpec };
    if (test.podTemplate && typeof test.podTemplate === 'object') polaris.PodTemplate = test.podTemplate;
    if (test.target === 'Container') polaris.Container = container;
    input = { ...input, Polaris: polaris };
  }
  return {
    input,
    podSpec,
    podTemplate: test.podTemplate,
    container,
    podWithContainer,
    namespace: (test.resource.kind === 'Namespace' ? meta.name : meta.namespace) ?? '',
  };
}

/** applySchemaCheck: true when the check passes. */
function applyCheck(check: Check, test: TestCase, p: Prepared, all: any[]): boolean {
  const validator = check.schemaTemplate === undefined ? undefined : renderedValidator(renderGoTemplate(check.schemaTemplate, p.input));
  let passes: boolean;
  if (check.schemaTarget) {
    if (check.schemaTarget !== 'PodSpec' || check.target !== 'Container') {
      throw new Error(`${check.id}: unknown combination of target ${check.target} and schemaTarget ${check.schemaTarget}`);
    }
    passes = validates(validator, p.podWithContainer);
  } else if (check.target === 'PodSpec') {
    passes = validates(validator, p.podSpec);
  } else if (check.target === 'PodTemplate') {
    passes = validates(validator, p.podTemplate);
  } else if (check.target === 'Container') {
    passes = validates(validator, p.container);
  } else if (validator) {
    passes = validates(validator, test.resource);
  } else if (CUSTOM_VALIDATORS[check.id]) {
    passes = CUSTOM_VALIDATORS[check.id](test, all);
  } else {
    passes = true;
  }
  for (const [groupKind, tmpl] of Object.entries(check.additionalTemplates)) {
    if (!passes) break;
    const additional = renderedValidator(renderGoTemplate(tmpl, p.input));
    if (!additional) continue; // rendered blank: no additional validator
    const { group, kind } = parseGroupKind(groupKind);
    const candidates = all.filter(
      (o) =>
        o.kind === kind &&
        groupOf(o.apiVersion) === group &&
        ((o.metadata?.namespace ?? '') === '' || o.metadata?.namespace === p.namespace),
    );
    passes = candidates.some((o) => validates(additional, o));
  }
  return passes;
}

function objectName(o: any): string {
  return `${o?.kind ?? '(no kind)'}/${o?.metadata?.name ?? '(no name)'}`;
}

/** Failed Polaris checks (severity from default.yaml; `ignore`d checks are not run). */
export function polarisFailures(manifests: any[], opts: PolarisOptions = {}): PolarisFailure[] {
  const { checks, exemptions } = loadChecks();
  const minSeverity = opts.minSeverity ?? 'warning';
  const wanted = checks.filter((c) => (minSeverity === 'danger' ? c.severity === 'danger' : c.severity === 'warning' || c.severity === 'danger'));
  const all = manifests.filter((m) => m && typeof m === 'object');
  const failures: PolarisFailure[] = [];

  const run = (test: TestCase) => {
    let prepared: Prepared | undefined;
    for (const check of wanted) {
      if (!isActionable(check, test)) continue;
      if (isExempt(check, test, opts.configExemptions ? exemptions : undefined)) continue;
      let passes: boolean;
      try {
        prepared = prepared ?? prepare(test);
        passes = applyCheck(check, test, prepared, all);
      } catch (e) {
        throw new Error(`Polaris check ${check.id} on ${objectName(test.resource)}${test.container ? ` container ${test.container.name}` : ''}: ${(e as Error).message}`);
      }
      if (!passes) {
        failures.push({
          check: check.id,
          severity: check.severity,
          object: objectName(test.resource),
          ...(test.target === 'Container' ? { container: test.container?.name } : {}),
          message: check.failureMessage,
        });
      }
    }
  };

  for (const resource of all) {
    const podSpec = getPodSpec(resource);
    if (!podSpec) {
      run({ target: '', resource, isInit: false });
      continue;
    }
    const podTemplate = getPodTemplate(resource);
    run({ target: 'Controller', resource, podSpec, podTemplate, isInit: false });
    run({ target: '', resource, podSpec, podTemplate, isInit: false });
    run({ target: 'PodSpec', resource, podSpec, podTemplate, isInit: false });
    for (const container of podSpec.initContainers ?? []) run({ target: 'Container', resource, podSpec, podTemplate, container, isInit: true });
    for (const container of podSpec.containers ?? []) run({ target: 'Container', resource, podSpec, podTemplate, container, isInit: false });
  }
  return failures;
}
