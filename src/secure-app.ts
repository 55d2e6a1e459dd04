import { ApiObject, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { DEFAULT_CPU_UTILIZATION_PERCENT, MIN_AUTOSCALING_REPLICAS } from './core/defaults';
import {
  deploymentClaimNames, deploymentClaimQuota, deploymentPods, deploymentReplicas, deploymentStrategy, rolloutProblems,
} from './model/deployment-rollout';
import { meshAppProtocol } from './model/mesh';
import { claimNames } from './model/persistent-dirs';
import { PersistentAccessMode } from './model/stateful-options';
import { ResourceFootprint } from './model/quota';
import type { SecureAppProps } from './model/app-props';
import { ownServiceNameProblem } from './model/service-options';
import { ServiceType } from './model/workload-options';
import type { KubeVolume, KubeVolumeMount } from './render/pod/kube';
import type { WorkloadPorts } from './render/pod/ports';
import type { IWorkload } from './model/peer';
import type { IPlacedWorkload } from './model/placement';
import { SecureWorkload, WorkloadKindSpec } from './secure-workload';

/** What a Deployment adds to the shared workload core. */
function appKind(p: SecureAppProps): WorkloadKindSpec {
  const dirs = p?.persistentDirs ?? [];
  // Read only after the props were checked: before, persistentDirs may be anything.
  return {
    kind: 'SecureApp',
    defaultProbes: true,
    problems: (parts) => ({
      afterPorts: [
        ...replicaProblems(p ?? ({} as SecureAppProps)),
        ...rolloutProblems(p ?? ({} as SecureAppProps), [...parts.volumes.writableDirs.map((d) => d.path), ...parts.volumes.files.map((f) => f.mountPath)]),
      ],
      last: [...serviceProblems(p ?? ({} as SecureAppProps), parts.ports), ownServiceNameProblem(p ?? {}, parts.ports.servicePorts.length > 0)],
    }),
    replicated: () => p.autoscaling !== undefined || deploymentReplicas(p) >= 2,
    get persistentMounts() {
      return dirs.length
        ? claimNames(dirs).map((name, i): KubeVolumeMount => ({ name, mountPath: dirs[i].path, readOnly: dirs[i].accessMode === PersistentAccessMode.READ_ONLY_MANY || undefined }))
        : undefined;
    },
    kindVolumes: (workload) => {
      const names = claimNames(dirs);
      return deploymentClaimNames(workload, dirs).map((claimName, i): KubeVolume => ({ name: names[i], persistentVolumeClaim: { claimName } }));
    },
  };
}

/**
 * A workload that passes Pod Security `restricted` by default: its own ServiceAccount without a
 * token, a hardened Deployment, a Service for its ports, a PodDisruptionBudget and spread when
 * replicated, optional autoscaling, and a NetworkPolicy that admits only what was declared with
 * `allowFrom` / `allowTo` (and DNS).
 */
export class SecureApp extends SecureWorkload implements IWorkload, IPlacedWorkload {
  /** The Deployment. */
  public readonly deployment: ApiObject;
  /** The Service, when the app has ports. */
  public readonly service?: ApiObject;
  /** The PodDisruptionBudget, when replicated. */
  public readonly podDisruptionBudget?: ApiObject;
  /** The HorizontalPodAutoscaler, with `autoscaling`. */
  public readonly autoscaler?: ApiObject;
  /** The PersistentVolumeClaims the app's `persistentDirs` create (none for an existing `claimName`). */
  public readonly persistentVolumeClaims: ApiObject[];

  private readonly maxReplicas: number;
  private readonly serviceType?: ServiceType;
  private readonly rollout: ReturnType<typeof deploymentPods> & ReturnType<typeof deploymentClaimQuota>;

  constructor(scope: Construct, id: string, props: SecureAppProps) {
    super(scope, id, props, appKind(props));
    const replicas = deploymentReplicas(props);
    const replicated = props.autoscaling !== undefined || replicas >= 2;
    const servicePorts = this._parts.ports.servicePorts;
    this.maxReplicas = props.autoscaling?.maxReplicas ?? replicas;
    this.serviceType = servicePorts.length ? props.serviceType ?? ServiceType.CLUSTER_IP : undefined;
    const metadata = this._metadata;
    const autoscaling = props.autoscaling;
    const dirs = props.persistentDirs ?? [];
    const claimNamesOf = deploymentClaimNames(this.name, dirs);
    // One claim for the whole Deployment, before it, so an apply in order finds the claim bound.
    this.persistentVolumeClaims = dirs.flatMap((d, i) => d.claimName !== undefined ? [] : [new ApiObject(this, `Claim${i === 0 ? '' : i + 1}`, {
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { ...metadata, name: claimNamesOf[i] },
      spec: {
        accessModes: [d.accessMode ?? PersistentAccessMode.READ_WRITE_ONCE],
        storageClassName: d.storageClassName,
        resources: { requests: { storage: d.size! } },
      },
    })]);
    const strategy = deploymentStrategy(props);
    // Judged as built: a props object the caller changes later must not change the quota check.
    this.rollout = { ...deploymentPods(props, this.maxReplicas), ...deploymentClaimQuota(this.name, dirs) };
    this.deployment = new ApiObject(this, 'Deployment', {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata,
      spec: {
        // With an HPA the Deployment must not carry replicas, or every apply resets the scale.
        replicas: autoscaling ? undefined : replicas,
        revisionHistoryLimit: 5,
        selector: { matchLabels: this.selector },
        strategy: strategy ? strategy._toKube() : { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
        template: Lazy.any({ produce: () => this._renderPodTemplate() }),
      },
    });
    this.node.defaultChild = this.deployment;
    if (servicePorts.length > 0) {
      this.service = new ApiObject(this, 'Service', {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: this.serviceName === this.name ? metadata : { ...metadata, name: this.serviceName },
        spec: {
          type: this.serviceType,
          selector: this.selector,
          ports: this.mesh ? servicePorts.map((sp) => ({ ...sp, appProtocol: meshAppProtocol(sp) })) : servicePorts,
        },
      });
    }
    if (replicated) {
      this.podDisruptionBudget = new ApiObject(this, 'PodDisruptionBudget', {
        apiVersion: 'policy/v1',
        kind: 'PodDisruptionBudget',
        metadata,
        spec: {
          maxUnavailable: 1,
          selector: { matchLabels: this.selector },
          // Crash-looping pods must not block node drains.
          unhealthyPodEvictionPolicy: 'AlwaysAllow',
        },
      });
    }
    if (autoscaling) {
      this.autoscaler = new ApiObject(this, 'HorizontalPodAutoscaler', {
        apiVersion: 'autoscaling/v2',
        kind: 'HorizontalPodAutoscaler',
        metadata,
        spec: {
          scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: this.name },
          minReplicas: autoscaling.minReplicas ?? MIN_AUTOSCALING_REPLICAS,
          maxReplicas: autoscaling.maxReplicas,
          metrics: [{
            type: 'Resource',
            resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: autoscaling.targetCpuUtilizationPercent ?? DEFAULT_CPU_UTILIZATION_PERCENT } },
          }],
        },
      });
    }
    this._addPolicies();
  }

  public footprint(): ResourceFootprint {
    const perPod = this._perPodQuota();
    // A rolling update runs its surge pods beyond the maximum (maxSurge: 1 by default); Recreate none.
    return {
      path: this.path,
      maxPods: this.rollout.maxPods,
      podsExplained: this.rollout.podsExplained,
      perPod,
      serviceTypes: this.serviceType ? [this.serviceType] : [],
      services: this.serviceType ? [{ type: this.serviceType, ports: this._parts.ports.servicePorts.length }] : [],
      claims: this.rollout.claims,
      claimsExplained: this.rollout.claimsExplained,
    };
  }

  /**
   * The problems SecureApp itself finds with `props`, without building anything: subclasses that
   * check props of their own report both in one error.
   * @internal
   */
  public static _inputProblems(scope: Construct, id: string, props: SecureAppProps): string[] {
    return SecureWorkload._kindInputProblems(scope, id, props, appKind(props));
  }
}

