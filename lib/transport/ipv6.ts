/**
 * VRRP over IPv6 on the package's own raw socket (./addon.ts, next header 112): sent to ff02::12 (or the
 * configured group, or a unicast peer) with hop limit 255, from the instance's own source; received in
 * this process with each packet's hop limit and destination, which a Linux raw IPv6 socket strips with the
 * header (RFC 9568 §7.1 rule 1 needs the hop limit: IPV6_RECVHOPLIMIT, RFC 3542 §6).
 *
 * Source and checksum: each send carries its source in IPV6_PKTINFO (`src` of `send`, the address the node
 * computed the message's checksum for), so the kernel neither selects a source (a scan of every address of
 * the interface, 122-137 us per send with a MASTER's 255 IPv6 VIPs on it) nor touches the checksum. No
 * IPV6_CHECKSUM: on receive it would make the kernel drop bad checksums unseen; they are counted here as
 * BAD_CHECKSUM. IPV6_FREEBIND lets a vmac's link-local leave from the base (vmac_xmit_base) and a tentative
 * link-local leave at all, as the frames keepalived writes itself do.
 */
import { isMulticastAddress, parseAddress } from '../packet/address';
import { IPPROTO_VRRP, VRRP_GROUP_V6, VRRP_TTL } from '../packet/constants';
import { VRRP_TOS } from '../packet/frame';
import { check, errnoError, optionSetter, VrrpSocketAddon, vrrpSocketAddon, WATCH_BUFFER_BYTES, WatchHandle } from './addon';
import { TransportBase } from './base';
import { writeHostInt32 } from './ipv4';
import {
  IPPROTO_IPV6,
  IPV6_JOIN_GROUP,
  IPV6_MULTICAST_HOPS,
  IPV6_MULTICAST_IF,
  IPV6_MULTICAST_LOOP,
  IPV6_TCLASS,
  IPV6_UNICAST_HOPS,
  IPV6_FREEBIND,
  SO_BINDTODEVICE,
  SO_RCVBUFFORCE,
  SO_SNDBUFFORCE,
  SOCKET_BUFFER_BYTES,
  SOL_SOCKET,
} from './native';
import { SendQueue } from './send-queue';
import { checkTransportOptions, SENT, TransportOptions, VrrpTransport } from './types';

/** The 16 bytes of an IPv6 address text, kept per text (a node sends from and to a handful). */
class AddressBytes {
  private readonly map = new Map<string, Buffer>();

  get(text: string): Buffer {
    let b = this.map.get(text);
    if (!b) {
      b = parseAddress(text, 6);
      if (this.map.size > 256) this.map.clear();
      this.map.set(text, b);
    }
    return b;
  }
}

/**
 * IPv6 VRRP transport. `send` takes the VRRP message with its checksum computed for `src` (without `src`:
 * for `ownSource`, else the kernel picks the source and the checksum must fit it). Needs CAP_NET_RAW.
 * @throws Error when the addon is not built or the socket cannot be set up.
 */
export class Ipv6Transport extends TransportBase implements VrrpTransport {
  private readonly addon: VrrpSocketAddon;
  private readonly fd: number;
  private readonly ifindex: number;
  private readonly ownSource: Buffer | null;
  private readonly watchHandle: WatchHandle;
  /** Where the addon writes each received packet (behind its rebuilt IPv6 header). */
  private readonly rx = Buffer.allocUnsafe(WATCH_BUFFER_BYTES);
  private readonly addresses = new AddressBytes();
  private readonly queue = new SendQueue('sendmsg', this.stats);

