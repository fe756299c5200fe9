/**
 * Memoised canonical address text for the per-packet paths (a peer's source address, compared on every
 * advert): parsing and formatting an IPv6 address per packet was a visible share of a backup's CPU at 510
 * VRs (bench/lan). Bounded: the cache is cleared when it reaches `CANONICAL_CACHE_SIZE` entries, so junk
 * sources cannot grow it. Pure: no I/O, no clock.
 */
import { familyOf, formatAddress, formatIPv6, parseAddress } from './address';
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

/** Canonical forms of configured address lists, computed once per list (they are compared per advert). */
const canonicalLists = new WeakMap<readonly string[], readonly string[]>();

/** `list` with each address in canonical text, memoised per list object. */
export function canonicalListCached(list: readonly string[]): readonly string[] {
  let c = canonicalLists.get(list);
  if (c === undefined) {
    c = list.map(canonicalAddressCached);
    canonicalLists.set(list, c);
  }
  return c;
}

/** Recent IPv6 header addresses and their text (a backup hears the same source and group all day). */
const recentV6: Array<{ bytes: Uint8Array; text: string }> = [];
/** How many recent IPv6 addresses `formatIPv6Cached` keeps. */
export const RECENT_V6_SLOTS = 4;
let nextSlot = 0;

/** `formatIPv6(buf, offset)`, from the last RECENT_V6_SLOTS addresses seen when it is one of them. */
export function formatIPv6Cached(buf: Uint8Array, offset: number): string {
  for (const r of recentV6) {
    let k = 0;
    while (k < 16 && r.bytes[k] === buf[offset + k]) k++;
    if (k === 16) return r.text;
  }
  const text = formatIPv6(buf, offset);
  const entry = { bytes: Uint8Array.prototype.slice.call(buf, offset, offset + 16), text };
  if (recentV6.length < RECENT_V6_SLOTS) recentV6.push(entry);
  else recentV6[nextSlot] = entry;
  nextSlot = (nextSlot + 1) % RECENT_V6_SLOTS;
  return text;
}

/** The canonical text of `text` as an address of `family`, or null when it is not one. Memoised. */
export function canonicalOfFamily(text: string, family: Family): string | null {
  const c = lookup(text);
  return c.family === family ? c.text : null;
}
