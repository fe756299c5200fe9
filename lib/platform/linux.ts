/**
 * Platform on Linux through rtnetlink (see netlink.ts: a link cache fed by the kernel's notifications,
 * requests for the changes), acting in whatever network namespace the process runs in, and an AF_PACKET
 * socket for the announcements (the package's addon: see PacketSender). Needs
 * CAP_NET_ADMIN (addresses, vmacs, the no_accept firewall) and CAP_NET_RAW (announce). Besides the senders it
 * runs one program, `nft`, for the no_accept drop rules: at start, on a reload that changes them, at stop.
 */
import { buildGratuitousArp } from '../packet/arp';
import { buildUnsolicitedNa } from '../packet/ndisc';
import { PacketSender } from '../transport/packet-sender';
import type { ProcessEntry } from '../track/process-match';
import { applyVipDrops, NftOptions } from './firewall';
import { Rtnetlink } from './netlink';
import { scanProcesses } from './processes';
import { InterfaceAddress, LinkInfo, Platform, RouteSpec, RuleSpec, splitCidr, Unsubscribe, VipDrops, VipOptions, VmacResult } from './types';
import { createVmac, holdPromoteSecondaries, releaseHolder, removeVmac, restoreLeftSysctls } from './vmac';

/** Announcement frames kept for repeats (each ~86 bytes); past it the cache starts again. */
const MAX_KEPT_FRAMES = 8192;

/** Something that sends whole Ethernet frames on one interface (PacketSender, or a test double). */
export interface FrameSender {
  /** Sends one frame out of the interface, whose index is `ifindex` now; a returned promise settles once the kernel took it. */
  send(frame: Uint8Array, ifindex: number): Promise<void> | void;
  close(): Promise<void> | void;
  /** Gets ready to send; optional. */
  open?(): Promise<void>;
}

/** Options of `LinuxPlatform`. */
export interface LinuxPlatformOptions {
  /** Opens a frame sender on an interface; default a PacketSender (an AF_PACKET socket). */
  openSender?: (ifname: string) => FrameSender;
  /** Timeout of one rtnetlink request in milliseconds; default 5000. */
  timeoutMs?: number;
  /** Root of the sysctl tree the vmacs write; default "/proc/sys". */
  sysctlRoot?: string;
  /**
   * Where the sysctl values found before use_vmac changed them are kept (see VmacOptions.stateFile), so the
   * next start after a SIGKILL puts them back (`recover`). Default: none.
   */
  sysctlStateFile?: string;
  /** nftables table (family inet) and program of the no_accept drops (firewall.ts); default `vrrpd`, `nft`. */
  nft?: NftOptions;
}

/** Linux implementation of `Platform` (see the module comment). The constructor does no I/O. */
export class LinuxPlatform implements Platform {
  private readonly openSender: (ifname: string) => FrameSender;
  private readonly sysctlRoot?: string;
  private readonly sysctlStateFile?: string;
  private readonly nft: NftOptions;
  private readonly senders = new Map<string, FrameSender>();
  /** rtnetlink sockets, opened on first use. */
  private readonly netlink: Rtnetlink;

  constructor(opts: LinuxPlatformOptions = {}) {
    this.openSender = opts.openSender ?? ((ifname) => new PacketSender(ifname));
    this.sysctlRoot = opts.sysctlRoot;
    this.sysctlStateFile = opts.sysctlStateFile;
    this.nft = opts.nft ?? {};
    this.netlink = new Rtnetlink({ timeoutMs: opts.timeoutMs });
  }

  /** Every link and its addresses, from the cache (a dump the first time). */
  links(): Promise<LinkInfo[]> {
    return this.netlink.links();
  }

  /** Link and address changes from RTNLGRP_LINK, RTNLGRP_IPV4_IFADDR and RTNLGRP_IPV6_IFADDR, coalesced. */
  watchLinks(listener: (links: LinkInfo[]) => void): Promise<Unsubscribe> {
    return this.netlink.watch(listener);
  }

