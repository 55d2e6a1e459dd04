// North–south, both ways in and one way out. `storefront` is reached through a Gateway API
// Gateway (Istio's, in the mesh); `catalog`, for clusters without the Gateway API, through an
// Ingress with a cert-manager certificate. In each, the front app calls a back app, and the back
// app calls one external host by name, enforced by its REGISTRY_ONLY sidecar.
import { App, Chart } from 'cdk8s';
import { Gateway, IngressController, IsolatedNamespace, ListenerProtocol, Mesh, Probe, SecureApp } from '../src';

// Pinned by digest, with readiness and liveness asking different questions.
const probes = { readiness: Probe.httpGet('/ready'), liveness: Probe.httpGet('/healthz') };

/** In through a Gateway, app to app, out to a host. */
export function buildStorefront(app: App): void {
  const chart = new Chart(app, 'storefront', { disableResourceNameHashes: true });
  const ns = new IsolatedNamespace(chart, 'storefront', { mesh: Mesh.sidecar({ istioCni: true }) });
  const gateway = Gateway.fromAttributes({
    name: 'public',
    namespace: 'istio-ingress',
    listeners: [{ name: 'https', protocol: ListenerProtocol.HTTPS, hostname: '*.shop.example.com' }],
    sectionName: 'https',
    podLabels: { 'gateway.networking.k8s.io/gateway-name': 'public' },
    serviceAccount: 'public-istio',
  });
  const web = new SecureApp(ns, 'web', { name: 'web', image: 'ghcr.io/acme/storefront-web@sha256:76f99b81c633a546a8a998267aa4396e1dec4fbf8bf8e1c0083b28312df6fda3', ...probes, port: 8080 });
  const checkout = new SecureApp(ns, 'checkout', { name: 'checkout', image: 'ghcr.io/acme/checkout@sha256:f28bdd5ccc172b2f5eb1f96a654bd5e1a791643c8738c285424f5cc444fe9ed5', ...probes, port: 9000 });

  web.exposeVia(gateway, { hostnames: ['www.shop.example.com'] });
  checkout.allowFrom(web, { http: { methods: ['POST'], paths: ['/checkout/*'] } });
  checkout.allowToHost('api.stripe.com', { port: 443 });
}

/** The same three flows where the cluster has an Ingress controller instead of the Gateway API. */
export function buildCatalog(app: App): void {
  const chart = new Chart(app, 'catalog', { disableResourceNameHashes: true });
  const ns = new IsolatedNamespace(chart, 'catalog', { mesh: Mesh.sidecar({ istioCni: true }) });
  const nginx = IngressController.fromAttributes({
    ingressClassName: 'nginx',
    namespace: 'ingress-nginx',
    podLabels: { 'app.kubernetes.io/name': 'ingress-nginx' },
    // Injected with a sidecar, so STRICT mTLS in catalog admits it by this identity.
    serviceAccount: 'ingress-nginx',
  });
  const site = new SecureApp(ns, 'site', { name: 'site', image: 'ghcr.io/acme/catalog-site@sha256:7eb12d15bf0c63f9f88630c5755b0ed9fa82d5e944757e78cf432b75a092fe8c', ...probes, port: 8080 });
  const search = new SecureApp(ns, 'search', { name: 'search', image: 'ghcr.io/acme/catalog-search@sha256:e5c5c521ba617aa47e7c2c8e22dee000a31ed4c103b5dd3c2029c51632ce2e83', ...probes, port: 9200 });

  site.exposeVia(nginx, { hostnames: ['catalog.example.com'], tlsSecretName: 'catalog-tls', certificate: { issuerName: 'letsencrypt' } });
  search.allowFrom(site);
  search.allowToHost('search.algolia.net', { port: 443 });
}
