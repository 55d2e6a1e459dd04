import { LIVENESS_PROBE_DEFAULTS, READINESS_PROBE_DEFAULTS } from '../../core/defaults';
import { Probe } from '../../model/probe';
import type { KubeProbe } from './kube';

/** The probe a slot gets: the user's, else a TCP check of the main port; none on a port-less worker. */
function probeOrDefault(p: Probe | undefined, mainPort: number | undefined, defaults: boolean): Probe | undefined {
  return p ?? (defaults && mainPort !== undefined ? Probe.tcpSocket() : undefined);
}

/** The readiness and liveness probes of the app container. */
export class ContainerProbes {
  /** `defaults: false` for pods that run to completion: no probe unless one is given. */
  public static of(readiness: Probe | undefined, liveness: Probe | undefined, mainPort: number | undefined, defaults = true): ContainerProbes {
    return new ContainerProbes(readiness, liveness, mainPort, defaults);
  }

  private constructor(
    private readonly readiness: Probe | undefined,
    private readonly liveness: Probe | undefined,
    private readonly mainPort: number | undefined,
    private readonly defaults: boolean,
  ) {}

  /** Problems of the probes given, judged against the container's ports. */
  public problems(portNumbers: number[]): string[] {
    return [...(this.readiness?.problems('readiness probe', portNumbers) ?? []), ...(this.liveness?.problems('liveness probe', portNumbers) ?? [])];
  }

  /** The ports the kubelet probes, so the network layer admits exactly those. */
  public probedPorts(): number[] {
    const ports = [this.readiness, this.liveness].map((p) => probeOrDefault(p, this.mainPort, this.defaults)?.targetPort(this.mainPort));
    return [...new Set(ports.filter((port): port is number => port !== undefined))];
  }

  /** @internal */
  public _toKube(): { readinessProbe?: KubeProbe; livenessProbe?: KubeProbe } {
    return {
      readinessProbe: probeOrDefault(this.readiness, this.mainPort, this.defaults)?.render(this.mainPort, READINESS_PROBE_DEFAULTS),
      livenessProbe: probeOrDefault(this.liveness, this.mainPort, this.defaults)?.render(this.mainPort, LIVENESS_PROBE_DEFAULTS),
    };
  }
}
