/**
 * The OS side of a virtual router besides packets: virtual addresses on an interface and the
 * announcements (gratuitous ARP, unsolicited NA) that move them (RFC 9568 §6.4.1, §7.3).
 */
import type { Family } from '../packet/constants';
import type { ProcessEntry } from '../track/process-match';

/** One address configured on an interface. */
export interface InterfaceAddress {
  family: Family;
  /** Address text as iproute2 prints it. */
  address: string;
  prefixLength: number;
  /** "address/prefixLength". */
  cidr: string;
  /** iproute2 scope: "global", "link", "host". */
  scope: string;
}

/**
 * One network interface as the platform sees it (Linux: rtnetlink RTM_NEWLINK with its RTM_NEWADDR
 * addresses). `up` is what VRRP cares about: administratively up and with carrier.
 */
export interface LinkInfo {
  ifindex: number;
  ifname: string;
  /** IFF_UP and IFF_LOWER_UP (carrier) both set. */
  up: boolean;
  /** IFF_UP (administratively up), carrier or not. */
  adminUp: boolean;
  /** Link-layer address, lower-case "aa:bb:cc:dd:ee:ff"; undefined when the link has none. */
  mac?: string;
  /** IPv4 and IPv6 addresses on the link, in the OS's order. */
  addresses: InterfaceAddress[];
}

/**
 * Per-address options of a VIP beyond "address/len" (keepalived.conf(5) virtual_ipaddress, `ip address add`):
 * IFA_LABEL, ifa_scope, IFA_BROADCAST, the peer (IFA_ADDRESS with IFA_LOCAL the address), IFA_FLAGS and
 * the preferred lifetime (IFA_CACHEINFO). Absent fields: the kernel's defaults.
 */
export interface VipOptions {
  label?: string;
  /** rtnetlink scope number: 0 global (universe), 200 site, 253 link, 254 host, 255 nowhere. */
  scope?: number;
  /** Broadcast address (IPv4). */
  broadcast?: string;
  /** Peer address of a point-to-point address; the prefix length is the peer's. */
  peer?: string;
  /** IFA_F_* flags asked for (IPv6 VIPs always get nodad). */
  home?: boolean;
  nodad?: boolean;
  mngtmpaddr?: boolean;
  noprefixroute?: boolean;
  autojoin?: boolean;
  /** Preferred lifetime in seconds (0 = deprecated); undefined = forever. */
  preferredLftS?: number;
}

/** The ip-route(8) metrics (RTA_METRICS) a RouteSpec may carry. */
export const ROUTE_METRIC_NAMES = ['mtu', 'advmss', 'hoplimit', 'window', 'cwnd', 'initcwnd', 'initrwnd', 'reordering', 'ssthresh'] as const;

/** rtnetlink route types (RTN_*), by ip-route(8) name. */
export type RouteType = 'unicast' | 'local' | 'broadcast' | 'anycast' | 'multicast' | 'blackhole' | 'unreachable' | 'prohibit' | 'throw' | 'nat';

/**
 * One route as `virtual_routes` asks for it (ip-route(8) terms, numbers resolved): RTM_NEWROUTE /
 * RTM_DELROUTE. Deleting sends the same attributes, so only an exact match (protocol included) goes.
 */
export interface RouteSpec {
  family: Family;
  type: RouteType;
  /** Destination "address/len" ("0.0.0.0/0", "::/0" for default). */
  dst: string;
  /** Preferred source address (RTA_PREFSRC). */
  src?: string;
  /** Gateway (RTA_GATEWAY), same family. */
  via?: string;
  /** Output device name (RTA_OIF). */
  dev?: string;
  /** rtm_scope; undefined = the kernel's choice for the type (iproute2's: link without gateway, else global). */
  scope?: number;
  /** Routing table id (RTA_TABLE), default 254 (main). */
  table: number;
  /** RTA_PRIORITY (ip route's metric / preference). */
  metric?: number;
  /** rtm_protocol: 18 (keepalived) unless the config names another. */
  protocol: number;
  /** rtm_tos. */
  tos?: number;
  /** RTNH_F_ONLINK. */
  onlink: boolean;
  /** NLM_F_APPEND instead of prepending (keepalived's `append`). */
  append: boolean;
  /** RTA_METRICS values by ip-route(8) name (mtu, advmss, hoplimit, window, cwnd, ...). */
  metrics: Record<string, number>;
}

