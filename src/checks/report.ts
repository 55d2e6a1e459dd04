/**
 * A Markdown report for pull requests: which rules pass, what fails and how to fix it, and who
 * can reach whom under the NetworkPolicies. `renderReport` is pure; `loadManifests` is the only
 * part that touches the file system.
 */
import { MatrixEntry, NetworkModel, NetworkModelOptions } from './reachability';

export { loadManifests, manifestFiles, parseManifestYaml } from './io';
import { Finding, RULES, RuleOptions, RuleResult, normalizeRuleOptions, runRules } from './rules';
import { renderEdges } from './report-edges';

export interface ReportOptions extends RuleOptions {
  /**
   * First heading.
   * @default 'cdk8s-secure report'
   */
  readonly title?: string;
  /**
   * Labels of namespaces that are not among the manifests (e.g. `kube-system`, or an ingress
   * controller's), for NetworkPolicy `namespaceSelector`s in the connectivity matrix.
   * @default - only `kubernetes.io/metadata.name`
   */
  readonly namespaceLabels?: NetworkModelOptions['namespaceLabels'];
  /**
   * Where cluster DNS runs (ClusterSettings' `dnsNamespace` / `dnsPodLabels`), for the matrix's
   * `kube-dns` column.
   * @default - namespace 'kube-system', pods labelled `k8s-app: kube-dns`
   */
  readonly dns?: NetworkModelOptions['dns'];
}

/** Escapes text for a Markdown table cell. */
function cell(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, '<br>');
}

function code(text: string): string {
  // A backtick inside would end the span early; those are vanishingly rare in field paths.
  return text.includes('`') ? cell(text) : `\`${cell(text)}\``;
}

function table(header: string[], rows: string[][], align?: Array<'l' | 'r'>): string[] {
  const sep = header.map((_, i) => (align?.[i] === 'r' ? '---:' : '---'));
  return [`| ${header.join(' | ')} |`, `| ${sep.join(' | ')} |`, ...rows.map((r) => `| ${r.join(' | ')} |`)];
}

/** The Markdown summary and findings of rule results (no connectivity section). */
export function renderCompliance(results: readonly RuleResult[], disabled: readonly string[] = []): string[] {
  const lines: string[] = ['## Compliance', ''];
  const rows = results.map((r) => [
    code(r.rule),
    r.failed > 0 ? '❌ fail' : '✅ pass',
    String(r.checked),
    String(r.passed),
    String(r.failed),
    cell(`${r.title} (judges ${RULES.find((i) => i.id === r.rule)!.subjects})`),
  ]);
  for (const id of disabled) rows.push([code(id), 'disabled', '', '', '', '']);
  lines.push(...table(['Rule', 'Result', 'Checked', 'Passed', 'Failed', 'What it means'], rows, ['l', 'l', 'r', 'r', 'r', 'l']), '');
  for (const r of results) {
    if (r.findings.length === 0) continue;
    lines.push(`### ${code(r.rule)}: ${r.findings.length} finding${r.findings.length === 1 ? '' : 's'}`, '');
    lines.push(...table(['Resource', 'Field', 'Problem', 'Fix'], r.findings.map(findingRow)), '');
  }
  return lines;
}

function findingRow(f: Finding): string[] {
  return [cell(f.subject), f.field ? code(f.field) : '', cell(f.message), cell(f.fix)];
}

function portsText(e: MatrixEntry): string {
  if (e.ports.length === 0) return '—';
  const ports = e.allPorts ? 'all ports' : e.ports.join(', ');
  // Addresses only exist on flows to or from `external`; "any" adds nothing to the cell.
  if (!e.addresses || e.addresses.length === 0 || (e.addresses.length === 1 && e.addresses[0] === 'any')) return ports;
  return `${ports} (${e.addresses.join(', ')})`;
}

