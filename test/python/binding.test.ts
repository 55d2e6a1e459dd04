// The Python binding, as a Python user gets it: jsii-pacmak generates the Python package from the
// jsii assembly, setuptools builds the wheel and twine checks it (the steps and versions pacmak
// uses), the wheel is installed into a venv beside the jsii, cdk8s, constructs and cdk8s-plus-27
// wheels from PyPI, and examples/ ported to Python (platform_app.py) must synthesize exactly the
// YAML the TypeScript examples do.
//
// The venv lives in test/python/.venv (git-ignored) and is rebuilt only when requirements.txt or
// the Python version changes; the wheel is rebuilt and reinstalled on every run.
import { execFileSync, spawnSync, SpawnSyncOptions } from 'child_process';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as ts from 'typescript';
import { parseAllDocuments } from 'yaml';

const ROOT = path.resolve(__dirname, '..', '..');
const HERE = __dirname;
const VENV = path.join(HERE, '.venv');
const VENV_PY = path.join(VENV, 'bin', 'python');
const REQUIREMENTS = path.join(HERE, 'requirements.txt');
const PYTHON = process.env.PYTHON ?? 'python3';
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
// Node 20 is past jsii's supported range; its banner on every kernel start is noise here.
const ENV = { ...process.env, JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION: process.versions.node.split('.')[0], PIP_DISABLE_PIP_VERSION_CHECK: '1' };

function run(cmd: string, args: string[], options: SpawnSyncOptions = {}): string {
  const r = spawnSync(cmd, args, { cwd: ROOT, encoding: 'utf8', env: ENV, maxBuffer: 64 * 1024 * 1024, ...options });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status ?? r.signal}:\n${r.stdout}\n${r.stderr}`);
  return String(r.stdout);
}

function pins(): Map<string, string> {
  const lines = fs.readFileSync(REQUIREMENTS, 'utf8').split('\n').filter((l) => l.trim() && !l.startsWith('#'));
  return new Map(lines.map((l) => {
    const [name, version] = l.split('==');
    return [name.toLowerCase(), version.trim()];
  }));
}

/** Creates the venv with the pinned requirements, unless the cached one has exactly those. */
function ensureVenv(): void {
  const pythonVersion = execFileSync(PYTHON, ['--version'], { encoding: 'utf8' }).trim();
  const stamp = createHash('sha256').update(pythonVersion).update(fs.readFileSync(REQUIREMENTS)).digest('hex');
  const stampFile = path.join(VENV, 'requirements.sha256');
  if (fs.existsSync(stampFile) && fs.readFileSync(stampFile, 'utf8') === stamp) return;
  fs.rmSync(VENV, { recursive: true, force: true });
  run(PYTHON, ['-m', 'venv', VENV]);
  run(VENV_PY, ['-m', 'pip', 'install', '--no-input', '-r', REQUIREMENTS]);
  fs.writeFileSync(stampFile, stamp);
}

/** The assembly pacmak reads must be the one compiled from the current sources. */
function assertAssemblyCurrent(): void {
  const assembly = path.join(ROOT, '.jsii');
  const walk = (d: string): string[] => fs.readdirSync(d, { withFileTypes: true }).flatMap((e) =>
    (e.isDirectory() ? walk(path.join(d, e.name)) : e.name.endsWith('.ts') ? [path.join(d, e.name)] : []));
  const newer = [path.join(ROOT, 'package.json'), ...walk(path.join(ROOT, 'src'))]
    .filter((f) => !fs.existsSync(assembly) || fs.statSync(f).mtimeMs > fs.statSync(assembly).mtimeMs);
  if (newer.length > 0) {
    throw new Error(`.jsii is missing or older than ${path.relative(ROOT, newer[0])}: run \`npm run jsii\` first (npm test does)`);
  }
}

function manifests(dir: string): Array<[string, string]> {
  return fs.readdirSync(dir).filter((f) => f.endsWith('.k8s.yaml')).sort().map((f) => [f, fs.readFileSync(path.join(dir, f), 'utf8')]);
}

