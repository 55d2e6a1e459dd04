/**
 * Compliance rules as pure functions over plain manifests (parsed YAML or `Chart.toJson()`), so
 * that the cdk8s validation plugin, the `cdk8s-secure report` CLI and the jest matchers all judge
 * with the same code, and so that they judge any manifests, not only ones this library made
 * (YAML pulled in with `Include`, Helm output, hand-written objects).
 *
 * Every rule reports the resources it looked at (`checked`) and the ones that fail (`failed`), so
 * a report can say "12 of 12 workloads pass" rather than only list problems: a rule that looked
 * at nothing must be visible as such.
 */
import { NetworkModel } from './reachability';
import { DEFAULT_METADATA_CIDRS, parseCidr } from '../core/cidr';
import { PodSecurityLevelName, podSecurityVersionProblem } from './pod-security';
import { LEVELS, NormalizedOptions, RULE_IDS, RuleId, RuleOptions, RuleResult } from './rules-types';
import { indexManifests } from './rules-index';
import { imageTag, networkIsolation, pdb, podSecurity, serviceAccountToken, serviceMonitorPort } from './rules-workloads';
import { meshAuthorization, meshInjection, meshMtls } from './rules-mesh';
import { PolicyEntry, duplicateObject, metadataEndpoint, networkAllowAll, policyEntries } from './rules-network';
import { SecureConfigError } from '../core/errors';

export { RULE_IDS, RULES } from './rules-types';
export type { Finding, ResourceRef, RuleId, RuleInfo, RuleOptions, RuleResult } from './rules-types';
export { templatePrefix } from './rules-index';
export { unpinnedImageProblem } from './rules-workloads';


/**
 * What is wrong with the value of one option, or undefined. `name` is what the message calls the
 * option: the property by default, a flag for the CLI, which checks each flag as it reads it.
 */
export function ruleOptionProblem<K extends keyof RuleOptions>(option: K, value: RuleOptions[K], name: string = option): string | undefined {
  switch (option) {
    case 'defaultLevel':
      if (!LEVELS.includes(value as PodSecurityLevelName)) {
        return `${name} ${JSON.stringify(value)} is not a Pod Security level. Fix: use "privileged", "baseline" or "restricted".`;
      }
      return undefined;
    case 'defaultVersion': {
      const problem = podSecurityVersionProblem(value as string);
      return problem === undefined ? undefined : `${name}: ${problem}`;
    }
    case 'defaultNamespace':
      if (typeof value !== 'string' || !/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(value)) {
        return `${name} ${JSON.stringify(value)} is not a namespace name. Fix: use a DNS label such as "default".`;
      }
      return undefined;
    case 'metadataCidrs': {
      if (!Array.isArray(value)) return `${name} must be a list of CIDR blocks, e.g. ["169.254.169.254/32"], got ${JSON.stringify(value)}.`;
      const bad = value.find((c) => typeof c !== 'string' || parseCidr(c) === undefined);
      return bad === undefined ? undefined : `${name}: ${JSON.stringify(bad)} is not a CIDR block. Fix: write e.g. "169.254.169.254/32".`;
    }
    default: {
      if (!Array.isArray(value)) return `${name} must be a list of rule ids (${RULE_IDS.join(', ')}), got ${JSON.stringify(value)}.`;
      const unknown = value.find((id) => !(RULE_IDS as readonly unknown[]).includes(id));
      return unknown === undefined ? undefined : `${name}: unknown rule ${JSON.stringify(unknown)}. Fix: use one of ${RULE_IDS.join(', ')}.`;
    }
  }
}

/** Checks options and fills in defaults; throws one error naming the bad option and the fix. */
export function normalizeRuleOptions(options: RuleOptions = {}, subject: string = 'normalizeRuleOptions'): NormalizedOptions {
  const [problem] = ruleOptionsProblems(options);
  if (problem) throw new SecureConfigError(subject, [problem]);
  const filled = withDefaults(options);
  return { ...filled, disable: new Set(filled.disable as RuleId[]), metadataCidrs: [...filled.metadataCidrs] };
}

