/**
 * IPv4 and IPv6 CIDR blocks as values: parsing (the API server's way and the strict way this
 * library demands of its own input), canonical spelling, containment, overlap and coverage, and
 * the one question a security check asks of an `ipBlock`: does it reach a cloud metadata address?
 *
 * Pure and dependency-free (it imports nothing from the rest of the library), so constructs,
 * checks and the network model share one meaning of a block. Addresses are bigints, so one code
 * path serves both families. Tested differentially against Node's `net.BlockList` / `net.isIP`
 * and the WHATWG URL serializer (test/cidr.test.ts).
 */

export type IpFamily = 4 | 6;

export interface IpAddress {
  readonly family: IpFamily;
  readonly value: bigint;
}

/** A block: every address from `start` to `end`, both included. */
export interface CidrBlock {
  readonly family: IpFamily;
  /** First address (host bits cleared). */
  readonly start: bigint;
  /** Last address. */
  readonly end: bigint;
  /** Prefix length. */
  readonly prefix: number;
  /** Canonical spelling: `10.0.0.0/8`, `2001:db8::/32`. */
  readonly text: string;
}

/** An `ipBlock`: a block minus the blocks in `except`. */
export interface IpBlockLike {
  readonly cidr: string;
  readonly except?: readonly string[];
}

/**
 * Cloud metadata endpoints, which hand node credentials to any pod that reaches them: AWS, GCP,
 * Azure and most others on 169.254.169.254, and AWS's IPv6 endpoint on fd00:ec2::254.
 */
export const DEFAULT_METADATA_CIDRS: readonly string[] = Object.freeze(['169.254.169.254/32', 'fd00:ec2::254/128']);

const bitsOf = (family: IpFamily) => (family === 4 ? 32 : 128);

// `sloppy`: leading zeros in an octet are decimal, as the API server's ParseCIDRSloppy reads them
// (Go's strict parser, and this library's own input, refuse them: some tools read them as octal).
function parseIpv4(text: string, sloppy: boolean): bigint | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0n;
  for (const part of parts) {
    if (!(sloppy ? /^\d+$/ : /^(0|[1-9]\d{0,2})$/).test(part)) return undefined;
    const n = Number(part);
    if (n > 255) return undefined;
    value = (value << 8n) | BigInt(n);
  }
  return value;
}

/** `allowV4Tail`: only the very last group of an address may be a dotted quad (`::ffff:1.2.3.4`). */
function parseIpv6Groups(text: string, allowV4Tail: boolean, sloppy: boolean): bigint[] | undefined {
  if (text === '') return [];
  const parts = text.split(':');
  const groups: bigint[] = [];
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i];
    if (allowV4Tail && i === parts.length - 1 && part.includes('.')) {
      const v4 = parseIpv4(part, sloppy);
      if (v4 === undefined) return undefined;
      groups.push(v4 >> 16n, v4 & 0xffffn);
    } else if (/^[0-9a-fA-F]{1,4}$/.test(part)) {
      groups.push(BigInt(`0x${part}`));
    } else {
      return undefined;
    }
  }
  return groups;
}

function parseIpv6(text: string, sloppy: boolean): bigint | undefined {
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  let groups: bigint[];
  if (halves.length === 2) {
    const head = parseIpv6Groups(halves[0], false, sloppy);
    const tail = parseIpv6Groups(halves[1], true, sloppy);
    // '::' stands for at least one zero group.
    if (!head || !tail || head.length + tail.length > 7) return undefined;
    groups = [...head, ...new Array<bigint>(8 - head.length - tail.length).fill(0n), ...tail];
  } else {
    const all = parseIpv6Groups(text, true, sloppy);
    if (!all || all.length !== 8) return undefined;
    groups = all;
  }
  return groups.reduce((acc, g) => (acc << 16n) | g, 0n);
}

