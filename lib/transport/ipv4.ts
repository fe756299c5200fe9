/**
 * VRRP over IPv4 on a raw socket (protocol 112): multicast to 224.0.0.18 (or the configured groups, all
 * joined) with TTL 255 out of one
 * interface, and receive with the IP header included so rule 1 (TTL 255, RFC 9568 §7.1) can be checked.
 */
import { endianness } from 'node:os';
import { parseAddress } from '../packet/address';
import { IPPROTO_VRRP, VRRP_GROUP_V4, VRRP_TTL } from '../packet/constants';
import { VRRP_TOS } from '../packet/frame';
import { RawSocketTransport } from './raw-socket-transport';
import {
  IP_ADD_MEMBERSHIP,
  IP_MULTICAST_IF,
  IP_MULTICAST_LOOP,
  IP_MULTICAST_TTL,
  IP_TOS,
  IP_TTL,
  IPPROTO_IP,
  RawSocket,
  rawSocketModule,
  SO_BINDTODEVICE,
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

  constructor(opts: TransportOptions) {
    super(4, opts.ifname, opts.lookup);
    checkTransportOptions(opts);
    const raw = rawSocketModule();
    const { ifindex } = opts;
    this.socket = raw.createSocket({ addressFamily: raw.AddressFamily.IPv4, protocol: IPPROTO_VRRP, bufferSize: 65535 });
    try {
      bindToDevice(this.socket, opts.ifname);
      const mreqn = ipMreqn(VRRP_GROUP_V4, ifindex);
      this.socket.setOption(IPPROTO_IP, IP_MULTICAST_IF, mreqn, mreqn.length);
      // Unjoined groups are dropped by the kernel before any raw socket sees them.
      for (const g of opts.groups ?? [VRRP_GROUP_V4]) {
        const m = ipMreqn(g, ifindex);
        this.socket.setOption(IPPROTO_IP, IP_ADD_MEMBERSHIP, m, m.length);
      }
      this.socket.setOption(IPPROTO_IP, IP_MULTICAST_TTL, VRRP_TTL);
      this.socket.setOption(IPPROTO_IP, IP_TTL, VRRP_TTL);
      this.socket.setOption(IPPROTO_IP, IP_MULTICAST_LOOP, 0);
      this.socket.setOption(IPPROTO_IP, IP_TOS, VRRP_TOS);
    } catch (e) {
      this.socket.close();
      throw e;
    }
    this.socket.on('message', (buf) => this.deliver(buf, 0, buf.length));
    this.watchSocket();
  }


  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.socket.close();
  }
}
