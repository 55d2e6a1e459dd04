import { supportsAppArmorField, TargetVersions } from './target';

/** The annotation AppArmor was set with before the `appArmorProfile` field (Kubernetes < 1.30). */
export const APPARMOR_ANNOTATION_PREFIX = 'container.apparmor.security.beta.kubernetes.io/';

/**
 * The AppArmor profile of a pod's containers. Emitted as the `appArmorProfile` security-context
 * field on Kubernetes 1.30 and later, as the beta annotation before that (ClusterSettings'
 * `kubernetesVersion` decides), so the same program is right on every target.
 */
export class AppArmorProfile {
  /** The container runtime's default profile. */
  public static runtimeDefault(): AppArmorProfile {
    return new AppArmorProfile('RuntimeDefault');
  }

  /** A profile loaded on every node under `name` (Pod Security baseline and restricted allow it). */
  public static localhost(name: string): AppArmorProfile {
    return new AppArmorProfile('Localhost', name);
  }

  private constructor(private readonly type: 'RuntimeDefault' | 'Localhost', private readonly localhostProfile?: string) {}

  /** Problems with the profile, for the owning construct to report. */
  public problems(): string[] {
    if (this.type !== 'Localhost') return [];
    return this.localhostProfile && /^[^\s/][^\s]*$/.test(this.localhostProfile) ? []
      : [`appArmorProfile AppArmorProfile.localhost(${JSON.stringify(this.localhostProfile)}) names no profile. Fix: give the name the profile is loaded under on the nodes, e.g. AppArmorProfile.localhost('k8s-apparmor-example-deny-write').`];
  }

  /** The security-context field (target 1.30 or later). @internal */
  public _toField(): { type: 'RuntimeDefault' | 'Localhost'; localhostProfile?: string } {
    return this.localhostProfile === undefined ? { type: this.type } : { type: this.type, localhostProfile: this.localhostProfile };
  }

  /** The annotations for `containers` (targets before 1.30). @internal */
  public _toAnnotations(containers: readonly string[]): { [key: string]: string } {
    const value = this.type === 'RuntimeDefault' ? 'runtime/default' : `localhost/${this.localhostProfile}`;
    return Object.fromEntries(containers.map((c) => [`${APPARMOR_ANNOTATION_PREFIX}${c}`, value]));
  }

  /** How this profile is written for `target`. @internal */
  public _render(target: TargetVersions, containers: readonly string[]): AppArmorRendering {
    return supportsAppArmorField(target) ? { field: this._toField() } : { annotations: this._toAnnotations(containers) };
  }
}

/** An AppArmor profile as a target takes it: the field, or the annotations. */
export interface AppArmorRendering {
  readonly field?: { type: 'RuntimeDefault' | 'Localhost'; localhostProfile?: string };
  readonly annotations?: { [key: string]: string };
}
