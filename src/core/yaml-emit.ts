// A YAML emitter for the plain JSON data that cdk8s renders, writing exactly the bytes that
// cdk8s' `Yaml.stringify` writes: the `yaml` package (2.x) with `{ keepUndefined: true,
// lineWidth: 0, version: '1.1' }`. `yaml` builds a document model of every object before it
// writes a byte (a node per value, a context object per pair); for the manifests cdk8s renders
// that is most of synth time. This emitter walks the data once and writes text.
//
// The scalar rules below are `yaml`'s own (stringify/stringifyString.js, stringifyNumber.js and
// the YAML 1.1 schema's tag tests) specialised to those options: no line folding (lineWidth 0),
// block literals for multi-line strings, double quotes unless a single-quoted form avoids
// escapes. Anything outside plain data (class instances, Dates, Maps, shared or circular
// objects, bigints, functions, over-long keys, a scalar root) makes the whole document go
// through `yaml` itself, so the output is always `yaml`'s. test/yaml-emit.test.ts checks both
// paths byte for byte against cdk8s' `Yaml.stringify` over generated manifests and every string
// class YAML 1.1 resolves to something other than a string.
//
// This module is part of the core layer: it imports nothing from the rest of the library.
import * as YAML from 'yaml';

/** The options cdk8s passes to `yaml` (cdk8s/lib/yaml.js, `Yaml.stringify`). */
export const CDK8S_YAML_OPTIONS = Object.freeze({ keepUndefined: true, lineWidth: 0, version: '1.1' as const });

/** Thrown inside the walk when a value is outside what the emitter writes exactly. */
class Unsupported extends Error {}
const UNSUPPORTED = new Unsupported('value outside the plain-data subset');

const STEP = '  ';

// YAML 1.1 tag tests of the schema `yaml` uses for version 1.1 (the `default` tags other than
// str, in yaml/dist/schema/yaml-1.1/*.js and common/null.js): a plain scalar matching one of
// these would read back as null, a bool, a number or a timestamp, so it is quoted. (`<<` is not:
// `yaml` leaves the merge tag out unless asked for merge keys.)
const NON_STRING_TESTS: readonly RegExp[] = [
  /^(?:~|[Nn]ull|NULL)?$/,
  /^(?:Y|y|[Yy]es|YES|[Tt]rue|TRUE|[Oo]n|ON)$/,
  /^(?:N|n|[Nn]o|NO|[Ff]alse|FALSE|[Oo]ff|OFF)$/,
  /^[-+]?0b[0-1_]+$/,
  /^[-+]?0[0-7_]+$/,
  /^[-+]?[0-9][0-9_]*$/,
  /^[-+]?0x[0-9a-fA-F_]+$/,
  /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/,
  /^[-+]?(?:[0-9][0-9_]*)?(?:\.[0-9_]*)?[eE][-+]?[0-9]+$/,
  /^[-+]?(?:[0-9][0-9_]*)?\.[0-9_]*$/,
  /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+$/,
  /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*$/,
  new RegExp('^([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})' +
    '(?:' +
    '(?:t|T|[ \\t]+)' +
    '([0-9]{1,2}):([0-9]{1,2}):([0-9]{1,2}(\\.[0-9]+)?)' +
    '(?:[ \\t]*(Z|[-+][012]?[0-9](?::[0-9]{2})?))?' +
    ')?$'),
];

