/**
 * IP address text <-> bytes. The one module that uses the `ip` package, and only for IPv6 text to bytes
 * after our own strict syntax check (the package alone accepts "1.2.3.400" and formats IPv6 without
 * RFC 5952's longest-run rule, so we validate and format ourselves).
 */
import * as ip from 'ip';
import { Family } from './constants';

const IPV4_RE = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const HEX_GROUP_RE = /^[0-9a-fA-F]{1,4}$/;

/** True when `text` is a dotted-quad IPv4 address with no leading zeros or extra parts. */
export function isIPv4(text: string): boolean {
  return IPV4_RE.test(text);
}

/** True when `text` is an IPv6 address in RFC 4291 §2.2 text form (zone ids are not accepted). */
export function isIPv6(text: string): boolean {
  const halves = text.split('::');
  if (halves.length > 2) return false;
  const groups = (part: string): string[] | null => (part === '' ? [] : part.split(':'));
  const parts = halves.map(groups);
  let count = 0;
  for (let h = 0; h < parts.length; h++) {
    const list = parts[h];
    if (list === null) return false;
    for (let i = 0; i < list.length; i++) {
      const g = list[i];
      const lastOfAll = h === parts.length - 1 && i === list.length - 1;
      if (lastOfAll && g.includes('.')) {
        if (!isIPv4(g)) return false;
        count += 2;
      } else if (HEX_GROUP_RE.test(g)) {
        count += 1;
      } else {
        return false;
      }
    }
  }
  return halves.length === 2 ? count <= 7 : count === 8;
}

/** Family of an address text, or null when it is neither. */
export function familyOf(text: string): Family | null {
  if (isIPv4(text)) return 4;
  if (isIPv6(text)) return 6;
  return null;
}

/**
 * Bytes of an address text (4 for IPv4, 16 for IPv6).
 * @throws TypeError when the text is not a valid address (of `family`, when given).
 */
export function parseAddress(text: string, family?: Family): Buffer {
  const f = familyOf(text);
  if (f === null || (family !== undefined && f !== family)) {
    throw new TypeError(`not an IPv${family ?? '4 or IPv6'} address: ${JSON.stringify(text)}`);
  }
  if (f === 4) {
    const out = Buffer.allocUnsafe(4);
    const p = text.split('.');
    for (let i = 0; i < 4; i++) out[i] = Number(p[i]);
    return out;
  }
  return ip.toBuffer(text.toLowerCase());
}

/** Dotted-quad text of the 4 bytes at buf[offset]. */
export function formatIPv4(buf: Uint8Array, offset: number): string {
  return `${buf[offset]}.${buf[offset + 1]}.${buf[offset + 2]}.${buf[offset + 3]}`;
}

/** RFC 5952 text of the 16 bytes at buf[offset]: lower case, longest zero run (>= 2 groups) as "::". */
export function formatIPv6(buf: Uint8Array, offset: number): string {
  const g: number[] = new Array(8);
  for (let i = 0; i < 8; i++) g[i] = (buf[offset + 2 * i] << 8) | buf[offset + 2 * i + 1];
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = (from: number, to: number): string => g.slice(from, to).map((x) => x.toString(16)).join(':');
  if (bestStart < 0) return hex(0, 8);
  return `${hex(0, bestStart)}::${hex(bestStart + bestLen, 8)}`;
}

/** Text of the address of `family` at buf[offset]. */
export function formatAddress(buf: Uint8Array, offset: number, family: Family): string {
  return family === 4 ? formatIPv4(buf, offset) : formatIPv6(buf, offset);
}

/** True for a multicast address: IPv4 224.0.0.0/4, IPv6 ff00::/8 (text; false when it does not parse). */
export function isMulticastAddress(text: string): boolean {
  const f = familyOf(text);
  if (f === null) return false;
  const b = parseAddress(text, f);
  return f === 4 ? (b[0] & 0xf0) === 0xe0 : b[0] === 0xff;
}

/** True for IPv6 link-local unicast fe80::/10 (bytes). */
export function isLinkLocalV6Bytes(buf: Uint8Array, offset = 0): boolean {
  return buf[offset] === 0xfe && (buf[offset + 1] & 0xc0) === 0x80;
}

/**
 * Compares two addresses of one family as unsigned big-endian integers (RFC 9568 §6.4.3 tie-break).
 * Returns a negative number, 0 or a positive number.
 */
export function compareAddressBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}

/** Canonical text of an address (dotted quad, RFC 5952 IPv6), or the text itself when it does not parse. */
export function canonicalAddress(text: string): string {
  const f = familyOf(text);
  return f === null ? text : formatAddress(parseAddress(text, f), 0, f);
}
