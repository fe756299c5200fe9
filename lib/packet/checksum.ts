/**
 * Internet checksum (RFC 1071) and the pseudo-headers VRRP needs (RFC 8200 §8.1 for IPv6, RFC 768 style
 * for IPv4). This file is the one place that knows which VRRP checksum form is which
 * (see ../../../shared/RFC-NOTES.md, "the interop trap").
 */
import { IPPROTO_VRRP } from './constants';

/**
 * One's-complement sum of 16-bit big-endian words over buf[start, end), added to `initial`,
 * not folded and not complemented. An odd trailing byte is padded with zero.
 */
export function onesSum(buf: Uint8Array, start: number, end: number, initial = 0): number {
  let sum = initial;
  let i = start;
  const last = end - 1;
  for (; i < last; i += 2) sum += (buf[i] << 8) | buf[i + 1];
  if (i === last) sum += buf[i] << 8;
  return sum;
}

/** Folds a running sum to 16 bits and complements it: the value that goes in a checksum field. */
export function finishChecksum(sum: number): number {
  while (sum > 0xffff) sum = (sum & 0xffff) + Math.floor(sum / 0x10000);
  return ~sum & 0xffff;
}

/** RFC 1071 checksum of buf[start, end). */
export function internetChecksum(buf: Uint8Array, start: number, end: number): number {
  return finishChecksum(onesSum(buf, start, end));
}

/**
 * Sum of an IPv4 or IPv6 pseudo-header: source, destination (4 or 16 bytes each), upper-layer length
 * and next-header / protocol number. `src` and `dst` are raw address bytes.
 */
export function pseudoHeaderSum(src: Uint8Array, dst: Uint8Array, length: number, protocol: number): number {
  let sum = onesSum(src, 0, src.length) + onesSum(dst, 0, dst.length);
  sum += Math.floor(length / 0x10000) + (length & 0xffff);
  return sum + protocol;
}

/** How a VRRP checksum was (or is to be) computed. */
export type ChecksumForm = 'message-only' | 'pseudo-header';

/**
 * Checksum of the VRRP message buf[start, end) whose checksum field currently holds zero or the value to
 * verify (for verification the result is 0 when it matches). `form` 'pseudo-header' prefixes the IPv4 or
 * IPv6 pseudo-header with protocol 112 (v3 over IPv6 always; v3 over IPv4 as keepalived and FRR send it);
 * 'message-only' covers the message alone (v2; v3 over IPv4 per RFC 9568 §5.2.8).
 */
export function vrrpChecksum(
  buf: Uint8Array,
  start: number,
  end: number,
  form: ChecksumForm,
  src?: Uint8Array,
  dst?: Uint8Array,
): number {
  let sum = onesSum(buf, start, end);
  if (form === 'pseudo-header') {
    if (!src || !dst) throw new TypeError('pseudo-header checksum needs source and destination addresses');
    sum += pseudoHeaderSum(src, dst, end - start, IPPROTO_VRRP);
  }
  return finishChecksum(sum);
}
