/**
 * keepalived.conf (lib/config) -> NodeSpec. Pure: the one host fact it needs, each instance's source
 * address, is passed in (the daemon reads it from the platform; the simulator from its node's addresses).
 */
import { authPassBytes, toRouterConfig } from '../config/router-config';
import type { GlobalDefs, KeepalivedConfig, TrackProcess, TrackRef, VrrpInstance } from '../config/types';
import { canonicalAddress, parseAddress } from '../packet/address';
import { VRRP_GROUP_V4, VRRP_GROUP_V6 } from '../packet/constants';
import type { InstanceExpectations, TtlRange } from '../packet/receive';
import type { AnnounceConfig } from './announce';
import { resolveRoute, resolveRule, resolveVipOptions } from '../config/route-spec';
import type { InstanceSpec, NodeSpec, NotifyScripts, NotifyUsers, ProcessSpec, RouteSpec, RuleSpec, RunAs, TrackRefSpec, VipSpec } from './spec';
import { vipDeviceOf, vmacOf, xmitInterfaceOf } from './vmac-plan';

/** "address/len" of a virtual address (default /32 or /128). */
export function vipCidr(v: { address: string; prefixLength?: number; family: 4 | 6 }): string {
  return `${v.address}/${v.prefixLength ?? (v.family === 4 ? 32 : 128)}`;
}

/** The platform VIPs of an instance (virtual_ipaddress, then _excluded), with their options. */
export function vipSpecsOf(inst: VrrpInstance): VipSpec[] {
  return [...inst.virtualAddresses, ...inst.virtualAddressesExcluded].map((v) => {
    const options = resolveVipOptions(v).spec;
    return { dev: v.dev ?? vipDeviceOf(inst), cidr: vipCidr(v), ...(Object.keys(options).length > 0 ? { options } : {}) };
  });
}

/** The routes and rules of an instance that can be installed (the config warned about the others). */
export function routingOf(inst: VrrpInstance): { routes: RouteSpec[]; rules: RuleSpec[] } {
  const ok = <T>(r: { spec: T; skip: string[] }): T[] => (r.skip.length === 0 ? [r.spec] : []);
  return { routes: inst.virtualRoutes.flatMap((r) => ok(resolveRoute(r))), rules: inst.virtualRules.flatMap((r) => ok(resolveRule(r))) };
}

/** What the receive step expects of adverts for this instance (RFC 9568 §7.1, RFC 3768 §7.1). */
export function expectationsOf(inst: VrrpInstance): InstanceExpectations {
  const auth = inst.authPass === undefined ? undefined : authPassBytes(inst.authPass);
  const expectations: InstanceExpectations = {
    version: inst.version,
    intervalCs: inst.advertIntervalCs,
    addresses: inst.virtualAddresses.map((v) => v.address),
    authType: inst.version === 2 && auth ? 1 : 0,
    authData: auth,
    owner: inst.priority === 255,
    strictLinkLocal: inst.strictMode,
  };
  const ranges = ttlRangesOf(inst);
  if (ranges.length > 0) expectations.ttlRanges = ranges;
  // Unicast with `unicast_ttl`: the peers' adverts may cross routers (keepalived checks no TTL in unicast
  // mode at all; vrrpd keeps rule 1 unless unicast_ttl says the TTL is not 255).
  if (inst.unicastPeers.length > 0 && inst.unicastTtl !== undefined) expectations.skipTtlCheck = true;
  return expectations;
}

/**
 * keepalived `unicast_peer { ADDR min_ttl N max_ttl M }`: the TTL range of each peer that has one (an
 * unset bound is 0 or 255, keepalived.conf(5)).
 */
export function ttlRangesOf(inst: VrrpInstance): TtlRange[] {
  return inst.unicastPeerTtl.map((p) => ({ src: parseAddress(p.address, inst.family), min: p.minTtl ?? 0, max: p.maxTtl ?? 255 }));
}

/** keepalived's GARP settings of an instance (instance values override global_defs). */
export function announceConfigOf(inst: VrrpInstance, global: GlobalDefs): AnnounceConfig {
  const cfg: AnnounceConfig = {
    delayMs: inst.garpMasterDelayMs ?? global.garpMasterDelayMs,
    repeat: inst.garpMasterRepeat ?? global.garpMasterRepeat,
    refreshMs: inst.garpMasterRefreshMs ?? global.garpMasterRefreshMs,
    refreshRepeat: inst.garpMasterRefreshRepeat ?? global.garpMasterRefreshRepeat,
    intervalMs: (inst.family === 4 ? global.garpIntervalUs : global.gnaIntervalUs) / 1000,
    // keepalived: unset, they default to the global vrrp_garp_master_repeat / _delay; strict mode clears them.
    lowerPrioRepeat: inst.strictMode ? 0 : inst.garpLowerPrioRepeat ?? global.garpLowerPrioRepeat ?? global.garpMasterRepeat,
    lowerPrioDelayMs: inst.strictMode ? 0 : inst.garpLowerPrioDelayMs ?? global.garpLowerPrioDelayMs ?? global.garpMasterDelayMs,
  };
  const extra = extraAnnounceOf(inst, global);
  if (extra) cfg.extra = extra;
  return cfg;
}

