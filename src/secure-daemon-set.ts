import { ApiObject, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { hostPathMount, hostPathProblems, hostPathVolumeName } from './model/host-paths';
import type { SecurePodProps } from './model/pod-props';
import type { IWorkload } from './model/peer';
import type { IPlacedWorkload } from './model/placement';
import { ResourceFootprint } from './model/quota';
import { SecureWorkload, WorkloadKindSpec } from './secure-workload';

/** Properties of a SecureDaemonSet: one pod per node. */
export interface SecureDaemonSetProps extends SecurePodProps {
  /**
   * Nodes whose pods a rolling update may take down at once.
   * @default 1
   */
  readonly maxUnavailable?: number;
  /**
   * Nodes the agent runs on at most, for the namespace's quota check (one pod each).
   * @default 1 (the quota message says so; set your node count)
   */
  readonly nodes?: number;
}

function daemonSetProblems(p: SecureDaemonSetProps): Array<string | undefined> {
  return [
    p.maxUnavailable !== undefined && (!Number.isInteger(p.maxUnavailable) || p.maxUnavailable < 1)
      ? `maxUnavailable ${p.maxUnavailable} must be a whole number >= 1 (0 would block every rollout). Fix: e.g. 1 (the default).` : undefined,
    p.nodes !== undefined && (!Number.isInteger(p.nodes) || p.nodes < 1)
      ? `nodes ${p.nodes} must be a whole number >= 1. Fix: set the most nodes the agent runs on, for the quota check.` : undefined,
  ];
}

function daemonKind(p: SecureDaemonSetProps): WorkloadKindSpec {
  const hostPaths = p?.relax?.hostPaths ?? [];
  return {
    kind: 'SecureDaemonSet',
    defaultProbes: true,
    problems: (parts) => ({
      afterPorts: [
        ...daemonSetProblems(p ?? ({} as SecureDaemonSetProps)),
        ...hostPathProblems(hostPaths, [...parts.volumes.writableDirs.map((d) => d.path), ...parts.volumes.files.map((f) => f.mountPath)]),
      ],
      last: [],
    }),
    // One pod per node already: no spread or anti-affinity to add.
    replicated: () => false,
    hostPaths: true,
    // Read only after the props were checked: before, hostPaths may be anything.
    get kindMounts() {
      return hostPaths.length ? hostPaths.map((h) => hostPathMount(h)) : undefined;
    },
    kindVolumes: () => hostPaths.map((h) => ({ name: hostPathVolumeName(h.path), hostPath: { path: h.path } })),
  };
}

/**
 * A node agent: a DaemonSet whose pods are hardened like a SecureApp's, with the same intents,
 * NetworkPolicy, AuthorizationPolicy and synth-time checks. Rolling updates take down at most
 * `maxUnavailable` nodes' pods at once and never surge. Tolerations come from `tolerations`.
 * Host access (`relax.hostNetwork`, `relax.hostPID`, read-only `relax.hostPaths`) is judged
 * against the namespace's Pod Security level like any relaxation: refused under baseline and
 * restricted, admitted where the namespace is privileged.
 */
export class SecureDaemonSet extends SecureWorkload implements IWorkload, IPlacedWorkload {
  /** The DaemonSet. */
  public readonly daemonSet: ApiObject;
  private readonly nodes: number;
  private readonly nodesGiven: boolean;

  constructor(scope: Construct, id: string, props: SecureDaemonSetProps) {
    super(scope, id, props, daemonKind(props));
    this.nodes = props.nodes ?? 1;
    this.nodesGiven = props.nodes !== undefined;
    this.daemonSet = new ApiObject(this, 'DaemonSet', {
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: this._metadata,
      spec: {
        revisionHistoryLimit: 5,
        selector: { matchLabels: this.selector },
        // A second agent pod on a node would double-process its logs or metrics.
        updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: props.maxUnavailable ?? 1, maxSurge: 0 } },
        template: Lazy.any({ produce: () => this._renderPodTemplate() }),
      },
    });
    this.node.defaultChild = this.daemonSet;
    this._addPolicies();
  }

  public footprint(): ResourceFootprint {
    return {
      path: this.path,
      maxPods: this.nodes,
      podsExplained: `${this.nodes} ${this.nodes === 1 ? 'pod' : 'pods'} (one per node × ${this.nodes} ${this.nodes === 1 ? 'node' : 'nodes'}${this.nodesGiven ? '' : ' assumed; set nodes'})`,
      perPod: this._perPodQuota(),
      serviceTypes: [],
    };
  }
}
