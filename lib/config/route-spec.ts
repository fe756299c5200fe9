/**
 * `virtual_routes`, `virtual_rules` and the per-address options of `virtual_ipaddress` as the platform
 * installs them (lib/platform/types.ts RouteSpec, RuleSpec, VipOptions): names resolved to numbers,
 * keepalived's defaults applied (protocol 18 "keepalived" on routes and rules, as keepalived 2.2.7 installs
 * them). What cannot be applied is listed: `skip` reasons (the entry is not installed: it would send traffic
 * elsewhere than configured) and `dropped` options (installed without them). Pure.
 */
import { familyOf, formatAddress, parseAddress } from '../packet/address';
import { ROUTE_METRIC_NAMES, type RouteSpec, type RouteType, type RuleSpec, type VipOptions } from '../platform/types';
import type { VirtualAddress, VirtualRoute, VirtualRule } from './types';

/** RTPROT_KEEPALIVED: the protocol keepalived gives its routes and rules (iproute2 rt_protos "keepalived"). */
export const RTPROT_KEEPALIVED = 18;

/** What resolving an entry found. */
export interface Resolved<T> {
  spec: T;
  /** Why the entry is not installed (empty: it is). */
  skip: string[];
  /** Options installed without (with the reason). */
  dropped: string[];
}

const TABLES: Record<string, number> = { default: 253, main: 254, local: 255 };
const PROTOCOLS: Record<string, number> = {
  redirect: 1, kernel: 2, boot: 3, static: 4, gated: 8, ra: 9, mrt: 10, zebra: 11, bird: 12, dnrouted: 13, xorp: 14, ntk: 15, dhcp: 16,
  keepalived: 18, babel: 42, bgp: 186, isis: 187, ospf: 188, rip: 189, eigrp: 192,
};
const SCOPES: Record<string, number> = { global: 0, universe: 0, site: 200, link: 253, host: 254, nowhere: 255 };
const IP_PROTOS: Record<string, number> = { icmp: 1, tcp: 6, udp: 17, ipv6_icmp: 58, 'ipv6-icmp': 58, sctp: 132, dccp: 33 };
/** Route options that change where traffic goes: not applying them would install another route. */
const ROUTE_SKIP: Record<string, string> = {
  encap: 'lightweight tunnel encapsulation is not supported', realms: 'route realms are not supported', vrf: 'VRF routes are not supported (give the VRF table number with table)',
  nhid: 'nexthop objects are not supported', 'ttl-propagate': 'MPLS TTL propagation is not supported',
};
/** Route options applied without: tuning only. */
const ROUTE_DROP = new Set(['rtt', 'rttvar', 'rto_min', 'quickack', 'congctl', 'fastopen_no_cookie', 'features', 'pref', 'expires']);

function int(text: string, max: number): number | undefined {
  if (!/^(0x[0-9a-f]+|\d+)$/i.test(text)) return undefined;
  const n = Number(text);
  return n <= max ? n : undefined;
}

/** A table id: a number or main / local / default. */
function tableOf(text: string, skip: string[]): number {
  const n = TABLES[text] ?? int(text, 0xffffffff);
  if (n === undefined) skip.push(`table '${text}' is not a number, main, local or default (give its number from /etc/iproute2/rt_tables)`);
  return n ?? 254;
}

function named(text: string, names: Record<string, number>, what: string, max: number, skip: string[]): number {
  const n = names[text] ?? int(text, max);
  if (n === undefined) skip.push(`${what} '${text}' is not known (give a number 0..${max})`);
  return n ?? 0;
}

/** "addr" or "addr/len" with the host bits as written, "default"/"all" as the whole family. */
function prefixOf(text: string, family: 4 | 6): string {
  if (text === 'default' || text === 'all') return family === 4 ? '0.0.0.0/0' : '::/0';
  const [a, len] = text.split('/');
  return `${a}/${len ?? (family === 4 ? 32 : 128)}`;
}

