import type { AppArmorRendering } from '../../model/apparmor';
import type { AppContainer } from './container';
import { PodSideContainers } from './init-containers';
import type { KubeLabels, KubePodTemplate, KubeVolume, KubeVolumeMount } from './kube';
import type { Scheduling } from './scheduling';
import type { PodSecurity } from './security';
import type { PodVolumes } from './volumes';

/** The parts of a pod template, for every workload kind (each kind wraps it in its own object). */
export interface PodTemplateOptions {
  /** Labels of every pod (the selector's labels among them). */
  readonly labels: KubeLabels;
  /** The labels that select the workload's pods. */
  readonly selector: KubeLabels;
  /** Pod annotations. */
  readonly annotations?: KubeLabels;
  /** The pods' ServiceAccount. */
  readonly serviceAccountName: string;
  readonly container: AppContainer;
  readonly security: PodSecurity;
  readonly volumes: PodVolumes;
  readonly scheduling: Scheduling;
  /** Whether more than one pod runs at a time, so the pods spread over nodes and zones. */
  readonly replicated: boolean;
  /** The AppArmor profile as the target takes it (field or annotations), if one is set. */
  readonly appArmor?: AppArmorRendering;
  /** The pods' restartPolicy (Jobs: Never or OnFailure); unset means Always. */
  readonly restartPolicy?: string;
  /** Mounts of persistent volumes the kind provides (a StatefulSet's claim templates, a Deployment's claims). */
  readonly persistentMounts?: readonly KubeVolumeMount[];
  /** Other mounts the kind provides (a node agent's read-only host paths), after the persistent ones. */
  readonly kindMounts?: readonly KubeVolumeMount[];
  /** Volumes the kind adds to the pod's own (a Deployment's claims, a node agent's host paths). */
  readonly kindVolumes?: readonly KubeVolume[];
  /** Init containers and native sidecars. */
  readonly side?: PodSideContainers;
  /** Seconds the kubelet waits for a stopping pod (preStop hooks included) before it kills it. */
  readonly terminationGracePeriodSeconds?: number;
}

/**
 * The pod template every workload of this library emits: restricted Pod Security by
 * construction, with each relaxation visible as a field the synth-time check then judges.
 * Built from typed parts that carry their own defaults, problems and rendering.
 */
export class PodTemplate {
  private extraLabels?: { [key: string]: string };

  constructor(private readonly o: PodTemplateOptions) {}

  /**
   * Adds a label to the pods only, never to the selector (a Deployment's selector is immutable):
   * a SecureService selects its workloads' pods by it.
   * @internal
   */
  public _addLabel(key: string, value: string): void {
    (this.extraLabels ??= {})[key] = value;
  }

  public get container(): AppContainer {
    return this.o.container;
  }

  /** @internal */
  public _toKube(): KubePodTemplate {
    const { labels, security, appArmor } = this.o;
    const annotations = appArmor?.annotations ? { ...this.o.annotations, ...appArmor.annotations } : this.o.annotations;
    const pod = security._toPodKube();
    const side = this.o.side ?? PodSideContainers.NONE;
    const container = this.o.container._toKube();
    // A large volume is chowned to fsGroup only when its root does not match already, not at every start.
    const mounts = this.o.persistentMounts?.length ? this.o.persistentMounts : undefined;
    const extra = mounts || this.o.kindMounts?.length ? [...mounts ?? [], ...this.o.kindMounts ?? []] : undefined;
    const securityContext = {
      ...pod.securityContext,
      ...(mounts ? { fsGroupChangePolicy: 'OnRootMismatch' as const } : {}),
      ...(appArmor?.field ? { appArmorProfile: appArmor.field } : {}),
    };
    return {
      metadata: { labels: { ...labels, ...this.extraLabels }, annotations: annotations && Object.keys(annotations).length ? { ...annotations } : undefined },
      spec: {
        restartPolicy: this.o.restartPolicy,
        terminationGracePeriodSeconds: this.o.terminationGracePeriodSeconds,
        serviceAccountName: this.o.serviceAccountName,
        automountServiceAccountToken: security.automountServiceAccountToken,
        // Service env vars leak the names and addresses of every Service in the namespace.
        enableServiceLinks: false,
        ...pod,
        securityContext,
        initContainers: side._toKube(),
        containers: [extra ? { ...container, volumeMounts: [...container.volumeMounts, ...extra] } : container],
        volumes: this.o.kindVolumes?.length || side.containers.length
          ? [...this.o.volumes._toVolumes(), ...this.o.kindVolumes ?? [], ...side._toVolumes()] : this.o.volumes._toVolumes(),
        ...this.o.scheduling._toKube(this.o.selector, this.o.replicated),
      },
    };
  }
}
