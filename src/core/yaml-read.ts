// A reader for the YAML that cdk8s (and src/core/yaml-emit.ts) writes, giving exactly what the
// `yaml` package's `parseAllDocuments(text, { version: '1.1' })` + `toJS()` gives for it, without
// building `yaml`'s document model: reading the example shop's 70 KB of manifests cold took the
// validation plugin about 300 ms of CPU, most of `npx cdk8s synth` after the CLI's own startup.
//
// It reads a deliberately small subset: block mappings and sequences indented by two spaces as
// `yaml` writes them, `[]` and `{}`, single-line plain, single- and double-quoted scalars, `|` and
// `|-` block literals, `---` between documents. Plain scalars resolve by YAML 1.1's rules: to a
// string when no 1.1 type matches (the tag tests are yaml-emit's, the same ones the emitter quotes
// by), to null, a bool or a decimal int for the common spellings, and for anything else (floats,
// octal, hex, sexagesimal, timestamps, `<<`), as for comments, anchors, tags, tabs, CR, control
// characters, flow collections, other indentation, multi-line scalars or duplicate keys, it gives
// up and returns undefined, and the caller parses the text with `yaml` itself, whose answer (or
// error) then stands. test/yaml-read.test.ts checks it against `yaml` over generated manifests,
// every string class the emitter quotes, and mutated texts.
//
// This module is part of the core layer: it imports nothing from the rest of the library.
import { resolvesAsNonString } from './yaml-emit';

/** Thrown inside the read when the text leaves the subset. */
class OutsideSubset extends Error {}
const OUTSIDE = new OutsideSubset('outside the YAML subset read directly');