  constructor(opts: TransportOptions) {
    super(6, opts.ifname, opts.lookup);
    checkTransportOptions(opts);
    this.addon = vrrpSocketAddon();
    this.ifindex = opts.ifindex;
    this.fd = check('socket(AF_INET6, SOCK_RAW, 112)', this.addon.socket6(IPPROTO_VRRP));
    try {
      const set = optionSetter(this.addon, this.fd, opts.ifname);
      set('SO_BINDTODEVICE', SOL_SOCKET, SO_BINDTODEVICE, Buffer.from(`${opts.ifname}\0`, 'utf8'));
      set('IPV6_MULTICAST_IF', IPPROTO_IPV6, IPV6_MULTICAST_IF, opts.ifindex);
      set('IPV6_MULTICAST_HOPS', IPPROTO_IPV6, IPV6_MULTICAST_HOPS, VRRP_TTL);
      set('IPV6_UNICAST_HOPS', IPPROTO_IPV6, IPV6_UNICAST_HOPS, VRRP_TTL);
      set('IPV6_MULTICAST_LOOP', IPPROTO_IPV6, IPV6_MULTICAST_LOOP, 0);
      set('IPV6_TCLASS', IPPROTO_IPV6, IPV6_TCLASS, VRRP_TOS);
      set('IPV6_FREEBIND', IPPROTO_IPV6, IPV6_FREEBIND, 1);
      set('SO_SNDBUFFORCE', SOL_SOCKET, SO_SNDBUFFORCE, SOCKET_BUFFER_BYTES);
      set('SO_RCVBUFFORCE', SOL_SOCKET, SO_RCVBUFFORCE, SOCKET_BUFFER_BYTES);
      // Unjoined groups are dropped by the kernel before any raw socket sees them; joining also makes a real
      // NIC accept 33:33 + the group's low 32 bits.
      for (const g of opts.groups ?? [VRRP_GROUP_V6]) {
        const mreq = Buffer.alloc(20);
        parseAddress(g, 6).copy(mreq, 0);
        writeHostInt32(mreq, opts.ifindex, 16);
        set(`IPV6_JOIN_GROUP ${g}`, IPPROTO_IPV6, IPV6_JOIN_GROUP, mreq);
      }
      this.ownSource = opts.ownSource === undefined ? null : parseAddress(opts.ownSource, 6);
      const h = this.addon.watch(this.fd, this.rx, IPPROTO_VRRP, (n, i, age) => this.polled(this.rx, n, i, age));
      if (typeof h === 'number') throw errnoError(`${opts.ifname}: poll`, h);
      this.watchHandle = h;
    } catch (e) {
      this.addon.closeFd(this.fd);
      throw e;
    }
  }

  /**
   * Sends one VRRP message (see VrrpTransport.send): to a multicast `dst` with hop limit 255, to a unicast
   * one with `ttl`, from `src`. Resolves when the kernel took it; rejects with the errno.
   */
  send(message: Uint8Array, dst: string = VRRP_GROUP_V6, ttl: number = VRRP_TTL, src?: string): Promise<void> {
    if (this.closed) return Promise.reject(new Error('transport closed'));
    const buf = Buffer.isBuffer(message) ? message : Buffer.from(message.buffer, message.byteOffset, message.byteLength);
    // The group's text compared first: parsing it per advert was garbage at 5,100 adverts a second.
    const hop = dst === VRRP_GROUP_V6 || isMulticastAddress(dst) ? VRRP_TTL : ttl;
    const to = this.addresses.get(dst);
    const from = src === undefined ? this.ownSource : this.addresses.get(src);
    // The common case without a closure: nothing waiting and the kernel takes it.
    if (this.queue.length === 0) {
      const rc = this.addon.send6(this.fd, buf, buf.length, to, from, this.ifindex, hop);
      if (rc >= 0) {
        this.stats.sent++;
        return SENT;
      }
      return this.queue.refused(rc, () => this.addon.send6(this.fd, buf, buf.length, to, from, this.ifindex, hop));
    }
    return this.queue.send(() => this.addon.send6(this.fd, buf, buf.length, to, from, this.ifindex, hop));
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.addon.unwatch(this.watchHandle);
    this.queue.clear(new Error('transport closed'));
    this.addon.closeFd(this.fd);
  }
}
