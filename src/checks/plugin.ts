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
import { readManifestFile } from './io';
import { OBJECT_PATHS_FILE, manifestKey, objectKey, readObjectPaths } from './object-paths';
import { Finding, RULE_IDS, ResourceRef, RuleOptions, runRules, ruleOptionsProblems } from './rules';
import { SecureConfigError } from '../core/errors';

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
   * records one path per name, so objects sharing a name share an entry; the plugin prefers
   * OBJECT_PATHS_FILE beside the manifests, which is exact.
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
      throw new SecureConfigError('cdk8s-secure validation', [`unknown propert${unknown.length === 1 ? 'y' : 'ies'} ${unknown.map((k) => JSON.stringify(k)).join(', ')}. Fix: use ${PROPERTIES.join(', ')}.`]);
    }
    const [problem] = ruleOptionsProblems(props);
    if (problem) throw new SecureConfigError('cdk8s-secure validation', [`properties: ${problem}`]);
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
      for (const doc of readManifestFile(file)) {
        manifests.push(doc);
        files.push(file);
      }
    }
    const results = runRules(manifests, this.options);
    const paths = new ConstructPaths(manifests, context.metadata ?? {}, readObjectPaths(context.manifests));
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

/**
 * The construct that made each object. Exact (by group, kind, namespace and name) when the app
 * wrote OBJECT_PATHS_FILE for these very manifests (SinglePassApp does); otherwise from the CLI's
 * name-keyed metadata, but only where the name is unique: a shared name would give the path of
 * whichever object cdk8s recorded last.
 */
class ConstructPaths {
  private readonly nameCount = new Map<string, number>();
  private readonly exact?: Record<string, string[]>;

  constructor(manifests: readonly unknown[], private readonly metadata: { readonly [name: string]: { readonly path: string } }, exact?: Record<string, string[]>) {
    for (const m of manifests) {
      const name = (m as any)?.metadata?.name;
      if (typeof name === 'string') this.nameCount.set(name, (this.nameCount.get(name) ?? 0) + 1);
    }
    // A file left over from another synth, or one that does not cover these manifests, is not used.
    const covers = exact !== undefined && manifests.every((m) => typeof (m as any)?.kind !== 'string' || Array.isArray((m as any).items) || (exact[manifestKey(m)]?.length ?? 0) > 0);
    this.exact = covers ? exact : undefined;
  }

  /** Construct paths that made `ref` (empty when unknown). */
  public pathsOf(ref: ResourceRef): string[] {
    if (this.exact) {
      // The rules fill in the default namespace; the file has the namespace as written.
      const keys = [objectKey(ref.apiVersion, ref.kind, ref.namespace, ref.name), objectKey(ref.apiVersion, ref.kind, '', ref.name)];
      return [...new Set(keys.flatMap((k) => this.exact![k] ?? []))];
    }
    const path = this.metadata[ref.name]?.path;
    return path !== undefined && this.nameCount.get(ref.name) === 1 ? [path] : [];
  }

  /** Why there is no path for `ref`, when the name is shared and no exact file exists. */
  public unknownWhy(ref: ResourceRef): string | undefined {
    if (this.exact || this.metadata[ref.name] === undefined) return undefined;
    const n = this.nameCount.get(ref.name) ?? 0;
    return n > 1
      ? `construct of ${ref.kind} ${ref.name} unknown: cdk8s records one construct path per object name, and ${n} objects are named "${ref.name}" (no ${OBJECT_PATHS_FILE} beside the manifests gives exact ones)`
      : undefined;
  }

  /**
   * The name the CLI looks the construct path up by: the object's name when that lookup gives
   * the right construct, else a name it does not know, so that it prints no wrong path.
   */
  public resourceName(ref: ResourceRef): string {
    const paths = this.pathsOf(ref);
    const recorded = this.metadata[ref.name]?.path;
    if (recorded === undefined || (paths.length > 0 && paths.includes(recorded))) return ref.name;
    return `${ref.kind} ${ref.namespace === undefined ? ref.name : `${ref.namespace}/${ref.name}`}`;
  }
}

function toViolation(f: Finding, files: readonly string[], paths: ConstructPaths): ValidationViolation {
  const constructs = [...new Set(f.resources.flatMap((r) => paths.pathsOf(r)))];
  const unknown = [...new Set(f.resources.flatMap((r) => paths.unknownWhy(r) ?? []))];
  const where = [
    ...(constructs.length > 0 ? [`At construct${constructs.length > 1 ? 's' : ''} ${constructs.join('; ')}.`] : []),
    ...unknown.map((u) => `${u[0].toUpperCase()}${u.slice(1)}.`),
  ];
  return {
    ruleName: f.rule,
    recommendation: `${f.subject}: ${f.message}.${where.length > 0 ? ` ${where.join(' ')}` : ''}`,
    fix: f.fix,
    violatingResources: f.resources.map((r, i) => ({
      resourceName: paths.resourceName(r),
      manifestPath: files[r.index] ?? '<unknown>',
      locations: [`${r.kind} ${r.namespace === undefined ? r.name : `${r.namespace}/${r.name}`}${i === 0 && f.field ? ` ${f.field}` : ''}`],
    })),
  };
}
