// The published package, as a user gets it: `npm pack` from a fresh copy of the repository (no
// lib/, no .jsii: the pack lifecycle must build them), installed from the tarball into a fresh
// cdk8s project with no network and an empty npm cache, then `cdk8s synth` on a small app and on
// README's first example with README's plugin config and apply command.
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as ts from 'typescript';
import { parseAllDocuments } from 'yaml';

const root = path.resolve(__dirname, '..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
const cdk8sCli = path.join(root, 'node_modules', 'cdk8s-cli', 'bin', 'cdk8s');
// Lifecycle scripts npm runs when a package is installed (prepare: from git or a directory).
const INSTALL_SCRIPTS = ['preinstall', 'install', 'postinstall', 'prepublish', 'preprepare', 'prepare', 'postprepare'];

/** The fenced code blocks of README.md with the given info string. */
function readmeBlocks(lang: string): string[] {
  return [...readme.matchAll(new RegExp('^```' + lang + '\\n([\\s\\S]*?)^```', 'gm'))].map((m) => m[1]);
}

/** Tracked and unignored files only, as `git clone` would give, with this checkout's node_modules. */
function freshCopy(to: string): void {
  const files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: root, encoding: 'utf8' })
    .split('\0').filter((f) => f && fs.existsSync(path.join(root, f)) && fs.statSync(path.join(root, f)).isFile());
  for (const f of files) {
    fs.mkdirSync(path.dirname(path.join(to, f)), { recursive: true });
    fs.copyFileSync(path.join(root, f), path.join(to, f));
  }
  fs.symlinkSync(path.join(root, 'node_modules'), path.join(to, 'node_modules'), 'dir');
}

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

/** A command prefix that cuts the network (an unprivileged network namespace), where the machine allows one. */
const offline: string[] | undefined = spawnSync('unshare', ['-rn', 'true']).status === 0 ? ['unshare', '-rn'] : undefined;

