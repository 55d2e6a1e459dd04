// Variant `cdk8s-bare`: the same documents as bare cdk8s ApiObjects under a plain App, no library
// (build-bare.ts): what cdk8s itself costs for these documents.
const T0 = process.hrtime.bigint();
import { App } from 'cdk8s';
import { report, workerArgs } from '../common';
import { defineBare } from '../build-bare';

const T1 = process.hrtime.bigint();
const C1 = process.cpuUsage();
const { layout, n, out, workload } = workerArgs();
const app = new App({ outdir: out });
defineBare(app, layout, n, workload);
const T2 = process.hrtime.bigint();
app.synth();
report(T0, T1, T2, process.hrtime.bigint(), C1);
