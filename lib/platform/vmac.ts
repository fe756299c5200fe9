/**
 * keepalived's `use_vmac` (RFC 9568 §7.3 virtual MAC) on Linux: a macvlan interface on the instance's
 * interface carrying 00:00:5e:00:01:VRID (IPv6 00:00:5e:00:02:VRID), through iproute2 and /proc/sys, in
 * whatever network namespace the process runs in.
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
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import type { VmacResult } from './types';

/** Options of the vmac functions. */
export interface VmacOptions {
  /** Path or name of the iproute2 binary; default "ip". */
  ipCommand?: string;
  /** Timeout of one `ip` run in milliseconds; default 5000. */
  timeoutMs?: number;
  /** Root of the sysctl tree; default "/proc/sys" (per network namespace of the calling process). */
  sysctlRoot?: string;
}

interface IpLinkDetail {
  ifname: string;
  address?: string;
  link?: string;
  linkinfo?: { info_kind?: string; info_data?: { mode?: string } };
}

function ipRun(args: string[], opts: VmacOptions): Promise<{ code: number; stdout: string; stderr: string }> {
  const cmd = opts.ipCommand ?? 'ip';
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { timeout: opts.timeoutMs ?? 5000, encoding: 'utf8' }, (err, stdout, stderr) => {
      if (err && typeof err.code !== 'number') reject(new Error(`${cmd} ${args.join(' ')}: ${err.message}`));
      else resolve({ code: err ? Number(err.code) : 0, stdout, stderr });
    });
  });
}

async function ipOk(args: string[], opts: VmacOptions): Promise<string> {
  const r = await ipRun(args, opts);
  if (r.code !== 0) throw new Error(`${opts.ipCommand ?? 'ip'} ${args.join(' ')} failed (exit ${r.code}): ${r.stderr.trim()}`);
  return r.stdout;
}