function parseAddressWith(text: string, sloppy: boolean): IpAddress | undefined {
  if (text.includes(':')) {
    const value = parseIpv6(text, sloppy);
    return value === undefined ? undefined : { family: 6, value };
  }
  const value = parseIpv4(text, sloppy);
  return value === undefined ? undefined : { family: 4, value };
}

/** An IPv4 or IPv6 address in its strict spelling (no surrounding space, no leading-zero octets). */
export function parseAddress(text: string): IpAddress | undefined {
  return typeof text === 'string' ? parseAddressWith(text, false) : undefined;
}

/** Canonical text of an address: dotted quad, or RFC 5952 (lowercase, longest zero run as `::`). */
export function formatAddress(address: IpAddress): string {
  if (address.family === 4) {
    return [24n, 16n, 8n, 0n].map((s) => String((address.value >> s) & 0xffn)).join('.');
  }
  const groups = [112n, 96n, 80n, 64n, 48n, 32n, 16n, 0n].map((s) => Number((address.value >> s) & 0xffffn));
  // The first longest run of two or more zero groups is compressed.
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) { best = i; bestLen = j - i; }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (best < 0) return hex.join(':');
  return `${hex.slice(0, best).join(':')}::${hex.slice(best + bestLen).join(':')}`;
}

function block(family: IpFamily, value: bigint, prefix: number): CidrBlock {
  const hostBits = BigInt(bitsOf(family) - prefix);
  const start = (value >> hostBits) << hostBits;
  return { family, start, end: start + (1n << hostBits) - 1n, prefix, text: `${formatAddress({ family, value: start })}/${prefix}` };
}

/**
 * A block as the API server reads `ipBlock.cidr`: octets and the prefix length may have leading
 * zeros (read as decimal), host bits are cleared (`10.0.0.1/8` is `10.0.0.0/8`), and surrounding
 * space makes it invalid. `undefined` when the API server would reject it.
 */
export function parseCidr(text: string): CidrBlock | undefined {
  if (typeof text !== 'string') return undefined;
  if (parsedBlocks.has(text)) return parsedBlocks.get(text);
  const b = parseCidrText(text);
  if (parsedBlocks.size >= PARSED_BLOCKS_MAX) parsedBlocks.clear();
  parsedBlocks.set(text, b && Object.freeze(b));
  return b;
}

// Blocks are immutable values, and the same few spellings (a peer's block, every metadata block)
// are read again at each render and check of every workload: each spelling is parsed once
// (bigint arithmetic and formatting took a quarter of a Job's synth time). Bounded, so a
// long-running process that reads many distinct blocks does not grow without end.
const parsedBlocks = new Map<string, CidrBlock | undefined>();
const PARSED_BLOCKS_MAX = 4096;

function parseCidrText(text: string): CidrBlock | undefined {
  const slash = text.indexOf('/');
  if (slash < 0) return undefined;
  const ip = parseAddressWith(text.slice(0, slash), true);
  const prefixText = text.slice(slash + 1);
  if (!ip || !/^\d{1,3}$/.test(prefixText)) return undefined;
  const prefix = Number(prefixText);
  if (prefix > bitsOf(ip.family)) return undefined;
  return block(ip.family, ip.value, prefix);
}

/**
 * What is wrong with `text` as a block written for this library: a sentence naming the value and
 * the fix, or undefined. Spellings with one meaning (`0.0.0.0/00`, upper case, host bits as in
 * `10.0.0.1/8`) are fine: callers store `normalizeCidr(text)`. Refused are what the API server
 * rejects (surrounding space) and what has two readings (an octet with a leading zero, which some
 * tools read as octal). `what` names the field, e.g. `Peer.ipBlock cidr`.
 */
