import { checkHostname } from '../core/hostname';
import { checkDnsLabel, checkDnsSubdomain, checkLabels, checkPortNumber } from '../core/validate';
import { MeshMode } from './mesh';
import { IPeer, PeerInfo, PeerKind } from './peer';

/** The protocol of a Gateway listener that routes HTTP. */
export enum ListenerProtocol {
  /** TLS terminated at the gateway, HTTP behind it. */
  HTTPS = 'HTTPS',
  /** Plain text from the client to the gateway: refused unless the gateway says `allowPlainHttp`. */
  HTTP = 'HTTP',
}

/** One listener of an existing Gateway, as its `spec.listeners[]` declares it. */
export interface GatewayListener {
  /** The listener's `name` (what a route's `parentRefs[].sectionName` names). */
  readonly name: string;
  /** The listener's `protocol`. */
  readonly protocol: ListenerProtocol;
  /**
   * The listener's `hostname`: a route's hostnames must fall under it (`*.example.com` admits
   * `shop.example.com`).
   * @default - the listener takes any hostname
   */
  readonly hostname?: string;
}

/** A Gateway API `Gateway` that already exists in the cluster, and the pods that serve it. */
export interface GatewayAttributes {
  /** The Gateway's name. */
  readonly name: string;
  /** The Gateway's namespace. */
  readonly namespace: string;
  /**
   * The Gateway's listeners (at least one). Routes attach to `sectionName`, or to all of them.
   */
  readonly listeners: GatewayListener[];
  /**
   * The listener routes attach to (`parentRefs[].sectionName`).
   * @default - every listener of the Gateway
   */
  readonly sectionName?: string;
  /** Labels of the gateway's proxy pods (NetworkPolicy admits only them). */
  readonly podLabels: { [key: string]: string };
  /**
   * ServiceAccount of the gateway's pods: its mesh identity. Implies `meshed`.
   * @default - the namespace is the narrowest identity the AuthorizationPolicy can admit
   */
  readonly serviceAccount?: string;
  /**
   * The gateway's pods are in the Istio mesh (Istio's own gateways are).
   * @default false
   */
  readonly meshed?: boolean;
  /**
   * Admit routes through plain-HTTP listeners. Anyone on the path reads and changes such
   * traffic, so this must be said explicitly.
   * @default false
   */
  readonly allowPlainHttp?: boolean;
}

/** How an app is exposed through a gateway. */
export interface ExposeOptions {
  /** Hostnames clients use (at least one; `*.example.com` wildcards where the listener admits them). */
  readonly hostnames: string[];
  /**
   * Path prefix routed to the app.
   * @default '/'
   */
  readonly path?: string;
  /**
   * The app's container port the traffic goes to (never a Service port).
   * @default - the app's main container port
   */
  readonly port?: number;
  /**
   * Namespace the HTTPRoute is written in. Left at the app's namespace, the Gateway's
   * `allowedRoutes` decides whether it may attach and no ReferenceGrant is needed; in another
   * namespace (e.g. the gateway's, where a platform team keeps routes) the route's backend is in
   * a foreign namespace, so a ReferenceGrant in the app's namespace admits it.
   * @default - the app's namespace
   */
  readonly routeNamespace?: string;
  /**
   * The Secret holding the TLS certificate for the hostnames. Required for an Ingress (which
   * would otherwise serve plain HTTP); for a Gateway the listener holds its certificate, so it
   * is only used with `certificate`, as the Secret that Certificate writes (in the Gateway's
   * namespace, for the listener's `certificateRefs`).
   * @default - none
   */
  readonly tlsSecretName?: string;
  /**
   * Ask cert-manager for a certificate covering the hostnames: a `Certificate` writing
   * `tlsSecretName`, in the namespace of what terminates TLS (the app's for an Ingress, the
   * Gateway's for a Gateway).
   * @default - no Certificate: the Secret is provided some other way
   */
  readonly certificate?: CertificateOptions;
}

/** A cert-manager issuer to request the hostnames' certificate from. */
export interface CertificateOptions {
  /** The Issuer or ClusterIssuer name. */
  readonly issuerName: string;
  /**
   * `ClusterIssuer` or `Issuer`.
   * @default 'ClusterIssuer'
   */
  readonly issuerKind?: string;
}

