import { defaultPortName } from '../../core/defaults';
import { checkPortName, checkPortNumber } from '../../core/validate';
import { Protocol, WorkloadPort } from '../../model/peer';
import { servicePortClashes } from '../../model/service-options';
import type { ContainerPort } from '../../model/workload-options';
import type { KubeContainerPort } from './kube';

/** A port of the workload's Service. */
export interface ServicePortSpec {
  readonly name: string;
  readonly port: number;
  readonly targetPort: string;
  readonly protocol: Protocol;
  readonly appProtocol?: string;
}

/** The container ports of a workload (main port first) and those its Service exposes. */
export class WorkloadPorts {
  public static of(main: { port?: number; portName?: string; appProtocol?: string }, extra: readonly ContainerPort[] | undefined): WorkloadPorts {
    const ports: WorkloadPort[] = [];
    const service: ServicePortSpec[] = [];
    const problems: Array<string | undefined> = [];
    const add = (name: string, port: number, protocol: Protocol, servicePort: number | undefined, appProtocol: string | undefined, expose = true) => {
      problems.push(checkPortName('port name', name), checkPortNumber(`port "${name}"`, port));
      if (servicePort !== undefined) problems.push(checkPortNumber(`servicePort of "${name}"`, servicePort));
      if (ports.some((q) => q.name === name)) problems.push(`port name "${name}" is used twice. Fix: give each port its own name.`);
      if (ports.some((q) => q.port === port && q.protocol === protocol)) problems.push(`container port ${port}/${protocol} is declared twice. Fix: declare each port once.`);
      // The appProtocol rides along only when given, so a port without one compares as before.
      ports.push(appProtocol !== undefined ? { name, port, protocol, appProtocol } : { name, port, protocol });
      if (expose) service.push({ name, port: servicePort ?? port, targetPort: name, protocol, appProtocol });
    };
    if (main.port !== undefined) add(main.portName ?? defaultPortName(main.port), main.port, Protocol.TCP, undefined, main.appProtocol);
    for (const e of extra ?? []) add(e.name, e.port, e.protocol ?? Protocol.TCP, e.servicePort, e.appProtocol, e.exposeOnService ?? true);
    // Its names are the container ports', whose repeats are reported above.
    problems.push(...servicePortClashes("the workload's Service", service, false));
    return new WorkloadPorts(ports, service, problems.filter((p): p is string => p !== undefined));
  }

  private constructor(
    /** Container ports, main port first. */
    public readonly ports: WorkloadPort[],
    /** The ports the Service exposes, in the same order. */
    public readonly servicePorts: readonly ServicePortSpec[],
    private readonly found: readonly string[],
  ) {}

  /** The main port's number, if the workload has ports. */
  public get mainPort(): number | undefined {
    return this.ports[0]?.port;
  }

  public problems(): string[] {
    return [...this.found];
  }

  /** @internal */
  public _toKube(): KubeContainerPort[] | undefined {
    return this.ports.length ? this.ports.map((p) => ({ name: p.name, containerPort: p.port, protocol: p.protocol })) : undefined;
  }
}
