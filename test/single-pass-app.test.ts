import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiObject, App, AppProps, Chart, YamlOutputType } from 'cdk8s';
import { IsolatedNamespace, MonitoredService, SecureApp, SinglePassApp } from '../src';

const IMAGE = 'ghcr.io/acme/app:1.0.0';

/** Three charts, cross-chart intents and an explicit chart dependency (which changes file names). */
function build(app: App): { validations: () => number } {
  let validations = 0;
  const charts = ['alpha', 'beta', 'gamma'].map((n) => new Chart(app, n));
  const apps = charts.map((c, i) => {
    const ns = new IsolatedNamespace(c, `ns-${c.node.id}`);
    const a = i === 1
      ? new MonitoredService(ns, 'svc', { image: IMAGE, port: 8080, metrics: { port: 9090 } })
      : new SecureApp(ns, 'svc', { image: IMAGE, port: 8080 });
    a.node.addValidation({ validate: () => { validations++; return []; } });
    return a;
  });
  apps[1].allowFrom(apps[0]);
  apps[2].allowFrom(apps[1]);
  charts[2].addDependency(charts[0]);
  new ApiObject(charts[0], 'raw', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'raw' }, data: { a: 'b' } });
  return { validations: () => validations };
}

function filesOf(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out[path.relative(dir, p)] = fs.readFileSync(p, 'utf8');
    }
  };
  walk(dir);
  return out;
}

function synthWith(Kind: new (props: AppProps) => App, props: AppProps): { files: Record<string, string>; validations: number } {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'single-pass-'));
  const app = new Kind({ ...props, outdir });
  const counter = build(app);
  app.synth();
  return { files: filesOf(outdir), validations: counter.validations() };
}

describe('SinglePassApp', () => {
  test.each([
    YamlOutputType.FILE_PER_CHART, YamlOutputType.FILE_PER_APP, YamlOutputType.FILE_PER_RESOURCE, YamlOutputType.FOLDER_PER_CHART_FILE_PER_RESOURCE,
  ])('writes byte-identical files to App (%s)', (yamlOutputType) => {
    const plain = synthWith(App, { yamlOutputType, recordConstructMetadata: true });
    const single = synthWith(SinglePassApp, { yamlOutputType, recordConstructMetadata: true });
    expect(Object.keys(plain.files).length).toBeGreaterThan(0);
    expect(single.files).toEqual(plain.files);
  });

  test('runs each validation once, where App runs it once per chart more', () => {
    const plain = synthWith(App, {});
    const single = synthWith(SinglePassApp, {});
    // 3 apps; App validates the whole app once in synth and again for each of the 3 charts.
    expect(plain.validations).toBe(3 * (1 + 3));
    expect(single.validations).toBe(3);
  });

  test('still fails on validation errors, and leaves cdk8s as it found it', () => {
    const app = new SinglePassApp({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'single-pass-')) });
    const chart = new Chart(app, 'c');
    new SecureApp(chart, 'web', { image: IMAGE, relax: { privileged: true } });
    const before = (App as any)._synthChart;
    expect(() => app.synth()).toThrow(/\[c\/web\] Pod Security "restricted" .* check privileged fails/);
    expect((App as any)._synthChart).toBe(before);
    // an ordinary chart synthesizes the ordinary way afterwards
    const other = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'plain-')) });
    new SecureApp(new Chart(other, 'ok'), 'web', { image: IMAGE });
    expect(() => other.synth()).not.toThrow();
  });

  test('a failed synth leaves the previous manifests whole and no temporary file behind', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'single-pass-'));
    const first = new SinglePassApp({ outdir });
    new SecureApp(new Chart(first, 'shop'), 'web', { image: IMAGE });
    first.synth();
    const before = fs.readFileSync(path.join(outdir, 'shop.k8s.yaml'), 'utf8');
    expect(before).toContain('kind: Deployment');

    // The same chart again, with an object that fails to render after others were written.
    class Broken extends ApiObject {
      public toJson(): any { throw new Error('broken object'); }
    }
    const second = new SinglePassApp({ outdir });
    const chart = new Chart(second, 'shop');
    for (let i = 0; i < 50; i++) {
      new ApiObject(chart, `cm-${i}`, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `cm-${i}` }, data: { k: 'v'.repeat(10_000) } });
    }
    new Broken(chart, 'broken', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'broken' } });
    expect(() => second.synth()).toThrow('broken object');
    expect(fs.readdirSync(outdir)).toEqual(['shop.k8s.yaml']);
    expect(fs.readFileSync(path.join(outdir, 'shop.k8s.yaml'), 'utf8')).toBe(before);
  });

  test('serializes with the same bytes as cdk8s for strings YAML 1.1 quotes and multi-line data', () => {
    const data = { 'on': 'yes', 'mode': '0644', 'script.sh': '#!/bin/sh\nexec "$@"\n', 'empty': '', 'time': '12:30', 'note': ' padded ' };
    const make = (Kind: new (props: AppProps) => App) => {
      const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'single-pass-'));
      const app = new Kind({ outdir });
      new ApiObject(new Chart(app, 'c'), 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm' }, data });
      app.synth();
      return fs.readFileSync(path.join(outdir, 'c.k8s.yaml'), 'utf8');
    };
    const single = make(SinglePassApp);
    expect(single).toBe(make(App));
    expect(single).toContain('data:\n  empty: ""\n  mode: "0644"\n  note: " padded "\n  "on": "yes"\n  script.sh: |\n    #!/bin/sh\n    exec "$@"\n  time: "12:30"\n');
  });
});
