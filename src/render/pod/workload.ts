import type { AppArmorProfile } from '../../model/apparmor';
import type { InitContainer, SidecarContainer } from '../../model/containers';
import type { PreStop } from '../../model/lifecycle';
import { plainCopy } from '../../core/snapshot';
import type { EnvValue } from '../../model/env';
import type { MountedFiles } from '../../model/files';
import type { Probe } from '../../model/probe';
import type {
  ContainerPort, NodeSelectorRequirement, ResourceSettings, SecurityContextOptions, SecurityRelaxations, Toleration, WritableDir,
} from '../../model/workload-options';
import { AppContainer } from './container';
import { PodSideContainers } from './init-containers';
import { WorkloadPorts } from './ports';
import { ContainerProbes } from './probes';
import { ContainerResources } from './resources';
import { Scheduling } from './scheduling';
import { PodSecurity } from './security';
import { PodVolumes } from './volumes';

/**
 * The options every workload kind's pod takes (SecureApp's props, and those of the kinds built
 * on the same core): the container, its security, volumes, probes and scheduling.
 */
export interface PodProps {
  readonly image: string;
  readonly port?: number;
  readonly portName?: string;
  readonly appProtocol?: string;
  readonly ports?: ContainerPort[];
  readonly command?: string[];
  readonly args?: string[];
  readonly env?: { [name: string]: EnvValue };
  readonly files?: MountedFiles[];
  readonly writableDirs?: WritableDir[];
  readonly resources?: ResourceSettings;
  readonly readiness?: Probe;
  readonly liveness?: Probe;
  readonly startup?: Probe;
  readonly preStop?: PreStop;
  readonly terminationGracePeriodSeconds?: number;
  readonly initContainers?: InitContainer[];
  readonly sidecars?: SidecarContainer[];
  readonly tolerations?: Toleration[];
  readonly nodeSelector?: { [key: string]: string };
  readonly nodeAffinity?: NodeSelectorRequirement[];
  readonly priorityClassName?: string;
  readonly runtimeClassName?: string;
  readonly hostUsers?: boolean;
  readonly appArmorProfile?: AppArmorProfile;
  readonly securityContext?: SecurityContextOptions;
  readonly relax?: SecurityRelaxations;
}

/** The typed parts of a pod, each with its defaults filled in, its problems and its rendering. */
export interface PodParts {
  readonly ports: WorkloadPorts;
  readonly resources: ContainerResources;
  readonly security: PodSecurity;
  readonly volumes: PodVolumes;
  readonly probes: ContainerProbes;
  readonly scheduling: Scheduling;
  readonly container: AppContainer;
  /** Init containers and native sidecars. */
  readonly side: PodSideContainers;
}

/**
 * Builds the parts from the props; `defaultProbes: false` (Jobs) leaves probes off unless given.
 * Never throws for bad input: each part reports its problems.
 */
export function podParts(props: PodProps, defaultProbes = true): PodParts {
  // The parts render at synth: a props array the caller changes later must not change them.
  const p = plainCopy(props);
  const ports = WorkloadPorts.of(p, p.ports);
  const resources = ContainerResources.of(p.resources);
  const security = PodSecurity.of(p.securityContext, p.relax, p.hostUsers);
  const volumes = PodVolumes.of(p.writableDirs, p.files);
  const probes = ContainerProbes.of(p.readiness, p.liveness, ports.mainPort, defaultProbes, p.startup);
  const scheduling = Scheduling.of(p);
  const container = new AppContainer({ image: p.image, command: p.command, args: p.args, env: p.env, ports, resources, probes, security, volumes, preStop: p.preStop });
  const side = PodSideContainers.of(p.initContainers, p.sidecars, { securityContext: p.securityContext, ports: ports.ports, volumes });
  return { ports, resources, security, volumes, probes, scheduling, container, side };
}
