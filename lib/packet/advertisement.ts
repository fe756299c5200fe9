/**
 * VRRP advertisement codec: v2 (RFC 3768 §5.3) and v3 (RFC 9568 §5.2), IPv4 and IPv6.
 * Contract (as dns-packet / mqtt-packet): `encode(msg, buf?, offset?, opts?)`, `decode(buf, offset?, opts?)`,
 * `encodingLength(msg)`. Every read is checked against the end of the message; errors carry a stable code
 * and the byte offset. Decoding is structural; the receive rules live in ./receive.ts.
 */
import { DecodeFailure, EncodeError } from '../errors';
import { addressAt } from './address-cache';
import { addressField, checkUint } from './fields';
import { ChecksumForm, vrrpChecksum } from './checksum';
import {
  addressLength,
  AUTH_IP_AH,
  AUTH_NONE,
  AUTH_SIMPLE_TEXT,
  Family,
  V3_MAX_INTERVAL_CS,
  VRRP_HEADER_LENGTH,
  VRRP_TYPE_ADVERTISEMENT,
  VRRP_V2_AUTH_LENGTH,
} from './constants';

/** A VRRPv3 advertisement (RFC 9568 §5.2). */
export interface AdvertisementV3 {
  version: 3;
  family: Family;
  /** Virtual Router ID, 0..255 on the wire (0 is invalid on receive). */
  vrid: number;
  /** 0 (Master stopping) .. 255 (address owner). */
  priority: number;
  /** Max Adver Int in centiseconds, 12 bits (0 is invalid on receive). */
  intervalCs: number;
  /** IPvX addresses in wire order; the count field is their number. */
  addresses: string[];
}

/** A VRRPv2 advertisement (RFC 3768 §5.3); IPv4 only. */
export interface AdvertisementV2 {
  version: 2;
  family: 4;
  vrid: number;
  priority: number;
  /** Advertisement interval in whole seconds, 8 bits. */
  intervalS: number;
  /** 0 none, 1 simple text password. */
  authType: 0 | 1;
  /** The 8 authentication bytes as on the wire (zero padded password; zeros for type 0). */
  authData: Uint8Array;
  addresses: string[];
}

export type Advertisement = AdvertisementV2 | AdvertisementV3;

/** Options of `encode`. */
export interface EncodeOptions {
  /**
   * v3 over IPv4 only: 'pseudo-header' (default, what keepalived 2.2.7 and FRR 8.4 send) or
   * 'message-only' (RFC 9568 §5.2.8; keepalived's `v3_checksum_as_v2`). v3/IPv6 always uses the
   * pseudo-header, v2 never does.
   */
  checksum?: ChecksumForm;
  /** IP source address (text or bytes): needed for pseudo-header checksums. */
  src?: string | Uint8Array;
  /** IP destination address (text or bytes): needed for pseudo-header checksums. */
  dst?: string | Uint8Array;
}

/** Options of `decode`. */
export interface DecodeOptions {
  /** Family of the carrying IP packet; decides the address size. Default 4. */
  family?: Family;
  /** End of the VRRP message in `buf` (exclusive): the IP payload end. Default buf.length. */
  end?: number;
}

/** Advert interval in centiseconds, whatever the version (v2 seconds × 100). */
export function intervalCsOf(ad: Advertisement): number {
  return ad.version === 3 ? ad.intervalCs : ad.intervalS * 100;
}

/** The checksum form an advertisement of this version/family uses on send. */
export function checksumFormFor(ad: Advertisement, opts?: EncodeOptions): ChecksumForm {
  if (ad.version === 2) return 'message-only';
  if (ad.family === 6) return 'pseudo-header';
  return opts?.checksum ?? 'pseudo-header';
}

/** Bytes `encode` writes for `ad`. */
export function encodingLength(ad: Advertisement): number {
  const n = VRRP_HEADER_LENGTH + ad.addresses.length * addressLength(ad.family);
  return ad.version === 2 ? n + VRRP_V2_AUTH_LENGTH : n;
}



/**
 * Writes `ad` into `buf` at `offset` (a new buffer when none is given) with its checksum, and returns
 * the buffer. @throws EncodeError INVALID_FIELD, BUFFER_TOO_SMALL, CHECKSUM_CONTEXT_REQUIRED.
 */
