/**
 * VRRP over IPv6: send on a raw socket (next header 112) to ff02::12 with hop limit 255; receive through a
 * libpcap capture, because a Linux raw IPv6 socket strips the header and the hop limit (RFC 9568 §7.1
 * rule 1) would need IPV6_RECVHOPLIMIT ancillary data that raw-socket cannot read.
 *
 * Checksum decision: on the raw socket the kernel computes it (IPV6_CHECKSUM, offset 6, RFC 3542 §3.1),
 * because it picks the source address; the caller may leave the field at any value there.
 *
 * Many adverts at once: the raw socket is not bound to a source (raw-socket has no bind()), so the kernel
 * selects a source for every send, scanning every address of the interface: with a MASTER's 255 IPv6 VIPs
 * on it a send cost 122-137 us against 12 us with 3 addresses (a namespace, 3,000 sends each), 32% of a
 * core at 255 VRs at 0.1 s, and 510 adverts due together held the event loop ~40 ms (advert jitter). So
 * past RAW_SENDS_PER_TURN multicast adverts in one event-loop turn, the rest leave as whole frames, from
 * the instance's own source (`src` of `send`, for which the node computed the checksum), through the
 * link-layer child's libpcap handle (10 us a frame whatever the address count); a frame the child cannot
 * take is sent on the raw socket instead. One takeover's first advert still takes the raw socket (no IPC hop).
 */
import { parseAddress } from '../packet/address';
import { IPPROTO_VRRP, VRRP_GROUP_V6, VRRP_TTL } from '../packet/constants';
import { decodeEthernet, ETHERTYPE_IPV6 } from '../packet/ethernet';
import { ipv6AdvertHeader, VRRP_TOS } from '../packet/frame';
import { isMulticastAddress } from '../packet/address';
import { TransportBase } from './base';
import { ForkedCapture } from './forked-capture';
import { ForkedSender } from './forked-sender';
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
/** Multicast adverts per event-loop turn sent on the raw socket; the turn's others go as frames (see above). */
export const RAW_SENDS_PER_TURN = 4;
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
  /** Whole frames through the link-layer child (adverts past RAW_SENDS_PER_TURN in a turn). */
  private readonly frames: ForkedSender;
  /** The interface MAC, the source of those frames. */
  private readonly mac: string;
  /** Multicast sends in this event-loop turn. */
  private turnSends = 0;
  /** Ethernet + IPv6 headers by "src dst length". */
  private readonly headers = new Map<string, Buffer>();
  /** Frames sent through the link-layer child, and those it could not take (then sent on the raw socket). */
  frameSends = 0;
  frameFallbacks = 0;
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
    this.mac = mac;
    this.frames = new ForkedSender(opts.ifname);
    void this.frames.open();
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


  /**
   * Sends one VRRP message (see VrrpTransport.send). With `src`, a multicast advert past the turn's first
   * RAW_SENDS_PER_TURN leaves as a frame through the link-layer child, or on the raw socket if it fails.
   */
  override send(message: Uint8Array, dst: string = VRRP_GROUP_V6, ttl: number = VRRP_TTL, src?: string): Promise<void> {
    // The group's text compared first: parsing it per advert was most of this method's garbage.
    if (src === undefined || this.closed || (dst !== VRRP_GROUP_V6 && !isMulticastAddress(dst))) return super.send(message, dst, ttl);
    if (this.turnSends++ === 0) setImmediate(() => (this.turnSends = 0));
    if (this.turnSends <= RAW_SENDS_PER_TURN) return super.send(message, dst, ttl);
    let frame: Buffer;
    try {
      frame = Buffer.concat([this.header(src, dst, message.length), message]);
    } catch {
      return super.send(message, dst, ttl);
    }
    return this.frames.send(frame).then(
      () => {
        this.frameSends++;
        this.stats.sent++;
      },
      () => {
        this.frameFallbacks++;
        return super.send(message, dst, ttl);
      },
    );
  }

  private header(src: string, dst: string, length: number): Buffer {
    const k = `${src} ${dst} ${length}`;
    let h = this.headers.get(k);
    if (!h) {
      h = ipv6AdvertHeader(this.mac, src, dst, length);
      if (this.headers.size > 64) this.headers.clear();
      this.headers.set(k, h);
    }
    return h;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.capture.close();
    void this.frames.close();
    this.socket.close();
  }
}