describe('the Python binding', () => {
  let work: string;
  let wheel: string;

  beforeAll(() => {
    assertAssemblyCurrent();
    ensureVenv();
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-secure-python-'));
    // --code-only: pacmak's own build makes a fresh venv and downloads its build tools on every
    // run; the cached venv has the same tools at pinned versions. The package is already
    // compiled (npm test runs jsii), so pacmak's `npm pack` runs no lifecycle scripts: prepack
    // would rewrite lib/ under the other test files. (npm's setting rather than pacmak's
    // --pack-command, which copies the package with its node_modules before packing.)
    run(process.execPath, [require.resolve('jsii-pacmak/bin/jsii-pacmak'), '--targets', 'python', '--code-only',
      '--outdir', path.join(work, 'pacmak')], { env: { ...ENV, npm_config_ignore_scripts: 'true' } });
    run(VENV_PY, ['-m', 'build', '--no-isolation', '--wheel', '--outdir', path.join(work, 'wheel'), path.join(work, 'pacmak', 'python')]);
    const wheels = fs.readdirSync(path.join(work, 'wheel')).filter((f) => f.endsWith('.whl'));
    expect(wheels).toEqual([`cdk8s_secure-${pkg.version}-py3-none-any.whl`]);
    wheel = path.join(work, 'wheel', wheels[0]);
    run(VENV_PY, ['-m', 'pip', 'install', '--no-input', '--no-index', '--no-deps', '--force-reinstall', wheel]);
  }, 900_000);

  afterAll(() => {
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  test('the venv pins the npm versions of jsii, cdk8s, constructs and cdk8s-plus-27', () => {
    const pinned = pins();
    const npmVersion = (name: string) => JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules', name, 'package.json'), 'utf8')).version;
    expect({
      jsii: pinned.get('jsii'), cdk8s: pinned.get('cdk8s'), constructs: pinned.get('constructs'), plus: pinned.get('cdk8s-plus-27'),
    }).toEqual({
      jsii: pkg.devDependencies['jsii-pacmak'], cdk8s: npmVersion('cdk8s'), constructs: npmVersion('constructs'), plus: npmVersion('cdk8s-plus-27'),
    });
  });

  test('the wheel passes twine check and its requirements are met by the pinned PyPI packages', () => {
    expect(run(VENV_PY, ['-m', 'twine', 'check', '--strict', wheel])).toMatch(/PASSED/);
    expect(run(VENV_PY, ['-m', 'pip', 'check'])).toMatch(/No broken requirements/);
    const metadata = run(VENV_PY, ['-c', 'import importlib.metadata as m; d = m.distribution("cdk8s-secure"); print(d.version); print("\\n".join(d.requires))']).trim().split('\n');
    expect(metadata[0]).toBe(pkg.version);
    expect(metadata.slice(1).map((r) => r.split(/[<>=~ ]/)[0]).sort()).toEqual(['cdk8s', 'cdk8s-plus-27', 'constructs', 'jsii', 'publication']);
  });

  test('examples/ through Python synthesizes byte-identical YAML to the TypeScript examples', () => {
    const ts = path.join(work, 'ts');
    const py = path.join(work, 'py');
    run(process.execPath, [require.resolve('ts-node/dist/bin.js'), '--project', 'tsconfig.dev.json', '--transpile-only', 'examples/main.ts'],
      { env: { ...ENV, CDK8S_OUTDIR: ts } });
    run(VENV_PY, [path.join(HERE, 'platform_app.py')], { env: { ...ENV, CDK8S_OUTDIR: py } });

    // The Python port is of examples/platform.ts; examples/north-south.ts (storefront, catalog) and
    // examples/bookstore.ts are TypeScript only.
    const all = manifests(ts);
    expect(all.map(([f]) => f)).toEqual(['bookstore.k8s.yaml', 'catalog.k8s.yaml', 'payments.k8s.yaml', 'shop.k8s.yaml', 'storefront.k8s.yaml']);
    const expected = all.filter(([f]) => f === 'payments.k8s.yaml' || f === 'shop.k8s.yaml');
    const shop = parseAllDocuments(expected[1][1]).map((d) => d.toJSON());
    expect(shop.filter((d) => d.kind === 'Deployment').map((d) => d.metadata.name).sort()).toEqual(['api', 'web']);
    expect(shop.map((d) => d.kind)).toEqual(expect.arrayContaining(['AuthorizationPolicy', 'ServiceMonitor', 'PrometheusRule', 'HorizontalPodAutoscaler']));
    expect(manifests(py)).toEqual(expected);
  });

  test("README's first example in Python writes the same YAML as README's TypeScript one", () => {
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const block = (lang: string) => {
      const m = readme.match(new RegExp('^```' + lang + '\\n([\\s\\S]*?)^```', 'm'));
      if (!m) throw new Error(`README.md has no ${lang} block`);
      return m[1];
    };
    const tsSource = ts.transpileModule(block('ts'), { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2020 } })
      .outputText.replace(/require\("cdk8s-secure"\)/g, `require(${JSON.stringify(ROOT)})`);
    fs.writeFileSync(path.join(work, 'readme.js'), tsSource);
    fs.writeFileSync(path.join(work, 'readme.py'), block('python'));
    const [tsOut, pyOut] = [path.join(work, 'readme-ts'), path.join(work, 'readme-py')];
    run(process.execPath, [path.join(work, 'readme.js')], { env: { ...ENV, CDK8S_OUTDIR: tsOut, NODE_PATH: path.join(ROOT, 'node_modules') } });
    run(VENV_PY, [path.join(work, 'readme.py')], { env: { ...ENV, CDK8S_OUTDIR: pyOut } });
    const expected = manifests(tsOut);
    expect(expected.map(([f]) => f)).toEqual(['shop.k8s.yaml']);
    expect(parseAllDocuments(expected[0][1]).map((d) => d.toJSON()).filter((d) => d.kind === 'Deployment').map((d) => d.metadata.name)).toEqual(['web', 'api']);
    expect(manifests(pyOut)).toEqual(expected);
  });

  test('bad input fails in Python with the library\'s message, construct path and fix', () => {
    const script = [
      'from cdk8s import App, Chart',
      'from cdk8s_secure import SecureApp',
      'app = App()',
      'SecureApp(Chart(app, "c"), "web", image="ghcr.io/acme/web:latest", port=8080)',
    ].join('\n');
    const r = spawnSync(VENV_PY, ['-c', script], { cwd: work, encoding: 'utf8', env: ENV });
    expect(r.status).toBe(1);
    // The JavaScript error's class, then Python's RuntimeError with the message as the library wrote it.
    expect(r.stderr).toMatch(/^\s*SecureConfigError: \[c\/web\] image "ghcr\.io\/acme\/web:latest"/m);
    expect(r.stderr).toMatch(/^RuntimeError: \[c\/web\] image "ghcr\.io\/acme\/web:latest" uses the mutable tag ":latest"\. Fix: /m);
  });
});
