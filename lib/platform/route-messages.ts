/**
 * Pure builders of the rtnetlink messages for virtual routes, rules and VIP options: the `netlink`
 * package's (header, attributes) objects for RTM_NEWROUTE/DELROUTE (rtmsg + RTA_*), RTM_NEWRULE/DELRULE
 * (fib_rule_hdr + FRA_*) and RTM_NEWADDR/DELADDR (ifaddrmsg + IFA_*), from the resolved specs. Interface
 * names are resolved to indexes by the caller (`ifindexOf`). No I/O.
 */
import { endianness } from 'node:os';
import { rt } from 'netlink';
import { parseAddress } from '../packet/address';
import type { Family } from '../packet/constants';
import { ROUTE_METRIC_NAMES, splitCidr, type RouteSpec, type RuleSpec, type VipOptions } from './types';

export const AF_INET = 2;
export const AF_INET6 = 10;
/** RTNH_F_ONLINK in rtm_flags (`ip route ... onlink`). */
export const RTNH_F_ONLINK = 4;
/** RT_TABLE_COMPAT: rtm_table / fib_rule_hdr.table when the id needs RTA_TABLE / FRA_TABLE (> 255). */
const RT_TABLE_COMPAT = 252;
/** FIB_RULE_INVERT. */
const FIB_RULE_INVERT = 2;
/** Infinite lifetime in IFA_CACHEINFO (INFINITY_LIFE_TIME). */
const FOREVER = 0xffffffff;

const ROUTE_TYPES: Record<RouteSpec['type'], number> = {
  unicast: 1, local: 2, broadcast: 3, anycast: 4, multicast: 5, blackhole: 6, unreachable: 7, prohibit: 8, throw: 9, nat: 10,
};
const RULE_ACTIONS: Record<RuleSpec['action'], number> = { table: 1, goto: 2, nop: 3, blackhole: 6, unreachable: 7, prohibit: 8 };
/** RTA_METRICS attribute names of the package by ip-route(8) name (types.ts ROUTE_METRIC_NAMES). */
const METRICS: Record<(typeof ROUTE_METRIC_NAMES)[number], keyof rt.RouteMetrics> = {
  mtu: 'mtu', advmss: 'advmss', hoplimit: 'hoplimit', window: 'window', cwnd: 'cwnd', initcwnd: 'initcwnd', initrwnd: 'initrwnd',
  reordering: 'reordering', ssthresh: 'ssthresh',
};

const afOf = (f: Family): number => (f === 4 ? AF_INET : AF_INET6);
/** A u32 in host byte order (the kernel's) for attributes the package takes as bytes. */
const u32Host = (n: number): Buffer => {
  const b = Buffer.alloc(4);
  if (endianness() === 'LE') b.writeUInt32LE(n >>> 0);
  else b.writeUInt32BE(n >>> 0);
  return b;
};

/** A prefix "address/len" as bytes and length. */
function prefix(text: string, family: Family): { bytes: Buffer; len: number } {
  const { address, prefixLength } = splitCidr(text);
  return { bytes: Buffer.from(parseAddress(address, family)), len: prefixLength };
}

/** The rtmsg and RTA_* attributes of `route`. `scope` is filled in as ip-route(8) does when unset. */
export function routeMessage(route: RouteSpec, ifindexOf: (dev: string) => number, del = false): { data: rt.Route; attrs: rt.RouteAttrs } {
  const dst = prefix(route.dst, route.family);
  const type = ROUTE_TYPES[route.type];
  // ip route: delete matches any scope unless one is given; add: host for local, link for a unicast route
  // without gateway (and for broadcast/anycast/multicast), else universe.
  const scope = route.scope ?? (del ? 255 : route.type === 'local' || route.type === 'nat' ? 254
    : (route.type === 'unicast' && route.via === undefined) || route.type === 'broadcast' || route.type === 'anycast' || route.type === 'multicast' ? (route.family === 4 ? 253 : 0) : 0);
  const data: rt.Route = {
    family: afOf(route.family), dstLen: dst.len, srcLen: 0, tos: route.tos ?? 0, table: route.table > 255 ? RT_TABLE_COMPAT : route.table,
    protocol: route.protocol, scope, type, ...(route.onlink ? { flags: { __unknown: RTNH_F_ONLINK } } : {}),
  };
  const attrs: rt.RouteAttrs = { table: route.table };
  if (dst.len > 0) attrs.dst = dst.bytes;
  if (route.src !== undefined) attrs.prefsrc = Buffer.from(parseAddress(route.src, route.family));
  if (route.via !== undefined) attrs.gateway = Buffer.from(parseAddress(route.via, route.family));
  if (route.dev !== undefined) attrs.oif = ifindexOf(route.dev);
  if (route.metric !== undefined) attrs.priority = route.metric;
  const metrics: rt.RouteMetrics = {};
  for (const [k, v] of Object.entries(route.metrics)) {
    const name = (METRICS as Record<string, keyof rt.RouteMetrics | undefined>)[k];
    if (name === undefined) throw new TypeError(`route metric ${k} is not supported`);
    (metrics as Record<string, Buffer>)[name] = u32Host(v);
  }
  if (Object.keys(metrics).length > 0 && !del) attrs.metrics = metrics;
  return { data, attrs };
}

