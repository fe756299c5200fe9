/**
 * `vrrp_instance NAME { ... }` -> VrrpInstance, with the per-instance checks (ranges, address family,
 * version, advert_int resolution). Cross-instance checks live in validate.ts.
 */
import { failAt, type Token } from './lexer';
import type { ConfigNode } from './parser';
import { arg, block, boolFlag, extraArgs, flag, intArg, loc, msArg, noBlock, secondsOf, textArg, type Warnings } from './context';
import { addressArg, parseUnicastPeers, parseVirtualAddressBlock } from './addresses';
import { applyNotify, parseAuthentication, parseTrackBlock, type KnownNames } from './tracking';
import { garpExtraIf, multicastGroupOf, scriptCommand } from './global';
import { INSTANCE_FOREIGN } from './foreign';
import { parseRoute, parseRouteBlock, parseRule } from './routes';
import { resolveRoute, resolveRule, resolveVipOptions } from './route-spec';
import type { GlobalDefs, VrrpInstance } from './types';

/**
 * Most VIPs one advert carries: Count IPvX Addr is 8 bits (RFC 9568 §5.2.5, RFC 3768 §5.3.5). keepalived
 * (VRRP_MAX_ADDR 0xFF) moves the excess to the excluded VIPs with a configuration error; we refuse it.
 */
export const MAX_VIPS = 255;

/** Appends `items` to `list` one by one (`push(...items)` overflows the stack for ~125k items). */
function append<T>(list: T[], items: readonly T[]): void {
  for (const item of items) list.push(item);
}

/** The vrrp_instance keywords (for did-you-mean). */
export const INSTANCE_KEYWORDS = [
  'state', 'interface', 'virtual_router_id', 'priority', 'advert_int', 'version', 'nopreempt', 'preempt', 'preempt_delay', 'authentication',
  'virtual_ipaddress', 'virtual_ipaddress_excluded', 'track_interface', 'track_script', 'track_file', 'track_process', 'unicast_src_ip', 'mcast_src_ip',
  'unicast_peer', 'use_vmac', 'vmac_xmit_base', 'garp_master_delay', 'garp_master_repeat', 'garp_master_refresh', 'garp_master_refresh_repeat',
  'lower_prio_no_advert', 'v3_checksum_as_v2', 'accept', 'no_accept', 'dont_track_primary', 'strict_mode', 'notify_master', 'notify_backup',
  'notify_fault', 'notify_stop', 'notify', 'notify_deleted', 'notify_master_rx_lower_pri', 'notify_priority_changes', 'vrf', 'use_vmac_addr',
  'use_ipvlan', 'native_ipv6', 'mcast_dst_ip', 'track_src_ip', 'check_unicast_src', 'unicast_fault_no_peer', 'unicast_ttl', 'old_unicast_checksum',
  'garp_lower_prio_delay', 'garp_lower_prio_repeat', 'garp_extra_if', 'vmac_garp_intvl', 'down_timer_adverts', 'higher_prio_send_advert', 'promote_secondaries',
  'virtual_routes', 'virtual_rules', 'skip_check_adv_addr',
];

interface Pending {
  stateTok?: Token;
  vridTok?: Token;
  advertTok?: Token;
  versionTok?: Token;
  nopreemptTok?: Token;
  preemptDelayTok?: Token;
  interfaceName?: string;
  /** The first `virtual_ipaddress` keyword (the VIP count is reported there). */
  vipTok?: Token;
  /** A virtual_ipaddress entry had an error (no "has no virtual_ipaddress" on top of it). */
  vipErrors: boolean;
  authTok?: Token;
  acceptTok?: Token;
  acceptSet?: boolean;
  peerTok?: Token;
  lowerPrioTok?: Token;
  higherPrioTok?: Token;
  xmitBaseTok?: Token;
  garpExtraTok?: Token;
  vmacMacTok?: Token;
  downTimerTok?: Token;
  faultNoPeerTok?: Token;
  /** The last garp_lower_prio_delay / _repeat keyword. */
  lowerGarpTok?: Token;
  peers: { address: string; family: 4 | 6; at: Token }[];
  srcs: { address: string; family: 4 | 6; at: Token }[];
}

/**
 * Validates one `vrrp_instance` block against the global defaults and the defined scripts / track files.
 * Errors are recorded in `w` (each statement is read even when an earlier one was wrong); oddities
 * keepalived tolerates are warnings.
 * @throws ConfigError when the instance has no name.
 */