/**
 * `garp_extra_if SECS [all]` (else global `vrrp_garp_extra_if`): while MASTER, every SECS one GARP/NA on each
 * interface carrying a VIP other than the instance's own (keepalived.conf(5): so that switches keep that
 * interface's MAC). As keepalived: without `all` only on the vmac; the instance's own interface (the vmac with
 * use_vmac) only with vmac_xmit_base, where the adverts leave from the base; one address per interface.
 * Undefined when off or when no interface qualifies.
 */
export function extraAnnounceOf(inst: VrrpInstance, global: GlobalDefs): AnnounceConfig['extra'] {
  const cfg = inst.garpExtraIf ?? global.garpExtraIf;
  if (!cfg || cfg.intervalMs <= 0) return undefined;
  const vmac = vmacOf(inst);
  const own = vmac?.name ?? inst.interface;
  const targets: NonNullable<AnnounceConfig['extra']>['targets'] = [];
  for (const v of [...inst.virtualAddresses, ...inst.virtualAddressesExcluded]) {
    const dev = v.dev ?? vipDeviceOf(inst);
    const ours = vmac !== null && dev === vmac.name;
    if (!ours && !cfg.all) continue;
    if (dev === own && !(vmac?.xmitBase ?? false)) continue;
    if (targets.some((t) => t.dev === dev)) continue;
    targets.push(ours && vmac ? { dev, mac: vmac.mac, addresses: [vipCidr(v)] } : { dev, addresses: [vipCidr(v)] });
  }
  return targets.length > 0 ? { intervalMs: cfg.intervalMs, targets } : undefined;
}

/** The multicast group of an instance's adverts: mcast_dst_ip, else vrrp_mcast_group4/6, else the IANA group. */
export function groupOf(inst: VrrpInstance, global: GlobalDefs): string {
  const g = inst.mcastDstIp ?? (inst.family === 4 ? global.mcastGroup4 ?? VRRP_GROUP_V4 : global.mcastGroup6 ?? VRRP_GROUP_V6);
  return canonicalAddress(g);
}

/** The source address an instance sends from when the config names one (mcast/unicast_src_ip). */
export function configuredSource(inst: VrrpInstance): string | undefined {
  return inst.unicastSrcIp ?? inst.mcastSrcIp;
}

/** Track refs with their weights: an entry without `weight` inherits the tracker's own weight and reverse. */
function refs(list: readonly { name: string; weight?: number; reverse: boolean }[], own: (name: string) => { weight: number; reverse: boolean }): TrackRefSpec[] {
  return list.map((r) => {
    if (r.weight !== undefined) return { name: r.name, weight: r.weight, reverse: r.reverse };
    const o = own(r.name);
    return { name: r.name, weight: o.weight, reverse: o.reverse || r.reverse };
  });
}

/**
 * An instance's track entries of one kind followed by its sync group's (keepalived.conf(5) "VRRP
 * synchronization group(s)": group trackers update every member); a name the instance tracks itself keeps
 * the instance's entry.
 */
function withGroup(own: readonly TrackRef[], group: readonly TrackRef[] | undefined): TrackRef[] {
  const names = new Set(own.map((r) => r.name));
  return [...own, ...(group ?? []).filter((r) => !names.has(r.name))];
}