function replicaProblems(p: SecureAppProps): Array<string | undefined> {
  const problems: Array<string | undefined> = [];
  if (p.replicas !== undefined && (!Number.isInteger(p.replicas) || p.replicas < 0)) {
    problems.push(`replicas ${p.replicas} must be a whole number >= 0. Fix: set replicas to 0 or more (2 or more for availability).`);
  }
  const a = p.autoscaling;
  if (a) {
    const min = a.minReplicas ?? MIN_AUTOSCALING_REPLICAS;
    if (p.replicas !== undefined) problems.push('replicas and autoscaling are both set; the autoscaler owns the replica count. Fix: remove replicas and set autoscaling.minReplicas.');
    if (!Number.isInteger(min) || min < 2) problems.push(`autoscaling.minReplicas ${min} is below 2, so a single disruption takes the app down. Fix: set minReplicas to 2 or more.`);
    if (!Number.isInteger(a.maxReplicas) || a.maxReplicas <= min) problems.push(`autoscaling.maxReplicas ${a.maxReplicas} must be greater than minReplicas ${min}. Fix: raise maxReplicas, or drop autoscaling and set replicas.`);
    const t = a.targetCpuUtilizationPercent;
    if (t !== undefined && (!Number.isInteger(t) || t < 1 || t > 100)) problems.push(`autoscaling.targetCpuUtilizationPercent ${t} must be a whole percent from 1 to 100. Fix: e.g. 70 (the default) to scale out when pods average 70% of their CPU request.`);
  }
  return problems;
}

function serviceProblems(p: SecureAppProps, ports: WorkloadPorts): Array<string | undefined> {
  return [
    p.serviceType !== undefined && !Object.values(ServiceType).includes(p.serviceType)
      ? `serviceType "${p.serviceType}" is not ClusterIP, NodePort or LoadBalancer. Fix: use ServiceType.CLUSTER_IP (the default), ServiceType.NODE_PORT or ServiceType.LOAD_BALANCER.` : undefined,
    p.serviceType !== undefined && p.serviceType !== ServiceType.CLUSTER_IP && ports.ports.length === 0
      ? `serviceType ${p.serviceType} needs a port to expose. Fix: set port, or drop serviceType.` : undefined,
  ];
}
