import { checkDnsSubdomain, checkQuantity, formatQuantity, parseQuantity } from '../core/validate';
import { PersistentAccessMode, PersistentDir } from './stateful-options';

// `persistentDirs` as SecureStatefulSet (claim templates, one claim per pod) and SecureApp (one
// claim for the Deployment, new or existing) read them: one validation and one quota count.

/** Which kind mounts the dirs: a StatefulSet makes a claim per pod, a Deployment one claim for all. */
export type PersistentDirsKind = 'StatefulSet' | 'Deployment';

/** The volume (and claim template) name of each persistent dir: its own, else data, data-2, … */
export function claimNames(dirs: readonly PersistentDir[]): string[] {
  return dirs.map((d, i) => d.name ?? (i === 0 ? 'data' : `data-${i + 1}`));
}

/**
 * Whether the volume admits one writer only: ReadWriteOnce (one node) or ReadWriteOncePod. A
 * second pod next to the first is then stuck Pending, or, on the same node, a second writer.
 */
export function isSingleWriter(d: PersistentDir): boolean {
  const mode = d.accessMode ?? PersistentAccessMode.READ_WRITE_ONCE;
  return mode === PersistentAccessMode.READ_WRITE_ONCE || mode === PersistentAccessMode.READ_WRITE_ONCE_POD;
}

/** The problems of `persistentDirs`, given the mount paths the pod has already. */
export function persistentDirProblems(dirs: readonly PersistentDir[], mountPaths: readonly string[], kind: PersistentDirsKind): string[] {
  const out: Array<string | undefined> = [];
  const names = claimNames(dirs);
  dirs.forEach((d, i) => {
    const what = `persistentDirs[${i}]`;
    if (typeof d.path !== 'string' || !d.path.startsWith('/')) out.push(`${what}.path "${d.path}" is not an absolute path. Fix: e.g. /var/lib/postgresql/data.`);
    else if (mountPaths.includes(d.path) || dirs.findIndex((e) => e.path === d.path) !== i) out.push(`${what}.path ${d.path} is mounted twice. Fix: give each directory one volume.`);
    if (d.claimName !== undefined && kind === 'StatefulSet') {
      out.push(`${what}.claimName "${d.claimName}" would be one claim shared by every replica, but a StatefulSet gives each pod its own claim from a template. Fix: drop claimName and set size (claims are named <name>-<statefulset>-<ordinal>), or mount the existing claim from a SecureApp.`);
    } else if (d.claimName !== undefined) {
      out.push(checkDnsSubdomain(`${what}.claimName`, d.claimName));
      for (const [field, v] of [['size', d.size], ['storageClassName', d.storageClassName]] as const) {
        if (v !== undefined) out.push(`${what}.${field} "${v}" is set with claimName "${d.claimName}", whose claim already has its ${field}. Fix: drop ${field}, or drop claimName to have the library create the claim.`);
      }
    } else if (d.size === undefined) {
      out.push(`${what}.size is not set. Fix: set the size of the new volume, e.g. "10Gi"${kind === 'Deployment' ? ', or set claimName to mount an existing claim' : ''}.`);
    } else {
      out.push(checkQuantity(`${what}.size`, d.size));
    }
    if (d.accessMode !== undefined && !Object.values(PersistentAccessMode).includes(d.accessMode)) {
      out.push(`${what}.accessMode "${d.accessMode}" is not an access mode. Fix: use PersistentAccessMode.READ_WRITE_ONCE (the default), READ_WRITE_ONCE_POD, READ_WRITE_MANY or READ_ONLY_MANY.`);
    }
    if (!/^[a-z0-9]([-a-z0-9]{0,30}[a-z0-9])?$/.test(names[i])) out.push(`${what}.name "${names[i]}" is not a DNS label of at most 32 characters. Fix: e.g. "data".`);
    else if (names.indexOf(names[i]) !== i) out.push(`${what}.name "${names[i]}" is used twice. Fix: name each claim template once.`);
  });
  return out.filter((p): p is string => p !== undefined);
}

/**
 * The quota keys the new claims take, `copies` times each (a StatefulSet's replicas; 1 for a
 * Deployment's shared claim), by StorageClass too. Existing claims were counted when created.
 */
export function claimQuota(dirs: readonly PersistentDir[], copies: number): { [key: string]: string } {
  const out: { [key: string]: number } = {};
  const add = (key: string, n: number) => { out[key] = (out[key] ?? 0) + n; };
  for (const d of dirs) {
    if (d.claimName !== undefined) continue;
    const bytes = (parseQuantity(d.size ?? '0') ?? 0) * copies;
    add('requests.storage', bytes);
    add('persistentvolumeclaims', copies);
    if (d.storageClassName) {
      add(`${d.storageClassName}.storageclass.storage.k8s.io/requests.storage`, bytes);
      add(`${d.storageClassName}.storageclass.storage.k8s.io/persistentvolumeclaims`, copies);
    }
  }
  // Storage in the units the sizes are written in, so quota messages show them.
  const sizes = dirs.map((d) => d.size).filter((q): q is string => typeof q === 'string');
  return Object.fromEntries(Object.entries(out).map(([k, v]) => [k, k.endsWith('persistentvolumeclaims') ? String(v) : formatQuantity(v, sizes)]));
}

/** How the claims were counted, for quota messages: `<label> <size> of <class>` per new claim. */
export function claimsDescribed(dirs: readonly PersistentDir[], labels: readonly string[]): string {
  return dirs.flatMap((d, i) => d.claimName !== undefined ? [] : [`${labels[i]} ${d.size}${d.storageClassName ? ` of ${d.storageClassName}` : ''}`]).join(', ');
}
