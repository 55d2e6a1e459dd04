// The checks of the restricted level (k8s.io/pod-security-admission policy/check_*.go).
import {
  ALLOWED_VOLUME_SOURCES, BASELINE_OR_PRIVILEGED, CAPABILITIES_BASELINE, ContainerList, Evaluation, Obj,
  PRIVILEGED_ONLY, RESTRICTED_VOLUME_SOURCES, containerPath, containerWho, firstIndexOf, isObj, keyOf,
  namesOf, q, securityContextOf, str, validSeccompType,
} from './pod-security-eval';

// ---------------------------------------------------------------- restricted

export function capabilitiesRestricted(e: Evaluation): void {
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

export function restrictedVolumes(e: Evaluation): void {
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

export function seccompProfileRestricted(e: Evaluation): void {
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

export function allowPrivilegeEscalation(e: Evaluation): void {
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

export function userNamespaceHint(e: Evaluation): string {
  return e.minor >= 35 ? '; or set spec.hostUsers: false so the pod runs in a user namespace' : '';
}

export function runAsNonRoot(e: Evaluation): void {
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

export function runAsUser(e: Evaluation): void {
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
