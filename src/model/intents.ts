import { Connection, sameConnection } from './connection';
import type { Exposure } from './gateway';
import type { Holes } from './holes';
import { HostIntent, hostHoles } from './hosts';
import type { MtlsMode } from './mesh';
import type { IWorkload } from './peer';

/** What a workload's intents are about: its identity and the facts its placement fixes. */
export interface IntentsSubject {
  /** The workload whose holes these are. */
  readonly workload: IWorkload;
  /** Namespace, when known. */
  readonly namespace?: string;
  /** The labels that select its pods (and only them). */
  readonly selector: { readonly [key: string]: string };
  /** The mesh's mTLS mode, when the workload is meshed. */
  readonly mtls?: MtlsMode;
  /** The namespace lets all its pods reach each other, on any port (every layer must agree). */
  readonly allowIntraNamespace?: boolean;
  /**
   * The holes that are not connections (mesh control plane, probes, scrapes). Read at synth,
   * since they depend on cluster settings an app may apply after creating the workload.
   */
  readonly holes: () => Holes;
}

/**
 * Every hole in one workload's isolation, in one place: the connections it takes part in, the
 * ports that accept plain text under STRICT mTLS, and the holes that are not connections. The
 * analogue of aws-ec2's `Connections`: `a.allowTo(b)` and `b.allowFrom(a)` both land here (on
 * both workloads), repeated intents are dropped where they enter, and the network and mesh
 * renderers read only this object. Anything derived from it is memoized until it changes.
 */
export class WorkloadIntents {
  private readonly recorded: Connection[] = [];
  private readonly plainText: number[] = [];
  private readonly exposed: Exposure[] = [];
  private readonly named: HostIntent[] = [];
  private readonly derived = new Map<string, unknown>();

  constructor(private readonly subject: IntentsSubject) {}

  /** The workload these intents belong to. */
  public get workload(): IWorkload {
    return this.subject.workload;
  }

  public get namespace(): string | undefined {
    return this.subject.namespace;
  }

  public get selector(): { readonly [key: string]: string } {
    return this.subject.selector;
  }

  public get mtls(): MtlsMode | undefined {
    return this.subject.mtls;
  }

  public get allowIntraNamespace(): boolean {
    return this.subject.allowIntraNamespace ?? false;
  }

  /** The connections this workload takes part in, in declaration order. */
  public get connections(): readonly Connection[] {
    return this.recorded;
  }

  /** Container ports excepted from STRICT mTLS (a port-level PeerAuthentication admits plain text there). */
  public get permissivePorts(): readonly number[] {
    return this.plainText;
  }

  /** Where the workload is exposed to traffic from outside (routes through gateways, Ingresses). */
  public get exposures(): readonly Exposure[] {
    return this.exposed;
  }

  /** External hosts the workload may reach by name. */
  public get hosts(): readonly HostIntent[] {
    return this.named;
  }

  /** Records an exposure (its connection from the entry point's pods is recorded with `add`). */
  public addExposure(exposure: Exposure): void {
    this.exposed.push(exposure);
    this.derived.clear();
  }

  /** Records an external host; false when the same host and port were already recorded. */
  public addHost(host: HostIntent): boolean {
    if (this.named.some((h) => h.hostname === host.hostname && h.port === host.port && h.protocol === host.protocol)) return false;
    this.named.push(host);
    this.derived.clear();
    return true;
  }

  /** The holes that are not connections: the workload's own, then the egress its hosts need. */
  public holes(): Holes {
    const own = this.subject.holes();
    if (this.named.length === 0) return own;
    return { ingress: own.ingress, egress: [...own.egress, ...hostHoles(this.named)] };
  }

  /** Whether `c` arrives at this workload. */
  public isInbound(c: Connection): boolean {
    return c.to.workload === this.subject.workload;
  }

  /** Whether `c` leaves from this workload. */
  public isOutbound(c: Connection): boolean {
    return c.from.workload === this.subject.workload;
  }

  /** Records a connection; false when the same intent was already recorded. */
  public add(connection: Connection): boolean {
    if (this.recorded.some((c) => sameConnection(c, connection))) return false;
    this.recorded.push(connection);
    this.derived.clear();
    return true;
  }

  /** Admits plain-text peers on `port` (under STRICT mTLS, by a port-level exception). */
  public allowPlainText(port: number): void {
    if (this.plainText.includes(port)) return;
    this.plainText.push(port);
    this.derived.clear();
  }

  /**
   * `compute()`, remembered until the intents change. cdk8s runs validations once per chart and
   * resolves every object separately, so a check over the intents must not be redone each time.
   */
  public memo<T>(key: string, compute: () => T): T {
    if (!this.derived.has(key)) this.derived.set(key, compute());
    return this.derived.get(key) as T;
  }
}