export function parseInstance(node: ConfigNode, global: GlobalDefs, known: KnownNames, w: Warnings): VrrpInstance {
  extraArgs(node, 1, w);
  const name = arg(node, 0, 'an instance name, e.g. `vrrp_instance VI_1 {`').text;
  const inst: VrrpInstance = {
    name, at: loc(node.token), state: 'BACKUP', interface: '', vrid: 0, vridAt: loc(node.token), priority: 100,
    advertIntervalCs: 100, version: 2, family: 4, preempt: true, preemptDelayCs: 0, virtualAddresses: [],
    virtualAddressesExcluded: [], trackInterfaces: [], trackScripts: [], trackFiles: [], unicastPeers: [],
    vmacXmitBase: false, v3ChecksumAsV2: false, accept: true, notify: {}, dontTrackPrimary: false, strictMode: global.strict,
    useVmacAddr: false, trackProcesses: [], notifyUsers: {}, trackSrcIp: false, checkUnicastSrc: global.checkUnicastSrc, unicastPeerTtl: [],
    unicastFaultNoPeer: false, promoteSecondaries: false, skipCheckAdvAddr: global.skipCheckAdvAddr, virtualRoutes: [], virtualRules: [],
  };
  const p: Pending = { peers: [], srcs: [], vipErrors: false };
  const errorsBefore = w.errors.length;
  for (const s of block(node)) w.attempt(() => statement(s, inst, p, known, w), undefined);
  const statementErrors = w.errors.length > errorsBefore;
  w.attempt(() => finish(inst, node, global, p, w, statementErrors), undefined);
  return inst;
}