/** rtnetlink rule actions (FR_ACT_*). */
export type RuleAction = 'table' | 'goto' | 'nop' | 'blackhole' | 'unreachable' | 'prohibit';

/** One rule as `virtual_rules` asks for it (ip-rule(8) terms, resolved): RTM_NEWRULE / RTM_DELRULE. */
export interface RuleSpec {
  family: Family;
  action: RuleAction;
  /** Source and destination selectors "address/len". */
  from?: string;
  to?: string;
  /** Table of action 'table' (FRA_TABLE), default 254 (main). */
  table?: number;
  /** FRA_PRIORITY. */
  preference?: number;
  iif?: string;
  oif?: string;
  fwmark?: number;
  fwmask?: number;
  tos?: number;
  /** FRA_GOTO target preference (action 'goto'). */
  goto?: number;
  /** FIB_RULE_INVERT (`not`). */
  invert: boolean;
  l3mdev: boolean;
  suppressPrefixLength?: number;
  /** FRA_PROTOCOL: 18 (keepalived) unless the config names another. */
  protocol: number;
  ipProto?: number;
  sport?: [number, number];
  dport?: [number, number];
  uidRange?: [number, number];
}

/** Stops a `watchLinks` subscription. */
export type Unsubscribe = () => void;

/**
 * The host: addresses (add, remove, list), links (index, state, MAC) with change notifications,
 * announcements and vmacs. Implementations: LinuxPlatform (rtnetlink), ScriptPlatform, MemoryPlatform.
 * Nothing outside lib/platform talks to the OS about these.
 */
export interface Platform {
  /** Every link of the namespace with its addresses, as it is now. */
  links(): Promise<LinkInfo[]>;
  /**
   * Calls `listener` with the whole link list (as `links()` gives it) after every link or address change
   * (changes arriving together may be coalesced into one call), and once right after subscribing.
   * Resolves once subscribed. Linux: rtnetlink multicast groups, no polling.
   */
  watchLinks(listener: (links: LinkInfo[]) => void): Promise<Unsubscribe>;
  /**
   * Adds `cidr` ("192.0.2.100/24", "2001:db8::100/64"; no prefix means /32 or /128) to `ifname`.
   * with `options` (label, scope, ...). Resolves true when added, false when it was already there.
   * `sent`, when the platform can tell: called once the OS has carried the request out, before its answer
   * is read (Linux: the rtnetlink sendmsg returned with nothing else unanswered), so an announcement need
   * not wait for the answer; at most once, and not at all when only the promise can tell.
   * @throws Error when the OS refuses.
   */
  addVip(ifname: string, cidr: string, options?: VipOptions, sent?: () => void): Promise<boolean>;
  /**
   * Removes `cidr` (`options.peer` and `label` take part in finding it); resolves true when removed, false when it
   * was not there. @throws Error when the OS refuses.
   */
  removeVip(ifname: string, cidr: string, options?: VipOptions): Promise<boolean>;
  /**
   * Installs `route` (keepalived.conf(5) virtual_routes); true when added, false when it was there (EEXIST).
   * Optional: a platform without it cannot run instances with virtual_routes. @throws Error when refused.
   */
  addRoute?(route: RouteSpec): Promise<boolean>;
  /** Deletes the route matching `route` exactly; false when there was none (ESRCH). @throws Error when refused. */
  removeRoute?(route: RouteSpec): Promise<boolean>;
  /** Installs `rule` (virtual_rules); false when it was there (EEXIST). @throws Error when refused. */
  addRule?(rule: RuleSpec): Promise<boolean>;
  /** Deletes the rule matching `rule` exactly; false when there was none (ENOENT). @throws Error when refused. */
  removeRule?(rule: RuleSpec): Promise<boolean>;
  /** Every address on `ifname`, in the OS's order. @throws Error when the interface does not exist. */
  listAddresses(ifname: string): Promise<InterfaceAddress[]>;
  /**
   * Sends one gratuitous ARP per IPv4 address and one unsolicited NA (Router + Override) per IPv6 address
   * of `addresses` (bare addresses or CIDRs), with Ethernet source `mac`, by default the MAC `ifname` has
   * when the frames are built (it may have changed since the daemon started). Resolves to the frames sent.
   */
  announce(ifname: string, addresses: readonly string[], mac?: string): Promise<number>;
  /**
   * Gets announcements on `ifname` ready (Linux: starts its frame sender), so the first one after a
   * takeover leaves at once. Optional; resolves also when it could not (announce then reports why).
   */
  prepareAnnounce?(ifname: string): Promise<void>;
  /**
   * `use_vmac`: creates (or reuses) macvlan `name` on `base` with MAC `mac`, up, with keepalived's sysctls
   * (see vmac.ts). Idempotent. Optional: platforms without it cannot run `use_vmac` instances.
   */
  createVmac?(base: string, name: string, mac: string, family: Family): Promise<VmacResult>;
  /** Deletes vmac `name`; resolves true when deleted, false when it was not there. */
  removeVmac?(name: string): Promise<boolean>;
  /**
   * keepalived `promote_secondaries`: net.ipv4.conf.IFNAME.promote_secondaries=1 for `holder` (an instance)
   * until `releasePromoteSecondaries(holder)`; the value found is put back after the last holder (and by
   * `recover` after an unclean stop). Optional. @throws Error when the interface has no such setting.
   */
  promoteSecondaries?(ifname: string, holder: string): Promise<void>;
  releasePromoteSecondaries?(holder: string): Promise<void>;
  /**
   * Undoes what an unclean stop (SIGKILL) of an earlier daemon left on the host besides VIPs and vmacs
   * (Linux: the sysctls use_vmac changed); resolves to what was put back. Optional.
   */
  recover?(): Promise<string[]>;
  /**
   * The processes running now, zombies left out (vrrp_track_process); `cmdline`: with their argv. Optional:
   * the daemon reads /proc itself (processes.ts) when a platform has none. Linux: a /proc scan.
   */
  processes?(options: { cmdline: boolean }): Promise<ProcessEntry[]>;

