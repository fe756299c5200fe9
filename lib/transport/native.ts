/**
 * Typed access to the two native modules the data plane uses: `raw-socket` (IP raw sockets) and `cap`
 * (libpcap capture and link-layer send). Only the calls this package makes are declared.
 */

/** A raw IP socket from `raw-socket` (see its README). */
export interface RawSocket {
  on(event: 'message', listener: (buf: Buffer, source: string) => void): this;
  on(event: 'error', listener: (err: Error) => void): this;
  on(event: 'close', listener: () => void): this;
  /** Queues `buf[offset, offset+length)` for `address`; `after` runs once it was handed to the kernel. */
  send(
    buf: Buffer,
    offset: number,
    length: number,
    address: string,
    before: (() => void) | null,
    after: (err: Error | null, bytes: number) => void,
  ): this;
  /** setsockopt with a buffer value (`length` bytes). */
  setOption(level: number, option: number, value: Buffer, length: number): void;
  /** setsockopt with a 32-bit unsigned integer value. */
  setOption(level: number, option: number, value: number): void;
  pauseRecv(): this;
  resumeRecv(): this;
  close(): this;
}

/** Options of raw-socket's `createSocket`. */
export interface RawSocketOptions {
  addressFamily: number;
  protocol: number;
  bufferSize?: number;
}

interface RawSocketModule {
  createSocket(opts: RawSocketOptions): RawSocket;
  AddressFamily: { IPv4: number; IPv6: number };
}

/** A libpcap handle from `cap`. */
export interface CapHandle {
  /** Opens `device` with a BPF `filter`; captured frames are written into `buffer`. Returns the link type. */
  open(device: string, filter: string, bufSize: number, buffer: Buffer): string;
  /** Sends `buffer[0, length)` as one link-layer frame. */
  send(buffer: Buffer, length?: number): void;
  close(): void;
  on(event: 'packet', listener: (nbytes: number, truncated: boolean) => void): this;
  removeAllListeners(event?: string): this;
}

interface CapModule {
  Cap: new () => CapHandle;
}

let rawModule: RawSocketModule | undefined;
let capModule: CapModule | undefined;

/** raw-socket, loaded on first use (it is a native addon; loading it needs no privilege, using it does). */
export function rawSocketModule(): RawSocketModule {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  rawModule ??= require('raw-socket') as RawSocketModule;
  return rawModule;
}

/** A new, unopened libpcap handle from `cap`. */
export function newCap(): CapHandle {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  capModule ??= require('cap') as CapModule;
  return new capModule.Cap();
}

/** Linux socket option levels and names used here (numeric values from the kernel's uapi headers). */
export const SOL_SOCKET = 1;
/** SOL_SOCKET option: bind to a device by name. */
export const SO_BINDTODEVICE = 25;
/** SOL_SOCKET options: send / receive buffer sizes past net.core.wmem_max / rmem_max (CAP_NET_ADMIN). */
export const SO_SNDBUFFORCE = 32;
export const SO_RCVBUFFORCE = 33;
/** Level of IPv4 options. */
export const IPPROTO_IP = 0;
/** IPv4 TOS byte. */
export const IP_TOS = 1;
/** IPv4 unicast TTL. */
export const IP_TTL = 2;
/** IPv4: outgoing multicast interface (struct ip_mreqn accepted). */
export const IP_MULTICAST_IF = 32;
/** IPv4 multicast TTL. */
export const IP_MULTICAST_TTL = 33;
/** IPv4 multicast loopback to local sockets. */
export const IP_MULTICAST_LOOP = 34;
/** IPv4 join a group (struct ip_mreqn). */
export const IP_ADD_MEMBERSHIP = 35;

/**
 * Send and receive buffer of the addon's sockets, in bytes: 510 adverts due in one turn (255 + 255 VRs at
 * 0.1 s) are ~650 KB of socket buffer, past the default 208 KiB, on a NIC whose queue holds them a while.
 */
export const SOCKET_BUFFER_BYTES = 1 << 20;
/** IP_MULTICAST_ALL: 0 = a socket gets only the multicast groups it joined itself (default 1: any joined on the host). */
export const IP_MULTICAST_ALL = 49;
/** SO_RCVBUF (SOL_SOCKET): receive buffer size; the kernel doubles it and keeps a floor of about 2 KiB. */
export const SO_RCVBUF = 8;
/** Level of IPv6 options. */
export const IPPROTO_IPV6 = 41;
/** IPv6 raw socket: kernel computes/verifies the checksum at this offset (RFC 3542 §3.1). */
export const IPV6_CHECKSUM = 7;
/** IPv6 unicast hop limit. */
export const IPV6_UNICAST_HOPS = 16;
/** IPv6 outgoing multicast interface (ifindex). */
export const IPV6_MULTICAST_IF = 17;
/** IPv6 multicast hop limit. */
export const IPV6_MULTICAST_HOPS = 18;
/** IPv6 multicast loopback. */
export const IPV6_MULTICAST_LOOP = 19;
/** IPv6 join a group (struct ipv6_mreq). */
export const IPV6_JOIN_GROUP = 20;
/** IPv6 Traffic Class. */
export const IPV6_TCLASS = 67;
/** IPv6 (Linux 4.15): send from an address the interface does not hold (yet). */
export const IPV6_FREEBIND = 78;