function statement(s: ConfigNode, inst: VrrpInstance, p: Pending, known: KnownNames, w: Warnings): void {
  if (applyNotify(s, inst.notify, inst.notifyUsers, w)) return;
  const later = (what: string): void => w.notYet(s.token, s.keyword, what);
  switch (s.keyword) {
    case 'state': {
      const v = textArg(s, 'MASTER or BACKUP', w);
      if (v !== 'MASTER' && v !== 'BACKUP') failAt(s.args[0], `state must be MASTER or BACKUP, got '${v}'`);
      inst.state = v;
      p.stateTok = s.args[0];
      break;
    }
    case 'interface':
      p.interfaceName = textArg(s, 'an interface name', w);
      if (p.interfaceName === '') failAt(s.args[0], 'interface needs an interface name, got an empty string');
      if (p.interfaceName === 'lo') {
        // keepalived: "(VI_1) cannot use a loopback interface (lo) for vrrp - ignoring", then no interface.
        failAt(s.args[0], `(${inst.name}) cannot use a loopback interface (lo) for vrrp: keepalived ignores it and the instance has no interface; use the interface facing the other routers`);
      }
      break;
    case 'virtual_router_id': p.vridTok = s.token; inst.vrid = intArg(s, 1, 255, w); break;
    case 'priority': inst.priority = intArg(s, 1, 255, w); break;
    case 'advert_int': textArg(s, 'seconds', w); p.advertTok = s.args[0]; break;
    case 'version': intArg(s, 2, 3, w); p.versionTok = s.args[0]; break;
    case 'nopreempt': flag(s, w); inst.preempt = false; p.nopreemptTok = s.token; break;
    case 'preempt': flag(s, w); inst.preempt = true; p.nopreemptTok = undefined; break;
    case 'preempt_delay': inst.preemptDelayCs = Math.round(msArg(s, 0, 1000, w) / 10); p.preemptDelayTok = s.token; break;
    case 'authentication': p.authTok = s.token; inst.authPass = parseAuthentication(s, w); break;
    case 'virtual_ipaddress':
    case 'virtual_ipaddress_excluded': {
      if (s.keyword === 'virtual_ipaddress') p.vipTok ??= s.token;
      const before = w.errors.length;
      const list = parseVirtualAddressBlock(s, w);
      if (w.errors.length > before && s.keyword === 'virtual_ipaddress') p.vipErrors = true;
      for (const v of list) {
        const r = resolveVipOptions(v);
        for (const why of r.skip) w.error(v.at, `${s.keyword} ${v.address}: ${why}`);
        for (const why of r.dropped) w.add(v.at, `${s.keyword} ${v.address}: ${why}; the address is added without it`);
      }
      append(s.keyword === 'virtual_ipaddress' ? inst.virtualAddresses : inst.virtualAddressesExcluded, list);
      break;
    }
    case 'track_interface': append(inst.trackInterfaces, parseTrackBlock(s, known, w)); break;
    case 'track_script': append(inst.trackScripts, parseTrackBlock(s, known, w)); break;
    case 'track_file': append(inst.trackFiles, parseTrackBlock(s, known, w)); break;
    case 'track_process': append(inst.trackProcesses, parseTrackBlock(s, known, w)); break;
    case 'unicast_src_ip': { const a = addressArg(s, w); inst.unicastSrcIp = a.address; p.srcs.push(a); break; }
    case 'mcast_src_ip': { const a = addressArg(s, w); inst.mcastSrcIp = a.address; p.srcs.push(a); break; }
    case 'unicast_peer': {
      p.peerTok ??= s.token;
      const peers = parseUnicastPeers(s, w);
      append(p.peers, peers);
      for (const x of peers) {
        if (x.minTtl !== undefined || x.maxTtl !== undefined) {
          inst.unicastPeerTtl.push({ address: x.address, ...(x.minTtl !== undefined ? { minTtl: x.minTtl } : {}), ...(x.maxTtl !== undefined ? { maxTtl: x.maxTtl } : {}) });
          inst.checkUnicastSrc = true; // keepalived: min_ttl / max_ttl turn on check_unicast_src
        }
      }
      break;
    }
    case 'use_vmac': {
      noBlock(s);
      extraArgs(s, 2, w);
      const [a, b] = s.args;
      const isMac = (t?: Token): boolean => t !== undefined && /^([0-9a-f]{2}:){4,5}[0-9a-f]{2}$/i.test(t.text);
      const nameTok = isMac(a) ? undefined : a;
      const macTok = isMac(a) ? a : isMac(b) ? b : undefined;
      if (b && !isMac(b)) failAt(b, `use_vmac takes [NAME] [MAC], got '${b.text}' where a MAC (5 or 6 octets) was expected`);
      inst.useVmac = nameTok ? { name: nameTok.text } : {};
      if (macTok) {
        inst.vmacMac = macTok.text;
        p.vmacMacTok = macTok;
        w.notYet(macTok, 'the MAC address of use_vmac', 'use another MAC than 00:00:5e:00:01|02:VRID');
      }
      break;
    }
    case 'use_vmac_addr': inst.useVmacAddr = flag(s, w); later('create VMACs for VIPs on other interfaces'); break;
    case 'vmac_xmit_base': inst.vmacXmitBase = flag(s, w); p.xmitBaseTok = s.token; break;
    case 'use_ipvlan': noBlock(s); inst.useIpvlan = s.args.map((t) => t.text); later('create ipvlan interfaces'); break;
    case 'vrf': inst.vrf = textArg(s, 'a VRF interface name', w); later('bind to a VRF'); break;
    case 'native_ipv6': flag(s, w); w.add(s.token, 'native_ipv6 is deprecated in keepalived: the family comes from the virtual addresses; ignored'); break;
    case 'mcast_dst_ip': { const a = addressArg(s, w); inst.mcastDstIp = multicastGroupOf(a.at, s.keyword); p.srcs.push(a); break; }
    case 'track_src_ip': inst.trackSrcIp = flag(s, w); break;
    // Always on in vrrpd (lib/node drops a unicast advert from a source outside unicast_peer).
    case 'check_unicast_src': inst.checkUnicastSrc = flag(s, w); break;
    case 'unicast_fault_no_peer': inst.unicastFaultNoPeer = flag(s, w); p.faultNoPeerTok = s.token; break;
    case 'unicast_ttl': inst.unicastTtl = intArg(s, 0, 255, w); break;
    case 'old_unicast_checksum': {
      noBlock(s);
      extraArgs(s, 1, w);
      const a = s.args[0];
      if (a && a.text !== 'never') failAt(a, `old_unicast_checksum takes nothing or never, got '${a.text}'`);
      inst.oldUnicastChecksum = a ? 'never' : 'on';
      later('use the pre-1.3.6 unicast VRRPv3 checksum (v3_checksum_as_v2 is the supported form)');
      break;
    }
    case 'garp_master_delay': inst.garpMasterDelayMs = msArg(s, 0, 1000, w); break;
    case 'garp_master_repeat': inst.garpMasterRepeat = intArg(s, 0, 1000, w); break;
    case 'garp_master_refresh': inst.garpMasterRefreshMs = msArg(s, 0, 86400, w); break;
    case 'garp_master_refresh_repeat': inst.garpMasterRefreshRepeat = intArg(s, 0, 1000, w); break;
    case 'garp_lower_prio_delay': inst.garpLowerPrioDelayMs = msArg(s, 0, 1000, w); p.lowerGarpTok = s.token; break;
    case 'garp_lower_prio_repeat': inst.garpLowerPrioRepeat = intArg(s, 0, 1000, w); p.lowerGarpTok = s.token; break;
    case 'garp_extra_if': case 'vmac_garp_intvl':
      inst.garpExtraIf = garpExtraIf(s, w);
      p.garpExtraTok = s.token;
      if (s.keyword === 'vmac_garp_intvl') w.add(s.token, 'vmac_garp_intvl is deprecated in keepalived; write garp_extra_if');
      break;
    case 'down_timer_adverts': inst.downTimerAdverts = intArg(s, 1, 100, w); p.downTimerTok = s.token; break;
    case 'lower_prio_no_advert': inst.lowerPrioNoAdvert = boolFlag(s, w); p.lowerPrioTok = s.token; break;
    case 'higher_prio_send_advert': inst.higherPrioSendAdvert = boolFlag(s, w); p.higherPrioTok = s.token; break;
    case 'promote_secondaries': inst.promoteSecondaries = flag(s, w); break;
    case 'virtual_routes': {
      const routes = parseRouteBlock(s, parseRoute, w);
      for (const r of routes) {
        const x = resolveRoute(r);
        if (x.skip.length > 0) w.add(r.at, `virtual_routes: this route is not installed: ${x.skip.join('; ')}`);
        else if (x.dropped.length > 0) w.add(r.at, `virtual_routes: the route is installed without ${x.dropped.join(', ')}`);
      }
      untracked(s, routes, 'routes', w);
      append(inst.virtualRoutes, routes);
      break;
    }
    case 'virtual_rules': {
      const rules = parseRouteBlock(s, parseRule, w);
      for (const r of rules) {
        const x = resolveRule(r);
        if (x.skip.length > 0) w.add(r.at, `virtual_rules: this rule is not installed: ${x.skip.join('; ')}`);
      }
      untracked(s, rules, 'rules', w);
      append(inst.virtualRules, rules);
      break;
    }
    case 'skip_check_adv_addr': inst.skipCheckAdvAddr = boolFlag(s, w); break;
    case 'v3_checksum_as_v2': inst.v3ChecksumAsV2 = flag(s, w); break;
    case 'accept': inst.accept = flag(s, w); p.acceptSet = true; p.acceptTok = s.token; break;
    case 'no_accept': flag(s, w); inst.accept = false; p.acceptSet = true; p.acceptTok = s.token; break;
    case 'dont_track_primary': inst.dontTrackPrimary = flag(s, w); break;
    case 'strict_mode': inst.strictMode = boolFlag(s, w); break;
    case 'notify_deleted': {
      noBlock(s);
      inst.notifyDeleted = s.args[0] ? scriptCommand(s, w) : {};
      break;
    }
    case 'notify_master_rx_lower_pri': inst.notifyMasterRxLowerPri = scriptCommand(s, w).command; break;
    case 'notify_priority_changes': inst.notifyPriorityChanges = boolFlag(s, w); break;
    default: {
      const why = INSTANCE_FOREIGN.get(s.keyword);
      if (why !== undefined) w.add(s.token, `${s.keyword} ${why}`);
      else w.unknown(s.token, 'vrrp_instance', INSTANCE_KEYWORDS);
    }
  }
}

