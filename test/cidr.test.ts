import * as net from 'net';
import {
  DEFAULT_METADATA_CIDRS, cidrContains, cidrContainsAddress, cidrProblem, cidrsCover, cidrsOverlap, exceptMetadata,
  formatAddress, ipBlockProblems, metadataReached, normalizeCidr, parseAddress, parseCidr,
} from '../src/core/cidr';
import { Peer, SecureApp } from '../src';
import { newChart } from './support/synth';

// A Peer made from bad input carries its problem; the app it is given to throws it, with its path.
function usedBy(peer: Peer): () => void {
  return () => {
    const { chart } = newChart();
    new SecureApp(chart, 'web', { image: 'ghcr.io/acme/web:1.0.0', port: 8080 }).allowTo(peer, { port: 443 });
  };
}

// A small deterministic PRNG, so that the differential cases are the same on every run.
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = rng(14);
const int = (n: number) => Math.floor(rand() * n);

function randomV4(): string {
  // Biased towards the metadata neighbourhood and block edges, where mistakes live.
  const pick = int(3);
  if (pick === 0) return `169.254.${int(2) ? 169 : int(256)}.${int(256)}`;
  return [int(256), int(256), int(256), int(256)].join('.');
}
function randomV6(): string {
  const groups = Array.from({ length: 8 }, () => (int(3) === 0 ? 0 : int(0x10000)).toString(16));
  if (int(3) === 0) return `fd00:ec2::${int(0x300).toString(16)}`;
  return groups.join(':');
}

describe('parsing and canonical spelling', () => {
  test('addresses are read in their strict spelling only', () => {
    expect(parseAddress('169.254.169.254')).toEqual({ family: 4, value: 0xa9fea9fen });
    expect(parseAddress('fd00:ec2::254')).toEqual({ family: 6, value: (0xfd00n << 112n) | (0xec2n << 96n) | 0x254n });
    for (const bad of ['01.2.3.4', ' 1.2.3.4', '1.2.3.4 ', '256.0.0.0', '1::2::3', '1.2.3', 'fe80::1%eth0', '']) expect(parseAddress(bad)).toBeUndefined();
  });

  test('the API server\'s reading: leading zeros are decimal, host bits cleared, space refused', () => {
    expect(parseCidr('0.0.0.0/00')?.text).toBe('0.0.0.0/0');
    expect(parseCidr('1.2.3.4/0')?.text).toBe('0.0.0.0/0');
    expect(parseCidr('169.254.169.0254/32')?.text).toBe('169.254.169.254/32');
    expect(parseCidr('FD00:EC2:0:0::254/128')?.text).toBe('fd00:ec2::254/128');
    expect(parseCidr('10.0.0.1/8')).toMatchObject({ family: 4, start: 0x0a000000n, end: 0x0affffffn, prefix: 8, text: '10.0.0.0/8' });
    for (const bad of [' 0.0.0.0/0', '0.0.0.0/0 ', '10.0.0.0/33', '::/129', '10.0.0.0', '10.0.0.0/', '10.0.0.0/-1', '10.0.0.0/8/8']) expect(parseCidr(bad)).toBeUndefined();
    expect(normalizeCidr('2001:DB8:0:0:1:0:0:1/128')).toBe('2001:db8::1:0:0:1/128');
  });

  test('formatting agrees with the WHATWG URL serializer (RFC 5952) on 2000 random IPv6 addresses', () => {
    for (let i = 0; i < 2000; i++) {
      const text = randomV6();
      const ours = formatAddress(parseAddress(text)!);
      expect([text, ours]).toEqual([text, new URL(`http://[${text}]/`).hostname.slice(1, -1)]);
    }
  });

  test('validity agrees with net.isIP on 2000 random and malformed spellings', () => {
    const mutate = (s: string) => {
      const i = int(s.length + 1);
      return s.slice(0, i) + ['0', ':', '.', 'g', '', '::'][int(6)] + s.slice(i + int(2));
    };
    for (let i = 0; i < 2000; i++) {
      const text = int(2) ? mutate(randomV4()) : mutate(randomV6());
      expect([text, parseAddress(text) !== undefined]).toEqual([text, net.isIP(text) !== 0]);
    }
  });
});

