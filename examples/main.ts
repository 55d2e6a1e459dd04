// `npx cdk8s synth` runs this file (see cdk8s.yaml) and writes the manifests to dist/.
import { App } from 'cdk8s';
import { buildPlatform } from './platform';

const app = new App();
buildPlatform(app);
app.synth();
