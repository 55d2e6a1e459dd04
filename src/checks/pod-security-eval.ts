// What every Pod Security check shares: the JSON reading rules, the container walk, the fixes' wording.
import type { PodSecurityCheckId, PodSecurityViolation } from './pod-security-types';

export type Obj = Record<string, any>;
export type Level = 'baseline' | 'restricted';
export type ContainerList = 'initContainers' | 'containers' | 'ephemeralContainers';

// Upstream's visitContainers order.
export const CONTAINER_LISTS: readonly ContainerList[] = ['initContainers', 'containers', 'ephemeralContainers'];

export const PRIVILEGED_ONLY = 'or run the pod in a namespace whose Pod Security level is "privileged"';
export const BASELINE_OR_PRIVILEGED = 'or run the pod in a namespace whose Pod Security level is "baseline" or "privileged"';

export const CAPABILITIES_BASELINE = new Set([
  'AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD',
  'NET_BIND_SERVICE', 'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT',
]);

// Each safe sysctl and the policy minor from which baseline allows it (check_sysctls.go).
export const SAFE_SYSCTL_SINCE = new Map<string, number>([
  ['kernel.shm_rmid_forced', 0],
  ['net.ipv4.ip_local_port_range', 0],
  ['net.ipv4.tcp_syncookies', 0],
  ['net.ipv4.ping_group_range', 0],
  ['net.ipv4.ip_unprivileged_port_start', 0],
  ['net.ipv4.ip_local_reserved_ports', 27],
  ['net.ipv4.tcp_keepalive_time', 29],
  ['net.ipv4.tcp_fin_timeout', 29],
  ['net.ipv4.tcp_keepalive_intvl', 29],
  ['net.ipv4.tcp_keepalive_probes', 29],
  ['net.ipv4.tcp_rmem', 32],
  ['net.ipv4.tcp_wmem', 32],
  ['net.ipv4.tcp_slow_start_after_idle', 37],
  ['net.ipv4.tcp_notsent_lowat', 37],
]);

// SELinux types baseline allows, and since which minor (check_seLinuxOptions.go).
export const SELINUX_TYPE_SINCE = new Map<string, number>([
  ['', 0],
  ['container_t', 0],
  ['container_init_t', 0],
  ['container_kvm_t', 0],
  ['container_engine_t', 31],
]);

// Volume sources restricted allows. `image` was added to upstream's only (1.0) revision in
// place, so it is allowed at every policy version, as upstream does.
export const ALLOWED_VOLUME_SOURCES = new Set([
  'configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'image', 'persistentVolumeClaim', 'projected', 'secret',
]);
export const RESTRICTED_VOLUME_SOURCES = new Set([
  'hostPath', 'gcePersistentDisk', 'awsElasticBlockStore', 'gitRepo', 'nfs', 'iscsi', 'glusterfs', 'rbd', 'flexVolume',
  'cinder', 'cephfs', 'flocker', 'fc', 'azureFile', 'vsphereVolume', 'quobyte', 'azureDisk', 'photonPersistentDisk',
  'portworxVolume', 'scaleIO', 'storageos',
]);

export const SECCOMP_POD_ANNOTATION = 'seccomp.security.alpha.kubernetes.io/pod';
export const SECCOMP_CONTAINER_ANNOTATION_PREFIX = 'container.seccomp.security.alpha.kubernetes.io/';
export const APPARMOR_ANNOTATION_PREFIX = 'container.apparmor.security.beta.kubernetes.io/';

export const PROBES = ['livenessProbe', 'readinessProbe', 'startupProbe'] as const;
export const HOST_HANDLERS = ['httpGet', 'tcpSocket'] as const;

export function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null;
}

/** Go's zero value for a string field. */
export function str(v: unknown): string {
  if (typeof v === 'string') return v;
  return v === undefined || v === null ? '' : String(v);
}

export function q(v: unknown): string {
  return JSON.stringify(str(v));
}

export function securityContextOf(c: Obj): Obj | undefined {
  const sc = c.securityContext;
  return isObj(sc) ? sc : undefined;
}

// Containers and volumes are keyed by name in paths; the index stands in for a missing name.
export function keyOf(c: Obj, i: number): string {
  return typeof c.name === 'string' && c.name !== '' ? c.name : String(i);
}

export function containerPath(list: ContainerList, c: Obj, i: number): string {
  return `spec.${list}[${keyOf(c, i)}]`;
}

export function containerWho(list: ContainerList, c: Obj, i: number): string {
  const kind = list === 'initContainers' ? 'init container' : list === 'ephemeralContainers' ? 'ephemeral container' : 'container';
  return typeof c.name === 'string' && c.name !== '' ? `${kind} ${JSON.stringify(c.name)}` : `${kind} #${i}`;
}

export function namesOf(items: Array<[ContainerList, Obj, number]>): string {
  const names = items.map(([, c, i]) => JSON.stringify(keyOf(c, i))).join(', ');
  return `${items.length === 1 ? 'container' : 'containers'} ${names}`;
}

export class Evaluation {
  out: PodSecurityViolation[] = [];
  readonly meta: Obj;
  readonly spec: Obj;
  readonly annotations: Obj | undefined;
  readonly podSc: Obj | undefined;
  readonly windows: boolean;
  readonly userNamespace: boolean;

  constructor(metadata: unknown, spec: unknown, readonly minor: number) {
    this.meta = isObj(metadata) ? metadata : {};
    this.spec = isObj(spec) ? spec : {};
    this.annotations = isObj(this.meta.annotations) ? this.meta.annotations : undefined;
    this.podSc = isObj(this.spec.securityContext) ? this.spec.securityContext : undefined;
    this.windows = isObj(this.spec.os) && this.spec.os.name === 'windows';
    // helpers.go relaxPolicyForUserNamespacePod: only an explicit `hostUsers: false` counts.
    this.userNamespace = this.spec.hostUsers === false;
  }

  add(check: PodSecurityCheckId, level: Level, field: string, message: string, fix: string): void {
    this.out.push({ check, level, field, message, fix });
  }

  eachContainer(fn: (c: Obj, list: ContainerList, i: number) => void): void {
    for (const list of CONTAINER_LISTS) {
      const arr = this.spec[list];
      if (!Array.isArray(arr)) continue;
      for (let i = 0; i < arr.length; i++) {
        const c = arr[i];
        if (isObj(c)) fn(c, list, i);
      }
    }
  }
}

export function validSeccompType(t: unknown): boolean {
  return t === 'RuntimeDefault' || t === 'Localhost';
}

export function firstIndexOf(arr: unknown[], value: string): number {
  for (let k = 0; k < arr.length; k++) if (str(arr[k]) === value) return k;
  return -1;
}
