// Variant `floor`: the bytes at all. The same manifests `ours` emits, built as plain object
// literals (manifests.ts, checked by verify-floor.ts) and written with cdk8s' own Yaml.save, one
// file per chart as cdk8s names them. No constructs.
const T0 = process.hrtime.bigint();
import * as fs from 'fs';
import * as path from 'path';
import { Yaml } from 'cdk8s';
import { report, workerArgs } from '../common';
import { forEachFile } from '../manifests';

const T1 = process.hrtime.bigint();
const C1 = process.cpuUsage();
const { layout, n, out, workload } = workerArgs();
fs.mkdirSync(out, { recursive: true });
// Objects are built per file and written right away; building time is summed so the report can
// split it from serializing (reported as construct / synth).
let building = 0n;
let mark = process.hrtime.bigint();
forEachFile(layout, n, ({ file, docs }) => {
  const built = process.hrtime.bigint();
  building += built - mark;
  Yaml.save(path.join(out, file), docs);
  mark = process.hrtime.bigint();
}, workload);
const T3 = process.hrtime.bigint();
report(T0, T1, T1 + building, T3, C1);