/** Every problem of the options, in option order; empty when they are fine. */
export function ruleOptionsProblems(options: RuleOptions = {}): string[] {
  const filled = withDefaults(options);
  return (['defaultLevel', 'defaultVersion', 'defaultNamespace', 'disable', 'metadataCidrs'] as const)
    .map((option) => ruleOptionProblem(option, filled[option]))
    .filter((p): p is string => p !== undefined);
}

function withDefaults(options: RuleOptions): Required<RuleOptions> {
  return {
    defaultLevel: options.defaultLevel ?? 'restricted',
    defaultVersion: options.defaultVersion ?? 'latest',
    defaultNamespace: options.defaultNamespace ?? 'default',
    disable: options.disable ?? [],
    metadataCidrs: options.metadataCidrs ?? [...DEFAULT_METADATA_CIDRS],
  };
}

/** Runs every rule not disabled, in `RULES` order. */
export function runRules(manifests: readonly unknown[], options: RuleOptions = {}): RuleResult[] {
  const opts = normalizeRuleOptions(options, 'runRules');
  const impls = ruleImpls(manifests, opts);
  return RULE_IDS.filter((id) => !opts.disable.has(id)).map((id) => impls[id]());
}

/** One rule alone, whether or not `options.disable` lists it. */
export function checkRule(id: RuleId, manifests: readonly unknown[], options: RuleOptions = {}): RuleResult {
  if (!RULE_IDS.includes(id)) throw new SecureConfigError('checkRule', [`unknown rule ${JSON.stringify(id)}. Fix: use one of ${RULE_IDS.join(', ')}.`]);
  return ruleImpls(manifests, normalizeRuleOptions(options, 'checkRule'))[id]();
}

function ruleImpls(manifests: readonly unknown[], opts: NormalizedOptions): Record<RuleId, () => RuleResult> {
  const index = indexManifests(manifests, opts.defaultNamespace);
  // The manifests are compiled once, for every rule that reads NetworkPolicies.
  let model: NetworkModel | undefined;
  const modelOf = () => (model ??= NetworkModel.fromManifests([...manifests], { defaultNamespace: opts.defaultNamespace }));
  let compiled: PolicyEntry[] | undefined;
  const policies = () => (compiled ??= policyEntries(modelOf(), index));
  return {
    'pod-security': () => podSecurity(index, opts),
    'network-isolation': () => networkIsolation(modelOf(), index),
    'service-monitor-port': () => serviceMonitorPort(index),
    'pdb': () => pdb(index),
    'image-tag': () => imageTag(index),
    'service-account-token': () => serviceAccountToken(index),
    'mesh-mtls': () => meshMtls(index),
    'mesh-authorization': () => meshAuthorization(index),
    'mesh-injection': () => meshInjection(index),
    'network-allow-all': () => networkAllowAll(policies()),
    'metadata-endpoint': () => metadataEndpoint(policies(), opts),
    'duplicate-object': () => duplicateObject(index),
  };
}

/** `pod-security` alone. */
export function checkPodSecurityRule(manifests: readonly unknown[], options: RuleOptions = {}): RuleResult {
  return checkRule('pod-security', manifests, options);
}

/** `network-isolation` alone. */
export function checkNetworkIsolationRule(manifests: readonly unknown[], options: RuleOptions = {}): RuleResult {
  return checkRule('network-isolation', manifests, options);
}

/** `service-monitor-port` alone. */
export function checkServiceMonitorPortRule(manifests: readonly unknown[], options: RuleOptions = {}): RuleResult {
  return checkRule('service-monitor-port', manifests, options);
}

/** `pdb` alone. */
export function checkPdbRule(manifests: readonly unknown[], options: RuleOptions = {}): RuleResult {
  return checkRule('pdb', manifests, options);
}

/** `image-tag` alone. */
export function checkImageTagRule(manifests: readonly unknown[], options: RuleOptions = {}): RuleResult {
  return checkRule('image-tag', manifests, options);
}