/** One `virtual_routes` entry. */
export function resolveRoute(r: VirtualRoute): Resolved<RouteSpec> {
  const skip: string[] = [];
  const dropped: string[] = [];
  const spec: RouteSpec = {
    family: r.family, type: (r.type ?? 'unicast') as RouteType, dst: prefixOf(r.to, r.family), table: 254, protocol: RTPROT_KEEPALIVED,
    onlink: false, append: false, metrics: {},
  };
  if (r.src !== undefined) spec.src = r.src;
  if (r.via !== undefined) {
    if (familyOf(r.via) !== r.family) skip.push(`a gateway of another family (via inet${r.family === 4 ? '6' : ''}) is not supported`);
    spec.via = r.via;
  }
  if (r.or !== undefined) skip.push("the alternative gateway 'or' is not supported");
  if (r.nexthops.length > 0) skip.push('multipath routes (nexthop) are not supported');
  if (r.dev !== undefined) spec.dev = r.dev;
  if (r.scope !== undefined) spec.scope = named(r.scope, SCOPES, 'scope', 255, skip);
  if (r.table !== undefined) spec.table = tableOf(r.table, skip);
  if (r.metric !== undefined) {
    const n = int(r.metric, 0xffffffff);
    if (n === undefined) skip.push(`metric '${r.metric}' is not a number`);
    else spec.metric = n;
  }
  for (const [k, v] of Object.entries(r.options)) {
    if (k === 'protocol' || k === 'proto') spec.protocol = named(v, PROTOCOLS, 'protocol', 255, skip);
    else if (k === 'tos' || k === 'dsfield') spec.tos = named(v, {}, k, 255, skip);
    else if ((ROUTE_METRIC_NAMES as readonly string[]).includes(k)) {
      const n = int(v, 0xffffffff);
      if (n === undefined) dropped.push(`${k} '${v}' (not a number)`);
      else spec.metrics[k] = n;
    } else if (ROUTE_SKIP[k] !== undefined) skip.push(`${k}: ${ROUTE_SKIP[k]}`);
    else if (ROUTE_DROP.has(k)) dropped.push(`${k} (not supported)`);
    else skip.push(`option ${k} is not supported`);
  }
  for (const f of r.flags) {
    if (f === 'onlink') spec.onlink = true;
    else if (f === 'append') spec.append = true;
    else if (f !== 'inet') dropped.push(`${f} (not supported)`);
  }
  return { spec, skip, dropped };
}

/** `N[-M]` as a range. */
function range(text: string, max: number): [number, number] | undefined {
  const [a, b, ...rest] = text.split('-');
  const lo = int(a, max);
  const hi = b === undefined ? lo : int(b, max);
  return rest.length || lo === undefined || hi === undefined || hi < lo ? undefined : [lo, hi];
}

/** One `virtual_rules` entry (its preference already assigned: see assignRulePreferences). */
export function resolveRule(r: VirtualRule): Resolved<RuleSpec> {
  const skip: string[] = [];
  const spec: RuleSpec = { family: r.family, action: 'table', invert: false, l3mdev: false, protocol: RTPROT_KEEPALIVED };
  if (r.from !== undefined) spec.from = prefixOf(r.from, r.family);
  if (r.to !== undefined) spec.to = prefixOf(r.to, r.family);
  if (r.table !== undefined) spec.table = tableOf(r.table, skip);
  if (r.preference !== undefined) {
    const n = int(r.preference, 0xffffffff);
    if (n === undefined) skip.push(`preference '${r.preference}' is not a number`);
    else spec.preference = n;
  }
  for (const [k, v] of Object.entries(r.options)) {
    const bad = (): void => void skip.push(`${k} '${v}' is not valid`);
    switch (k) {
      case 'iif': case 'dev': spec.iif = v; break;
      case 'oif': spec.oif = v; break;
      case 'tos': case 'dsfield': spec.tos = named(v, {}, k, 255, skip); break;
      case 'fwmark': {
        const [m, mask, ...rest] = v.split('/');
        const mark = int(m, 0xffffffff);
        const mk = mask === undefined ? undefined : int(mask, 0xffffffff);
        if (rest.length || mark === undefined || (mask !== undefined && mk === undefined)) bad();
        else {
          spec.fwmark = mark;
          if (mk !== undefined) spec.fwmask = mk;
        }
        break;
      }
      case 'goto': { const n = int(v, 0xffffffff); if (n === undefined) bad(); else { spec.goto = n; spec.action = 'goto'; } break; }
      case 'suppress_prefixlength': { const n = int(v, 128); if (n === undefined) bad(); else spec.suppressPrefixLength = n; break; }
      case 'uidrange': { const u = range(v, 0xffffffff); if (!u) bad(); else spec.uidRange = u; break; }
      case 'sport': case 'dport': { const p = range(v, 65535); if (!p) bad(); else spec[k] = p; break; }
      case 'ip_proto': case 'ipproto': spec.ipProto = named(v.toLowerCase(), IP_PROTOS, k, 255, skip); break;
      case 'protocol': spec.protocol = named(v, PROTOCOLS, 'protocol', 255, skip); break;
      default: skip.push(`${k} is not supported`);
    }
  }
  for (const f of r.flags) {
    if (f === 'not') spec.invert = true;
    else if (f === 'l3mdev') spec.l3mdev = true;
    else if (f === 'blackhole' || f === 'unreachable' || f === 'prohibit' || f === 'nop') spec.action = f;
  }
  if (spec.action !== 'table') delete spec.table;
  return { spec, skip, dropped: [] };
}