  /**
   * RTM_NEWADDR of CIDR on IF with `options` (IPv6 with IFA_F_NODAD: a VIP must be usable at once, as
   * keepalived does). False when it was there (EEXIST). @throws Error naming interface and address otherwise.
   * `sent`: see Rtnetlink.addAddress.
   */
  addVip(ifname: string, cidr: string, options?: VipOptions, sent?: () => void): Promise<boolean> {
    const { address, prefixLength, family } = splitCidr(cidr);
    return this.netlink.addAddress(ifname, family, address, prefixLength, options, sent);
  }

  /** RTM_DELADDR of CIDR on IF; false when it was not there (EADDRNOTAVAIL). */
  removeVip(ifname: string, cidr: string, options?: VipOptions): Promise<boolean> {
    const { address, prefixLength, family } = splitCidr(cidr);
    return this.netlink.removeAddress(ifname, family, address, prefixLength, options);
  }

  /** RTM_NEWROUTE; false when the route was there (EEXIST). */
  addRoute(route: RouteSpec): Promise<boolean> {
    return this.netlink.addRoute(route);
  }

  /** RTM_DELROUTE of the exact route; false when there was none (ESRCH). */
  removeRoute(route: RouteSpec): Promise<boolean> {
    return this.netlink.removeRoute(route);
  }

  /** RTM_NEWRULE; false when the rule was there (EEXIST). */
  addRule(rule: RuleSpec): Promise<boolean> {
    return this.netlink.addRule(rule);
  }

  /** RTM_DELRULE of the exact rule; false when there was none (ENOENT). */
  removeRule(rule: RuleSpec): Promise<boolean> {
    return this.netlink.removeRule(rule);
  }

  /** The IPv4 and IPv6 addresses of `ifname` from the cache. @throws Error when there is no such interface. */
  async listAddresses(ifname: string): Promise<InterfaceAddress[]> {
    return this.netlink.info(await this.netlink.link(ifname)).addresses;
  }

  /** The frame sender of `ifname`, made on first use and kept. */
  private senderOf(ifname: string): FrameSender {
    let sender = this.senders.get(ifname);
    if (!sender) {
      sender = this.openSender(ifname);
      this.senders.set(ifname, sender);
    }
    return sender;
  }

  /** Opens the frame sender of `ifname` ahead of the first announcement. */
  async prepareAnnounce(ifname: string): Promise<void> {
    await this.senderOf(ifname).open?.();
  }

  /**
   * Sends a gratuitous ARP (request form, RFC 5227 §3) per IPv4 address and an unsolicited NA from the
   * interface's first link-local address per IPv6 address, from `mac` or else the interface's MAC as the
   * link cache has it now (kept from RTM_NEWLINK notifications: no round trip, no process).
   * @throws Error when the interface is unknown, has no MAC, an IPv6 address is to be announced and it has
   * no link-local address, or the frame cannot be sent.
   */
  async announce(ifname: string, addresses: readonly string[], mac?: string): Promise<number> {
    const targets = addresses.map((a) => splitCidr(a));
    const needsIpv6 = targets.some((t) => t.family === 6);
    // The cached link itself, without a turn of waiting when the cache is filled (a takeover's first GARP
    // leaves in the turn of its VIP request), and not as a LinkInfo: that copies every address of the link,
    // 40 KB per announcement with a MASTER's 510 VIPs on it (106 MB in a second announcement round).
    const link = this.netlink.cachedLink(ifname) ?? (await this.netlink.linkNow(ifname));
    const srcMac = mac ?? link.mac;
    if (srcMac === undefined) throw new Error(`${ifname} has no link-layer address to announce from`);
    let linkLocal: string | undefined;
    if (needsIpv6) {
      linkLocal = link.v6.find((a) => a.scope === 'link')?.address;
      if (linkLocal === undefined) throw new Error(`${ifname} has no IPv6 link-local address to send NAs from`);
    }
    // One sender per interface, kept open; the link's index as the cache has it now.
    const sender = this.senderOf(ifname);
    const frames = targets.map((t) => this.announcement(srcMac, t.family === 4 ? undefined : linkLocal, t.address));
    await Promise.all(frames.map((f) => sender.send(f, link.ifindex)));
    return targets.length;
  }

