/**
 * The packet I/O contract between the daemon and the operating system: send a VRRP advertisement, hear
 * the valid ones, count the rest by receive rule (RFC 9568 §7.1).
 */
import type { Family } from '../packet/constants';
import type { DropReason, InstanceLookup, IpInfo, ReceiveResult } from '../packet/receive';

/** What a transport has seen since it was opened. */
export interface TransportCounters {
  /** Packets read off the wire (before validation). */
  received: number;
  /** Packets that passed every receive rule and were emitted as 'advert'. */
  accepted: number;
  /** Dropped packets by reason (only reasons seen are present). */
  dropped: Partial<Record<DropReason, number>>;
  /** Advertisements handed to the kernel / driver. */
  sent: number;
  /** Sends the kernel or driver refused. */
  sendErrors: number;
}

/** Listener of valid advertisements: the VRRP message bytes, the IP facts, and the full verdict. */
export type AdvertListener = (bytes: Buffer, ip: IpInfo, result: ReceiveResult, receivedAt?: number) => void;
/** Listener of dropped packets (for logs and `inspect`; counters are kept either way). */
export type DropListener = (reason: NonNullable<ReceiveResult['reason']>, result: ReceiveResult, receivedAt?: number) => void;
/*
 * `receivedAt`: when the packet arrived (performance.now() milliseconds), given when the transport knows it
 * earlier than the event fires: both IP transports from the kernel's receive stamp (SO_TIMESTAMPNS, the
 * addon's receive sockets), so a backup's Master_Down_Timer runs from the advert's arrival, not from when
 * the event loop got to it; test doubles. Absent: the packet arrived just now.
 */

/**
 * What `send` returns when the kernel took the message inside the call: one shared resolved promise, so
 * a caller can tell (`=== SENT`) and skip its rejection handler (5,100 adverts a second at 510 VRs).
 */
export const SENT: Promise<void> = Promise.resolve();

/** Options shared by the IP transports. */
export interface TransportOptions {
  /** Interface to send on and listen on (e.g. "eth0"). */
  ifname: string;
  /**
   * Index of `ifname` (IP_MULTICAST_IF, IP_ADD_MEMBERSHIP, IPV6_MULTICAST_IF, IPV6_JOIN_GROUP), as the
   * platform's `links()` reports it. A re-created interface has a new one: open a new transport.
   */
  ifindex: number;
  /**
   * Link-layer address of `ifname`, "aa:bb:cc:dd:ee:ff" (platform `links()`): checked, so a transport is
   * opened only on an Ethernet-like interface (the one VRRP runs on, RFC 9568 §7.3).
   */
  mac: string;
  /** Instance lookup for the configuration-dependent rules; without it only the wire rules apply. */
  lookup?: InstanceLookup;
  /**
   * IPv6 on a `use_vmac` interface: the link-local address we send from when `send` is given no `src`
   * (the daemon always gives it).
   */
  ownSource?: string;
  /**
   * Multicast groups joined on `ifname` (IP_ADD_MEMBERSHIP / IPV6_JOIN_GROUP): every group the instances on
   * it use (`vrrp_mcast_group4/6`, `mcast_dst_ip`). Default: the IANA group, 224.0.0.18 / ff02::12.
   */
  groups?: readonly string[];
}

/**
 * Sends and receives VRRP advertisements on one interface and address family. Received packets go
 * through `receiveIp`; valid ones are emitted as 'advert', the others counted under their DropReason
 * and emitted as 'drop'. Never throws for bad input from the network.
 */
export interface VrrpTransport {
  readonly family: Family;
  readonly ifname: string;
  /**
   * Sends one VRRP message (the bytes after the IP header, checksum already filled in) to `dst`, default
   * the VRRP group (224.0.0.18 / ff02::12), TTL 255.
   * `ttl` (`unicast_ttl`, 0..255) applies to a unicast `dst` only; multicast always leaves with 255.
   * `src` is the IP source the message's checksum was computed for (the instance's primary address); the
   * IPv6 transport sends from it (./ipv6.ts). Resolves when the kernel
   * took it; rejects with the socket error.
   */
  send(message: Uint8Array, dst?: string, ttl?: number, src?: string): Promise<void>;
  on(event: 'advert', listener: AdvertListener): this;
  on(event: 'drop', listener: DropListener): this;
  on(event: 'error', listener: (err: Error) => void): this;
  /** The socket closed itself (raw-socket does so after a poll error): the transport is dead. */
  on(event: 'closed', listener: () => void): this;
  /** A snapshot of the counters. */
  counters(): TransportCounters;
  /** When present, resolves once receiving works (a transport that opens its receive asynchronously). */
  readonly ready?: Promise<void>;
  /** Closes the sockets / capture; idempotent. */
  close(): void;
}

/** @throws Error when `opts.ifindex` is not a positive integer or `opts.mac` is not "aa:bb:cc:dd:ee:ff". */
export function checkTransportOptions(opts: TransportOptions): void {
  if (!Number.isInteger(opts.ifindex) || opts.ifindex <= 0) throw new Error(`${opts.ifname}: ifindex must be a positive integer, got ${String(opts.ifindex)}`);
  if (!/^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/i.test(opts.mac)) throw new Error(`${opts.ifname}: mac must be "aa:bb:cc:dd:ee:ff", got ${JSON.stringify(opts.mac)}`);
}

/** New zeroed counters. */
export function emptyCounters(): TransportCounters {
  return { received: 0, accepted: 0, dropped: {}, sent: 0, sendErrors: 0 };
}

/** Copies counters (so callers cannot mutate the transport's own). */
export function copyCounters(c: TransportCounters): TransportCounters {
  return { ...c, dropped: { ...c.dropped } };
}

/** What a transport is opened with. `source` (`use_vmac`): our address on the base interface. */
export interface TransportRequest {
  family: Family;
  ifname: string;
  ifindex: number;
  mac: string;
  lookup: InstanceLookup;
  /**
   * IPv4 must send with it (not the VIP the kernel would pick on a vmac); IPv6 sends with it (the vmac's
   * link-local) and must tell its own adverts by it, not by the shared MAC.
   */
  source?: string;
  /** Multicast groups to join (TransportOptions.groups). */
  groups?: readonly string[];
}

/** Opens a transport (raw sockets in production, doubles in tests). @throws Error when it cannot. */
export type TransportFactory = (req: TransportRequest) => VrrpTransport;