/** `brd +` / `brd -`: the address with its host bits set / cleared (IPv4). */
function broadcastOf(address: string, prefixLength: number, set: boolean): string {
  const b = parseAddress(address, 4);
  const n = ((b[0] << 24) | (b[1] << 16) | (b[2] << 8) | b[3]) >>> 0;
  const host = prefixLength >= 32 ? 0 : 0xffffffff >>> prefixLength;
  const v = (set ? n | host : n & ~host) >>> 0;
  return formatAddress(Uint8Array.from([v >>> 24, (v >>> 16) & 255, (v >>> 8) & 255, v & 255]), 0, 4);
}

/** The options of one VIP line (label, scope, brd, peer, IFA_F_* flags, preferred_lft). */
export function resolveVipOptions(v: VirtualAddress): Resolved<VipOptions> {
  const spec: VipOptions = {};
  const skip: string[] = [];
  const dropped: string[] = [];
  const len = v.prefixLength ?? (v.family === 4 ? 32 : 128);
  if (v.label !== undefined) spec.label = v.label;
  if (v.scope !== undefined) spec.scope = named(v.scope, SCOPES, 'scope', 255, skip);
  if (v.brd !== undefined) {
    if (v.family === 6) dropped.push('brd (IPv6 has no broadcast)');
    else spec.broadcast = v.brd === '+' || v.brd === '-' ? broadcastOf(v.address, len, v.brd === '+') : v.brd;
  }
  for (const [k, val] of Object.entries(v.extra ?? {})) {
    switch (k) {
      case 'peer': spec.peer = String(val); break;
      case 'home': spec.home = true; break;
      case '-nodad': case 'nodad': spec.nodad = true; break;
      case 'mngtmpaddr': spec.mngtmpaddr = true; break;
      case 'noprefixroute': spec.noprefixroute = true; break;
      case 'autojoin': spec.autojoin = true; break;
      case 'no_track': break; // vrrpd never leaves MASTER for a deleted VIP: no_track's behaviour
      case 'preferred_lft': {
        const n = val === 'forever' ? undefined : int(String(val), 0xfffffffe);
        if (val !== 'forever' && n === undefined) skip.push(`preferred_lft '${String(val)}' is not a number of seconds or forever`);
        else if (n !== undefined) spec.preferredLftS = n;
        break;
      }
      case 'use_vmac': dropped.push('use_vmac on an address (a vmac per VIP is not supported; use the instance\'s use_vmac)'); break;
      default: dropped.push(`${k} (not supported)`);
    }
  }
  return { spec, skip, dropped };
}

/**
 * keepalived.conf(5): "rules need to have a preference. If a preference is not specified, keepalived will
 * assign one" — keepalived 2.2.7 gives 16384, 16383, ... in configuration order and warns; so do we.
 * Returns the rules it gave one to, with the value.
 */
export function assignRulePreferences(rules: readonly VirtualRule[]): Array<{ rule: VirtualRule; preference: number }> {
  const out: Array<{ rule: VirtualRule; preference: number }> = [];
  let next = 16384;
  for (const r of rules) {
    if (r.preference !== undefined) continue;
    r.preference = String(next);
    out.push({ rule: r, preference: next-- });
  }
  return out;
}