describe('containment, overlap, coverage', () => {
  test('containment agrees with net.BlockList on 3000 random block/address pairs', () => {
    for (let i = 0; i < 3000; i++) {
      const v6 = int(2) === 1;
      const base = v6 ? randomV6() : randomV4();
      const prefix = int(v6 ? 129 : 33);
      const address = v6 ? randomV6() : randomV4();
      const b = parseCidr(`${base}/${prefix}`)!;
      const list = new net.BlockList();
      list.addSubnet(formatAddress({ family: b.family, value: b.start }), prefix, v6 ? 'ipv6' : 'ipv4');
      const expected = list.check(address, v6 ? 'ipv6' : 'ipv4');
      expect([b.text, address, cidrContainsAddress(b, parseAddress(address)!)]).toEqual([b.text, address, expected]);
    }
  });

  test('block containment and overlap', () => {
    const b = (t: string) => parseCidr(t)!;
    expect(cidrContains(b('10.0.0.0/8'), b('10.1.0.0/16'))).toBe(true);
    expect(cidrContains(b('10.1.0.0/16'), b('10.0.0.0/8'))).toBe(false);
    expect(cidrContains(b('::/0'), b('10.0.0.0/8'))).toBe(false);
    expect(cidrsOverlap(b('10.1.0.0/16'), b('10.0.0.0/8'))).toBe(true);
    expect(cidrsOverlap(b('10.0.0.0/9'), b('10.128.0.0/9'))).toBe(false);
    expect(cidrsCover([b('0.0.0.0/1'), b('128.0.0.0/1')], b('0.0.0.0/0'))).toBe(true);
    expect(cidrsCover([b('0.0.0.0/1'), b('128.0.0.0/2')], b('0.0.0.0/0'))).toBe(false);
  });
});

describe('does a block reach a metadata address', () => {
  const reached = (blocks: Array<{ cidr: string; except?: string[] }>, metadata?: string[]) => metadataReached(blocks, metadata).map((m) => m.text);

  test.each([
    ['0.0.0.0/0', [], ['169.254.169.254/32']],
    ['0.0.0.0/00', [], ['169.254.169.254/32']],
    ['1.2.3.4/0', [], ['169.254.169.254/32']],
    ['128.0.0.0/1', [], ['169.254.169.254/32']],
    ['169.254.0.0/16', [], ['169.254.169.254/32']],
    ['::/0', [], ['fd00:ec2::254/128']],
    ['fd00::/8', [], ['fd00:ec2::254/128']],
    ['0.0.0.0/0', ['169.254.169.254/32'], []],
    ['0.0.0.0/0', ['169.254.0.0/16'], []],
    ['0.0.0.0/0', ['169.254.169.0254/32'], []],
    ['::/0', ['fd00:ec2::254/128'], []],
    ['10.0.0.0/8', [], []],
    ['0.0.0.0/1', [], []],
  ])('%s except %j reaches %j', (cidr, except, expected) => {
    expect(reached([{ cidr, except }])).toEqual(expected);
  });

  test('two halves together reach it when one alone does; excepts only hide what they cover', () => {
    expect(reached([{ cidr: '0.0.0.0/1' }, { cidr: '128.0.0.0/1' }])).toEqual(['169.254.169.254/32']);
    expect(reached([{ cidr: '0.0.0.0/0', except: ['169.254.169.254/32'] }, { cidr: '169.254.0.0/16' }])).toEqual(['169.254.169.254/32']);
    expect(reached([{ cidr: '0.0.0.0/0', except: ['169.254.169.255/32'] }])).toEqual(['169.254.169.254/32']);
  });

  test('the list is configurable: a whole range counts as reached if any address of it is', () => {
    const linkLocal = ['169.254.0.0/16'];
    expect(reached([{ cidr: '169.254.1.0/24' }], linkLocal)).toEqual(['169.254.0.0/16']);
    expect(reached([{ cidr: '0.0.0.0/0', except: ['169.254.0.0/17'] }], linkLocal)).toEqual(['169.254.0.0/16']);
    expect(reached([{ cidr: '0.0.0.0/0', except: ['169.254.0.0/17', '169.254.128.0/17'] }], linkLocal)).toEqual([]);
    expect(() => metadataReached([], ['metadata'])).toThrow('metadata address "metadata" is not a CIDR block. Fix: write e.g. "169.254.169.254/32".');
    expect(DEFAULT_METADATA_CIDRS).toEqual(['169.254.169.254/32', 'fd00:ec2::254/128']);
  });

  test('blocks the API server rejects admit nothing', () => {
    expect(reached([{ cidr: ' 0.0.0.0/0' }, { cidr: '0.0.0.0/0', except: ['x'] }])).toEqual([]);
  });

  test('exceptMetadata adds the reached metadata blocks, whatever the spelling', () => {
    expect(exceptMetadata('0.0.0.0/00')).toEqual(['169.254.169.254/32']);
    expect(exceptMetadata('::/0', ['fd00::/16'])).toEqual(['fd00::/16']);
    expect(exceptMetadata('::/0')).toEqual(['fd00:ec2::254/128']);
    expect(exceptMetadata('128.0.0.0/1', ['10.0.0.0/8'])).toEqual(['10.0.0.0/8', '169.254.169.254/32']);
    expect(exceptMetadata('10.0.0.0/8')).toEqual([]);
    // Inside the metadata block: nothing can be excepted; the caller must refuse the block.
    expect(exceptMetadata('169.254.169.254/32')).toEqual([]);
  });
});

