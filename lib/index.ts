/**
 * The public API of `vrrp`: the codec and receive rules (lib/packet), capture reading and writing
 * (lib/pcap), `inspect` records, tracker logic (lib/track), and the error tree. Nothing else lives here.
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
