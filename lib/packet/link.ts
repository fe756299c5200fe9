/**
 * Link-layer decapsulation of captured frames by pcap LINKTYPE (https://www.tcpdump.org/linktypes.html):
 * Ethernet, Linux cooked capture v1/v2, raw IP and BSD loopback. Yields the EtherType and where the
 * network-layer packet starts.
 */
import { DecodeError } from '../errors';
import { ETHERTYPE_IPV4, ETHERTYPE_IPV6, decodeEthernet, formatMac, skipVlanTags } from './ethernet';

/** LINKTYPE_ETHERNET (DLT_EN10MB). */
export const LINKTYPE_ETHERNET = 1;
/** LINKTYPE_NULL: BSD loopback, 4-byte address family in the capturing host's byte order. */
export const LINKTYPE_NULL = 0;
/** LINKTYPE_LOOP: OpenBSD loopback, 4-byte address family in network byte order. */
export const LINKTYPE_LOOP = 108;
/** LINKTYPE_RAW: raw IPv4 or IPv6, told apart by the version nibble. */
export const LINKTYPE_RAW = 101;
/** DLT_RAW as most systems write it in files: raw IP, by version nibble. */
export const DLT_RAW_12 = 12;
/** DLT_RAW as OpenBSD writes it in files: raw IP, by version nibble. */
export const DLT_RAW_14 = 14;
/** LINKTYPE_IPV4: raw IPv4. */
export const LINKTYPE_IPV4 = 228;
/** LINKTYPE_IPV6: raw IPv6. */
export const LINKTYPE_IPV6 = 229;
/** LINKTYPE_LINUX_SLL: Linux cooked capture v1, 16-byte header, protocol at 14. */
export const LINKTYPE_LINUX_SLL = 113;
/** LINKTYPE_LINUX_SLL2: Linux cooked capture v2, 20-byte header, protocol at 0. */
export const LINKTYPE_LINUX_SLL2 = 276;

const SLL_HEADER_LENGTH = 16;
const SLL2_HEADER_LENGTH = 20;
const ARPHRD_ETHER = 1;
/** Address family values meaning IPv6 on the BSDs, macOS and Linux. */
const AF_INET = 2;
const AF_INET6_VALUES = new Set([10, 24, 28, 30]);

/** A frame with its link-layer header removed. */
export interface Decapsulated {
  /**
   * EtherType of the payload (0x0800 IPv4, 0x86dd IPv6, 0x0806 ARP, ...). 0 when the link header names
   * no EtherType we know (e.g. a BSD loopback family other than IPv4/IPv6).
   */
  etherType: number;
  /** Absolute offset in the buffer where the network-layer packet starts. */
  payloadOffset: number;
  /** Source MAC when the link header carries one (Ethernet; cooked captures of Ethernet devices). */
  srcMac?: string;
  /** Destination MAC (Ethernet only). */
  dstMac?: string;
  /** VLAN ids of the tags skipped, outermost first. */
  vlanIds: number[];
  /** Linux cooked capture packet type: 0 to us, 1 broadcast, 2 multicast, 3 to another host, 4 sent by us. */
  packetType?: number;
}

function truncated(offset: number, e: number, need: number, what: string): DecodeError {
  return new DecodeError('TRUNCATED', Math.max(offset, e), `${what} needs ${need} bytes, ${Math.max(0, e - offset)} present`);
}

function rawIp(buf: Uint8Array, offset: number, e: number): Decapsulated {
  if (e - offset < 1) throw truncated(offset, e, 1, 'raw IP packet');
  const version = buf[offset] >> 4;
  if (version === 4) return { etherType: ETHERTYPE_IPV4, payloadOffset: offset, vlanIds: [] };
  if (version === 6) return { etherType: ETHERTYPE_IPV6, payloadOffset: offset, vlanIds: [] };
  throw new DecodeError('BAD_IP_HEADER', offset, `IP version ${version} is neither 4 nor 6`);
}

