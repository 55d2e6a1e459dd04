// Differential test of the YAML emitter (src/core/yaml-emit.ts) against the library it replaces:
// cdk8s' own `Yaml.stringify` (the `yaml` package with cdk8s' options). Every case must match
// byte for byte; the fuzz runs are seeded, so a failure names a case that reproduces.
import { Yaml } from 'cdk8s';
import { emitDocument, emitsDirectly, stringifyYaml } from '../src/core/yaml-emit';
import { CLASSES, NUMBERS, prng, randomManifest, randomObject, randomString, randomValue } from './support/yaml-cases';

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