  /** Announcement frames by "srcMac linkLocal address" (see `announcement`). */
  private readonly frames = new Map<string, Buffer>();

  /**
   * The gratuitous ARP (no `linkLocal`) or unsolicited NA of `address` from `srcMac`, built once and kept: a
   * MASTER repeats the same frames (garp_master_repeat, the second round after garp_master_delay), and at
   * 510 VIPs building 2,550 of them again, with the garbage, held the event loop ~80 ms (bench/lan jitter).
   */
  private announcement(srcMac: string, linkLocal: string | undefined, address: string): Buffer {
    const k = `${srcMac} ${linkLocal ?? ''} ${address}`;
    let f = this.frames.get(k);
    if (!f) {
      f = linkLocal === undefined ? buildGratuitousArp({ senderMac: srcMac, ip: address }) : buildUnsolicitedNa({ srcMac, srcIp: linkLocal, target: address });
      if (this.frames.size >= MAX_KEPT_FRAMES) this.frames.clear();
      this.frames.set(k, f);
    }
    return f;
  }

  /** `use_vmac`: a private-mode macvlan through rtnetlink (see vmac.ts). */
  createVmac(base: string, name: string, mac: string, family: 4 | 6): Promise<VmacResult> {
    return createVmac(base, name, mac, family, { netlink: this.netlink, sysctlRoot: this.sysctlRoot, stateFile: this.sysctlStateFile });
  }

  /**
   * RTM_DELLINK of `name`; false when there was no such interface. The frame sender on it is closed first,
   * so none is kept for an interface that is gone.
   */
  async removeVmac(name: string): Promise<boolean> {
    const sender = this.senders.get(name);
    if (sender) {
      this.senders.delete(name);
      await sender.close();
    }
    return removeVmac(name, { netlink: this.netlink, sysctlRoot: this.sysctlRoot, stateFile: this.sysctlStateFile });
  }

  /** `promote_secondaries`: net.ipv4.conf.IFNAME.promote_secondaries=1 while `holder` holds it (see vmac.ts). */
  async promoteSecondaries(ifname: string, holder: string): Promise<void> {
    holdPromoteSecondaries(ifname, holder, { sysctlRoot: this.sysctlRoot, stateFile: this.sysctlStateFile });
  }

  /** Releases what `promoteSecondaries` held for `holder`, putting back the value found after the last holder. */
  async releasePromoteSecondaries(holder: string): Promise<void> {
    releaseHolder(holder, { sysctlRoot: this.sysctlRoot, stateFile: this.sysctlStateFile });
  }

  /** Puts back the sysctls a daemon killed with SIGKILL left changed (the state file's); returns them. */
  async recover(): Promise<string[]> {
    return this.sysctlStateFile ? restoreLeftSysctls(this.sysctlStateFile) : [];
  }

  /** no_accept: `table inet vrrpd` written whole by one `nft -f -` run (see firewall.ts). */
  setVipDrops(drops: VipDrops): Promise<void> {
    return applyVipDrops(drops, this.nft);
  }

  /** The processes of /proc (scanProcesses). */
  processes(options: { cmdline: boolean }): Promise<ProcessEntry[]> {
    return scanProcesses(options);
  }

  /** Closes the rtnetlink sockets and the frame senders. */
  async close(): Promise<void> {
    const senders = [...this.senders.values()];
    this.senders.clear();
    await Promise.all([this.netlink.close(), ...senders.map((s) => s.close())]);
  }
}