const FORCE_DOUBLE = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u{D800}-\u{DFFF}]/u;
const NOT_PLAIN = /^[\n\t ,[\]{}#&*!|>'"%@`]|^[?-]$|^[?-][ \t]|[\n:][ \t]|[ \t]\n|[\n\t ]#|[\n\t :]$/;
const DOCUMENT_MARKER = /^(%|---|\.\.\.)/m;
// A string made only of these characters, starting with a letter other than the first letter of
// a YAML 1.1 bool or null, can be neither an indicator nor another type: it is written plain.
const SAFE_PLAIN = /^[A-DG-MP-SU-XZa-dg-mp-su-xz][A-Za-z0-9_./-]*$/;

let blockEndNewlines: RegExp;
try {
  blockEndNewlines = new RegExp('(^|(?<!\n))\n+(?!\n|$)', 'g');
} catch {
  blockEndNewlines = /\n+(?!\n|$)/g;
}

/** Whether a plain scalar `str` would read back as anything but a string under YAML 1.1 (then it is quoted). */
export function resolvesAsNonString(str: string): boolean {
  for (const re of NON_STRING_TESTS) if (re.test(str)) return true;
  return false;
}

function doubleQuoted(value: string, implicitKey: boolean, ctxIndent: string): string {
  const json = JSON.stringify(value);
  const indent = ctxIndent || (DOCUMENT_MARKER.test(value) ? STEP : '');
  let str = '';
  let start = 0;
  for (let i = 0, ch = json[i]; ch; ch = json[++i]) {
    if (ch === ' ' && json[i + 1] === '\\' && json[i + 2] === 'n') {
      str += json.slice(start, i) + '\\ ';
      i += 1;
      start = i;
      ch = '\\';
    }
    if (ch === '\\') {
      switch (json[i + 1]) {
        case 'u': {
          str += json.slice(start, i);
          const code = json.substr(i + 2, 4);
          switch (code) {
            case '0000': str += '\\0'; break;
            case '0007': str += '\\a'; break;
            case '000b': str += '\\v'; break;
            case '001b': str += '\\e'; break;
            case '0085': str += '\\N'; break;
            case '00a0': str += '\\_'; break;
            case '2028': str += '\\L'; break;
            case '2029': str += '\\P'; break;
            default:
              str += code.substr(0, 2) === '00' ? '\\x' + code.substr(2) : json.substr(i, 6);
          }
          i += 5;
          start = i + 1;
          break;
        }
        case 'n':
          // doubleQuotedMinMultiLineLength is 40.
          if (implicitKey || json[i + 2] === '"' || json.length < 40) {
            i += 1;
          } else {
            str += json.slice(start, i) + '\n\n';
            while (json[i + 2] === '\\' && json[i + 3] === 'n' && json[i + 4] !== '"') {
              str += '\n';
              i += 2;
            }
            str += indent;
            if (json[i + 2] === ' ') str += '\\';
            i += 1;
            start = i + 1;
          }
          break;
        default:
          i += 1;
      }
    }
  }
  return start ? str + json.slice(start) : json;
}

function singleQuoted(value: string, implicitKey: boolean, ctxIndent: string): string {
  if ((implicitKey && value.includes('\n')) || /[ \t]\n|\n[ \t]/.test(value)) return doubleQuoted(value, implicitKey, ctxIndent);
  const indent = ctxIndent || (DOCUMENT_MARKER.test(value) ? STEP : '');
  return "'" + value.replace(/'/g, "''").replace(/\n+/g, `$&\n${indent}`) + "'";
}

function quoted(value: string, implicitKey: boolean, indent: string): string {
  const hasDouble = value.includes('"');
  const hasSingle = value.includes("'");
  return hasDouble && !hasSingle ? singleQuoted(value, implicitKey, indent) : doubleQuoted(value, implicitKey, indent);
}

// Only reached for values (never keys) that contain a newline; the indent is never empty since
// the root is always a collection here.
function blockLiteral(input: string, indent: string): string {
  if (/\n[\t ]+$/.test(input)) return quoted(input, false, indent);
  let value = input;
  let endStart: number;
  for (endStart = value.length; endStart > 0; --endStart) {
    const ch = value[endStart - 1];
    if (ch !== '\n' && ch !== '\t' && ch !== ' ') break;
  }
  let end = value.substring(endStart);
  const endNlPos = end.indexOf('\n');
  let chomp: string;
  if (endNlPos === -1) chomp = '-';
  else if (value === end || endNlPos !== end.length - 1) chomp = '+';
  else chomp = '';
  if (end) {
    value = value.slice(0, -end.length);
    if (end[end.length - 1] === '\n') end = end.slice(0, -1);
    end = end.replace(blockEndNewlines, `$&${indent}`);
  }
  let startWithSpace = false;
  let startEnd: number;
  let startNlPos = -1;
  for (startEnd = 0; startEnd < value.length; ++startEnd) {
    const ch = value[startEnd];
    if (ch === ' ') startWithSpace = true;
    else if (ch === '\n') startNlPos = startEnd;
    else break;
  }
  let start = value.substring(0, startNlPos < startEnd ? startNlPos + 1 : startEnd);
  if (start) {
    value = value.substring(start.length);
    start = start.replace(/\n+/g, `$&${indent}`);
  }
  const header = (startWithSpace ? '2' : '') + chomp;
  value = value.replace(/\n+/g, `$&${indent}`);
  return `|${header}\n${indent}${start}${value}${end}`;
}

/** A string value (not a key) at `indent` (the indent of its own lines). */
function stringValue(value: string, indent: string): string {
  if (FORCE_DOUBLE.test(value)) return doubleQuoted(value, false, indent);
  if (NOT_PLAIN.test(value)) return value.includes('\n') ? blockLiteral(value, indent) : quoted(value, false, indent);
  if (value.includes('\n')) return blockLiteral(value, indent);
  // Without a newline the document-marker rule only applies at an empty indent (a scalar root).
  return resolvesAsNonString(value) ? quoted(value, false, indent) : value;
}

/** A mapping key at `indent` (its pair's indent + one step); top = a key of the root map. */
function stringKey(key: string, indent: string, top: boolean): string {
  if (FORCE_DOUBLE.test(key)) return doubleQuoted(key, true, indent);
  if (key.includes('\n') || NOT_PLAIN.test(key)) return quoted(key, true, indent);
  if (top && DOCUMENT_MARKER.test(key)) return quoted(key, true, indent);
  return resolvesAsNonString(key) ? quoted(key, true, indent) : key;
}

// Single-line strings render the same at every indent (see stringValue), and keys the same at
// every depth below the root, so both are memoised: manifests repeat the same few hundred
// keys and values thousands of times.
const CACHE_LIMIT = 50_000;
const valueCache = new Map<string, string>();
const keyCache = new Map<string, string>();

function cachedValue(value: string, indent: string): string {
  if (SAFE_PLAIN.test(value)) return value;
  let s = valueCache.get(value);
  if (s !== undefined) return s;
  if (value.includes('\n')) return stringValue(value, indent);
  s = stringValue(value, indent);
  if (valueCache.size >= CACHE_LIMIT) valueCache.clear();
  valueCache.set(value, s);
  return s;
}

function cachedKey(key: string, indent: string, top: boolean): string {
  if (SAFE_PLAIN.test(key)) return key;
  if (top) return stringKey(key, indent, true);
  let s = keyCache.get(key);
  if (s === undefined) {
    s = stringKey(key, indent, false);
    if (keyCache.size >= CACHE_LIMIT) keyCache.clear();
    keyCache.set(key, s);
  }
  return s;
}

// `yaml`'s stringifyNumber, which its 1.1 int tag and its first float tag both use.
function numberText(n: number): string {
  if (!isFinite(n)) return isNaN(n) ? '.nan' : n < 0 ? '-.inf' : '.inf';
  return Object.is(n, -0) ? '-0' : JSON.stringify(n);
}

/** A scalar as it follows `key: ` or `- `; undefined for a collection. */
function scalarText(v: unknown, indent: string): string | undefined {
  switch (typeof v) {
    case 'string': return cachedValue(v, indent);
    case 'number': return numberText(v);
    case 'boolean': return v ? 'true' : 'false';
    case 'undefined': return 'null';
    case 'object':
      if (v === null) return 'null';
      return undefined;
    default:
      throw UNSUPPORTED; // bigint, symbol, function
  }
}

function isPlainObject(v: object): boolean {
  return Object.getPrototypeOf(v) === Object.prototype;
}

/**
 * Appends the collection `v` (an array or plain object, non-empty) whose lines are joined at
 * `indent`; the first line's prefix has already been written by the caller.
 */
function collection(v: object, indent: string, out: string[], seen: Set<object>, top: boolean): void {
  if (seen.has(v)) throw UNSUPPORTED; // `yaml` would write an anchor and an alias
  seen.add(v);
  if (Array.isArray(v)) {
    const itemIndent = indent + STEP;
    for (let i = 0; i < v.length; i++) {
      if (i > 0) out.push('\n', indent);
      out.push('- ');
      item(v[i], itemIndent, out, seen, false);
    }
    return;
  }
  if (!isPlainObject(v)) throw UNSUPPORTED;
  const keyIndent = indent + STEP;
  const keys = Object.keys(v);
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i];
    const key = cachedKey(k, keyIndent, top);
    if (key.length > 1024) throw UNSUPPORTED; // `yaml` writes an explicit `? key`
    if (i > 0) out.push('\n', indent);
    out.push(key, ':');
    const value = (v as any)[k];
    const s = scalarText(value, keyIndent);
    if (s !== undefined) {
      out.push(' ', s);
      continue;
    }
    if (isEmpty(value)) {
      out.push(Array.isArray(value) ? ' []' : ' {}');
      continue;
    }
    out.push('\n', keyIndent);
    collection(value, keyIndent, out, seen, false);
  }
}

