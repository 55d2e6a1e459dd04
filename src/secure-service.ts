import { ApiObject, Names } from 'cdk8s';
import { Construct } from 'constructs';
import { defaultPortName } from './core/defaults';
import { childPath, SecureConfigError } from './core/errors';
import { SERVICE_MEMBER_LABEL_PREFIX } from './core/constants';
import { checkDns1035Label, checkPortName, checkPortNumber } from './core/validate';
import { connectPeers } from './connect';
import { checkIdentities } from './identity';
import type { ConnectionOptions } from './model/connection';
import { IPeer, IWorkload, PeerInfo, PeerKind, Protocol, WorkloadPort } from './model/peer';
import { propsShapeProblems } from './model/pod-schema';
import { meshServicePorts, SECURE_SERVICE_FIELDS, serviceTypeProblem } from './model/service-options';
import { ServiceType } from './model/workload-options';
import { SecureWorkload } from './secure-workload';
import { countServiceInQuota } from './workload-services';
import { judgeWrittenObjects } from './written-objects';

/** Properties of a SecureService. */
export interface SecureServiceProps {
  /**
   * The workloads behind the Service (versions or canaries of one app: Bookinfo's reviews v1,
   * v2 and v3), all of this library and in one namespace. Any kind with a port: SecureApp,
   * SecureStatefulSet, MonitoredService, ….
   */
  readonly workloads: IWorkload[];
  /**
   * Name of the Service (a DNS-1035 label).
   * @default - unique name derived from the construct path
   */
  readonly name?: string;
  /**
   * The container port the Service sends to, which every workload must declare.
   * @default - the workloads' common main port (an error when their main ports differ)
   */
  readonly port?: number;
  /**
   * The port the Service listens on.
   * @default - `port`
   */
  readonly servicePort?: number;
  /**
   * Name of the Service port.
   * @default - the workloads' name for the port when they all agree, else the default a main port would get
   */
  readonly portName?: string;
  /**
   * Application protocol of the port (Service `appProtocol`).
   * @default - the workloads' own for the port when they agree; in a mesh, the one the name announces
   */
  readonly appProtocol?: string;
  /**
   * Service type. A LoadBalancer or NodePort Service counts against the namespace's quota.
   * @default ServiceType.CLUSTER_IP
   */
  readonly type?: ServiceType;
}

/**
 * One Service in front of several workloads (Bookinfo's `reviews` in front of reviews-v1, -v2 and
 * -v3). The library labels the workloads' pods `service.cdk8s-secure.io/<name>: "true"` and the
 * Service selects that label; their own selectors (a Deployment's is immutable) are untouched.
 * It is a peer on both sides: `x.allowTo(service)` is `x.allowTo(w)` for every workload `w`
 * behind it (egress to each, ingress on each, each one's AuthorizationPolicy admitting x), and
 * `service.allowTo(y)` or `y.allowFrom(service)` is every workload to y, y's AuthorizationPolicy
 * admitting each one's own ServiceAccount.
 */
export class SecureService extends Construct implements IPeer {
  /** The Service's name. */
  public readonly name: string;
  /** Namespace of the Service and its workloads, when known. */
  public readonly namespace?: string;
  /** The workloads behind the Service. */
  public readonly workloads: IWorkload[];
  /** The container port the Service sends to. */
  public readonly port: number;
  /** The Service. */
  public readonly service: ApiObject;
  /** Construct path. */
  public readonly path: string;
  private readonly peerInfo: PeerInfo;

  constructor(scope: Construct, id: string, props: SecureServiceProps) {
    const path = childPath(scope, id);
    const p = props ?? ({} as SecureServiceProps);
    const { problems, plan } = SecureService.plan(p);
    if (!plan) throw new SecureConfigError(path, problems);
    super(scope, id);
    this.path = path;
    this.name = p.name ?? Names.toDnsLabel(this);
    const bad = p.name === undefined ? checkDns1035Label('name (derived from the construct path)', this.name) : undefined;
    if (bad) throw new SecureConfigError(path, [`${bad} Or set name.`]);
    this.workloads = [...plan.members];
    this.namespace = plan.members[0].namespace;
    this.port = plan.port;
    for (const w of plan.members) w._joinService(this.name);
    const type = p.type ?? ServiceType.CLUSTER_IP;
    const label = `${SERVICE_MEMBER_LABEL_PREFIX}${this.name}`;
    const servicePort = { name: plan.portName, port: p.servicePort ?? plan.port, targetPort: plan.targetPort, protocol: plan.protocol, appProtocol: plan.appProtocol };
    this.service = new ApiObject(this, 'Service', {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: {
        name: this.name,
        namespace: this.namespace,
        labels: {
          ...(this.namespace !== undefined ? { 'app.kubernetes.io/part-of': this.namespace } : {}),
          'app.kubernetes.io/name': this.name,
          'app.kubernetes.io/managed-by': 'cdk8s-secure',
        },
      },
      spec: {
        type,
        selector: { [label]: 'true' },
        ports: meshServicePorts([servicePort], plan.members.some((w) => w.mesh !== undefined)),
      },
    });
    this.node.defaultChild = this.service;
    countServiceInQuota(plan.members[0].placement, `${path}/Service`, type, 1);
    checkIdentities(this);
    judgeWrittenObjects(this);
    this.peerInfo = {
      kind: PeerKind.SERVICE,
      description: `SecureService ${path}`,
      namespace: this.namespace,
      podLabels: { [label]: 'true' },
      members: [...plan.members],
      groupPort: plan.port,
    };
  }

