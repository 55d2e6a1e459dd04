import { DEFAULT_WRITABLE_DIR, DEFAULT_WRITABLE_DIR_SIZE } from '../../core/defaults';
import { checkQuantity } from '../../core/validate';
import type { MountedFiles } from '../../model/files';
import type { WritableDir } from '../../model/workload-options';
import type { KubeVolume, KubeVolumeMount } from './kube';

/** Turns a `{ path: 'x' }` writable dir into a valid, stable volume name. */
export function writableVolumeName(path: string): string {
  const s = `rw${path}`.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/-+$/, '');
  return s.slice(0, 63).replace(/-+$/, '');
}

const DEFAULT_DIRS: ReadonlyArray<{ readonly path: string; readonly sizeLimit: string }> = Object.freeze([
  Object.freeze({ path: DEFAULT_WRITABLE_DIR, sizeLimit: DEFAULT_WRITABLE_DIR_SIZE }),
]);
const NO_FILES: readonly MountedFiles[] = Object.freeze([]);

/**
 * What a pod mounts: size-limited writable directories (the root filesystem is read-only, and
 * the default writable dir always exists) and read-only ConfigMap and Secret files.
 */
export class PodVolumes {
  /** Only the default writable dir, shared by every pod that mounts nothing else. */
  public static readonly DEFAULT = new PodVolumes(DEFAULT_DIRS, NO_FILES, Object.freeze([]) as readonly string[]);

  public static of(writableDirs: readonly WritableDir[] | undefined, files: readonly MountedFiles[] | undefined): PodVolumes {
    if (writableDirs === undefined && files === undefined) return PodVolumes.DEFAULT;
    const problems: string[] = [];
    const push = (p: string | undefined) => { if (p !== undefined) problems.push(p); };
    const writable = new Map<string, string>([[DEFAULT_WRITABLE_DIR, DEFAULT_WRITABLE_DIR_SIZE]]);
    const listed = new Set<string>();
    for (const d of writableDirs ?? []) {
      if (!d.path.startsWith('/')) push(`writable dir "${d.path}" is not absolute. Fix: start it with '/'.`);
      if (d.sizeLimit !== undefined) push(checkQuantity(`sizeLimit of ${d.path}`, d.sizeLimit));
      if (listed.has(d.path)) push(`writable dir "${d.path}" is listed twice. Fix: list each directory once.`);
      listed.add(d.path);
      writable.set(d.path, d.sizeLimit ?? DEFAULT_WRITABLE_DIR_SIZE);
    }
    for (const f of files ?? []) problems.push(...f.problems());
    // Every volume, described, so a clash of mount paths or of derived volume names names both sides.
    const mounts = [
      ...[...writable.keys()].map((dir) => ({
        path: dir, volume: writableVolumeName(dir),
        what: listed.has(dir) ? `writable dir "${dir}"` : `the default writable dir "${dir}" (list it in writableDirs to change its sizeLimit)`,
      })),
      ...(files ?? []).map((f) => ({ path: f.mountPath, volume: f.volumeName, what: f.description })),
    ];
    mounts.forEach((m, i) => {
      const other = mounts.slice(0, i).find((o) => o.path === m.path || o.volume === m.volume);
      if (!other) return;
      push(other.path === m.path
        ? `mount path "${m.path}" is used by both ${other.what} and ${m.what}. Fix: mount each directory once.`
        : `${other.what} and ${m.what} would both be volume "${m.volume}". Fix: mount each ConfigMap or Secret once, or rename one of the directories.`);
    });
    const dirs = writableDirs ? [...writable].map(([path, sizeLimit]) => ({ path, sizeLimit })) : DEFAULT_DIRS;
    return new PodVolumes(dirs, files ?? NO_FILES, problems);
  }

  private constructor(
    /** Writable directories with their size limits, the default one first. */
    public readonly writableDirs: ReadonlyArray<{ readonly path: string; readonly sizeLimit: string }>,
    /** Mounted ConfigMaps and Secrets. */
    public readonly files: readonly MountedFiles[],
    private readonly found: readonly string[],
  ) {}

  public problems(): string[] {
    return [...this.found];
  }

  /** @internal */
  public _toMounts(): KubeVolumeMount[] {
    return [
      ...this.writableDirs.map((d) => ({ name: writableVolumeName(d.path), mountPath: d.path })),
      ...this.files.map((f) => f.mount() as KubeVolumeMount),
    ];
  }

  /** @internal */
  public _toVolumes(): KubeVolume[] {
    return [
      // Size-limited so a runaway writer is evicted instead of filling the node's disk.
      ...this.writableDirs.map((d) => ({ name: writableVolumeName(d.path), emptyDir: { sizeLimit: d.sizeLimit } })),
      ...this.files.map((f) => f.volume() as KubeVolume),
    ];
  }
}
