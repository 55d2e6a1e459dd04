/**
 * The network model's view of addresses and `ipBlock` CIDRs: the value code of ../core/cidr.ts,
 * read the way the API server reads a manifest, so that the model, the rules and the constructs
 * share one meaning of a block.
 */
import { CidrBlock, IpAddress, cidrContainsAddress, cidrsCover, parseAddress, parseCidr as parseBlock } from './cidr';

export type { IpAddress } from './cidr';
export type Cidr = CidrBlock;

/** Parses an IPv4 or IPv6 address (surrounding space allowed); `undefined` when it is not one. */
export function parseIp(text: string): IpAddress | undefined {
  return parseAddress(text.trim());
}

/**
 * Parses `address/prefix` as the API server does: host bits are cleared (which is how the
 * dataplanes treat a block such as `10.0.0.1/8`) and leading zeros read as decimal; `text` is
 * the canonical spelling.
 */
export function parseCidr(text: string): Cidr | undefined {
  return parseBlock(text);
}

export function cidrContains(cidr: Cidr, ip: IpAddress): boolean {
  return cidrContainsAddress(cidr, ip);
}

/** True when the `except` blocks together cover all of `cidr`, so the ipBlock admits no address. */
export function cidrFullyExcepted(cidr: Cidr, except: readonly Cidr[]): boolean {
  return cidrsCover(except, cidr);
}
