// Checks that the `floor` and `cdk8s-bare` variants write exactly what `ours` writes: synthesizes the bench workload
// with cdk8s-secure (plain App and SinglePassApp) for small N in both layouts, then compares file
// names, parsed documents (deep, key order included) and bytes with manifests.ts + Yaml.stringify.
// Exits 1 on the first mismatch, naming the file, document and JSON path.
//   node bench/.build/verify-floor.js [workdir]
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { spawnSync } from 'child_process';
import { App, Yaml } from 'cdk8s';
import * as YAML from 'yaml';
import { defineBare } from './build-bare';
import { defineOurs } from './build-ours';
import { Layout, LAYOUTS, loadLib, libPath, Workload, WORKLOADS } from './common';
import { helmBinary, helmCommands, helmEnv, helmReleases } from './helm-releases';
import { forEachFile, ManifestFile } from './manifests';

// The main workload in every layout at two sizes; every other kind's in every layout at one
// (the bench measures those in one Chart; the other layouts keep them honest there too).
const CASES: Array<{ layout: Layout; n: number; workload: Workload }> = [
  ...LAYOUTS.flatMap((layout) => [10, 25].map((n) => ({ layout, n, workload: 'app' as Workload }))),
  ...WORKLOADS.filter((w) => w !== 'app').flatMap((workload) => LAYOUTS.map((layout) => ({ layout, n: 12, workload }))),
];

/** First difference between two JSON values (key order counts: it decides the YAML bytes). */
function firstDiff(a: any, b: any, at = ''): string | undefined {
  if (typeof a !== typeof b || Array.isArray(a) !== Array.isArray(b) || (a === null) !== (b === null)) {
    return `${at || '/'}: ${JSON.stringify(a)} vs ${JSON.stringify(b)}`;
  }
  if (a === null || typeof a !== 'object') return a === b ? undefined : `${at || '/'}: ${JSON.stringify(a)} vs ${JSON.stringify(b)}`;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.join('\0') !== kb.join('\0')) return `${at || '/'}: keys [${ka.join(', ')}] vs [${kb.join(', ')}]`;
  for (const k of ka) {
    const d = firstDiff(a[k], b[k], `${at}/${k}`);
    if (d) return d;
  }
  return undefined;
}

let workDir = '';

/** JSON with every map's keys sorted: Helm writes keys in template order, cdk8s sorted. */
function canonical(v: any): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonical(v[k])}`).join(',')}}`;
  return JSON.stringify(v);
}

/**
 * Helm renders the same objects (not the same bytes: it writes `# Source:` comments, orders
 * documents by kind and keys as the template does): each release's file, parsed, holds exactly
 * the floor's documents of that file, compared by kind, namespace and name after sorting keys.
 */
function verifyHelm(work: string, layout: Layout, n: number): number {
  const helm = helmBinary();
  if (!helm) return 0;
  const dir = path.join(work, `helm-${layout}-${n}`);
  fs.mkdirSync(dir, { recursive: true });
  const script = ['set -e', ...helmCommands(helm, helmReleases(layout, n), dir, dir)].join('\n');
  const r = spawnSync('/bin/sh', ['-c', script], { env: helmEnv(path.join(dir, 'home')), encoding: 'utf8' });
  if (r.status !== 0) fail(`helm template failed for layout ${layout}, N=${n}: ${r.stderr}`);
  let checked = 0;
  forEachFile(layout, n, ({ file, docs }) => {
    const text = fs.readFileSync(path.join(dir, file), 'utf8');
    const parsed = YAML.parseAllDocuments(text, { version: '1.1' }).map((d) => d.toJS()).filter((d) => d);
    const id = (d: any) => `${d.kind} ${d.metadata?.namespace ?? ''}/${d.metadata?.name}`;
    const want = new Map(docs.map((d) => [id(d), canonical(d)]));
    const got = new Map(parsed.map((d) => [id(d), canonical(d)]));
    if (want.size !== docs.length || got.size !== parsed.length) fail(`layout ${layout}, N=${n}, ${file}: duplicate documents`);
    for (const [k, v] of want) {
      if (!got.has(k)) fail(`layout ${layout}, N=${n}, helm ${file}: no ${k} (helm wrote ${[...got.keys()].join(', ')})`);
      if (got.get(k) !== v) fail(`layout ${layout}, N=${n}, helm ${file}: ${k} differs:\n helm  ${got.get(k)}\n floor ${v}`);
    }
    if (got.size !== want.size) fail(`layout ${layout}, N=${n}, helm ${file}: ${got.size} documents, the floor ${want.size}`);
    checked += docs.length;
  });
  return checked;
}

