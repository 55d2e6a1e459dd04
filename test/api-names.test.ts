// The public API, name by name: every type and member in the jsii assembly and every runtime
// export of the two entry points. A rename or removal fails here, so it is a deliberate edit of
// test/fixtures/api-names.txt (and a CHANGELOG line), never a side effect of moving code.
// `npm test` runs jsii before jest; alone: `npm run jsii && npx jest test/api-names.test.ts`.
// To accept a deliberate change: UPDATE_API_NAMES=1 npx jest test/api-names.test.ts.
import * as fs from 'fs';
import * as path from 'path';

const ROOT = path.join(__dirname, '..');
const LIST = path.join(__dirname, 'fixtures', 'api-names.txt');

function ownAndInherited(types: { [fqn: string]: any }, t: any): any[] {
  const bases = t.kind === 'interface' ? (t.interfaces ?? []).map((fqn: string) => types[fqn]).filter((b: any) => b !== undefined) : [];
  return [...(t.properties ?? []), ...bases.flatMap((b: any) => ownAndInherited(types, b))];
}

function assemblyNames(): string[] {
  const assembly = JSON.parse(fs.readFileSync(path.join(ROOT, '.jsii'), 'utf-8'));
  const names: string[] = [];
  for (const t of Object.values<any>(assembly.types)) {
    names.push(`${t.kind} ${t.fqn}`);
    if (t.initializer) names.push(`${t.fqn}(${(t.initializer.parameters ?? []).map((p: any) => p.name).join(', ')})`);
    // A struct's inherited properties are part of what a caller may pass (jsii flattens them into
    // Python kwargs), so moving one into a base interface must not read as a removal.
    for (const p of ownAndInherited(assembly.types, t)) names.push(`${t.fqn}${p.static ? '.' : '#'}${p.name}`);
    for (const m of t.methods ?? []) names.push(`${t.fqn}${m.static ? '.' : '#'}${m.name}(${(m.parameters ?? []).map((p: any) => p.name).join(', ')})`);
    for (const m of t.members ?? []) names.push(`${t.fqn}.${m.name}`);
  }
  return names;
}

function runtimeExports(): string[] {
  return [
    ...Object.keys(require('../src')).map((n) => `export cdk8s-secure ${n}`),
    ...Object.keys(require('../src/testing')).map((n) => `export cdk8s-secure/testing ${n}`),
  ];
}

test('the API names equal the committed list', () => {
  const names = [...new Set([...assemblyNames(), ...runtimeExports()])].sort();
  expect(names.length).toBeGreaterThan(100);
  if (process.env.UPDATE_API_NAMES) fs.writeFileSync(LIST, names.join('\n') + '\n');
  const committed = fs.readFileSync(LIST, 'utf-8').split('\n').filter((l) => l !== '');
  const removed = committed.filter((n) => !names.includes(n));
  const added = names.filter((n) => !committed.includes(n));
  expect({ removed, added }).toEqual({ removed: [], added: [] });
});