export function cidrProblem(what: string, text: unknown): string | undefined {
  if (typeof text !== 'string') return cidrProblemOf(what, text);
  // Pure in (what, text), and asked for the same peer's block at every connection.
  const key = `${what}\n${text}`;
  if (checkedBlocks.has(key)) return checkedBlocks.get(key);
  const problem = cidrProblemOf(what, text);
  if (checkedBlocks.size >= PARSED_BLOCKS_MAX) checkedBlocks.clear();
  checkedBlocks.set(key, problem);
  return problem;
}

const checkedBlocks = new Map<string, string | undefined>();

function cidrProblemOf(what: string, text: unknown): string | undefined {
  const shown = JSON.stringify(text);
  if (typeof text !== 'string') return `${what} ${shown} is not a string. Fix: write a CIDR block such as "10.20.0.0/16".`;
  if (text.trim() !== text) {
    return `${what} ${shown} has leading or trailing whitespace, which the API server rejects. Fix: write ${JSON.stringify(text.trim())}.`;
  }
  const portLike = /^(.*\/\d{1,3}):(\d{1,5})$/.exec(text);
  if (portLike) return `${what} ${shown} is not a CIDR block: ":${portLike[2]}" looks like a port. Fix: write the block ${JSON.stringify(portLike[1])} and put the port in the rule's ports ({ port: ${portLike[2]} }).`;
  const slash = text.indexOf('/');
  const address = slash < 0 ? text : text.slice(0, slash);
  const ip = parseAddressWith(address, true);
  if (!ip) {
    return `${what} ${shown} is not a CIDR block. Fix: write an address and a prefix length, e.g. "10.20.0.0/16" or "2001:db8::/32".`;
  }
  const bits = bitsOf(ip.family);
  if (slash < 0) {
    return `${what} ${shown} has no prefix length. Fix: write ${JSON.stringify(`${formatAddress(ip)}/${bits}`)} for this one address, or the block it belongs to.`;
  }
  if (!parseAddressWith(address, false)) {
    return `${what} ${shown} has an octet with a leading zero, which some tools read as octal. Fix: write ${JSON.stringify(`${formatAddress(ip)}${text.slice(slash)}`)} if decimal is meant.`;
  }
  const prefixText = text.slice(slash + 1);
  if (!/^\d{1,3}$/.test(prefixText) || Number(prefixText) > bits) {
    return `${what} ${shown} is not a CIDR block: the prefix length ${JSON.stringify(prefixText)} is not a number from 0 to ${bits}. Fix: use a prefix length from 0 to ${bits}.`;
  }
  return undefined;
}

/**
 * Problems of an `ipBlock` written for this library: the block and each except readable (see
 * cidrProblem), each except strictly inside the block (an except equal to the block leaves nothing,
 * and the API server rejects it).
 */
export function ipBlockProblems(what: string, cidr: unknown, except: unknown = []): string[] {
  const own = cidrProblem(`${what} cidr`, cidr);
  if (own) return [own];
  const outer = parseCidr(cidr as string)!;
  if (!Array.isArray(except)) return [`${what} except ${JSON.stringify(except)} is not a list. Fix: pass a list of blocks inside ${outer.text}.`];
  const problems: string[] = [];
  for (const e of except) {
    const p = cidrProblem(`${what} except`, e);
    if (p) { problems.push(p); continue; }
    const inner = parseCidr(e)!;
    if (!cidrContains(outer, inner)) {
      problems.push(`${what} except ${JSON.stringify(e)} is not inside ${JSON.stringify(cidr)}. Fix: list only blocks within the cidr.`);
    } else if (inner.start === outer.start && inner.end === outer.end) {
      problems.push(`${what} except ${JSON.stringify(e)} is the whole block ${JSON.stringify(cidr)}, so the peer admits nothing (the API server rejects it). Fix: remove the except, or the peer.`);
    }
  }
  return problems;
}

/** The canonical spelling of a block the API server accepts, or undefined. */
export function normalizeCidr(text: string): string | undefined {
  return parseCidr(text)?.text;
}

