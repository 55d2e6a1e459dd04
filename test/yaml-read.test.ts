// Differential test of the YAML reader (src/core/yaml-read.ts) against the library it stands in
// for: `yaml`'s parseAllDocuments + toJS with the options the checks read manifests with. Where
// the reader answers, its answer must be `yaml`'s (same values, same key order, -0 kept); where
// it cannot, it must say so (undefined), never guess. The fuzz runs are seeded.
import * as fs from 'fs';
import * as path from 'path';
import { Yaml } from 'cdk8s';
import { parseAllDocuments } from 'yaml';
import { parseManifestYaml } from '../src/checks/io';
import { stringifyYaml } from '../src/core/yaml-emit';
import { readPlainYaml } from '../src/core/yaml-read';
import { CLASSES, NUMBERS, prng, randomManifest, randomObject, randomString, randomValue } from './support/yaml-cases';

// The options of src/checks/io.ts (YAML 1.1 as kubectl reads it: no timestamps, no sexagesimal).
const KUBECTL_YAML = {
  version: '1.1' as const,
  customTags: (tags: any[]) => tags.filter((t) => typeof t === 'string' || (!t.tag.endsWith(':timestamp') && t.format !== 'TIME')),
};

/** `yaml`'s reading, or the error it reports. */
function yamlRead(text: string): { docs?: unknown[]; error?: string } {
  const docs = parseAllDocuments(text, KUBECTL_YAML);
  if (!Array.isArray(docs)) return { docs: [] };
  const out: unknown[] = [];
  for (const d of docs) {
    if (d.errors.length) return { error: d.errors[0].message };
    const v = d.toJS({ maxAliasCount: 1000 });
    if (v !== null && v !== undefined) out.push(v);
  }
  return { docs: out };
}

/** JSON that keeps key order and tells -0, NaN and the infinities apart. */
const exact = (v: unknown): string => JSON.stringify(v, (_k, x) => typeof x === 'number' && (Object.is(x, -0) || !Number.isFinite(x)) ? `<number ${Object.is(x, -0) ? '-0' : x}>` : x);

/** Reads `text` both ways; returns whether the reader answered. Fails when it answers differently. */
function agree(what: string, text: string): boolean {
  const mine = readPlainYaml(text);
  if (mine === undefined) return false;
  const ref = yamlRead(text);
  expect({ case: what, text, read: exact(mine) }).toEqual({ case: what, text, read: ref.error ? `yaml error: ${ref.error}` : exact(ref.docs) });
  return true;
}

/**
 * `v` with what the reader always leaves to yaml taken out (tabs, CR, control characters, YAML
 * 1.1's other line breaks, lone surrogates; numbers other than whole ones), so that the fuzz
 * cases also exercise the reader's own path, not only its refusals.
 */
function tame(v: unknown): unknown {
  if (typeof v === 'string') return v.replace(/[\t\r\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ufeff\u{D800}-\u{DFFF}]/gu, '');
  if (typeof v === 'number') return Number.isSafeInteger(v) ? v : 7;
  if (Array.isArray(v)) return v.map(tame);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [tame(k) as string, tame(x)]));
  return v;
}

const REPO = path.join(__dirname, '..');
const yamlFiles = (dir: string): string[] => fs.readdirSync(dir, { recursive: true, encoding: 'utf8' })
  .filter((f) => f.endsWith('.yaml')).map((f) => path.join(dir, f));

describe('readPlainYaml reads what cdk8s writes, exactly as yaml does', () => {
  test('every committed manifest (dist/, the kitchen sink\'s golden files) is read directly and equals yaml\'s reading', () => {
    const files = [...yamlFiles(path.join(REPO, 'dist')), ...yamlFiles(path.join(__dirname, 'fixtures', 'golden'))];
    expect(files.length).toBeGreaterThan(4);
    const fallbacks = files.filter((f) => !agree(f, fs.readFileSync(f, 'utf8')));
    expect(fallbacks).toEqual([]);
  });

  test('every string class YAML 1.1 treats specially, as a value, a key and a sequence item', () => {
    let direct = 0;
    for (const s of CLASSES) {
      for (const doc of [{ k: s }, { [s]: 1 }, { a: [s, { b: s }] }, { a: { b: { c: s } } }]) {
        if (agree(JSON.stringify(s), Yaml.stringify(doc))) direct++;
      }
    }
    // Most classes are quoted or plain strings the reader handles; floats, octal and the rest go to yaml.
    expect(direct).toBeGreaterThan(CLASSES.length * 2);
  });

  test('numbers, booleans and null as cdk8s writes them', () => {
    for (const n of NUMBERS) agree(String(n), Yaml.stringify({ n, a: [n] }));
    expect(readPlainYaml('a: 8080\nb: -1\nc: 0\nd: true\ne: false\nf: null\ng: ~\nh: yes\ni: Off\n')).toEqual([
      { a: 8080, b: -1, c: 0, d: true, e: false, f: null, g: null, h: true, i: false },
    ]);
    expect(Object.is((readPlainYaml('a: -0\n') as any)[0].a, -0)).toBe(true);
    // A float, octal, hex, sexagesimal or timestamp: yaml decides.
    for (const t of ['a: 1.5\n', 'a: 0777\n', 'a: 0x1F\n', 'a: 1_000\n', 'a: 12:30\n', 'a: 2001-12-14\n', 'a: 1e3\n', 'a: .inf\n']) {
      expect(readPlainYaml(t)).toBeUndefined();
    }
  });

  test('block literals: clip, strip, keep, a leading space (indicator 2), empty and space-only lines', () => {
    const strings = ['one\ntwo', 'one\ntwo\n', 'one\n\n', 'one\n\n\n', ' lead\nnext', '  two\n', 'a\n\n\nb', 'a\n  \nb',
      'a\n \n', '\n', '\n\n', '\nlead', 'x\n  indented\n    more\n', '#!/bin/sh\nexec "$@"\n'];
    for (const v of strings) {
      for (const doc of [{ k: v }, { a: [v, { b: v }] }]) {
        const text = Yaml.stringify(doc);
        expect({ v, read: agree(JSON.stringify(v), text) }).toEqual({ v, read: true });
        // Also as the last document of a stream, and before another.
        expect(agree(JSON.stringify(v), Yaml.stringify(doc, { z: 1 }))).toBe(true);
      }
    }
    expect(readPlainYaml('a: |+\n  one\n\n')).toEqual([{ a: 'one\n\n' }]);
    expect(readPlainYaml('a: |2-\n   lead\n')).toEqual([{ a: ' lead' }]);
  });

  test('random strings in every position (1,500 seeded cases)', () => {
    const r = prng(0x7ead);
    let direct = 0;
    for (let i = 0; i < 1500; i++) {
      const s = randomString(r);
      const doc = i % 3 === 0 ? { v: s } : i % 3 === 1 ? { [s]: [s] } : { a: [{ [s]: s, b: [s, [s]] }] };
      agree(`case ${i}`, Yaml.stringify(doc));
      if (agree(`tamed case ${i}`, Yaml.stringify(tame(doc)))) direct++;
    }
    expect(direct).toBeGreaterThan(500);
  });

  test('generated manifests in multi-document files (300 seeded files), from cdk8s and from the emitter', () => {
    const r = prng(61);
    let direct = 0;
    for (let i = 0; i < 300; i++) {
      const raw = [randomManifest(r, i), randomObject(r, 0), randomValue(r, 0), randomManifest(r, i + 1)];
      agree(`file ${i}`, Yaml.stringify(...raw));
      const docs = raw.map(tame);
      const text = Yaml.stringify(...docs);
      expect(stringifyYaml(...docs)).toBe(text);
      if (agree(`tamed file ${i}`, text)) direct++;
    }
    expect(direct).toBeGreaterThan(75);
  });
});

