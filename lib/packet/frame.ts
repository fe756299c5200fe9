/**
 * Whole VRRP advertisement frames (Ethernet + IPv4/IPv6 + VRRP) for link-layer send, tests and fixtures.
 * Defaults follow RFC 9568 §5.1 and what keepalived and FRR put on the wire.
 */
import { EncodeError } from '../errors';
import { parseAddress } from './address';
import { Advertisement, encode, encodingLength } from './advertisement';
import { ChecksumForm } from './checksum';
import { IPPROTO_VRRP, VRRP_GROUP_V4, VRRP_GROUP_V6, VRRP_TTL } from './constants';
import { ETHERNET_HEADER_LENGTH, ETHERTYPE_IPV4, ETHERTYPE_IPV6, encodeEthernet, ethernetHeaderLength, multicastMac } from './ethernet';
import { encodeIPv4, IPV4_HEADER_LENGTH } from './ipv4';
import { encodeIPv6, IPV6_HEADER_LENGTH } from './ipv6';

/**
 * IPv4 TOS / IPv6 Traffic Class of VRRP adverts: 0xc0, precedence 6 "internetwork control" (DSCP CS6).
 * keepalived (IP_TOS and IPV6_TCLASS 0xc0) and FRR vrrpd (IPTOS_PREC_INTERNETCONTROL) both send it.
 */
export const VRRP_TOS = 0xc0;

/** Options of `buildAdvertFrame`. */
export interface AdvertFrameOptions {
  /** Ethernet source: the virtual MAC (RFC 9568 §7.3), or the interface MAC as keepalived does without use_vmac. */
  srcMac: string;
  /** Ethernet destination; default the multicast MAC of `dst` (01:00:5e:00:00:12 / 33:33:00:00:00:12). Required for unicast `dst`. */
  dstMac?: string;
  /** IP source: the primary address (IPv4) or link-local address (IPv6) of the interface. */
  src: string;
  /** IP destination; default 224.0.0.18 / ff02::12 by the advert's family; a peer address in unicast mode. */
  dst?: string;
  /** TTL / hop limit; default 255 (RFC 9568 §5.1.1.3, §5.1.2.3). */
  ttl?: number;
  /** IPv4 TOS or IPv6 Traffic Class; default 0xc0. */
  tos?: number;
  /** IPv4 Identification; default 0. A sender should pass a counter (DF is not set). */
  id?: number;
  /** The advertisement; its `family` picks IPv4 or IPv6. */
  advert: Advertisement;
  /** v3 over IPv4 only: 'pseudo-header' (default) or 'message-only'; see ./checksum.ts. */
  checksum?: ChecksumForm;
  /** 802.1Q tag to add (only when sending below the VLAN device). */
  vlanId?: number;
}

/** Bytes `buildAdvertFrame` produces for these options. */
export function advertFrameLength(opts: Pick<AdvertFrameOptions, 'advert' | 'vlanId'>): number {
  const ipLength = opts.advert.family === 4 ? IPV4_HEADER_LENGTH : IPV6_HEADER_LENGTH;
  return ethernetHeaderLength(opts) + ipLength + encodingLength(opts.advert);
}

/**
 * The Ethernet + IPv6 header (54 bytes) of a VRRP message of `length` bytes from `src` to the multicast
 * `dst` (hop limit 255, traffic class VRRP_TOS), sent from `srcMac` to the group's MAC: what a frame around
 * an already encoded message (its checksum computed for `src` and `dst`) starts with.
 * @throws EncodeError on a bad address or MAC, or a unicast `dst`.
 */
export function ipv6AdvertHeader(srcMac: string, src: string, dst: string, length: number): Buffer {
  const eth = { dst: multicastMac(addressBytes(dst)), src: srcMac, etherType: ETHERTYPE_IPV6 };
  const buf = Buffer.alloc(ETHERNET_HEADER_LENGTH + IPV6_HEADER_LENGTH);
  encodeEthernet(eth, buf, 0);
  encodeIPv6({ src, dst, hopLimit: VRRP_TTL, nextHeader: IPPROTO_VRRP, trafficClass: VRRP_TOS }, length, buf, ETHERNET_HEADER_LENGTH);
  return buf;
}

/** The bytes of IPv6 address `text`. @throws EncodeError when it is not one. */
function addressBytes(text: string): Uint8Array {
  try {
    return parseAddress(text, 6);
  } catch {
    throw new EncodeError('INVALID_FIELD', `${text} is not an IPv6 address`, 'dst');
  }
}

/**
 * Builds an Ethernet frame carrying `opts.advert` in an IPv4 (protocol 112, DF clear) or IPv6 (next header
 * 112) packet, with the IPv4 header checksum and the VRRP checksum filled in.
 * @throws EncodeError INVALID_FIELD (addresses not of the advert's family, unicast `dst` without `dstMac`,
 * any field out of range), and whatever advertisement `encode` throws.
 */
export function buildAdvertFrame(opts: AdvertFrameOptions): Buffer {
  const { advert } = opts;
  const family = advert.family;
  const dst = opts.dst ?? (family === 4 ? VRRP_GROUP_V4 : VRRP_GROUP_V6);
  let dstBytes: Uint8Array;
  try {
    parseAddress(opts.src, family);
    dstBytes = parseAddress(dst, family);
  } catch {
    throw new EncodeError('INVALID_FIELD', `src ${opts.src} and dst ${dst} must both be IPv${family} addresses`, 'src');
  }
  let dstMac = opts.dstMac;
  if (dstMac === undefined) {
    try {
      dstMac = multicastMac(dstBytes);
    } catch {
      throw new EncodeError('INVALID_FIELD', `dst ${dst} is unicast: give dstMac`, 'dstMac');
    }
  }
  const eth = { dst: dstMac, src: opts.srcMac, etherType: family === 4 ? ETHERTYPE_IPV4 : ETHERTYPE_IPV6, vlanId: opts.vlanId };
  const ipAt = ethernetHeaderLength(eth);
  const vrrpLength = encodingLength(advert);
  const buf = Buffer.alloc(advertFrameLength(opts));
  encodeEthernet(eth, buf, 0);
  const ttl = opts.ttl ?? VRRP_TTL;
  const tos = opts.tos ?? VRRP_TOS;
  let vrrpAt: number;
  if (family === 4) {
    encodeIPv4({ src: opts.src, dst, ttl, protocol: IPPROTO_VRRP, tos, id: opts.id }, vrrpLength, buf, ipAt);
    vrrpAt = ipAt + IPV4_HEADER_LENGTH;
  } else {
    encodeIPv6({ src: opts.src, dst, hopLimit: ttl, nextHeader: IPPROTO_VRRP, trafficClass: tos }, vrrpLength, buf, ipAt);
    vrrpAt = ipAt + IPV6_HEADER_LENGTH;
  }
  encode(advert, buf, vrrpAt, { checksum: opts.checksum, src: opts.src, dst });
  return buf;
}
