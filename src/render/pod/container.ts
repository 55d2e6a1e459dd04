import { DEFAULT_CONTAINER_NAME } from '../../core/defaults';
import { checkImage } from '../../core/validate';
import { checkEnv, EnvValue } from '../../model/env';
import type { PreStop } from '../../model/lifecycle';
import type { KubeContainer } from './kube';
import type { WorkloadPorts } from './ports';
import type { ContainerProbes } from './probes';
import type { ContainerResources } from './resources';
import type { PodSecurity } from './security';
import type { PodVolumes } from './volumes';

const NO_ENV: { readonly [name: string]: EnvValue } = Object.freeze({});

/** What the app container is made of; each part checks and renders itself. */
export interface AppContainerOptions {
  readonly image: string;
  readonly command?: string[];
  readonly args?: string[];
  readonly env?: { readonly [name: string]: EnvValue };
  readonly ports: WorkloadPorts;
  readonly resources: ContainerResources;
  readonly probes: ContainerProbes;
  readonly security: PodSecurity;
  readonly volumes: PodVolumes;
  readonly preStop?: PreStop;
}

/** The app container: a pinned image, hardened, with its ports, resources, probes and mounts. */
export class AppContainer {
  public readonly name = DEFAULT_CONTAINER_NAME;
  private readonly env: { readonly [name: string]: EnvValue };

  constructor(private readonly o: AppContainerOptions) {
    this.env = o.env ?? NO_ENV;
  }

  public get resources(): ContainerResources {
    return this.o.resources;
  }

  public get probes(): ContainerProbes {
    return this.o.probes;
  }

  public get preStop(): PreStop | undefined {
    return this.o.preStop;
  }

  public get image(): string {
    return this.o.image;
  }

  /** The image must be pinned (a tag other than latest, or a digest). */
  public imageProblems(): string[] {
    const p = checkImage('image', this.o.image);
    return p === undefined ? [] : [p];
  }

  /** Variable names the API server refuses, and values that are not what they claim. */
  public envProblems(): string[] {
    return Object.entries(this.env).map(([name, value]) => checkEnv(name, value)).filter((p): p is string => p !== undefined);
  }

  /** @internal */
  public _toKube(): KubeContainer {
    return {
      name: this.name,
      image: this.o.image,
      // Pinned images make Always cheap (a digest check) and stop nodes serving stale or
      // pre-pulled images to pods that lack pull rights.
      imagePullPolicy: 'Always',
      command: this.o.command,
      args: this.o.args,
      env: Object.keys(this.env).length ? Object.entries(this.env).map(([name, v]) => v.render(name)) : undefined,
      ports: this.o.ports._toKube(),
      resources: this.o.resources._toKube(),
      ...this.o.probes._toKube(),
      ...(this.o.preStop ? { lifecycle: this.o.preStop._toKube(this.o.ports.mainPort) } : {}),
      securityContext: this.o.security._toContainerKube(),
      volumeMounts: this.o.volumes._toMounts(),
    };
  }
}
