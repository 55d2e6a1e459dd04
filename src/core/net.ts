/**
 * IPv4 / IPv6 address and CIDR arithmetic for NetworkPolicy `ipBlock` peers. Addresses are held
 * as bigints so that one code path serves both families.
 */

export interface IpAddress {
  readonly family: 4 | 6;
  readonly value: bigint;
}

export interface Cidr {
  readonly family: 4 | 6;
  /** First address of the block (host bits cleared). */
  readonly start: bigint;
  /** Last address of the block. */
  readonly end: bigint;
  readonly text: string;
}

// Leading zeros are rejected (as Go's net.ParseIP does) because some parsers read them as octal.
const IPV4_OCTET = /^(0|[1-9]\d{0,2})$/;
const IPV6_GROUP = /^[0-9a-fA-F]{1,4}$/;

function parseIpv4(text: string): bigint | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0n;
  for (const part of parts) {
    if (!IPV4_OCTET.test(part)) return undefined;
    const n = Number(part);
    if (n > 255) return undefined;
    value = (value << 8n) | BigInt(n);
  }
  return value;
}

/** `allowV4Tail`: only the very last group of an address may be a dotted quad (`::ffff:1.2.3.4`). */
function parseIpv6Groups(text: string, allowV4Tail: boolean): bigint[] | undefined {
  if (text === '') return [];
  const parts = text.split(':');
  const groups: bigint[] = [];
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i];
    if (allowV4Tail && i === parts.length - 1 && part.includes('.')) {
      const v4 = parseIpv4(part);
      if (v4 === undefined) return undefined;
      groups.push(v4 >> 16n, v4 & 0xffffn);
    } else if (IPV6_GROUP.test(part)) {
      groups.push(BigInt(`0x${part}`));
    } else {
      return undefined;
    }
  }
  return groups;
}

function parseIpv6(text: string): bigint | undefined {
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  let groups: bigint[];
  if (halves.length === 2) {
    const head = parseIpv6Groups(halves[0], false);
    const tail = parseIpv6Groups(halves[1], true);
    // '::' stands for at least one zero group.
    if (!head || !tail || head.length + tail.length > 7) return undefined;
    groups = [...head, ...new Array<bigint>(8 - head.length - tail.length).fill(0n), ...tail];
  } else {
    const all = parseIpv6Groups(text, true);
    if (!all || all.length !== 8) return undefined;
    groups = all;
  }
  return groups.reduce((acc, g) => (acc << 16n) | g, 0n);
}

/** Parses an IPv4 or IPv6 address; `undefined` when it is not one. */
export function parseIp(text: string): IpAddress | undefined {
  const t = text.trim();
  if (t.includes(':')) {
    const value = parseIpv6(t);
    return value === undefined ? undefined : { family: 6, value };
  }
  const value = parseIpv4(t);
  return value === undefined ? undefined : { family: 4, value };
}

/**
 * Parses `address/prefix`. Host bits are cleared rather than rejected, which is how the
 * dataplanes treat a block such as `10.0.0.1/8`.
 */
export function parseCidr(text: string): Cidr | undefined {
  const slash = text.indexOf('/');
  if (slash < 0) return undefined;
  const ip = parseIp(text.slice(0, slash));
  const prefixText = text.slice(slash + 1);
  if (!ip || !/^\d{1,3}$/.test(prefixText)) return undefined;
  const bits = ip.family === 4 ? 32 : 128;
  const prefix = Number(prefixText);
  if (prefix > bits) return undefined;
  const hostBits = BigInt(bits - prefix);
  const start = (ip.value >> hostBits) << hostBits;
  return { family: ip.family, start, end: start + (1n << hostBits) - 1n, text: text.trim() };
}

export function cidrContains(cidr: Cidr, ip: IpAddress): boolean {
  return cidr.family === ip.family && ip.value >= cidr.start && ip.value <= cidr.end;
}

/** True when the `except` blocks together cover all of `cidr`, so the ipBlock admits no address. */
export function cidrFullyExcepted(cidr: Cidr, except: readonly Cidr[]): boolean {
  const pieces = except
    .filter((e) => e.family === cidr.family)
    .map((e) => [e.start > cidr.start ? e.start : cidr.start, e.end < cidr.end ? e.end : cidr.end] as const)
    .filter(([a, b]) => a <= b)
    .sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0));
  let next = cidr.start;
  for (const [a, b] of pieces) {
    if (a > next) return false;
    if (b + 1n > next) next = b + 1n;
  }
  return next > cidr.end;
}
