import { plainCopy } from '../core/snapshot';
import { checkPortNumber } from '../core/validate';
import { httpHandlerProblems, HttpHandlerOptions, renderHttpHandler } from './http-handler';

/** Timing of a probe. */
export interface ProbeOptions {
  /**
   * Container port to probe (HTTP, TCP and gRPC probes).
   * @default - the app's main container port
   */
  readonly port?: number;
  /**
   * Seconds after start before the first probe.
   * @default 0 for readiness, 10 for liveness
   */
  readonly initialDelaySeconds?: number;
  /**
   * Seconds between probes.
   * @default 10 for readiness, 20 for liveness
   */
  readonly periodSeconds?: number;
  /**
   * Seconds before a probe times out.
   * @default 2
   */
  readonly timeoutSeconds?: number;
  /**
   * Consecutive failures before the probe fails.
   * @default 3
   */
  readonly failureThreshold?: number;
}

/** An HTTP probe: timing, plus the request's scheme and headers. */
export interface HttpProbeOptions extends ProbeOptions, HttpHandlerOptions {}

/** A gRPC probe: timing, plus the service the health check asks about. */
export interface GrpcProbeOptions extends ProbeOptions {
  /**
   * Service name sent in the gRPC HealthCheckRequest (`grpc.health.v1.Health/Check`).
   * @default - the empty name: the server's overall health
   */
  readonly service?: string;
}

/**
 * A readiness, liveness or startup check. The default for an app with a port is a TCP check on that
 * port: it works for any image serving the port, without knowing its HTTP routes.
 */
export class Probe {
  /** HTTP GET `path` on a container port; 2xx/3xx is healthy. */
  public static httpGet(path: string, options: HttpProbeOptions = {}): Probe {
    const o = plainCopy(options);
    return new Probe(o, (port) => ({ httpGet: renderHttpHandler(path, port, o) }), true, (what) => httpHandlerProblems(what, path, o));
  }

  /** A TCP connection to a container port succeeds. */
  public static tcpSocket(options: ProbeOptions = {}): Probe {
    return new Probe(plainCopy(options), (port) => ({ tcpSocket: { port } }), true);
  }

  /** The gRPC health-checking protocol on a container port. */
  public static grpc(options: GrpcProbeOptions = {}): Probe {
    const o = plainCopy(options);
    const service = o.service;
    return new Probe(o, (port) => ({ grpc: service !== undefined ? { port, service } : { port } }), true,
      (what) => [service !== undefined && typeof service !== 'string'
        ? `${what} service must be a string, got ${typeof service} ${String(service)}. Fix: pass the gRPC service name as text, or leave it out for the server's overall health.` : undefined]);
  }

  /** A command run in the container exits 0. For workers without a port. */
  public static exec(command: string[], options: ProbeOptions = {}): Probe {
    // A JavaScript caller's string would spread into one-letter arguments: judge the list as given.
    const cmd = Array.isArray(command) ? [...command] : command;
    return new Probe(plainCopy(options ?? {}), () => ({ exec: { command: [...(cmd as string[])] } }), false, (what) => [
      !Array.isArray(cmd) || cmd.length === 0 || cmd.some((c) => typeof c !== 'string')
        ? `${what} exec command must be a non-empty list of strings, got ${JSON.stringify(cmd) ?? String(cmd)}. Fix: e.g. Probe.exec(['/bin/healthcheck', '--ready']).` : undefined,
    ]);
  }

  private constructor(
    private readonly options: ProbeOptions,
    private readonly handler: (port: number) => any,
    /** Whether the probe needs a port. */
    public readonly needsPort: boolean,
    private readonly handlerProblems: (what: string) => Array<string | undefined> = () => [],
  ) {}

  /** The port this probe checks, if it was set explicitly. */
  public get port(): number | undefined {
    return this.options.port;
  }

  /** The port this probe checks: its own, else `defaultPort`; none for an exec probe. */
  public targetPort(defaultPort?: number): number | undefined {
    return this.needsPort ? this.options.port ?? defaultPort : undefined;
  }

  /** Problems with this probe's settings, for the owning construct to report. */
  public problems(what: string, appPorts: number[]): string[] {
    const o = this.options;
    const port = o.port;
    return ([
      port !== undefined ? checkPortNumber(`${what} port`, port) : undefined,
      port !== undefined && appPorts.length > 0 && !appPorts.includes(port)
        ? `${what} port ${port} is not a container port of this app (${appPorts.join(', ')}). Fix: probe one of those ports.` : undefined,
      this.needsPort && port === undefined && appPorts.length === 0
        ? `${what} needs a port but the app has none. Fix: pass { port } to the probe, or use Probe.exec().` : undefined,
      ...(['initialDelaySeconds', 'periodSeconds', 'timeoutSeconds', 'failureThreshold'] as const).map((k) => {
        const v = o[k];
        const min = k === 'initialDelaySeconds' ? 0 : 1;
        return v !== undefined && (!Number.isInteger(v) || v < min) ? `${what} ${k} ${v} must be a whole number >= ${min}.` : undefined;
      }),
      ...this.handlerProblems(what),
    ]).filter((x): x is string => x !== undefined);
  }

  /** The Kubernetes probe object. */
  public render(defaultPort?: number, defaults: ProbeOptions = {}): any {
    const o = { ...defaults, ...this.options };
    return {
      ...this.handler(o.port ?? defaultPort!),
      initialDelaySeconds: o.initialDelaySeconds,
      periodSeconds: o.periodSeconds,
      timeoutSeconds: o.timeoutSeconds ?? 2,
      failureThreshold: o.failureThreshold ?? 3,
    };
  }
}
