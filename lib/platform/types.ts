/**
 * The OS side of a virtual router besides packets: virtual addresses on an interface and the
 * announcements (gratuitous ARP, unsolicited NA) that move them (RFC 9568 §6.4.1, §7.3).
 */
import type { Family } from '../packet/constants';

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
   * Resolves true when added, false when it was already there. @throws Error when the OS refuses.
   */
  addVip(ifname: string, cidr: string): Promise<boolean>;
  /** Removes `cidr`; resolves true when removed, false when it was not there. @throws Error when the OS refuses. */
  removeVip(ifname: string, cidr: string): Promise<boolean>;
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
  /** Releases sockets / handles (resolves once they are gone); idempotent. */
  close(): Promise<void>;
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
