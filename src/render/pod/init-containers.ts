import { DEFAULT_CONTAINER_NAME } from '../../core/defaults';
import { checkDnsLabel, checkImage, checkPortName, checkPortNumber } from '../../core/validate';
import { plainCopy } from '../../core/snapshot';
import { ISTIO_CONTAINER_NAMES, InitContainer, SidecarContainer } from '../../model/containers';
import { checkEnv } from '../../model/env';
import { digestProblem } from '../../core/image';
import { gracePeriodProblems, PreStop } from '../../model/lifecycle';
import { podTargetProblems, TargetVersions } from '../../model/target';
import { Protocol, WorkloadPort } from '../../model/peer';
import type { SecurityContextOptions } from '../../model/workload-options';
import type { KubeContainer, KubeContainerPort, KubeVolume, KubeVolumeMount } from './kube';
import { ContainerProbes } from './probes';
import { ContainerResources } from './resources';
import { PodSecurity } from './security';
import { PodVolumes, writableVolumeName } from './volumes';

/** One init container or sidecar, as the pod holds it. */
export interface SideContainer {
  /** `init` runs to completion; `sidecar` is a native sidecar that keeps running. */
  readonly role: 'init' | 'sidecar';
  readonly name: string;
  /** How messages name it: `sidecars[0] "log-shipper"`. */
  readonly what: string;
  /** Where its props are: `sidecars[0]`. */
  readonly at: string;
  readonly image: string;
  readonly resources: ContainerResources;
  readonly preStop?: PreStop;
}

interface Built extends SideContainer {
  readonly kube: KubeContainer;
  readonly volumes: readonly KubeVolume[];
  readonly probedPorts: readonly number[];
}

const NONE: readonly Built[] = Object.freeze([]);

// A writable dir of a side container is its own emptyDir, named after the container so two
// containers' /tmp are two volumes.
function sideVolumeName(container: string, path: string): string {
  return `${container}-${writableVolumeName(path)}`.slice(0, 63).replace(/-+$/, '');
}

/**
 * The pod's init containers and native sidecars, hardened like the app container from the same
 * parts (resources, volumes, probes, security), in pod order: sidecars first, then init
 * containers. A sidecar thus serves every init container (a migration through a database proxy,
 * a log shipper that sees the init logs), as Istio puts its own native proxy before them.
 */
export class PodSideContainers {
  /** No side containers, shared by every pod that has none. */
  public static readonly NONE = new PodSideContainers(NONE, Object.freeze([]) as readonly string[]);

