// What the targeted Kubernetes and Istio releases support, as pure functions of the settings,
// so every renderer and construct (and other workload kinds) asks the same question the same way.

/** The Kubernetes minor targeted unless ClusterSettings say otherwise: the oldest supported release. */
export const DEFAULT_KUBERNETES_VERSION = '1.35';
/** The Istio release targeted unless ClusterSettings say otherwise. */
export const DEFAULT_ISTIO_VERSION = '1.27';
/** The oldest Kubernetes minor the library can target: the schema it is built against (cdk8s-plus-27). */
export const OLDEST_KUBERNETES_MINOR = 27;

/** The two versions the target facts depend on. */
export interface TargetVersions {
  /** Kubernetes `1.<minor>`. */
  readonly kubernetesVersion: string;
  /** Istio `1.<minor>` or `1.<minor>.<patch>`. */
  readonly istioVersion: string;
}

/** The minor of `1.<minor>` (a patch is allowed for Istio), or undefined if it is not one. */
export function minorOf(version: string): number | undefined {
  const m = /^v?1\.(0|[1-9]\d{0,2})(\.(0|[1-9]\d*))?$/.exec(version);
  return m ? Number(m[1]) : undefined;
}

function k8sMinor(t: TargetVersions): number {
  return minorOf(t.kubernetesVersion) ?? minorOf(DEFAULT_KUBERNETES_VERSION)!;
}
function istioMinor(t: TargetVersions): number {
  return minorOf(t.istioVersion) ?? minorOf(DEFAULT_ISTIO_VERSION)!;
}

/** Problems with the version settings (for ClusterSettings.apply to report). */
export function targetVersionProblems(kubernetesVersion: string | undefined, istioVersion: string | undefined): Array<string | undefined> {
  const k = kubernetesVersion === undefined || !/^1\.\d+$/.test(kubernetesVersion) ? undefined : minorOf(kubernetesVersion);
  return [
    kubernetesVersion === undefined ? undefined : k === undefined
      ? `ClusterSettings kubernetesVersion "${kubernetesVersion}" is not a Kubernetes minor. Fix: give "1.<minor>", e.g. "${DEFAULT_KUBERNETES_VERSION}".`
      : k < OLDEST_KUBERNETES_MINOR
        ? `ClusterSettings kubernetesVersion "${kubernetesVersion}" is older than 1.${OLDEST_KUBERNETES_MINOR}, the oldest release this library's output is built and checked for. Fix: upgrade the cluster and target "${DEFAULT_KUBERNETES_VERSION}" (1.${OLDEST_KUBERNETES_MINOR} is the least this library accepts).`
        : undefined,
    istioVersion === undefined || (minorOf(istioVersion) !== undefined && !istioVersion.startsWith('v')) ? undefined
      : `ClusterSettings istioVersion "${istioVersion}" is not an Istio release. Fix: give "1.<minor>" or "1.<minor>.<patch>", e.g. "${DEFAULT_ISTIO_VERSION}".`,
  ];
}

/** The Pod Security policy version that matches the target: what a namespace pins by default. */
export function podSecurityVersionFor(t: TargetVersions): string {
  return `v1.${k8sMinor(t)}`;
}

/**
 * Whether the target runs native sidecars: init containers with `restartPolicy: Always`
 * (SidecarContainers, beta and on by default since Kubernetes 1.29). Before that the field is
 * rejected or dropped, so a pod that needs one must not be emitted.
 */
export function supportsNativeSidecars(t: TargetVersions): boolean {
  return k8sMinor(t) >= 29;
}

/**
 * Whether Istio injects `istio-proxy` as a native sidecar: the default since Istio 1.27
 * (ENABLE_NATIVE_SIDECARS), on a Kubernetes that supports them.
 */
export function istioInjectsNativeSidecar(t: TargetVersions): boolean {
  return istioMinor(t) >= 27 && supportsNativeSidecars(t);
}

/** Whether the target has the `appArmorProfile` security-context field (GA in 1.30; the annotation before). */
export function supportsAppArmorField(t: TargetVersions): boolean {
  return k8sMinor(t) >= 30;
}

/**
 * Whether `hostUsers: false` works without a feature gate: UserNamespacesSupport is on by default
 * since 1.33. Before that the kubelet ignores or rejects it, so the isolation asked for is absent.
 */
export function supportsUserNamespaces(t: TargetVersions): boolean {
  return k8sMinor(t) >= 33;
}

/** The target's Kubernetes minor, e.g. 35. */
export function kubernetesMinor(t: TargetVersions): number {
  return k8sMinor(t);
}

/** The problem with `hostUsers: false` on a target without user namespaces, if any. */
export function userNamespaceProblem(hostUsers: boolean | undefined, t: TargetVersions): string | undefined {
  if (hostUsers !== false || supportsUserNamespaces(t)) return undefined;
  return `hostUsers: false needs user namespaces, which Kubernetes ${t.kubernetesVersion} (the target) runs only behind the UserNamespacesSupport feature gate, so the pod would run in the host user namespace after all. Fix: target Kubernetes 1.33 or later with ClusterSettings.apply(app, { kubernetesVersion: '1.33' }) once the cluster runs it, or drop hostUsers.`;
}

/**
 * Whether a preStop hook may `sleep` (the kubelet's own sleep action): PodLifecycleSleepAction,
 * beta and on by default since 1.30. Before that the API server drops or refuses the field.
 */
export function supportsPreStopSleep(t: TargetVersions): boolean {
  return k8sMinor(t) >= 30;
}

/**
 * The problems of what the pod needs from the target: native sidecars (user sidecars, or the
 * proxy of a meshed pod that must run to completion) and the preStop sleep action.
 */
export function podTargetProblems(needs: { readonly sidecars: readonly string[]; readonly meshedToCompletion?: string; readonly preStopSleeps: readonly string[] }, t: TargetVersions): string[] {
  const out: string[] = [];
  const upgrade = (minor: number) => `target Kubernetes 1.${minor} or later with ClusterSettings.apply(app, { kubernetesVersion: '1.${minor}' }) once the cluster runs it`;
  if (!supportsNativeSidecars(t)) {
    if (needs.sidecars.length) {
      const one = needs.sidecars.length === 1;
      out.push(`${one ? 'sidecar' : 'sidecars'} ${needs.sidecars.map((n) => `"${n}"`).join(', ')} ${one ? 'is a native sidecar (an init container' : 'are native sidecars (init containers'} with restartPolicy: Always), which Kubernetes ${t.kubernetesVersion} (the target) does not run: SidecarContainers is on by default only since 1.29. Fix: ${upgrade(29)}.`);
    }
    if (needs.meshedToCompletion) {
      out.push(`This ${needs.meshedToCompletion} runs to completion in a sidecar mesh, so its Istio proxy must be a native sidecar (an init container with restartPolicy: Always, stopped when the app exits), which Kubernetes ${t.kubernetesVersion} (the target) does not run: the proxy would keep the pod running forever. Fix: ${upgrade(29)}, or give the namespace Mesh.ambient(), or keep this workload out of the mesh with mesh: false.`);
    }
  }
  if (!supportsPreStopSleep(t) && needs.preStopSleeps.length) {
    out.push(`${needs.preStopSleeps.join(', ')} use${needs.preStopSleeps.length === 1 ? 's' : ''} the preStop sleep action, which Kubernetes ${t.kubernetesVersion} (the target) runs only behind the PodLifecycleSleepAction feature gate (on by default since 1.30). Fix: ${upgrade(30)}, or use PreStop.exec(['sleep', '<seconds>']) with an image that has sleep.`);
  }
  return out;
}
