// Differential test of the YAML emitter (src/core/yaml-emit.ts) against the library it replaces:
// cdk8s' own `Yaml.stringify` (the `yaml` package with cdk8s' options). Every case must match
// byte for byte; the fuzz runs are seeded, so a failure names a case that reproduces.
import { Yaml } from 'cdk8s';
import { emitDocument, emitsDirectly, stringifyYaml } from '../src/core/yaml-emit';

/** mulberry32: small, fast, deterministic. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Every string class YAML 1.1 resolves to another type or that needs quoting or a block. */
const CLASSES: string[] = [
  // null, bool (1.1 has many spellings), merge key
  '', '~', 'null', 'Null', 'NULL', 'nULL', 'y', 'Y', 'n', 'N', 'yes', 'Yes', 'YES', 'yEs', 'no', 'No', 'NO',
  'on', 'On', 'ON', 'off', 'Off', 'OFF', 'true', 'True', 'TRUE', 'tRUE', 'false', 'False', 'FALSE', '<<', '<',
  // ints: decimal, octal-looking, leading zeros, binary, hex, underscores, signs
  '0', '00', '007', '0777', '0o17', '08', '09', '012', '-012', '+012', '0b101', '-0b1', '0b2', '0x1F', '0xg',
  '0X1F', '1_000', '_1', '12', '-12', '+12', '123456789012345678901234567890',
  // floats, exponents, inf and nan
  '1.5', '.5', '5.', '-.5', '+1.5', '1_0.5', '1e3', '1E3', '1.0e-3', '1e', 'e3', '.', '-.', '1.2.3', '.inf',
  '.Inf', '.INF', '-.inf', '+.inf', 'inf', '.nan', '.NaN', '.NAN', 'nan', 'NaN', 'Infinity',
  // sexagesimal and timestamps
  '12:30', '1:20:30.5', '190:20:30', '12:60', '2001-12-14', '2001-12-14t21:59:43.10-05:00',
  '2001-12-14 21:59:43.10 -5', '2001-12-14T21:59:43Z', '2001-1-1', '20011214',
  // indicators and special characters
  ':', 'a:', 'a: b', 'a:b', ':a', 'http://x:80/y', '#', '# x', 'a #b', 'a#b', ' #', ' lead', 'trail ', ' ', '  ',
  '\t', 'a\tb', 'tab\t', '-', '--', '- x', '-x', '?', '? x', '?x', '[', '[x]', ']', '{', '{a: 1}', '}', ',', 'a,b',
  '&a', '*a', '!a', '!!str', '|', '|-', '>', '>-', '%', '%YAML', '@a', '`a', "'", "'a'", '"', '"a"', "it's",
  'say "hi"', `both ' and "`, "''", '\\', 'a\\nb', '{{ .Values.x }}', 'up{job="x"} == 0', '$HOME',
  // document markers
  '---', '--- x', '...', '... x', '---a', 'a\n---\nb', '%x\ny', 'a\n...\nb',
  // multi-line: chomping, leading spaces (indent indicator), blank lines, trailing whitespace
  '\n', '\n\n', '\n\n\n', 'a\n', 'a\n\n', 'a\n\n\n', '\na', '\n\na', 'a\nb', 'a\nb\n', 'a\nb\n\n', ' a\nb',
  '  a\n b\n', 'a\n b', 'a\n ', 'a\n\t', 'a \nb', 'a\t\nb', 'a\n\n\nb', 'a\n\n\nb\n\n', '\n a', '\n\n a\n',
  '- a\n- b\n', 'key: value\nother: 1\n', '#!/bin/sh\nexec "$@"\n', 'a\r\nb', '\r', 'line one\nline two that is long',
  // control characters, unicode, unpaired surrogates
  '\x00', 'a\x00b', '\x07', '\x08', '\x0b', '\x0c', '\x1b', '\x1f', '\x7f', '\x85', '\x9f', '\u00a0', 'a\u00a0b',
  '\u2028', '\u2029', '\ud800', 'a\udfffb', '\ufeff', 'ü', 'naïve', '日本語', '😀', 'a😀:b', 'Ω\nΩ',
  // long lines (lineWidth 0: no folding), long keys (over 1024 characters become explicit keys)
  'word '.repeat(60).trim(), 'x'.repeat(300), 'a '.repeat(100) + '\n' + 'b '.repeat(100), 'k'.repeat(1025),
  '"' + 'q'.repeat(1030) + '"',
];

