import { LIVENESS_PROBE_DEFAULTS, READINESS_PROBE_DEFAULTS, STARTUP_PROBE_DEFAULTS } from '../../core/defaults';
import { Probe } from '../../model/probe';
import type { KubeProbe } from './kube';

/** The readiness probe: the user's, else (for kinds with default probes) a TCP check of the main port. */
function readinessOrDefault(p: Probe | undefined, mainPort: number | undefined, defaults: boolean): Probe | undefined {
  return p ?? (defaults && mainPort !== undefined ? Probe.tcpSocket() : undefined);
}

// No default liveness probe. The only probe that fits any image is TCP on its port, and that
// is the readiness check again: the kubelet would restart a pod that is merely slow under load,
// which is how a copied readiness probe turns overload into an outage. It also finds nothing a
// crash does not: the kernel completes the handshake from the listen backlog even while the
// process is deadlocked. A crashed process is restarted without any probe; an app that can hang
// names its own check (`liveness: Probe.httpGet('/livez')`).

/** The readiness, liveness and startup probes of a container. */
export class ContainerProbes {
  /** `defaults: false` for pods that run to completion (and for sidecars): no probe unless one is given. */
  public static of(readiness: Probe | undefined, liveness: Probe | undefined, mainPort: number | undefined, defaults = true, startup?: Probe): ContainerProbes {
    return new ContainerProbes(readiness, liveness, mainPort, defaults, startup);
  }

  private constructor(
    private readonly readiness: Probe | undefined,
    private readonly liveness: Probe | undefined,
    private readonly mainPort: number | undefined,
    private readonly defaults: boolean,
    private readonly startup: Probe | undefined,
  ) {}

  /** Problems of the probes given, judged against the container's ports; `prefix` names the container. */
  public problems(portNumbers: number[], prefix = ''): string[] {
    return [
      ...(this.readiness?.problems(`${prefix}readiness probe`, portNumbers) ?? []),
      ...(this.liveness?.problems(`${prefix}liveness probe`, portNumbers) ?? []),
      ...(this.startup?.problems(`${prefix}startup probe`, portNumbers) ?? []),
    ];
  }

  /** The ports the kubelet probes, so the network layer admits exactly those. */
  public probedPorts(): number[] {
    const ports = [readinessOrDefault(this.readiness, this.mainPort, this.defaults), this.liveness, this.startup].map((p) => p?.targetPort(this.mainPort));
    return [...new Set(ports.filter((port): port is number => port !== undefined))];
  }

  /** @internal */
  public _toKube(): { readinessProbe?: KubeProbe; livenessProbe?: KubeProbe; startupProbe?: KubeProbe } {
    return {
      readinessProbe: readinessOrDefault(this.readiness, this.mainPort, this.defaults)?.render(this.mainPort, READINESS_PROBE_DEFAULTS),
      livenessProbe: this.liveness?.render(this.mainPort, LIVENESS_PROBE_DEFAULTS),
      startupProbe: this.startup?.render(this.mainPort, STARTUP_PROBE_DEFAULTS),
    };
  }
}
