#!/usr/bin/env node
// Regenerates src/imports/ from the vendored CRDs (test/fixtures/crds/, unmodified copies of
// upstream; see src/imports/README.md), keeping only the kinds and the one version the library
// emits: `cdk8s import` writes a class per served version, and the others would ship as code
// that nothing imports (test/imports.test.ts fails on that). Offline; run from anywhere:
//   node scripts/import-crds.js
// `cdk8s import` runs in a temporary directory so it does not append an `imports:` list to the
// repository's cdk8s.yaml.
'use strict';
const { execFileSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { parseAllDocuments, stringify } = require('yaml');

const root = path.resolve(__dirname, '..');
const crds = path.join(root, 'test', 'fixtures', 'crds');
const cli = path.join(root, 'node_modules', 'cdk8s-cli', 'bin', 'cdk8s');

/** Generated file (one per API group) → the CRDs it holds: [vendored file, kind, version kept]. */
const GROUPS = {
  'security.istio.io': [['istio-crds.yaml', 'AuthorizationPolicy', 'v1'], ['istio-crds.yaml', 'PeerAuthentication', 'v1']],
  'monitoring.coreos.com': [
    ['monitoring.coreos.com_servicemonitors.yaml', 'ServiceMonitor', 'v1'],
    ['monitoring.coreos.com_podmonitors.yaml', 'PodMonitor', 'v1'],
    ['monitoring.coreos.com_prometheusrules.yaml', 'PrometheusRule', 'v1'],
  ],
  'gateway.networking.k8s.io': [
    ['gateway.networking.k8s.io_httproutes.yaml', 'HTTPRoute', 'v1'],
    ['gateway.networking.k8s.io_referencegrants.yaml', 'ReferenceGrant', 'v1'],
  ],
  'networking.istio.io': [['istio-serviceentry.yaml', 'ServiceEntry', 'v1'], ['istio-crds.yaml', 'Sidecar', 'v1']],
  'cilium.io': [['cilium.io_ciliumnetworkpolicies.yaml', 'CiliumNetworkPolicy', 'v2']],
  'cert-manager.io': [['cert-manager.io_certificates.yaml', 'Certificate', 'v1']],
};

/** The CRD of `kind` in `file`, with `spec.versions` cut down to `version`, which must be served. */
function trimmedCrd(file, kind, version) {
  const docs = parseAllDocuments(fs.readFileSync(path.join(crds, file), 'utf8')).map((d) => d.toJSON()).filter(Boolean);
  const crd = docs.find((d) => d.kind === 'CustomResourceDefinition' && d.spec.names.kind === kind);
  if (!crd) throw new Error(`${file} has no CRD of kind ${kind}`);
  const kept = crd.spec.versions.filter((v) => v.name === version);
  if (kept.length !== 1 || !kept[0].served) {
    throw new Error(`${file}: ${kind} ${version} is not a served version (${crd.spec.versions.map((v) => v.name).join(', ')})`);
  }
  // The one version left must be the storage version for the CRD to stay valid (ReferenceGrant
  // stores v1beta1 and serves v1, the version the library emits).
  return { ...crd, spec: { ...crd.spec, versions: [{ ...kept[0], storage: true }] } };
}

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'import-crds-'));
try {
  for (const [group, entries] of Object.entries(GROUPS)) {
    const input = path.join(work, `${group}.yaml`);
    // `cdk8s import` reads one file: the CRDs of a group go into it as separate documents.
    fs.writeFileSync(input, entries.map(([file, kind, version]) => `---\n${stringify(trimmedCrd(file, kind, version))}`).join(''));
    const out = path.join(work, group);
    execFileSync(process.execPath, [cli, 'import', input, '-l', 'typescript', '-o', out, '--no-check-upgrade'], { cwd: work, stdio: ['ignore', 'ignore', 'inherit'] });
    const generated = fs.readdirSync(out);
    if (generated.length !== 1 || generated[0] !== `${group}.ts`) throw new Error(`cdk8s import of ${group} wrote ${generated.join(', ')}`);
    fs.copyFileSync(path.join(out, generated[0]), path.join(root, 'src', 'imports', generated[0]));
    console.log(`src/imports/${group}.ts: ${entries.map(([, kind, version]) => `${kind} ${version}`).join(', ')}`);
  }
} finally {
  fs.rmSync(work, { recursive: true, force: true });
}
