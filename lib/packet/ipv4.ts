/**
 * IPv4 header (RFC 791) decode and encode. Decoding reads options only to skip them; encoding writes the
 * 20-byte header VRRP sends (no options) with its header checksum (RFC 1071).
 */
import { DecodeFailure, EncodeError } from '../errors';
import { addressAt } from './address-cache';
import { internetChecksum } from './checksum';
import type { IpHeader } from './ip';
import { addressField, checkUint } from './fields';

/** Bytes of an IPv4 header without options (IHL 5). */
export const IPV4_HEADER_LENGTH = 20;
/** Don't Fragment bit in the 16-bit flags/fragment-offset word. */
export const IPV4_FLAG_DF = 0x4000;
/** More Fragments bit in the 16-bit flags/fragment-offset word. */
export const IPV4_FLAG_MF = 0x2000;

/** A decoded IPv4 header. */
export interface IPv4Header extends IpHeader {
  family: 4;
  /** IHL × 4, in bytes (20..60). */
  headerLength: number;
  /** Type of Service / DSCP+ECN byte. */
  tos: number;
  /** Total Length field, in bytes (header + payload). */
  totalLength: number;
  /** Identification field. */
  id: number;
  /** The 3 flag bits: 0b010 DF, 0b001 MF. */
  flags: number;
  /** Fragment Offset field, in 8-byte units as on the wire. */
  fragmentOffset: number;
  /** Header Checksum field as received. */
  headerChecksum: number;
  /** True when the header checksum verifies (false for captures of locally sent packets with offload). */
  headerChecksumOk: boolean;
}

/** Fields of the IPv4 header `encodeIPv4` writes. */
export interface IPv4HeaderFields {
  src: string;
  dst: string;
  /** Time to Live, 0..255 (VRRP: 255). */
  ttl: number;
  /** Protocol number, 0..255 (VRRP: 112). */
  protocol: number;
  /** Type of Service byte, default 0. */
  tos?: number;
  /** Identification, default 0. */
  id?: number;
  /** Set the DF bit; default false. */
  dontFragment?: boolean;
}

/**
 * Reads the IPv4 header at buf[offset, end) (`end` defaults to buf.length). A packet shorter than its Total
 * Length is returned with `truncated` set and `payloadEnd` = `end`.
 * @throws DecodeError BAD_IP_HEADER (version nibble not 4, IHL < 5, Total Length < header length),
 * TRUNCATED (fewer bytes than 20 or than IHL says; offset: where the missing byte would be).
 */
export function decodeIPv4(buf: Uint8Array, offset = 0, end?: number): IPv4Header {
  const r = tryDecodeIPv4(buf, offset, end);
  if (r instanceof DecodeFailure) throw r.toError();
  return r;
}

/** `decodeIPv4` without throwing (the receive path): the header, or the DecodeFailure it would throw. */
export function tryDecodeIPv4(buf: Uint8Array, offset = 0, end?: number): IPv4Header | DecodeFailure {
  const e = Math.min(end ?? buf.length, buf.length);
  if (e - offset < IPV4_HEADER_LENGTH) {
    return new DecodeFailure('TRUNCATED', Math.max(offset, e), `IPv4 header needs ${IPV4_HEADER_LENGTH} bytes, ${Math.max(0, e - offset)} present`);
  }
  const version = buf[offset] >> 4;
  if (version !== 4) return new DecodeFailure('BAD_IP_HEADER', offset, `IPv4 version nibble is ${version}`);
  const headerLength = (buf[offset] & 0x0f) * 4;
  if (headerLength < IPV4_HEADER_LENGTH) return new DecodeFailure('BAD_IP_HEADER', offset, `IPv4 IHL ${headerLength / 4} is below 5`);
  const totalLength = (buf[offset + 2] << 8) | buf[offset + 3];
  if (totalLength < headerLength) {
    return new DecodeFailure('BAD_IP_HEADER', offset + 2, `IPv4 Total Length ${totalLength} is below the header length ${headerLength}`);
  }
  if (headerLength > e - offset) {
    return new DecodeFailure('TRUNCATED', e, `IPv4 header length ${headerLength} but ${e - offset} bytes present`);
  }
  const truncated = totalLength > e - offset;
  const fragWord = (buf[offset + 6] << 8) | buf[offset + 7];
  const src = addressAt(buf, offset + 12, 4);
  const dst = addressAt(buf, offset + 16, 4);
  return {
    family: 4,
    src: src.text,
    dst: dst.text,
    srcBytes: src.bytes,
    dstBytes: dst.bytes,
    ttl: buf[offset + 8],
    protocol: buf[offset + 9],
    payloadOffset: offset + headerLength,
    payloadEnd: truncated ? e : offset + totalLength,
    truncated,
    headerLength,
    tos: buf[offset + 1],
    totalLength,
    id: (buf[offset + 4] << 8) | buf[offset + 5],
    flags: fragWord >> 13,
    fragmentOffset: fragWord & 0x1fff,
    headerChecksum: (buf[offset + 10] << 8) | buf[offset + 11],
    headerChecksumOk: internetChecksum(buf, offset, offset + headerLength) === 0,
  };
}



/**
 * Writes a 20-byte IPv4 header (no options) for a payload of `payloadLength` bytes at buf[offset] (a new
 * buffer when none is given), with its header checksum, and returns the buffer. The payload is not written.
 * @throws EncodeError INVALID_FIELD (address not IPv4, field out of range, payloadLength > 65515), BUFFER_TOO_SMALL.
 */
export function encodeIPv4(h: IPv4HeaderFields, payloadLength: number, buf?: Buffer, offset = 0): Buffer {
  const src = addressField(h.src, 4, 'src');
  const dst = addressField(h.dst, 4, 'dst');
  const ttl = checkUint(h.ttl, 255, 'ttl');
  const protocol = checkUint(h.protocol, 255, 'protocol');
  const tos = checkUint(h.tos, 255, 'tos');
  const id = checkUint(h.id, 0xffff, 'id');
  const length = checkUint(payloadLength, 0xffff - IPV4_HEADER_LENGTH, 'payloadLength') + IPV4_HEADER_LENGTH;
  if (!buf) buf = Buffer.alloc(offset + IPV4_HEADER_LENGTH);
  if (!Number.isInteger(offset) || offset < 0 || buf.length < offset + IPV4_HEADER_LENGTH) {
    throw new EncodeError('BUFFER_TOO_SMALL', `need ${IPV4_HEADER_LENGTH} bytes at offset ${offset}, buffer has ${buf.length}`);
  }
  buf[offset] = 0x45;
  buf[offset + 1] = tos;
  buf.writeUInt16BE(length, offset + 2);
  buf.writeUInt16BE(id, offset + 4);
  buf.writeUInt16BE(h.dontFragment ? IPV4_FLAG_DF : 0, offset + 6);
  buf[offset + 8] = ttl;
  buf[offset + 9] = protocol;
  buf.writeUInt16BE(0, offset + 10);
  buf.set(src, offset + 12);
  buf.set(dst, offset + 16);
  buf.writeUInt16BE(internetChecksum(buf, offset, offset + IPV4_HEADER_LENGTH), offset + 10);
  return buf;
}
