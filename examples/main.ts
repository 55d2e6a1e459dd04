// `npx cdk8s synth` runs this file (see cdk8s.yaml) and writes the manifests to dist/.
// SinglePassApp is a drop-in cdk8s App that writes the same files in one pass (README: "Large apps").
import { SinglePassApp } from '../src';
import { buildBookstore } from './bookstore';
import { buildCatalog, buildStorefront } from './north-south';
import { buildPlatform } from './platform';

const app = new SinglePassApp();
buildPlatform(app);
buildStorefront(app);
buildCatalog(app);
buildBookstore(app);
app.synth();
