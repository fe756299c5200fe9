/**
 * The public API of `vrrp`: the codec and receive rules (lib/packet), capture reading and writing
 * (lib/pcap), `inspect` records, tracker logic (lib/track), the virtual router (lib/fsm), the node core
 * (lib/node), the simulated LAN (lib/sim), the daemon as a class (`Vrrpd`), the platforms, and the error
 * tree. Nothing else lives here.
 */
export * from './errors';
export * from './packet/constants';
export * from './packet/address';
export * from './packet/checksum';
export * from './packet/advertisement';
export * from './packet/receive';
export * from './packet/ethernet';
export * from './packet/ip';
export * from './packet/ipv4';
export * from './packet/ipv6';
export * from './packet/link';
export * from './packet/arp';
export * from './packet/ndisc';
export * from './packet/frame';
export * from './pcap';
export * from './inspect/records';
export * from './track';
export * from './inspect/timeline';
export * from './fsm';
export * from './sim';
export * from './config';
export * from './node';
export { Vrrpd, FILE_POLL_MS } from './daemon/vrrpd';
export type { VrrpdOptions, VrrpdStatus } from './daemon/vrrpd';
export type { TransportFactory, TransportRequest } from './daemon/endpoints';
export type { Clock, TimerHandle } from './daemon/clock';
export type { LogFn, CommandRunner } from './daemon/executor';
export { MemoryPlatform, LinuxPlatform, ScriptPlatform } from './platform';
export type { Platform, LinkInfo, InterfaceAddress, Unsubscribe, VipDrops, VmacResult } from './platform';
export type { VrrpTransport, TransportCounters } from './transport/types';
