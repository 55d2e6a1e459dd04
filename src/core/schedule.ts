// CronJob schedules and time zones as the Kubernetes API server reads them: the CronJob
// controller parses `schedule` with robfig/cron's standard parser (5 fields or an @ macro) and
// loads `timeZone` from the IANA database.

/** The macros robfig/cron's standard parser accepts, and what each means. */
const MACROS: { readonly [macro: string]: string } = Object.freeze({
  '@yearly': '0 0 1 1 *', '@annually': '0 0 1 1 *', '@monthly': '0 0 1 * *', '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *', '@midnight': '0 0 * * *', '@hourly': '0 * * * *',
});

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

interface Field {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  readonly names?: readonly string[];
  /** Whether `?` (any) is allowed, as robfig allows in the day fields. */
  readonly question?: boolean;
}

const FIELDS: readonly Field[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31, question: true },
  { name: 'month', min: 1, max: 12, names: MONTHS },
  { name: 'day of week', min: 0, max: 6, names: DAYS, question: true },
];

function value(f: Field, text: string): number | undefined {
  if (/^\d+$/.test(text)) return Number(text);
  const i = f.names?.indexOf(text.toUpperCase()) ?? -1;
  return i < 0 ? undefined : i + f.min;
}

/** Why one comma-separated part of a field is wrong, or undefined. */
function partProblem(f: Field, part: string): string | undefined {
  const [range, step, extra] = part.split('/');
  if (extra !== undefined || (step !== undefined && !/^\d+$/.test(step))) return `"${part}" has a bad step (write */15 or 0-30/5)`;
  if (step !== undefined && Number(step) === 0) return `"${part}" steps by 0`;
  if (range === '*' || (range === '?' && f.question)) return undefined;
  const [lo, hi, more] = range.split('-');
  if (more !== undefined) return `"${part}" is not a value or a range`;
  const a = value(f, lo);
  const b = hi === undefined ? a : value(f, hi);
  if (a === undefined || b === undefined) return `"${part}" is not a number${f.names ? ` or a name (${f.names[0]}-${f.names[f.names.length - 1]})` : ''}`;
  if (a < f.min || b > f.max) return `"${part}" is outside ${f.min}-${f.max}`;
  if (a > b) return `"${part}" runs backwards`;
  return undefined;
}

/** Why `schedule` is not a schedule the CronJob controller accepts, or undefined. */
export function checkCronSchedule(what: string, schedule: string): string | undefined {
  const fix = 'Fix: write 5 fields (minute hour day-of-month month day-of-week, e.g. "30 2 * * *" for 02:30 every day) or a macro (@hourly, @daily, @weekly, @monthly, @yearly)';
  if (typeof schedule !== 'string' || schedule.trim() === '') return `${what} is empty. ${fix}.`;
  const s = schedule.trim();
  if (/^(CRON_)?TZ=/.test(s)) return `${what} "${schedule}" sets its time zone inline, which the API server refuses. Fix: drop the TZ= prefix and set timeZone instead.`;
  if (s.startsWith('@')) return MACROS[s] !== undefined ? undefined : `${what} "${schedule}" is not a known macro. ${fix}.`;
  const fields = s.split(/\s+/);
  if (fields.length !== 5) return `${what} "${schedule}" has ${fields.length} fields, not 5. ${fix}.`;
  for (let i = 0; i < 5; i++) {
    for (const part of fields[i].split(',')) {
      const p = partProblem(FIELDS[i], part);
      if (p) return `${what} "${schedule}": ${FIELDS[i].name} ${p}. ${fix}.`;
    }
  }
  return undefined;
}

let zones: Set<string> | undefined;

/** Whether this Node's ICU time zone database knows `name` (canonical or a link such as Asia/Kolkata). */
function icuKnows(name: string): boolean {
  // ICU answers only by refusing: this is the edge to its database, not control flow over our own checks.
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/** Why `timeZone` is not an IANA time zone name, or undefined. */
export function checkTimeZone(what: string, timeZone: string): string | undefined {
  // The canonical names this Node's ICU lists; UTC is canonical but Intl lists it under Etc/.
  // (Intl.supportedValuesOf is ES2022, in every Node this package supports; lib is es2020.)
  const intl = Intl as unknown as { supportedValuesOf(key: 'timeZone'): string[] };
  zones ??= new Set([...intl.supportedValuesOf('timeZone'), 'UTC', 'Etc/UTC', 'GMT', 'Etc/GMT']);
  if (zones.has(timeZone)) return undefined;
  const fix = 'Fix: use a canonical name such as "Europe/Berlin", "America/New_York" or "UTC" (the cluster\'s time zone database must know it too).';
  const near = typeof timeZone === 'string' ? [...zones].find((z) => z.toLowerCase() === timeZone.toLowerCase()) : undefined;
  // The API server loads the zone from files, so case matters even where ICU ignores it.
  if (near) return `${what} "${timeZone}" is not an IANA time zone name (names are case-sensitive: "${near}"). ${fix}`;
  // IANA names are Area/Location words; ICU would also take offsets such as +01:00, which Kubernetes refuses.
  const shaped = typeof timeZone === 'string' && /^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/.test(timeZone) && timeZone !== 'Local';
  if (shaped && icuKnows(timeZone)) return undefined;
  return `${what} "${timeZone}" is not an IANA time zone name. ${fix}`;
}