describe('outside the subset it declines, and yaml answers', () => {
  const declined: Array<[string, string]> = [
    ['a sequence at its key\'s indentation', 'a:\n- 1\n- 2\n'],
    ['four-space indentation', 'a:\n    b: 1\n'],
    ['a comment line', '# note\na: 1\n'],
    ['a trailing comment', 'a: 1 # note\n'],
    ['an anchor and an alias', 'a: &x 1\nb: *x\n'],
    ['a tag', 'a: !!str 1\n'],
    ['a flow mapping', 'a: {b: 1}\n'],
    ['a flow sequence', 'a: [1, 2]\n'],
    ['a multi-line plain scalar', 'a: one\n  two\n'],
    ['a multi-line double-quoted scalar', 'a: "one\n  two"\n'],
    ['a folded scalar', 'a: >\n  one\n'],
    ['an indentation indicator other than 2', 'a: |4-\n     lead\n'],
    ['a kept block literal at the end of a text without a final line break', 'a: |+\n  one'],
    ['a duplicate key (yaml reports it)', 'a: 1\na: 2\n'],
    ['a merge key', 'a: &x {b: 1}\nc:\n  <<: *x\n'],
    ['a tab', 'a:\tb\n'],
    ['CRLF line ends', 'a: 1\r\nb: 2\r\n'],
    ['a bool-looking key', 'on: 1\n'],
    ['a scalar document', 'just text\n'],
    ['an explicit key', '? a\n: 1\n'],
    ['a directive', '%YAML 1.1\n---\na: 1\n'],
    ['a document end marker', 'a: 1\n...\n'],
    ['a bad indentation', 'a:\n  b: 1\n c: 2\n'],
    ['an unterminated quote', 'a: "open\n'],
  ];
  test.each(declined)('%s', (_what, text) => {
    expect(readPlainYaml(text)).toBeUndefined();
    // The checks still read it, through yaml (or report yaml's error).
    const ref = yamlRead(text);
    if (ref.error) expect(() => parseManifestYaml(text, 'x.yaml')).toThrow(/x\.yaml(:\d+)?.*invalid YAML/s);
    else expect(exact(parseManifestYaml(text, 'x.yaml'))).toBe(exact(ref.docs));
  });

  test('mutated manifests (1,000 seeded edits): whatever the reader accepts, yaml reads the same', () => {
    const r = prng(0xed17);
    const edits = [' ', '  ', '#', ': ', '- ', '"', "'", '|', '-', '---', ':', '\\', 'x', '', '{}', '[]', '&a ', '*a'];
    let direct = 0;
    for (let i = 0; i < 1000; i++) {
      const lines = Yaml.stringify(tame(randomManifest(r, i)), tame(randomObject(r, 0))).split('\n');
      for (let k = 0; k < 1 + Math.floor(r() * 3); k++) {
        const at = Math.floor(r() * lines.length);
        const line = lines[at];
        const col = Math.floor(r() * (line.length + 1));
        const op = r();
        if (op < 0.4) lines[at] = line.slice(0, col) + edits[Math.floor(r() * edits.length)] + line.slice(col);
        else if (op < 0.6) lines[at] = line.slice(0, col) + line.slice(col + 1 + Math.floor(r() * 3));
        else if (op < 0.8) lines.splice(at, 0, line);
        else lines.splice(at, 1);
      }
      if (agree(`mutation ${i}`, lines.join('\n'))) direct++;
    }
    expect(direct).toBeGreaterThan(100);
  });
});