/** `ip -j -d link show dev NAME`, or null when there is no such interface. */
async function linkDetail(name: string, opts: VmacOptions): Promise<IpLinkDetail | null> {
  const r = await ipRun(['-j', '-d', 'link', 'show', 'dev', name], opts);
  if (r.code !== 0) return null;
  return (JSON.parse(r.stdout) as IpLinkDetail[]).find((l) => l.ifname === name) ?? null;
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
function holdSysctl(file: string, value: string, holder: string): { found: string | null; first: boolean } {
  let h = held.get(file);
  const first = !h;
  if (!h) {
    let found: string | null = null;
    try {
      found = readFileSync(file, 'utf8').trim();
    } catch {
      // no such sysctl (an old kernel, or the interface is gone)
    }
    h = { found, value, holders: new Set() };
    held.set(file, h);
    if (found !== null && found !== value) writeFileSync(file, value);
  }
  h.holders.add(holder);
  return { found: h.found, first };
}

/** Drops `holder` from every held sysctl and puts back the value found where it was the last holder. */
function releaseSysctls(holder: string): void {
  for (const [file, h] of held) {
    if (!h.holders.delete(holder) || h.holders.size > 0) continue;
    held.delete(file);
    try {
      if (h.found !== null && h.found !== h.value) writeFileSync(file, h.found);
    } catch {
      // the interface is gone: nothing to restore
    }
  }
}

/** Stops IGMP reports for 224.0.0.0/24 while IPv4 vmacs exist; returns a note the first time it changes it. */
function quietIgmp(name: string, opts: VmacOptions): string | null {
  const { found, first } = holdSysctl(`${opts.sysctlRoot ?? '/proc/sys'}/net/ipv4/igmp_link_local_mcast_reports`, '0', name);
  if (!first) return null;
  return found === null
    ? `net.ipv4.igmp_link_local_mcast_reports is missing (kernel before 4.3): ${name} will send IGMP reports from the virtual MAC`
    : found !== '0' ? `set net.ipv4.igmp_link_local_mcast_reports=0 (was ${found}) while vmacs exist: a backup's IGMP report from the virtual MAC would pull the VIP's traffic to it` : null;
}

/**
 * Creates (or reuses) macvlan `name` on `base` with `mac`, mode private, sets the sysctls of the module
 * comment and brings it up. A same-named interface that is not a private macvlan on `base` with `mac` is
 * deleted and recreated. Idempotent. @throws Error when iproute2 refuses.
 */
export async function createVmac(base: string, name: string, mac: string, family: 4 | 6, opts: VmacOptions = {}): Promise<VmacResult> {
  const start = process.hrtime.bigint();
  const warnings: string[] = [];
  const existing = await linkDetail(name, opts);
  const matches = existing !== null && existing.linkinfo?.info_kind === 'macvlan' && existing.linkinfo.info_data?.mode === 'private' &&
    existing.link === base && existing.address?.toLowerCase() === mac.toLowerCase();
  if (existing && !matches) await ipOk(['link', 'del', 'dev', name], opts);
  if (!matches) await ipOk(['link', 'add', name, 'link', base, 'address', mac, 'type', 'macvlan', 'mode', 'private'], opts);
  if (family === 4) {
    writeSysctl(opts, 6, name, 'disable_ipv6', '1');
    const note = quietIgmp(name, opts);
    if (note) warnings.push(note);
  } else {
    if (!matches) await ipOk(['link', 'set', 'dev', name, 'addrgenmode', 'none'], opts);
    writeSysctl(opts, 6, name, 'router_solicitations', '0');
  }
  for (const [key, value] of [['arp_ignore', '1'], ['accept_local', '1'], ['rp_filter', '0'], ['promote_secondaries', '1']]) {
    writeSysctl(opts, 4, name, key, value);
  }
  for (const key of ['arp_ignore', 'arp_filter']) holdSysctl(sysctlPath(opts, 4, base, key), '1', name);
  const allRp = readSysctl(opts, 4, 'all', 'rp_filter');
  if (allRp !== null && allRp !== '0') {
    warnings.push(`net.ipv4.conf.all.rp_filter is ${allRp}: adverts arriving on ${name} may be dropped (keepalived clears it)`);
  }
  await ipOk(['link', 'set', 'dev', name, 'up'], opts);
  if (family === 6) await copyLinkLocal(base, name, opts);
  return { created: !matches, ms: Number(process.hrtime.bigint() - start) / 1e6, warnings };
}

/** Puts the first link-local address of `base` on `name` (nodad). @throws Error when `base` has none. */
async function copyLinkLocal(base: string, name: string, opts: VmacOptions): Promise<void> {
  const links = JSON.parse(await ipOk(['-j', 'addr', 'show', 'dev', base], opts)) as Array<{ addr_info?: Array<{ family: string; local: string; scope: string }> }>;
  const ll = links.flatMap((l) => l.addr_info ?? []).find((a) => a.family === 'inet6' && a.scope === 'link');
  if (!ll) throw new Error(`${base} has no IPv6 link-local address for ${name}`);
  const r = await ipRun(['addr', 'add', `${ll.local}/64`, 'dev', name, 'nodad'], opts);
  if (r.code !== 0 && !/File exists|address already assigned/i.test(r.stderr)) {
    throw new Error(`${opts.ipCommand ?? 'ip'} addr add ${ll.local}/64 dev ${name} failed (exit ${r.code}): ${r.stderr.trim()}`);
  }
}

/**
 * Deletes interface `name` (its addresses go with it) and, when it was the last vmac we made on its base,
 * restores the base's arp_ignore / arp_filter (and after the last IPv4 vmac, igmp_link_local_mcast_reports).
 * Resolves true when deleted, false when it was not there.
 * @throws Error when iproute2 refuses otherwise.
 */
export async function removeVmac(name: string, opts: VmacOptions = {}): Promise<boolean> {
  releaseSysctls(name);
  if ((await linkDetail(name, opts)) === null) return false;
  await ipOk(['link', 'del', 'dev', name], opts);
  return true;
}

/** keepalived's default vmac name: `vrrp.<VRID>`. */
export function defaultVmacName(vrid: number): string {
  return `vrrp.${vrid}`;
}
