/**
 * IPv6 Neighbor Advertisement (RFC 4861 §4.4): the unsolicited NA a new Master sends for each virtual
 * IPv6 address (RFC 9568 §6.4.1, §7.3; RFC 4861 §7.2.6), and a decoder for captures and tests.
 */
import { DecodeError, EncodeError } from '../errors';
import { formatIPv6, parseAddress } from './address';
import { finishChecksum, onesSum, pseudoHeaderSum } from './checksum';
import { ETHERTYPE_IPV6, encodeEthernet, ethernetHeaderLength, formatMac, multicastMac, parseMac } from './ethernet';
import { encodeIPv6, IPV6_HEADER_LENGTH } from './ipv6';

/** IPv6 Next Header of ICMPv6. */
export const IPPROTO_ICMPV6 = 58;
/** ICMPv6 type of a Neighbor Advertisement. */
export const ICMPV6_NEIGHBOR_ADVERT = 136;
/** Bytes of an NA before its options: type, code, checksum, flags + reserved, target. */
export const NA_HEADER_LENGTH = 24;
/** ND option type Target Link-Layer Address (RFC 4861 §4.6.1). */
export const ND_OPT_TARGET_LINK_ADDRESS = 2;
/** NA Router flag, in the byte after the checksum (RFC 4861 §4.4). */
export const NA_FLAG_ROUTER = 0x80;
/** NA Solicited flag; always clear in an unsolicited NA (RFC 4861 §7.2.6). */
export const NA_FLAG_SOLICITED = 0x40;
/** NA Override flag. */
export const NA_FLAG_OVERRIDE = 0x20;
/** All-nodes link-local multicast group, destination of unsolicited NAs. */
export const ALL_NODES_V6 = 'ff02::1';
/** Hop limit that ND messages must carry (RFC 4861 §7.1.2). */
export const ND_HOP_LIMIT = 255;

const NA_WITH_TLLA_LENGTH = NA_HEADER_LENGTH + 8;

/** Options of `buildUnsolicitedNa`. */
export interface UnsolicitedNaOptions {
  /** Ethernet source and Target Link-Layer Address: the virtual MAC, or the interface MAC. */
  srcMac: string;
  /** IPv6 source: the interface's link-local address. */
  srcIp: string;
  /** The virtual IPv6 address announced. */
  target: string;
  /** Router flag; default true (we are a router). */
  router?: boolean;
  /** Override flag; default true (RFC 4861 §7.2.6 for an address that moved). */
  override?: boolean;
  /** IPv6 destination; default ff02::1. */
  dst?: string;
  /** Ethernet destination; default the multicast MAC of `dst` (RFC 2464 §7), 33:33:00:00:00:01 for ff02::1. */
  dstMac?: string;
  /** 802.1Q tag to add (only when sending below the VLAN device). */
  vlanId?: number;
}

/** A decoded Neighbor Advertisement. */
export interface NeighborAdvert {
  router: boolean;
  solicited: boolean;
  override: boolean;
  /** Target Address text. */
  target: string;
  /** Target Link-Layer Address option, when present. */
  targetMac?: string;
  /** True when the ICMPv6 checksum verifies with the RFC 8200 pseudo-header; false when src/dst were not given. */
  checksumOk: boolean;
  /** Checksum field as received. */
  checksum: number;
}

function field<T>(parse: () => T, name: string, what: string, value: string): T {
  try {
    return parse();
  } catch {
    throw new EncodeError('INVALID_FIELD', `${name} is not ${what}: ${JSON.stringify(value)}`, name);
  }
}

/**
 * Builds a whole Ethernet frame carrying an unsolicited Neighbor Advertisement for `target`: IPv6 hop
 * limit 255, ICMPv6 type 136 code 0, flags R (default set), S clear (RFC 4861 §7.2.6), O (default set),
 * one Target Link-Layer Address option holding `srcMac`, and the ICMPv6 checksum over the RFC 8200 §8.1
 * pseudo-header. 86 bytes (90 with a VLAN tag).
 * @throws EncodeError INVALID_FIELD (bad MAC or IPv6 address; `dst` unicast without `dstMac`).
 */