describe('what this library refuses of the blocks it is given', () => {
  test.each([
    [' 10.0.0.0/8', '"Peer.ipBlock cidr" " 10.0.0.0/8" has leading or trailing whitespace, which the API server rejects. Fix: write "10.0.0.0/8".'],
    ['10.0.0.0/33', '"Peer.ipBlock cidr" "10.0.0.0/33" is not a CIDR block: the prefix length "33" is not a number from 0 to 32. Fix: use a prefix length from 0 to 32.'],
    ['010.0.0.0/8', '"Peer.ipBlock cidr" "010.0.0.0/8" has an octet with a leading zero, which some tools read as octal. Fix: write "10.0.0.0/8" if decimal is meant.'],
    ['203.0.113.7', '"Peer.ipBlock cidr" "203.0.113.7" has no prefix length. Fix: write "203.0.113.7/32" for this one address, or the block it belongs to.'],
    ['203.0.113.0/24:443', '"Peer.ipBlock cidr" "203.0.113.0/24:443" is not a CIDR block: ":443" looks like a port. Fix: write the block "203.0.113.0/24" and put the port in the rule\'s ports ({ port: 443 }).'],
    ['db.internal/8', '"Peer.ipBlock cidr" "db.internal/8" is not a CIDR block. Fix: write an address and a prefix length, e.g. "10.20.0.0/16" or "2001:db8::/32".'],
  ])('%j', (text, message) => {
    expect(cidrProblem('"Peer.ipBlock cidr"', text)).toBe(message);
  });

  test('spellings with one meaning are accepted, and normalised', () => {
    for (const [text, canonical] of [['0.0.0.0/00', '0.0.0.0/0'], ['1.2.3.4/0', '0.0.0.0/0'], ['FD00::/8', 'fd00::/8'], ['2001:db8:0:0::/32', '2001:db8::/32']]) {
      expect([text, cidrProblem('cidr', text), normalizeCidr(text)]).toEqual([text, undefined, canonical]);
    }
  });

  test('canonical blocks pass', () => {
    for (const ok of ['0.0.0.0/0', '::/0', '10.0.0.0/8', '2001:db8::/32', 'fd00:ec2::254/128']) expect(cidrProblem('cidr', ok)).toBeUndefined();
    expect(cidrProblem('cidr', 42)).toBe('cidr 42 is not a string. Fix: write a CIDR block such as "10.20.0.0/16".');
  });

  test('an except must lie strictly inside its block', () => {
    expect(ipBlockProblems('Peer.ipBlock', '10.0.0.0/8', ['10.0.0.0/8', '11.0.0.0/8', '10.1.0.0/16', ' 10.2.0.0/16'])).toEqual([
      'Peer.ipBlock except "10.0.0.0/8" is the whole block "10.0.0.0/8", so the peer admits nothing (the API server rejects it). Fix: remove the except, or the peer.',
      'Peer.ipBlock except "11.0.0.0/8" is not inside "10.0.0.0/8". Fix: list only blocks within the cidr.',
      'Peer.ipBlock except " 10.2.0.0/16" has leading or trailing whitespace, which the API server rejects. Fix: write "10.2.0.0/16".',
    ]);
    expect(ipBlockProblems('Peer.ipBlock', '10.0.0.0/8', 'x')).toEqual(['Peer.ipBlock except "x" is not a list. Fix: pass a list of blocks inside 10.0.0.0/8.']);
  });
});

