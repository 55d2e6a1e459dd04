import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { INSTANCE_LABEL } from './core/constants';
import { SecureConfigError } from './core/errors';
import { checkDns1035Label } from './core/validate';
import type { WorkloadPort } from './model/peer';
import { propsShapeProblems } from './model/pod-schema';
import type { Placement } from './model/placement';
import {
  ADD_SERVICE_FIELDS, AddServiceOptions, meshServicePorts, resolveServicePorts, ServicePortRecord, serviceTypeProblem,
} from './model/service-options';
import { ServiceType } from './model/workload-options';

/** What a workload tells `addService` about itself. */
export interface ServiceHost {
  readonly scope: Construct;
  readonly path: string;
  /** The name of the workload's own Service, when it has one (a DaemonSet or Job has none). */
  readonly serviceName?: string;
  readonly namespace?: string;
  readonly labels: { readonly [key: string]: string };
  readonly selector: { readonly [key: string]: string };
  readonly ports: readonly WorkloadPort[];
  readonly servicePorts: readonly ServicePortRecord[];
  readonly meshed: boolean;
  readonly placement: Placement;
}

/**
 * Counts a NodePort or LoadBalancer Service against its namespace's quota: the namespace judges
 * its members' footprints, and a Service is one with no pods.
 */
export function countServiceInQuota(placement: Placement, path: string, type: ServiceType, ports: number): void {
  if (type === ServiceType.CLUSTER_IP) return;
  placement.members?.push({
    path,
    footprint: () => ({ path, maxPods: 0, podsExplained: 'no pods', perPod: {}, serviceTypes: [type], services: [{ type, ports }] }),
    containerLimits: () => [],
  });
}

/** One more Service in front of a workload's pods, with its own name, type and ports. */
export function addWorkloadService(h: ServiceHost, name: string, options: AddServiceOptions): ApiObject {
  const o = options ?? {};
  const id = `Service-${name}`;
  const where = `addService("${name}")`;
  // Types first: the checks below read the options as their declared types.
  const shape = propsShapeProblems(o, ADD_SERVICE_FIELDS).map((p) => `${where} options.${p}`);
  if (shape.length) throw new SecureConfigError(h.path, shape);
  const problems: Array<string | undefined> = [
    typeof name === 'string' ? checkDns1035Label(`${where} name`, name) : `${where}: the name must be a string. Fix: pass the Service's name, e.g. "frontend-external".`,
    serviceTypeProblem(`${where} type`, o.type),
  ];
  if (name === h.serviceName) problems.push(`${where}: "${name}" is the workload's own Service. Fix: give the added Service another name, or set serviceName on the workload.`);
  else if (typeof name === 'string' && h.scope.node.tryFindChild(id)) problems.push(`${where}: a Service "${name}" was already added. Fix: add each Service once, with all its ports.`);
  if (h.ports.length === 0) problems.push(`${where}: the workload has no container port for a Service to send to. Fix: give it a \`port\` (or \`ports\`).`);
  const resolved = h.ports.length ? resolveServicePorts(name, h.ports, h.servicePorts, o.ports) : { ports: [], problems: [] };
  const found = [...problems, ...resolved.problems].filter((p): p is string => p !== undefined);
  if (found.length) throw new SecureConfigError(h.path, found);
  const type = o.type ?? ServiceType.CLUSTER_IP;
  const service = new ApiObject(h.scope, id, {
    apiVersion: 'v1',
    kind: 'Service',
    // Without the instance label: a ServiceMonitor selects the workload's own Service by it, and
    // would scrape every pod once more through this one.
    metadata: { name, namespace: h.namespace, labels: Object.fromEntries(Object.entries(h.labels).filter(([k]) => k !== INSTANCE_LABEL)) },
    spec: { type, selector: { ...h.selector }, ports: meshServicePorts(resolved.ports, h.meshed) },
  });
  countServiceInQuota(h.placement, `${h.path}/${id}`, type, resolved.ports.length);
  return service;
}