/** The fib_rule_hdr and FRA_* attributes of `rule`. */
export function ruleMessage(rule: RuleSpec): { data: rt.Rule; attrs: rt.RuleAttrs } {
  const from = rule.from !== undefined ? prefix(rule.from, rule.family) : undefined;
  const to = rule.to !== undefined ? prefix(rule.to, rule.family) : undefined;
  const table = rule.action === 'table' ? rule.table ?? 254 : undefined;
  const data: rt.Rule = {
    family: afOf(rule.family), dstLen: to?.len ?? 0, srcLen: from?.len ?? 0, tos: rule.tos ?? 0,
    table: table === undefined ? 0 : table > 255 ? RT_TABLE_COMPAT : table, action: RULE_ACTIONS[rule.action],
    ...(rule.invert ? { flags: { __unknown: FIB_RULE_INVERT } } : {}),
  };
  const attrs: rt.RuleAttrs = { protocol: rule.protocol };
  if (from && from.len > 0) attrs.src = from.bytes;
  if (to && to.len > 0) attrs.dst = to.bytes;
  if (table !== undefined) attrs.table = table;
  if (rule.preference !== undefined) attrs.priority = rule.preference;
  if (rule.iif !== undefined) attrs.iifname = rule.iif;
  if (rule.oif !== undefined) attrs.oifname = rule.oif;
  if (rule.fwmark !== undefined) attrs.fwmark = rule.fwmark;
  if (rule.fwmask !== undefined) attrs.fwmask = rule.fwmask;
  if (rule.goto !== undefined) attrs.goto = rule.goto;
  if (rule.l3mdev) attrs.l3Mdev = 1;
  if (rule.suppressPrefixLength !== undefined) attrs.suppressPrefixlen = u32Host(rule.suppressPrefixLength);
  if (rule.ipProto !== undefined) attrs.ipProto = rule.ipProto;
  if (rule.sport) attrs.sportRange = { start: rule.sport[0], end: rule.sport[1] };
  if (rule.dport) attrs.dportRange = { start: rule.dport[0], end: rule.dport[1] };
  if (rule.uidRange) attrs.uidRange = { start: rule.uidRange[0], end: rule.uidRange[1] };
  return { data, attrs };
}

/**
 * The ifaddrmsg and IFA_* attributes of VIP `address/prefixLength` on link `ifindex` with `opts`. IPv6 always
 * gets IFA_F_NODAD (a VIP must be usable at once, as keepalived does). With a peer, IFA_LOCAL is the address,
 * IFA_ADDRESS the peer and the prefix length the peer's.
 */
export function addressMessage(ifindex: number, family: Family, address: string, prefixLength: number, opts: VipOptions = {}, del = false): { data: rt.Address; attrs: rt.AddressAttrs } {
  const bytes = Buffer.from(parseAddress(address, family));
  const peer = opts.peer !== undefined ? prefix(opts.peer.includes('/') ? opts.peer : `${opts.peer}/${prefixLength}`, family) : undefined;
  const flags: rt.AddressFlags = {};
  if (family === 6 || opts.nodad) flags.nodad = true;
  if (opts.home) flags.homeaddress = true;
  if (opts.mngtmpaddr) flags.managetempaddr = true;
  if (opts.noprefixroute) flags.noprefixroute = true;
  if (opts.autojoin) flags.mcautojoin = true;
  // ifa_flags (8 bits) as before; IFA_FLAGS (32 bits, which the kernel prefers) carries them all.
  const data: rt.Address = { family: afOf(family), prefixlen: peer?.len ?? prefixLength, index: ifindex, ...(del ? {} : { flags: family === 6 ? { nodad: true } : {} }) };
  if (opts.scope !== undefined && !del) data.scope = opts.scope;
  const attrs: rt.AddressAttrs = family === 4 || peer ? { local: bytes, address: peer?.bytes ?? bytes } : { address: bytes };
  if (opts.label !== undefined) attrs.label = opts.label;
  if (del) return { data, attrs };
  if (Object.keys(flags).length > 0) attrs.flags = flags;
  if (opts.broadcast !== undefined) attrs.broadcast = Buffer.from(parseAddress(opts.broadcast, family));
  if (opts.preferredLftS !== undefined) attrs.cacheInfo = { ifaPrefered: opts.preferredLftS, ifaValid: FOREVER };
  return { data, attrs };
}
