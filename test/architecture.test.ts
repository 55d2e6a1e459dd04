// The layers are dependency rules, not folders (docs/architecture.md): every module imports only
// modules of lower layers (or of its own layer), never in a cycle, and a renderer never imports
// a sibling renderer. Type-only imports count: a cycle through types is still a cycle to a reader.
import * as fs from 'fs';
import * as path from 'path';

const SRC = path.join(__dirname, '..', 'src');

/** Layers, lowest first, and the rank each folder (or top-level file) has. */
const LAYERS = ['core', 'imports', 'model', 'render', 'checks', 'constructs', 'entry'] as const;
type Layer = typeof LAYERS[number];

function layerOf(file: string): Layer {
  const [top] = file.split('/');
  if (top === 'core' || top === 'imports' || top === 'model' || top === 'render' || top === 'checks') return top;
  if (top === 'testing' || file === 'cli.ts' || file === 'index.ts') return 'entry';
  if (!file.includes('/')) return 'constructs';
  throw new Error(`src/${file} is in no layer: put it in core/, model/, render/<renderer>/, checks/ or testing/, or at the top (a construct)`);
}

/** The renderer a file of render/ belongs to (render/<renderer>/...). */
function rendererOf(file: string): string | undefined {
  const parts = file.split('/');
  return parts[0] === 'render' ? parts[1] : undefined;
}

function sources(dir = SRC): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return sources(p);
    return e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [path.relative(SRC, p).split(path.sep).join('/')] : [];
  });
}

// Every form that names another module: import/export ... from, side-effect import, import type,
// dynamic import() and require().
const SPEC = /(?:\bfrom\s*|\bimport\s*\(?\s*|\brequire\s*\(\s*)['"](\.{1,2}\/[^'"]+)['"]/g;

function edges(): Map<string, string[]> {
  const files = sources();
  const known = new Set(files);
  const graph = new Map<string, string[]>();
  for (const f of files) {
    const text = fs.readFileSync(path.join(SRC, f), 'utf-8');
    const out: string[] = [];
    for (const m of text.matchAll(SPEC)) {
      const base = path.posix.normalize(path.posix.join(path.posix.dirname(f), m[1]));
      const target = [`${base}.ts`, `${base}/index.ts`].find((c) => known.has(c));
      if (!target) throw new Error(`src/${f} imports ${m[1]}, which is not a module of src/`);
      if (!out.includes(target)) out.push(target);
    }
    graph.set(f, out);
  }
  return graph;
}

function cycles(graph: Map<string, string[]>): string[][] {
  // Tarjan's strongly connected components: every component of more than one module is a cycle.
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const on = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string) => {
    idx.set(v, index); low.set(v, index); index++;
    stack.push(v); on.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!idx.has(w)) { visit(w); low.set(v, Math.min(low.get(v)!, low.get(w)!)); } else if (on.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const scc: string[] = [];
      let w: string;
      do { w = stack.pop()!; on.delete(w); scc.push(w); } while (w !== v);
      if (scc.length > 1 || (graph.get(v) ?? []).includes(v)) found.push(scc.sort());
    }
  };
  for (const v of graph.keys()) if (!idx.has(v)) visit(v);
  return found;
}

const graph = edges();

test('the scan sees the library: every layer has modules and imports are found', () => {
  const layers = new Set([...graph.keys()].map(layerOf));
  expect([...layers].sort()).toEqual([...LAYERS].sort());
  expect(graph.get('index.ts')!.length).toBeGreaterThan(10);
  expect([...graph.values()].reduce((n, e) => n + e.length, 0)).toBeGreaterThan(60);
});

test('no import cycle, type-only imports included', () => {
  expect(cycles(graph)).toEqual([]);
});

test('no module imports a layer above its own', () => {
  const upward: string[] = [];
  for (const [from, targets] of graph) {
    for (const to of targets) {
      if (LAYERS.indexOf(layerOf(to)) > LAYERS.indexOf(layerOf(from))) upward.push(`${from} (${layerOf(from)}) → ${to} (${layerOf(to)})`);
    }
  }
  expect(upward).toEqual([]);
});

test('core imports nothing else in src, model holds no ApiObjects, and no renderer imports another', () => {
  const bad: string[] = [];
  for (const [from, targets] of graph) {
    for (const to of targets) {
      if (layerOf(from) === 'core' && layerOf(to) !== 'core') bad.push(`core: ${from} → ${to}`);
      if (layerOf(from) === 'model' && layerOf(to) === 'imports') bad.push(`model uses generated ApiObjects: ${from} → ${to}`);
      const a = rendererOf(from);
      const b = rendererOf(to);
      if (a && b && a !== b) bad.push(`renderer ${a} imports renderer ${b}: ${from} → ${to}`);
    }
    if (layerOf(from) === 'model' && /\bnew ApiObject\b|\bextends ApiObject\b/.test(fs.readFileSync(path.join(SRC, from), 'utf-8'))) bad.push(`model creates ApiObjects: ${from}`);
  }
  expect(bad).toEqual([]);
});

test('no hand-written module is over 500 lines', () => {
  const long = [...graph.keys()]
    .filter((f) => layerOf(f) !== 'imports')
    .map((f) => [f, fs.readFileSync(path.join(SRC, f), 'utf-8').split('\n').length] as const)
    .filter(([, n]) => n > 500);
  expect(long).toEqual([]);
  expect(graph.has('secure-app.ts')).toBe(true);
});

test('the rules catch what they are for', () => {
  expect(cycles(new Map([['a.ts', ['b.ts']], ['b.ts', ['c.ts']], ['c.ts', ['a.ts']], ['d.ts', ['a.ts']]]))).toEqual([['a.ts', 'b.ts', 'c.ts']]);
  expect(layerOf('core/errors.ts')).toBe('core');
  expect(layerOf('render/network/network-policy.ts')).toBe('render');
  expect(rendererOf('render/mesh/authorization.ts')).toBe('mesh');
  expect(layerOf('secure-app.ts')).toBe('constructs');
  expect(layerOf('testing/matchers.ts')).toBe('entry');
  expect(() => layerOf('stray/thing.ts')).toThrow(/in no layer/);
});

/**
 * `throw new Error(` sites of a module that are not marked as invariants: bad input gets a
 * SecureConfigError naming where it came from; only a library invariant may throw a plain Error,
 * and then the line above says so (`// invariant, not input: why`).
 */
function plainErrors(file: string, text: string): string[] {
  const lines = text.split('\n');
  return lines.flatMap((l, i) => (/\bnew Error\(/.test(l) && !/\/\/ invariant, not input: \S/.test(lines[i - 1] ?? '') ? [`src/${file}:${i + 1}`] : []));
}

test('user input is refused with SecureConfigError, never a plain Error', () => {
  const plain = [...graph.keys()]
    .filter((f) => layerOf(f) !== 'imports')
    .flatMap((f) => plainErrors(f, fs.readFileSync(path.join(SRC, f), 'utf-8')));
  expect(plain).toEqual([]);
  expect(plainErrors('x.ts', 'a\n  throw new Error(`bad ${v}`);\n')).toEqual(['src/x.ts:2']);
  expect(plainErrors('x.ts', '// invariant, not input: callers validated it\nthrow new Error("x");\n')).toEqual([]);
});
