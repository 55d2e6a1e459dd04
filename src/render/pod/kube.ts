// The Kubernetes JSON the pod-template core writes (core/v1 shapes, the fields this library sets).
// Written by hand rather than taken from cdk8s-plus' k8s classes: those hold IntOrString and
// Quantity objects, not the plain JSON the checks and the golden output compare.

export type KubeLabels = { readonly [key: string]: string };

export interface KubeResources {
  readonly requests: { readonly [resource: string]: string };
  readonly limits: { readonly [resource: string]: string };
}

export interface KubeContainerSecurityContext {
  readonly allowPrivilegeEscalation: boolean;
  readonly privileged: boolean;
  readonly readOnlyRootFilesystem: boolean;
  readonly runAsNonRoot: true;
  readonly runAsUser: number;
  readonly runAsGroup: number;
  readonly capabilities: { readonly drop: readonly string[]; readonly add?: readonly string[] };
}

export interface KubePodSecurityContext {
  readonly runAsNonRoot: true;
  readonly runAsUser: number;
  readonly runAsGroup: number;
  readonly fsGroup: number;
  readonly fsGroupChangePolicy?: 'OnRootMismatch' | 'Always';
  readonly seccompProfile: { readonly type: 'RuntimeDefault' | 'Unconfined' };
  readonly appArmorProfile?: { readonly type: 'RuntimeDefault' | 'Localhost'; readonly localhostProfile?: string };
}

export interface KubeVolumeMount {
  readonly name: string;
  readonly mountPath: string;
  readonly readOnly?: boolean;
}

export interface KubeVolume {
  readonly name: string;
  readonly emptyDir?: { readonly sizeLimit: string };
  readonly configMap?: unknown;
  readonly secret?: unknown;
  readonly persistentVolumeClaim?: { readonly claimName: string; readonly readOnly?: boolean };
  readonly hostPath?: { readonly path: string };
}

export interface KubeContainerPort {
  readonly name: string;
  readonly containerPort: number;
  readonly protocol: string;
}

/** A probe as `Probe.render()` writes it (handler plus timing). */
export type KubeProbe = { readonly [field: string]: unknown };

export interface KubeContainer {
  readonly name: string;
  readonly image: string;
  readonly imagePullPolicy: 'Always';
  readonly command?: readonly string[];
  readonly args?: readonly string[];
  readonly env?: readonly unknown[];
  readonly ports?: readonly KubeContainerPort[];
  readonly resources: KubeResources;
  readonly readinessProbe?: KubeProbe;
  readonly livenessProbe?: KubeProbe;
  readonly startupProbe?: KubeProbe;
  readonly lifecycle?: { readonly preStop: object };
  /** `Always` on a native sidecar (an init container that keeps running). */
  readonly restartPolicy?: 'Always';
  readonly securityContext: KubeContainerSecurityContext;
  readonly volumeMounts: readonly KubeVolumeMount[];
}

export interface KubeLabelSelector {
  readonly matchLabels: KubeLabels;
}

/** The scheduling fields of a pod spec. */
export interface KubeScheduling {
  readonly tolerations?: readonly object[];
  readonly nodeSelector?: KubeLabels;
  readonly affinity?: {
    readonly nodeAffinity?: { readonly requiredDuringSchedulingIgnoredDuringExecution: { readonly nodeSelectorTerms: ReadonlyArray<{ readonly matchExpressions: readonly object[] }> } };
    readonly podAntiAffinity?: {
      readonly preferredDuringSchedulingIgnoredDuringExecution: ReadonlyArray<{
        readonly weight: number;
        readonly podAffinityTerm: { readonly topologyKey: string; readonly labelSelector: KubeLabelSelector };
      }>;
    };
  };
  readonly topologySpreadConstraints?: ReadonlyArray<{
    readonly maxSkew: number; readonly topologyKey: string; readonly whenUnsatisfiable: string; readonly labelSelector: KubeLabelSelector;
  }>;
  readonly priorityClassName?: string;
  readonly runtimeClassName?: string;
}

/** The host-namespace and pod-level security fields of a pod spec. */
export interface KubePodSecurity {
  readonly hostNetwork?: true;
  readonly hostPID?: true;
  readonly hostIPC?: true;
  readonly hostUsers?: boolean;
  readonly securityContext: KubePodSecurityContext;
}

export interface KubePodSpec extends KubePodSecurity, KubeScheduling {
  readonly restartPolicy?: string;
  readonly terminationGracePeriodSeconds?: number;
  readonly serviceAccountName: string;
  readonly automountServiceAccountToken: boolean;
  readonly enableServiceLinks: false;
  readonly initContainers?: readonly KubeContainer[];
  readonly containers: readonly KubeContainer[];
  readonly volumes: readonly KubeVolume[];
}

export interface KubePodTemplate {
  readonly metadata: { readonly labels: KubeLabels; readonly annotations?: KubeLabels };
  readonly spec: KubePodSpec;
}
