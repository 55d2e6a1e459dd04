// Public API: re-exports only. Modules that also hold helpers for the library's own use are
// re-exported by name, so those helpers stay out of the API (and out of semver).
export { SecureConfigError } from './errors';
export * from './peer';
export type { Connection, ConnectionOptions } from './model/connection';
export { PodSecurityLevel, TARGET_KUBERNETES_VERSION } from './model/placement';
export type { ContainerLimits, IPlacedWorkload, Placement } from './model/placement';
export { EnvValue } from './workload/env';
export type { EnvValueFromOptions } from './workload/env';
export * from './workload/files';
export * from './workload/probe';
export * from './secure-app';
export * from './isolated-namespace';
export type { ResourceFootprint } from './checks/quota';
export * from './model/settings';
export * from './mesh/mesh';
export * from './security/pod-security';
export * from './checks/reachability';
export * from './monitored-service';
export type { AlertOptions, AlertingOptions, RequestMetrics } from './monitoring/alerts';
export * from './single-pass-app';
export {
  RULES, RULE_IDS, runRules,
  checkPodSecurityRule, checkNetworkIsolationRule, checkServiceMonitorPortRule, checkPdbRule, checkImageTagRule,
} from './checks/rules';
export type { RuleId, RuleInfo, RuleOptions, ResourceRef, Finding, RuleResult } from './checks/rules';
export * from './checks/report';
export { SecureValidation } from './checks/plugin';
export type { SecureValidationProperties } from './checks/plugin';
