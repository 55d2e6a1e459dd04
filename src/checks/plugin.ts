/**
 * The cdk8s CLI validation plugin: a thin shell that reads the synthesized files, runs the pure
 * rules of ./rules.ts and reports each finding with its construct path.
 *
 * The CLI (cdk8s-cli 2.x, `cdk8s synth`) loads it from `validations:` in cdk8s.yaml:
 *
 *   validations:
 *     - package: ./node_modules/cdk8s-secure   # a local path: loaded in place, never installed
 *       version: 0.1.0
 *       class: SecureValidation
 *       properties:
 *         defaultLevel: restricted
 *
 * The CLI `require`s `package` when it is an absolute path or starts with `./`; a bare package
 * name is instead `npm install`ed into ~/.cdk8s/plugins on first use. `version` must be an exact
 * version (the CLI rejects ranges) and only labels the report for local packages.
 */
import * as fs from 'fs';
import { parseManifestYaml } from './report';
import { Finding, RULE_IDS, RuleOptions, normalizeRuleOptions, runRules } from './rules';

// The CLI's contract, structurally: cdk8s-cli is a build-time tool, not a runtime dependency.

/** A resource of a violation, as the CLI's `ValidationReport.addViolation` takes it. */
export interface ValidationViolatingResource {
  readonly resourceName: string;
  readonly locations: readonly string[];
  readonly manifestPath: string;
}

/** A violation, as the CLI's `ValidationReport.addViolation` takes it. */
export interface ValidationViolation {
  readonly ruleName: string;
  readonly recommendation: string;
  readonly fix: string;
  readonly violatingResources: readonly ValidationViolatingResource[];
}

/** The part of the CLI's `ValidationContext` the plugin uses. */
export interface ValidationContextLike {
  /** Paths of the synthesized YAML files. */
  readonly manifests: readonly string[];
  /**
   * `construct-metadata.json` as the CLI reads it: construct path by `metadata.name`. cdk8s
   * records one path per name, so objects sharing a name share an entry.
   */
  readonly metadata?: { readonly [resourceName: string]: { readonly path: string } };
  readonly report: {
    addViolation(violation: ValidationViolation): void;
    submit(status: 'success' | 'failure', metadata?: { readonly [key: string]: string }): void;
  };
}

/** `properties` of the plugin in cdk8s.yaml. */
export interface SecureValidationProperties extends RuleOptions {}

const PROPERTIES = ['defaultLevel', 'defaultVersion', 'defaultNamespace', 'disable', 'metadataCidrs'];

/**
 * Judges the synthesized manifests (of this library or any other) with every rule of `RULES`
 * (README, "Rules").
 */
export class SecureValidation {
  private readonly options: RuleOptions;

  constructor(properties: SecureValidationProperties = {}) {
    // An empty `properties:` in cdk8s.yaml reaches us as null, not undefined.
    const props = (properties ?? {}) as SecureValidationProperties;
    // A typo in cdk8s.yaml must not silently fall back to the defaults.
    const unknown = Object.keys(props).filter((k) => !PROPERTIES.includes(k));
    if (unknown.length > 0) {
      throw new Error(`cdk8s-secure validation: unknown propert${unknown.length === 1 ? 'y' : 'ies'} ${unknown.map((k) => JSON.stringify(k)).join(', ')}. Fix: use ${PROPERTIES.join(', ')}.`);
    }
    try {
      normalizeRuleOptions(props);
    } catch (e) {
      throw new Error(`cdk8s-secure validation properties: ${(e as Error).message}`);
    }
    this.options = { ...props };
  }

  /**
   * Called by the cdk8s CLI (Node only).
   * @jsii ignore
   */
  public async validate(context: ValidationContextLike): Promise<void> {
    const manifests: unknown[] = [];
    const files: string[] = [];
    for (const file of context.manifests) {
      for (const doc of parseManifestYaml(fs.readFileSync(file, 'utf-8'), file)) {
        manifests.push(doc);
        files.push(file);
      }
    }
    const results = runRules(manifests, this.options);
    const paths = new ConstructPaths(manifests, context.metadata ?? {});
    for (const finding of results.flatMap((r) => r.findings)) {
      context.report.addViolation(toViolation(finding, files, paths));
    }
    const failed = results.filter((r) => r.failed > 0);
    context.report.submit(failed.length > 0 ? 'failure' : 'success', {
      'Rules': results.map((r) => `${r.rule}: ${r.failed > 0 ? `${r.failed} of ${r.checked} fail` : `${r.checked} pass`}`).join(', '),
      'Disabled rules': RULE_IDS.filter((id) => !results.some((r) => r.rule === id)).join(', ') || 'none',
    });
  }
}

/** Construct paths from the CLI's name-keyed metadata, with a warning where a name is shared. */
class ConstructPaths {
  private readonly nameCount = new Map<string, number>();

  constructor(manifests: readonly unknown[], private readonly metadata: { readonly [name: string]: { readonly path: string } }) {
    for (const m of manifests) {
      const name = (m as any)?.metadata?.name;
      if (typeof name === 'string') this.nameCount.set(name, (this.nameCount.get(name) ?? 0) + 1);
    }
  }

  describe(name: string): string | undefined {
    const path = this.metadata[name]?.path;
    if (path === undefined) return undefined;
    const n = this.nameCount.get(name) ?? 0;
    return n > 1 ? `construct ${path} (cdk8s records one construct path per object name; ${n} objects are named "${name}")` : `construct ${path}`;
  }
}

function toViolation(f: Finding, files: readonly string[], paths: ConstructPaths): ValidationViolation {
  const constructs = [...new Set(f.resources.map((r) => paths.describe(r.name)).filter((p): p is string => p !== undefined))];
  return {
    ruleName: f.rule,
    recommendation: `${f.subject}: ${f.message}.${constructs.length > 0 ? ` At ${constructs.join('; ')}.` : ''}`,
    fix: f.fix,
    violatingResources: f.resources.map((r, i) => ({
      // The CLI looks the construct path up by this name.
      resourceName: r.name,
      manifestPath: files[r.index] ?? '<unknown>',
      locations: [`${r.kind} ${r.namespace === undefined ? r.name : `${r.namespace}/${r.name}`}${i === 0 && f.field ? ` ${f.field}` : ''}`],
    })),
  };
}
