import { DEFAULT_RESOURCES } from '../../core/defaults';
import { checkResourceRange } from '../../core/validate';
import type { ResourceRange } from '../../model/resources';
import type { ResourceSettings } from '../../model/workload-options';
import type { KubeResources } from './kube';

/** Requests and limits of one container: defaults filled in, checked, rendered. */
export class ContainerResources {
  /** The defaults, shared by every container that sets none. */
  public static readonly DEFAULT = new ContainerResources(
    Object.freeze(Object.fromEntries(Object.entries(DEFAULT_RESOURCES).map(([k, v]) => [k, v.request]))),
    Object.freeze(Object.fromEntries(Object.entries(DEFAULT_RESOURCES).map(([k, v]) => [k, v.limit]))),
    Object.freeze([]) as readonly string[],
  );

  /** From the options; a resource not given keeps its default request and limit. */
  public static of(settings: ResourceSettings | undefined): ContainerResources {
    if (!settings) return ContainerResources.DEFAULT;
    const given: Record<string, ResourceRange | undefined> = { 'cpu': settings.cpu, 'memory': settings.memory, 'ephemeral-storage': settings.ephemeralStorage };
    const requests: Record<string, string> = {};
    const limits: Record<string, string> = {};
    const problems: string[] = [];
    for (const [res, def] of Object.entries(DEFAULT_RESOURCES)) {
      const request = given[res]?.request ?? def.request;
      const limit = given[res]?.limit ?? def.limit;
      const problem = checkResourceRange({ request: `${res} request`, limit: `${res} limit` }, request, limit);
      if (problem) problems.push(problem);
      requests[res] = request;
      limits[res] = limit;
    }
    return new ContainerResources(requests, limits, problems);
  }

  private constructor(
    /** Requests by resource name. */
    public readonly requests: { readonly [resource: string]: string },
    /** Limits by resource name. */
    public readonly limits: { readonly [resource: string]: string },
    private readonly found: readonly string[],
  ) {}

  public problems(): string[] {
    return [...this.found];
  }

  /** What one pod claims, by quota key (`requests.cpu`, `limits.memory`…). */
  public quotaKeys(): { [quotaKey: string]: string } {
    const out: { [quotaKey: string]: string } = {};
    for (const [kind, values] of Object.entries({ requests: this.requests, limits: this.limits })) {
      for (const [res, q] of Object.entries(values)) out[`${kind}.${res}`] = q;
    }
    return out;
  }

  /** @internal */
  public _toKube(): KubeResources {
    return { requests: { ...this.requests }, limits: { ...this.limits } };
  }
}
