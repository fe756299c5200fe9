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

/** An address read from a packet: its canonical text and a copy of its bytes, both shared between packets (read only). */
export interface AddressEntry {
  readonly text: string;
  readonly bytes: Uint8Array;
}

/** Addresses read from packets, by a 32-bit key of their bytes (IPv4: the address; IPv6: FNV-1a). */
const seen = new Map<number, AddressEntry>();

/** The 32-bit key of the 4 or 16 bytes at buf[offset]. */
function keyOf(buf: Uint8Array, offset: number, size: number): number {
  if (size === 4) return ((buf[offset] << 24) | (buf[offset + 1] << 16) | (buf[offset + 2] << 8) | buf[offset + 3]) >>> 0;
  let h = 0x811c9dc5;
  for (let k = 0; k < size; k++) h = Math.imul(h ^ buf[offset + k], 0x01000193);
  return h >>> 0;
}

/**
 * The address of `family` at buf[offset] (4 or 16 bytes, present): `formatAddress`'s text and a copy of
 * the bytes, one shared entry per address. Every IP header and advert carries addresses a node sees all day
 * (its peers, the group, the VIPs): two strings and two byte copies per packet were most of a 510-VR
 * backup's garbage (bench/lan). Bounded like the canonical cache; a key collision just reads afresh.
 */
export function addressAt(buf: Uint8Array, offset: number, family: Family): AddressEntry {
  const size = family === 4 ? 4 : 16;
  const key = keyOf(buf, offset, size);
  const hit = seen.get(key);
  if (hit !== undefined && hit.bytes.length === size) {
    let k = 0;
    while (k < size && hit.bytes[k] === buf[offset + k]) k++;
    if (k === size) return hit;
  }
  const bytes = new Uint8Array(size);
  for (let k = 0; k < size; k++) bytes[k] = buf[offset + k];
  const entry: AddressEntry = { text: formatAddress(bytes, 0, family), bytes };
  if (seen.size >= CANONICAL_CACHE_SIZE) seen.clear();
  seen.set(key, entry);
  return entry;
}

/** The canonical text of `text` as an address of `family`, or null when it is not one. Memoised. */
export function canonicalOfFamily(text: string, family: Family): string | null {
  const c = lookup(text);
  return c.family === family ? c.text : null;
}
