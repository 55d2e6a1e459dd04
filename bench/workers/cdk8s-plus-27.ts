// Variant `cdk8s-plus-27`: the same objects hand-written with cdk8s-plus-27 L2 constructs
// (build-kplus.ts) under a plain cdk8s App.
const T0 = process.hrtime.bigint();
import { App } from 'cdk8s';
import { report, workerArgs } from '../common';
import { defineKplus } from '../build-kplus';

const T1 = process.hrtime.bigint();
const { layout, n, out } = workerArgs();
const app = new App({ outdir: out });
defineKplus(app, layout, n);
const T2 = process.hrtime.bigint();
app.synth();
report(T0, T1, T2, process.hrtime.bigint());
