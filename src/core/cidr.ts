// IPv4 CIDR blocks: parsing with the strictness of Python's ipaddress.IPv4Network (the original parsed the VPC
// CIDR with it), containment, overlap, and the n-th sub-block used for the default subnet CIDRs.

/** A parsed IPv4 network: `base` is the network address as an unsigned 32-bit number. */
export interface Cidr {
  readonly base: number;
  readonly prefix: number;
  /** Canonical text, e.g. `10.0.0.0/16`. */
  readonly text: string;
}

/** The outcome of parsing: the block, or a sentence saying what is wrong with the text. */
export type CidrResult = { ok: true; cidr: Cidr } | { ok: false; problem: string };

const ADDRESS = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

function addressToNumber(text: string): number | undefined {
  const match = ADDRESS.exec(text);
  if (match === null) {
    return undefined;
  }
  let value = 0;
  for (const part of match.slice(1)) {
    // Leading zeros are ambiguous (octal in some tools), and Python rejects them too.
    if (part.length > 1 && part.startsWith('0')) {
      return undefined;
    }
    const octet = Number(part);
    if (octet > 255) {
      return undefined;
    }
    value = value * 256 + octet;
  }
  return value;
}

/** `10.1.0.0` for 167837696. */
export function numberToAddress(value: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join('.');
}

function blockSize(prefix: number): number {
  return 2 ** (32 - prefix);
}

/** Builds a block from a base address and prefix (the base must be aligned). */
function makeCidr(base: number, prefix: number): Cidr {
  return { base, prefix, text: `${numberToAddress(base)}/${prefix}` };
}

/** Parses `a.b.c.d/n`; host bits must be zero (`10.10.10.10/16` is rejected, as Python does). */
export function parseCidr(text: string): CidrResult {
  const trimmed = text.trim();
  const slash = trimmed.indexOf('/');
  if (slash < 0) {
    return { ok: false, problem: `"${text}" is not a CIDR block (expected e.g. 10.0.0.0/16)` };
  }
  const base = addressToNumber(trimmed.slice(0, slash));
  const prefixText = trimmed.slice(slash + 1);
  if (base === undefined) {
    return { ok: false, problem: `"${text}" does not start with a valid IPv4 address` };
  }
  if (!/^\d{1,2}$/.test(prefixText) || Number(prefixText) > 32) {
    return { ok: false, problem: `"${text}" has an invalid prefix length (expected /0 to /32)` };
  }
  const prefix = Number(prefixText);
  if (base % blockSize(prefix) !== 0) {
    const aligned = makeCidr(base - (base % blockSize(prefix)), prefix);
    return {
      ok: false,
      problem: `"${text}" has host bits set (did you mean ${aligned.text}?)`,
    };
  }
  return { ok: true, cidr: makeCidr(base, prefix) };
}

/** The block's last address as a number. */
function last(cidr: Cidr): number {
  return cidr.base + blockSize(cidr.prefix) - 1;
}

/** True when every address of `inner` is inside `outer`. */
export function contains(outer: Cidr, inner: Cidr): boolean {
  return inner.prefix >= outer.prefix && inner.base >= outer.base && last(inner) <= last(outer);
}

/** True when the two blocks share at least one address. */
export function overlaps(a: Cidr, b: Cidr): boolean {
  return a.base <= last(b) && b.base <= last(a);
}

/**
 * The `index`-th (0-based) sub-block of length `newPrefix` inside `cidr` — Python's
 * `list(IPv4Network(cidr).subnets(new_prefix=n))[index]` — or undefined when there is no such block.
 */
export function nthSubnet(cidr: Cidr, newPrefix: number, index: number): Cidr | undefined {
  if (newPrefix < cidr.prefix || newPrefix > 32 || index < 0) {
    return undefined;
  }
  const count = 2 ** (newPrefix - cidr.prefix);
  if (index >= count) {
    return undefined;
  }
  return makeCidr(cidr.base + index * blockSize(newPrefix), newPrefix);
}
