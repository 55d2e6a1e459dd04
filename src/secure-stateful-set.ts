import { ApiObject, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { meshAppProtocol } from './model/mesh';
import type { IWorkload } from './model/peer';
import type { IPlacedWorkload } from './model/placement';
import { claimNames, claimQuota, claimsDescribed, persistentDirProblems } from './model/persistent-dirs';
import { ResourceFootprint } from './model/quota';
import {
  ClaimRetention, PersistentAccessMode, PodManagementPolicy, SecureStatefulSetProps,
} from './model/stateful-options';
import { ownServiceNameProblem } from './model/service-options';
import { ServiceType } from './model/workload-options';
import type { KubeVolumeMount } from './render/pod/kube';
import { SecureWorkload, WorkloadKindSpec } from './secure-workload';

const DEFAULT_STATEFUL_REPLICAS = 1;

function statefulSetProblems(p: SecureStatefulSetProps, mountPaths: readonly string[]): Array<string | undefined> {
  const out: Array<string | undefined> = [];
  if (p.replicas !== undefined && (!Number.isInteger(p.replicas) || p.replicas < 0)) {
    out.push(`replicas ${p.replicas} must be a whole number >= 0. Fix: set replicas to 1 (the default) or more.`);
  }
  if (p.partition !== undefined && (!Number.isInteger(p.partition) || p.partition < 0)) {
    out.push(`partition ${p.partition} must be a whole number >= 0. Fix: set the lowest ordinal a rolling update replaces, e.g. 0 (all pods).`);
  }
  if (p.podManagementPolicy !== undefined && !Object.values(PodManagementPolicy).includes(p.podManagementPolicy)) {
    out.push(`podManagementPolicy "${p.podManagementPolicy}" is not OrderedReady or Parallel. Fix: use PodManagementPolicy.ORDERED_READY (the default) or PodManagementPolicy.PARALLEL.`);
  }
  for (const [what, v] of [['claimsWhenDeleted', p.claimsWhenDeleted], ['claimsWhenScaled', p.claimsWhenScaled]] as const) {
    if (v !== undefined && !Object.values(ClaimRetention).includes(v)) out.push(`${what} "${v}" is not Retain or Delete. Fix: use ClaimRetention.RETAIN (the default) or ClaimRetention.DELETE.`);
  }
  if (p.serviceType !== undefined && !Object.values(ServiceType).includes(p.serviceType)) {
    out.push(`serviceType "${p.serviceType}" is not ClusterIP, NodePort or LoadBalancer. Fix: use ServiceType.CLUSTER_IP (the default), ServiceType.NODE_PORT or ServiceType.LOAD_BALANCER.`);
  }
  out.push(...persistentDirProblems(p.persistentDirs ?? [], mountPaths, 'StatefulSet'));
  return out;
}

function statefulKind(p: SecureStatefulSetProps): WorkloadKindSpec {
  const dirs = p?.persistentDirs ?? [];
  return {
    kind: 'SecureStatefulSet',
    defaultProbes: true,
    problems: (parts) => ({ afterPorts: statefulSetProblems(p ?? ({} as SecureStatefulSetProps), [...parts.volumes.writableDirs.map((d) => d.path), ...parts.volumes.files.map((f) => f.mountPath)]), last: [ownServiceNameProblem(p ?? {}, parts.ports.servicePorts.length > 0)] }),
    replicated: () => (p.replicas ?? DEFAULT_STATEFUL_REPLICAS) >= 2,
    // Read only after the props were checked: before, persistentDirs may be anything.
    get persistentMounts() {
      return dirs.length ? claimNames(dirs).map((name, i): KubeVolumeMount => ({ name, mountPath: dirs[i].path })) : undefined;
    },
  };
}

/**
 * A StatefulSet whose pods are hardened like a SecureApp's, with the same intents and checks:
 * its governing headless Service (stable pod names, `<pod>.<name>-headless`), a client Service
 * when it has ports, `persistentDirs` as volumeClaimTemplates (kept when the StatefulSet is
 * deleted or scaled down unless asked otherwise), `fsGroupChangePolicy: OnRootMismatch` so a
 * large volume is not re-chowned at every start, partitioned rolling updates, and a
 * PodDisruptionBudget only when replicated. One replica by default: a database that is not a
 * cluster must not run twice on one volume.
 */
export class SecureStatefulSet extends SecureWorkload implements IWorkload, IPlacedWorkload {
  /** The StatefulSet. */
  public readonly statefulSet: ApiObject;
  /** The governing headless Service (`<name>-headless`). */
  public readonly headlessService: ApiObject;
  /** The client Service, when the workload has ports. */
  public readonly service?: ApiObject;
  /** The PodDisruptionBudget, when replicated. */
  public readonly podDisruptionBudget?: ApiObject;
  private readonly replicas: number;
  private readonly claims: { [key: string]: string };
  private readonly claimsExplained: string;
  private readonly serviceType?: ServiceType;

  constructor(scope: Construct, id: string, props: SecureStatefulSetProps) {
    super(scope, id, props, statefulKind(props));
    const dirs = props.persistentDirs ?? [];
    const names = claimNames(dirs);
    this.replicas = props.replicas ?? DEFAULT_STATEFUL_REPLICAS;
    this.claims = claimQuota(dirs, this.replicas);
    this.claimsExplained = `${this.replicas} ${this.replicas === 1 ? 'pod' : 'pods'} × (${claimsDescribed(dirs, names)})`;
    const metadata = this._metadata;
    const servicePorts = this._parts.ports.servicePorts;
    const ports = this.mesh ? servicePorts.map((sp) => ({ ...sp, appProtocol: meshAppProtocol(sp) })) : servicePorts;
    this.serviceType = servicePorts.length ? props.serviceType ?? ServiceType.CLUSTER_IP : undefined;
    const headlessName = `${this.serviceName}-headless`;
    this.headlessService = new ApiObject(this, 'HeadlessService', {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { ...metadata, name: headlessName },
      spec: {
        clusterIP: 'None',
        selector: this.selector,
        // Peers of a clustered database find each other before they are ready.
        publishNotReadyAddresses: true,
        ports: ports.length ? ports : undefined,
      },
    });
    this.statefulSet = new ApiObject(this, 'StatefulSet', {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata,
      spec: {
        replicas: this.replicas,
        serviceName: headlessName,
        revisionHistoryLimit: 5,
        selector: { matchLabels: this.selector },
        podManagementPolicy: props.podManagementPolicy ?? PodManagementPolicy.ORDERED_READY,
        updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: props.partition ?? 0 } },
        persistentVolumeClaimRetentionPolicy: dirs.length ? {
          whenDeleted: props.claimsWhenDeleted ?? ClaimRetention.RETAIN,
          whenScaled: props.claimsWhenScaled ?? ClaimRetention.RETAIN,
        } : undefined,
        template: Lazy.any({ produce: () => this._renderPodTemplate() }),
        volumeClaimTemplates: dirs.length ? dirs.map((d, i) => ({
          metadata: { name: names[i], labels: { ...this.labels } },
          spec: {
            accessModes: [d.accessMode ?? PersistentAccessMode.READ_WRITE_ONCE],
            storageClassName: d.storageClassName,
            resources: { requests: { storage: d.size! } },
          },
        })) : undefined,
      },
    });
    this.node.defaultChild = this.statefulSet;
    if (servicePorts.length > 0) {
      this.service = new ApiObject(this, 'Service', {
        apiVersion: 'v1', kind: 'Service', metadata: this.serviceName === this.name ? metadata : { ...metadata, name: this.serviceName }, spec: { type: this.serviceType, selector: this.selector, ports },
      });
    }
    if (this.replicas >= 2) {
      this.podDisruptionBudget = new ApiObject(this, 'PodDisruptionBudget', {
        apiVersion: 'policy/v1',
        kind: 'PodDisruptionBudget',
        metadata,
        spec: { maxUnavailable: 1, selector: { matchLabels: this.selector }, unhealthyPodEvictionPolicy: 'AlwaysAllow' },
      });
    }
    this._addPolicies();
  }

  public footprint(): ResourceFootprint {
    // A StatefulSet replaces its pods one by one, with no surge pod.
    return {
      path: this.path,
      maxPods: this.replicas,
      podsExplained: `${this.replicas} ${this.replicas === 1 ? 'pod' : 'pods'} (replicas, no surge)`,
      perPod: this._perPodQuota(),
      serviceTypes: this.serviceType ? [this.serviceType] : [],
      services: this.serviceType ? [{ type: this.serviceType, ports: this._parts.ports.servicePorts.length }] : [],
      claims: this.claims,
      claimsExplained: this.claimsExplained,
    };
  }
}
