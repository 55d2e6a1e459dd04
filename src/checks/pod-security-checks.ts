/**
 * The Pod Security Standards checks, one function per upstream check
 * (k8s.io/pod-security-admission policy/check_*.go), evaluated on plain JSON.
 *
 * Reading JSON instead of typed Go structs: a Go pointer field is "set" when the JSON value is
 * neither missing nor null, a Go bool is true only for JSON `true`, and a missing string is "".
 * Those rules decide edge cases such as `seccompProfile: {}` (set, with the invalid type "").
 *
 * Where upstream reports one result per check naming every offending container, this reports one
 * violation per offending field, so each carries the exact path and value to fix. Pass/fail is
 * the same: a pod gets at least one violation exactly when some upstream check forbids it.
 */
import type { PodSecurityCheckId, PodSecurityViolation } from './pod-security-types';

type Obj = Record<string, any>;
type Level = 'baseline' | 'restricted';
type ContainerList = 'initContainers' | 'containers' | 'ephemeralContainers';

// Upstream's visitContainers order.
const CONTAINER_LISTS: readonly ContainerList[] = ['initContainers', 'containers', 'ephemeralContainers'];

const PRIVILEGED_ONLY = 'or run the pod in a namespace whose Pod Security level is "privileged"';
const BASELINE_OR_PRIVILEGED = 'or run the pod in a namespace whose Pod Security level is "baseline" or "privileged"';

const CAPABILITIES_BASELINE = new Set([
  'AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD',
  'NET_BIND_SERVICE', 'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT',
]);