  public static of(
    initContainers: readonly InitContainer[] | undefined,
    sidecars: readonly SidecarContainer[] | undefined,
    pod: { readonly securityContext?: SecurityContextOptions; readonly ports: readonly WorkloadPort[]; readonly volumes: PodVolumes },
  ): PodSideContainers {
    if (!initContainers?.length && !sidecars?.length) return PodSideContainers.NONE;
    const problems: Array<string | undefined> = [];
    const names = new Map<string, string>([[DEFAULT_CONTAINER_NAME, 'the app container']]);
    const portNames = new Map<string, string>(pod.ports.map((p) => [p.name, 'the app container']));
    const portNumbers = new Map<string, string>(pod.ports.map((p) => [`${p.port}/${p.protocol}`, 'the app container']));
    const volumes = new Map<string, { json: string; what: string }>(
      pod.volumes._toVolumes().map((v) => [v.name, { json: JSON.stringify(v), what: 'the app container' }]));
    const built: Built[] = [];
    const entries = [
      ...(sidecars ?? []).map((c, i) => ({ c: plainCopy(c) as SidecarContainer, role: 'sidecar' as const, what: `sidecars[${i}]` })),
      ...(initContainers ?? []).map((c, i) => ({ c: plainCopy(c) as SidecarContainer, role: 'init' as const, what: `initContainers[${i}]` })),
    ];
    for (const { c, role, what: at } of entries) {
      const what = `${at} "${c.name}"`;
      const push = (p: string | undefined) => problems.push(p === undefined ? undefined : `${what}: ${p}`);
      push(checkDnsLabel('name', c.name));
      if (ISTIO_CONTAINER_NAMES.includes(c.name)) push(`name "${c.name}" is a container Istio injects. Fix: choose another name.`);
      else if (names.has(c.name)) push(`name "${c.name}" is already used by ${names.get(c.name)}: container names are unique in a pod. Fix: choose another name.`);
      if (!names.has(c.name)) names.set(c.name, what);
      push(checkImage('image', c.image));
      const resources = ContainerResources.of(c.resources);
      resources.problems().forEach(push);
      const own = PodVolumes.of(c.writableDirs, c.files);
      own.problems().forEach(push);
      const relax = c.relax ?? {};
      const containerRelax = { addCapabilities: relax.addCapabilities, allowPrivilegeEscalation: relax.allowPrivilegeEscalation, privileged: relax.privileged, writableRootFilesystem: relax.writableRootFilesystem };
      PodSecurity.of(undefined, containerRelax, undefined).problems().forEach(push);
      for (const [name, value] of Object.entries(c.env ?? {})) push(checkEnv(name, value));
      const ports: KubeContainerPort[] = [];
      for (const p of c.ports ?? []) {
        const protocol = p.protocol ?? Protocol.TCP;
        push(checkPortName('port name', p.name));
        push(checkPortNumber(`port "${p.name}"`, p.port));
        if (p.servicePort !== undefined || p.exposeOnService !== undefined || p.appProtocol !== undefined) {
          push(`port "${p.name}" sets servicePort, appProtocol or exposeOnService, but no Service exposes a sidecar's ports. Fix: drop them.`);
        }
        const byName = portNames.get(p.name);
        const byNumber = portNumbers.get(`${p.port}/${protocol}`);
        if (byName) push(`port name "${p.name}" is also a port of ${byName}. Fix: give each port in the pod its own name.`);
        if (byNumber) push(`port ${p.port}/${protocol} is also a port of ${byNumber}; the pod's containers share one network namespace. Fix: use another port.`);
        portNames.set(p.name, what);
        portNumbers.set(`${p.port}/${protocol}`, what);
        ports.push({ name: p.name, containerPort: p.port, protocol });
      }
      const numbers = ports.map((p) => p.containerPort);
      const probes = ContainerProbes.of(c.readiness, c.liveness, numbers[0], false, c.startup);
      if (role === 'init' && [c.ports, c.readiness, c.liveness, c.startup, c.preStop].some((x) => x !== undefined)) {
        push('an init container runs to completion, so it takes no ports, probes or preStop hook. Fix: drop them, or make it a sidecar.');
      }
      if (role === 'sidecar') {
        probes.problems(numbers, '').forEach(push);
        if (c.preStop) c.preStop._problems('preStop', numbers).forEach(push);
      }
      const mounts: KubeVolumeMount[] = [];
      const own_volumes: KubeVolume[] = [];
      const addVolume = (v: KubeVolume, description: string) => {
        const json = JSON.stringify(v);
        const seen = volumes.get(v.name);
        if (seen && seen.json !== json) push(`${description} would be volume "${v.name}", which ${seen.what} already uses differently. Fix: mount the same ConfigMap or Secret with the same items, or rename the directory.`);
        if (!seen) {
          volumes.set(v.name, { json, what });
          own_volumes.push(v);
        }
      };
      for (const d of own.writableDirs) {
        const name = sideVolumeName(c.name, d.path);
        addVolume({ name, emptyDir: { sizeLimit: d.sizeLimit } }, `writable dir "${d.path}"`);
        mounts.push({ name, mountPath: d.path });
      }
      for (const f of own.files) {
        addVolume(f.volume() as KubeVolume, f.description);
        mounts.push(f.mount() as KubeVolumeMount);
      }
      const security = PodSecurity.of(pod.securityContext, containerRelax, undefined);
      const env = Object.entries(c.env ?? {});
      const kube: KubeContainer = {
        name: c.name,
        image: c.image,
        imagePullPolicy: 'Always',
        ...(role === 'sidecar' ? { restartPolicy: 'Always' as const } : {}),
        command: c.command,
        args: c.args,
        env: env.length ? env.map(([name, v]) => v.render(name)) : undefined,
        ports: ports.length ? ports : undefined,
        resources: resources._toKube(),
        ...(role === 'sidecar' ? probes._toKube() : {}),
        ...(role === 'sidecar' && c.preStop ? { lifecycle: c.preStop._toKube(numbers[0]) } : {}),
        securityContext: security._toContainerKube(),
        volumeMounts: mounts,
      };
      built.push({ role, name: c.name, what, at, image: c.image, resources, preStop: role === 'sidecar' ? c.preStop : undefined, kube, volumes: own_volumes, probedPorts: role === 'sidecar' ? probes.probedPorts() : [] });
    }
    return new PodSideContainers(built, problems.filter((p): p is string => p !== undefined));
  }

