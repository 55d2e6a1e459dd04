import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ensureBuilt } from './support/build';
import * as rules from '../src/checks/rules';
import { buildReport, loadManifests, parseManifestYaml, renderReport } from '../src/checks/report';
import { main } from '../src/cli';

const ROOT = path.resolve(__dirname, '..');

// ---------------------------------------------------------------------------------------------
// Manifests: web -> db:5432 in `shop`, default deny, DNS egress; db's image is unpinned.

const SAFE = (image: string, port: { name: string; containerPort: number }) => ({
  automountServiceAccountToken: false,
  securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
  containers: [{
    name: 'app',
    image,
    ports: [port],
    securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
  }],
});

function deployment(name: string, image: string, port: { name: string; containerPort: number }): any {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'shop' },
    spec: { replicas: 1, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: SAFE(image, port) } },
  };
}

function policy(name: string, spec: any): any {
  return { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace: 'shop' }, spec };
}

const MANIFESTS = [
  { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop', labels: { 'pod-security.kubernetes.io/enforce': 'restricted' } } },
  deployment('web', 'ghcr.io/acme/web:1.0.0', { name: 'http', containerPort: 8080 }),
  deployment('db', 'postgres', { name: 'pg', containerPort: 5432 }),
  policy('default-deny', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] }),
  policy('dns', {
    podSelector: {},
    policyTypes: ['Egress'],
    egress: [{
      to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
      ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }],
    }],
  }),
  policy('web', {
    podSelector: { matchLabels: { app: 'web' } },
    policyTypes: ['Ingress', 'Egress'],
    ingress: [{ from: [{ ipBlock: { cidr: '0.0.0.0/0' } }], ports: [{ port: 8080 }] }],
    egress: [{ to: [{ podSelector: { matchLabels: { app: 'db' } } }], ports: [{ port: 5432 }] }],
  }),
  policy('db', {
    podSelector: { matchLabels: { app: 'db' } },
    policyTypes: ['Ingress', 'Egress'],
    ingress: [{ from: [{ podSelector: { matchLabels: { app: 'web' } } }], ports: [{ port: 'pg' }] }],
  }),
];

function lines(markdown: string): string[] {
  return markdown.split('\n');
}

