// No dead generated code (issue 11, item 6): `cdk8s import` writes one class per served version of
// every CRD it reads, so a kind or a version the library never emits would ship as code nothing
// imports. scripts/import-crds.js keeps only the kinds and versions listed in
// src/imports/README.md; this fails when a generated kind class is imported by no module of src/.
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';

const SRC = path.join(__dirname, '..', 'src');
const IMPORTS = path.join(SRC, 'imports');

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => e.isDirectory()
    ? sources(path.join(dir, e.name))
    : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []);
}

function parse(file: string): ts.SourceFile {
  return ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
}

/** `src/imports/<group>.ts` → the kind classes it exports (`export class X extends ApiObject`). */
function generatedKinds(): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const file of sources(IMPORTS)) {
    const kinds = parse(file).statements.filter(ts.isClassDeclaration)
      .filter((c) => c.modifiers?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword))
      .filter((c) => c.heritageClauses?.some((h) => h.types.some((t) => t.expression.getText() === 'ApiObject')))
      .map((c) => c.name!.text);
    out.set(path.relative(SRC, file), kinds);
  }
  return out;
}

/** `src/imports/<group>.ts` → the names the hand-written modules import or re-export from it. */
function importedNames(): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const file of sources(SRC).filter((f) => !f.startsWith(IMPORTS + path.sep))) {
    for (const s of parse(file).statements) {
      if (!(ts.isImportDeclaration(s) || ts.isExportDeclaration(s)) || !s.moduleSpecifier || !ts.isStringLiteral(s.moduleSpecifier)) continue;
      const target = path.relative(SRC, path.resolve(path.dirname(file), s.moduleSpecifier.text) + '.ts');
      if (!target.startsWith('imports' + path.sep)) continue;
      const names = out.get(target) ?? new Set<string>();
      out.set(target, names);
      const bindings = ts.isImportDeclaration(s) ? s.importClause?.namedBindings : s.exportClause;
      if (bindings && (ts.isNamedImports(bindings) || ts.isNamedExports(bindings))) {
        for (const e of bindings.elements) names.add((e.propertyName ?? e.name).text);
      } else {
        names.add('*');
      }
    }
  }
  return out;
}

test('every kind class generated into src/imports is imported by some module of src/', () => {
  const imported = importedNames();
  const unused = [...generatedKinds()].flatMap(([file, kinds]) => kinds
    .filter((k) => !imported.get(file)?.has(k) && !imported.get(file)?.has('*'))
    .map((k) => `${file}: ${k}`));
  expect(unused).toEqual([]);
});

test('the scan sees every generated kind, and the README lists exactly those', () => {
  const kinds = generatedKinds();
  expect(Object.fromEntries(kinds)).toEqual({
    'imports/cert-manager.io.ts': ['Certificate'],
    'imports/cilium.io.ts': ['CiliumNetworkPolicy'],
    'imports/gateway.networking.k8s.io.ts': ['HttpRoute', 'ReferenceGrant'],
    'imports/monitoring.coreos.com.ts': ['PodMonitor', 'PrometheusRule', 'ServiceMonitor'],
    'imports/networking.istio.io.ts': ['ServiceEntry', 'Sidecar'],
    'imports/security.istio.io.ts': ['AuthorizationPolicy', 'PeerAuthentication'],
  });
  // The README table's "classes" column, row by row.
  const readme = fs.readFileSync(path.join(IMPORTS, 'README.md'), 'utf8');
  const rows = [...readme.matchAll(/^\| `([a-z0-9.-]+\.ts)` \| ([^|]+) \|/gm)]
    .map(([, file, classes]) => [`imports/${file}`, [...classes.matchAll(/`([A-Za-z0-9]+)`/g)].map((m) => m[1]).sort()]);
  expect(Object.fromEntries(rows)).toEqual(Object.fromEntries(kinds));
});

test('each kind is generated for the one version the library emits', () => {
  const gvks = sources(IMPORTS).flatMap((file) => [...fs.readFileSync(file, 'utf8').matchAll(/^ {4}apiVersion: '([^']+)',\n {4}kind: '([^']+)',$/gm)]
    .map(([, apiVersion, kind]) => `${apiVersion} ${kind}`)).sort();
  expect(gvks).toEqual([
    'cert-manager.io/v1 Certificate',
    'cilium.io/v2 CiliumNetworkPolicy',
    'gateway.networking.k8s.io/v1 HTTPRoute',
    'gateway.networking.k8s.io/v1 ReferenceGrant',
    'monitoring.coreos.com/v1 PodMonitor',
    'monitoring.coreos.com/v1 PrometheusRule',
    'monitoring.coreos.com/v1 ServiceMonitor',
    'networking.istio.io/v1 ServiceEntry',
    'networking.istio.io/v1 Sidecar',
    'security.istio.io/v1 AuthorizationPolicy',
    'security.istio.io/v1 PeerAuthentication',
  ]);
});
