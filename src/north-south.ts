import { ApiObject, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { SecureConfigError } from './core/errors';
import { Certificate } from './imports/cert-manager.io';
import { CiliumNetworkPolicy } from './imports/cilium.io';
import { HttpRoute, ReferenceGrant } from './imports/gateway.networking.k8s.io';
import { ServiceEntry, Sidecar } from './imports/networking.istio.io';
import { resolveConnection } from './model/connection';
import { ExposeOptions, Exposure, exposureProblems, Gateway, IEntryPoint, IngressController } from './model/gateway';
import { addressEgress, AllowToHostOptions, HostEnforcement, hostEnforcement, hostProblems, HostProtocol } from './model/hosts';
import type { WorkloadIntents } from './model/intents';
import type { MeshMode } from './model/mesh';
import type { IWorkload } from './model/peer';
import { readSettings } from './model/settings';
import { addressServiceEntrySpec, ciliumEgressSpec, registryOnlySidecarSpec, serviceEntrySpec } from './render/egress/hosts';
import { certificateSpec, httpRouteSpec, ingressSpec, referenceGrantSpec } from './render/exposure/routes';

/**
 * What north-south intents need of a workload, whatever its kind: every workload construct
 * (SecureApp today; the other kinds the same way) hands itself and its intents to
 * `exposeWorkload` / `allowWorkloadToHost`, so routes and host egress are one implementation.
 */
export interface NorthSouthWorkload {
  /** The construct the objects are added under. */
  readonly scope: Construct;
  /** The workload (connections are recorded on it). */
  readonly workload: IWorkload;
  /** Its intents. */
  readonly intents: WorkloadIntents;
  /** Its labels (copied onto the objects written for it). */
  readonly labels: { readonly [key: string]: string };
  /** Its Service's name. */
  readonly serviceName: string;
  /** Its Service's ports (name, port, and the container port name they target). */
  readonly servicePorts: ReadonlyArray<{ readonly name: string; readonly port: number; readonly targetPort: string }>;
  /** How it is in the mesh, if at all. */
  readonly mesh?: MeshMode;
}

/** The HTTPRoute (and ReferenceGrant) of one exposure, and the connection from the entry point's pods. */
export function exposeWorkload(w: NorthSouthWorkload, entryPoint: IEntryPoint, options: ExposeOptions): void {
  const path = w.workload.path;
  const entry = entryPoint.entry;
  const problems = [...(entryPoint instanceof Gateway || entryPoint instanceof IngressController ? entryPoint.problems() : []), ...exposureProblems(entry, options)];
  if (problems.length) throw new SecureConfigError(path, problems);
  const { connection, problem } = resolveConnection(entryPoint, w.workload, { port: options.port });
  if (!connection) throw new SecureConfigError(path, [problem!]);
  const containerPort = w.workload.ports.find((p) => p.port === connection.port && p.protocol === connection.protocol)!;
  const servicePort = w.servicePorts.find((sp) => sp.targetPort === containerPort.name);
  if (!servicePort) {
    throw new SecureConfigError(path, [`container port ${containerPort.port} ("${containerPort.name}") is not on ${w.workload.name}'s Service, so a route has no backend port to send it to. Fix: drop exposeOnService: false from that port, or expose another port.`]);
  }
  const backendNamespace = w.workload.namespace ?? 'default';
  const exposure: Exposure = {
    entry,
    hostnames: [...options.hostnames],
    path: options.path ?? '/',
    port: connection.port,
    routeNamespace: options.routeNamespace ?? backendNamespace,
    tlsSecretName: options.tlsSecretName,
    certificate: options.certificate ? { ...options.certificate } : undefined,
  };
  const n = w.intents.exposures.length;
  w.intents.addExposure(exposure);
  connection.from.workload?.recordConnection(connection);
  w.workload.recordConnection(connection);

  const name = `${w.workload.name}-${entry.name}${n ? `-${n + 1}` : ''}`.slice(0, 253);
  const backend = { name: w.serviceName, namespace: backendNamespace, port: servicePort.port };
  const routeNamespace = exposure.routeNamespace === backendNamespace ? w.workload.namespace : exposure.routeNamespace;
  const id = n ? `Route${n + 1}` : 'Route';
  const certificate = certificateSpec(exposure);
  if (certificate) {
    const certNamespace = entry.type === 'gateway' ? entry.namespace : w.workload.namespace;
    new Certificate(w.scope, `${id}Certificate`, { metadata: { name, namespace: certNamespace, labels: { ...w.labels } }, spec: certificate });
  }
  if (entry.type === 'ingress') {
    new ApiObject(w.scope, id, {
      apiVersion: 'networking.k8s.io/v1', kind: 'Ingress',
      metadata: { name, namespace: w.workload.namespace, labels: { ...w.labels } },
      spec: ingressSpec(exposure, backend),
    });
    return;
  }
  new HttpRoute(w.scope, id, { metadata: { name, namespace: routeNamespace, labels: { ...w.labels } }, spec: httpRouteSpec(exposure, backend) });
  const grant = referenceGrantSpec(exposure, backend);
  if (grant) {
    new ReferenceGrant(w.scope, `${id}Grant`, { metadata: { name, namespace: backendNamespace, labels: { ...w.labels } }, spec: grant });
  }
}

/**
 * Egress to an external host by name, enforced by whatever can: a CiliumNetworkPolicy with
 * `toFQDNs` on Cilium, else a ServiceEntry and a REGISTRY_ONLY Sidecar in a sidecar mesh (with
 * the NetworkPolicy egress that path needs, added through the intents' holes). Reads the
 * cluster settings now, since which objects exist depends on the CNI.
 */
export function allowWorkloadToHost(w: NorthSouthWorkload, hostname: string, options: AllowToHostOptions): void {
  const path = w.workload.path;
  const problems = hostProblems(hostname, options);
  if (problems.length) throw new SecureConfigError(path, problems);
  const settings = readSettings(w.scope, path);
  const { enforcement, problem } = hostEnforcement(w.mesh, settings.cni, hostname);
  if (!enforcement) throw new SecureConfigError(path, [problem!]);
  const firstOfHost = !w.intents.hosts.some((h) => h.hostname === hostname);
  const firstOfKind = !w.intents.hosts.some((h) => h.enforcement === enforcement);
  if (!w.intents.addHost({ hostname, port: options.port, protocol: options.protocol ?? HostProtocol.TLS, enforcement })) return;
  const namespace = w.workload.namespace;
  const labels = { ...w.labels };
  const mine = () => w.intents.hosts.filter((h) => h.enforcement === enforcement);
  if (enforcement === HostEnforcement.CILIUM) {
    if (firstOfKind) {
      new CiliumNetworkPolicy(w.scope, 'HostEgress', {
        metadata: { name: `${w.workload.name}-hosts`, namespace, labels },
        spec: Lazy.any({ produce: () => ciliumEgressSpec(w.intents.selector, mine(), readSettings(w.scope)) }),
      });
    }
    return;
  }
  if (firstOfKind) {
    new Sidecar(w.scope, 'Sidecar', { metadata: { name: w.workload.name, namespace, labels }, spec: registryOnlySidecarSpec(w.intents.selector) });
  }
  if (firstOfHost) {
    new ServiceEntry(w.scope, `Host-${hostname}`, {
      metadata: { name: `${w.workload.name}-${hostname}`.slice(0, 253), namespace, labels },
      spec: Lazy.any({ produce: () => serviceEntrySpec(hostname, mine()) }),
    });
  }
  openAddressesThroughSidecar(w);
}

// Workloads whose address ServiceEntry exists: one per workload, its spec rendered at synth.
const ADDRESS_ENTRIES = new WeakSet<WorkloadIntents>();

/**
 * Under a REGISTRY_ONLY Sidecar, the ServiceEntry for the blocks the workload dials by address
 * (`allowTo(Peer.ipBlock(…))`), created by whichever comes second: the first host the sidecar
 * enforces, or the first such connection. Every workload calls it after recording a connection.
 */
export function openAddressesThroughSidecar(w: NorthSouthWorkload): void {
  if (ADDRESS_ENTRIES.has(w.intents) || !w.intents.hosts.some((h) => h.enforcement === HostEnforcement.SIDECAR)) return;
  const egress = () => addressEgress(w.intents.connections.filter((c) => w.intents.isOutbound(c)));
  if (egress().cidrs.length === 0) return;
  ADDRESS_ENTRIES.add(w.intents);
  const namespace = w.workload.namespace;
  new ServiceEntry(w.scope, 'AddressEgress', {
    metadata: { name: `${w.workload.name}-addresses`, namespace, labels: { ...w.labels } },
    spec: Lazy.any({ produce: () => addressServiceEntrySpec(`${w.workload.name}.${namespace ?? 'default'}.addresses.invalid`, egress()) }),
  });
}