/**
 * keepalived tracks virtual routes and rules without `no_track` (one deleted by someone else is put back or
 * moves the instance out of MASTER); vrrpd does not: said once per block.
 */
function untracked(s: ConfigNode, entries: readonly { noTrack: boolean }[], what: string, w: Warnings): void {
  if (entries.some((e) => !e.noTrack)) {
    w.add(s.token, `${s.keyword}: vrrpd does not track its ${what} (one deleted by someone else stays deleted until the next MASTER transition, as with no_track)`);
  }
}

function finish(inst: VrrpInstance, node: ConfigNode, global: GlobalDefs, p: Pending, w: Warnings, statementErrors: boolean): void {
  const name = inst.name;
  if (p.interfaceName === undefined) {
    const dflt = global.defaultInterface === undefined ? '' : ` (default_interface ${global.defaultInterface} does not apply to a vrrp_instance: keepalived 2.2.7 refuses it too)`;
    if (!statementErrors || !w.errors.some((e) => e.message.includes('cannot use a loopback interface'))) w.error(node.token, `vrrp_instance ${name} has no interface; add \`interface IFNAME\`${dflt}`);
  } else inst.interface = p.interfaceName;
  if (!p.vridTok) w.error(node.token, `vrrp_instance ${name} has no virtual_router_id; add \`virtual_router_id 1..255\``);
  else inst.vridAt = loc(p.vridTok);
  if (p.acceptSet !== true && inst.strictMode) inst.accept = inst.priority === 255;

  const vips = inst.virtualAddresses;
  const first = vips[0];
  for (const v of vips) {
    if (v.family !== first.family) {
      w.error(v.at, `virtual_ipaddress mixes IPv4 and IPv6: ${v.address} is IPv${v.family} but ${first.address} (line ${first.at.line}) is IPv${first.family}; put each family in its own vrrp_instance`);
    }
  }
  inst.family = first?.family ?? p.srcs[0]?.family ?? p.peers[0]?.family ?? 4;
  for (const a of [...p.srcs, ...p.peers]) {
    if (a.family !== inst.family) w.error(a.at, `${a.address} is IPv${a.family} but vrrp_instance ${name} is IPv${inst.family}; use an IPv${inst.family} address`);
  }
  inst.unicastPeers = p.peers.map((a) => a.address);
  if (inst.unicastFaultNoPeer && inst.unicastPeers.length === 0 && p.faultNoPeerTok) {
    w.add(p.faultNoPeerTok, `(${name}) unicast_fault_no_peer and no unicast_peer: the instance stays in FAULT (it sends no adverts, multicast or unicast)`);
  }

  if (p.versionTok) {
    inst.version = Number(p.versionTok.text) as 2 | 3;
    if (inst.version === 2 && inst.family === 6) {
      const at = first ? first.at : loc(p.versionTok);
      w.error(at, `VRRPv2 is IPv4 only (RFC 3768) but vrrp_instance ${name} is IPv6; use \`version 3\``);
    }
  } else {
    inst.version = inst.family === 6 ? 3 : global.vrrpVersion;
  }

  if (p.advertTok) {
    const t = p.advertTok;
    w.attempt(() => (inst.advertIntervalCs = advertCs(t, inst.version)), 0);
  }
  if (inst.authPass !== undefined && inst.version === 3 && p.authTok) {
    w.add(p.authTok, 'authentication does not exist in VRRPv3 (RFC 9568); ignored');
    delete inst.authPass;
  }
  if (p.nopreemptTok) {
    if (inst.state !== 'BACKUP') w.add(p.nopreemptTok, 'nopreempt needs `state BACKUP`; with state MASTER it has no effect at startup');
    if (inst.priority === 255) w.add(p.nopreemptTok, 'priority 255 is the address owner, which always preempts; nopreempt has no effect');
  }
  if (p.garpExtraTok && inst.garpExtraIf && inst.garpExtraIf.intervalMs > 0 && !inst.garpExtraIf.all && !inst.useVmac) {
    w.add(p.garpExtraTok, `(${name}) ${p.garpExtraTok.text} without \`all\` only refreshes VMAC interfaces (keepalived.conf(5)) and this instance has no use_vmac: it sends nothing; add \`all\` for the interfaces of VIPs with \`dev\``);
  }
  if (inst.vmacXmitBase && !inst.useVmac && p.xmitBaseTok) w.add(p.xmitBaseTok, `(${name}) vmac_xmit_base is only valid with a vmac (use_vmac); ignored`);
  if (inst.strictMode) strict(inst, p, w);
  // Last, so that a bad value elsewhere in the block is reported first.
  if (vips.length === 0 && !p.vipErrors) w.error(node.token, `vrrp_instance ${name} has no virtual_ipaddress; add \`virtual_ipaddress { ADDRESS }\` (at least one is needed)`);
  if (vips.length > MAX_VIPS && p.vipTok) {
    w.error(p.vipTok, `virtual_ipaddress of vrrp_instance ${name} has ${vips.length} addresses but one advert carries at most ${MAX_VIPS} (its Count field is 8 bits); move the rest to virtual_ipaddress_excluded`);
  }
}

