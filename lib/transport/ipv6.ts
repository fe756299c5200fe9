/**
 * VRRP over IPv6: send on a raw socket (next header 112) to ff02::12 with hop limit 255; receive through a
 * libpcap capture, because a Linux raw IPv6 socket strips the header and the hop limit (RFC 9568 §7.1
 * rule 1) would need IPV6_RECVHOPLIMIT ancillary data that raw-socket cannot read.
 *
 * Checksum decision: the kernel computes it (IPV6_CHECKSUM, offset 6, RFC 3542 §3.1), because only the
 * kernel knows for sure which source address it picks; the caller may leave the field at any value.
 */
import { parseAddress } from '../packet/address';
import { IPPROTO_VRRP, VRRP_GROUP_V6, VRRP_TTL } from '../packet/constants';
import { decodeEthernet, ETHERTYPE_IPV6 } from '../packet/ethernet';
import { VRRP_TOS } from '../packet/frame';
import { TransportBase } from './base';
import { ForkedCapture } from './forked-capture';
import { bindToDevice, writeHostInt32 } from './ipv4';
import {
  IPPROTO_IPV6,
  IPV6_CHECKSUM,
  IPV6_JOIN_GROUP,
  IPV6_MULTICAST_HOPS,
  IPV6_MULTICAST_IF,
  IPV6_MULTICAST_LOOP,
  IPV6_TCLASS,
  IPV6_UNICAST_HOPS,
  RawSocket,
  rawSocketModule,
} from './native';
import { checkTransportOptions, TransportOptions, VrrpTransport } from './types';

/** Offset of the checksum in a VRRP message. */
export const VRRP_CHECKSUM_OFFSET = 6;
/**
 * BPF filter of the receive capture: VRRP directly after the fixed IPv6 header, not sent by this host
 * (libpcap also shows outgoing frames): not from this interface's own MAC or, on a vmac whose MAC the
 * peers share, not from our own source address `ownSource`. Adverts behind extension headers are not
 * seen; keepalived and FRR send none. Not `inbound`: with libpcap 1.10.3 that qualifier loses the first
 * matching frame after open (seen in namespaces).
 */
export function ipv6VrrpFilter(ownMac: string, ownSource?: string): string {
  return ownSource === undefined ? `ip6 and ip6[6] == 112 and not ether src ${ownMac}` : `ip6 and ip6[6] == 112 and not ip6 src ${ownSource}`;
}

/**
 * IPv6 VRRP transport. `send` takes the VRRP message (checksum filled in by the kernel). Needs
 * CAP_NET_RAW. @throws Error when the socket or the capture cannot be opened.
 */
export class Ipv6Transport extends TransportBase implements VrrpTransport {
  protected readonly socket: RawSocket;
  protected readonly unicastTtlOption: readonly [number, number] | null = [IPPROTO_IPV6, IPV6_UNICAST_HOPS];
  private readonly capture: ForkedCapture;
  /** Resolves once the capture child listens (frames before that are not seen). */
  readonly ready: Promise<void>;

  constructor(opts: TransportOptions) {
    super(6, opts.ifname, opts.lookup);
    checkTransportOptions(opts);
    const raw = rawSocketModule();
    const { ifindex, mac } = opts;
    this.socket = raw.createSocket({ addressFamily: raw.AddressFamily.IPv6, protocol: IPPROTO_VRRP });
    try {
      bindToDevice(this.socket, opts.ifname);
      this.socket.setOption(IPPROTO_IPV6, IPV6_CHECKSUM, VRRP_CHECKSUM_OFFSET);
      this.socket.setOption(IPPROTO_IPV6, IPV6_MULTICAST_IF, ifindex);
      this.socket.setOption(IPPROTO_IPV6, IPV6_MULTICAST_HOPS, VRRP_TTL);
      this.socket.setOption(IPPROTO_IPV6, IPV6_UNICAST_HOPS, VRRP_TTL);
      this.socket.setOption(IPPROTO_IPV6, IPV6_MULTICAST_LOOP, 0);
      this.socket.setOption(IPPROTO_IPV6, IPV6_TCLASS, VRRP_TOS);
      // Joining makes a real NIC accept 33:33:00:00:00:12 (33:33 + the low 32 bits of each configured group)
      // even when the capture is not promiscuous. The capture filter takes any destination.
      for (const g of opts.groups ?? [VRRP_GROUP_V6]) {
        const mreq = Buffer.alloc(20);
        parseAddress(g, 6).copy(mreq, 0);
        writeHostInt32(mreq, ifindex, 16);
        this.socket.setOption(IPPROTO_IPV6, IPV6_JOIN_GROUP, mreq, mreq.length);
      }
      this.capture = new ForkedCapture({ ifname: opts.ifname, filter: ipv6VrrpFilter(mac, opts.ownSource) });
    } catch (e) {
      this.socket.close();
      throw e;
    }
    // The socket only sends: what it would receive (no hop limit) comes through the capture instead.
    this.socket.pauseRecv();
    this.watchSocket();
    this.capture.on('frame', (frame: Buffer, receivedAt?: number) => this.onFrame(frame, receivedAt));
    // A capture child that died (e.g. its interface went down) is restarted; tell the daemon.
    this.capture.on('error', (err: Error) => this.emit('error', err));
    this.ready = this.capture.ready;
  }

  private onFrame(frame: Buffer, receivedAt?: number): void {
    let offset: number;
    try {
      const eth = decodeEthernet(frame);
      if (eth.etherType !== ETHERTYPE_IPV6) return;
      offset = eth.payloadOffset;
    } catch {
      return;
    }
    this.deliver(frame, offset, frame.length, receivedAt);
  }


  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.capture.close();
    this.socket.close();
  }
}
