import { ApiObject, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { DEFAULT_CPU_UTILIZATION_PERCENT, DEFAULT_REPLICAS, MIN_AUTOSCALING_REPLICAS } from './core/defaults';
import { meshAppProtocol } from './model/mesh';
import { ResourceFootprint } from './model/quota';
import type { SecureAppProps } from './model/app-props';
import { ServiceType } from './model/workload-options';
import type { WorkloadPorts } from './render/pod/ports';
import type { IWorkload } from './model/peer';
import type { IPlacedWorkload } from './model/placement';
import { SecureWorkload, WorkloadKindSpec } from './secure-workload';

/** What a Deployment adds to the shared workload core. */
function appKind(p: SecureAppProps): WorkloadKindSpec {
  return {
    kind: 'SecureApp',
    defaultProbes: true,
    rendersService: true,
    problems: (parts) => ({ afterPorts: replicaProblems(p ?? ({} as SecureAppProps)), last: serviceProblems(p ?? ({} as SecureAppProps), parts.ports) }),
    replicated: () => p.autoscaling !== undefined || (p.replicas ?? DEFAULT_REPLICAS) >= 2,
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

  private readonly maxReplicas: number;
  private readonly serviceType?: ServiceType;

  constructor(scope: Construct, id: string, props: SecureAppProps) {
    super(scope, id, props, appKind(props));
    const replicas = props.replicas ?? DEFAULT_REPLICAS;
    const replicated = props.autoscaling !== undefined || replicas >= 2;
    const servicePorts = this._parts.ports.servicePorts;
    this.maxReplicas = props.autoscaling?.maxReplicas ?? replicas;
    this.serviceType = servicePorts.length ? props.serviceType ?? ServiceType.CLUSTER_IP : undefined;
    const metadata = this._metadata;
    const autoscaling = props.autoscaling;
    this.deployment = new ApiObject(this, 'Deployment', {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata,
      spec: {
        // With an HPA the Deployment must not carry replicas, or every apply resets the scale.
        replicas: autoscaling ? undefined : replicas,
        revisionHistoryLimit: 5,
        selector: { matchLabels: this.selector },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
        template: Lazy.any({ produce: () => this._renderPodTemplate() }),
      },
    });
    this.node.defaultChild = this.deployment;
    if (servicePorts.length > 0) {
      this.service = new ApiObject(this, 'Service', {
        apiVersion: 'v1',
        kind: 'Service',
        metadata,
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
    // A rolling update runs one surge pod beyond the maximum (maxSurge: 1).
    return {
      path: this.path,
      maxPods: this.maxReplicas + 1,
      podsExplained: `${this.maxReplicas + 1} pods (${this.maxReplicas} ${this.autoscaler ? 'autoscaling max' : 'replicas'} + 1 rollout surge)`,
      perPod,
      serviceTypes: this.serviceType ? [this.serviceType] : [],
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