/**
 * keepalived's strict mode (vrrp_strict / strict_mode, keepalived.conf(5)): unicast peers and an IPv6
 * instance whose first VIP is not link-local are refused; authentication, preempt_delay, accept with
 * VRRPv2, a cleared lower_prio_no_advert, higher_prio_send_advert, vmac_xmit_base, a VMAC MAC address,
 * garp_lower_prio_repeat / _delay, down_timer_adverts and state MASTER without priority 255 are reset with a
 * warning, as keepalived does.
 */
function strict(inst: VrrpInstance, p: Pending, w: Warnings): void {
  const n = inst.name;
  const why = 'in strict mode (vrrp_strict / strict_mode)';
  if (p.peerTok && inst.unicastPeers.length > 0) w.error(p.peerTok, `(${n}) unicast peers are not supported ${why}; remove unicast_peer or strict mode`);
  const first = inst.virtualAddresses[0];
  if (first && first.family === 6 && !/^fe[89ab]/i.test(first.address)) w.error(first.at, `(${n}) the first IPv6 VIP must be link local (fe80::/10) ${why}; put a link-local address first`);
  if (inst.authPass !== undefined && p.authTok) {
    w.add(p.authTok, `(${n}) authentication is not supported ${why} (RFC 3768 removed it); ignored, as keepalived does`);
    delete inst.authPass;
  }
  if (inst.preemptDelayCs > 0 && p.preemptDelayTok) {
    w.add(p.preemptDelayTok, `(${n}) preempt_delay is incompatible with strict mode; reset to 0, as keepalived does`);
    inst.preemptDelayCs = 0;
  }
  if (inst.accept && inst.version === 2 && p.acceptTok) {
    w.add(p.acceptTok, `(${n}) accept mode for VRRP version 2 does not comply with RFC 3768 ${why}; reset to no_accept, as keepalived does`);
    inst.accept = false;
  }
  if (inst.lowerPrioNoAdvert === false && p.lowerPrioTok) {
    w.add(p.lowerPrioTok, `(${n}) strict mode requires lower_prio_no_advert; set, as keepalived does`);
    inst.lowerPrioNoAdvert = true;
  }
  if (inst.higherPrioSendAdvert && p.higherPrioTok) {
    w.add(p.higherPrioTok, `(${n}) strict mode requires higher_prio_send_advert to be clear; cleared, as keepalived does`);
    inst.higherPrioSendAdvert = false;
  }
  if (inst.vmacXmitBase && p.xmitBaseTok) {
    w.add(p.xmitBaseTok, `(${n}) vmac_xmit_base cannot be used ${why}; cleared`);
    inst.vmacXmitBase = false;
  }
  if (inst.vmacMac !== undefined && p.vmacMacTok) {
    w.add(p.vmacMacTok, `(${n}) a use_vmac MAC address cannot be specified ${why}; cleared, as keepalived does`);
    delete inst.vmacMac;
  }
  if ((inst.garpLowerPrioRepeat || inst.garpLowerPrioDelayMs) && p.lowerGarpTok) {
    w.add(p.lowerGarpTok, `(${n}) strict mode requires no repeat GARPs: garp_lower_prio_repeat / garp_lower_prio_delay reset to 0, as keepalived does`);
    inst.garpLowerPrioRepeat = 0;
    inst.garpLowerPrioDelayMs = 0;
  }
  if (inst.downTimerAdverts !== undefined && p.downTimerTok) {
    w.add(p.downTimerTok, `(${n}) down_timer_adverts is incompatible with strict mode; reset, as keepalived does`);
    delete inst.downTimerAdverts;
  }
  if (inst.state === 'MASTER' && inst.priority !== 255 && p.stateTok) {
    w.add(p.stateTok, `(${n}) state MASTER must match being address owner (priority 255) ${why}; starting as BACKUP, as keepalived does`);
    inst.state = 'BACKUP';
  }
}

/** advert_int seconds -> centiseconds: v3 0.01..40.95 (RFC 9568 §5.2.7), v2 whole 1..255 (RFC 3768 §5.3.7). */
function advertCs(t: Token, version: 2 | 3): number {
  if (version === 3) {
    const s = secondsOf(t, 'advert_int (VRRPv3)', 0.01, 40.95);
    const cs = Math.round(s * 100);
    if (Math.abs(cs - s * 100) > 1e-6) failAt(t, `advert_int has a resolution of 0.01 s in VRRPv3, got '${t.text}'`);
    return cs;
  }
  if (/^\d+\.\d+$/.test(t.text) && !Number.isInteger(Number(t.text))) failAt(t, `advert_int must be whole seconds in VRRPv2, got '${t.text}'; use \`version 3\` for sub-second intervals`);
  return secondsOf(t, 'advert_int (VRRPv2)', 1, 255) * 100;
}
