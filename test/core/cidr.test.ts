import { describe, expect, it } from 'vitest';
import { contains, nthSubnet, numberToAddress, overlaps, parseCidr } from '../../src/core/cidr.js';
import type { Cidr } from '../../src/core/cidr.js';

function cidr(text: string): Cidr {
  const parsed = parseCidr(text);
  if (!parsed.ok) {
    throw new Error(parsed.problem);
  }
  return parsed.cidr;
}

describe('parseCidr', () => {
  it.each([
    ['10.0.0.0/16', '10.0.0.0/16', 16],
    [' 192.168.4.0/22 ', '192.168.4.0/22', 22],
    ['0.0.0.0/0', '0.0.0.0/0', 0],
    ['255.255.255.255/32', '255.255.255.255/32', 32],
  ])('accepts %s', (text, canonical, prefix) => {
    const parsed = cidr(text);
    expect(parsed.text).toBe(canonical);
    expect(parsed.prefix).toBe(prefix);
  });

  it.each([
    ['10.0.0.0', /not a CIDR block/],
    ['10.0.0/16', /valid IPv4 address/],
    ['10.0.0.256/24', /valid IPv4 address/],
    ['10.00.0.0/16', /valid IPv4 address/],
    ['10.0.0.0/33', /invalid prefix length/],
    ['10.0.0.0/x', /invalid prefix length/],
    ['10.0.0.0/', /invalid prefix length/],
    // The original's own RP default, which Python rejects too.
    ['10.10.10.10/16', /host bits set \(did you mean 10\.10\.0\.0\/16\?\)/],
  ])('rejects %s', (text, problem) => {
    const parsed = parseCidr(text);
    expect(parsed.ok).toBe(false);
    expect(parsed.ok ? '' : parsed.problem).toMatch(problem);
  });
});

describe('contains / overlaps', () => {
  it('knows containment at the edges', () => {
    expect(contains(cidr('10.0.0.0/16'), cidr('10.0.252.0/22'))).toBe(true);
    expect(contains(cidr('10.0.0.0/16'), cidr('10.1.0.0/22'))).toBe(false);
    expect(contains(cidr('10.0.0.0/16'), cidr('10.0.0.0/8'))).toBe(false);
    expect(contains(cidr('10.0.0.0/16'), cidr('10.0.0.0/16'))).toBe(true);
  });

  it('detects overlap in both directions and adjacency as no overlap', () => {
    expect(overlaps(cidr('10.0.0.0/22'), cidr('10.0.2.0/24'))).toBe(true);
    expect(overlaps(cidr('10.0.2.0/24'), cidr('10.0.0.0/22'))).toBe(true);
    expect(overlaps(cidr('10.0.0.0/22'), cidr('10.0.4.0/22'))).toBe(false);
    expect(overlaps(cidr('0.0.0.0/0'), cidr('255.255.255.255/32'))).toBe(true);
  });
});

describe('nthSubnet', () => {
  it('gives the /22 blocks the original offered as subnet defaults', () => {
    const vpc = cidr('10.10.0.0/16');
    expect([0, 1, 2, 3].map((index) => nthSubnet(vpc, 22, index)?.text)).toEqual([
      '10.10.0.0/22',
      '10.10.4.0/22',
      '10.10.8.0/22',
      '10.10.12.0/22',
    ]);
    expect(nthSubnet(vpc, 22, 63)?.text).toBe('10.10.252.0/22');
  });

  it('has nothing past the end or for a larger block', () => {
    expect(nthSubnet(cidr('10.10.0.0/16'), 22, 64)).toBeUndefined();
    expect(nthSubnet(cidr('10.10.0.0/24'), 22, 0)).toBeUndefined();
    expect(nthSubnet(cidr('10.10.0.0/16'), 22, -1)).toBeUndefined();
  });

  it('prints addresses above 2^31 correctly (no signed shifts)', () => {
    expect(numberToAddress(0xc0a80101)).toBe('192.168.1.1');
    expect(nthSubnet(cidr('192.168.0.0/16'), 24, 255)?.text).toBe('192.168.255.0/24');
  });
});
