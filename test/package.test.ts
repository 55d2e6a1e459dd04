// The published package, as a user gets it: `npm pack`, installed from the tarball into a fresh
// cdk8s project with no network and an empty npm cache, then `cdk8s synth` on a small app.
// Runs against lib/ (npm test builds it first).
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';

const root = path.resolve(__dirname, '..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const cdk8sCli = path.join(root, 'node_modules', 'cdk8s-cli', 'bin', 'cdk8s');

const APP = `
const { App, Chart } = require('cdk8s');
const { IsolatedNamespace, MonitoredService, SecureApp, Peer } = require('cdk8s-secure');
const app = new App();
const chart = new Chart(app, 'consumer');
const ns = new IsolatedNamespace(chart, 'team');
const web = new SecureApp(ns, 'web', { name: 'web', image: 'ghcr.io/acme/web:1.0.0', port: 8080 });
const api = new MonitoredService(ns, 'api', { name: 'api', image: 'ghcr.io/acme/api:1.0.0', port: 9000, metrics: { port: 9090 } });
api.allowFrom(web);
web.allowFrom(Peer.namespace('ingress-nginx'));
app.synth();
`;

describe('the packed library in a fresh cdk8s project', () => {
  let dir: string;
  let tarball: string;
  let packedFiles: string[];

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-secure-consumer-'));
    // --ignore-scripts: `npm test` has built lib/ already, and `prepare` would rewrite it while
    // other test files run the CLI from it.
    const packed = JSON.parse(execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', dir], { cwd: root, encoding: 'utf8' }))[0];
    tarball = packed.filename;
    packedFiles = packed.files.map((f: any) => f.path);
    // The peers (and our one runtime dependency) come from this checkout, linked, so nothing
    // is fetched; cdk8s-secure itself is installed from the tarball like any registry package.
    const link = (name: string) => `file:${path.join(root, 'node_modules', name)}`;
    fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({
      name: 'consumer', version: '1.0.0', private: true,
      dependencies: {
        'cdk8s': link('cdk8s'), 'constructs': link('constructs'), 'cdk8s-plus-27': link('cdk8s-plus-27'), 'yaml': link('yaml'),
        'cdk8s-secure': `file:./${tarball}`,
      },
    }));
    execFileSync('npm', ['install', '--offline', '--cache', path.join(dir, '.empty-npm-cache'), '--no-audit', '--no-fund', '--ignore-scripts'],
      { cwd: dir, stdio: 'pipe' });
    fs.writeFileSync(path.join(dir, 'main.js'), APP);
    fs.writeFileSync(path.join(dir, 'cdk8s.yaml'), 'language: typescript\napp: node main.js\noutput: dist\n');
  }, 120_000);

  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('the tarball holds the build, the typings and the docs, and no sources or tests', () => {
    const files = packedFiles;
    expect(files).toEqual(expect.arrayContaining(['package.json', 'README.md', 'LICENSE', 'CHANGELOG.md', 'lib/index.js', 'lib/index.d.ts', 'lib/testing/index.js', 'lib/cli.js']));
    expect(files.filter((f) => f.startsWith('src/') || f.startsWith('test/') || f.endsWith('.ts') && !f.endsWith('.d.ts'))).toEqual([]);
  });

  test('every module in the tarball is reached from an entry point: no generated code ships unused', () => {
    // Entry points: the main and testing entries and the CLI (package.json main, exports, bin).
    const shipped = new Set(packedFiles.filter((f) => f.startsWith('lib/') && f.endsWith('.js')));
    const entries = ['lib/index.js', 'lib/testing/index.js', 'lib/cli.js'];
    const reached = new Set<string>();
    const queue = [...entries];
    while (queue.length > 0) {
      const f = queue.pop()!;
      if (reached.has(f)) continue;
      reached.add(f);
      for (const m of fs.readFileSync(path.join(root, f), 'utf8').matchAll(/require\("(\.[^"]*)"\)/g)) {
        const target = path.posix.normalize(path.posix.join(path.posix.dirname(f), m[1]));
        queue.push(shipped.has(`${target}.js`) ? `${target}.js` : `${target}/index.js`);
      }
    }
    // A module of types only compiles to an empty one that nothing requires (its import is erased).
    const typesOnly = (f: string) => fs.readFileSync(path.join(root, f), 'utf8')
      .replace(/"use strict";|Object\.defineProperty\(exports, "__esModule", \{ value: true \}\);|\/\/.*$/gm, '').trim() === '';
    expect([...shipped].filter((f) => !reached.has(f) && !typesOnly(f)).sort()).toEqual([]);
    expect(shipped.has('lib/imports/security.istio.io.js') && reached.has('lib/imports/monitoring.coreos.com.js')).toBe(true);
    expect(packedFiles.some((f) => f.includes('networking.istio.io'))).toBe(false);
  });

  test('cdk8s synth of a consumer app uses the installed package and emits hardened manifests', () => {
    const installed = JSON.parse(fs.readFileSync(path.join(dir, 'node_modules', 'cdk8s-secure', 'package.json'), 'utf8'));
    expect(installed.version).toBe(pkg.version);
    const run = spawnSync(process.execPath, [cdk8sCli, 'synth'], { cwd: dir, encoding: 'utf8', env: { ...process.env, CDK8S_CHECK_UPGRADE: 'false' } });
    expect(run.status).toBe(0);
    const docs = parseAllDocuments(fs.readFileSync(path.join(dir, 'dist', 'consumer.k8s.yaml'), 'utf8')).map((d) => d.toJSON());
    const kinds = docs.map((d) => d.kind);
    expect(kinds).toEqual(expect.arrayContaining(['Namespace', 'Deployment', 'NetworkPolicy', 'ServiceMonitor', 'PrometheusRule', 'ResourceQuota']));
    const web = docs.find((d) => d.kind === 'Deployment' && d.metadata.name === 'web');
    expect(web.metadata.namespace).toBe('team');
    expect(web.spec.template.spec.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
    expect(web.spec.template.spec.containers[0].securityContext.capabilities).toEqual({ drop: ['ALL'] });
    const apiPolicy = docs.find((d) => d.kind === 'NetworkPolicy' && d.metadata.name === 'api');
    expect(apiPolicy.spec.ingress.map((r: any) => r.ports[0].port).sort()).toEqual([9000, 9090]);
  });

  test('the testing entry point and the CLI resolve from the installed package', () => {
    const testing = execFileSync(process.execPath, ['-e', "console.log(Object.keys(require('cdk8s-secure/testing')).sort().join(','))"], { cwd: dir, encoding: 'utf8' });
    expect(testing.trim().split(',')).toEqual(expect.arrayContaining(['installMatchers']));
    expect(fs.existsSync(path.join(dir, 'node_modules', '.bin', 'cdk8s-secure'))).toBe(true);
  });

  test('every module the build requires is a declared dependency or peer', () => {
    const declared = new Set([...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.peerDependencies ?? {})]);
    const builtins = new Set(require('module').builtinModules);
    const missing = new Set<string>();
    const walk = (d: string) => {
      for (const e of fs.readdirSync(d, { withFileTypes: true })) {
        const p = path.join(d, e.name);
        if (e.isDirectory()) walk(p);
        else if (p.endsWith('.js')) {
          for (const m of fs.readFileSync(p, 'utf8').matchAll(/require\("([^".][^"]*)"\)/g)) {
            const name = m[1].startsWith('@') ? m[1].split('/').slice(0, 2).join('/') : m[1].split('/')[0];
            if (!declared.has(name) && !builtins.has(name.replace(/^node:/, ''))) missing.add(`${name} (${path.relative(root, p)})`);
          }
        }
      }
    };
    walk(path.join(root, 'lib'));
    expect([...missing]).toEqual([]);
  });
});
