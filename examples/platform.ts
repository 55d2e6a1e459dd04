// Two teams' namespaces. The Istio ingress gateway reaches web; web reaches api; api reaches the
// ledger in the payments namespace and an external PostgreSQL network. Everything else is
// denied, in both directions, on every pod; DNS goes to kube-dns only. `shop` is in the Istio
// mesh (sidecars, with the Istio CNI plugin so pods stay Pod Security restricted) with STRICT
// mTLS, and every app there gets an AuthorizationPolicy from the same intents. api is scraped by
// Prometheus and alerted on.
import { App, Chart } from 'cdk8s';
import { IsolatedNamespace, Mesh, MonitoredService, Peer, RbacSubject, SecureApp } from '../src';

export function buildPlatform(app: App): void {
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

  const web = new SecureApp(shop, 'web', { name: 'web', image: 'ghcr.io/acme/web:1.4.2', port: 8080 });
  const api = new MonitoredService(shop, 'api', {
    name: 'api',
    image: 'ghcr.io/acme/api@sha256:3f1c1b7e6a0d4b5c2e9f8a7b6c5d4e3f2a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d',
    port: 9000,
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
    image: 'ghcr.io/acme/ledger:2.0.1',
    port: 7000,
    appProtocol: 'grpc',
    runtimeClassName: 'gvisor',
  });

  web.allowFrom(Peer.pods('istio-ingress', { istio: 'ingressgateway' }, { serviceAccount: 'istio-ingressgateway' }));
  api.allowFrom(web);
  api.allowTo(ledger);
  api.allowTo(Peer.ipBlock('10.40.0.0/24'), { port: 5432 });
}
