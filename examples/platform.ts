// Two teams' namespaces. The Istio ingress gateway reaches web; web reaches api; api reaches the
// ledger in the payments namespace and an external PostgreSQL network. Everything else is
// denied, in both directions, on every pod; DNS goes to kube-dns only. `shop` is in the Istio
// mesh (sidecars, with the Istio CNI plugin so pods stay Pod Security restricted) with STRICT
// mTLS, and every app there gets an AuthorizationPolicy from the same intents. api is scraped by
// Prometheus and alerted on. Every image is pinned by digest (requireDigest refuses a tag
// alone); each app that can hang without exiting names its own liveness check.
import { App, Chart } from 'cdk8s';
import { ClusterSettings, IsolatedNamespace, Mesh, MonitoredService, Peer, Probe, RbacSubject, SecureApp } from '../src';

export function buildPlatform(app: App): void {
  ClusterSettings.apply(app, { requireDigest: true });
  const shopChart = new Chart(app, 'shop', { disableResourceNameHashes: true });
  const paymentsChart = new Chart(app, 'payments', { disableResourceNameHashes: true });

  const shop = new IsolatedNamespace(shopChart, 'shop', {
    editors: [RbacSubject.group('shop-developers')],
    mesh: Mesh.sidecar({ istioCni: true }),
    // Up to 10 pods (web 2 + api 6, each +1 rollout surge), each 500m for the app + 500m sidecar.
    quota: { 'limits.cpu': '12' },
  });
  const payments = new IsolatedNamespace(paymentsChart, 'payments', {
    admins: [RbacSubject.group('payments-oncall')],
    viewers: [RbacSubject.group('shop-developers')],
  });

  const web = new SecureApp(shop, 'web', {
    name: 'web',
    image: 'ghcr.io/acme/web:1.4.2@sha256:9b2e4f6a8c0d1e3f5a7b9c1d3e5f7a9b0c2d4e6f8a0b1c3d5e7f9a1b2c4d6e8f',
    port: 8080,
    liveness: Probe.httpGet('/livez'),
  });
  const api = new MonitoredService(shop, 'api', {
    name: 'api',
    image: 'ghcr.io/acme/api@sha256:3f1c1b7e6a0d4b5c2e9f8a7b6c5d4e3f2a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d',
    version: '3.1.0',
    port: 9000,
    liveness: Probe.httpGet('/livez'),
    autoscaling: { maxReplicas: 6 },
    metrics: { port: 9090 },
    alerting: {
      labels: { team: 'shop' },
      requestMetrics: { totalCounter: 'http_requests_total', durationHistogram: 'http_request_duration_seconds' },
      errorRate: { runbookUrl: 'https://runbooks.acme.example/shop/api-errors' },
      latency: { runbookUrl: 'https://runbooks.acme.example/shop/api-latency' },
    },
    dashboard: true,
  });
  const ledger = new SecureApp(payments, 'ledger', {
    name: 'ledger',
    image: 'ghcr.io/acme/ledger:2.0.1@sha256:5d7f9a1b3c5e7f9a0b2c4d6e8f0a1b3c5d7e9f1a2b4c6d8e0f1a3b5c7d9e1f2a',
    port: 7000,
    appProtocol: 'grpc',
    liveness: Probe.grpc(),
    runtimeClassName: 'gvisor',
  });

  web.allowFrom(Peer.pods('istio-ingress', { istio: 'ingressgateway' }, { serviceAccount: 'istio-ingressgateway' }));
  api.allowFrom(web);
  api.allowTo(ledger);
  api.allowTo(Peer.ipBlock('10.40.0.0/24'), { port: 5432 });
}
