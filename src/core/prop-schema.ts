/**
 * Props as a JavaScript caller passes them, checked against their declared shape before anything
 * reads them: a number where a string belongs, `null` in an array, a plain object where a value
 * class belongs, a float or an out-of-range replica count. TypeScript checks this for TypeScript
 * callers only; without this, bad input ends in a TypeError deep inside, or is written as is.
 * One small checker, one schema per props type, the same words everywhere.
 */

/** The shape of one prop. */
export type Schema =
  | { readonly kind: 'string' }
  | { readonly kind: 'boolean' }
  | { readonly kind: 'number' }
  | { readonly kind: 'pattern'; readonly re: RegExp; readonly rule: string; readonly example: string }
  // A number whose whole values fit the Kubernetes field (int32); finer ranges are the semantic
  // checks' job, which name the field's meaning.
  | { readonly kind: 'int'; readonly min: number; readonly max: number }
  | { readonly kind: 'enum'; readonly values: readonly string[] }
  | { readonly kind: 'array'; readonly of: Schema }
  | { readonly kind: 'map'; readonly of: Schema }
  | { readonly kind: 'object'; readonly fields: { readonly [name: string]: Schema }; readonly required?: readonly string[] }
  // A value class, made by its factories (`EnvValue.fromSecret(...)`), not a lookalike object.
  | { readonly kind: 'instance'; readonly is: (value: unknown) => boolean; readonly name: string; readonly make: string };

export const INT32_MAX = 2147483647;
export const INT32_MIN = -2147483648;

export const str: Schema = { kind: 'string' };
export const bool: Schema = { kind: 'boolean' };
/** Any finite number (thresholds, quantiles); whole numbers are `int`. */
export const num: Schema = { kind: 'number' };
export const int = (min: number = INT32_MIN, max: number = INT32_MAX): Schema => ({ kind: 'int', min, max });
export const oneOf = (...values: string[]): Schema => ({ kind: 'enum', values });
export const arrayOf = (of: Schema): Schema => ({ kind: 'array', of });
export const mapOf = (of: Schema): Schema => ({ kind: 'map', of });
export const obj = (fields: { [name: string]: Schema }, required: string[] = []): Schema => ({ kind: 'object', fields, required });

function shown(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') {
    const proto = Object.getPrototypeOf(value);
    return proto === Object.prototype || proto === null ? 'a plain object' : `a ${proto?.constructor?.name ?? 'object'}`;
  }
  if (typeof value === 'string') return JSON.stringify(value);
  return `${typeof value} ${String(value)}`;
}

const isPlain = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v) && [Object.prototype, null].includes(Object.getPrototypeOf(v));

/** Every way `value` (named `what` in messages) departs from `schema`. `undefined` is absent. */
export function schemaProblems(what: string, value: unknown, schema: Schema): string[] {
  if (value === undefined) return [];
  switch (schema.kind) {
    case 'string':
      return typeof value === 'string' ? [] : [`${what} must be a string, got ${shown(value)}. Fix: pass text, e.g. "${what.split(/[.[]/).pop()}-value".`];
    case 'pattern':
      if (typeof value !== 'string') return [`${what} must be a string, got ${shown(value)}. Fix: pass text, e.g. "${schema.example}".`];
      return schema.re.test(value) ? [] : [`${what} ${JSON.stringify(value)} is not ${schema.rule}. Fix: e.g. "${schema.example}".`];
    case 'boolean':
      return typeof value === 'boolean' ? [] : [`${what} must be true or false, got ${shown(value)}. Fix: pass a boolean.`];
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) ? [] : [`${what} must be a number, got ${shown(value)}. Fix: pass a finite number, not text.`];
    case 'int':
      if (typeof value !== 'number' || Number.isNaN(value)) return [`${what} must be a number, got ${shown(value)}. Fix: pass a whole number, not text.`];
      return !Number.isInteger(value) || (value >= schema.min && value <= schema.max) ? []
        : [`${what} ${value} is outside ${schema.min} to ${schema.max}, the range Kubernetes stores it in. Fix: pass a whole number in that range.`];
    case 'enum':
      return typeof value === 'string' && schema.values.includes(value) ? []
        : [`${what} must be exactly ${schema.values.map((v) => `"${v}"`).join(', ')}, got ${shown(value)}. Fix: use one of those (case matters).`];
    case 'array':
      if (!Array.isArray(value)) return [`${what} must be a list, got ${shown(value)}. Fix: pass an array.`];
      return value.flatMap((v, i) => v === undefined || v === null
        ? [`${what}[${i}] is ${String(v)}. Fix: remove the entry, or give a value.`]
        : schemaProblems(`${what}[${i}]`, v, schema.of));
    case 'map':
      if (!isPlain(value)) return [`${what} must be an object of names to values, got ${shown(value)}. Fix: pass { name: value, … }.`];
      return Object.entries(value).flatMap(([k, v]) => v === undefined || v === null
        ? [`${what}["${k}"] is ${String(v)}. Fix: remove the key, or give a value.`]
        : schemaProblems(`${what}["${k}"]`, v, schema.of));
    case 'object': {
      if (!isPlain(value)) return [`${what} must be an object, got ${shown(value)}. Fix: pass { ${Object.keys(schema.fields).slice(0, 3).join(', ')}, … }.`];
      const missing = (schema.required ?? []).filter((f) => value[f] === undefined || value[f] === null)
        .map((f) => `${what}.${f} is missing. Fix: set it.`);
      const nulls = Object.keys(schema.fields).filter((f) => value[f] === null && !(schema.required ?? []).includes(f))
        .map((f) => `${what}.${f} is null. Fix: leave it out for the default, or give a value.`);
      // Absent fields (most of them) have no problems: skip them before naming them.
      return [...missing, ...nulls, ...Object.entries(schema.fields).flatMap(([f, s]) => value[f] === null || value[f] === undefined ? [] : schemaProblems(`${what}.${f}`, value[f], s))];
    }
    case 'instance':
      return schema.is(value) ? []
        : [`${what} must be ${/^[AEIOU]/.test(schema.name) ? 'an' : 'a'} ${schema.name}, got ${shown(value)}. Fix: make it with ${schema.make}.`];
  }
}