const ALPHABET = [
  'a', 'b', 'Z', '0', '1', '7', '9', ' ', ' ', '\t', '\n', '\n', ':', '#', '-', '?', ',', '[', ']', '{', '}', '&', '*', '!',
  '|', '>', "'", '"', '%', '@', '`', '.', '_', '+', 'e', 'x', '~', '\\', '/', '=', '$', 'ü', '日', '😀', '\x00', '\x1b',
  '\x85', '\u2028', '\ud800', '\r', 'yes', 'no', 'null', 'true', '---', '...', '0x', '0o', '<<',
];

function randomString(r: () => number): string {
  const pick = r();
  if (pick < 0.35) return CLASSES[Math.floor(r() * CLASSES.length)];
  if (pick < 0.5) {
    // A class string inside a prefix and suffix, to shift where its indicators fall.
    const c = CLASSES[Math.floor(r() * CLASSES.length)];
    const p = ALPHABET[Math.floor(r() * ALPHABET.length)];
    const s = ALPHABET[Math.floor(r() * ALPHABET.length)];
    return r() < 0.5 ? p + c : c + s;
  }
  const len = Math.floor(r() * (r() < 0.1 ? 60 : 8));
  let s = '';
  for (let i = 0; i < len; i++) s += ALPHABET[Math.floor(r() * ALPHABET.length)];
  return s;
}

const NUMBERS = [0, -0, 1, -1, 42, 8080, 1.5, -2.25, 0.1, 1e21, 1e-7, 123456789.123, Number.MAX_SAFE_INTEGER, 2 ** 60,
  NaN, Infinity, -Infinity, 5e-324];
const KEYS = ['apiVersion', 'kind', 'metadata', 'name', 'namespace', 'labels', 'app.kubernetes.io/name', 'spec',
  'containers', 'ports', 'containerPort', 'matchLabels', 'data', 'script.sh', 'a', 'x-y', '8080', '0777', 'on'];

function randomValue(r: () => number, depth: number): unknown {
  const p = r();
  if (depth > 5 || p < 0.45) {
    const q = r();
    if (q < 0.55) return randomString(r);
    if (q < 0.75) return NUMBERS[Math.floor(r() * NUMBERS.length)];
    if (q < 0.85) return r() < 0.5;
    if (q < 0.93) return null;
    return undefined;
  }
  if (p < 0.55) return r() < 0.5 ? [] : {};
  if (p < 0.75) {
    const n = 1 + Math.floor(r() * 4);
    const arr: unknown[] = [];
    for (let i = 0; i < n; i++) arr.push(randomValue(r, depth + 1));
    return arr;
  }
  return randomObject(r, depth + 1);
}

function randomObject(r: () => number, depth: number): { [k: string]: unknown } {
  const n = 1 + Math.floor(r() * 5);
  const o: { [k: string]: unknown } = {};
  for (let i = 0; i < n; i++) {
    const key = r() < 0.6 ? KEYS[Math.floor(r() * KEYS.length)] : randomString(r);
    o[key] = randomValue(r, depth);
  }
  return o;
}