  /**
   * Accept_Mode (RFC 9568 §6.1): makes the host drop packets addressed to (and sent from) exactly the
   * addresses of `drops`, replacing whatever an earlier call, or a daemon killed before it could stop,
   * installed; an empty `drops` removes the rules. Neighbour discovery for these addresses keeps working
   * (and ARP, which is not IP). Linux: one nftables table (firewall.ts). Optional: a platform without it
   * cannot run `no_accept` instances. @throws Error when the OS refuses.
   */
  setVipDrops?(drops: VipDrops): Promise<void>;
  /** Releases sockets / handles (resolves once they are gone); idempotent. */
  close(): Promise<void>;
}

/**
 * The VIPs whose packets the host must not accept: those of every non-owner instance without accept mode
 * (keepalived `no_accept`, or `vrrp_strict` without `accept`), virtual_ipaddress and _excluded alike.
 * Addresses in canonical text (RFC 5952 for IPv6), each list sorted, without duplicates.
 */
export interface VipDrops {
  ipv4: string[];
  /** IPv6 addresses outside fe80::/10. */
  ipv6: string[];
  /** Link-local IPv6 VIPs with the interface they are on (the same fe80:: address may be on several links). */
  ipv6LinkLocal: Array<{ address: string; ifname: string }>;
}

/** A VipDrops with no address (no drop rule). */
export function noVipDrops(): VipDrops {
  return { ipv4: [], ipv6: [], ipv6LinkLocal: [] };
}

/** True when `drops` holds no address. */
export function isEmptyVipDrops(drops: VipDrops): boolean {
  return drops.ipv4.length + drops.ipv6.length + drops.ipv6LinkLocal.length === 0;
}

/** What `createVmac` did, and how long it took. */
export interface VmacResult {
  /** True when the interface was created, false when a matching one was there already. */
  created: boolean;
  /** Wall time of the whole operation in milliseconds. */
  ms: number;
  /** Warnings worth a log line (e.g. a non-zero net.ipv4.conf.all.rp_filter). */
  warnings: string[];
}

/** Splits "addr[/len]" into address and prefix length (default /32 or /128). @throws Error on bad text. */
export function splitCidr(cidr: string): { address: string; prefixLength: number; family: Family } {
  const [address, len, extra] = cidr.split('/');
  const family: Family = address.includes(':') ? 6 : 4;
  const max = family === 4 ? 32 : 128;
  const prefixLength = len === undefined ? max : Number(len);
  if (extra !== undefined || !Number.isInteger(prefixLength) || prefixLength < 0 || prefixLength > max || address === '') {
    throw new Error(`not an address with an optional prefix length: ${JSON.stringify(cidr)}`);
  }
  return { address, prefixLength, family };
}