function loopback(buf: Uint8Array, offset: number, e: number, networkOrder: boolean): Decapsulated {
  if (e - offset < 4) throw truncated(offset, e, 4, 'loopback header');
  const be = ((buf[offset] << 24) | (buf[offset + 1] << 16) | (buf[offset + 2] << 8) | buf[offset + 3]) >>> 0;
  const le = ((buf[offset + 3] << 24) | (buf[offset + 2] << 16) | (buf[offset + 1] << 8) | buf[offset]) >>> 0;
  // Host order is unknown for LINKTYPE_NULL; the family is small, so the order that gives a small value wins.
  const family = networkOrder || be <= 0xffff ? be : le;
  let etherType = 0;
  if (family === AF_INET) etherType = ETHERTYPE_IPV4;
  else if (AF_INET6_VALUES.has(family)) etherType = ETHERTYPE_IPV6;
  return { etherType, payloadOffset: offset + 4, vlanIds: [] };
}

function cooked(buf: Uint8Array, offset: number, e: number, v2: boolean): Decapsulated {
  const length = v2 ? SLL2_HEADER_LENGTH : SLL_HEADER_LENGTH;
  if (e - offset < length) throw truncated(offset, e, length, v2 ? 'Linux SLL2 header' : 'Linux SLL header');
  const u16 = (at: number): number => (buf[offset + at] << 8) | buf[offset + at + 1];
  const protocol = v2 ? u16(0) : u16(14);
  const hatype = v2 ? u16(8) : u16(2);
  const packetType = v2 ? buf[offset + 10] : u16(0);
  const addrLength = v2 ? buf[offset + 11] : u16(4);
  const addrAt = offset + (v2 ? 12 : 6);
  const vlanIds: number[] = [];
  const inner = skipVlanTags(buf, offset + length, protocol, e, vlanIds);
  const out: Decapsulated = { etherType: inner.etherType, payloadOffset: inner.payloadOffset, vlanIds, packetType };
  if (hatype === ARPHRD_ETHER && addrLength === 6) out.srcMac = formatMac(buf, addrAt);
  return out;
}

/**
 * Removes the link-layer header of a captured frame at buf[offset, end) (`end` defaults to buf.length).
 * `linkType` is the pcap LINKTYPE: 1 Ethernet (802.1Q/802.1ad tags skipped), 113 Linux SLL, 276 Linux SLL2,
 * 101/12/14 raw IP, 228/229 raw IPv4/IPv6, 0 BSD loopback, 108 OpenBSD loopback.
 * @throws DecodeError UNSUPPORTED_LINK_TYPE, TRUNCATED, BAD_IP_HEADER (raw IP whose version nibble is not 4 or 6).
 */
export function decapsulate(linkType: number, buf: Uint8Array, offset = 0, end?: number): Decapsulated {
  const e = Math.min(end ?? buf.length, buf.length);
  switch (linkType) {
    case LINKTYPE_ETHERNET: {
      const h = decodeEthernet(buf, offset, e);
      return { etherType: h.etherType, payloadOffset: h.payloadOffset, srcMac: h.src, dstMac: h.dst, vlanIds: h.vlanIds };
    }
    case LINKTYPE_LINUX_SLL:
      return cooked(buf, offset, e, false);
    case LINKTYPE_LINUX_SLL2:
      return cooked(buf, offset, e, true);
    case LINKTYPE_RAW:
    case DLT_RAW_12:
    case DLT_RAW_14:
      return rawIp(buf, offset, e);
    case LINKTYPE_IPV4:
      return { etherType: ETHERTYPE_IPV4, payloadOffset: offset, vlanIds: [] };
    case LINKTYPE_IPV6:
      return { etherType: ETHERTYPE_IPV6, payloadOffset: offset, vlanIds: [] };
    case LINKTYPE_NULL:
      return loopback(buf, offset, e, false);
    case LINKTYPE_LOOP:
      return loopback(buf, offset, e, true);
    default:
      throw new DecodeError('UNSUPPORTED_LINK_TYPE', offset, `link type ${linkType} is not supported`);
  }
}
