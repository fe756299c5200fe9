/** VIP announcements read from an observer's capture with our own decoders (tshark.ts has the second opinion). */
import { decodeArp } from '../../lib/packet/arp';
import { decodeEthernet, ETHERTYPE_ARP, ETHERTYPE_IPV6 } from '../../lib/packet/ethernet';
import { decodeIp } from '../../lib/packet/ip';
import { decodeNeighborAdvert, ICMPV6_NEIGHBOR_ADVERT, IPPROTO_ICMPV6 } from '../../lib/packet/ndisc';

/** A gratuitous ARP or unsolicited NA for `ip`, seen at `time` (seconds since the epoch). */
export interface Announce {
  time: number;
  srcMac: string;
  ip: string;
  /** ARP sender MAC / NA target link-layer address option. */
  mac?: string;
  /** NA flags (undefined for ARP). */
  router?: boolean;
  override?: boolean;
}

/** Gratuitous ARPs (sender IP = target IP) and unsolicited NAs with a good checksum, in capture order. */
export function announcements(frames: Iterable<{ data: Buffer; seconds: number; nanos: number }>): Announce[] {
  const out: Announce[] = [];
  for (const f of frames) {
    try {
      const eth = decodeEthernet(f.data);
      const time = f.seconds + f.nanos / 1e9;
      if (eth.etherType === ETHERTYPE_ARP) {
        const arp = decodeArp(f.data, eth.payloadOffset);
        if (arp.senderIp === arp.targetIp) out.push({ time, srcMac: eth.src, ip: arp.senderIp, mac: arp.senderMac });
      } else if (eth.etherType === ETHERTYPE_IPV6) {
        const ip = decodeIp(f.data, eth.payloadOffset);
        if (ip.protocol !== IPPROTO_ICMPV6 || f.data[ip.payloadOffset] !== ICMPV6_NEIGHBOR_ADVERT) continue;
        const na = decodeNeighborAdvert(f.data, ip.payloadOffset, ip.payloadEnd, ip.srcBytes, ip.dstBytes);
        if (!na.solicited && na.checksumOk) {
          out.push({ time, srcMac: eth.src, ip: na.target, mac: na.targetMac, router: na.router, override: na.override });
        }
      }
    } catch {
      // not an announcement we can read
    }
  }
  return out;
}
