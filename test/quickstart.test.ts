// README's quick start: `npx cdk8s synth` at the root synthesizes the examples (with our own
// validation plugin from cdk8s.yaml) into dist/. This runs it into a temporary directory and
// requires the committed dist/ to be exactly what it writes, so the quick start stays true.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ensureBuilt } from './support/build';

const ROOT = path.join(__dirname, '..');
const CLI = path.join(ROOT, 'node_modules', 'cdk8s-cli', 'bin', 'cdk8s');

test('`cdk8s synth` at the root passes its validations and writes the committed dist/', () => {
  ensureBuilt();
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-secure-quickstart-'));
  try {
    const r = spawnSync(process.execPath, [CLI, 'synth', '--output', out], {
      cwd: ROOT, encoding: 'utf-8', env: { ...process.env, CDK8S_CHECK_UPGRADE: 'false' }, timeout: 110_000,
    });
    expect({ status: r.status, stderr: r.status === 0 ? '' : r.stderr }).toEqual({ status: 0, stderr: '' });
    expect(r.stdout).toContain('Validations ended succesfully');
    const manifests = (dir: string) => fs.readdirSync(dir).filter((f) => f.endsWith('.k8s.yaml')).sort();
    expect(manifests(out)).toEqual(manifests(path.join(ROOT, 'dist')));
    expect(manifests(out).length).toBeGreaterThan(0);
    for (const f of manifests(out)) {
      expect([f, fs.readFileSync(path.join(out, f), 'utf-8')]).toEqual([f, fs.readFileSync(path.join(ROOT, 'dist', f), 'utf-8')]);
    }
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
}, 120_000);