export function buildUnsolicitedNa(opts: UnsolicitedNaOptions): Buffer {
  const mac = field(() => parseMac(opts.srcMac), 'srcMac', 'a MAC address', opts.srcMac);
  const src = field(() => parseAddress(opts.srcIp, 6), 'srcIp', 'an IPv6 address', opts.srcIp);
  const target = field(() => parseAddress(opts.target, 6), 'target', 'an IPv6 address', opts.target);
  const dstText = opts.dst ?? ALL_NODES_V6;
  const dst = field(() => parseAddress(dstText, 6), 'dst', 'an IPv6 address', dstText);
  let dstMac = opts.dstMac;
  if (dstMac === undefined) {
    try {
      dstMac = multicastMac(dst);
    } catch {
      throw new EncodeError('INVALID_FIELD', `dst ${dstText} is unicast: give dstMac`, 'dstMac');
    }
  }
  const eth = { dst: dstMac, src: opts.srcMac, etherType: ETHERTYPE_IPV6, vlanId: opts.vlanId };
  const ipAt = ethernetHeaderLength(eth);
  const p = ipAt + IPV6_HEADER_LENGTH;
  const buf = encodeEthernet(eth, Buffer.alloc(p + NA_WITH_TLLA_LENGTH), 0);
  encodeIPv6({ src: opts.srcIp, dst: dstText, hopLimit: ND_HOP_LIMIT, nextHeader: IPPROTO_ICMPV6 }, NA_WITH_TLLA_LENGTH, buf, ipAt);
  buf[p] = ICMPV6_NEIGHBOR_ADVERT;
  buf[p + 4] = ((opts.router ?? true) ? NA_FLAG_ROUTER : 0) | ((opts.override ?? true) ? NA_FLAG_OVERRIDE : 0);
  buf.set(target, p + 8);
  buf[p + 24] = ND_OPT_TARGET_LINK_ADDRESS;
  buf[p + 25] = 1; // option length in units of 8 bytes
  buf.set(mac, p + 26);
  const sum = onesSum(buf, p, p + NA_WITH_TLLA_LENGTH, pseudoHeaderSum(src, dst, NA_WITH_TLLA_LENGTH, IPPROTO_ICMPV6));
  buf.writeUInt16BE(finishChecksum(sum), p + 2);
  return buf;
}

/**
 * Reads the Neighbor Advertisement at buf[offset, end): `offset` at the ICMPv6 message, `end` its end (the
 * IPv6 payload end; default buf.length). With the IPv6 source and destination bytes the checksum is verified.
 * Options other than Target Link-Layer Address are skipped.
 * @throws DecodeError TRUNCATED (fewer than 24 bytes; an option runs past `end`), BAD_IP_HEADER (ICMPv6 type
 * not 136 or code not 0; an option of length 0, which RFC 4861 §4.6 says to discard; errors.ts has no ND code yet).
 */
export function decodeNeighborAdvert(buf: Uint8Array, offset = 0, end?: number, src?: Uint8Array, dst?: Uint8Array): NeighborAdvert {
  const e = Math.min(end ?? buf.length, buf.length);
  if (e - offset < NA_HEADER_LENGTH) {
    throw new DecodeError('TRUNCATED', Math.max(offset, e), `Neighbor Advertisement needs ${NA_HEADER_LENGTH} bytes, ${Math.max(0, e - offset)} present`);
  }
  if (buf[offset] !== ICMPV6_NEIGHBOR_ADVERT || buf[offset + 1] !== 0) {
    throw new DecodeError('BAD_IP_HEADER', offset, `ICMPv6 type ${buf[offset]} code ${buf[offset + 1]} is not a Neighbor Advertisement`);
  }
  let targetMac: string | undefined;
  for (let p = offset + NA_HEADER_LENGTH; p < e; ) {
    if (e - p < 2) throw new DecodeError('TRUNCATED', e, 'ND option header needs 2 bytes');
    const length = buf[p + 1] * 8;
    if (length === 0) throw new DecodeError('BAD_IP_HEADER', p + 1, 'ND option of length 0');
    if (e - p < length) throw new DecodeError('TRUNCATED', e, `ND option needs ${length} bytes, ${e - p} present`);
    if (buf[p] === ND_OPT_TARGET_LINK_ADDRESS && length === 8 && targetMac === undefined) targetMac = formatMac(buf, p + 2);
    p += length;
  }
  const flags = buf[offset + 4];
  let checksumOk = false;
  if (src && dst) {
    const length = e - offset;
    checksumOk = finishChecksum(onesSum(buf, offset, e, pseudoHeaderSum(src, dst, length, IPPROTO_ICMPV6))) === 0;
  }
  const out: NeighborAdvert = {
    router: (flags & NA_FLAG_ROUTER) !== 0,
    solicited: (flags & NA_FLAG_SOLICITED) !== 0,
    override: (flags & NA_FLAG_OVERRIDE) !== 0,
    target: formatIPv6(buf, offset + 8),
    checksumOk,
    checksum: (buf[offset + 2] << 8) | buf[offset + 3],
  };
  if (targetMac !== undefined) out.targetMac = targetMac;
  return out;
}
