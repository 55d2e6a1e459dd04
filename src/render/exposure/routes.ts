import type { HttpRouteSpec, ReferenceGrantSpec } from '../../imports/gateway.networking.k8s.io';
import { HttpRouteSpecRulesMatchesPathType } from '../../imports/gateway.networking.k8s.io';
import type { CertificateSpec } from '../../imports/cert-manager.io';
import type { Exposure } from '../../model/gateway';

/** The Service a route sends traffic to. */
export interface RouteBackend {
  /** Service name. */
  readonly name: string;
  /** Service namespace. */
  readonly namespace: string;
  /** The Service port in front of the exposed container port. */
  readonly port: number;
}

/**
 * The HTTPRoute of one exposure: attached to the Gateway (and its listener, when the exposure
 * names one), the hostnames, one PathPrefix match, the app's Service as the only backend.
 * `namespace` is written only when the route is not in the backend's namespace.
 */
export function httpRouteSpec(exposure: Exposure, backend: RouteBackend): HttpRouteSpec {
  const e = exposure.entry;
  return {
    parentRefs: [{
      group: 'gateway.networking.k8s.io',
      kind: 'Gateway',
      name: e.name,
      namespace: e.namespace,
      sectionName: e.sectionName,
    }],
    hostnames: [...exposure.hostnames],
    rules: [{
      matches: [{ path: { type: HttpRouteSpecRulesMatchesPathType.PATH_PREFIX, value: exposure.path } }],
      backendRefs: [{
        group: '',
        kind: 'Service',
        name: backend.name,
        namespace: exposure.routeNamespace === backend.namespace ? undefined : backend.namespace,
        port: backend.port,
      }],
    }],
  };
}

/**
 * The ReferenceGrant a route needs, if any. An HTTPRoute attaching to a Gateway in another
 * namespace is governed by that Gateway's `allowedRoutes`, not by a ReferenceGrant; a grant is
 * needed only when the route refers to a backend in another namespace than its own. It lives in
 * the backend's namespace and admits HTTPRoutes of the route's namespace to this one Service.
 */
export function referenceGrantSpec(exposure: Exposure, backend: RouteBackend): ReferenceGrantSpec | undefined {
  if (exposure.routeNamespace === backend.namespace) return undefined;
  return {
    from: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', namespace: exposure.routeNamespace }],
    to: [{ group: '', kind: 'Service', name: backend.name }],
  };
}

/** The spec of an Ingress for one exposure: the class, TLS for every hostname, one Prefix path per hostname. */
export interface IngressSpec {
  readonly ingressClassName: string;
  readonly tls: ReadonlyArray<{ readonly hosts: readonly string[]; readonly secretName: string }>;
  readonly rules: ReadonlyArray<{
    readonly host: string;
    readonly http: { readonly paths: ReadonlyArray<{ readonly path: string; readonly pathType: 'Prefix'; readonly backend: { readonly service: { readonly name: string; readonly port: { readonly number: number } } } }> };
  }>;
}

/** The Ingress of an exposure through an Ingress controller; TLS is always there (the model requires it). */
export function ingressSpec(exposure: Exposure, backend: RouteBackend): IngressSpec {
  return {
    ingressClassName: exposure.entry.name,
    tls: [{ hosts: [...exposure.hostnames], secretName: exposure.tlsSecretName! }],
    rules: exposure.hostnames.map((host) => ({
      host,
      http: { paths: [{ path: exposure.path, pathType: 'Prefix', backend: { service: { name: backend.name, port: { number: backend.port } } } }] },
    })),
  };
}

/** The cert-manager Certificate for an exposure's hostnames, writing its TLS Secret; undefined when none was asked. */
export function certificateSpec(exposure: Exposure): CertificateSpec | undefined {
  const c = exposure.certificate;
  if (!c) return undefined;
  return {
    secretName: exposure.tlsSecretName!,
    dnsNames: [...exposure.hostnames],
    issuerRef: { group: 'cert-manager.io', kind: c.issuerKind ?? 'ClusterIssuer', name: c.issuerName },
  };
}