/** A manifest-shaped object: the shapes cdk8s renders, with random scalars inside. */
function randomManifest(r: () => number, i: number): unknown {
  const s = () => randomString(r);
  return {
    apiVersion: r() < 0.5 ? 'v1' : 'apps/v1',
    kind: r() < 0.5 ? 'ConfigMap' : 'Deployment',
    metadata: { labels: { 'app.kubernetes.io/name': s(), [s()]: s() }, name: `obj-${i}`, namespace: s() },
    data: { [s()]: s(), 'script.sh': s() + '\n' + s() },
    spec: {
      replicas: NUMBERS[Math.floor(r() * NUMBERS.length)],
      template: {
        spec: {
          containers: [{ args: [s(), s(), [s(), [s()]]], env: [{ name: s(), value: s() }], ports: [{ containerPort: 8080 }] }],
          volumes: [],
          nodeSelector: {},
        },
      },
      extra: randomValue(r, 1),
    },
  };
}

/** Asserts the emitter and cdk8s write the same bytes, naming the case when they do not. */
function same(what: string, ...docs: unknown[]): void {
  const expected = Yaml.stringify(...docs);
  const actual = stringifyYaml(...docs);
  if (actual !== expected) {
    // toEqual on the strings prints a readable diff; the label says which case.
    expect({ case: what, docs: JSON.stringify(docs), yaml: actual }).toEqual({ case: what, docs: JSON.stringify(docs), yaml: expected });
  }
}

describe('emitDocument writes exactly what cdk8s Yaml.stringify writes', () => {
  test('the documents cdk8s renders: keys in order, nested maps and sequences, empty collections', () => {
    const doc = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { labels: { 'app.kubernetes.io/name': 'web' }, name: 'web', namespace: 'shop' },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: 'web' } },
        template: { spec: { containers: [{ args: ['--port', '8080'], name: 'app', ports: [{ containerPort: 8080 }] }], volumes: [] } },
        extra: [[1, [2, []]], {}, [{}], null, true],
      },
    };
    expect(emitDocument(doc)).toBe(
      'apiVersion: apps/v1\n' +
      'kind: Deployment\n' +
      'metadata:\n' +
      '  labels:\n' +
      '    app.kubernetes.io/name: web\n' +
      '  name: web\n' +
      '  namespace: shop\n' +
      'spec:\n' +
      '  replicas: 2\n' +
      '  selector:\n' +
      '    matchLabels:\n' +
      '      app: web\n' +
      '  template:\n' +
      '    spec:\n' +
      '      containers:\n' +
      '        - args:\n' +
      '            - --port\n' +
      '            - "8080"\n' +
      '          name: app\n' +
      '          ports:\n' +
      '            - containerPort: 8080\n' +
      '      volumes: []\n' +
      '  extra:\n' +
      '    - - 1\n' +
      '      - - 2\n' +
      '        - []\n' +
      '    - {}\n' +
      '    - - {}\n' +
      '    - null\n' +
      '    - true\n');
    expect(emitsDirectly(doc)).toBe(true);
    same('deployment', doc);
  });

  test('every string class YAML 1.1 quotes, as a value, sequence item and key, at every depth', () => {
    let direct = 0;
    for (const s of CLASSES) {
      const docs = [
        { v: s },
        { a: { b: s } },
        { a: [s, [s]] },
        [s],
        { [s]: 1 },
        { a: { [s]: s } },
        { a: [{ [s]: [s] }] },
      ];
      for (const d of docs) {
        same(JSON.stringify(s), d);
        if (emitsDirectly(d)) direct++;
      }
    }
    // Only keys over 1024 characters (written as explicit `? key`) leave the fast path.
    expect(direct).toBe(CLASSES.length * 7 - 3 * 2);
  });

  test('quoting follows yaml: plain, single quotes to avoid escaping ", double otherwise, block literals for lines', () => {
    expect(emitDocument({ a: 'yes', b: '0777', c: '"hi" she said', d: "'a' b", e: 'a\nb\n', f: ' a\nb', g: '', h: '1.5', i: '~', j: 'say "hi"', k: '<<' }))
      .toBe('a: "yes"\nb: "0777"\nc: \'"hi" she said\'\nd: "\'a\' b"\ne: |\n  a\n  b\nf: |2-\n   a\n  b\ng: ""\nh: "1.5"\ni: "~"\nj: say "hi"\nk: <<\n');
    expect(emitDocument({ '8080': 'x', 'on': 1, '---a': { '---b': 2 } })).toBe('"8080": x\n"on": 1\n"---a":\n  ---b: 2\n');
  });

  test('numbers, booleans, null and undefined as yaml writes them', () => {
    for (const n of NUMBERS) same(String(n), { n }, [n], { a: [{ n }] });
    same('bool/null/undefined', { t: true, f: false, z: null, u: undefined }, [undefined, null]);
    expect(emitDocument({ a: -0, b: 1e21, c: NaN, d: -Infinity, e: 0.1, u: undefined })).toBe('a: -0\nb: 1e+21\nc: .nan\nd: -.inf\ne: 0.1\nu: null\n');
  });

  test('multi-document output and empty documents join as cdk8s joins them', () => {
    same('multi', { a: 1 }, undefined, { b: [] }, {}, []);
    expect(stringifyYaml({ a: 1 }, undefined, { b: 2 })).toBe('a: 1\n---\n\n---\nb: 2\n');
  });

  test('random strings in every position (12,000 seeded cases)', () => {
    const r = prng(0x5eed);
    for (let i = 0; i < 12_000; i++) {
      const s = randomString(r);
      const where = i % 5;
      const doc = where === 0 ? { k: s } : where === 1 ? { [s]: { x: s } } : where === 2 ? { l: [[s], s] } : where === 3 ? [{ [s]: [s] }] : { a: { b: { c: s } } };
      same(`random string #${i}`, doc);
    }
  });

  test('generated manifests (2,000 seeded documents, in multi-document files)', () => {
    const r = prng(16);
    const longKey = (v: unknown): boolean => v !== null && typeof v === 'object' &&
      Object.entries(v).some(([k, x]) => k.length > 1000 || longKey(x));
    let direct = 0;
    for (let i = 0; i < 500; i++) {
      const docs = [randomManifest(r, i), randomObject(r, 0), randomValue(r, 0), randomManifest(r, i + 1)];
      same(`manifest file #${i}`, ...docs);
      for (const d of docs) {
        // Only scalar roots and over-long keys leave the fast path.
        const expected = d !== null && typeof d === 'object' && !longKey(d);
        expect(emitsDirectly(d)).toBe(expected);
        if (expected) direct++;
      }
    }
    expect(direct).toBeGreaterThan(1_500);
  });
});

