// Prometheus' duration syntax: units in descending order, each at most once, e.g. 1h30m, 15s, 500ms.
const DURATION = /^(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$/;
const UNIT_SECONDS = [365 * 86400, 7 * 86400, 86400, 3600, 60, 1, 0.001];

/** Seconds in a Prometheus duration, or undefined when it is not one. */
export function parseDuration(value: string): number | undefined {
  const m = typeof value === 'string' && value !== '' ? DURATION.exec(value) : null;
  if (!m) return undefined;
  return m.slice(1).reduce((sum, part, i) => sum + (part ? Number(part) * UNIT_SECONDS[i] : 0), 0);
}

export function checkDuration(what: string, value: string): string | undefined {
  if (parseDuration(value) !== undefined) return undefined;
  return `${what} "${value}" is not a Prometheus duration. Fix: write units from largest to smallest without spaces, e.g. "30s", "1m30s" or "5m".`;
}
