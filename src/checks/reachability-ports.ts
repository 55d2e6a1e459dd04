/**
 * Sets of (protocol, port) as sorted, merged ranges per protocol. Rules can allow whole protocols
 * or `port..endPort` ranges, so enumerating single ports would not scale; ranges also make
 * "all ports" a value like any other.
 */

export type L4Protocol = 'TCP' | 'UDP' | 'SCTP';

/** The protocols NetworkPolicy can name, in the order reports list them. */
export const L4_PROTOCOLS: readonly L4Protocol[] = ['TCP', 'UDP', 'SCTP'];

export const MIN_PORT = 1;
export const MAX_PORT = 65535;

export function isL4Protocol(value: unknown): value is L4Protocol {
  return value === 'TCP' || value === 'UDP' || value === 'SCTP';
}

type Range = readonly [number, number];

/** One contiguous block of ports of one protocol. */
export interface ProtocolRange {
  readonly protocol: L4Protocol;
  readonly start: number;
  readonly end: number;
}

function normalize(ranges: Range[]): Range[] {
  const sorted = [...ranges].sort((a, b) => a[0] - b[0]);
  const out: Array<[number, number]> = [];
  for (const [s, e] of sorted) {
    const last = out[out.length - 1];
    if (last && s <= last[1] + 1) {
      last[1] = Math.max(last[1], e);
    } else {
      out.push([s, e]);
    }
  }
  return out;
}

function intersectRanges(a: readonly Range[], b: readonly Range[]): Range[] {
  const out: Range[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const s = Math.max(a[i][0], b[j][0]);
    const e = Math.min(a[i][1], b[j][1]);
    if (s <= e) out.push([s, e]);
    if (a[i][1] < b[j][1]) i++;
    else j++;
  }
  return out;
}

export class PortSet {
  static empty(): PortSet {
    return new PortSet(new Map());
  }

  static all(): PortSet {
    return new PortSet(new Map(L4_PROTOCOLS.map((p) => [p, [[MIN_PORT, MAX_PORT]] as Range[]])));
  }

  static allOf(protocol: L4Protocol): PortSet {
    return PortSet.range(protocol, MIN_PORT, MAX_PORT);
  }

  static range(protocol: L4Protocol, start: number, end: number): PortSet {
    const s = Math.max(start, MIN_PORT);
    const e = Math.min(end, MAX_PORT);
    return s > e ? PortSet.empty() : new PortSet(new Map([[protocol, [[s, e] as Range]]]));
  }

  private constructor(private readonly byProtocol: ReadonlyMap<L4Protocol, readonly Range[]>) {}

  union(other: PortSet): PortSet {
    const merged = new Map<L4Protocol, readonly Range[]>();
    for (const p of L4_PROTOCOLS) {
      const ranges = [...(this.byProtocol.get(p) ?? []), ...(other.byProtocol.get(p) ?? [])];
      if (ranges.length > 0) merged.set(p, normalize(ranges));
    }
    return new PortSet(merged);
  }

  intersect(other: PortSet): PortSet {
    const out = new Map<L4Protocol, readonly Range[]>();
    for (const p of L4_PROTOCOLS) {
      const ranges = intersectRanges(this.byProtocol.get(p) ?? [], other.byProtocol.get(p) ?? []);
      if (ranges.length > 0) out.set(p, ranges);
    }
    return new PortSet(out);
  }

  has(protocol: L4Protocol, port: number): boolean {
    return (this.byProtocol.get(protocol) ?? []).some(([s, e]) => port >= s && port <= e);
  }

  isEmpty(): boolean {
    return this.byProtocol.size === 0;
  }

  /** Every port of this protocol. */
  coversProtocol(protocol: L4Protocol): boolean {
    const ranges = this.byProtocol.get(protocol) ?? [];
    return ranges.length === 1 && ranges[0][0] === MIN_PORT && ranges[0][1] === MAX_PORT;
  }

  isAll(): boolean {
    return L4_PROTOCOLS.every((p) => this.coversProtocol(p));
  }

  ranges(): ProtocolRange[] {
    return L4_PROTOCOLS.flatMap((protocol) =>
      (this.byProtocol.get(protocol) ?? []).map(([start, end]) => ({ protocol, start, end })));
  }

  /**
   * `['all']` when unrestricted; otherwise entries such as `'8080/TCP'`, `'8000-8100/TCP'` and
   * `'all/UDP'` (every UDP port).
   */
  format(): string[] {
    if (this.isAll()) return ['all'];
    return L4_PROTOCOLS.flatMap((p) => {
      if (this.coversProtocol(p)) return [`all/${p}`];
      return (this.byProtocol.get(p) ?? []).map(([s, e]) => (s === e ? `${s}/${p}` : `${s}-${e}/${p}`));
    });
  }
}
