import type { HttpRouteSpec, ReferenceGrantSpec } from '../../imports/gateway.networking.k8s.io';
import { HttpRouteSpecRulesMatchesPathType } from '../../imports/gateway.networking.k8s.io';
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