function fail(message: string): never {
  process.stderr.write(`\nverify-floor: MISMATCH: ${message}\n` +
    'The floor (bench/manifests.ts) no longer emits what cdk8s-secure emits. Update manifests.ts to match\n' +
    `the library output (or fix the library), then rerun. The synthesized files are in ${workDir}. Benchmark aborted.\n`);
  process.exit(1);
}

function main(): void {
  const work = process.argv[2] ?? fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-secure-verify-'));
  workDir = work;
  const lib = loadLib();
  let checkedDocs = 0;
  let helmDocs = 0;
  const kinds = new Map<string, number>();
  for (const { layout, n, workload } of CASES) {
    const tag = `workload ${workload}, layout ${layout}, N=${n}`;
    const cell = `${workload}-${layout}-${n}`;
    const oursDir = path.join(work, `ours-${cell}`);
    const singleDir = path.join(work, `single-${cell}`);
    const app = new App({ outdir: oursDir });
    defineOurs(lib, app, layout, n, workload);
    app.synth();
    const single = new lib.SinglePassApp({ outdir: singleDir });
    defineOurs(lib, single, layout, n, workload);
    single.synth();
    const bareDir = path.join(work, `bare-${cell}`);
    const bare = new App({ outdir: bareDir });
    defineBare(bare, layout, n, workload);
    bare.synth();

    const floor: ManifestFile[] = [];
    forEachFile(layout, n, (f) => floor.push(f), workload);
    const oursFiles = fs.readdirSync(oursDir).sort();
    const floorFiles = floor.map((f) => f.file).sort();
    if (oursFiles.join() !== floorFiles.join()) fail(`${tag}: ours wrote [${oursFiles.join(', ')}], the floor writes [${floorFiles.join(', ')}]`);
    const singleFiles = fs.readdirSync(singleDir).sort();
    if (singleFiles.join() !== oursFiles.join()) fail(`${tag}: SinglePassApp wrote [${singleFiles.join(', ')}], App wrote [${oursFiles.join(', ')}]`);
    const bareFiles = fs.readdirSync(bareDir).sort();
    if (bareFiles.join() !== oursFiles.join()) fail(`${tag}: cdk8s-bare wrote [${bareFiles.join(', ')}], ours wrote [${oursFiles.join(', ')}]`);

    for (const { file, docs } of floor) {
      const text = fs.readFileSync(path.join(oursDir, file), 'utf8');
      const parsed = YAML.parseAllDocuments(text, { version: '1.1' }).map((d) => d.toJS());
      if (parsed.length !== docs.length) fail(`${tag}, ${file}: ours has ${parsed.length} documents, the floor ${docs.length}`);
      parsed.forEach((doc, i) => {
        const d = firstDiff(doc, docs[i]);
        if (d) fail(`${tag}, ${file}, document ${i} (${doc?.kind} ${doc?.metadata?.name}): ours vs floor at ${d}`);
      });
      if (Yaml.stringify(...docs) !== text) fail(`${tag}, ${file}: same documents but different bytes (anchors or scalar styles?)`);
      if (fs.readFileSync(path.join(singleDir, file), 'utf8') !== text) fail(`${tag}, ${file}: SinglePassApp's bytes differ from App's`);
      if (fs.readFileSync(path.join(bareDir, file), 'utf8') !== text) fail(`${tag}, ${file}: cdk8s-bare's bytes differ from ours`);
      checkedDocs += docs.length;
      for (const d of docs) kinds.set(d.kind, (kinds.get(d.kind) ?? 0) + 1);
    }
    if (workload === 'app') helmDocs += verifyHelm(work, layout, n);
  }
  fs.rmSync(work, { recursive: true, force: true });
  process.stdout.write(`verify-floor: OK: floor == ours == ours-single-pass == cdk8s-bare, byte for byte (${CASES.length} cases, ${checkedDocs} documents: ${[...kinds].map(([k, c]) => `${c} ${k}`).join(', ')}; library ${libPath()}); ${helmDocs ? `helm renders the same ${helmDocs} objects` : 'helm not installed, not checked'}\n`);
}

main();
