/**
 * keepalived.conf (lib/config) -> NodeSpec. Pure: the one host fact it needs, each instance's source
 * address, is passed in (the daemon reads it from the platform; the simulator from its node's addresses).
 */
import { authPassBytes, toRouterConfig } from '../config/router-config';
import type { GlobalDefs, KeepalivedConfig, VrrpInstance } from '../config/types';
import { canonicalAddress } from '../packet/address';
import { VRRP_GROUP_V4, VRRP_GROUP_V6 } from '../packet/constants';
import type { InstanceExpectations } from '../packet/receive';
import type { AnnounceConfig } from './announce';
import type { InstanceSpec, NodeSpec, TrackRefSpec } from './spec';
import { vipDeviceOf, vmacOf, xmitInterfaceOf } from './vmac-plan';

/** "address/len" of a virtual address (default /32 or /128). */
export function vipCidr(v: { address: string; prefixLength?: number; family: 4 | 6 }): string {
  return `${v.address}/${v.prefixLength ?? (v.family === 4 ? 32 : 128)}`;
}

/** What the receive step expects of adverts for this instance (RFC 9568 §7.1, RFC 3768 §7.1). */
export function expectationsOf(inst: VrrpInstance): InstanceExpectations {
  const auth = inst.authPass === undefined ? undefined : authPassBytes(inst.authPass);
  const e: InstanceExpectations = {
    version: inst.version,
    intervalCs: inst.advertIntervalCs,
    addresses: inst.virtualAddresses.map((v) => v.address),
    authType: inst.version === 2 && auth ? 1 : 0,
    authData: auth,
    owner: inst.priority === 255,
    strictLinkLocal: inst.strictMode,
  };
  // Unicast with `unicast_ttl`: the peers' adverts may cross routers (keepalived checks no TTL in unicast
  // mode at all; vrrpd keeps rule 1 unless unicast_ttl says the TTL is not 255).
  if (inst.unicastPeers.length > 0 && inst.unicastTtl !== undefined) e.skipTtlCheck = true;
  return e;
}

/** keepalived's GARP settings of an instance (instance values override global_defs). */
export function announceConfigOf(inst: VrrpInstance, global: GlobalDefs): AnnounceConfig {
  const cfg: AnnounceConfig = {
    delayMs: inst.garpMasterDelayMs ?? global.garpMasterDelayMs,
    repeat: inst.garpMasterRepeat ?? global.garpMasterRepeat,
    refreshMs: inst.garpMasterRefreshMs ?? global.garpMasterRefreshMs,
    refreshRepeat: inst.garpMasterRefreshRepeat ?? global.garpMasterRefreshRepeat,
    intervalMs: (inst.family === 4 ? global.garpIntervalUs : global.gnaIntervalUs) / 1000,
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

/** One instance, with `source` its address on the interface (from the config or found there). */
export function instanceSpecOf(inst: VrrpInstance, config: KeepalivedConfig, source: string): InstanceSpec {
  const vmac = vmacOf(inst);
  const scripts = new Map(config.scripts.map((s) => [s.name, s]));
  const files = new Map(config.trackFiles.map((f) => [f.name, f]));
  const trackInterfaces = inst.dontTrackPrimary ? [] : [{ name: inst.interface, weight: 0, reverse: false }];
  trackInterfaces.push(...refs(inst.trackInterfaces, () => ({ weight: 0, reverse: false })));
  const spec: InstanceSpec = {
    router: toRouterConfig(inst, config.global, source),
    interface: inst.interface,
    rxInterface: xmitInterfaceOf(inst),
    destinations: inst.unicastPeers.length > 0 ? inst.unicastPeers.map(canonicalAddress) : [groupOf(inst, config.global)],
    unicastPeers: inst.unicastPeers.map(canonicalAddress),
    checksum: inst.v3ChecksumAsV2 ? 'message-only' : 'pseudo-header',
    expectations: expectationsOf(inst),
    vips: [...inst.virtualAddresses, ...inst.virtualAddressesExcluded].map((v) => ({ dev: v.dev ?? vipDeviceOf(inst), cidr: vipCidr(v) })),
    // use_vmac: GARP / NA leave from the vmac with the virtual MAC (also with vmac_xmit_base, as keepalived).
    announceDev: vmac?.name ?? inst.interface,
    announce: announceConfigOf(inst, config.global),
    trackInterfaces,
    trackScripts: refs(inst.trackScripts.filter((r) => scripts.has(r.name)), (n) => ({ weight: scripts.get(n)?.weight ?? 0, reverse: scripts.get(n)?.weightReverse ?? false })),
    trackFiles: refs(inst.trackFiles.filter((r) => files.has(r.name)), (n) => ({ weight: files.get(n)?.weight ?? 1, reverse: files.get(n)?.weightReverse ?? false })),
    notify: { ...inst.notify },
  };
  if (vmac) spec.announceMac = vmac.mac;
  if (inst.unicastPeers.length > 0 && inst.unicastTtl !== undefined) spec.unicastTtl = inst.unicastTtl;
  if (configuredSource(inst) === undefined) spec.trackSource = canonicalAddress(source);
  return spec;
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
    syncGroups: config.syncGroups.map((g) => ({ name: g.name, members: g.instances.filter((m) => sources.has(m)), notify: { ...g.notify } })),
  };
}