// Tabs, CR, BOM, control characters, YAML 1.1's other line breaks and lone surrogates: rare in
// manifests, and each has its own rules in `yaml`.
const UNREAD_CHARACTERS = /[\t\r\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ufeff\u{D800}-\u{DFFF}]/u;
const NULL_PLAIN = /^(?:~|[Nn]ull|NULL)$/;
const TRUE_PLAIN = /^(?:Y|y|[Yy]es|YES|[Tt]rue|TRUE|[Oo]n|ON)$/;
const FALSE_PLAIN = /^(?:N|n|[Nn]o|NO|[Ff]alse|FALSE|[Oo]ff|OFF)$/;
const DECIMAL_PLAIN = /^-?(?:0|[1-9][0-9]{0,15})$/;
// What may not start a plain scalar: an indicator, or `-`, `?`, `:` before a space (`::/0` is plain).
const PLAIN_START = /^(?:[,[\]{}#&*!|>'"%@` ]|[-?:](?: |$))/;
const ESCAPES: { readonly [c: string]: string } = {
  '0': '\0', 'a': '\x07', 'b': '\b', 't': '\t', 'n': '\n', 'v': '\v', 'f': '\f', 'r': '\r', 'e': '\x1b', ' ': ' ',
  '"': '"', '/': '/', '\\': '\\', 'N': '\x85', '_': '\xa0', 'L': '\u2028', 'P': '\u2029',
};
const HEX_LENGTH: { readonly [c: string]: number } = { x: 2, u: 4, U: 8 };

/** A plain scalar's value, as YAML 1.1 resolves it. */
function plainValue(text: string): unknown {
  if (text === '' || PLAIN_START.test(text) || text.endsWith(' ') || text.endsWith(':') || text.includes(': ') || text.includes(' #')) throw OUTSIDE;
  if (!resolvesAsNonString(text)) return text;
  if (NULL_PLAIN.test(text)) return null;
  if (TRUE_PLAIN.test(text)) return true;
  if (FALSE_PLAIN.test(text)) return false;
  if (DECIMAL_PLAIN.test(text) && Number.isSafeInteger(Number(text))) return Number(text);
  throw OUTSIDE;
}

/** A double-quoted scalar starting at `line[start]`: its value and the index after the closing quote. */
function doubleQuoted(line: string, start: number): [string, number] {
  let out = '';
  let from = start + 1;
  for (let i = from; i < line.length; i++) {
    const c = line[i];
    if (c === '"') return [out + line.slice(from, i), i + 1];
    if (c !== '\\') continue;
    out += line.slice(from, i);
    const e = line[i + 1];
    const hex = HEX_LENGTH[e];
    if (hex !== undefined) {
      const digits = line.slice(i + 2, i + 2 + hex);
      if (!/^[0-9a-fA-F]+$/.test(digits) || digits.length !== hex) throw OUTSIDE;
      out += String.fromCodePoint(parseInt(digits, 16));
      i += 1 + hex;
    } else if (e !== undefined && ESCAPES[e] !== undefined) {
      out += ESCAPES[e];
      i += 1;
    } else {
      throw OUTSIDE;
    }
    from = i + 1;
  }
  throw OUTSIDE; // continues on the next line
}

/** A single-quoted scalar starting at `line[start]`: its value and the index after the closing quote. */
function singleQuoted(line: string, start: number): [string, number] {
  let out = '';
  let from = start + 1;
  for (let i = from; i < line.length; i++) {
    if (line[i] !== "'") continue;
    if (line[i + 1] === "'") {
      out += line.slice(from, i + 1);
      i += 1;
      from = i + 1;
      continue;
    }
    return [out + line.slice(from, i), i + 1];
  }
  throw OUTSIDE;
}

const indentOf = (line: string): number => {
  let i = 0;
  while (line.charCodeAt(i) === 32) i++;
  return i;
};

/** One document's lines, read from `pos` on. */
class Reader {
  private pos = 0;

  /** `open`: the last line has no line break after it. */
  constructor(private readonly lines: string[], private readonly open: boolean) {}

  public document(): unknown {
    while (this.pos < this.lines.length && this.lines[this.pos] === '') this.pos++;
    if (this.pos === this.lines.length) return undefined;
    if (indentOf(this.lines[this.pos]) !== 0) throw OUTSIDE;
    const line = this.lines[this.pos];
    if (!line.startsWith('- ') && this.entryKey(line, 0) === undefined) throw OUTSIDE; // a scalar document
    const value = this.block(0);
    while (this.pos < this.lines.length) if (this.lines[this.pos++] !== '') throw OUTSIDE;
    return value;
  }

  /** The block node (mapping or sequence) whose first line is at `pos`, at `indent`. */
  private block(indent: number): unknown {
    return this.lines[this.pos].startsWith('- ', indent) ? this.sequence(indent) : this.mapping(indent);
  }

  private lineAt(indent: number): string | undefined {
    const line = this.lines[this.pos];
    if (line === undefined || line === '') return undefined;
    const n = indentOf(line);
    if (n > indent) throw OUTSIDE;
    return n === indent ? line : undefined;
  }

  /** The key of a mapping entry on `line` at `indent`, and where its value starts; undefined if the line is not one. */
  private entryKey(line: string, indent: number): [string, number] | undefined {
    const c = line[indent];
    if (c === '"' || c === "'") {
      const [key, end] = c === '"' ? doubleQuoted(line, indent) : singleQuoted(line, indent);
      if (line[end] !== ':') return undefined;
      return [key, end + 1];
    }
    const colon = line.indexOf(': ', indent);
    const at = colon >= 0 ? colon : line.endsWith(':') ? line.length - 1 : -1;
    if (at < 0) return undefined;
    const key = plainValue(line.slice(indent, at));
    if (typeof key !== 'string' || key === '<<') throw OUTSIDE;
    return [key, at + 1];
  }

  private mapping(indent: number): { [key: string]: unknown } {
    const out: { [key: string]: unknown } = {};
    for (let line = this.lineAt(indent); line !== undefined; line = this.lineAt(indent)) {
      if (line.startsWith('- ', indent) || line.length === indent + 1 && line[indent] === '-') throw OUTSIDE;
      const entry = this.entryKey(line, indent);
      if (!entry) throw OUTSIDE;
      const [key, end] = entry;
      if (key === '__proto__' || Object.prototype.hasOwnProperty.call(out, key)) throw OUTSIDE;
      this.pos++;
      if (end === line.length) {
        const next = this.lines[this.pos];
        if (next !== undefined && next !== '' && indentOf(next) > indent) {
          if (indentOf(next) !== indent + 2) throw OUTSIDE;
          out[key] = this.block(indent + 2);
        } else {
          out[key] = null;
        }
      } else {
        if (line[end] !== ' ') throw OUTSIDE;
        out[key] = this.scalar(line, end + 1, indent);
      }
    }
    return out;
  }

  private sequence(indent: number): unknown[] {
    const out: unknown[] = [];
    for (let line = this.lineAt(indent); line !== undefined; line = this.lineAt(indent)) {
      if (!line.startsWith('- ', indent)) throw OUTSIDE;
      const item = indent + 2;
      if (line.startsWith('- ', item) || this.entryKey(line, item) !== undefined) {
        // A compact nested node: read the item as if it started on its own line, two deeper.
        this.lines[this.pos] = ' '.repeat(item) + line.slice(item);
        out.push(this.block(item));
      } else {
        this.pos++;
        out.push(this.scalar(line, item, indent));
      }
    }
    return out;
  }

  /** The value written on `line` from `start` on, of an entry or item at `indent`; `pos` is past the line. */
  private scalar(line: string, start: number, indent: number): unknown {
    const text = line.slice(start);
    let value: unknown;
    if (text === '[]') value = [];
    else if (text === '{}') value = {};
    else if (text[0] === '|') {
      // `|`, with the indentation indicator 2 (content starting with a space) and chomping in either order.
      const h = /^\|(?:(2)?([-+])?|([-+])(2))$/.exec(text);
      if (!h) throw OUTSIDE;
      return this.literal(indent, (h[2] ?? h[3] ?? '') as '' | '-' | '+', (h[1] ?? h[4]) !== undefined);
    }
    else if (text[0] === '"' || text[0] === "'") {
      const [v, end] = text[0] === '"' ? doubleQuoted(line, start) : singleQuoted(line, start);
      if (end !== line.length) throw OUTSIDE;
      value = v;
    } else {
      value = plainValue(text);
    }
    // A deeper line after a scalar would continue it (or be an error).
    const next = this.lines[this.pos];
    if (next !== undefined && next !== '' && indentOf(next) > indent) throw OUTSIDE;
    return value;
  }

  /**
   * A block literal whose lines follow, two deeper than `indent` (`explicit`: the header says so,
   * and lines may start with spaces), chomped by `chomp` ('' clip, '-' strip, '+' keep).
   */
  private literal(indent: number, chomp: '' | '-' | '+', explicit: boolean): string {
    const at = indent + 2;
    const body: string[] = [];
    let content = false;
    for (; this.pos < this.lines.length; this.pos++) {
      const line = this.lines[this.pos];
      const n = indentOf(line);
      if (n === line.length) {
        // Spaces only: an empty line, unless it reaches past the indentation (then it is content).
        if (n <= at) { body.push(''); continue; }
        if (!content && !explicit) throw OUTSIDE; // would set the indentation deeper
        body.push(line.slice(at));
        continue;
      }
      if (n < at) break;
      if (!content && !explicit && n !== at) throw OUTSIDE;
      content = true;
      body.push(line.slice(at));
    }
    // Only empty lines: a kept literal of line breaks (a string of nothing else); the others never are.
    if (!content && chomp !== '+') throw OUTSIDE;
    const next = this.lines[this.pos];
    if (next !== undefined && indentOf(next) > indent) throw OUTSIDE;
    // The last line of a text without a final line break has none to keep.
    if (this.pos === this.lines.length && this.open) throw OUTSIDE;
    let end = body.length;
    while (end > 0 && body[end - 1] === '') end--;
    const text = body.slice(0, end).join('\n');
    if (chomp === '-') return text;
    if (chomp === '') return text + '\n';
    // Keep: the last content line's break and one per empty line after it.
    return end === 0 ? '\n'.repeat(body.length) : text + '\n'.repeat(1 + body.length - end);
  }
}

/**
 * The documents of a YAML stream as `yaml` reads them with YAML 1.1 (`toJS()` of each, empty
 * documents left out), when the text is within the subset this module reads; otherwise
 * undefined, and the caller must parse it with `yaml`.
 */
export function readPlainYaml(text: string): unknown[] | undefined {
  if (UNREAD_CHARACTERS.test(text)) return undefined;
  const docs: unknown[] = [];
  let lines: string[] = [];
  const flush = (open: boolean) => {
    const doc = new Reader(lines, open).document();
    if (doc !== undefined && doc !== null) docs.push(doc);
    lines = [];
  };
  const all = text.split('\n');
  // A final line break ends the last line; it does not start another.
  const terminated = all[all.length - 1] === '';
  if (terminated) all.pop();
  try {
    for (const line of all) {
      if (line === '---') { flush(false); continue; }
      if (line.startsWith('---') || line.startsWith('...') || line.startsWith('%') || line.startsWith('#')) return undefined;
      lines.push(line);
    }
    flush(!terminated);
  } catch (e) {
    if (e === OUTSIDE) return undefined;
    throw e;
  }
  return docs;
}
