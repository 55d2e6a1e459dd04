import { ISTIO_INIT, ISTIO_PROXY_UID } from '../../core/constants';
import { Mesh, MeshMode } from '../../model/mesh';
import { istioInjectsNativeSidecar, TargetVersions } from '../../model/target';

// Security contexts as Istio's injection template writes them (istio/istio
// manifests/charts/istio-control/istio-discovery/files/injection-template.yaml).
const PROXY_SECURITY_CONTEXT = {
  allowPrivilegeEscalation: false,
  capabilities: { drop: ['ALL'] },
  privileged: false,
  readOnlyRootFilesystem: true,
  runAsGroup: ISTIO_PROXY_UID,
  runAsNonRoot: true,
  runAsUser: ISTIO_PROXY_UID,
};
const INIT_WITHOUT_CNI_SECURITY_CONTEXT = {
  allowPrivilegeEscalation: false,
  capabilities: { add: ['NET_ADMIN', 'NET_RAW'], drop: ['ALL'] },
  privileged: false,
  readOnlyRootFilesystem: false,
  runAsGroup: 0,
  runAsNonRoot: false,
  runAsUser: 0,
};

function proxy(native: boolean): object {
  return { name: 'istio-proxy', image: 'istio/proxyv2', ...(native ? { restartPolicy: 'Always' } : {}), securityContext: PROXY_SECURITY_CONTEXT };
}

/** A pod template, as far as injection reads it. */
export interface InjectablePod {
  readonly spec: { readonly initContainers?: readonly object[]; readonly containers: readonly object[] };
}

/**
 * Pod annotation that makes Istio inject its proxy as a native sidecar (an init container with
 * `restartPolicy: Always`, Kubernetes 1.29+) whatever istiod's ENABLE_NATIVE_SIDECARS says: the
 * kubelet then stops the proxy when the app container exits, so a Job's pod completes.
 */
export const NATIVE_SIDECAR_ANNOTATION = 'sidecar.istio.io/nativeSidecar';

/**
 * The pod as the API server sees it after Istio's webhook has injected its containers: that is
 * what Pod Security Admission judges, so the synth-time check must judge it too. Ambient mode
 * injects nothing.
 *
 * The order is the injector's (istio/istio pkg/kube/inject/webhook.go, `reorderPod`): with a
 * native proxy, `istio-init` (or `istio-validation`) and then `istio-proxy` come first in
 * `initContainers`, so the pod's own init containers and sidecars run inside the mesh; with the
 * proxy as a regular container, `istio-validation` comes first (it blocks every user container
 * until the CNI plugin has set up the redirection), `istio-init` last (so the iptables rules do not
 * blackhole the user's init containers, which then run outside the mesh), and `istio-proxy` is
 * the last of `containers`.
 */
export function withInjectedContainers<T extends InjectablePod>(podTemplate: T, mesh: Mesh | undefined, target: TargetVersions): T {
  if (!mesh || mesh.mode !== MeshMode.SIDECAR) return podTemplate;
  // Istio 1.27+ on Kubernetes 1.29+ injects a native sidecar by default; the annotation forces it.
  const native = istioInjectsNativeSidecar(target)
    || (podTemplate as { metadata?: { annotations?: { [k: string]: string } } }).metadata?.annotations?.[NATIVE_SIDECAR_ANNOTATION] === 'true';
  const init = mesh.istioCni
    ? { name: 'istio-validation', image: 'istio/proxyv2', securityContext: PROXY_SECURITY_CONTEXT }
    : { name: ISTIO_INIT, image: 'istio/proxyv2', securityContext: INIT_WITHOUT_CNI_SECURITY_CONTEXT };
  const spec = podTemplate.spec;
  const own = spec.initContainers ?? [];
  return {
    ...podTemplate,
    spec: {
      ...spec,
      initContainers: native ? [init, proxy(true), ...own] : mesh.istioCni ? [init, ...own] : [...own, init],
      containers: native ? spec.containers : [...spec.containers, proxy(false)],
    },
  };
}
