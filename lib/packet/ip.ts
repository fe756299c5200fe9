/**
 * The shape IPv4 and IPv6 headers share once decoded, and the decoder that picks one by the version nibble.
 */
import { DecodeFailure } from '../errors';
import { Family } from './constants';
import { IPv4Header, tryDecodeIPv4 } from './ipv4';
import { IPv6Header, tryDecodeIPv6 } from './ipv6';

/** What a receiver needs from an IP header, whatever the version. */
export interface IpHeader {
  family: Family;
  /** Source address text (dotted quad, or RFC 5952 IPv6 text). */
  src: string;
  /** Destination address text. */
  dst: string;
  /** Source address bytes (4 or 16; a copy, not a view of the input, shared by the packets of that address: read only). */
  srcBytes: Uint8Array;
  /** Destination address bytes (4 or 16; a shared copy, read only). */
  dstBytes: Uint8Array;
  /** IPv4 TTL or IPv6 Hop Limit. */
  ttl: number;
  /**
   * IPv4 protocol, or the IPv6 upper-layer Next Header after skipping hop-by-hop (0), routing (43) and
   * destination options (60) headers; a fragment header (44) stops the walk and is reported as 44.
   */
  protocol: number;
  /** Absolute offset in the buffer where the upper-layer message starts. */
  payloadOffset: number;
  /**
   * Absolute exclusive end of the packet per its length field (IPv4 Total Length, IPv6 Payload Length),
   * so Ethernet padding after it is excluded; never past the decoder's `end` (see `truncated`).
   */
  payloadEnd: number;
  /**
   * True when fewer bytes are present than the length field says (a capture cut by its snaplen): the header
   * is whole, `payloadEnd` is then the decoder's `end`, and the upper-layer decoder reports what is missing.
   */
  truncated: boolean;
}

/**
 * Decodes the IPv4 or IPv6 header at buf[offset, end), chosen by the version nibble.
 * @throws DecodeError TRUNCATED (the header itself is cut), BAD_IP_HEADER (version neither 4 nor 6, or as
 * the version's decoder).
 */
export function decodeIp(buf: Uint8Array, offset = 0, end?: number): IpHeader {
  const r = tryDecodeIp(buf, offset, end);
  if (r instanceof DecodeFailure) throw r.toError();
  return r;
}

/**
 * `decodeIp` without throwing (the receive path): the IPv4 or IPv6 header, or the DecodeFailure `decodeIp`
 * would throw.
 */
export function tryDecodeIp(buf: Uint8Array, offset = 0, end?: number): IPv4Header | IPv6Header | DecodeFailure {
  const e = Math.min(end ?? buf.length, buf.length);
  if (e - offset < 1) return new DecodeFailure('TRUNCATED', Math.max(offset, e), 'IP header needs at least 1 byte, 0 present');
  const version = buf[offset] >> 4;
  if (version === 4) return tryDecodeIPv4(buf, offset, e);
  if (version === 6) return tryDecodeIPv6(buf, offset, e);
  return new DecodeFailure('BAD_IP_HEADER', offset, `IP version ${version} is neither 4 nor 6`);
}
