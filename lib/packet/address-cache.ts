/**
 * Memoised canonical address text for the per-packet paths (a peer's source address, compared on every
 * advert): parsing and formatting an IPv6 address per packet was a visible share of a backup's CPU at 510
 * VRs (bench/lan). Bounded: the cache is cleared when it reaches `CANONICAL_CACHE_SIZE` entries, so junk
 * sources cannot grow it. Pure: no I/O, no clock.
 */
import { familyOf, formatAddress, parseAddress } from './address';
import type { Family } from './constants';

/** Most distinct texts kept before the cache starts over. */
export const CANONICAL_CACHE_SIZE = 4096;

const cache = new Map<string, { text: string; family: Family | null }>();

function lookup(text: string): { text: string; family: Family | null } {
  let c = cache.get(text);
  if (c === undefined) {
    const family = familyOf(text);
    c = { text: family === null ? text : formatAddress(parseAddress(text, family), 0, family), family };
    if (cache.size >= CANONICAL_CACHE_SIZE) cache.clear();
    cache.set(text, c);
  }
  return c;
}

/** `canonicalAddress(text)` (lib/packet/address.ts), memoised. */
export function canonicalAddressCached(text: string): string {
  return lookup(text).text;
}

/** The canonical text of `text` as an address of `family`, or null when it is not one. Memoised. */
export function canonicalOfFamily(text: string, family: Family): string | null {
  const c = lookup(text);
  return c.family === family ? c.text : null;
}
