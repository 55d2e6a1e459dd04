import { DEFAULT_UID } from '../../core/defaults';
import { ISTIO_PROXY_UID } from '../../core/constants';
import { checkCapability } from '../../core/validate';
import { MeshMode } from '../../model/mesh';
import type { SecurityContextOptions, SecurityRelaxations } from '../../model/workload-options';
import type { KubeContainerSecurityContext, KubePodSecurity } from './kube';

// Which relaxation produced a field, so a Pod Security error points at the user's own prop.
const RELAX_PROP: ReadonlyArray<readonly [string, string]> = [
  ['capabilities.add', 'addCapabilities'], ['privileged', 'privileged'], ['allowPrivilegeEscalation', 'allowPrivilegeEscalation'],
  ['seccompProfile', 'seccompUnconfined'], ['hostNetwork', 'hostNetwork'], ['hostPID', 'hostPID'], ['hostIPC', 'hostIPC'],
  ['.hostPath', 'hostPaths'],
];
const NO_CAPABILITIES: readonly string[] = Object.freeze([]);

/**
 * The identity and hardening of a pod and its containers: restricted Pod Security unless a
 * relaxation says otherwise, each relaxation a visible field the synth-time check then judges.
 */
export class PodSecurity {
  /** The hardened defaults, shared by every pod that relaxes nothing. */
  public static readonly DEFAULT = new PodSecurity({}, {}, undefined);

  public static of(securityContext: SecurityContextOptions | undefined, relax: SecurityRelaxations | undefined, hostUsers: boolean | undefined): PodSecurity {
    return securityContext === undefined && relax === undefined && hostUsers === undefined ? PodSecurity.DEFAULT : new PodSecurity(securityContext ?? {}, relax ?? {}, hostUsers);
  }

  /** The relaxation prop that set a field Pod Security complains about, if one did. */
  public static relaxationOf(field: string): string | undefined {
    return RELAX_PROP.find(([f]) => field.includes(f))?.[1];
  }

  public readonly runAsUser: number;
  public readonly runAsGroup: number;
  public readonly fsGroup: number;
  public readonly addCapabilities: readonly string[];
  public readonly automountServiceAccountToken: boolean;

  private constructor(private readonly sc: SecurityContextOptions, private readonly relax: SecurityRelaxations, private readonly hostUsers: boolean | undefined) {
    this.runAsUser = sc.runAsUser ?? DEFAULT_UID;
    this.runAsGroup = sc.runAsGroup ?? DEFAULT_UID;
    this.fsGroup = sc.fsGroup ?? DEFAULT_UID;
    this.addCapabilities = relax.addCapabilities ?? NO_CAPABILITIES;
    this.automountServiceAccountToken = relax.mountServiceAccountToken ?? false;
  }

  /** Ids that are root or invalid, and capabilities that are not capabilities. */
  public problems(): string[] {
    const out: Array<string | undefined> = [];
    for (const [k, v] of Object.entries({ runAsUser: this.sc.runAsUser, runAsGroup: this.sc.runAsGroup, fsGroup: this.sc.fsGroup })) {
      if (v !== undefined && (!Number.isInteger(v) || v <= 0)) {
        out.push(`securityContext.${k} ${v} is ${v === 0 ? 'root' : 'not a valid id'}. Fix: use a non-zero id, 10000 or more (the default is ${DEFAULT_UID}).`);
      }
    }
    for (const cap of this.relax.addCapabilities ?? []) out.push(checkCapability('capability', cap));
    return out.filter((p): p is string => p !== undefined);
  }

  /** Under a sidecar, the proxy's id would bypass capture and so escape mTLS and policy. */
  public meshProblems(mode: MeshMode | undefined): string[] {
    if (mode !== MeshMode.SIDECAR) return [];
    return Object.entries({ runAsUser: this.sc.runAsUser, runAsGroup: this.sc.runAsGroup })
      .filter(([, v]) => v === ISTIO_PROXY_UID)
      .map(([k, v]) => `securityContext.${k} ${v} is the Istio proxy's id; traffic from it bypasses the sidecar, so the app would escape mTLS and policy. Fix: use another id (the default is ${DEFAULT_UID}).`);
  }

  /** @internal */
  public _toContainerKube(): KubeContainerSecurityContext {
    return {
      allowPrivilegeEscalation: this.relax.allowPrivilegeEscalation ?? false,
      privileged: this.relax.privileged ?? false,
      readOnlyRootFilesystem: !this.relax.writableRootFilesystem,
      runAsNonRoot: true,
      runAsUser: this.runAsUser,
      runAsGroup: this.runAsGroup,
      // cdk8s-plus-27 can only emit CAP_-prefixed names, which Pod Security rejects: written here.
      capabilities: { drop: ['ALL'], add: this.addCapabilities.length ? [...this.addCapabilities] : undefined },
    };
  }

  /** @internal */
  public _toPodKube(): KubePodSecurity {
    return {
      hostNetwork: this.relax.hostNetwork || undefined,
      hostPID: this.relax.hostPID || undefined,
      hostIPC: this.relax.hostIPC || undefined,
      hostUsers: this.hostUsers,
      securityContext: {
        runAsNonRoot: true,
        runAsUser: this.runAsUser,
        runAsGroup: this.runAsGroup,
        fsGroup: this.fsGroup,
        seccompProfile: { type: this.relax.seccompUnconfined ? 'Unconfined' : 'RuntimeDefault' },
      },
    };
  }
}
