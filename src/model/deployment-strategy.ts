/** A count of pods, absolute or as a percentage of the replicas (a Deployment's `maxSurge`, `maxUnavailable`). */
export class PercentOrAbsolute {
  /** `percent`% of the replicas (a whole number; Kubernetes rounds a surge up, unavailable pods down). */
  public static percent(percent: number): PercentOrAbsolute {
    return new PercentOrAbsolute(percent, true);
  }

  /** Exactly `num` pods. */
  public static absolute(num: number): PercentOrAbsolute {
    return new PercentOrAbsolute(num, false);
  }

  private constructor(
    /** The number, of pods or of percent. */
    public readonly value: number,
    /** Whether `value` is a percentage of the replicas. */
    public readonly isPercent: boolean,
  ) {}

  /** Whether it is zero pods whatever the replicas (Kubernetes refuses maxSurge and maxUnavailable both zero). */
  public get isZero(): boolean {
    return this.value === 0;
  }

  /** The problem with this value as `what`, whose percentage may not exceed `maxPercent`. @internal */
  public _problem(what: string, maxPercent: number | undefined): string | undefined {
    const ok = Number.isInteger(this.value) && this.value >= 0 && (!this.isPercent || maxPercent === undefined || this.value <= maxPercent);
    if (ok) return undefined;
    return this.isPercent
      ? `${what} ${this.value}% is not a whole percentage from 0 to ${maxPercent ?? 'any'}. Fix: e.g. PercentOrAbsolute.percent(25).`
      : `${what} ${this.value} is not a whole number of pods >= 0. Fix: e.g. PercentOrAbsolute.absolute(1).`;
  }

  /** Pods it comes to for `replicas`, rounded as the Deployment controller rounds it. @internal */
  public _pods(replicas: number, roundUp: boolean): number {
    if (!this.isPercent) return this.value;
    const exact = (replicas * this.value) / 100;
    return roundUp ? Math.ceil(exact) : Math.floor(exact);
  }

  /** The intOrString field. @internal */
  public _toKube(): number | string {
    return this.isPercent ? `${this.value}%` : this.value;
  }

  /** As written in messages. @internal */
  public _describe(): string {
    return this.isPercent ? `${this.value}%` : String(this.value);
  }
}

/** Options of `DeploymentStrategy.rollingUpdate()`. */
export interface DeploymentRollingUpdateOptions {
  /**
   * Pods a rollout may run beyond the replicas (the namespace's quota must fit them).
   * @default PercentOrAbsolute.absolute(1)
   */
  readonly maxSurge?: PercentOrAbsolute;
  /**
   * Pods a rollout may take down below the replicas (not zero together with `maxSurge`).
   * @default PercentOrAbsolute.absolute(0): no capacity is lost during a rollout
   */
  readonly maxUnavailable?: PercentOrAbsolute;
}

/** A Deployment's `strategy` as the library writes it. */
export type KubeDeploymentStrategy =
  | { readonly type: 'Recreate' }
  | { readonly type: 'RollingUpdate'; readonly rollingUpdate: { readonly maxSurge: number | string; readonly maxUnavailable: number | string } };

/**
 * How a Deployment replaces its pods: a rolling update (new pods beside old ones, within
 * `maxSurge` and `maxUnavailable`), or Recreate (every old pod is gone before a new one starts,
 * what a single-writer volume needs).
 */
export class DeploymentStrategy {
  /** Stop every old pod, then start the new ones: no two versions and no surge pod, with downtime. */
  public static recreate(): DeploymentStrategy {
    return new DeploymentStrategy(undefined);
  }

  /** Replace pods a few at a time; by default one surge pod and none unavailable. */
  public static rollingUpdate(options: DeploymentRollingUpdateOptions = {}): DeploymentStrategy {
    return new DeploymentStrategy({
      maxSurge: options.maxSurge ?? PercentOrAbsolute.absolute(1),
      maxUnavailable: options.maxUnavailable ?? PercentOrAbsolute.absolute(0),
    });
  }

  private constructor(private readonly rolling: { readonly maxSurge: PercentOrAbsolute; readonly maxUnavailable: PercentOrAbsolute } | undefined) {}

  /** Whether this is a rolling update (else Recreate). */
  public get isRollingUpdate(): boolean {
    return this.rolling !== undefined;
  }

  /** What is wrong with the values, each naming the field and the fix. */
  public problems(): string[] {
    if (!this.rolling) return [];
    const { maxSurge, maxUnavailable } = this.rolling;
    if (!(maxSurge instanceof PercentOrAbsolute) || !(maxUnavailable instanceof PercentOrAbsolute)) {
      return ['strategy.rollingUpdate maxSurge and maxUnavailable must be PercentOrAbsolute values. Fix: use PercentOrAbsolute.absolute(n) or PercentOrAbsolute.percent(n).'];
    }
    const out = [
      maxSurge._problem('strategy maxSurge', undefined),
      maxUnavailable._problem('strategy maxUnavailable', 100),
      maxSurge.isZero && maxUnavailable.isZero
        ? 'strategy maxSurge and maxUnavailable are both 0, so a rollout could neither add nor remove a pod (the API server refuses it). Fix: keep maxSurge at 1 (the default), or set maxUnavailable to 1 or more.'
        : undefined,
    ];
    return out.filter((p): p is string => p !== undefined);
  }

  /** Pods a rollout runs beyond `replicas` (0 with Recreate). @internal */
  public _surgePods(replicas: number): number {
    return this.rolling ? this.rolling.maxSurge._pods(replicas, true) : 0;
  }

  /** How the surge was set, for messages: `maxSurge 25%`. @internal */
  public _surgeDescribed(): string {
    return this.rolling ? `maxSurge ${this.rolling.maxSurge._describe()}` : 'Recreate';
  }

  /** @internal */
  public _toKube(): KubeDeploymentStrategy {
    if (!this.rolling) return { type: 'Recreate' };
    return { type: 'RollingUpdate', rollingUpdate: { maxSurge: this.rolling.maxSurge._toKube(), maxUnavailable: this.rolling.maxUnavailable._toKube() } };
  }
}