  /** Admits `peer` to every workload behind the Service (on its port unless `options` names one). */
  public allowFrom(peer: IPeer, options: ConnectionOptions = {}): void {
    connectPeers(this.path, peer, this, options);
  }

  /** Lets every workload behind the Service connect to `peer`. */
  public allowTo(peer: IPeer, options: ConnectionOptions = {}): void {
    connectPeers(this.path, this, peer, options);
  }

  public toPeerInfo(): PeerInfo {
    return this.peerInfo;
  }

  /** Checks the props: every problem, or what the Service is made of. */
  private static plan(p: SecureServiceProps) {
    const problems: Array<string | undefined> = [];
    const fail = () => ({ problems: problems.filter((x): x is string => x !== undefined), plan: undefined });
    // Types first: the checks below read the props as their declared types.
    problems.push(...propsShapeProblems(p, SECURE_SERVICE_FIELDS));
    if (problems.length) return fail();
    if (p.name !== undefined) problems.push(typeof p.name === 'string' ? checkDns1035Label('name', p.name) : 'name must be a string. Fix: e.g. "reviews".');
    problems.push(serviceTypeProblem('type', p.type));
    if (p.port !== undefined) problems.push(checkPortNumber('port', p.port));
    if (p.servicePort !== undefined) problems.push(checkPortNumber('servicePort', p.servicePort));
    if (p.portName !== undefined) problems.push(checkPortName('portName', p.portName));
    if (!Array.isArray(p.workloads) || p.workloads.length === 0) {
      problems.push('workloads is empty. Fix: list the workloads the Service sends to, e.g. workloads: [reviewsV1, reviewsV2].');
      return fail();
    }
    p.workloads.forEach((w, i) => {
      if (!(w instanceof SecureWorkload)) problems.push(`workloads[${i}] is not a workload of this library (SecureApp, SecureStatefulSet, MonitoredService, …), so no pod label can select it. Fix: pass the workload construct itself.`);
      else if (p.workloads.indexOf(w) !== i) problems.push(`workloads[${i}] (${w.path}) is listed twice. Fix: list each workload once.`);
    });
    if (problems.some((x) => x !== undefined)) return fail();
    const members = p.workloads as SecureWorkload[];
    const namespaces = [...new Set(members.map((w) => w.namespace ?? '(none)'))];
    if (namespaces.length > 1) {
      problems.push(`the workloads are in different namespaces (${members.map((w) => `${w.path}: ${w.namespace ?? '(none)'}`).join(', ')}), and a Service selects pods of its own namespace only. Fix: put them in one namespace, or give each namespace its own SecureService.`);
    }
    const noPort = members.filter((w) => w.ports.length === 0);
    if (noPort.length) problems.push(`${noPort.map((w) => w.path).join(', ')} ${noPort.length === 1 ? 'has' : 'have'} no container port, so the Service has nothing to send to. Fix: give ${noPort.length === 1 ? 'it' : 'them'} a \`port\`, or leave ${noPort.length === 1 ? 'it' : 'them'} out of workloads.`);
    if (problems.some((x) => x !== undefined)) return fail();
    let chosen: WorkloadPort[];
    if (p.port !== undefined) {
      const missing = members.filter((w) => !w.ports.some((q) => q.port === p.port));
      if (missing.length) {
        problems.push(`port ${p.port} is not a container port of ${missing.map((w) => `${w.path} (it has ${w.ports.map((q) => `${q.port} "${q.name}"`).join(', ')})`).join(', ')}. Fix: set port to one every workload declares, or add it to their \`ports\`.`);
        return fail();
      }
      chosen = members.map((w) => w.ports.find((q) => q.port === p.port)!);
    } else {
      chosen = members.map((w) => w.ports[0]);
      if (chosen.some((q) => q.port !== chosen[0].port || q.protocol !== chosen[0].protocol)) {
        problems.push(`the workloads' main ports differ (${members.map((w, i) => `${w.path}: ${chosen[i].port}/${chosen[i].protocol}`).join(', ')}), so there is no common port to default to. Fix: set port to a container port every workload declares, or give them the same main port.`);
        return fail();
      }
    }
    const protocols = [...new Set(chosen.map((q) => q.protocol))];
    if (protocols.length > 1) {
      problems.push(`port ${chosen[0].port} is ${protocols.join(' on some workloads and ')} on others; one Service port has one protocol. Fix: give the workloads the same protocol for it.`);
      return fail();
    }
    const names = [...new Set(chosen.map((q) => q.name))];
    const appProtocols = [...new Set(chosen.map((q) => q.appProtocol))];
    return {
      problems: [],
      plan: {
        members,
        port: chosen[0].port,
        protocol: chosen[0].protocol as Protocol,
        // By name when every workload calls the port the same, so the Service follows a renumbering.
        targetPort: names.length === 1 ? names[0] as string | number : chosen[0].port,
        portName: p.portName ?? (names.length === 1 ? names[0] : defaultPortName(chosen[0].port)),
        appProtocol: p.appProtocol ?? (appProtocols.length === 1 ? appProtocols[0] : undefined),
      },
    };
  }
}