/** The connectivity matrix as a Markdown table: rows are sources, columns destinations. */
export function renderConnectivity(model: NetworkModel): string[] {
  const lines: string[] = ['## Connectivity', ''];
  const workloads = model.workloads();
  if (workloads.length === 0) {
    lines.push('No workloads in the manifests.', '');
    return lines;
  }
  const dnsLabels = Object.entries(model.dns.podLabels).map(([k, v]) => `${k}=${v}`).join(',');
  lines.push(
    'Who may open connections to whom under the NetworkPolicies: rows are sources, columns destinations; '
    + `\`—\` means denied. \`kube-dns\` is cluster DNS (${model.dns.namespace}, ${code(dnsLabels)}); \`external\` is any address outside the cluster, `
    + 'with the allowed address blocks in parentheses. A workload\'s own column is traffic between its replicas. '
    + 'Ports are container ports (NetworkPolicies apply after Service translation).',
    '',
  );
  const entries = model.matrix();
  const columns = [...workloads.map((w) => w.id), NetworkModel.KUBE_DNS, NetworkModel.EXTERNAL];
  const byPair = new Map(entries.map((e) => [`${e.from}\u0000${e.to}`, e]));
  const rows = [...workloads.map((w) => w.id), NetworkModel.EXTERNAL].map((from) => [
    `**${cell(from)}**`,
    ...columns.map((to) => {
      const e = byPair.get(`${from}\u0000${to}`);
      // The outside has no row entries towards DNS or itself: neither is a flow policies govern.
      return e ? cell(portsText(e)) : '';
    }),
  ]);
  lines.push(...table(['from \\ to', ...columns.map(cell)], rows), '');
  const warnings = model.warnings();
  if (warnings.length > 0) {
    lines.push('### Manifest warnings', '', 'Parts of NetworkPolicies the API server would reject or that have no effect; the matrix treats them as matching nothing.', '');
    lines.push(...warnings.map((w) => `- ${w}`), '');
  }
  return lines;
}

/** The report and its verdict, from one run of the rules. */
export interface Report {
  /** The Markdown of `renderReport`. */
  readonly markdown: string;
  /** Whether every enabled rule passes (`reportPasses`). */
  readonly passes: boolean;
}

/**
 * The whole report: a compliance summary from the same rules as the validation plugin, the
 * findings with their fixes, the connectivity matrix, and the edges: entrances through gateways,
 * hosts reached by name, and peers outside the manifests.
 */
export function renderReport(manifests: readonly unknown[], options: ReportOptions = {}): string {
  return buildReport(manifests, options).markdown;
}

/**
 * `renderReport` and `reportPasses` at once, for callers that need both (the CLI): the rules
 * run once.
 */
export function buildReport(manifests: readonly unknown[], options: ReportOptions = {}): Report {
  const opts = normalizeRuleOptions(options);
  const results = runRules(manifests, options);
  const failing = results.filter((r) => r.failed > 0);
  const disabled = RULES.map((r) => r.id).filter((id) => opts.disable.has(id));
  const model = NetworkModel.fromManifests([...manifests], { defaultNamespace: opts.defaultNamespace, namespaceLabels: options.namespaceLabels, dns: options.dns });
  const lines: string[] = [
    `# ${options.title ?? 'cdk8s-secure report'}`,
    '',
    failing.length === 0
      ? `**All ${results.length} rules pass** on ${manifests.length} manifest${manifests.length === 1 ? '' : 's'}.`
      : `**${failing.length} of ${results.length} rules fail** (${failing.map((r) => code(r.rule)).join(', ')}) on ${manifests.length} manifest${manifests.length === 1 ? '' : 's'}.`,
    '',
    ...renderCompliance(results, disabled),
    ...renderConnectivity(model),
    ...renderEdges(manifests, model),
  ];
  return { markdown: lines.join('\n').replace(/\n+$/, '\n'), passes: failing.length === 0 };
}

/** Whether every enabled rule passes; the CLI's exit status. */
export function reportPasses(manifests: readonly unknown[], options: RuleOptions = {}): boolean {
  return runRules(manifests, options).every((r) => r.failed === 0);
}
