// Public API: re-exports only.
export * from './errors';
export * from './peer';
export * from './model/connection';
export * from './model/placement';
export * from './workload/env';
export * from './workload/files';
export * from './workload/probe';
export * from './secure-app';
export * from './isolated-namespace';
export * from './checks/quota';
export * from './model/settings';
export * from './mesh/mesh';
export * from './security/pod-security';
export * from './checks/reachability';
export * from './monitored-service';
export * from './monitoring/alerts';
