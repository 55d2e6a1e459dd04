/**
 * Copies of caller-owned data. Props are read when the manifests are rendered, at synth, so a
 * props array or object the caller keeps and changes after construction would change the output
 * behind every check made at construction. Constructs take a copy instead.
 */

/**
 * A deep copy of arrays and plain objects; anything else (value classes, whose factories copy
 * their own options, functions, primitives) is kept as is. Shared and cyclic parts stay shared
 * and cyclic in the copy.
 */
export function plainCopy<T>(value: T, seen: Map<object, unknown> = new Map()): T {
  if (value === null || typeof value !== 'object') return value;
  const known = seen.get(value as object);
  if (known !== undefined) return known as T;
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    seen.set(value, out);
    for (const v of value) out.push(plainCopy(v, seen));
    return out as T;
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return value;
  const out: Record<string, unknown> = {};
  seen.set(value as object, out);
  for (const [k, v] of Object.entries(value as object)) out[k] = plainCopy(v, seen);
  return out as T;
}

/** Freezes arrays and plain objects all the way down: for state a construct exposes. */
export function deepFreeze<T>(value: T): T {
  if (value === null || typeof value !== 'object' || Object.isFrozen(value)) return value;
  const proto = Object.getPrototypeOf(value);
  if (!Array.isArray(value) && proto !== Object.prototype && proto !== null) return value;
  Object.freeze(value);
  for (const v of Object.values(value as object)) deepFreeze(v);
  return value;
}
