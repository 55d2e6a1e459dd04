// The validation plugin as `npx cdk8s synth` loads it in this repository (cdk8s.yaml): this
// library's SecureValidation, compiled from src/ as it is loaded. A user's project loads the
// built package instead (README, "cdk8s validation plugin"). Loading from src/ keeps the quick
// start free of a build step, so the package needs no `prepare` script, and keeps the plugin
// in step with the sources being edited (a stale lib/ cannot judge the examples).
require('ts-node').register({ transpileOnly: true, project: require('path').join(__dirname, '..', 'tsconfig.dev.json') });
module.exports = require('../src');
