// Generators shared by the YAML emitter and reader tests (test/yaml-emit.test.ts,
// test/yaml-read.test.ts): seeded, so a failing case reproduces.
/** mulberry32: small, fast, deterministic. */
export function prng(seed: number): () => number {
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
export const CLASSES: string[] = [
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

export const ALPHABET = [
  'a', 'b', 'Z', '0', '1', '7', '9', ' ', ' ', '\t', '\n', '\n', ':', '#', '-', '?', ',', '[', ']', '{', '}', '&', '*', '!',
  '|', '>', "'", '"', '%', '@', '`', '.', '_', '+', 'e', 'x', '~', '\\', '/', '=', '$', 'ü', '日', '😀', '\x00', '\x1b',
  '\x85', '\u2028', '\ud800', '\r', 'yes', 'no', 'null', 'true', '---', '...', '0x', '0o', '<<',
];

export function randomString(r: () => number): string {
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

export const NUMBERS = [0, -0, 1, -1, 42, 8080, 1.5, -2.25, 0.1, 1e21, 1e-7, 123456789.123, Number.MAX_SAFE_INTEGER, 2 ** 60,
  NaN, Infinity, -Infinity, 5e-324];
export const KEYS = ['apiVersion', 'kind', 'metadata', 'name', 'namespace', 'labels', 'app.kubernetes.io/name', 'spec',
  'containers', 'ports', 'containerPort', 'matchLabels', 'data', 'script.sh', 'a', 'x-y', '8080', '0777', 'on'];

export function randomValue(r: () => number, depth: number): unknown {
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

export function randomObject(r: () => number, depth: number): { [k: string]: unknown } {
  const n = 1 + Math.floor(r() * 5);
  const o: { [k: string]: unknown } = {};
  for (let i = 0; i < n; i++) {
    const key = r() < 0.6 ? KEYS[Math.floor(r() * KEYS.length)] : randomString(r);
    o[key] = randomValue(r, depth);
  }
  return o;
}

/** A manifest-shaped object: the shapes cdk8s renders, with random scalars inside. */
export function randomManifest(r: () => number, i: number): unknown {
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

