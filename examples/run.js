// `npx cdk8s synth` runs this (cdk8s.yaml `app:`): the examples, written against ../src, run
// against the compiled library in lib/ (which `npm ci` builds, and which the validation plugin
// in cdk8s.yaml loads too), with only examples/*.ts transpiled, by sucrase (cached). Transpiling all of
// src/ on every synth took most of its time. If any src/**/*.ts is newer than its lib/ output,
// lib/ is rebuilt first, so the manifests always come from the sources as they are.
'use strict';
const { execFileSync } = require('child_process');
const crypto = require('crypto');
const fs = require('fs');
const Module = require('module');
const path = require('path');

const root = path.join(__dirname, '..');
const src = path.join(root, 'src');
const lib = path.join(root, 'lib');

function stale(dir) {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) {
      const why = stale(p);
      if (why) return why;
    } else if (e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')) {
      const js = path.join(lib, path.relative(src, p)).replace(/\.ts$/, '.js');
      if (!fs.existsSync(js)) return `${path.relative(root, js)} is missing`;
      if (fs.statSync(js).mtimeMs < fs.statSync(p).mtimeMs) return `${path.relative(root, p)} is newer than lib/`;
    }
  }
  return undefined;
}

const why = stale(src);
if (why) {
  process.stderr.write(`examples: ${why}; building lib/ (tsc -p tsconfig.json)\n`);
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', path.join(root, 'tsconfig.json')], { cwd: root, stdio: 'inherit' });
}

// ../src (and ../src/x) from an example resolves to the same module under lib/.
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, parent, ...rest) {
  if (parent && parent.filename && path.dirname(parent.filename) === __dirname && (request === '../src' || request.startsWith('../src/'))) {
    request = path.join(lib, request.slice('../src'.length));
  }
  return resolve.call(this, request, parent, ...rest);
};
// examples/*.ts are transpiled by sucrase (types stripped, imports to CommonJS; line numbers
// kept), and the output is cached by content under node_modules/.cache, so a warm synth loads no
// transpiler at all (loading sucrase and transforming took a quarter of the app's CPU time).
const cacheDir = path.join(root, 'node_modules', '.cache', 'cdk8s-secure-examples');
const sucraseVersion = require('sucrase/package.json').version;
let sucrase;
require.extensions['.ts'] = function (module, filename) {
  const source = fs.readFileSync(filename, 'utf8');
  const key = crypto.createHash('sha256').update(`${sucraseVersion}\0${filename}\0${source}`).digest('hex');
  const cached = path.join(cacheDir, `${key}.js`);
  let code;
  try {
    code = fs.readFileSync(cached, 'utf8');
  } catch {
    sucrase ??= require('sucrase');
    code = sucrase.transform(source, { transforms: ['imports', 'typescript'], filePath: filename }).code;
    try {
      // Written beside and renamed, so a concurrent synth never reads half a file.
      fs.mkdirSync(cacheDir, { recursive: true });
      const tmp = `${cached}.${process.pid}.tmp`;
      fs.writeFileSync(tmp, code);
      fs.renameSync(tmp, cached);
    } catch {
      // A read-only node_modules only costs the next run the transform again.
    }
  }
  module._compile(code, filename);
};
require('./main.ts');