/** An Ingress controller that exists in the cluster (for clusters without the Gateway API). */
export interface IngressControllerAttributes {
  /** The IngressClass the controller serves (`spec.ingressClassName`). */
  readonly ingressClassName: string;
  /** Namespace of the controller's pods. */
  readonly namespace: string;
  /** Labels of the controller's pods (NetworkPolicy admits only them). */
  readonly podLabels: { [key: string]: string };
  /**
   * ServiceAccount of the controller's pods: its mesh identity. Implies `meshed`.
   * @default - the namespace is the narrowest identity
   */
  readonly serviceAccount?: string;
  /**
   * The controller's pods are in the Istio mesh.
   * @default false
   */
  readonly meshed?: boolean;
}

/** Where north-south traffic enters: a Gateway API Gateway, or an Ingress controller. */
export interface IEntryPoint extends IPeer {
  /** What the entry point is, as plain data. */
  readonly entry: EntryInfo;
}

/** An entry point, as plain data. */
export interface EntryInfo {
  /** 'gateway' (Gateway API) or 'ingress' (networking.k8s.io Ingress). */
  readonly type: string;
  /** Gateway name, or the IngressClass name. */
  readonly name: string;
  /** Namespace of the entry point's pods (and of the Gateway). */
  readonly namespace: string;
  /** The listeners routes attach to (Gateway only). */
  readonly listeners: GatewayListener[];
  /** `parentRefs[].sectionName`, when routes attach to one listener. */
  readonly sectionName?: string;
  /** Whether plain-HTTP listeners are admitted. */
  readonly allowPlainHttp: boolean;
}

/** The gateway's listener a hostname falls under, per the Gateway API's hostname matching. */
export function listenerAdmits(listener: GatewayListener, hostname: string): boolean {
  const l = listener.hostname;
  if (l === undefined) return true;
  if (l === hostname) return true;
  if (l.startsWith('*.')) {
    const suffix = l.slice(1);
    // `*.example.com` admits `a.example.com` and `a.b.example.com`, and the route wildcard `*.example.com`.
    return hostname.endsWith(suffix) && hostname.length > suffix.length;
  }
  return hostname.startsWith('*.') && l.endsWith(hostname.slice(1));
}

/**
 * A Gateway API `Gateway` that exists in the cluster: `app.exposeVia(gateway, …)` writes the
 * HTTPRoute that attaches to it and opens the app to the gateway's pods, and only to them.
 */
export class Gateway implements IEntryPoint {
  /** Describes an existing Gateway; bad attributes are reported by the `exposeVia` they are given to. */
  public static fromAttributes(attrs: GatewayAttributes): Gateway {
    return new Gateway(attrs);
  }

  /** What the Gateway is. */
  public readonly entry: EntryInfo;
  private readonly info: PeerInfo;
  private readonly found: string[];

  private constructor(attrs: GatewayAttributes) {
    const a = attrs ?? ({} as GatewayAttributes);
    const listeners = a.listeners ?? [];
    const where = `Gateway ${a.namespace}/${a.name}`;
    const sectionProblem = a.sectionName !== undefined && !listeners.some((l) => l.name === a.sectionName)
      ? `${where} has no listener "${a.sectionName}" (it has ${listeners.map((l) => `"${l.name}"`).join(', ') || 'none'}). Fix: set sectionName to one of the listeners, or describe the listener in \`listeners\`.`
      : undefined;
    this.found = [
      checkDnsSubdomain('Gateway name', String(a.name)),
      checkDnsLabel('Gateway namespace', String(a.namespace)),
      listeners.length === 0 ? `${where} lists no listeners. Fix: give its listeners as { name, protocol: ListenerProtocol.HTTPS, hostname? }, as its spec.listeners declares them.` : undefined,
      ...listeners.map((l) => checkDnsLabel(`${where} listener name`, String(l.name))),
      ...listeners.map((l) => Object.values(ListenerProtocol).includes(l.protocol) ? undefined
        : `${where} listener "${l.name}" has protocol "${l.protocol}", which does not route HTTP. Fix: use ListenerProtocol.HTTPS (or HTTP with allowPlainHttp).`),
      ...listeners.map((l) => l.hostname === undefined ? undefined : checkHostname(`${where} listener "${l.name}" hostname`, l.hostname, { allowed: true, target: 'a Gateway listener' })),
      sectionProblem,
      !a.podLabels || Object.keys(a.podLabels).length === 0
        ? `${where} gives no podLabels, so the NetworkPolicy could not tell its pods from any other. Fix: pass the labels of the gateway's proxy pods (e.g. { 'gateway.networking.k8s.io/gateway-name': '${a.name}' }).`
        : checkLabels(`${where} podLabels`, a.podLabels),
      a.serviceAccount !== undefined ? checkDnsSubdomain(`${where} serviceAccount`, a.serviceAccount) : undefined,
    ].filter((p): p is string => p !== undefined);
    this.entry = {
      type: 'gateway', name: a.name, namespace: a.namespace, sectionName: a.sectionName,
      listeners: listeners.map((l) => ({ ...l })), allowPlainHttp: a.allowPlainHttp ?? false,
    };
    this.info = entryPeerInfo(where, a);
  }