// Each safe sysctl and the policy minor from which baseline allows it (check_sysctls.go).
const SAFE_SYSCTL_SINCE = new Map<string, number>([
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
const SELINUX_TYPE_SINCE = new Map<string, number>([
  ['', 0],
  ['container_t', 0],
  ['container_init_t', 0],
  ['container_kvm_t', 0],
  ['container_engine_t', 31],
]);

// Volume sources restricted allows. `image` was added to upstream's only (1.0) revision in
// place, so it is allowed at every policy version, as upstream does.
const ALLOWED_VOLUME_SOURCES = new Set([
  'configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'image', 'persistentVolumeClaim', 'projected', 'secret',
]);
const RESTRICTED_VOLUME_SOURCES = new Set([
  'hostPath', 'gcePersistentDisk', 'awsElasticBlockStore', 'gitRepo', 'nfs', 'iscsi', 'glusterfs', 'rbd', 'flexVolume',
  'cinder', 'cephfs', 'flocker', 'fc', 'azureFile', 'vsphereVolume', 'quobyte', 'azureDisk', 'photonPersistentDisk',
  'portworxVolume', 'scaleIO', 'storageos',
]);

const SECCOMP_POD_ANNOTATION = 'seccomp.security.alpha.kubernetes.io/pod';
const SECCOMP_CONTAINER_ANNOTATION_PREFIX = 'container.seccomp.security.alpha.kubernetes.io/';
const APPARMOR_ANNOTATION_PREFIX = 'container.apparmor.security.beta.kubernetes.io/';

const PROBES = ['livenessProbe', 'readinessProbe', 'startupProbe'] as const;
const HOST_HANDLERS = ['httpGet', 'tcpSocket'] as const;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null;
}

/** Go's zero value for a string field. */
function str(v: unknown): string {
  if (typeof v === 'string') return v;
  return v === undefined || v === null ? '' : String(v);
}

function q(v: unknown): string {
  return JSON.stringify(str(v));
}

function securityContextOf(c: Obj): Obj | undefined {
  const sc = c.securityContext;
  return isObj(sc) ? sc : undefined;
}

// Containers and volumes are keyed by name in paths; the index stands in for a missing name.
function keyOf(c: Obj, i: number): string {
  return typeof c.name === 'string' && c.name !== '' ? c.name : String(i);
}

function containerPath(list: ContainerList, c: Obj, i: number): string {
  return `spec.${list}[${keyOf(c, i)}]`;
}

function containerWho(list: ContainerList, c: Obj, i: number): string {
  const kind = list === 'initContainers' ? 'init container' : list === 'ephemeralContainers' ? 'ephemeral container' : 'container';
  return typeof c.name === 'string' && c.name !== '' ? `${kind} ${JSON.stringify(c.name)}` : `${kind} #${i}`;
}

function namesOf(items: Array<[ContainerList, Obj, number]>): string {
  const names = items.map(([, c, i]) => JSON.stringify(keyOf(c, i))).join(', ');
  return `${items.length === 1 ? 'container' : 'containers'} ${names}`;
}

class Evaluation {
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

export function evaluatePodSecurity(metadata: unknown, spec: unknown, level: Level, minor: number): PodSecurityViolation[] {
  const e = new Evaluation(metadata, spec, minor);
  const restricted = level === 'restricted';

  // Baseline checks; at restricted, the ones a restricted check overrides at this version are
  // replaced by it (upstream's OverrideCheckIDs), so a problem is reported once.
  hostNamespaces(e);
  privileged(e);
  if (restricted && minor >= 22) capabilitiesRestricted(e);
  else capabilitiesBaseline(e);
  if (restricted) restrictedVolumes(e);
  else hostPathVolumes(e);
  hostPorts(e);
  appArmorProfile(e);
  seLinuxOptions(e);
  if (restricted && minor >= 35) procMountRestricted(e);
  else procMount(e);
  if (restricted && minor >= 19) seccompProfileRestricted(e);
  else seccompProfileBaseline(e);
  sysctls(e);
  windowsHostProcess(e);
  if (minor >= 34) hostProbesAndHostLifecycle(e);

  if (restricted) {
    if (minor >= 8) allowPrivilegeEscalation(e);
    runAsNonRoot(e);
    if (minor >= 23) runAsUser(e);
  }
  return e.out;
}

// ---------------------------------------------------------------- baseline

function hostNamespaces(e: Evaluation): void {
  for (const key of ['hostNetwork', 'hostPID', 'hostIPC'] as const) {
    if (e.spec[key] !== true) continue;
    e.add('hostNamespaces', 'baseline', `spec.${key}`, `pod sets ${key}: true`,
      `remove spec.${key} or set it to false; ${PRIVILEGED_ONLY}`);
  }
}

function privileged(e: Evaluation): void {
  e.eachContainer((c, list, i) => {
    if (securityContextOf(c)?.privileged !== true) return;
    e.add('privileged', 'baseline', `${containerPath(list, c, i)}.securityContext.privileged`,
      `${containerWho(list, c, i)} sets privileged: true`,
      `remove securityContext.privileged or set it to false; ${PRIVILEGED_ONLY}`);
  });
}

function capabilitiesBaseline(e: Evaluation): void {
  e.eachContainer((c, list, i) => {
    const add = securityContextOf(c)?.capabilities?.add;
    if (!Array.isArray(add)) return;
    for (let k = 0; k < add.length; k++) {
      const cap = str(add[k]);
      if (CAPABILITIES_BASELINE.has(cap) || firstIndexOf(add, cap) < k) continue;
      e.add('capabilities_baseline', 'baseline', `${containerPath(list, c, i)}.securityContext.capabilities.add`,
        `${containerWho(list, c, i)} adds capability ${q(cap)}`,
        `remove ${q(cap)} from securityContext.capabilities.add (baseline allows adding only ${[...CAPABILITIES_BASELINE].join(', ')}); ${PRIVILEGED_ONLY}`);
    }
  });
}

function hostPathVolumes(e: Evaluation): void {
  const volumes = e.spec.volumes;
  if (!Array.isArray(volumes)) return;
  for (let i = 0; i < volumes.length; i++) {
    const v = volumes[i];
    if (!isObj(v) || !isObj(v.hostPath)) continue;
    const name = keyOf(v, i);
    e.add('hostPathVolumes', 'baseline', `spec.volumes[${name}].hostPath`,
      `volume ${JSON.stringify(name)} mounts host path ${q(v.hostPath.path)}`,
      `use an emptyDir, configMap, secret or persistentVolumeClaim volume instead; ${PRIVILEGED_ONLY}`);
  }
}

function hostPorts(e: Evaluation): void {
  e.eachContainer((c, list, i) => {
    const ports = c.ports;
    if (!Array.isArray(ports)) return;
    for (let k = 0; k < ports.length; k++) {
      const p = ports[k];
      const hostPort = isObj(p) ? p.hostPort : undefined;
      if (hostPort === undefined || hostPort === null || hostPort === 0) continue;
      e.add('hostPorts', 'baseline', `${containerPath(list, c, i)}.ports[${k}].hostPort`,
        `${containerWho(list, c, i)} uses hostPort ${String(hostPort)}`,
        `remove hostPort and reach the container through a Service; ${PRIVILEGED_ONLY}`);
    }
  });
}

function appArmorProfile(e: Evaluation): void {
  // The field check was added to upstream's only (1.0) revision in place, so it applies at
  // every policy version, next to the deprecated annotations.
  const fix = `set the type to "RuntimeDefault" or "Localhost", or remove appArmorProfile; ${PRIVILEGED_ONLY}`;
  const podProfile = e.podSc?.appArmorProfile;
  if (isObj(podProfile) && !allowedAppArmorType(podProfile.type)) {
    e.add('appArmorProfile', 'baseline', 'spec.securityContext.appArmorProfile.type',
      `pod sets AppArmor profile type ${q(podProfile.type)}`, fix);
  }
  e.eachContainer((c, list, i) => {
    const profile = securityContextOf(c)?.appArmorProfile;
    if (!isObj(profile) || allowedAppArmorType(profile.type)) return;
    e.add('appArmorProfile', 'baseline', `${containerPath(list, c, i)}.securityContext.appArmorProfile.type`,
      `${containerWho(list, c, i)} sets AppArmor profile type ${q(profile.type)}`, fix);
  });
  const annotations = e.annotations;
  if (annotations === undefined) return;
  for (const key of Object.keys(annotations)) {
    if (!key.startsWith(APPARMOR_ANNOTATION_PREFIX)) continue;
    const value = str(annotations[key]);
    if (value === '' || value === 'runtime/default' || value.startsWith('localhost/')) continue;
    e.add('appArmorProfile', 'baseline', `metadata.annotations[${key}]`,
      `annotation ${key} sets AppArmor profile ${JSON.stringify(value)}`,
      `set it to "runtime/default" or "localhost/<profile>", or remove it (better: securityContext.appArmorProfile.type "RuntimeDefault"); ${PRIVILEGED_ONLY}`);
  }
}

function allowedAppArmorType(t: unknown): boolean {
  return t === 'RuntimeDefault' || t === 'Localhost';
}

function seLinuxOptions(e: Evaluation): void {
  const visit = (opts: unknown, list: ContainerList | undefined, c: Obj | undefined, i: number): void => {
    if (!isObj(opts)) return;
    const type = str(opts.type);
    const since = SELINUX_TYPE_SINCE.get(type);
    const typeOk = since !== undefined && since <= e.minor;
    if (typeOk && str(opts.user) === '' && str(opts.role) === '') return;
    const path = list === undefined || c === undefined ? 'spec.securityContext' : `${containerPath(list, c, i)}.securityContext`;
    const who = list === undefined || c === undefined ? 'pod' : containerWho(list, c, i);
    if (!typeOk) {
      const allowed = [...SELINUX_TYPE_SINCE].filter(([t, s]) => t !== '' && s <= e.minor).map(([t]) => t).join(', ');
      const later = since === undefined ? '' : `, or pin the namespace to Pod Security version v1.${since} or later, which allows it`;
      e.add('seLinuxOptions', 'baseline', `${path}.seLinuxOptions.type`, `${who} sets SELinux type ${JSON.stringify(type)}`,
        `remove seLinuxOptions.type or use one of ${allowed}${later}; ${PRIVILEGED_ONLY}`);
    }
    for (const key of ['user', 'role'] as const) {
      const value = str(opts[key]);
      if (value === '') continue;
      e.add('seLinuxOptions', 'baseline', `${path}.seLinuxOptions.${key}`, `${who} sets SELinux ${key} ${JSON.stringify(value)}`,
        `remove seLinuxOptions.${key}; ${PRIVILEGED_ONLY}`);
    }
  };
  visit(e.podSc?.seLinuxOptions, undefined, undefined, 0);
  e.eachContainer((c, list, i) => visit(securityContextOf(c)?.seLinuxOptions, list, c, i));
}

function procMount(e: Evaluation): void {
  // v1.35 made the user-namespace relaxation unconditional; before, it sat behind an alpha
  // feature gate that was off by default, so those versions never relax.
  if (e.minor >= 35 && e.userNamespace) return;
  const hint = e.minor >= 35 ? ', or set spec.hostUsers: false (baseline allows any procMount in a user namespace)' : '';
  procMountContainers(e, 'procMount', 'baseline', `remove securityContext.procMount or set it to "Default"${hint}; ${PRIVILEGED_ONLY}`);
}

function procMountRestricted(e: Evaluation): void {
  procMountContainers(e, 'procMount_restricted', 'restricted',
    `remove securityContext.procMount or set it to "Default"; ${e.userNamespace ? BASELINE_OR_PRIVILEGED : PRIVILEGED_ONLY}`);
}

function procMountContainers(e: Evaluation, check: PodSecurityCheckId, level: Level, fix: string): void {
  e.eachContainer((c, list, i) => {
    const pm = securityContextOf(c)?.procMount;
    if (pm === undefined || pm === null || pm === 'Default') return;
    e.add(check, level, `${containerPath(list, c, i)}.securityContext.procMount`,
      `${containerWho(list, c, i)} sets procMount ${q(pm)}`, fix);
  });
}

function validSeccompType(t: unknown): boolean {
  return t === 'RuntimeDefault' || t === 'Localhost';
}

function seccompProfileBaseline(e: Evaluation): void {
  if (e.minor < 19) {
    seccompAnnotations(e);
    return;
  }
  const fix = `set the type to "RuntimeDefault" or "Localhost", or remove seccompProfile; ${PRIVILEGED_ONLY}`;
  const pod = e.podSc?.seccompProfile;
  if (isObj(pod) && !validSeccompType(pod.type)) {
    e.add('seccompProfile_baseline', 'baseline', 'spec.securityContext.seccompProfile.type',
      `pod sets seccompProfile type ${q(pod.type)}`, fix);
  }
  e.eachContainer((c, list, i) => {
    const p = securityContextOf(c)?.seccompProfile;
    if (!isObj(p) || validSeccompType(p.type)) return;
    e.add('seccompProfile_baseline', 'baseline', `${containerPath(list, c, i)}.securityContext.seccompProfile.type`,
      `${containerWho(list, c, i)} sets seccompProfile type ${q(p.type)}`, fix);
  });
}

// Before v1.19 the policy reads the alpha annotations, not the field; this is also what
// restricted uses at those versions, since seccompProfile_restricted starts at v1.19.
function seccompAnnotations(e: Evaluation): void {
  const annotations = e.annotations;
  if (annotations === undefined) return;
  const fix = `set it to "runtime/default" or "localhost/<profile>", or remove it; ${PRIVILEGED_ONLY}`;
  const check = (key: string): void => {
    if (!Object.prototype.hasOwnProperty.call(annotations, key)) return;
    const value = str(annotations[key]);
    if (value === 'runtime/default' || value === 'docker/default' || value.startsWith('localhost/')) return;
    e.add('seccompProfile_baseline', 'baseline', `metadata.annotations[${key}]`,
      `annotation ${key} sets seccomp profile ${JSON.stringify(value)}`, fix);
  };
  check(SECCOMP_POD_ANNOTATION);
  e.eachContainer((c) => check(SECCOMP_CONTAINER_ANNOTATION_PREFIX + str(c.name)));
}

function sysctls(e: Evaluation): void {
  const list = e.podSc?.sysctls;
  if (!Array.isArray(list)) return;
  for (let k = 0; k < list.length; k++) {
    const name = str(isObj(list[k]) ? list[k].name : undefined);
    const since = SAFE_SYSCTL_SINCE.get(name);
    if (since !== undefined && since <= e.minor) continue;
    const fix = since !== undefined
      ? `remove it, or pin the namespace to Pod Security version v1.${since} or later, which allows it; ${PRIVILEGED_ONLY}`
      : `remove it (baseline allows only ${safeSysctls(e.minor)}); ${PRIVILEGED_ONLY}`;
    e.add('sysctls', 'baseline', `spec.securityContext.sysctls[${name}]`, `pod sets sysctl ${JSON.stringify(name)}`, fix);
  }
}

function safeSysctls(minor: number): string {
  return [...SAFE_SYSCTL_SINCE].filter(([, since]) => since <= minor).map(([name]) => name).join(', ');
}

function windowsHostProcess(e: Evaluation): void {
  const fix = `remove windowsOptions.hostProcess or set it to false; ${PRIVILEGED_ONLY}`;
  if (e.podSc?.windowsOptions?.hostProcess === true) {
    e.add('windowsHostProcess', 'baseline', 'spec.securityContext.windowsOptions.hostProcess',
      'pod sets windowsOptions.hostProcess: true', fix);
  }
  e.eachContainer((c, list, i) => {
    if (securityContextOf(c)?.windowsOptions?.hostProcess !== true) return;
    e.add('windowsHostProcess', 'baseline', `${containerPath(list, c, i)}.securityContext.windowsOptions.hostProcess`,
      `${containerWho(list, c, i)} sets windowsOptions.hostProcess: true`, fix);
  });
}

function hostProbesAndHostLifecycle(e: Evaluation): void {
  const fix = `remove host so the kubelet targets the pod's own IP; ${PRIVILEGED_ONLY}`;
  const visit = (handler: unknown, what: string, list: ContainerList, c: Obj, i: number): void => {
    if (!isObj(handler)) return;
    for (const kind of HOST_HANDLERS) {
      const h = handler[kind];
      if (!isObj(h)) continue;
      const host = str(h.host);
      if (host === '') continue;
      e.add('hostProbesAndHostLifecycle', 'baseline', `${containerPath(list, c, i)}.${what}.${kind}.host`,
        `${containerWho(list, c, i)} ${what}.${kind} targets host ${JSON.stringify(host)}`, fix);
    }
  };
  e.eachContainer((c, list, i) => {
    for (const probe of PROBES) visit(c[probe], probe, list, c, i);
    const lifecycle = c.lifecycle;
    if (!isObj(lifecycle)) return;
    visit(lifecycle.postStart, 'lifecycle.postStart', list, c, i);
    visit(lifecycle.preStop, 'lifecycle.preStop', list, c, i);
  });
}

// ---------------------------------------------------------------- restricted

function capabilitiesRestricted(e: Evaluation): void {
  // v1.25+: API validation forbids capabilities on Windows pods, so upstream admits them without.
  if (e.minor >= 25 && e.windows) return;
  e.eachContainer((c, list, i) => {
    const caps = securityContextOf(c)?.capabilities;
    const drop = isObj(caps) ? caps.drop : undefined;
    if (!Array.isArray(drop) || !drop.includes('ALL')) {
      e.add('capabilities_restricted', 'restricted', `${containerPath(list, c, i)}.securityContext.capabilities.drop`,
        `${containerWho(list, c, i)} does not drop "ALL" capabilities`,
        `set securityContext.capabilities.drop: ["ALL"] (and add back only NET_BIND_SERVICE if needed); ${BASELINE_OR_PRIVILEGED}`);
    }
    const add = isObj(caps) ? caps.add : undefined;
    if (!Array.isArray(add)) return;
    for (let k = 0; k < add.length; k++) {
      const cap = str(add[k]);
      if (cap === 'NET_BIND_SERVICE' || firstIndexOf(add, cap) < k) continue;
      e.add('capabilities_restricted', 'restricted', `${containerPath(list, c, i)}.securityContext.capabilities.add`,
        `${containerWho(list, c, i)} adds capability ${q(cap)}`,
        `drop it, or add only NET_BIND_SERVICE; ${CAPABILITIES_BASELINE.has(cap) ? BASELINE_OR_PRIVILEGED : PRIVILEGED_ONLY}`);
    }
  });
}

function restrictedVolumes(e: Evaluation): void {
  const volumes = e.spec.volumes;
  if (!Array.isArray(volumes)) return;
  for (let i = 0; i < volumes.length; i++) {
    const v = volumes[i];
    if (!isObj(v)) continue;
    let restrictedSource: string | undefined;
    let allowed = false;
    for (const key of Object.keys(v)) {
      if (v[key] === null || v[key] === undefined) continue;
      if (ALLOWED_VOLUME_SOURCES.has(key)) {
        allowed = true;
        break;
      }
      if (restrictedSource === undefined && RESTRICTED_VOLUME_SOURCES.has(key)) restrictedSource = key;
    }
    // A volume with no source at all is defaulted to emptyDir by the API server before
    // admission sees it, which is why upstream's fixtures expect it to pass.
    if (allowed || restrictedSource === undefined) continue;
    const name = keyOf(v, i);
    e.add('restrictedVolumes', 'restricted', `spec.volumes[${name}].${restrictedSource}`,
      `volume ${JSON.stringify(name)} uses restricted volume type ${JSON.stringify(restrictedSource)}`,
      `use a ${[...ALLOWED_VOLUME_SOURCES].join(', ')} volume instead (a persistentVolumeClaim can bind a PersistentVolume of that type); ${
        restrictedSource === 'hostPath' ? PRIVILEGED_ONLY : BASELINE_OR_PRIVILEGED}`);
  }
}

function seccompProfileRestricted(e: Evaluation): void {
  if (e.minor >= 25 && e.windows) return;
  const pod = e.podSc?.seccompProfile;
  const podSet = isObj(pod);
  const podValid = podSet && validSeccompType(pod.type);
  const fix = `set the type to "RuntimeDefault" or "Localhost"; ${BASELINE_OR_PRIVILEGED}`;
  if (podSet && !podValid) {
    e.add('seccompProfile_restricted', 'restricted', 'spec.securityContext.seccompProfile.type',
      `pod sets seccompProfile type ${q(pod.type)}`, fix);
  }
  let unset: Array<[ContainerList, Obj, number]> | undefined;
  e.eachContainer((c, list, i) => {
    const p = securityContextOf(c)?.seccompProfile;
    if (isObj(p)) {
      if (!validSeccompType(p.type)) {
        e.add('seccompProfile_restricted', 'restricted', `${containerPath(list, c, i)}.securityContext.seccompProfile.type`,
          `${containerWho(list, c, i)} sets seccompProfile type ${q(p.type)}`, fix);
      }
    } else if (!podValid) {
      (unset ??= []).push([list, c, i]);
    }
  });
  // With a bad pod-level value, the violation above already points at the one field to fix.
  if (unset !== undefined && !podSet) {
    e.add('seccompProfile_restricted', 'restricted', 'spec.securityContext.seccompProfile.type',
      `seccompProfile is set neither on the pod nor on ${namesOf(unset)}`,
      `set spec.securityContext.seccompProfile.type to "RuntimeDefault" (or "Localhost"), or set it on every container; ${BASELINE_OR_PRIVILEGED}`);
  }
}

function allowPrivilegeEscalation(e: Evaluation): void {
  if (e.minor >= 25 && e.windows) return;
  e.eachContainer((c, list, i) => {
    const value = securityContextOf(c)?.allowPrivilegeEscalation;
    if (value === false) return;
    const who = containerWho(list, c, i);
    e.add('allowPrivilegeEscalation', 'restricted', `${containerPath(list, c, i)}.securityContext.allowPrivilegeEscalation`,
      value === true ? `${who} sets allowPrivilegeEscalation: true` : `${who} does not set allowPrivilegeEscalation: false`,
      `set securityContext.allowPrivilegeEscalation: false; ${BASELINE_OR_PRIVILEGED}`);
  });
}

function userNamespaceHint(e: Evaluation): string {
  return e.minor >= 35 ? '; or set spec.hostUsers: false so the pod runs in a user namespace' : '';
}

function runAsNonRoot(e: Evaluation): void {
  if (e.minor >= 35 && e.userNamespace) return;
  const fix = `set runAsNonRoot: true and run as a non-zero UID (the image's USER or securityContext.runAsUser)${userNamespaceHint(e)}; ${BASELINE_OR_PRIVILEGED}`;
  const pod = e.podSc?.runAsNonRoot;
  if (pod === false) {
    e.add('runAsNonRoot', 'restricted', 'spec.securityContext.runAsNonRoot', 'pod sets runAsNonRoot: false', fix);
  }
  let unset: Array<[ContainerList, Obj, number]> | undefined;
  e.eachContainer((c, list, i) => {
    const value = securityContextOf(c)?.runAsNonRoot;
    if (value === undefined || value === null) {
      if (pod !== true) (unset ??= []).push([list, c, i]);
    } else if (value !== true) {
      e.add('runAsNonRoot', 'restricted', `${containerPath(list, c, i)}.securityContext.runAsNonRoot`,
        `${containerWho(list, c, i)} sets runAsNonRoot: ${String(value)}`, fix);
    }
  });
  if (unset !== undefined && pod !== false) {
    e.add('runAsNonRoot', 'restricted', 'spec.securityContext.runAsNonRoot',
      `runAsNonRoot is set to true neither on the pod nor on ${namesOf(unset)}`, fix);
  }
}

function runAsUser(e: Evaluation): void {
  if (e.minor >= 35 && e.userNamespace) return;
  const fix = `use a non-zero UID (for example runAsUser: 1000), or remove runAsUser to use the image's user${userNamespaceHint(e)}; ${BASELINE_OR_PRIVILEGED}`;
  if (e.podSc?.runAsUser === 0) {
    e.add('runAsUser', 'restricted', 'spec.securityContext.runAsUser', 'pod sets runAsUser: 0', fix);
  }
  e.eachContainer((c, list, i) => {
    if (securityContextOf(c)?.runAsUser !== 0) return;
    e.add('runAsUser', 'restricted', `${containerPath(list, c, i)}.securityContext.runAsUser`,
      `${containerWho(list, c, i)} sets runAsUser: 0`, fix);
  });
}

function firstIndexOf(arr: unknown[], value: string): number {
  for (let k = 0; k < arr.length; k++) if (str(arr[k]) === value) return k;
  return -1;
}