describe('outside plain data the emitter hands the document to yaml, and still matches', () => {
  class Custom { public readonly a = 1; }
  const shared = { x: 1 };
  const circular: any = { a: 1 };
  circular.self = circular;
  const cases: Array<[string, unknown]> = [
    ['shared object (anchor and alias)', { a: shared, b: shared }],
    ['shared array', (() => { const l = [1]; return { a: l, b: [l] }; })()],
    ['circular', circular],
    ['Date', { d: new Date(Date.UTC(2020, 0, 2, 3, 4, 5)) }],
    ['Map', { m: new Map([['k', 'v']]) }],
    ['Set', { s: new Set(['a']) }],
    ['class instance', { c: new Custom() }],
    ['null-prototype object', { o: Object.assign(Object.create(null), { k: 'v' }) }],
    ['bigint', { b: BigInt(7) }],
    ['boxed string', { s: new String('yes') }],
    ['Buffer', { b: Buffer.from('hi') }],
    ['toJSON', { t: { toJSON: () => 'x' } }],
    ['long key', { ['k'.repeat(1100)]: 1 }],
    ['scalar root string', 'yes'],
    ['scalar root multi-line', 'a\nb\n'],
    ['scalar root number', 7],
    ['null root', null],
  ];
  test.each(cases)('%s', (_what, doc) => {
    expect(emitsDirectly(doc)).toBe(false);
    expect(emitDocument(doc)).toBe(Yaml.stringify(doc));
  });

  test('a value yaml cannot write fails the same way', () => {
    const doc = { f: Symbol('s') };
    expect(() => Yaml.stringify(doc)).toThrow();
    expect(() => emitDocument(doc)).toThrow();
  });
});
