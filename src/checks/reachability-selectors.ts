/** Kubernetes label selectors (`matchLabels` + `matchExpressions`) compiled to predicates. */

export type Labels = Readonly<Record<string, string>>;
export type LabelMatcher = (labels: Labels) => boolean;

const MATCH_NOTHING: LabelMatcher = () => false;

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

/**
 * Compiles a LabelSelector. `{}` (and a selector with neither field) selects everything, as in
 * Kubernetes. Malformed parts are reported through `warn` and select nothing: a validation tool
 * must not turn a typo into "allow all".
 */
export function compileSelector(selector: unknown, where: string, warn: (message: string) => void): LabelMatcher {
  if (selector === undefined || selector === null) return () => true;
  const sel = asRecord(selector);
  if (!sel) {
    warn(`${where} is not a label selector object; it selects nothing.`);
    return MATCH_NOTHING;
  }
  const checks: LabelMatcher[] = [];

  if (sel.matchLabels !== undefined && sel.matchLabels !== null) {
    const matchLabels = asRecord(sel.matchLabels);
    if (!matchLabels) {
      warn(`${where}.matchLabels is not a map; the selector selects nothing.`);
      return MATCH_NOTHING;
    }
    // YAML may turn `version: 1` into a number; the API server would reject it, we compare as text.
    const wanted = Object.entries(matchLabels).map(([k, v]) => [k, String(v)] as const);
    checks.push((labels) => wanted.every(([k, v]) => labels[k] === v));
  }

  if (sel.matchExpressions !== undefined && sel.matchExpressions !== null) {
    if (!Array.isArray(sel.matchExpressions)) {
      warn(`${where}.matchExpressions is not a list; the selector selects nothing.`);
      return MATCH_NOTHING;
    }
    for (const [i, raw] of sel.matchExpressions.entries()) {
      const matcher = compileExpression(asRecord(raw), `${where}.matchExpressions[${i}]`, warn);
      if (!matcher) return MATCH_NOTHING;
      checks.push(matcher);
    }
  }

  return (labels) => checks.every((c) => c(labels));
}

/**
 * Whether `selector` compiles to "every pod": absent, or a map with neither matchLabels entries
 * nor matchExpressions. The same reading as compileSelector, so that a malformed part (say
 * `matchLabels: "app"`, which selects nothing) never counts as empty.
 */
export function selectsEverything(selector: unknown): boolean {
  if (selector === undefined || selector === null) return true;
  const sel = asRecord(selector);
  if (!sel) return false;
  const labels = sel.matchLabels;
  const exprs = sel.matchExpressions;
  return (labels === undefined || labels === null || (asRecord(labels) !== undefined && Object.keys(labels as object).length === 0))
    && (exprs === undefined || exprs === null || (Array.isArray(exprs) && exprs.length === 0));
}

function compileExpression(
  expr: Record<string, unknown> | undefined,
  where: string,
  warn: (message: string) => void,
): LabelMatcher | undefined {
  if (!expr || typeof expr.key !== 'string') {
    warn(`${where} has no key; the selector selects nothing.`);
    return undefined;
  }
  const key = expr.key;
  const values = Array.isArray(expr.values) ? expr.values.map(String) : [];
  const has = (labels: Labels) => Object.prototype.hasOwnProperty.call(labels, key);
  switch (expr.operator) {
    case 'In':
      if (values.length === 0) break;
      return (labels) => has(labels) && values.includes(labels[key]);
    case 'NotIn':
      if (values.length === 0) break;
      // An absent key satisfies NotIn, as in Kubernetes.
      return (labels) => !has(labels) || !values.includes(labels[key]);
    case 'Exists':
      return has;
    case 'DoesNotExist':
      return (labels) => !has(labels);
    default:
      warn(`${where} has operator ${JSON.stringify(expr.operator)}; label selectors support In, NotIn, Exists and DoesNotExist. The selector selects nothing.`);
      return undefined;
  }
  warn(`${where} uses ${String(expr.operator)} with no values, which the API server rejects; the selector selects nothing.`);
  return undefined;
}