describe('renderReport', () => {
  const md = renderReport(MANIFESTS);
  const out = lines(md);

  test('summary line names the failing rules', () => {
    expect(out[0]).toBe('# cdk8s-secure report');
    expect(out).toContain('**1 of 12 rules fail** (`image-tag`) on 7 manifests.');
  });

  test('one compliance row per rule with checked / passed / failed counts', () => {
    const rows = out.filter((l) => /^\| `[a-z-]+` \|/.test(l)).map((l) => l.split(' | ').slice(0, 5).join(' | '));
    expect(rows).toEqual([
      '| `pod-security` | ✅ pass | 3 | 3 | 0',
      '| `network-isolation` | ✅ pass | 3 | 3 | 0',
      '| `service-monitor-port` | ✅ pass | 0 | 0 | 0',
      '| `pdb` | ✅ pass | 0 | 0 | 0',
      '| `image-tag` | ❌ fail | 2 | 1 | 1',
      '| `service-account-token` | ✅ pass | 2 | 2 | 0',
      '| `mesh-mtls` | ✅ pass | 0 | 0 | 0',
      '| `mesh-authorization` | ✅ pass | 0 | 0 | 0',
      '| `mesh-injection` | ✅ pass | 0 | 0 | 0',
      '| `network-allow-all` | ✅ pass | 4 | 4 | 0',
      '| `metadata-endpoint` | ✅ pass | 4 | 4 | 0',
      '| `duplicate-object` | ✅ pass | 7 | 7 | 0',
    ]);
  });

  test('findings of failing rules are listed with field and fix', () => {
    const at = out.indexOf('### `image-tag`: 1 finding');
    expect(at).toBeGreaterThan(0);
    expect(out.slice(at + 2, at + 5)).toEqual([
      '| Resource | Field | Problem | Fix |',
      '| --- | --- | --- | --- |',
      '| Deployment shop/db | `spec.template.spec.containers[app].image` | container "app" image "postgres" has no tag, so Kubernetes pulls ":latest" | pin a version tag or a digest, e.g. "postgres:1.2.3" or "postgres@sha256:<digest>" |',
    ]);
    // Passing rules get no findings section.
    expect(md).not.toContain('### `pod-security`');
  });

  test('the connectivity matrix shows ports per pair, DNS and the outside', () => {
    const at = out.indexOf('| from \\ to | shop/web | shop/db | kube-dns | external |');
    expect(at).toBeGreaterThan(0);
    expect(out.slice(at + 2, at + 5)).toEqual([
      '| **shop/web** | — | 5432/TCP | 53/TCP, 53/UDP | — |',
      '| **shop/db** | — | — | 53/TCP, 53/UDP | — |',
      '| **external** | 8080/TCP (0.0.0.0/0) | — |  |  |',
    ]);
  });

  test('the kube-dns column follows the dns option, and the text says where DNS is', () => {
    const elsewhere = renderReport(MANIFESTS, { dns: { namespace: 'dns', podLabels: { app: 'coredns' } } });
    expect(elsewhere).toContain('`kube-dns` is cluster DNS (dns, `app=coredns`)');
    // The policies allow DNS in kube-system only, so DNS elsewhere is unreachable.
    expect(lines(elsewhere)).toContain('| **shop/web** | — | 5432/TCP | — | — |');
    expect(md).toContain('`kube-dns` is cluster DNS (kube-system, `k8s-app=kube-dns`)');
  });

  test('disabled rules are shown as such, and the report passes without them', () => {
    const partial = renderReport(MANIFESTS, { disable: ['image-tag'], title: 'PR #42' });
    expect(lines(partial)[0]).toBe('# PR #42');
    expect(partial).toContain('**All 11 rules pass** on 7 manifests.');
    expect(partial).toContain('| `image-tag` | disabled |');
  });

  test('manifest warnings are listed, and table cells escape pipes', () => {
    const odd = [
      ...MANIFESTS,
      policy('broken', { podSelector: { matchLabels: { app: 'web' } }, policyTypes: ['Ingress'], ingress: [{ from: [{ ipBlock: { cidr: 'not|a-cidr' } }] }] }),
    ];
    const report = renderReport(odd);
    expect(report).toContain('### Manifest warnings');
    expect(report).toContain('- NetworkPolicy shop/broken spec.ingress[0].from[0].ipBlock.cidr "not|a-cidr" is not a CIDR; the peer matches nothing.');
    const pipes = renderReport([{ ...deployment('x|y', 'nginx', { name: 'http', containerPort: 80 }) }], { disable: ['network-isolation', 'pod-security'] });
    expect(pipes).toContain('| Deployment shop/x\\|y |');
  });

  test('an ipBlock the API server rejects (space, except not strictly inside) is a warning and admits nothing', () => {
    const odd = [
      ...MANIFESTS,
      policy('blocks', {
        podSelector: { matchLabels: { app: 'web' } }, policyTypes: ['Egress'],
        egress: [{ to: [{ ipBlock: { cidr: ' 0.0.0.0/0' } }, { ipBlock: { cidr: '10.0.0.0/8', except: ['10.0.0.0/8'] } }, { ipBlock: { cidr: '10.0.0.0/8', except: ['11.0.0.0/16'] } }] }],
      }),
    ];
    const report = renderReport(odd);
    expect(report).toContain('- NetworkPolicy shop/blocks spec.egress[0].to[0].ipBlock.cidr " 0.0.0.0/0" is not a CIDR; the peer matches nothing.');
    expect(report).toContain('- NetworkPolicy shop/blocks spec.egress[0].to[1].ipBlock.except entry "10.0.0.0/8" is not strictly inside cidr "10.0.0.0/8", which the API server rejects; the peer matches nothing.');
    expect(report).toContain('- NetworkPolicy shop/blocks spec.egress[0].to[2].ipBlock.except entry "11.0.0.0/16" is not strictly inside cidr "10.0.0.0/8"');
    expect(lines(report)).toContain('| **shop/web** | — | 5432/TCP | 53/TCP, 53/UDP | — |');
  });

  test('without workloads the matrix says so', () => {
    expect(renderReport([])).toContain('## Connectivity\n\nNo workloads in the manifests.\n');
  });
});

