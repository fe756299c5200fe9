/** Packet I/O: the VRRP transports (raw sockets, libpcap) and link-layer frame send. */
export { type TransportCounters, type VrrpTransport, type AdvertListener, type DropListener, type TransportOptions, emptyCounters } from './types';
export { Ipv4Transport } from './ipv4';
export { Ipv6Transport } from './ipv6';
export { PacketSender } from './packet-sender';
export { LinkCapture, LinkSender, type LinkCaptureOptions } from './capture';

import { Family } from '../packet/constants';
import { Ipv4Transport } from './ipv4';
import { Ipv6Transport } from './ipv6';
import { TransportOptions, VrrpTransport } from './types';

/** Opens the transport of `family` on `opts.ifname`. @throws Error as the transport's constructor. */
export function openTransport(family: Family, opts: TransportOptions): VrrpTransport {
  return family === 4 ? new Ipv4Transport(opts) : new Ipv6Transport(opts);
}