/** One instance, with `source` its address on the interface (from the config or found there). */
export function instanceSpecOf(inst: VrrpInstance, config: KeepalivedConfig, source: string): InstanceSpec {
  const vmac = vmacOf(inst);
  const scripts = new Map(config.scripts.map((s) => [s.name, s]));
  const files = new Map(config.trackFiles.map((f) => [f.name, f]));
  const processes = new Map(config.trackProcesses.map((p) => [p.name, p]));
  const group = config.syncGroups.find((g) => g.instances.includes(inst.name));
  const trackInterfaces = inst.dontTrackPrimary ? [] : [{ name: inst.interface, weight: 0, reverse: false }];
  trackInterfaces.push(...refs(withGroup(inst.trackInterfaces, group?.trackInterfaces), () => ({ weight: 0, reverse: false })));
  const spec: InstanceSpec = {
    router: toRouterConfig(inst, config.global, source),
    interface: inst.interface,
    rxInterface: xmitInterfaceOf(inst),
    destinations: inst.unicastPeers.length > 0 ? inst.unicastPeers.map(canonicalAddress) : [groupOf(inst, config.global)],
    unicastPeers: inst.unicastPeers.map(canonicalAddress),
    checksum: inst.v3ChecksumAsV2 ? 'message-only' : 'pseudo-header',
    expectations: expectationsOf(inst),
    vips: vipSpecsOf(inst),
    ...routingOf(inst),
    // use_vmac: GARP / NA leave from the vmac with the virtual MAC (also with vmac_xmit_base, as keepalived).
    announceDev: vmac?.name ?? inst.interface,
    announce: announceConfigOf(inst, config.global),
    trackInterfaces,
    trackScripts: refs(withGroup(inst.trackScripts, group?.trackScripts).filter((r) => scripts.has(r.name)), (n) => ({ weight: scripts.get(n)?.weight ?? 0, reverse: scripts.get(n)?.weightReverse ?? false })),
    trackFiles: refs(withGroup(inst.trackFiles, group?.trackFiles).filter((r) => files.has(r.name)), (n) => ({ weight: files.get(n)?.weight ?? 1, reverse: files.get(n)?.weightReverse ?? false })),
    notify: {
      ...inst.notify,
      ...(inst.notifyDeleted?.command !== undefined ? { deleted: inst.notifyDeleted.command } : {}),
      ...(inst.notifyMasterRxLowerPri !== undefined ? { masterRxLowerPri: inst.notifyMasterRxLowerPri } : {}),
    },
  };
  const tracked = refs(withGroup(inst.trackProcesses, group?.trackProcesses).filter((r) => processes.has(r.name)), (n) => ({ weight: processes.get(n)?.weight ?? 0, reverse: processes.get(n)?.weightReverse ?? false }));
  if (tracked.length > 0) spec.trackProcesses = tracked;
  const users = notifyUsersOf({ ...inst.notifyUsers, ...(inst.notifyDeleted?.user ? { deleted: inst.notifyDeleted.user } : {}) }, spec.notify, config.global.scriptUser);
  if (Object.keys(users).length > 0) spec.notifyUsers = users;
  if (inst.notifyDeleted) spec.notifyDeleted = true;
  if (inst.notifyPriorityChanges ?? group?.notifyPriorityChanges ?? config.global.notifyPriorityChanges) spec.notifyPriorityChanges = true;
  if (vmac) spec.announceMac = vmac.mac;
  if (inst.unicastPeers.length > 0 && inst.unicastTtl !== undefined) spec.unicastTtl = inst.unicastTtl;
  // The found source always; a configured one with track_src_ip (keepalived.conf(5)).
  if (configuredSource(inst) === undefined || inst.trackSrcIp) spec.trackSource = canonicalAddress(source);
  if (inst.skipCheckAdvAddr) spec.skipCheckAdvAddr = true;
  if (inst.checkUnicastSrc) spec.checkUnicastSrc = true;
  if (inst.unicastFaultNoPeer && inst.unicastPeers.length === 0) spec.faultNoPeer = true;
  return spec;
}

/** Who runs each of `commands`: its own user, else `scriptUser` (keepalived's script_user). */
export function notifyUsersOf(own: NotifyUsers, commands: NotifyScripts, scriptUser: RunAs | undefined): NotifyUsers {
  const out: NotifyUsers = {};
  for (const k of Object.keys(commands) as Array<keyof NotifyScripts>) {
    const u = own[k] ?? scriptUser;
    if (commands[k] !== undefined && u) out[k] = u.group !== undefined ? { user: u.user, group: u.group } : { user: u.user };
  }
  return out;
}

/**
 * A `vrrp_track_process` as the node counts it: parameters or `param_match` mean argv[0] and the
 * parameters are compared (keepalived 2.2.7 then reads cmdline, as with full_command).
 */
export function processSpecOf(p: TrackProcess): ProcessSpec {
  const params = p.process.slice(1);
  const withParams = params.length > 0 || p.paramMatchSet;
  return {
    name: p.name, process: p.process[0], params, paramMatch: withParams ? p.paramMatch : 'none', byCmdline: p.fullCommand || withParams,
    quorum: p.quorum, quorumMax: p.quorumMax ?? null, forkDelayMs: p.forkDelayMs, terminateDelayMs: p.terminateDelayMs, weight: p.weight, reverse: p.weightReverse,
  };
}

/**
 * The node of a whole configuration. `sources` maps each instance name to its source address; instances
 * missing from it are left out (the caller reports why).
 */
export function nodeSpecOf(config: KeepalivedConfig, sources: ReadonlyMap<string, string>): NodeSpec {
  const user = config.global.scriptUser;
  return {
    instances: config.instances.filter((i) => sources.has(i.name)).map((i) => instanceSpecOf(i, config, sources.get(i.name) as string)),
    scripts: config.scripts.map((s) => {
      const u = s.user ?? user;
      return {
        name: s.name, command: s.script, intervalMs: s.intervalMs, timeoutMs: s.timeoutMs, weight: s.weight, reverse: s.weightReverse,
        rise: s.rise, fall: s.fall, initFail: s.initFail, ...(u ? { user: u.user, ...(u.group ? { group: u.group } : {}) } : {}),
      };
    }),
    files: config.trackFiles.map((f) => ({ name: f.name, path: f.file, weight: f.weight, reverse: f.weightReverse })),
    processes: config.trackProcesses.map(processSpecOf),
    syncGroups: config.syncGroups.map((g) => {
      const users = notifyUsersOf(g.notifyUsers, g.notify, user);
      return { name: g.name, members: g.instances.filter((m) => sources.has(m)), notify: { ...g.notify }, ...(Object.keys(users).length > 0 ? { notifyUsers: users } : {}) };
    }),
  };
}
