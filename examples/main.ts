// A two-tier app: the ingress controller reaches web, web reaches api, api reaches an external
// PostgreSQL network. Everything else is denied, in both directions, on every pod.
import { App, Chart } from 'cdk8s';
import { Peer, SecureApp } from '../src';

const app = new App();
const chart = new Chart(app, 'two-tier', { namespace: 'shop', disableResourceNameHashes: true });

const web = new SecureApp(chart, 'web', { name: 'web', image: 'ghcr.io/acme/web:1.4.2', port: 8080 });
const api = new SecureApp(chart, 'api', {
  name: 'api',
  image: 'ghcr.io/acme/api@sha256:3f1c1b7e6a0d4b5c2e9f8a7b6c5d4e3f2a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d',
  port: 9000,
  autoscaling: { maxReplicas: 6 },
});

web.allowFrom(Peer.namespace('ingress-nginx'));
api.allowFrom(web);
api.allowTo(Peer.ipBlock('10.40.0.0/24'), { port: 5432 });

app.synth();
