/**
 * keepalived's `use_vmac` (RFC 9568 §7.3 virtual MAC) on Linux: a macvlan interface on the instance's
 * interface carrying 00:00:5e:00:01:VRID (IPv6 00:00:5e:00:02:VRID), through rtnetlink (netlink.ts) and
 * /proc/sys, in whatever network namespace the process runs in. No process is spawned.
 *
 * Mode private, as keepalived: a multicast frame arriving on the base interface whose source MAC is the MAC
 * of one of our macvlans (the peer's adverts come from the same virtual MAC) is handed to that macvlan
 * only when it is in private (or passthru) mode; in bridge mode the kernel treats it as our own looped
 * frame and the macvlan never sees the peer's adverts.
 *
 * Sysctls, as keepalived's set_interface_parameters (vrrp_if_config.c): on the vmac arp_ignore=1 (answer
 * ARP only for addresses on the vmac, i.e. the VIPs, with the virtual MAC), accept_local=1, rp_filter=0 (the
 * peer's adverts arrive on an interface that has no route back to their source), promote_secondaries=1;
 * for an IPv4 vmac disable_ipv6=1 (no router solicitations / DAD from the virtual MAC); on the base
 * interface arp_ignore=1 and arp_filter=1 so it does not answer for the VIPs with its own MAC (restored
 * on removal). For an IPv6 vmac, as keepalived: addrgenmode none before it comes up (an EUI-64 link-local
 * from the virtual MAC would be the same on every router of the VRID), then the base interface's first
 * link-local address, nodad, so that adverts and NAs leave from the address the peers know us by (kept
 * also with vmac_xmit_base, where keepalived adds none: our NAs are sent from the vmac's link-local).
 * The same held-sysctl machinery serves an instance's `promote_secondaries` (holdPromoteSecondaries).
 * keepalived also moves a non-zero net.ipv4.conf.all.rp_filter onto every interface and
 * clears `all`; we only warn about it (the effective rp_filter is max(all, interface)).
 *
 * A BACKUP's vmac must send nothing: a switch learns the virtual MAC from any frame and sends the VIP's
 * traffic to the BACKUP until the MASTER's next advert. So an IPv6 vmac gets router_solicitations=0, and
 * while an IPv4 vmac exists net.ipv4.igmp_link_local_mcast_reports=0 (namespace-wide; restored after the
 * last one): joining 224.0.0.18 on the vmac would otherwise send IGMP reports from the virtual MAC at
 * start and at every query. Snooping switches flood 224.0.0.0/24 without reports (RFC 4541 §2.1.2), as
 * keepalived's `disable_local_igmp` relies on. Known gap: an IPv6 vmac still sends MLD reports (ff02::12
 * and the solicited-node group of its link-local); keepalived drops those with nftables rules.
 */
import { readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { MACVLAN_MODE_PRIVATE, Rtnetlink } from './netlink';
import type { VmacResult } from './types';

/** Options of the vmac functions. */
export interface VmacOptions {
  /** The rtnetlink client to use (LinuxPlatform passes its own); default a new one, closed afterwards. */
  netlink?: Rtnetlink;
  /** Root of the sysctl tree; default "/proc/sys" (per network namespace of the calling process). */
  sysctlRoot?: string;
  /**
   * Where the values found before the first change are kept while vmacs hold sysctls (JSON, file ->
   * value), so that a daemon killed with SIGKILL leaves what its next start puts back
   * (`restoreLeftSysctls`). Default: none (the values live in memory only).
   */
  stateFile?: string;
}

/** Runs `fn` with `opts.netlink`, or with a client of its own that is closed afterwards. */
async function withNetlink<T>(opts: VmacOptions, fn: (nl: Rtnetlink) => Promise<T>): Promise<T> {
  if (opts.netlink) return fn(opts.netlink);
  const nl = new Rtnetlink();
  try {
    return await fn(nl);
  } finally {
    await nl.close();
  }
}

const sysctlPath = (opts: VmacOptions, family: 4 | 6, ifname: string, key: string): string =>
  `${opts.sysctlRoot ?? '/proc/sys'}/net/ipv${family}/conf/${ifname}/${key}`;

function readSysctl(opts: VmacOptions, family: 4 | 6, ifname: string, key: string): string | null {
  try {
    return readFileSync(sysctlPath(opts, family, ifname, key), 'utf8').trim();
  } catch {
    return null;
  }
}

function writeSysctl(opts: VmacOptions, family: 4 | 6, ifname: string, key: string, value: string): void {
  writeFileSync(sysctlPath(opts, family, ifname, key), value);
}

/**
 * Sysctls set for the vmacs that need them: file -> the value found before the first holder, and the
 * holders (vmac names). The value found is put back when the last holder is removed.
 */
const held = new Map<string, { found: string | null; value: string; holders: Set<string> }>();

/**
 * Sets sysctl file `file` to `value` for vmac `holder` (the first holder saves the value found, null when
 * the file does not exist, and writes only when it differs). Returns the value found and whether this
 * was the first holder.
 */
function holdSysctl(file: string, value: string, holder: string, stateFile?: string): { found: string | null; first: boolean } {
  let h = held.get(file);
  const first = !h;
  if (!h) {
    let found: string | null = null;
    try {
      found = readFileSync(file, 'utf8').trim();
    } catch {
      // no such sysctl (an old kernel, or the interface is gone)
    }
    // A value a killed daemon changed is not the original: its state file has that.
    const left = stateFile ? readState(stateFile)[file] : undefined;
    if (left !== undefined) found = left;
    h = { found, value, holders: new Set() };
    held.set(file, h);
    if (stateFile) saveState(stateFile);
    if (found !== null && found !== value) writeFileSync(file, value);
  }
  h.holders.add(holder);
  return { found: h.found, first };
}

/** Drops `holder` from every held sysctl and puts back the value found where it was the last holder. */
function releaseSysctls(holder: string, stateFile?: string): void {
  for (const [file, h] of held) {
    if (!h.holders.delete(holder) || h.holders.size > 0) continue;
    held.delete(file);
    try {
      if (h.found !== null && h.found !== h.value) writeFileSync(file, h.found);
    } catch {
      // the interface is gone: nothing to restore
    }
  }
  if (stateFile) saveState(stateFile);
}

/** The state file's file -> original value (empty when there is none or it is unreadable). */
function readState(stateFile: string): Record<string, string> {
  try {
    const v = JSON.parse(readFileSync(stateFile, 'utf8')) as unknown;
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return {};
    return Object.fromEntries(Object.entries(v).filter((e): e is [string, string] => typeof e[1] === 'string'));
  } catch {
    return {};
  }
}

/** Writes the originals of the held sysctls (atomically: temp file and rename); removes it when none. */
function saveState(stateFile: string): void {
  const entries = [...held].filter(([, h]) => h.found !== null).map(([file, h]) => [file, h.found as string]);
  try {
    if (entries.length === 0) {
      unlinkSync(stateFile);
      return;
    }
    const tmp = `${stateFile}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(Object.fromEntries(entries)), { mode: 0o600 });
    renameSync(tmp, stateFile);
  } catch {
    // no state file to remove, or its directory is not writable: the values stay in memory
  }
}

/**
 * After an unclean stop (SIGKILL): puts back every sysctl the state file lists that no vmac of this process
 * holds, and forgets them. Returns the files restored. Call before any vmac is made.
 */
export function restoreLeftSysctls(stateFile: string): string[] {
  const left = readState(stateFile);
  const restored: string[] = [];
  for (const [file, value] of Object.entries(left)) {
    if (held.has(file)) continue;
    try {
      writeFileSync(file, value);
      restored.push(file);
    } catch {
      // the interface is gone: nothing to restore
    }
  }
  saveState(stateFile);
  return restored;
}

/**
 * keepalived `promote_secondaries` (vrrp_instance): net.ipv4.conf.IFNAME.promote_secondaries=1 for `holder`
 * (an instance), so that removing one VIP does not take the other addresses of its subnet with it. The value
 * found is kept (and in the state file) and put back by `releaseHolder` of the last holder.
 * @throws Error when the sysctl cannot be written (no such interface).
 */
export function holdPromoteSecondaries(ifname: string, holder: string, opts: VmacOptions = {}): void {
  const file = sysctlPath(opts, 4, ifname, 'promote_secondaries');
  readFileSync(file);
  holdSysctl(file, '1', holder, opts.stateFile);
}

/** Drops `holder` (a vmac or an instance) from every sysctl it holds; the last holder's value found is put back. */
export function releaseHolder(holder: string, opts: VmacOptions = {}): void {
  releaseSysctls(holder, opts.stateFile);
}

/** Stops IGMP reports for 224.0.0.0/24 while IPv4 vmacs exist; returns a note the first time it changes it. */
function quietIgmp(name: string, opts: VmacOptions): string | null {
  const { found, first } = holdSysctl(`${opts.sysctlRoot ?? '/proc/sys'}/net/ipv4/igmp_link_local_mcast_reports`, '0', name, opts.stateFile);
  if (!first) return null;
  return found === null
    ? `net.ipv4.igmp_link_local_mcast_reports is missing (kernel before 4.3): ${name} will send IGMP reports from the virtual MAC`
    : found !== '0' ? `set net.ipv4.igmp_link_local_mcast_reports=0 (was ${found}) while vmacs exist: a backup's IGMP report from the virtual MAC would pull the VIP's traffic to it` : null;
}

/**
 * Creates (or reuses) macvlan `name` on `base` with `mac`, mode private, sets the sysctls of the module
 * comment and brings it up. A same-named interface that is not a private macvlan on `base` with `mac` is
 * deleted and recreated. Idempotent. @throws Error when `base` does not exist or the kernel refuses.
 */
export function createVmac(base: string, name: string, mac: string, family: 4 | 6, opts: VmacOptions = {}): Promise<VmacResult> {
  return withNetlink(opts, async (nl) => {
    const start = process.hrtime.bigint();
    const warnings: string[] = [];
    const baseLink = await nl.link(base);
    const existing = await nl.findLink(name);
    const matches = existing !== undefined && existing.kind === 'macvlan' && existing.macvlanMode === MACVLAN_MODE_PRIVATE &&
      existing.linkIndex === baseLink.ifindex && existing.mac === mac.toLowerCase();
    if (existing && !matches) await nl.deleteLink(name);
    if (!matches) await nl.createMacvlan(name, baseLink.ifindex, mac, MACVLAN_MODE_PRIVATE);
    if (family === 4) {
      writeSysctl(opts, 6, name, 'disable_ipv6', '1');
      const note = quietIgmp(name, opts);
      if (note) warnings.push(note);
    } else {
      if (!matches) await nl.setAddrGenModeNone(name);
      writeSysctl(opts, 6, name, 'router_solicitations', '0');
    }
    for (const [key, value] of [['arp_ignore', '1'], ['accept_local', '1'], ['rp_filter', '0'], ['promote_secondaries', '1']]) {
      writeSysctl(opts, 4, name, key, value);
    }
    for (const key of ['arp_ignore', 'arp_filter']) holdSysctl(sysctlPath(opts, 4, base, key), '1', name, opts.stateFile);
    const allRp = readSysctl(opts, 4, 'all', 'rp_filter');
    if (allRp !== null && allRp !== '0') {
      warnings.push(`net.ipv4.conf.all.rp_filter is ${allRp}: adverts arriving on ${name} may be dropped (keepalived clears it)`);
    }
    await nl.setUp(name);
    if (family === 6) await copyLinkLocal(nl, base, name);
    return { created: !matches, ms: Number(process.hrtime.bigint() - start) / 1e6, warnings };
  });
}

/** Puts the first link-local address of `base` on `name` (nodad). @throws Error when `base` has none. */
async function copyLinkLocal(nl: Rtnetlink, base: string, name: string): Promise<void> {
  const ll = nl.info(await nl.link(base)).addresses.find((a) => a.family === 6 && a.scope === 'link');
  if (!ll) throw new Error(`${base} has no IPv6 link-local address for ${name}`);
  await nl.addAddress(name, 6, ll.address, 64);
}

/**
 * Deletes interface `name` (its addresses go with it) and, when it was the last vmac we made on its base,
 * restores the base's arp_ignore / arp_filter (and after the last IPv4 vmac, igmp_link_local_mcast_reports).
 * Resolves true when deleted, false when it was not there.
 * @throws Error when the kernel refuses otherwise.
 */
export async function removeVmac(name: string, opts: VmacOptions = {}): Promise<boolean> {
  releaseSysctls(name, opts.stateFile);
  return withNetlink(opts, (nl) => nl.deleteLink(name));
}

/** keepalived's default vmac name: `vrrp.<VRID>`. */
export function defaultVmacName(vrid: number): string {
  return `vrrp.${vrid}`;
}