  private constructor(private readonly built: readonly Built[], private readonly found: readonly string[]) {}

  /** The side containers in pod order (sidecars, then init containers). */
  public get containers(): readonly SideContainer[] {
    return this.built;
  }

  /** Names of the native sidecars. */
  public get sidecarNames(): string[] {
    return this.built.filter((b) => b.role === 'sidecar').map((b) => b.name);
  }

  public problems(): string[] {
    return [...this.found];
  }

  /** Side-container volumes whose names the kind's own volumes (claims, host paths) also take. */
  public volumeClashes(kindVolumes: ReadonlyArray<{ readonly name: string }>): string[] {
    const taken = new Set(kindVolumes.map((v) => v.name));
    return this.built.flatMap((c) => c.volumes.filter((v) => taken.has(v.name))
      .map((v) => `${c.what}: volume "${v.name}" is also the name of a persistent dir or host path of this workload. Fix: rename the container or that volume.`));
  }

  /** Images referenced by tag only, when `source` requires digests. */
  public digestProblems(source: string): Array<string | undefined> {
    return this.built.map((c) => {
      const problem = typeof c.image === 'string' ? digestProblem(c.image, source) : undefined;
      return problem && `${c.what}: ${problem}`;
    });
  }

  /** The ports the kubelet probes on the sidecars. */
  public probedPorts(): number[] {
    return [...new Set(this.built.flatMap((b) => b.probedPorts))];
  }

  /** `main` (the app container's probed ports) and the sidecars' after them. */
  public withProbedPorts(main: number[]): number[] {
    const side = this.probedPorts();
    return side.length ? [...new Set([...main, ...side])] : main;
  }

  /** The pod's `initContainers`, or undefined when it has none. @internal */
  public _toKube(): KubeContainer[] | undefined {
    return this.built.length ? this.built.map((b) => b.kube) : undefined;
  }

  /** Volumes the side containers add to the app container's. @internal */
  public _toVolumes(): KubeVolume[] {
    return this.built.flatMap((b) => b.volumes);
  }
}

/** The app container's preStop hook against its ports, and every preStop sleep against the grace period. */
export function lifecycleProblems(
  p: { readonly preStop?: PreStop; readonly terminationGracePeriodSeconds?: number }, side: PodSideContainers, portNumbers: number[],
): string[] {
  return [
    ...p.preStop?._problems('preStop', portNumbers) ?? [],
    ...gracePeriodProblems(p.terminationGracePeriodSeconds, [
      { what: 'preStop', hook: p.preStop },
      ...side.containers.map((c) => ({ what: `${c.what} preStop`, hook: c.preStop })),
    ]),
  ];
}

/**
 * What the side containers need from the target and the app's settings, judged at synth: native
 * sidecars (the user's, or a meshed Job's proxy), the preStop sleep action, ClusterSettings'
 * requireDigest.
 */
export function sideSynthProblems(
  mainPreStop: PreStop | undefined, side: PodSideContainers,
  o: { readonly requireDigest: boolean; readonly meshedToCompletion?: string }, target: TargetVersions,
): Array<string | undefined> {
  return [
    ...(o.requireDigest ? side.digestProblems('ClusterSettings requireDigest') : []),
    ...podTargetProblems({ sidecars: side.sidecarNames, meshedToCompletion: o.meshedToCompletion, preStopSleeps: preStopSleeps(mainPreStop, side) }, target),
  ];
}

/** The containers whose preStop hook sleeps, for the target check. */
export function preStopSleeps(main: PreStop | undefined, side: PodSideContainers): string[] {
  return [
    ...(main?.kind === 'sleep' ? ['preStop'] : []),
    ...side.containers.filter((c) => c.preStop?.kind === 'sleep').map((c) => `${c.what} preStop`),
  ];
}
