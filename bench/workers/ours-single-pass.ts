// Variant `ours-single-pass`: the same constructs as `ours`, under the library's SinglePassApp.
const T0 = process.hrtime.bigint();
import { loadLib, report, workerArgs } from '../common';
import { defineOurs } from '../build-ours';

const lib = loadLib();
const T1 = process.hrtime.bigint();
const C1 = process.cpuUsage();
const { layout, n, out, workload } = workerArgs();
const app = new lib.SinglePassApp({ outdir: out });
defineOurs(lib, app, layout, n, workload);
const T2 = process.hrtime.bigint();
app.synth();
report(T0, T1, T2, process.hrtime.bigint(), C1);
