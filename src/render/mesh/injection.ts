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

/**
 * The pod as the API server sees it after Istio's webhook has injected its containers: that is
 * what Pod Security Admission judges, so the synth-time check must judge it too. Ambient mode
 * injects nothing.
 */
/** A pod template, as far as injection reads it. */
export interface InjectablePod {
  readonly spec: { readonly initContainers?: readonly object[]; readonly containers: readonly object[] };
}

export function withInjectedContainers<T extends InjectablePod>(podTemplate: T, mesh: Mesh | undefined, target: TargetVersions): T {
  if (!mesh || mesh.mode !== MeshMode.SIDECAR) return podTemplate;
  const init = mesh.istioCni
    ? { name: 'istio-validation', image: 'istio/proxyv2', securityContext: PROXY_SECURITY_CONTEXT }
    : { name: ISTIO_INIT, image: 'istio/proxyv2', securityContext: INIT_WITHOUT_CNI_SECURITY_CONTEXT };
  const proxy = { name: 'istio-proxy', image: 'istio/proxyv2', securityContext: PROXY_SECURITY_CONTEXT };
  const spec = podTemplate.spec;
  // A native sidecar is an init container that keeps running; Istio puts it (after its own init
  // container) ahead of the pod's init containers, so those already have the mesh.
  return istioInjectsNativeSidecar(target)
    ? { ...podTemplate, spec: { ...spec, initContainers: [init, { ...proxy, restartPolicy: 'Always' }, ...(spec.initContainers ?? [])] } }
    : { ...podTemplate, spec: { ...spec, initContainers: [...(spec.initContainers ?? []), init], containers: [...spec.containers, proxy] } };
}
