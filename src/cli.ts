#!/usr/bin/env node
/**
 * `cdk8s-secure report <dir>`: the Markdown report of ./checks/report.ts for a directory of
 * synthesized manifests, for CI jobs that post it on a pull request.
 */
import * as fs from 'fs';
import { manifestFiles, readManifestFile } from './checks/io';
import { buildReport } from './checks/report';
import { RULE_IDS, RuleOptions, ruleOptionProblem } from './checks/rules';
import { SecureConfigError } from './core/errors';

export const USAGE = `Usage: cdk8s-secure report <dir> [options]

Prints a Markdown report for the Kubernetes manifests (*.yaml, *.yml, recursively) under <dir>,
e.g. cdk8s's dist/: per rule, how many resources pass and fail, every finding with its fix, and
the NetworkPolicy connectivity matrix (who can reach whom on which ports, incl. kube-dns and
addresses outside the cluster).

Rules: ${RULE_IDS.join(', ')}

Options:
  --default-level <level>      Pod Security level of namespaces that are not among the manifests
                               or have no pod-security.kubernetes.io/enforce label:
                               privileged, baseline or restricted (default: restricted)
  --default-version <version>  Pod Security version to go with it: latest or v1.<minor>
                               (default: latest)
  --default-namespace <name>   namespace of objects without metadata.namespace (default: default)
  --disable <rule>[,<rule>]    do not run these rules (repeatable)
  --output <file>              write the report to <file> instead of standard output
  --no-fail                    exit 0 even when a rule fails (report only)
  -h, --help                   print this help

Exit status:
  0  every rule passes, or --no-fail was given
  1  at least one rule fails (the report is still printed)
  2  bad usage, or the directory cannot be read or holds no YAML
`;

class UsageError extends Error {}

/** What the command itself calls its errors (their construct-path slot), named once, in the prefix. */
const SUBJECT = 'cdk8s-secure report';

/**
 * One line (or list) per error, after the program's name only: `cdk8s-secure: <problem>`, or
 * `cdk8s-secure: dist/x.yaml:3: <problem>` when the error names a file (GNU style), never the
 * error's own `[cdk8s-secure report]` path on top of the prefix.
 */
function cliMessage(e: Error): string {
  if (!(e instanceof SecureConfigError)) return `cdk8s-secure: ${e.message}`;
  const where = e.path === SUBJECT ? '' : `${e.path}: `;
  const problems = e.problems.length === 1 ? e.problems[0] : `${e.problems.length} problems:\n${e.problems.map((p) => `  - ${p}`).join('\n')}`;
  return `cdk8s-secure: ${where}${problems}`;
}

interface Parsed {
  readonly dir: string;
  readonly options: RuleOptions;
  readonly output?: string;
  readonly fail: boolean;
}

function parseArgs(argv: readonly string[]): Parsed | 'help' {
  if (argv.includes('-h') || argv.includes('--help')) return 'help';
  const [command, ...rest] = argv;
  if (command === undefined) throw new UsageError('missing command.');
  if (command !== 'report') throw new UsageError(`unknown command "${command}"; the only command is "report".`);
  const positional: string[] = [];
  const disable: string[] = [];
  let defaultLevel: string | undefined;
  let defaultVersion: string | undefined;
  let defaultNamespace: string | undefined;
  let output: string | undefined;
  let fail = true;
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    const eq = arg.indexOf('=');
    const flag = arg.startsWith('--') && eq > 0 ? arg.slice(0, eq) : arg;
    const value = (): string => {
      if (arg.startsWith('--') && eq > 0) return arg.slice(eq + 1);
      const v = rest[++i];
      if (v === undefined || v.startsWith('--')) throw new UsageError(`${flag} needs a value.`);
      return v;
    };
    // Checked here, so that a typo is reported before any YAML is read, and by its flag.
    const checked = <K extends keyof RuleOptions>(option: K, v: RuleOptions[K]): RuleOptions[K] => {
      const problem = ruleOptionProblem(option, v, flag);
      if (problem) throw new UsageError(problem);
      return v;
    };
    switch (flag) {
      case '--default-level': defaultLevel = checked('defaultLevel', value() as RuleOptions['defaultLevel']); break;
      case '--default-version': defaultVersion = checked('defaultVersion', value()); break;
      case '--default-namespace': defaultNamespace = checked('defaultNamespace', value()); break;
      case '--disable': disable.push(...checked('disable', value().split(',').map((s) => s.trim()).filter(Boolean))!); break;
      case '--output': output = value(); break;
      case '--no-fail': fail = false; break;
      default:
        if (arg.startsWith('-')) throw new UsageError(`unknown option "${arg}".`);
        positional.push(arg);
    }
  }
  if (positional.length !== 1) throw new UsageError(positional.length === 0 ? 'missing <dir>.' : `expected one <dir>, got ${positional.join(' ')}.`);
  return {
    dir: positional[0],
    options: { defaultLevel: defaultLevel as RuleOptions['defaultLevel'], defaultVersion, defaultNamespace, disable },
    output,
    fail,
  };
}

/** Runs the CLI; returns the exit status. */
export function main(argv: readonly string[], out: (s: string) => void, err: (s: string) => void): number {
  let parsed: Parsed | 'help';
  try {
    parsed = parseArgs(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    err(`cdk8s-secure: ${e.message}\n\n${USAGE}`);
    return 2;
  }
  if (parsed === 'help') {
    out(USAGE);
    return 0;
  }
  let passes: boolean;
  try {
    // The directory is walked once and the rules run once.
    const files = manifestFiles(parsed.dir, SUBJECT);
    // A wrong path must not produce an empty, passing report in CI.
    if (files.length === 0) throw new SecureConfigError(SUBJECT, [`no *.yaml or *.yml files under ${parsed.dir}. Fix: run \`cdk8s synth\` first, or pass its output directory.`]);
    const manifests = files.flatMap(readManifestFile);
    const report = buildReport(manifests, parsed.options);
    passes = report.passes;
    if (parsed.output) fs.writeFileSync(parsed.output, report.markdown);
    else out(report.markdown);
  } catch (e) {
    err(`${cliMessage(e as Error)}\n`);
    return 2;
  }
  if (!passes && parsed.fail) {
    err('cdk8s-secure: some rules fail (see the report); pass --no-fail to exit 0 anyway.\n');
    return 1;
  }
  return 0;
}

if (require.main === module) {
  process.exitCode = main(process.argv.slice(2), (s) => process.stdout.write(s), (s) => process.stderr.write(s));
}
