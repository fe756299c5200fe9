/**
 * The links of a network namespace and their addresses, kept from rtnetlink messages (RTM_NEWLINK,
 * RTM_DELLINK, RTM_NEWADDR, RTM_DELADDR, already decoded into `LinkEvent`s). Pure: no sockets, no clock;
 * lib/platform/netlink.ts feeds it from a dump and then from the multicast groups.
 *
 * Addresses keep the kernel's order (what `ip addr` prints) without a re-dump: a new IPv4 address goes
 * where __inet_insert_ifa puts it (a secondary at the end, a primary after the last primary of the same or
 * a wider scope), a new IPv6 address where ipv6_link_dev_addr puts it (before the first address of the
 * same or a narrower scope: newest first within a scope, global before link-local).
 */
import type { Family } from '../packet/constants';
import type { InterfaceAddress, LinkInfo } from './types';

/** An address as rtnetlink reports it: the InterfaceAddress plus what its place in the list depends on. */
export interface CachedAddress extends InterfaceAddress {
  /** IFA_F_SECONDARY (IPv4: another primary of the same subnet is on the link). */
  secondary: boolean;
  /** ifa_scope (RT_SCOPE_UNIVERSE 0, SITE 200, LINK 253, HOST 254). */
  rtScope: number;
}

/** What RTM_NEWLINK tells about a link (its addresses come from RTM_NEWADDR). */
export interface LinkFacts {
  ifindex: number;
  ifname: string;
  /** IFF_UP. */
  adminUp: boolean;
  /** IFF_LOWER_UP (carrier). */
  lowerUp: boolean;
  /** IFLA_ADDRESS, lower-case colon hex. */
  mac?: string;
  /** IFLA_INFO_KIND ("veth", "macvlan", ...). */
  kind?: string;
  /** IFLA_MACVLAN_MODE of a macvlan (1 private, 2 vepa, 4 bridge, 8 passthru, 16 source). */
  macvlanMode?: number;
  /** IFLA_LINK: the ifindex of the lower device (a macvlan's base, a veth's peer). */
  linkIndex?: number;
}

/** One link in the cache. */
export interface CachedLink extends LinkFacts {
  v4: CachedAddress[];
  v6: CachedAddress[];
}

/** A decoded rtnetlink message about a link or an address. */
export type LinkEvent =
  | { type: 'newlink'; link: LinkFacts }
  | { type: 'dellink'; ifindex: number }
  | { type: 'newaddr'; ifindex: number; address: CachedAddress }
  | { type: 'deladdr'; ifindex: number; address: CachedAddress };

/** iproute2's name of an rtnetlink scope ("global", "site", "link", "host", else the number). */
export function scopeName(rtScope: number): string {
  switch (rtScope) {
    case 0:
      return 'global';
    case 200:
      return 'site';
    case 253:
      return 'link';
    case 254:
      return 'host';
    default:
      return String(rtScope);
  }
}

/** IPv6 source scope (RFC 4291 scope values) of an address with rtnetlink scope `rtScope`. */
function ipv6SrcScope(rtScope: number): number {
  if (rtScope === 0) return 14;
  if (rtScope === 200) return 5;
  return 2; // link-local, and ::1 (host), which the kernel treats as link-local scope
}

/** Same address for the kernel: IPv4 by address and prefix length, IPv6 by address. */
function sameAddress(a: CachedAddress, b: CachedAddress): boolean {
  return a.address === b.address && (a.family === 6 || a.prefixLength === b.prefixLength);
}

/** Index at which the kernel inserts `a` into `list` (see the module comment). */
function insertionIndex(list: CachedAddress[], a: CachedAddress): number {
  if (a.family === 4) {
    if (a.secondary) return list.length;
    let at = 0;
    list.forEach((x, i) => {
      if (!x.secondary && a.rtScope <= x.rtScope) at = i + 1;
    });
    return at;
  }
  const scope = ipv6SrcScope(a.rtScope);
  const i = list.findIndex((x) => scope >= ipv6SrcScope(x.rtScope));
  return i < 0 ? list.length : i;
}

const sameFacts = (a: LinkFacts, b: LinkFacts): boolean =>
  a.ifname === b.ifname && a.adminUp === b.adminUp && a.lowerUp === b.lowerUp && a.mac === b.mac && a.kind === b.kind &&
  a.macvlanMode === b.macvlanMode && a.linkIndex === b.linkIndex;

const publicAddress = (a: CachedAddress): InterfaceAddress => ({ family: a.family, address: a.address, prefixLength: a.prefixLength, cidr: a.cidr, scope: a.scope });

/** Key of an address of a link in the address index. */
const addressKey = (ifindex: number, family: Family, address: string): string => `${ifindex} ${family} ${address}`;

/** The links of one namespace by ifindex, in ifindex order. */
export class LinkCache {
  private readonly byIndex = new Map<number, CachedLink>();
  /**
   * The addresses of every link by addressKey (IPv4 may hold one address with several prefix lengths):
   * `hasAddress` in O(1). A mass takeover's 255 VIP adds each settle a waiter per pending add on every
   * notification, which a scan of the link's list made O(n^2) per notification.
   */
  private readonly index = new Map<string, CachedAddress[]>();