function isEmpty(v: object): boolean {
  if (Array.isArray(v)) return v.length === 0;
  if (!isPlainObject(v)) throw UNSUPPORTED;
  for (const k in v) if (Object.prototype.hasOwnProperty.call(v, k)) return false;
  return true;
}

/** A sequence item after its `- `, whose own lines are at `indent`. */
function item(v: unknown, indent: string, out: string[], seen: Set<object>, top: boolean): void {
  const s = scalarText(v, indent);
  if (s !== undefined) {
    out.push(s);
    return;
  }
  const o = v as object;
  if (isEmpty(o)) {
    out.push(Array.isArray(o) ? '[]' : '{}');
    return;
  }
  collection(o, indent, out, seen, top);
}

function fastDocument(doc: unknown): string | undefined {
  if (doc === null || typeof doc !== 'object') return undefined;
  const out: string[] = [];
  try {
    item(doc, '', out, new Set(), true);
  } catch (e) {
    if (e === UNSUPPORTED) return undefined;
    throw e;
  }
  out.push('\n');
  return out.join('');
}

/**
 * One document as cdk8s' `Yaml.stringify(doc)` writes it (with its final newline); `undefined`
 * becomes an empty document ("\n"), as cdk8s writes it.
 */
export function emitDocument(doc: unknown): string {
  if (doc === undefined) return '\n';
  return fastDocument(doc) ?? YAML.stringify(doc, CDK8S_YAML_OPTIONS);
}

/**
 * Whether `emitDocument` writes `doc` itself (true) or hands it to `yaml` (false). For tests
 * and for judging the fallback rate; synth does not need it.
 */
export function emitsDirectly(doc: unknown): boolean {
  return doc !== undefined && fastDocument(doc) !== undefined;
}

/** Drop-in for cdk8s' `Yaml.stringify(...docs)`: the documents joined by `---`. */
export function stringifyYaml(...docs: unknown[]): string {
  return docs.map(emitDocument).join('---\n');
}
