/**
 * `cdk8s-secure/testing`: jest matchers and a snapshot helper.
 *
 *   import { installMatchers, stableSnapshot } from 'cdk8s-secure/testing';
 *   installMatchers();   // once, e.g. in a jest `setupFilesAfterEach` file
 *
 *   expect(chart).toAllowTraffic(web, api, { port: 9000 });
 *   expect(chart).not.toAllowTraffic(Endpoint.ip('203.0.113.7'), api, { port: 9000 });
 *   expect(app).toPassPodSecurity('restricted', 'v1.30');
 *   expect(stableSnapshot(chart)).toMatchSnapshot();
 */
import type { EndpointLike, TrafficOptions } from './matchers';
import { toAllowTraffic, toPassPodSecurity } from './matchers';
import type { PodSecurityLevelName } from '../checks/pod-security';
import { SecureConfigError } from '../core/errors';

export type { EndpointLike, ManifestSource, MatcherContextLike, MatcherResult, NamedWorkload, TrafficOptions, WorkloadGroup } from './matchers';
export { HASH_PLACEHOLDER, manifestsOf, stableSnapshot, toAllowTraffic, toEndpoint, toPassPodSecurity } from './matchers';
export { Endpoint } from '../checks/reachability';

/** The matchers, for `expect.extend(matchers)` when you manage `expect` yourself. */
export const matchers = { toAllowTraffic, toPassPodSecurity };

/**
 * Registers the matchers with jest's `expect` (the global one unless given, e.g. the `expect` of
 * `@jest/globals`). Safe to call more than once.
 */
export function installMatchers(expectFn?: { extend(matchers: Record<string, unknown>): void }): void {
  const target = expectFn ?? (globalThis as any).expect;
  if (!target || typeof target.extend !== 'function') {
    throw new SecureConfigError('installMatchers', ['no jest `expect` found. Fix: call it inside a jest test file or setup file, or pass `expect`.']);
  }
  target.extend(matchers);
}

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace jest {
    interface Matchers<R> {
      /**
       * The subject (Chart, App or manifests) lets `from` open a connection to `to` on the port:
       * egress of `from` and ingress of `to` both allow it under the NetworkPolicies.
       */
      toAllowTraffic(from: EndpointLike, to: EndpointLike, options?: TrafficOptions): R;
      /** Every pod template of the subject passes Pod Security `level` at `version` (default 'latest'). */
      toPassPodSecurity(level: PodSecurityLevelName, version?: string): R;
    }
  }
}
