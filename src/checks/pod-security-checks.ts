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
import {
  APPARMOR_ANNOTATION_PREFIX, BASELINE_OR_PRIVILEGED, CAPABILITIES_BASELINE, ContainerList, Evaluation,
  HOST_HANDLERS, Level, Obj, PRIVILEGED_ONLY, PROBES, SAFE_SYSCTL_SINCE, SECCOMP_CONTAINER_ANNOTATION_PREFIX,
  SECCOMP_POD_ANNOTATION, SELINUX_TYPE_SINCE, containerPath, containerWho, firstIndexOf, isObj, keyOf, q,
  securityContextOf, str, validSeccompType,
} from './pod-security-eval';
import {
  capabilitiesRestricted, restrictedVolumes, seccompProfileRestricted, allowPrivilegeEscalation,
  runAsNonRoot, runAsUser,
} from './pod-security-restricted';

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
