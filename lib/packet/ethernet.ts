/**
 * Ethernet II framing with 802.1Q / 802.1ad VLAN tags, MAC address text, and the MAC addresses VRRP
 * uses: the virtual router MAC (RFC 9568 §7.3) and IP multicast MACs (RFC 1112 §6.4, RFC 2464 §7).
 */
import { DecodeError, EncodeError } from '../errors';
import { parseAddress } from './address';
import { Family } from './constants';

/** Bytes of an untagged Ethernet II header: destination, source, EtherType. */
export const ETHERNET_HEADER_LENGTH = 14;
/** Bytes one 802.1Q / 802.1ad tag adds (TPID + TCI). */
export const VLAN_TAG_LENGTH = 4;
/** EtherType of IPv4. */
export const ETHERTYPE_IPV4 = 0x0800;
/** EtherType of IPv6. */
export const ETHERTYPE_IPV6 = 0x86dd;
/** EtherType of ARP. */
export const ETHERTYPE_ARP = 0x0806;
/** 802.1Q customer VLAN tag. */
export const ETHERTYPE_VLAN = 0x8100;
/** 802.1ad service VLAN tag (Q-in-Q outer tag). */
export const ETHERTYPE_QINQ = 0x88a8;
/** Pre-standard Q-in-Q outer tag some switches still send; skipped like the others. */
export const ETHERTYPE_QINQ_LEGACY = 0x9100;
/** Broadcast MAC address, destination of gratuitous ARP. */
export const BROADCAST_MAC = 'ff:ff:ff:ff:ff:ff';