  /** What is wrong with the attributes, if anything. */
  public problems(): string[] {
    return [...this.found];
  }

  public toPeerInfo(): PeerInfo {
    return this.info;
  }
}

// Gateway and Ingress controller pods are the same kind of peer: a namespace, pod labels and,
// when they carry a ServiceAccount (or say they are meshed), a mesh identity.
function entryPeerInfo(description: string, a: { namespace: string; podLabels: { [key: string]: string }; serviceAccount?: string; meshed?: boolean }): PeerInfo {
  const meshed = a.meshed || a.serviceAccount !== undefined;
  return {
    kind: PeerKind.GATEWAY,
    description,
    namespace: a.namespace,
    podLabels: { ...a.podLabels },
    mesh: meshed ? MeshMode.SIDECAR : undefined,
    serviceAccountName: a.serviceAccount,
  };
}

/**
 * An Ingress controller (networking.k8s.io/v1 Ingress) for clusters without the Gateway API:
 * `app.exposeVia(controller, { hostnames, tlsSecretName })` writes an Ingress with TLS for the
 * hostnames and opens the app to the controller's pods only.
 */
export class IngressController implements IEntryPoint {
  /** Describes an existing controller; bad attributes are reported by the `exposeVia` they are given to. */
  public static fromAttributes(attrs: IngressControllerAttributes): IngressController {
    return new IngressController(attrs);
  }

  /** What the controller is. */
  public readonly entry: EntryInfo;
  private readonly info: PeerInfo;
  private readonly found: string[];

  private constructor(attrs: IngressControllerAttributes) {
    const a = attrs ?? ({} as IngressControllerAttributes);
    const where = `IngressClass ${a.ingressClassName}`;
    this.found = [
      checkDnsSubdomain('ingressClassName', String(a.ingressClassName)),
      checkDnsLabel(`${where} namespace`, String(a.namespace)),
      !a.podLabels || Object.keys(a.podLabels).length === 0
        ? `${where} gives no podLabels, so the NetworkPolicy could not tell the controller's pods from any other. Fix: pass the labels of its pods (e.g. { 'app.kubernetes.io/name': 'ingress-nginx' }).`
        : checkLabels(`${where} podLabels`, a.podLabels),
      a.serviceAccount !== undefined ? checkDnsSubdomain(`${where} serviceAccount`, a.serviceAccount) : undefined,
    ].filter((p): p is string => p !== undefined);
    this.entry = { type: 'ingress', name: a.ingressClassName, namespace: a.namespace, listeners: [], allowPlainHttp: false };
    this.info = entryPeerInfo(`the ${where} controller in ${a.namespace}`, a);
  }

  /** What is wrong with the attributes, if anything. */
  public problems(): string[] {
    return [...this.found];
  }

  public toPeerInfo(): PeerInfo {
    return this.info;
  }
}

/** One exposure of a workload through an entry point, as recorded in its intents. */
export interface Exposure {
  /** The entry point. */
  readonly entry: EntryInfo;
  /** The hostnames routed. */
  readonly hostnames: readonly string[];
  /** The path prefix routed. */
  readonly path: string;
  /** The workload's container port the traffic goes to. */
  readonly port: number;
  /** The namespace the route is written in. */
  readonly routeNamespace: string;
  /** The TLS Secret (Ingress; Gateway only with a certificate). */
  readonly tlsSecretName?: string;
  /** The certificate asked for. */
  readonly certificate?: CertificateOptions;
}

