/**
 * IPv6 header (RFC 8200 §3) decode and encode. Decoding walks the hop-by-hop, routing and destination
 * options extension headers (RFC 8200 §4) to find the upper-layer protocol; encoding writes the fixed
 * 40-byte header.
 */
import { DecodeFailure, EncodeError } from '../errors';
import { addressAt } from './address-cache';
import type { IpHeader } from './ip';
import { addressField, checkUint } from './fields';

/** Bytes of the fixed IPv6 header. */
export const IPV6_HEADER_LENGTH = 40;
/** Next Header of the Hop-by-Hop Options header (RFC 8200 §4.3); skipped by the decoder. */
export const IPV6_EXT_HOP_BY_HOP = 0;
/** Next Header of the Routing header (RFC 8200 §4.4); skipped by the decoder. */
export const IPV6_EXT_ROUTING = 43;
/** Next Header of the Fragment header (RFC 8200 §4.5); stops the decoder's walk. */
export const IPV6_EXT_FRAGMENT = 44;
/** Next Header of the Destination Options header (RFC 8200 §4.6); skipped by the decoder. */
export const IPV6_EXT_DEST_OPTIONS = 60;

/** A decoded IPv6 header. */
export interface IPv6Header extends IpHeader {
  family: 6;
  /** Traffic Class byte (DSCP + ECN). */
  trafficClass: number;
  /** Flow Label, 20 bits. */
  flowLabel: number;
  /** Payload Length field, in bytes (everything after the fixed header, extension headers included). */
  payloadLength: number;
  /** Next Header of the fixed header (before any extension header is skipped). */
  nextHeader: number;
}

/** Fields of the IPv6 header `encodeIPv6` writes. */
export interface IPv6HeaderFields {
  src: string;
  dst: string;
  /** Hop Limit, 0..255 (VRRP and ND: 255). */
  hopLimit: number;
  /** Next Header, 0..255 (VRRP 112, ICMPv6 58). */
  nextHeader: number;
  /** Traffic Class byte, default 0. */
  trafficClass?: number;
  /** Flow Label, 20 bits, default 0. */
  flowLabel?: number;
}

/**
 * Reads the IPv6 header at buf[offset, end) (`end` defaults to buf.length) and skips hop-by-hop (0),
 * routing (43) and destination options (60) headers; a fragment header (44) stops the walk and is reported
 * as the protocol, with `payloadOffset` at the fragment header. A packet shorter than its Payload Length is
 * returned with `truncated` set and `payloadEnd` = `end`.
 * @throws DecodeError BAD_IP_HEADER (version nibble not 6; an extension header runs past Payload Length),
 * TRUNCATED (fewer than 40 bytes; an extension header cut; offset: where the missing byte would be).
 */
export function decodeIPv6(buf: Uint8Array, offset = 0, end?: number): IPv6Header {
  const r = tryDecodeIPv6(buf, offset, end);
  if (r instanceof DecodeFailure) throw r.toError();
  return r;
}

/** `decodeIPv6` without throwing (the receive path): the header, or the DecodeFailure it would throw. */
export function tryDecodeIPv6(buf: Uint8Array, offset = 0, end?: number): IPv6Header | DecodeFailure {
  const e = Math.min(end ?? buf.length, buf.length);
  if (e - offset < IPV6_HEADER_LENGTH) {
    return new DecodeFailure('TRUNCATED', Math.max(offset, e), `IPv6 header needs ${IPV6_HEADER_LENGTH} bytes, ${Math.max(0, e - offset)} present`);
  }
  const version = buf[offset] >> 4;
  if (version !== 6) return new DecodeFailure('BAD_IP_HEADER', offset, `IPv6 version nibble is ${version}`);
  const payloadLength = (buf[offset + 4] << 8) | buf[offset + 5];
  const claimedEnd = offset + IPV6_HEADER_LENGTH + payloadLength;
  const truncated = claimedEnd > e;
  const nextHeader = buf[offset + 6];
  let protocol = nextHeader;
  let p = offset + IPV6_HEADER_LENGTH;
  while (protocol === IPV6_EXT_HOP_BY_HOP || protocol === IPV6_EXT_ROUTING || protocol === IPV6_EXT_DEST_OPTIONS) {
    const extLength = e - p >= 2 ? (buf[p + 1] + 1) * 8 : 8;
    if (claimedEnd - p < extLength) {
      return new DecodeFailure('BAD_IP_HEADER', p, `IPv6 extension header ${protocol} runs past the Payload Length`);
    }
    if (e - p < extLength) {
      return new DecodeFailure('TRUNCATED', e, `IPv6 extension header ${protocol} needs ${extLength} bytes, ${e - p} present`);
    }
    protocol = buf[p];
    p += extLength;
  }
  const w0 = ((buf[offset] << 24) | (buf[offset + 1] << 16) | (buf[offset + 2] << 8) | buf[offset + 3]) >>> 0;
  const src = addressAt(buf, offset + 8, 6);
  const dst = addressAt(buf, offset + 24, 6);
  return {
    family: 6,
    src: src.text,
    dst: dst.text,
    srcBytes: src.bytes,
    dstBytes: dst.bytes,
    ttl: buf[offset + 7],
    protocol,
    payloadOffset: p,
    payloadEnd: truncated ? e : claimedEnd,
    truncated,
    trafficClass: (w0 >>> 20) & 0xff,
    flowLabel: w0 & 0xfffff,
    payloadLength,
    nextHeader,
  };
}



/**
 * Writes the 40-byte IPv6 header for a payload of `payloadLength` bytes (0..65535) at buf[offset] (a new
 * buffer when none is given) and returns the buffer. The payload is not written.
 * @throws EncodeError INVALID_FIELD (address not IPv6, field out of range), BUFFER_TOO_SMALL.
 */
export function encodeIPv6(h: IPv6HeaderFields, payloadLength: number, buf?: Buffer, offset = 0): Buffer {
  const src = addressField(h.src, 6, 'src');
  const dst = addressField(h.dst, 6, 'dst');
  const hopLimit = checkUint(h.hopLimit, 255, 'hopLimit');
  const nextHeader = checkUint(h.nextHeader, 255, 'nextHeader');
  const trafficClass = checkUint(h.trafficClass, 255, 'trafficClass');
  const flowLabel = checkUint(h.flowLabel, 0xfffff, 'flowLabel');
  const length = checkUint(payloadLength, 0xffff, 'payloadLength');
  if (!buf) buf = Buffer.alloc(offset + IPV6_HEADER_LENGTH);
  if (!Number.isInteger(offset) || offset < 0 || buf.length < offset + IPV6_HEADER_LENGTH) {
    throw new EncodeError('BUFFER_TOO_SMALL', `need ${IPV6_HEADER_LENGTH} bytes at offset ${offset}, buffer has ${buf.length}`);
  }
  buf.writeUInt32BE(((6 << 28) | (trafficClass << 20) | flowLabel) >>> 0, offset);
  buf.writeUInt16BE(length, offset + 4);
  buf[offset + 6] = nextHeader;
  buf[offset + 7] = hopLimit;
  buf.set(src, offset + 8);
  buf.set(dst, offset + 24);
  return buf;
}