/** A decoded Ethernet header. */
export interface EthernetHeader {
  /** Destination MAC, lower case, ':' separated. */
  dst: string;
  /** Source MAC. */
  src: string;
  /** EtherType after any VLAN tags (a value <= 1500 is an 802.3 length, reported as is). */
  etherType: number;
  /** VLAN ids (12 bits) of the tags skipped, outermost first; empty when untagged. */
  vlanIds: number[];
  /** Absolute offset in the buffer where the Ethernet payload starts. */
  payloadOffset: number;
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
const MAC_RE = /^[0-9a-f]{2}([:-])[0-9a-f]{2}(?:\1[0-9a-f]{2}){4}$/i;

/** True for the EtherTypes of a VLAN tag (802.1Q, 802.1ad, legacy 0x9100). */
export function isVlanEtherType(etherType: number): boolean {
  return etherType === ETHERTYPE_VLAN || etherType === ETHERTYPE_QINQ || etherType === ETHERTYPE_QINQ_LEGACY;
}

/**
 * Bytes of a MAC address text: six two-digit hex groups separated all by ':' or all by '-'.
 * @throws TypeError when the text is not such an address.
 */
export function parseMac(text: string): Buffer {
  if (typeof text !== 'string' || !MAC_RE.test(text)) {
    throw new TypeError(`not a MAC address: ${JSON.stringify(text)}`);
  }
  const out = Buffer.allocUnsafe(6);
  for (let i = 0; i < 6; i++) out[i] = parseInt(text.slice(i * 3, i * 3 + 2), 16);
  return out;
}

/**
 * Text of the 6-byte MAC address at buf[offset]: lower case, ':' separated.
 * @throws RangeError when fewer than 6 bytes follow `offset`.
 */
export function formatMac(buf: Uint8Array, offset = 0): string {
  if (!Number.isInteger(offset) || offset < 0 || offset + 6 > buf.length) {
    throw new RangeError(`a MAC address needs 6 bytes at offset ${offset}, buffer has ${buf.length}`);
  }
  const b = (i: number): string => HEX[buf[offset + i]];
  return `${b(0)}:${b(1)}:${b(2)}:${b(3)}:${b(4)}:${b(5)}`;
}

/**
 * Virtual router MAC of a VRID (RFC 9568 §7.3): 00:00:5e:00:01:VRID for IPv4, 00:00:5e:00:02:VRID for IPv6.
 * @throws EncodeError INVALID_FIELD when `vrid` is not an integer 1..255 or `family` is not 4 or 6.
 */
export function virtualMac(vrid: number, family: Family): string {
  if (!Number.isInteger(vrid) || vrid < 1 || vrid > 255) {
    throw new EncodeError('INVALID_FIELD', `vrid must be an integer 1..255, got ${vrid}`, 'vrid');
  }
  if (family !== 4 && family !== 6) throw new EncodeError('INVALID_FIELD', `unknown family ${String(family)}`, 'family');
  return `00:00:5e:00:0${family === 4 ? 1 : 2}:${HEX[vrid]}`;
}

/**
 * Ethernet multicast MAC of an IP multicast group: 01:00:5e + low 23 bits for IPv4 (RFC 1112 §6.4),
 * 33:33 + low 32 bits for IPv6 (RFC 2464 §7). E.g. 224.0.0.18 -> 01:00:5e:00:00:12, ff02::12 -> 33:33:00:00:00:12.
 * @throws EncodeError INVALID_FIELD when `group` is not an IPv4 (224/4) or IPv6 (ff00::/8) multicast address.
 */
export function multicastMac(group: string | Uint8Array): string {
  let a: Uint8Array;
  try {
    a = typeof group === 'string' ? parseAddress(group) : group;
  } catch {
    throw new EncodeError('INVALID_FIELD', `not an IP address: ${String(group)}`, 'dst');
  }
  if (a.length === 4 && (a[0] & 0xf0) === 0xe0) return `01:00:5e:${HEX[a[1] & 0x7f]}:${HEX[a[2]]}:${HEX[a[3]]}`;
  if (a.length === 16 && a[0] === 0xff) return `33:33:${HEX[a[12]]}:${HEX[a[13]]}:${HEX[a[14]]}:${HEX[a[15]]}`;
  throw new EncodeError('INVALID_FIELD', `not a multicast address: ${String(group)}; give the destination MAC`, 'dst');
}

/**
 * Skips the VLAN tags that start at buf[p] (just after an EtherType field holding `etherType`), pushing
 * each VLAN id onto `vlanIds`. Returns the inner EtherType and where the payload starts.
 * @throws DecodeError TRUNCATED when a tag runs past `end`.
 */
export function skipVlanTags(
  buf: Uint8Array,
  p: number,
  etherType: number,
  end: number,
  vlanIds: number[],
): { etherType: number; payloadOffset: number } {
  let type = etherType;
  while (isVlanEtherType(type)) {
    if (end - p < VLAN_TAG_LENGTH) {
      throw new DecodeError('TRUNCATED', Math.max(p, end), `VLAN tag needs ${VLAN_TAG_LENGTH} bytes, ${Math.max(0, end - p)} present`);
    }
    vlanIds.push(((buf[p] << 8) | buf[p + 1]) & 0x0fff);
    type = (buf[p + 2] << 8) | buf[p + 3];
    p += VLAN_TAG_LENGTH;
  }
  return { etherType: type, payloadOffset: p };
}

/**
 * Reads the Ethernet II header at buf[offset, end), skipping 802.1Q / 802.1ad tags and recording their
 * VLAN ids. `end` defaults to buf.length. @throws DecodeError TRUNCATED (offset: where the missing byte would be).
 */
export function decodeEthernet(buf: Uint8Array, offset = 0, end?: number): EthernetHeader {
  const e = Math.min(end ?? buf.length, buf.length);
  if (e - offset < ETHERNET_HEADER_LENGTH) {
    throw new DecodeError('TRUNCATED', Math.max(offset, e), `Ethernet header needs ${ETHERNET_HEADER_LENGTH} bytes, ${Math.max(0, e - offset)} present`);
  }
  const vlanIds: number[] = [];
  const inner = skipVlanTags(buf, offset + ETHERNET_HEADER_LENGTH, (buf[offset + 12] << 8) | buf[offset + 13], e, vlanIds);
  return { dst: formatMac(buf, offset), src: formatMac(buf, offset + 6), etherType: inner.etherType, vlanIds, payloadOffset: inner.payloadOffset };
}

/** Bytes `encodeEthernet` writes: 14, or 18 with a VLAN tag. */
export function ethernetHeaderLength(h: { vlanId?: number }): number {
  return h.vlanId === undefined ? ETHERNET_HEADER_LENGTH : ETHERNET_HEADER_LENGTH + VLAN_TAG_LENGTH;
}

function macField(text: string, field: string): Buffer {
  try {
    return parseMac(text);
  } catch {
    throw new EncodeError('INVALID_FIELD', `${field} is not a MAC address: ${JSON.stringify(text)}`, field);
  }
}

/**
 * Writes an Ethernet II header at buf[offset] (a new buffer when none is given) and returns the buffer.
 * With `vlanId` an 802.1Q tag (priority 0, DEI 0) precedes `etherType`.
 * @throws EncodeError INVALID_FIELD (bad MAC, etherType not 0..0xffff, vlanId not 0..4095), BUFFER_TOO_SMALL.
 */
export function encodeEthernet(
  h: { dst: string; src: string; etherType: number; vlanId?: number },
  buf?: Buffer,
  offset = 0,
): Buffer {
  const dst = macField(h.dst, 'dst');
  const src = macField(h.src, 'src');
  if (!Number.isInteger(h.etherType) || h.etherType < 0 || h.etherType > 0xffff) {
    throw new EncodeError('INVALID_FIELD', `etherType must be an integer 0..0xffff, got ${h.etherType}`, 'etherType');
  }
  if (h.vlanId !== undefined && (!Number.isInteger(h.vlanId) || h.vlanId < 0 || h.vlanId > 4095)) {
    throw new EncodeError('INVALID_FIELD', `vlanId must be an integer 0..4095, got ${h.vlanId}`, 'vlanId');
  }
  const length = ethernetHeaderLength(h);
  if (!buf) buf = Buffer.alloc(offset + length);
  if (!Number.isInteger(offset) || offset < 0 || buf.length < offset + length) {
    throw new EncodeError('BUFFER_TOO_SMALL', `need ${length} bytes at offset ${offset}, buffer has ${buf.length}`);
  }
  buf.set(dst, offset);
  buf.set(src, offset + 6);
  let p = offset + 12;
  if (h.vlanId !== undefined) {
    buf.writeUInt16BE(ETHERTYPE_VLAN, p);
    buf.writeUInt16BE(h.vlanId, p + 2);
    p += VLAN_TAG_LENGTH;
  }
  buf.writeUInt16BE(h.etherType, p);
  return buf;
}