/** Whether `address` is in `b`. */
export function cidrContainsAddress(b: CidrBlock, address: IpAddress): boolean {
  return b.family === address.family && address.value >= b.start && address.value <= b.end;
}

/** Whether every address of `inner` is in `outer`. */
export function cidrContains(outer: CidrBlock, inner: CidrBlock): boolean {
  return outer.family === inner.family && inner.start >= outer.start && inner.end <= outer.end;
}

/** Whether `a` and `b` share an address. */
export function cidrsOverlap(a: CidrBlock, b: CidrBlock): boolean {
  return a.family === b.family && a.start <= b.end && b.start <= a.end;
}

/** Whether the union of `blocks` covers every address of `target`. */
export function cidrsCover(blocks: readonly CidrBlock[], target: CidrBlock): boolean {
  const pieces = blocks
    .filter((e) => e.family === target.family)
    .map((e) => [e.start > target.start ? e.start : target.start, e.end < target.end ? e.end : target.end] as const)
    .filter(([a, b]) => a <= b)
    .sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0));
  let next = target.start;
  for (const [a, b] of pieces) {
    if (a > next) return false;
    if (b + 1n > next) next = b + 1n;
  }
  return next > target.end;
}

/** Whether an `ipBlock` (block minus excepts) admits an address of `target`. */
export function ipBlockReaches(cidr: CidrBlock, except: readonly CidrBlock[], target: CidrBlock): boolean {
  if (!cidrsOverlap(cidr, target)) return false;
  // What of the target lies inside the block; reached unless the excepts cover all of it.
  const start = cidr.start > target.start ? cidr.start : target.start;
  const end = cidr.end < target.end ? cidr.end : target.end;
  return !cidrsCover(except, { ...target, start, end });
}

/**
 * The metadata blocks that the union of `ipBlocks` reaches (admits at least one address of), in
 * the order of `metadata`. Parts the API server would reject are skipped: they admit nothing.
 * Each block is judged minus its own excepts, so `0.0.0.0/1` + `128.0.0.0/1`, or
 * `0.0.0.0/0 except 169.254.169.254/32` beside `169.254.0.0/16`, reach 169.254.169.254.
 */
export function metadataReached(ipBlocks: readonly IpBlockLike[], metadata: readonly string[] = DEFAULT_METADATA_CIDRS): CidrBlock[] {
  const targets = metadata.map((m) => {
    const t = parseCidr(m);
    // invariant, not input: every caller (rule options, ClusterSettings, Peer) validated the list first, and cidr.ts stays dependency-free.
    if (!t) throw new Error(`metadata address ${JSON.stringify(m)} is not a CIDR block. Fix: write e.g. "169.254.169.254/32".`);
    return t;
  });
  const parsed = ipBlocks.flatMap((b) => {
    const cidr = parseCidr(b.cidr);
    const except = (b.except ?? []).map(parseCidr);
    return cidr && except.every((e) => e !== undefined) ? [{ cidr, except: except as CidrBlock[] }] : [];
  });
  return targets.filter((t) => parsed.some((b) => ipBlockReaches(b.cidr, b.except, t)));
}

/**
 * The excepts that keep `cidr` off every metadata block it would otherwise reach: `except` plus
 * each reached metadata block (clipped to `cidr`), for `Peer.ipBlock`'s automatic exception.
 */
export function exceptMetadata(cidr: string, except: readonly string[] = [], metadata: readonly string[] = DEFAULT_METADATA_CIDRS): string[] {
  const out = [...except];
  const b = parseCidr(cidr);
  if (!b) return out;
  for (const t of metadataReached([{ cidr, except }], metadata)) {
    // A metadata block as wide as the cidr or wider cannot be an except (it would leave nothing
    // or not be inside): the caller must refuse such a cidr, which metadataReached still reports.
    const whole = t.start <= b.start && t.end >= b.end;
    if (!whole && cidrContains(b, t) && !out.includes(t.text)) out.push(t.text);
  }
  return out;
}
