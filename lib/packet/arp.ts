/**
 * ARP over Ethernet for IPv4 (RFC 826): the gratuitous ARP a new Master sends for each virtual address
 * (RFC 9568 §6.4.1, §7.3), and a decoder for captures and tests.
 */
import { DecodeError, EncodeError } from '../errors';
import { formatIPv4, parseAddress } from './address';
import { BROADCAST_MAC, ETHERTYPE_ARP, ETHERTYPE_IPV4, encodeEthernet, ethernetHeaderLength, formatMac, parseMac } from './ethernet';

/** Bytes of an Ethernet/IPv4 ARP packet (without the Ethernet header). */
export const ARP_LENGTH = 28;
/** ARP operation: request. */
export const ARP_OP_REQUEST = 1;
/** ARP operation: reply. */
export const ARP_OP_REPLY = 2;
/** ARP hardware type of Ethernet. */
export const ARP_HTYPE_ETHERNET = 1;
const ZERO_MAC = '00:00:00:00:00:00';

/** Options of `buildGratuitousArp`. */
export interface GratuitousArpOptions {
  /** Ethernet source and ARP sender hardware address: the virtual MAC, or the interface MAC (keepalived's default). */
  senderMac: string;
  /** The IPv4 address announced: ARP sender and target protocol address. */
  ip: string;
  /** 802.1Q tag to add (only when sending below the VLAN device). */
  vlanId?: number;
  /** Send the ARP Reply form instead of the Request form. Default false. */
  reply?: boolean;
  /**
   * ARP target hardware address. Default: 00:00:00:00:00:00 for a request (RFC 5227 §2.3, §3), the sender
   * MAC for a reply (RFC 5944 §4.6; what `arping -A` sends). keepalived 2.x and FRR put ff:ff:ff:ff:ff:ff
   * in their request-form GARP; pass that here to match them byte for byte.
   */
  targetMac?: string;
}

/** A decoded ARP packet with 6-byte hardware and 4-byte IPv4 protocol addresses. */
export interface ArpPacket {
  /** 1 request, 2 reply. */
  op: number;
  senderMac: string;
  senderIp: string;
  targetMac: string;
  targetIp: string;
  /** Hardware type (1 Ethernet; 6 IEEE 802 is seen too). */
  hardwareType: number;
}

function field<T>(parse: () => T, name: string, what: string, value: string): T {
  try {
    return parse();
  } catch {
    throw new EncodeError('INVALID_FIELD', `${name} is not ${what}: ${JSON.stringify(value)}`, name);
  }
}

/**
 * Builds a whole Ethernet frame carrying a gratuitous ARP for `ip`: Ethernet destination
 * ff:ff:ff:ff:ff:ff, source `senderMac`, EtherType 0x0806; ARP htype 1, ptype 0x0800, sender = target
 * protocol address = `ip`, sender hardware address = `senderMac`. The request form (default) is RFC 5227
 * §3's "ARP Announcement"; the reply form is RFC 5944 §4.6's. The frame is 42 bytes (46 with a VLAN tag),
 * not padded to Ethernet's 60-byte minimum: the NIC pads on send.
 * @throws EncodeError INVALID_FIELD (bad MAC, `ip` not IPv4, vlanId out of range).
 */
export function buildGratuitousArp(opts: GratuitousArpOptions): Buffer {
  const sender = field(() => parseMac(opts.senderMac), 'senderMac', 'a MAC address', opts.senderMac);
  const ip = field(() => parseAddress(opts.ip, 4), 'ip', 'an IPv4 address', opts.ip);
  const op = opts.reply ? ARP_OP_REPLY : ARP_OP_REQUEST;
  const targetText = opts.targetMac ?? (opts.reply ? opts.senderMac : ZERO_MAC);
  const target = field(() => parseMac(targetText), 'targetMac', 'a MAC address', targetText);
  const eth = { dst: BROADCAST_MAC, src: opts.senderMac, etherType: ETHERTYPE_ARP, vlanId: opts.vlanId };
  const p = ethernetHeaderLength(eth);
  const buf = encodeEthernet(eth, Buffer.alloc(p + ARP_LENGTH), 0);
  buf.writeUInt16BE(ARP_HTYPE_ETHERNET, p);
  buf.writeUInt16BE(ETHERTYPE_IPV4, p + 2);
  buf[p + 4] = 6;
  buf[p + 5] = 4;
  buf.writeUInt16BE(op, p + 6);
  buf.set(sender, p + 8);
  buf.set(ip, p + 14);
  buf.set(target, p + 18);
  buf.set(ip, p + 24);
  return buf;
}

/**
 * Reads the ARP packet at buf[offset, end) (the Ethernet payload; `end` defaults to buf.length).
 * Only IPv4-over-6-byte-hardware ARP is decoded; the operation is reported as is.
 * @throws DecodeError TRUNCATED (fewer than 8 bytes, or than the address lengths need), BAD_IP_HEADER
 * (protocol type not 0x0800, hardware length not 6 or protocol length not 4; errors.ts has no ARP code yet).
 */
export function decodeArp(buf: Uint8Array, offset = 0, end?: number): ArpPacket {
  const e = Math.min(end ?? buf.length, buf.length);
  if (e - offset < 8) {
    throw new DecodeError('TRUNCATED', Math.max(offset, e), `ARP header needs 8 bytes, ${Math.max(0, e - offset)} present`);
  }
  const hardwareType = (buf[offset] << 8) | buf[offset + 1];
  const protocolType = (buf[offset + 2] << 8) | buf[offset + 3];
  const hlen = buf[offset + 4];
  const plen = buf[offset + 5];
  const need = 8 + 2 * hlen + 2 * plen;
  if (e - offset < need) {
    throw new DecodeError('TRUNCATED', e, `ARP packet needs ${need} bytes, ${e - offset} present`);
  }
  if (protocolType !== ETHERTYPE_IPV4 || hlen !== 6 || plen !== 4) {
    throw new DecodeError('BAD_IP_HEADER', offset + 2, `ARP for protocol 0x${protocolType.toString(16)} with address lengths ${hlen}/${plen} is not IPv4 over Ethernet`);
  }
  return {
    op: (buf[offset + 6] << 8) | buf[offset + 7],
    senderMac: formatMac(buf, offset + 8),
    senderIp: formatIPv4(buf, offset + 14),
    targetMac: formatMac(buf, offset + 18),
    targetIp: formatIPv4(buf, offset + 24),
    hardwareType,
  };
}