describe('Peer.ipBlock holds the metadata exception whatever the spelling', () => {
  test.each([
    ['0.0.0.0/0', [], ['169.254.169.254/32']],
    ['::/0', [], ['fd00:ec2::254/128']],
    ['128.0.0.0/1', [], ['169.254.169.254/32']],
    ['169.254.0.0/16', ['169.254.1.0/24'], ['169.254.1.0/24', '169.254.169.254/32']],
    ['0.0.0.0/0', ['169.254.169.254/32'], ['169.254.169.254/32']],
    ['10.0.0.0/8', [], undefined],
  ])('%s except %j is rendered with except %j', (cidr, except, expected) => {
    expect(Peer.ipBlock(cidr, except).toPeerInfo().except).toEqual(expected);
  });

  test.each([
    ['0.0.0.0/00', '0.0.0.0/0', ['169.254.169.254/32']],
    ['1.2.3.4/0', '0.0.0.0/0', ['169.254.169.254/32']],
    ['::/000', '::/0', ['fd00:ec2::254/128']],
    ['FD00::/8', 'fd00::/8', ['fd00:ec2::254/128']],
    ['10.1.2.3/8', '10.0.0.0/8', undefined],
  ])('%j is stored as %j with except %j', (cidr, canonical, except) => {
    const info = Peer.ipBlock(cidr).toPeerInfo();
    expect([info.cidr, info.except, info.description]).toEqual([canonical, except, `ipBlock ${canonical}`]);
  });

  test.each([
    [' 0.0.0.0/0', /Peer\.ipBlock cidr " 0\.0\.0\.0\/0" has leading or trailing whitespace.*Fix: write "0\.0\.0\.0\/0"/],
    ['169.254.169.254/32', /Peer\.ipBlock "169\.254\.169\.254\/32" lies inside the cloud metadata block 169\.254\.169\.254\/32, which hands out node credentials\. Fix: /],
  ])('%j is refused', (cidr, error) => {
    expect(usedBy(Peer.ipBlock(cidr))).toThrow(error);
    expect(usedBy(Peer.ipBlock(cidr))).toThrow(/^\[test\/web\] Peer\.ipBlock /);
  });

  test('an except equal to its block is refused', () => {
    expect(usedBy(Peer.ipBlock('10.0.0.0/8', ['10.0.0.0/8']))).toThrow(/except "10\.0\.0\.0\/8" is the whole block "10\.0\.0\.0\/8", so the peer admits nothing/);
    expect(usedBy(Peer.ipBlock('10.0.0.0/8', ['10.0.0.0/08']))).toThrow(/except "10\.0\.0\.0\/08" is the whole block "10\.0\.0\.0\/8"/);
  });
});
