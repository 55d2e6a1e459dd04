import { arrayOf, int, obj, oneOf, Schema, str } from '../core/prop-schema';
import { checkDns1035Label, checkPortName, checkPortNumber } from '../core/validate';
import { meshAppProtocol } from './mesh';
import { Protocol, WorkloadPort } from './peer';
import { ServiceType } from './workload-options';

/** A port of a Service added with `addService`. */
export interface ServicePortOptions {
  /** The port the Service listens on. */
  readonly port: number;
  /**
   * The workload's container port the Service forwards to.
   * @default - the container port with the same number as `port`
   */
  readonly targetPort?: number;
  /**
   * Protocol.
   * @default - the container port's
   */
  readonly protocol?: Protocol;
  /**
   * Name of the Service port.
   * @default - the container port's name
   */
  readonly name?: string;
  /**
   * Application protocol (Service `appProtocol`).
   * @default - the container port's; in a mesh, the one its name announces
   */
  readonly appProtocol?: string;
}

/** Options for `addService`: one more Service in front of the same pods. */
export interface AddServiceOptions {
  /**
   * Service type. A LoadBalancer or NodePort Service counts against the namespace's
   * `services.loadbalancers` (per Service) and `services.nodeports` (per port).
   * @default ServiceType.CLUSTER_IP
   */
  readonly type?: ServiceType;
  /**
   * Its ports.
   * @default - the same ports as the workload's own Service
   */
  readonly ports?: ServicePortOptions[];
}

const PORT = int();
const SERVICE_TYPE = oneOf(ServiceType.CLUSTER_IP, ServiceType.NODE_PORT, ServiceType.LOAD_BALANCER);

/** The declared shape of `addService`'s options, for the JavaScript-boundary check. */
export const ADD_SERVICE_FIELDS: { [name: string]: Schema } = {
  type: SERVICE_TYPE,
  ports: arrayOf(obj({ port: PORT, targetPort: PORT, protocol: oneOf('TCP', 'UDP', 'SCTP'), name: str, appProtocol: str }, ['port'])),
};

/** The declared shape of SecureServiceProps (its workloads are checked by the construct). */
export const SECURE_SERVICE_FIELDS: { [name: string]: Schema } = {
  name: str, port: PORT, servicePort: PORT, portName: str, appProtocol: str, type: SERVICE_TYPE,
};

/** A Service port as written, targeting a container port by name. */
export interface ServicePortRecord {
  readonly name: string;
  readonly port: number;
  readonly targetPort: string | number;
  readonly protocol: Protocol;
  readonly appProtocol?: string;
}

/** The problems with a Service type, if it is not one. */
export function serviceTypeProblem(what: string, type: unknown): string | undefined {
  return type !== undefined && !Object.values(ServiceType).includes(type as ServiceType)
    ? `${what} "${type}" is not ClusterIP, NodePort or LoadBalancer. Fix: use ServiceType.CLUSTER_IP (the default), ServiceType.NODE_PORT or ServiceType.LOAD_BALANCER.`
    : undefined;
}

/** Duplicate (port, protocol) pairs and names among the ports of one Service (`subject`, for messages). */
export function servicePortClashes(subject: string, ports: readonly { readonly name: string; readonly port: number; readonly protocol: string }[], names = true): string[] {
  const out: string[] = [];
  ports.forEach((p, i) => {
    const first = ports.findIndex((q) => q.port === p.port && q.protocol === p.protocol);
    if (first !== i) {
      out.push(`${subject} has port ${p.port}/${p.protocol} twice ("${ports[first].name}" and "${p.name}"); the API server refuses a Service that repeats a port and protocol. Fix: give each Service port its own number (servicePort), or expose only one of them.`);
    }
    if (names && ports.findIndex((q) => q.name === p.name) !== i) out.push(`${subject} has port name "${p.name}" twice. Fix: give each Service port its own name.`);
  });
  return out;
}

/**
 * The ports of a Service added in front of a workload's `containerPorts`: each resolved to a
 * container port (by number and protocol), named, and checked; or the problems.
 */
export function resolveServicePorts(
  service: string,
  containerPorts: readonly WorkloadPort[],
  defaults: readonly ServicePortRecord[],
  options: readonly ServicePortOptions[] | undefined,
): { ports: ServicePortRecord[]; problems: string[] } {
  if (options === undefined) return { ports: [...defaults], problems: servicePortClashes(`Service ${service}`, defaults) };
  const problems: string[] = [];
  const ports: ServicePortRecord[] = [];
  if (options.length === 0) problems.push(`Service ${service} has no ports. Fix: list at least one, e.g. ports: [{ port: 80, targetPort: ${containerPorts[0]?.port ?? 8080} }], or leave ports out for the workload's own.`);
  options.forEach((o, i) => {
    const what = `Service ${service} ports[${i}]`;
    const bad = checkPortNumber(`${what}.port`, o.port) ?? (o.targetPort !== undefined ? checkPortNumber(`${what}.targetPort`, o.targetPort) : undefined)
      ?? (o.name !== undefined ? checkPortName(`${what}.name`, o.name) : undefined);
    if (bad) { problems.push(bad); return; }
    const target = o.targetPort ?? o.port;
    const c = containerPorts.find((p) => p.port === target && (o.protocol === undefined || p.protocol === o.protocol));
    if (!c) {
      const have = containerPorts.map((p) => `${p.port}/${p.protocol} (${p.name})`).join(', ') || 'none';
      problems.push(`${what} targets container port ${target}/${o.protocol ?? 'TCP'}, which the workload does not declare (it has ${have}). Fix: set targetPort to one of those, or add the port with \`ports\`.`);
      return;
    }
    ports.push({ name: o.name ?? c.name, port: o.port, targetPort: c.name, protocol: c.protocol, appProtocol: o.appProtocol ?? c.appProtocol });
  });
  return { ports, problems: [...problems, ...servicePortClashes(`Service ${service}`, ports)] };
}

/** The ports as a Service in a mesh carries them: each with the appProtocol Istio selects by. */
export function meshServicePorts<T extends { readonly name: string; readonly protocol: string; readonly appProtocol?: string }>(ports: readonly T[], meshed: boolean): T[] {
  return meshed ? ports.map((sp) => ({ ...sp, appProtocol: meshAppProtocol(sp) })) : [...ports];
}

/** The problem with the name a workload's own Service gets, if it is not a DNS-1035 label. */
export function ownServiceNameProblem(props: { readonly name?: string; readonly serviceName?: string }, hasService: boolean): string | undefined {
  if (!hasService || props.serviceName !== undefined || props.name === undefined) return undefined;
  const bad = checkDns1035Label('name', props.name);
  return bad && `${bad.replace(/\. Fix: /, `; the workload's Service takes its name. Fix: set serviceName to a DNS-1035 label (keeping name "${props.name}" for the workload), or `)}`;
}
