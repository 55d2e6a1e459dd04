// Variant `ours`: SecureApp / MonitoredService / IsolatedNamespace under a plain cdk8s App.
const T0 = process.hrtime.bigint();
import { App } from 'cdk8s';
import { loadLib, report, workerArgs } from '../common';
import { defineOurs } from '../build-ours';

const lib = loadLib();
const T1 = process.hrtime.bigint();
const C1 = process.cpuUsage();
const { layout, n, out, workload } = workerArgs();
const app = new App({ outdir: out });
defineOurs(lib, app, layout, n, workload);
const T2 = process.hrtime.bigint();
app.synth();
report(T0, T1, T2, process.hrtime.bigint(), C1);