describe('loadManifests', () => {
  let dir: string;
  beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-secure-load-')); });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('reads every document of *.yaml and *.yml files recursively, in file-name order', () => {
    fs.mkdirSync(path.join(dir, 'nested'));
    fs.writeFileSync(path.join(dir, 'b.k8s.yaml'), 'kind: B1\n---\nkind: B2\n---\n');
    fs.writeFileSync(path.join(dir, 'a.yml'), '---\nkind: A\n');
    fs.writeFileSync(path.join(dir, 'nested', 'c.yaml'), 'kind: C\n');
    fs.writeFileSync(path.join(dir, 'construct-metadata.json'), '{"kind": "NotYaml"}');
    expect(loadManifests(dir).map((m) => m.kind)).toEqual(['A', 'B1', 'B2', 'C']);
  });

  test('YAML is read as kubectl reads it (YAML 1.1 via go-yaml v2): yes/on/y are true, 0777 is octal', () => {
    const [doc] = parseManifestYaml([
      'a: yes', 'b: on', 'c: y', 'd: NO', 'e: off', 'f: 0777', 'g: 1_000', 'h: "yes"',
      // go-yaml v2 keeps these 1.1 forms as strings.
      'i: 1:20', 'j: 2001-12-14',
      'base: &b {k: 1}', 'merged: {<<: *b, l: 2}',
    ].join('\n'), 'x.yaml');
    expect(doc).toEqual({ a: true, b: true, c: true, d: false, e: false, f: 511, g: 1000, h: 'yes', i: '1:20', j: '2001-12-14', base: { k: 1 }, merged: { k: 1, l: 2 } });
  });

  test('hostPID: yes is judged as hostPID: true', () => {
    fs.writeFileSync(path.join(dir, 'pod.yaml'), [
      'apiVersion: v1', 'kind: Pod', 'metadata: {name: p, namespace: shop}',
      'spec:', '  hostPID: yes', '  automountServiceAccountToken: no',
      '  securityContext: {runAsNonRoot: yes, seccompProfile: {type: RuntimeDefault}}',
      '  containers:', '  - name: c', '    image: ghcr.io/acme/c:1.0.0',
      '    securityContext: {allowPrivilegeEscalation: no, capabilities: {drop: [ALL]}}',
    ].join('\n'));
    const r = rules.checkPodSecurityRule(loadManifests(dir));
    expect(r.findings.map((f) => f.field)).toEqual(['spec.hostPID']);
    expect(rules.checkRule('service-account-token', loadManifests(dir)).failed).toBe(0);
  });

  test('a syntax error names the file and line; a missing directory says what to pass', () => {
    expect(() => parseManifestYaml('kind: A\nmetadata: {name: [x\n', 'dist/x.yaml')).toThrow(/^\[dist\/x\.yaml:\d+\] invalid YAML/);
    expect(() => loadManifests(path.join(dir, 'nope'))).toThrow(`${path.join(dir, 'nope')} is not a directory. Fix: pass the directory cdk8s synthesized into`);
  });
});

// ---------------------------------------------------------------------------------------------
// The CLI's entry point, from source.

