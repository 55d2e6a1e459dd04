import { plainCopy } from '../core/snapshot';
import { checkConfigMapKey, checkDnsSubdomain, checkRelativePath } from '../core/validate';

/** Options for mounted files. */
export interface MountedFilesOptions {
  /**
   * Only these keys, each at the given relative path.
   * @default - every key, as a file named after it
   */
  readonly items?: { [key: string]: string };
}

/**
 * Files from a ConfigMap or Secret mounted read-only into the container. Secret files are
 * readable by the owner and the pod's group only (0440), the group being the pod's fsGroup.
 */
export class MountedFiles {
  /** Every key of ConfigMap `configMapName` as a file under `mountPath`. */
  public static fromConfigMap(configMapName: string, mountPath: string, options: MountedFilesOptions = {}): MountedFiles {
    return new MountedFiles('configMap', configMapName, mountPath, plainCopy(options));
  }

  /** Every key of Secret `secretName` as a file under `mountPath`. */
  public static fromSecret(secretName: string, mountPath: string, options: MountedFilesOptions = {}): MountedFiles {
    return new MountedFiles('secret', secretName, mountPath, plainCopy(options));
  }

  private constructor(
    private readonly source: 'configMap' | 'secret',
    /** Name of the ConfigMap or Secret. */
    public readonly sourceName: string,
    /** Absolute directory in the container. */
    public readonly mountPath: string,
    private readonly options: MountedFilesOptions,
  ) {}

  /** What is mounted where, for messages: e.g. `ConfigMap "app-config" at /etc/app`. */
  public get description(): string {
    return `${this.source === 'secret' ? 'Secret' : 'ConfigMap'} "${this.sourceName}" at ${this.mountPath}`;
  }

  /** Volume name, unique per source. */
  public get volumeName(): string {
    const raw = `${this.source === 'secret' ? 'secret' : 'cm'}-${this.sourceName}`.replace(/\./g, '-');
    return raw.length <= 63 ? raw : raw.slice(0, 63).replace(/-+$/, '');
  }

  public problems(): string[] {
    const kind = this.source === 'secret' ? 'Secret' : 'ConfigMap';
    if (typeof this.sourceName !== 'string') return [`MountedFiles.from${kind}() name must be a string, got ${this.sourceName === null ? 'null' : typeof this.sourceName}. Fix: pass the ${kind}'s name as text.`];
    if (typeof this.mountPath !== 'string') return [`${kind} "${this.sourceName}": mount path must be a string, got ${this.mountPath === null ? 'null' : typeof this.mountPath}. Fix: pass an absolute path such as "/etc/app".`];
    const items = this.options?.items;
    const itemProblems = items === undefined ? [] : items === null || typeof items !== 'object' || Array.isArray(items)
      ? [`${this.description}: items must be an object of keys to paths. Fix: pass { "app.conf": "conf/app.conf" }.`]
      : Object.entries(items).flatMap(([key, path]) => [
        checkConfigMapKey(`${this.description}: items key`, key),
        checkRelativePath(`${this.description}: items["${key}"] path`, path),
      ]);
    return ([
      checkDnsSubdomain(`${kind} name`, this.sourceName),
      this.mountPath.startsWith('/') ? undefined : `${this.description}: mount path "${this.mountPath}" is not absolute. Fix: start it with '/'.`,
      ...itemProblems,
    ]).filter((x): x is string => x !== undefined);
  }

  public volume(): any {
    const items = this.options?.items ? Object.entries(this.options.items).map(([key, path]) => ({ key, path })) : undefined;
    return this.source === 'secret'
      ? { name: this.volumeName, secret: { secretName: this.sourceName, defaultMode: 0o440, items } }
      : { name: this.volumeName, configMap: { name: this.sourceName, defaultMode: 0o444, items } };
  }

  public mount(): any {
    return { name: this.volumeName, mountPath: this.mountPath, readOnly: true };
  }
}
