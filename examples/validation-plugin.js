// The validation plugin as `npx cdk8s synth` loads it in this repository (cdk8s.yaml): this
// library's SecureValidation from the compiled lib/. The cdk8s CLI runs the app first, and the
// app (examples/run.js) rebuilds lib/ whenever a src/ file is newer than its output, so the
// plugin always judges with the sources as they are, and the quick start needs no `prepare`
// script (a user's project loads the published package instead: README, "cdk8s validation plugin").
// Only the checks are loaded, not lib/index.js: the constructs, cdk8s and constructs are not needed
// to judge files, and loading them took a tenth of the CLI's synth.
'use strict';
exports.SecureValidation = require('../lib/checks/plugin').SecureValidation;