export function encode(ad: Advertisement, buf?: Buffer, offset = 0, opts?: EncodeOptions): Buffer {
  const version: number = ad.version;
  if (version !== 2 && version !== 3) throw new EncodeError('INVALID_FIELD', `unknown version ${version}`, 'version');
  if (ad.family !== 4 && ad.family !== 6) throw new EncodeError('INVALID_FIELD', `unknown family ${ad.family}`, 'family');
  if (ad.version === 2 && (ad.family as Family) !== 4) throw new EncodeError('INVALID_FIELD', 'VRRPv2 is IPv4 only', 'family');
  checkUint(ad.vrid, 255, 'vrid');
  checkUint(ad.priority, 255, 'priority');
  checkUint(ad.addresses.length, 255, 'addresses.length');
  if (ad.version === 3) checkUint(ad.intervalCs, V3_MAX_INTERVAL_CS, 'intervalCs');
  else {
    checkUint(ad.intervalS, 255, 'intervalS');
    if (ad.authType === (AUTH_IP_AH as number)) {
      throw new EncodeError('INVALID_FIELD', 'auth type 2 (IP Authentication Header) is not supported', 'authType');
    }
    if (ad.authType !== AUTH_NONE && ad.authType !== AUTH_SIMPLE_TEXT) {
      throw new EncodeError('INVALID_FIELD', `unknown auth type ${String(ad.authType)}`, 'authType');
    }
    if (ad.authData.length > VRRP_V2_AUTH_LENGTH) {
      throw new EncodeError('INVALID_FIELD', 'authData is longer than 8 bytes', 'authData');
    }
  }
  const form = checksumFormFor(ad, opts);
  let src: Uint8Array | undefined;
  let dst: Uint8Array | undefined;
  if (form === 'pseudo-header') {
    if (opts?.src === undefined || opts.dst === undefined) {
      throw new EncodeError('CHECKSUM_CONTEXT_REQUIRED', 'a pseudo-header checksum needs opts.src and opts.dst');
    }
    src = addressField(opts.src, ad.family, 'src');
    dst = addressField(opts.dst, ad.family, 'dst');
  }
  const length = encodingLength(ad);
  if (!buf) buf = Buffer.alloc(offset + length);
  if (!Number.isInteger(offset) || offset < 0 || buf.length < offset + length) {
    throw new EncodeError('BUFFER_TOO_SMALL', `need ${length} bytes at offset ${offset}, buffer has ${buf.length}`);
  }
  buf[offset] = (ad.version << 4) | VRRP_TYPE_ADVERTISEMENT;
  buf[offset + 1] = ad.vrid;
  buf[offset + 2] = ad.priority;
  buf[offset + 3] = ad.addresses.length;
  if (ad.version === 3) {
    buf.writeUInt16BE(ad.intervalCs & 0x0fff, offset + 4); // 4 reserved bits zero on send
  } else {
    buf[offset + 4] = ad.authType;
    buf[offset + 5] = ad.intervalS;
  }
  buf.writeUInt16BE(0, offset + 6);
  const size = addressLength(ad.family);
  let p = offset + VRRP_HEADER_LENGTH;
  for (let i = 0; i < ad.addresses.length; i++, p += size) {
    const a = addressField(ad.addresses[i], ad.family, `addresses[${i}]`);
    buf.set(a, p);
  }
  if (ad.version === 2) {
    buf.fill(0, p, p + VRRP_V2_AUTH_LENGTH);
    buf.set(ad.authData, p);
  }
  buf.writeUInt16BE(vrrpChecksum(buf, offset, offset + length, form, src, dst), offset + 6);
  return buf;
}

/**
 * Reads the advertisement at buf[offset, opts.end). Structural checks only: version, type, v2 auth
 * type, family, and that the header, Count addresses and (v2) the auth data fit. Trailing bytes are
 * ignored. @throws DecodeError TRUNCATED, UNKNOWN_VERSION, UNKNOWN_TYPE, V2_OVER_IPV6,
 * AUTH_AH_UNSUPPORTED, UNKNOWN_AUTH_TYPE.
 */
export function decode(buf: Uint8Array, offset = 0, opts?: DecodeOptions): Advertisement {
  const r = tryDecode(buf, offset, opts);
  if (r instanceof DecodeFailure) throw r.toError();
  return r;
}

/**
 * `decode` without throwing, for the receive path: the advertisement, or a DecodeFailure with the code,
 * offset and message `decode` would throw.
 */
export function tryDecode(buf: Uint8Array, offset = 0, opts?: DecodeOptions): Advertisement | DecodeFailure {
  const family: Family = opts?.family ?? 4;
  const end = Math.min(opts?.end ?? buf.length, buf.length);
  if (end - offset < VRRP_HEADER_LENGTH) {
    return new DecodeFailure('TRUNCATED', Math.max(offset, end), `VRRP header needs ${VRRP_HEADER_LENGTH} bytes, ${Math.max(0, end - offset)} present`);
  }
  const version = buf[offset] >> 4;
  const type = buf[offset] & 0x0f;
  if (version !== 2 && version !== 3) return new DecodeFailure('UNKNOWN_VERSION', offset, `unknown VRRP version ${version}`);
  if (type !== VRRP_TYPE_ADVERTISEMENT) return new DecodeFailure('UNKNOWN_TYPE', offset, `unknown VRRP type ${type}`);
  if (version === 2 && family === 6) return new DecodeFailure('V2_OVER_IPV6', offset, 'VRRPv2 is not defined over IPv6');
  const vrid = buf[offset + 1];
  const priority = buf[offset + 2];
  const count = buf[offset + 3];
  const size = family === 4 ? 4 : 16;
  const addrEnd = offset + VRRP_HEADER_LENGTH + count * size;
  const need = version === 2 ? addrEnd + VRRP_V2_AUTH_LENGTH : addrEnd;
  if (version === 2) {
    const authType = buf[offset + 4];
    if (authType === AUTH_IP_AH) {
      return new DecodeFailure('AUTH_AH_UNSUPPORTED', offset + 4, 'auth type 2 (IP Authentication Header) is not supported');
    }
    if (authType !== AUTH_NONE && authType !== AUTH_SIMPLE_TEXT) {
      return new DecodeFailure('UNKNOWN_AUTH_TYPE', offset + 4, `unknown auth type ${authType}`);
    }
  }
  if (need > end) {
    return new DecodeFailure('TRUNCATED', end, `Count ${count} needs ${need - offset} bytes, ${end - offset} present`);
  }
  const addresses: string[] = new Array(count);
  for (let i = 0, p = offset + VRRP_HEADER_LENGTH; i < count; i++, p += size) addresses[i] = addressAt(buf, p, family).text;
  if (version === 3) {
    return { version: 3, family, vrid, priority, intervalCs: ((buf[offset + 4] << 8) | buf[offset + 5]) & 0x0fff, addresses };
  }
  return {
    version: 2,
    family: 4,
    vrid,
    priority,
    intervalS: buf[offset + 5],
    authType: buf[offset + 4] as 0 | 1,
    authData: new Uint8Array(buf.subarray(addrEnd, addrEnd + VRRP_V2_AUTH_LENGTH)),
    addresses,
  };
}
