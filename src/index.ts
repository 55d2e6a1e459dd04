// Public API: every export is named here, so nothing becomes API (and semver) by accident.
// test/api-names.test.ts compares these names, and the jsii assembly's, with a committed list.
// Constructs
export { SecureApp } from './secure-app';
export { ServiceType } from './model/workload-options';
export type {
  AutoscalingOptions, ContainerPort, ContainerRelaxations, HostPathMount, NodeSelectorRequirement, ResourceSettings, SecurityContextOptions,
  SecurityRelaxations, Toleration, WritableDir,
} from './model/workload-options';
export type { SecureAppProps } from './model/app-props';
export { DeploymentStrategy, PercentOrAbsolute } from './model/deployment-strategy';
export type { DeploymentRollingUpdateOptions } from './model/deployment-strategy';
export { SecureJob, SecureCronJob } from './secure-job';
export { SecureStatefulSet } from './secure-stateful-set';
export { SecureDaemonSet } from './secure-daemon-set';
export type { SecureDaemonSetProps } from './secure-daemon-set';
export { ClaimRetention, PersistentAccessMode, PodManagementPolicy } from './model/stateful-options';
export type { PersistentDir, SecureStatefulSetProps } from './model/stateful-options';
export { ConcurrencyPolicy, JobRestartPolicy, PodFailureAction } from './model/job-options';
export type { PodFailurePolicyRule, SecureCronJobProps, SecureJobProps } from './model/job-options';
export type { SecurePodProps } from './model/pod-props';
export { MonitoredService } from './monitored-service';
export type { MetricsOptions, MonitoredServiceProps } from './monitored-service';
export { IsolatedNamespace, RbacSubject } from './isolated-namespace';
export type { IsolatedNamespaceProps, LimitRangeSettings } from './isolated-namespace';
export { SinglePassApp } from './single-pass-app';
export { SecureService } from './secure-service';
export type { SecureServiceProps } from './secure-service';
export type { AddServiceOptions, ServicePortOptions } from './model/service-options';

// Errors
export { SecureConfigError } from './core/errors';

// Intents and the values they take
export { Peer, PeerKind, Protocol } from './model/peer';
export type { HttpMatch, IPeer, IWorkload, KubeApiServerOptions, PeerInfo, PeerMeshOptions, WorkloadPort } from './model/peer';
export type { Connection, ConnectionOptions } from './model/connection';
export { Gateway, IngressController, ListenerProtocol } from './model/gateway';
export type {
  CertificateOptions, EntryInfo, ExposeOptions, GatewayAttributes, GatewayListener, IEntryPoint, IngressControllerAttributes,
} from './model/gateway';
export { Cni, HostProtocol } from './model/hosts';
export type { AllowToHostOptions } from './model/hosts';
export type { ResourceRange } from './model/resources';
export { PodSecurityLevel, TARGET_KUBERNETES_VERSION } from './model/placement';
export type { ContainerLimits, IPlacedWorkload, Placement } from './model/placement';
export { CLUSTER_SETTINGS_DEFAULTS, ClusterSettings } from './model/settings';
export type { ClusterSettingsProps, ResolvedClusterSettings } from './model/settings';
export {
  DEFAULT_ISTIO_VERSION, DEFAULT_KUBERNETES_VERSION, istioInjectsNativeSidecar, podSecurityVersionFor, supportsAppArmorField,
  supportsNativeSidecars, supportsPreStopSleep, supportsUserNamespaces,
} from './model/target';
export type { TargetVersions } from './model/target';
export { AppArmorProfile } from './model/apparmor';
export { Mesh, MeshMode, MtlsMode } from './model/mesh';
export type { MeshOptions, ProxyResources, SidecarMeshOptions } from './model/mesh';
export { EnvValue } from './model/env';
export type { EnvValueFromOptions, EnvValueFromResourceOptions } from './model/env';
export { MountedFiles } from './model/files';
export type { MountedFilesOptions } from './model/files';
export { Probe } from './model/probe';
export type { GrpcProbeOptions, HttpProbeOptions, ProbeOptions } from './model/probe';
export { HttpScheme } from './model/http-handler';
export type { HttpHandlerOptions } from './model/http-handler';
export { PreStop } from './model/lifecycle';
export type { PreStopHttpOptions } from './model/lifecycle';
export type { InitContainer, SidecarContainer } from './model/containers';
export type { AlertOptions, AlertingOptions, RequestMetrics } from './model/alerting';
export type { ResourceFootprint, ServiceQuota } from './model/quota';

// Checks over plain manifests (Node-only: the plugin, the report, the pure check functions)
export { checkPodSecurity, LATEST_POD_SECURITY_MINOR, parsePodSecurityVersion, POD_SECURITY_CHECKS } from './checks/pod-security';
export type { PodSecurityCheckId, PodSecurityCheckInfo, PodSecurityLevelName, PodSecurityViolation } from './checks/pod-security';
export { Endpoint, NetworkModel } from './checks/reachability';
export type {
  AllowedPorts, ClusterDnsLocation, ContainerPortSpec, FlowVerdict, HostReach, IsolationInfo, MatrixEntry, NetworkModelOptions,
  PortRange, WorkloadPortSummary, WorkloadSummary,
} from './checks/reachability';
export {
  RULES, RULE_IDS, runRules,
  checkPodSecurityRule, checkNetworkIsolationRule, checkServiceMonitorPortRule, checkPdbRule, checkImageTagRule,
} from './checks/rules';
export type { RuleId, RuleInfo, RuleOptions, ResourceRef, Finding, RuleResult } from './checks/rules';
export { buildReport, renderCompliance, renderConnectivity, renderReport, reportPasses } from './checks/report';
export type { Report, ReportOptions } from './checks/report';
export { SecureValidation } from './checks/plugin';
export type { SecureValidationProperties } from './checks/plugin';
