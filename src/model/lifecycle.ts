import { plainCopy } from '../core/snapshot';
import { checkPortNumber } from '../core/validate';
import { httpHandlerProblems, HttpHandlerOptions, renderHttpHandler } from './http-handler';

/** Options of an HTTP preStop hook. */
export interface PreStopHttpOptions extends HttpHandlerOptions {
  /**
   * Container port to call.
   * @default - the container's main port
   */
  readonly port?: number;
}

/** Default of `terminationGracePeriodSeconds`, as the API server fills it in. */
export const DEFAULT_TERMINATION_GRACE_PERIOD_SECONDS = 30;

/**
 * What the kubelet runs in a container before it sends SIGTERM: the usual one is a short sleep,
 * so endpoints and proxies stop routing to the pod before it stops accepting connections.
 * The kubelet waits for the hook within the pod's `terminationGracePeriodSeconds`, and kills the
 * container when that runs out.
 */
export class PreStop {
  /** Run `command` in the container (it must exist in the image). */
  public static exec(command: string[]): PreStop {
    const cmd = Array.isArray(command) ? [...command] : command;
    return new PreStop('exec', undefined, undefined, (what) => [
      !Array.isArray(cmd) || cmd.length === 0 || cmd.some((c) => typeof c !== 'string')
        ? `${what} exec command must be a non-empty list of strings. Fix: e.g. PreStop.exec(['/bin/drain', '--timeout=10s']).` : undefined,
    ], () => ({ exec: { command: [...(cmd as string[])] } }));
  }

  /**
   * Sleep `seconds` without any binary in the image (the kubelet's own sleep action: Kubernetes
   * 1.30 or later, where PodLifecycleSleepAction is on by default).
   */
  public static sleep(seconds: number): PreStop {
    return new PreStop('sleep', seconds, undefined, (what) => [
      typeof seconds !== 'number' || !Number.isInteger(seconds) || seconds < 1
        ? `${what} sleep ${String(seconds)} must be a whole number of seconds >= 1. Fix: e.g. PreStop.sleep(5), long enough for endpoints to drop the pod.` : undefined,
    ], () => ({ sleep: { seconds } }));
  }

  /** HTTP GET `path` on a container port. */
  public static httpGet(path: string, options: PreStopHttpOptions = {}): PreStop {
    const o = plainCopy(options ?? {});
    return new PreStop('httpGet', undefined, o.port, (what) => [
      o.port !== undefined ? checkPortNumber(`${what} port`, o.port) : undefined,
      ...httpHandlerProblems(what, path, o),
    ], (port) => ({ httpGet: renderHttpHandler(path, port!, o) }));
  }

  private constructor(
    /** The handler kind: `exec`, `sleep` or `httpGet`. */
    public readonly kind: string,
    /** Seconds of a sleep hook. */
    public readonly sleepSeconds: number | undefined,
    private readonly port: number | undefined,
    private readonly check: (what: string) => Array<string | undefined>,
    private readonly handler: (port: number | undefined) => object,
  ) {}

  /** The port an HTTP hook calls: its own, else `defaultPort`; none for the others. @internal */
  public _targetPort(defaultPort?: number): number | undefined {
    return this.kind === 'httpGet' ? this.port ?? defaultPort : undefined;
  }

  /** Problems with the hook, `what` naming it; `ports` are the container's ports. @internal */
  public _problems(what: string, ports: number[]): string[] {
    return [
      ...this.check(what),
      this.kind === 'httpGet' && this.port === undefined && ports.length === 0
        ? `${what} httpGet needs a port but the container has none. Fix: pass { port } to PreStop.httpGet(), or use PreStop.exec() or PreStop.sleep().` : undefined,
      this.kind === 'httpGet' && this.port !== undefined && ports.length > 0 && !ports.includes(this.port)
        ? `${what} port ${this.port} is not a port of its container (${ports.join(', ')}). Fix: call one of those ports.` : undefined,
    ].filter((x): x is string => x !== undefined);
  }

  /** The Kubernetes `lifecycle` field. @internal */
  public _toKube(defaultPort?: number): { preStop: object } {
    return { preStop: this.handler(this._targetPort(defaultPort)) };
  }
}

/**
 * The problem of a grace period that is not a whole number >= 0, or shorter than a preStop
 * sleep (the kubelet would kill the container mid-sleep, before SIGTERM ever reaches the app),
 * or than the app's and the sidecars' sleeps one after another.
 */
export function gracePeriodProblems(grace: number | undefined, hooks: ReadonlyArray<{ what: string; hook: PreStop | undefined }>): string[] {
  if (grace !== undefined && (!Number.isInteger(grace) || grace < 0)) {
    return [`terminationGracePeriodSeconds ${grace} must be a whole number >= 0. Fix: e.g. 30 (the default), at least as long as the preStop hook plus the app's own shutdown.`];
  }
  const budget = grace ?? DEFAULT_TERMINATION_GRACE_PERIOD_SECONDS;
  const given = `terminationGracePeriodSeconds is ${budget}${grace === undefined ? ' (the default)' : ''}`;
  const sleeps = hooks.filter((h) => h.hook?.sleepSeconds !== undefined && Number.isInteger(h.hook.sleepSeconds) && h.hook.sleepSeconds >= 1);
  const each = sleeps
    .filter((h) => h.hook!.sleepSeconds! > budget)
    .map((h) => `${h.what} sleeps ${h.hook!.sleepSeconds}s but ${given}, so the kubelet kills the container before the sleep ends and the app never gets SIGTERM. Fix: shorten the sleep, or set terminationGracePeriodSeconds to ${h.hook!.sleepSeconds! + DEFAULT_TERMINATION_GRACE_PERIOD_SECONDS} or more (the sleep plus the app's own shutdown).`);
  if (each.length || sleeps.length < 2) return each;
  // One grace period covers the whole pod: the kubelet stops the app container first, then the
  // native sidecars one after another in reverse order, each after its own preStop hook.
  const total = sleeps.reduce((sum, h) => sum + h.hook!.sleepSeconds!, 0);
  return total <= budget ? [] : [`the preStop sleeps add up to ${total}s (${sleeps.map((h) => `${h.what} ${h.hook!.sleepSeconds}s`).join(', ')}), run one after another as the kubelet stops the app and then each sidecar, but ${given}, so the last sidecar is killed mid-sleep. Fix: shorten the sleeps, or set terminationGracePeriodSeconds to ${total + DEFAULT_TERMINATION_GRACE_PERIOD_SECONDS} or more.`];
}