describe('cli main', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-secure-main-'));
    fs.writeFileSync(path.join(dir, 'shop.k8s.yaml'), MANIFESTS.map((m) => JSON.stringify(m)).join('\n---\n'));
  });
  afterEach(() => {
    jest.restoreAllMocks();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  function run(...args: string[]) {
    let stdout = '';
    let stderr = '';
    const status = main(args, (s) => { stdout += s; }, (s) => { stderr += s; });
    return { status, stdout, stderr };
  }

  test('walks the directory once and runs the rules once', () => {
    const expected = renderReport(MANIFESTS);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const readdir = jest.spyOn(require('fs') as typeof fs, 'readdirSync');
    const runRules = jest.spyOn(rules, 'runRules');
    const r = run('report', dir);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe(expected);
    expect(readdir).toHaveBeenCalledTimes(1);
    expect(runRules).toHaveBeenCalledTimes(1);
  });

  test('buildReport gives the markdown and the verdict of one run', () => {
    expect(buildReport(MANIFESTS)).toEqual({ markdown: renderReport(MANIFESTS), passes: false });
    expect(buildReport(MANIFESTS, { disable: ['image-tag'] }).passes).toBe(true);
  });

  test.each([
    [['--default-level', 'strict'], '--default-level "strict" is not a Pod Security level. Fix: use "privileged", "baseline" or "restricted".'],
    [['--default-namespace=Bad_NS'], '--default-namespace "Bad_NS" is not a namespace name. Fix: use a DNS label such as "default".'],
    [['--default-version', 'v2.0'], '--default-version: invalid Pod Security version "v2.0"'],
    [['--disable', 'pdb,pdbs'], '--disable: unknown rule "pdbs". Fix: use one of'],
  ])('bad option %j is named by its flag, with usage, before any YAML is read', (flag, message) => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const readdir = jest.spyOn(require('fs') as typeof fs, 'readdirSync');
    const r = run('report', path.join(dir, 'missing'), ...flag);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`cdk8s-secure: ${message}`);
    expect(r.stderr).toContain('Usage: cdk8s-secure report <dir> [options]');
    expect(readdir).not.toHaveBeenCalled();
  });
});

// ---------------------------------------------------------------------------------------------
// The built CLI.


describe('cdk8s-secure report (built CLI)', () => {
  let dir: string;
  beforeAll(() => ensureBuilt(), 120_000);
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-secure-cli-'));
    fs.writeFileSync(path.join(dir, 'shop.k8s.yaml'), MANIFESTS.map((m) => JSON.stringify(m)).join('\n---\n'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  function cli(...args: string[]) {
    const r = spawnSync(process.execPath, [path.join(ROOT, 'lib', 'cli.js'), ...args], { encoding: 'utf-8' });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  }

  test('prints the report and exits 1 when a rule fails', () => {
    const r = cli('report', dir);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe(renderReport(MANIFESTS));
    expect(r.stderr).toContain('some rules fail (see the report); pass --no-fail to exit 0 anyway.');
  });

  test('--no-fail exits 0; --disable lets the rest pass; --output writes a file', () => {
    expect(cli('report', dir, '--no-fail').status).toBe(0);
    const out = path.join(dir, 'report.md');
    const r = cli('report', dir, '--disable', 'image-tag', `--output=${out}`);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('');
    expect(fs.readFileSync(out, 'utf-8')).toContain('**All 11 rules pass**');
  });

  test('--default-level applies to namespaces without an enforce label', () => {
    const unlabelled = [{ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: 'nginx:1.27.0' }] } }];
    fs.writeFileSync(path.join(dir, 'shop.k8s.yaml'), JSON.stringify(unlabelled[0]));
    expect(cli('report', dir, '--disable', 'network-isolation,service-account-token').status).toBe(1);
    expect(cli('report', dir, '--disable', 'network-isolation,service-account-token', '--default-level', 'baseline').status).toBe(0);
  });

  test('bad usage and unreadable input exit 2 with a reason', () => {
    const usage = cli('report');
    expect(usage.status).toBe(2);
    expect(usage.stderr).toContain('cdk8s-secure: missing <dir>.');
    expect(usage.stderr).toContain('Usage: cdk8s-secure report <dir> [options]');
    expect(cli('report', dir, '--bogus').stderr).toContain('unknown option "--bogus"');
    expect(cli('report', dir, '--disable', 'pdbs').stderr).toContain('disable: unknown rule "pdbs"');
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-secure-empty-'));
    try {
      const r = cli('report', empty);
      expect(r.status).toBe(2);
      expect(r.stderr).toContain(`no *.yaml or *.yml files under ${empty}`);
    } finally {
      fs.rmSync(empty, { recursive: true, force: true });
    }
  });

  test('--help prints the usage, including the exit codes, and exits 0', () => {
    const r = cli('--help');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('1  at least one rule fails');
  });
});
