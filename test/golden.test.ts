// Output bytes are part of the contract: a refactor must not change a byte of what the library
// synthesizes. dist/ is pinned by quickstart.test.ts and the examples' review snapshot by
// conformance.test.ts (jest --ci never rewrites a snapshot); this pins the kitchen sink, which
// exercises the options the examples do not, exactly as `app.synth()` writes it.
// To accept a deliberate change: UPDATE_GOLDEN=1 npx jest test/golden.test.ts, and review the diff.
import * as fs from 'fs';
import * as path from 'path';
import { kitchenSinkApp } from './support/kitchen-sink';

const GOLDEN = path.join(__dirname, 'fixtures', 'golden', 'kitchen-sink');
const ROOT = path.join(__dirname, '..');

test('the kitchen sink synthesizes exactly the committed files', () => {
  const app = kitchenSinkApp();
  app.synth();
  const files = fs.readdirSync(app.outdir).filter((f) => f.endsWith('.k8s.yaml')).sort();
  expect(files).toEqual(['plain.k8s.yaml', 'teams.k8s.yaml']);
  if (process.env.UPDATE_GOLDEN) {
    fs.rmSync(GOLDEN, { recursive: true, force: true });
    fs.mkdirSync(GOLDEN, { recursive: true });
    for (const f of files) fs.copyFileSync(path.join(app.outdir, f), path.join(GOLDEN, f));
  }
  expect(fs.readdirSync(GOLDEN).sort()).toEqual(files);
  for (const f of files) {
    expect([f, fs.readFileSync(path.join(app.outdir, f), 'utf-8')]).toEqual([f, fs.readFileSync(path.join(GOLDEN, f), 'utf-8')]);
  }
});

test('snapshots are compared, never rewritten, by npm test', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf-8'));
  expect(pkg.scripts.test).toMatch(/\bjest --ci\b/);
  expect(fs.existsSync(path.join(__dirname, '__snapshots__', 'conformance.test.ts.snap'))).toBe(true);
});
