/**
 * VRRP over IPv4 on two raw sockets (protocol 112) bound to one interface: raw-socket's sends, multicast to
 * 224.0.0.18 (or the configured groups) with TTL 255; the package addon's receives (recvmsg, so each packet
 * comes with the kernel's receive time: a backup's Master_Down_Timer runs from the advert's arrival, as
 * for IPv6), the IP header included so rule 1 (TTL 255, RFC 9568 §7.1) can be checked. The groups are
 * joined on the receive socket only; the send socket takes no multicast (IP_MULTICAST_ALL 0), is never read
 * (raw-socket's receive paused) and keeps a minimal buffer for the unicast packets it would queue.
 */
import { endianness } from 'node:os';
import { parseAddress } from '../packet/address';
import { IPPROTO_VRRP, VRRP_GROUP_V4, VRRP_TTL } from '../packet/constants';
import { VRRP_TOS } from '../packet/frame';
import { check, errnoError, optionSetter, vrrpSocketAddon, type VrrpSocketAddon, type WatchHandle } from './addon';
import { RawSocketTransport } from './raw-socket-transport';
import {
  IP_ADD_MEMBERSHIP,
  IP_MULTICAST_ALL,
  IP_MULTICAST_IF,
  IP_MULTICAST_LOOP,
  IP_MULTICAST_TTL,
  IP_TOS,
  IP_TTL,
  IPPROTO_IP,
  RawSocket,
  rawSocketModule,
  SO_BINDTODEVICE,
  SO_RCVBUF,
  SO_RCVBUFFORCE,
  SOCKET_BUFFER_BYTES,
  SOL_SOCKET,
} from './native';
import { checkTransportOptions, TransportOptions, VrrpTransport } from './types';

/** Writes a C `int` in host byte order. */
export function writeHostInt32(buf: Buffer, value: number, offset: number): void {
  if (endianness() === 'LE') buf.writeInt32LE(value, offset);
  else buf.writeInt32BE(value, offset);
}

/** struct ip_mreqn { multiaddr, address (any), ifindex } for IP_ADD_MEMBERSHIP / IP_MULTICAST_IF. */
function ipMreqn(group: string, ifindex: number): Buffer {
  const buf = Buffer.alloc(12);
  parseAddress(group, 4).copy(buf, 0);
  writeHostInt32(buf, ifindex, 8);
  return buf;
}

/** Binds a raw socket to a device by name (SO_BINDTODEVICE). */
export function bindToDevice(socket: RawSocket, ifname: string): void {
  const name = Buffer.from(`${ifname}\0`, 'utf8');
  socket.setOption(SOL_SOCKET, SO_BINDTODEVICE, name, name.length);
}

/**
 * IPv4 VRRP transport. The kernel writes the IP header (TTL 255: IP_MULTICAST_TTL for the group, IP_TTL for
 * unicast peers), so `send` takes the VRRP message whose checksum the caller computed
 * with the interface's primary address as source (the address the kernel picks for the bound device).
 * Needs CAP_NET_RAW. @throws Error when the socket cannot be created or an option is refused.
 */
export class Ipv4Transport extends RawSocketTransport implements VrrpTransport {
  protected readonly socket: RawSocket;
  protected readonly unicastTtlOption: readonly [number, number] | null = [IPPROTO_IP, IP_TTL];
  private readonly addon: VrrpSocketAddon;
  /** The receive socket (addon socket4) and its poll. */
  private readonly rxFd: number;
  private readonly watchHandle: WatchHandle;
  /** Where the addon writes each received packet. */
  private readonly rx = Buffer.allocUnsafe(65535);

  constructor(opts: TransportOptions) {
    super(4, opts.ifname, opts.lookup);
    checkTransportOptions(opts);
    const raw = rawSocketModule();
    const { ifindex } = opts;
    this.addon = vrrpSocketAddon();
    this.socket = raw.createSocket({ addressFamily: raw.AddressFamily.IPv4, protocol: IPPROTO_VRRP, bufferSize: 65535 });
    this.socket.pauseRecv();
    let rxFd = -1;
    try {
      bindToDevice(this.socket, opts.ifname);
      const mreqn = ipMreqn(VRRP_GROUP_V4, ifindex);
      this.socket.setOption(IPPROTO_IP, IP_MULTICAST_IF, mreqn, mreqn.length);
      this.socket.setOption(IPPROTO_IP, IP_MULTICAST_ALL, 0);
      this.socket.setOption(SOL_SOCKET, SO_RCVBUF, 1);
      this.socket.setOption(IPPROTO_IP, IP_MULTICAST_TTL, VRRP_TTL);
      this.socket.setOption(IPPROTO_IP, IP_TTL, VRRP_TTL);
      this.socket.setOption(IPPROTO_IP, IP_MULTICAST_LOOP, 0);
      this.socket.setOption(IPPROTO_IP, IP_TOS, VRRP_TOS);
      rxFd = check('socket(AF_INET, SOCK_RAW, 112)', this.addon.socket4(IPPROTO_VRRP));
      const set = optionSetter(this.addon, rxFd, opts.ifname);
      set('SO_BINDTODEVICE', SOL_SOCKET, SO_BINDTODEVICE, Buffer.from(`${opts.ifname}\0`, 'utf8'));
      set('SO_RCVBUFFORCE', SOL_SOCKET, SO_RCVBUFFORCE, SOCKET_BUFFER_BYTES);
      // Unjoined groups are dropped by the kernel before any raw socket sees them.
      for (const g of opts.groups ?? [VRRP_GROUP_V4]) set(`IP_ADD_MEMBERSHIP ${g}`, IPPROTO_IP, IP_ADD_MEMBERSHIP, ipMreqn(g, ifindex));
      const h = this.addon.watch4(rxFd, this.rx, (n, i, age) => this.polled(this.rx, n, i, age));
      if (typeof h === 'number') throw errnoError(`${opts.ifname}: poll`, h);
      this.watchHandle = h;
    } catch (e) {
      this.socket.close();
      if (rxFd >= 0) this.addon.closeFd(rxFd);
      throw e;
    }
    this.rxFd = rxFd;
    this.watchSocket();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.addon.unwatch(this.watchHandle);
    this.addon.closeFd(this.rxFd);
    this.socket.close();
  }
}