/** The problems of exposing through `entry` with `options`, given the listeners it attaches to. */
export function exposureProblems(entry: EntryInfo, options: ExposeOptions): string[] {
  const o = options ?? ({} as ExposeOptions);
  const where = entry.type === 'gateway' ? `Gateway ${entry.namespace}/${entry.name}` : `IngressClass ${entry.name}`;
  const problems: Array<string | undefined> = [];
  const hostnames = o.hostnames ?? [];
  if (hostnames.length === 0) problems.push(`exposeVia(${where}) names no hostnames. Fix: pass { hostnames: ['shop.example.com'] }.`);
  const wildcards = entry.type === 'gateway' ? 'an HTTPRoute' : 'an Ingress';
  for (const h of hostnames) problems.push(checkHostname(`exposeVia(${where}) hostname`, h, { allowed: true, target: wildcards }));
  if (o.path !== undefined && (!o.path.startsWith('/') || /\/\.\.?(\/|$)|\/\/|%2f/i.test(o.path) || /[\s?#]/.test(o.path))) {
    problems.push(`exposeVia(${where}) path "${o.path}" is not a clean absolute path. Fix: start it with '/', without '//', '.', '..', '%2F', spaces, '?' or '#' (e.g. "/shop").`);
  }
  if (o.port !== undefined) problems.push(checkPortNumber(`exposeVia(${where}) port`, o.port));
  if (o.routeNamespace !== undefined) problems.push(checkDnsLabel(`exposeVia(${where}) routeNamespace`, o.routeNamespace));
  if (o.tlsSecretName !== undefined) problems.push(checkDnsSubdomain(`exposeVia(${where}) tlsSecretName`, o.tlsSecretName));
  if (o.certificate) {
    problems.push(checkDnsSubdomain(`exposeVia(${where}) certificate.issuerName`, String(o.certificate.issuerName)));
    if (o.certificate.issuerKind !== undefined && !['Issuer', 'ClusterIssuer'].includes(o.certificate.issuerKind)) {
      problems.push(`exposeVia(${where}) certificate.issuerKind "${o.certificate.issuerKind}" is not Issuer or ClusterIssuer. Fix: use 'ClusterIssuer' (the default) or 'Issuer'.`);
    }
    if (o.tlsSecretName === undefined) problems.push(`exposeVia(${where}) asks for a certificate but names no tlsSecretName for it to write. Fix: pass tlsSecretName (the Secret ${entry.type === 'gateway' ? "the listener's certificateRefs name" : 'the Ingress serves'}).`);
  }
  if (entry.type === 'ingress') {
    if (o.tlsSecretName === undefined) {
      problems.push(`exposeVia(${where}) has no TLS: an Ingress without a tls section serves ${hostnames.join(', ') || 'the app'} over plain HTTP. Fix: pass tlsSecretName (and certificate: { issuerName } to have cert-manager issue it).`);
    }
    if (o.routeNamespace !== undefined) problems.push(`exposeVia(${where}) sets routeNamespace, but an Ingress can only send traffic to Services of its own namespace. Fix: drop routeNamespace.`);
  } else if (o.tlsSecretName !== undefined && !o.certificate) {
    problems.push(`exposeVia(${where}) sets tlsSecretName, but a Gateway's listener holds its certificate (certificateRefs), not the route. Fix: drop tlsSecretName, or add certificate: { issuerName } to have cert-manager write that Secret in ${entry.namespace}.`);
  }
  if (entry.type === 'gateway') {
    const attached = entry.sectionName !== undefined ? entry.listeners.filter((l) => l.name === entry.sectionName) : entry.listeners;
    for (const l of attached) {
      if (l.protocol === ListenerProtocol.HTTP && !entry.allowPlainHttp) {
        problems.push(`${where} listener "${l.name}" is plain HTTP, so clients would reach ${hostnames.join(', ') || 'the app'} without TLS. Fix: attach to an HTTPS listener with sectionName, or, if plain text is really meant, say so with allowPlainHttp: true on the Gateway.`);
      }
    }
    const valid = hostnames.filter((h) => !checkHostname('', h, { allowed: true, target: '' }));
    for (const h of valid) {
      if (attached.length > 0 && !attached.some((l) => listenerAdmits(l, h))) {
        problems.push(`hostname "${h}" falls under no listener it attaches to (${attached.map((l) => `"${l.name}": ${l.hostname ?? 'any'}`).join(', ')}), so ${where} would not route it. Fix: use a hostname under the listener's, or attach to another listener.`);
      }
    }
  }
  return problems.filter((p): p is string => p !== undefined);
}