  private indexAdd(ifindex: number, a: CachedAddress): void {
    const k = addressKey(ifindex, a.family, a.address);
    const list = this.index.get(k);
    if (list) list.push(a);
    else this.index.set(k, [a]);
  }

  private indexRemove(ifindex: number, a: CachedAddress): void {
    const k = addressKey(ifindex, a.family, a.address);
    const list = this.index.get(k)?.filter((x) => x !== a) ?? [];
    if (list.length > 0) this.index.set(k, list);
    else this.index.delete(k);
  }

  /** Replaces everything with a dump: the links, then their addresses in dump (kernel) order. */
  reset(links: LinkFacts[], addresses: { ifindex: number; address: CachedAddress }[]): void {
    this.byIndex.clear();
    this.index.clear();
    for (const l of links) this.byIndex.set(l.ifindex, { ...l, v4: [], v6: [] });
    for (const { ifindex, address } of addresses) {
      const link = this.byIndex.get(ifindex);
      if (!link) continue;
      (address.family === 4 ? link.v4 : link.v6).push(address);
      this.indexAdd(ifindex, address);
    }
  }

  /** Applies one message; true when it changed something a `LinkInfo` shows (or a vmac check reads). */
  apply(ev: LinkEvent): boolean {
    switch (ev.type) {
      case 'newlink': {
        const old = this.byIndex.get(ev.link.ifindex);
        if (old && sameFacts(old, ev.link)) return false;
        this.byIndex.set(ev.link.ifindex, { ...ev.link, v4: old?.v4 ?? [], v6: old?.v6 ?? [] });
        return true;
      }
      case 'dellink': {
        const link = this.byIndex.get(ev.ifindex);
        if (!link) return false;
        for (const a of [...link.v4, ...link.v6]) this.indexRemove(ev.ifindex, a);
        return this.byIndex.delete(ev.ifindex);
      }
      case 'newaddr': {
        const link = this.byIndex.get(ev.ifindex);
        if (!link) return false;
        const list = ev.address.family === 4 ? link.v4 : link.v6;
        const known = this.index.get(addressKey(ev.ifindex, ev.address.family, ev.address.address))?.some((x) => sameAddress(x, ev.address)) ?? false;
        const i = known ? list.findIndex((x) => sameAddress(x, ev.address)) : -1;
        if (i >= 0) {
          const old = list[i];
          if (old.prefixLength === ev.address.prefixLength && old.rtScope === ev.address.rtScope && old.secondary === ev.address.secondary) return false;
          list.splice(i, 1);
          this.indexRemove(ev.ifindex, old);
          this.indexAdd(ev.ifindex, ev.address);
          // A secondary promoted to primary (or a changed scope) moves, as in the kernel; else it stays put.
          list.splice(old.secondary !== ev.address.secondary || old.rtScope !== ev.address.rtScope ? insertionIndex(list, ev.address) : i, 0, ev.address);
          return true;
        }
        list.splice(insertionIndex(list, ev.address), 0, ev.address);
        this.indexAdd(ev.ifindex, ev.address);
        return true;
      }
      case 'deladdr': {
        const link = this.byIndex.get(ev.ifindex);
        if (!link) return false;
        const list = ev.address.family === 4 ? link.v4 : link.v6;
        if (!this.index.get(addressKey(ev.ifindex, ev.address.family, ev.address.address))?.some((x) => sameAddress(x, ev.address))) return false;
        const i = list.findIndex((x) => sameAddress(x, ev.address));
        if (i < 0) return false;
        this.indexRemove(ev.ifindex, list[i]);
        list.splice(i, 1);
        return true;
      }
      default: {
        const never: never = ev;
        throw new Error(`unknown link event ${JSON.stringify(never)}`);
      }
    }
  }

  /** The link named `ifname`, or undefined. */
  byName(ifname: string): CachedLink | undefined {
    for (const l of this.byIndex.values()) if (l.ifname === ifname) return l;
    return undefined;
  }

  /** The link with index `ifindex`, or undefined. */
  get(ifindex: number): CachedLink | undefined {
    return this.byIndex.get(ifindex);
  }

  /** True when link `ifindex` has `address` (text as the cache holds it) of `family`, with `prefixLength` when given. */
  hasAddress(ifindex: number, family: Family, address: string, prefixLength?: number): boolean {
    return this.index.get(addressKey(ifindex, family, address))?.some((a) => prefixLength === undefined || a.prefixLength === prefixLength) ?? false;
  }

  /** Copies of every link as `Platform.links()` gives them, by ifindex. */
  snapshot(): LinkInfo[] {
    return [...this.byIndex.values()].sort((a, b) => a.ifindex - b.ifindex).map((l) => this.info(l));
  }

  /** A copy of one link as `Platform.links()` gives it. */
  info(l: CachedLink): LinkInfo {
    const out: LinkInfo = { ifindex: l.ifindex, ifname: l.ifname, up: l.adminUp && l.lowerUp, adminUp: l.adminUp, addresses: [...l.v4, ...l.v6].map(publicAddress) };
    if (l.mac !== undefined) out.mac = l.mac;
    return out;
  }
}
