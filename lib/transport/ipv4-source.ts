/**
 * IPv4 VRRP transport that writes the IP header itself (IP_HDRINCL), so adverts carry a chosen source
 * address whatever the kernel would pick. Needed for `use_vmac`: the macvlan holds the VIPs, so the kernel
 * would send from a VIP, while keepalived (IP_HDRINCL too) sends from the base interface's primary
 * address, the address the checksum and the peers' view of the master use (RFC 9568 §5.1.1.1, §7.1).
 */
import { isMulticastAddress } from '../packet/address';
import { IPPROTO_VRRP, VRRP_GROUP_V4, VRRP_TTL } from '../packet/constants';
import { VRRP_TOS } from '../packet/frame';
import { encodeIPv4, IPV4_HEADER_LENGTH } from '../packet/ipv4';
import { Ipv4Transport } from './ipv4';
import { IPPROTO_IP } from './native';
import { TransportOptions, VrrpTransport } from './types';

/** Linux IP_HDRINCL (include the IP header in what is sent). */
export const IP_HDRINCL = 3;

/** `Ipv4Transport` sending with source `source` (receive unchanged). @throws Error as Ipv4Transport. */
export class Ipv4SourceTransport extends Ipv4Transport implements VrrpTransport {
  /** The TTL is written in our own header. */
  protected override readonly unicastTtlOption = null;

  constructor(opts: TransportOptions, readonly source: string) {
    super(opts);
    try {
      this.socket.setOption(IPPROTO_IP, IP_HDRINCL, 1);
    } catch (e) {
      this.close();
      throw e;
    }
  }

  /**
   * Prepends the IPv4 header (TTL 255, or `ttl` to a unicast `dst`; TOS 0xc0, protocol 112; the kernel
   * fills ID and checksum).
   */
  override send(message: Uint8Array, dst: string = VRRP_GROUP_V4, ttl: number = VRRP_TTL): Promise<void> {
    const packet = Buffer.alloc(IPV4_HEADER_LENGTH + message.length);
    const t = isMulticastAddress(dst) ? VRRP_TTL : ttl;
    encodeIPv4({ src: this.source, dst, ttl: t, protocol: IPPROTO_VRRP, tos: VRRP_TOS }, message.length, packet, 0);
    packet.set(message, IPV4_HEADER_LENGTH);
    return super.send(packet, dst);
  }
}