describe('the packed library in a fresh cdk8s project', () => {
  let dir: string;
  let tarball: string;
  let packedFiles: string[];
  let clone: string;
  let installLog: string;

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-secure-consumer-'));
    clone = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-secure-clone-'));
    freshCopy(clone);
    expect(['lib', '.jsii'].filter((f) => fs.existsSync(path.join(clone, f)))).toEqual([]);
    // With lifecycle scripts, in the copy: prepack must compile lib/ and the assembly there.
    const out = execFileSync('npm', ['pack', '--json', '--pack-destination', dir], { cwd: clone, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    const packed = JSON.parse(out.slice(out.search(/^\[/m)))[0];
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
    // Without --ignore-scripts, so npm reports any install-time script the package carries.
    const install = spawnSync('npm', ['install', '--offline', '--cache', path.join(dir, '.empty-npm-cache'), '--no-audit', '--no-fund'],
      { cwd: dir, encoding: 'utf8' });
    installLog = `${install.stdout}${install.stderr}`;
    expect({ status: install.status, log: install.status === 0 ? '' : installLog }).toEqual({ status: 0, log: '' });
    fs.writeFileSync(path.join(dir, 'main.js'), APP);
    fs.writeFileSync(path.join(dir, 'cdk8s.yaml'), 'language: typescript\napp: node main.js\noutput: dist\n');
  }, 300_000);

  afterAll(() => {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(clone, { recursive: true, force: true });
  });

  test('the tarball holds the build, the typings and the docs, and no sources or tests', () => {
    const files = packedFiles;
    expect(files).toEqual(expect.arrayContaining(['package.json', '.jsii', 'README.md', 'LICENSE', 'CHANGELOG.md', 'lib/index.js', 'lib/index.d.ts', 'lib/testing/index.js', 'lib/cli.js']));
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
      for (const m of fs.readFileSync(path.join(dir, 'node_modules', 'cdk8s-secure', f), 'utf8').matchAll(/require\("(\.[^"]*)"\)/g)) {
        const target = path.posix.normalize(path.posix.join(path.posix.dirname(f), m[1]));
        queue.push(shipped.has(`${target}.js`) ? `${target}.js` : `${target}/index.js`);
      }
    }
    // A module of types only compiles to an empty one that nothing requires (its import is erased).
    const typesOnly = (f: string) => fs.readFileSync(path.join(dir, 'node_modules', 'cdk8s-secure', f), 'utf8')
      .replace(/"use strict";|Object\.defineProperty\(exports, "__esModule", \{ value: true \}\);|\/\/.*$/gm, '').trim() === '';
    expect([...shipped].filter((f) => !reached.has(f) && !typesOnly(f)).sort()).toEqual([]);
    expect(shipped.has('lib/imports/security.istio.io.js') && reached.has('lib/imports/monitoring.coreos.com.js')).toBe(true);
    // The north-south classes ship because exposeVia / allowToHost use them, and only those.
    expect(['networking.istio.io', 'gateway.networking.k8s.io', 'cilium.io', 'cert-manager.io'].every((g) => reached.has(`lib/imports/${g}.js`))).toBe(true);
  });

  test('the tarball carries the jsii assembly of exactly the code it ships', () => {
    const installed = path.join(dir, 'node_modules', 'cdk8s-secure');
    const spec = require('@jsii/spec');
    // Schema-checked, as Construct Hub and jsii-pacmak load it.
    const assembly = spec.loadAssemblyFromFile(path.join(installed, '.jsii'), true, true);
    expect(assembly).toMatchObject({ name: pkg.name, version: pkg.version, license: pkg.license, description: pkg.description });
    expect(assembly.targets).toEqual({ js: { npm: pkg.name }, ...pkg.jsii.targets });
    expect(Object.keys(assembly.dependencies).sort()).toEqual(Object.keys(pkg.peerDependencies).sort());
    // The same compile produced the packed lib/: every class the assembly declares is exported
    // from the packed entry point with jsii's runtime type info naming it, and every exported
    // class carrying that info is declared.
    const lib = require(installed);
    const rtti = Symbol.for('jsii.rtti');
    const exported = Object.entries(lib).filter(([, v]: [string, any]) => typeof v === 'function' && v[rtti])
      .map(([k, v]: [string, any]) => [k, v[rtti].fqn, v[rtti].version]);
    const declared = Object.values(assembly.types).filter((t: any) => t.kind === 'class')
      .map((t: any) => [t.name, t.fqn, pkg.version]);
    const byName = (a: string[], b: string[]) => a[0].localeCompare(b[0]);
    expect(exported.sort(byName)).toEqual(declared.sort(byName));
    expect(declared.map((t) => t[0])).toEqual(expect.arrayContaining(['SecureApp', 'IsolatedNamespace', 'MonitoredService', 'Peer', 'SinglePassApp']));
    // The assembly in the tarball is the one prepack compiled in the fresh copy.
    expect(fs.readFileSync(path.join(installed, '.jsii'), 'utf8')).toBe(fs.readFileSync(path.join(clone, '.jsii'), 'utf8'));
  });

  test('the published package.json has no install-time scripts, and npm warns about none', () => {
    const installed = JSON.parse(fs.readFileSync(path.join(dir, 'node_modules', 'cdk8s-secure', 'package.json'), 'utf8'));
    expect(INSTALL_SCRIPTS.filter((s) => installed.scripts?.[s] !== undefined)).toEqual([]);
    expect(installed.scripts.prepack).toBe('npm run jsii');
    // npm 11 lists a dependency's install-time scripts, `prepare` included, for approval:
    // "npm warn install-scripts   cdk8s-secure@0.1.0 (prepare: tsc -p tsconfig.json)".
    expect(installLog.split('\n').filter((l) => l.includes('install-scripts') && l.includes('cdk8s-secure@'))).toEqual([]);
  });

  test('Construct Hub can list it: cdk8s keyword, SPDX license with its text, README and assembly', () => {
    expect(pkg.keywords).toEqual(expect.arrayContaining(['cdk8s']));
    expect(pkg.license).toBe('Apache-2.0');
    expect(fs.readFileSync(path.join(dir, 'node_modules', 'cdk8s-secure', 'LICENSE'), 'utf8')).toMatch(/^\s*Apache License\s+Version 2\.0/);
    expect(packedFiles).toEqual(expect.arrayContaining(['README.md', '.jsii']));
    expect(pkg.repository.url).toMatch(/^https:\/\/github\.com\//);
    expect(Object.keys(pkg.jsii.targets).sort()).toEqual(['dotnet', 'go', 'java', 'python']);
  });

  test('README names the packages jsii.targets configures', () => {
    const t = pkg.jsii.targets;
    const install = readme.slice(readme.indexOf('## Install'), readme.indexOf('## Synthesize and apply'));
    expect(install).toContain(`| Python | PyPI \`${t.python.distName}\` | \`from ${t.python.module} import SecureApp\` |`);
    expect(install).toContain(`| Java | Maven \`${t.java.maven.groupId}:${t.java.maven.artifactId}\` | \`import ${t.java.package}.SecureApp;\` |`);
    expect(install).toContain(`| Go | \`${t.go.moduleName}/cdk8ssecure\` |`);
    expect(install).toContain(`| .NET | NuGet \`${t.dotnet.packageId}\` | \`using ${t.dotnet.namespace};\` |`);
  });

  test('jsii-pacmak generates the Java, Go and .NET packages under those names', () => {
    const out = path.join(dir, 'pacmak');
    // From the fresh copy's assembly; npm's setting keeps pacmak's `npm pack` from re-running prepack.
    execFileSync(process.execPath, [require.resolve('jsii-pacmak/bin/jsii-pacmak'), '--targets', 'java,go,dotnet', '--code-only', '--outdir', out],
      { cwd: clone, stdio: 'pipe', env: { ...process.env, npm_config_ignore_scripts: 'true' } });
    const read = (f: string) => fs.readFileSync(path.join(out, f), 'utf8');
    const t = pkg.jsii.targets;
    expect(read('go/cdk8ssecure/go.mod').split('\n')[0]).toBe(`module ${t.go.moduleName}/cdk8ssecure`);
    expect(read('go/cdk8ssecure/SecureApp.go')).toContain('func NewSecureApp(scope constructs.Construct, id *string, props *SecureAppProps) SecureApp {');
    // gofmt parses every generated file (listing those it would reformat, which pacmak's output
    // may be): a syntax error fails here, without fetching the Go modules.
    const gofmt = spawnSync('gofmt', ['-e', '-l', path.join(out, 'go')], { encoding: 'utf8' });
    expect({ status: gofmt.status, stderr: gofmt.stderr }).toEqual({ status: 0, stderr: '' });
    const pom = read('java/pom.xml');
    expect(pom).toContain(`<groupId>${t.java.maven.groupId}</groupId>\n  <artifactId>${t.java.maven.artifactId}</artifactId>`);
    expect(read(`java/src/main/java/${t.java.package.replace(/\./g, '/')}/SecureApp.java`)).toContain(`package ${t.java.package};`);
    expect(read(`dotnet/${t.dotnet.packageId}/${t.dotnet.packageId}.csproj`)).toContain(`<PackageId>${t.dotnet.packageId}</PackageId>`);
    expect(read(`dotnet/${t.dotnet.packageId}/${t.dotnet.namespace.replace(/\./g, '/')}/SecureApp.cs`)).toContain(`namespace ${t.dotnet.namespace}`);
  }, 180_000);

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

  describe("README's first contact, in the consumer project", () => {
    let project: string;
    let home: string;
    const kubectlArgs = () => path.join(project, 'kubectl-args');
    /** README's synth-and-apply block, run verbatim by bash; offline when the machine can. */
    const runReadmeCommands = (block: string) => {
      const cmd = [...(offline ?? []), 'bash', '-euo', 'pipefail', '-c', block];
      return spawnSync(cmd[0], cmd.slice(1), {
        cwd: project, encoding: 'utf8',
        env: { ...process.env, HOME: home, PATH: `${path.join(project, 'bin')}:${process.env.PATH}`, KUBECTL_ARGS: kubectlArgs() },
      });
    };
    const applyBlock = () => {
      const blocks = readmeBlocks('sh').filter((b) => b.includes('kubectl apply'));
      expect(blocks).toHaveLength(1);
      return blocks[0];
    };
    let run: ReturnType<typeof spawnSync>;

    beforeAll(() => {
      project = path.join(dir, 'readme');
      home = path.join(dir, 'home');
      fs.mkdirSync(path.join(project, 'bin'), { recursive: true });
      fs.mkdirSync(home);
      fs.symlinkSync(path.join(dir, 'node_modules'), path.join(project, 'node_modules'), 'dir');
      const example = readmeBlocks('ts')[0];
      fs.writeFileSync(path.join(project, 'main.js'),
        ts.transpileModule(example, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2020 } }).outputText);
      const plugin = readmeBlocks('yaml').filter((b) => b.includes('validations:'));
      expect(plugin).toHaveLength(1);
      fs.writeFileSync(path.join(project, 'cdk8s.yaml'), `language: typescript\napp: node main.js\noutput: dist\n${plugin[0]}`);
      // `npx cdk8s` is this checkout's cdk8s CLI; `kubectl` records what it was asked to apply
      // (a real one needs a cluster).
      fs.writeFileSync(path.join(project, 'bin', 'npx'), `#!/bin/sh\n[ "$1" = cdk8s ] || exit 97\nshift\nexec "${process.execPath}" "${cdk8sCli}" "$@"\n`, { mode: 0o755 });
      fs.writeFileSync(path.join(project, 'bin', 'kubectl'), '#!/bin/sh\nprintf \'%s\\n\' "$@" > "$KUBECTL_ARGS"\n', { mode: 0o755 });
      run = runReadmeCommands(applyBlock());
    }, 120_000);

    test("the first example passes README's plugin config", () => {
      expect({ status: run.status, stdout: run.stdout }).toEqual({ status: 0, stdout: expect.stringContaining('Validations ended succesfully') });
      const docs = parseAllDocuments(fs.readFileSync(path.join(project, 'dist', 'shop.k8s.yaml'), 'utf8')).map((d) => d.toJSON());
      const deny = docs.find((d) => d.kind === 'NetworkPolicy' && d.metadata.name === 'default-deny');
      expect(deny).toMatchObject({ metadata: { namespace: 'shop' }, spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] } });
    });

    test('the peer DNS name README gives is the Service the first example writes', () => {
      const dns = [...readme.matchAll(/`([a-z0-9-]+)\.([a-z0-9-]+)\.svc\.cluster\.local:(\d+)`/g)];
      expect(dns).toHaveLength(1);
      const [, name, namespace, port] = dns[0];
      const docs = parseAllDocuments(fs.readFileSync(path.join(project, 'dist', 'shop.k8s.yaml'), 'utf8')).map((d) => d.toJSON());
      const service = docs.find((d) => d.kind === 'Service' && d.metadata.name === name && d.metadata.namespace === namespace);
      expect(service?.spec.ports.map((p: any) => p.port)).toEqual([Number(port)]);
      const policy = docs.find((d) => d.kind === 'NetworkPolicy' && d.metadata.name === name);
      expect(policy.spec.ingress).toEqual([expect.objectContaining({ ports: [{ port: Number(port), protocol: 'TCP' }] })]);
    });

    test('the documented apply command applies every manifest and nothing else', () => {
      const dist = path.join(project, 'dist');
      // What breaks `kubectl apply -f dist/`: the CLI's metadata file beside the manifests.
      expect(fs.readdirSync(dist).sort()).toEqual(['construct-metadata.json', 'shop.k8s.yaml']);
      const args = fs.readFileSync(kubectlArgs(), 'utf8').trim().split('\n');
      expect(args[0]).toBe('apply');
      const pairs = args.slice(1);
      expect(pairs.filter((_, i) => i % 2 === 0).every((a) => a === '-f')).toBe(true);
      const files = pairs.filter((_, i) => i % 2 === 1);
      expect(files).toEqual(['dist/shop.k8s.yaml']);
      // One apply creates the namespace before what goes in it.
      const first = parseAllDocuments(fs.readFileSync(path.join(project, files[0]), 'utf8'))[0].toJSON();
      expect([first.kind, first.metadata.name]).toEqual(['Namespace', 'shop']);
      for (const f of files) {
        const docs = parseAllDocuments(fs.readFileSync(path.join(project, f), 'utf8')).map((d) => d.toJSON());
        expect(docs.length).toBeGreaterThan(5);
        for (const d of docs) expect([f, typeof d.apiVersion, typeof d.kind, typeof d.metadata?.name]).toEqual([f, 'string', 'string', 'string']);
      }
    });

    test('synth as documented is quiet offline: nothing on stderr', () => {
      expect(run.stderr).toBe('');
      if (offline) {
        // Without the setting, the CLI's upgrade check fails offline and prints its stack trace.
        const noisy = runReadmeCommands(applyBlock().replace('CDK8S_CHECK_UPGRADE=false ', ''));
        expect(noisy.status).toBe(0);
        expect(noisy.stderr).toMatch(/http error|ENOTFOUND|EAI_AGAIN|ENETUNREACH/);
        expect(noisy.stderr).toMatch(/^\s+at /m);
      }
    });
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
