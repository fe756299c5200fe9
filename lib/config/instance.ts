/**
 * `vrrp_instance NAME { ... }` -> VrrpInstance, with the per-instance checks (ranges, address family,
 * version, advert_int resolution). Cross-instance checks live in validate.ts.
 */
import { failAt, type Token } from './lexer';
import type { ConfigNode } from './parser';
import { arg, block, boolFlag, extraArgs, flag, intArg, loc, msArg, noBlock, secondsOf, textArg, type Warnings } from './context';
import { addressArg, parseUnicastPeers, parseVirtualAddressBlock } from './addresses';
import { applyNotify, parseAuthentication, parseTrackBlock, type KnownNames } from './tracking';
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

/** Keywords keepalived accepts that we read but do not act on. */
const IGNORED = new Set(['smtp_alert']);

interface Pending {
  stateTok?: Token;
  vridTok?: Token;
  advertTok?: Token;
  versionTok?: Token;
  nopreemptTok?: Token;
  interfaceName?: string;
  /** The first `virtual_ipaddress` keyword (the VIP count is reported there). */
  vipTok?: Token;
  authTok?: Token;
  acceptSet?: boolean;
  peers: { address: string; family: 4 | 6; at: Token }[];
  srcs: { address: string; family: 4 | 6; at: Token }[];
}

/**
 * Validates one `vrrp_instance` block against the global defaults and the defined scripts / track files.
 * @throws ConfigError (file:line:col) naming what to change; oddities keepalived tolerates are warnings.
 */
export function parseInstance(node: ConfigNode, global: GlobalDefs, known: KnownNames, w: Warnings): VrrpInstance {
  extraArgs(node, 1, w);
  const name = arg(node, 0, 'an instance name, e.g. `vrrp_instance VI_1 {`').text;
  const inst: VrrpInstance = {
    name, at: loc(node.token), state: 'BACKUP', interface: '', vrid: 0, vridAt: loc(node.token), priority: 100,
    advertIntervalCs: 100, version: 2, family: 4, preempt: true, preemptDelayCs: 0, virtualAddresses: [],
    virtualAddressesExcluded: [], trackInterfaces: [], trackScripts: [], trackFiles: [], unicastPeers: [],
    vmacXmitBase: false, v3ChecksumAsV2: false, accept: true, notify: {}, dontTrackPrimary: false, strictMode: global.strict,
  };
  const p: Pending = { peers: [], srcs: [] };
  for (const s of block(node)) {
    if (applyNotify(s, inst.notify)) continue;
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
        break;
      case 'virtual_router_id': inst.vrid = intArg(s, 1, 255, w); p.vridTok = s.token; break;
      case 'priority': inst.priority = intArg(s, 1, 255, w); break;
      case 'advert_int': textArg(s, 'seconds', w); p.advertTok = s.args[0]; break;
      case 'version': intArg(s, 2, 3, w); p.versionTok = s.args[0]; break;
      case 'nopreempt': flag(s, w); inst.preempt = false; p.nopreemptTok = s.token; break;
      case 'preempt': flag(s, w); inst.preempt = true; p.nopreemptTok = undefined; break;
      case 'preempt_delay': inst.preemptDelayCs = Math.round(msArg(s, 0, 1000, w) / 10); break;
      case 'authentication': inst.authPass = parseAuthentication(s, w); p.authTok = s.token; break;
      case 'virtual_ipaddress': p.vipTok ??= s.token; append(inst.virtualAddresses, parseVirtualAddressBlock(s, w)); break;
      case 'virtual_ipaddress_excluded': append(inst.virtualAddressesExcluded, parseVirtualAddressBlock(s, w)); break;
      case 'track_interface': append(inst.trackInterfaces, parseTrackBlock(s, known, w)); break;
      case 'track_script': append(inst.trackScripts, parseTrackBlock(s, known, w)); break;
      case 'track_file': append(inst.trackFiles, parseTrackBlock(s, known, w)); break;
      case 'unicast_src_ip': { const a = addressArg(s, w); inst.unicastSrcIp = a.address; p.srcs.push(a); break; }
      case 'mcast_src_ip': { const a = addressArg(s, w); inst.mcastSrcIp = a.address; p.srcs.push(a); break; }
      case 'unicast_peer': append(p.peers, parseUnicastPeers(s, w)); break;
      case 'use_vmac':
        noBlock(s);
        extraArgs(s, 2, w);
        inst.useVmac = s.args[0] ? { name: s.args[0].text } : {};
        break;
      case 'vmac_xmit_base': inst.vmacXmitBase = flag(s, w); break;
      case 'garp_master_delay': inst.garpMasterDelayMs = msArg(s, 0, 1000, w); break;
      case 'garp_master_repeat': inst.garpMasterRepeat = intArg(s, 0, 1000, w); break;
      case 'garp_master_refresh': inst.garpMasterRefreshMs = msArg(s, 0, 86400, w); break;
      case 'garp_master_refresh_repeat': inst.garpMasterRefreshRepeat = intArg(s, 0, 1000, w); break;
      case 'lower_prio_no_advert': inst.lowerPrioNoAdvert = boolFlag(s, w); break;
      case 'v3_checksum_as_v2': inst.v3ChecksumAsV2 = flag(s, w); break;
      case 'accept': inst.accept = flag(s, w); p.acceptSet = true; break;
      case 'no_accept': flag(s, w); inst.accept = false; p.acceptSet = true; break;
      case 'dont_track_primary': inst.dontTrackPrimary = flag(s, w); break;
      case 'strict_mode': inst.strictMode = boolFlag(s, w); break;
      default:
        if (IGNORED.has(s.keyword)) w.add(s.token, `${s.keyword} is not supported; ignored`);
        else w.add(s.token, `unknown vrrp_instance keyword '${s.keyword}'; ignored`);
    }
  }
  finish(inst, node, global, p, w);
  return inst;
}

function finish(inst: VrrpInstance, node: ConfigNode, global: GlobalDefs, p: Pending, w: Warnings): void {
  const name = inst.name;
  if (p.interfaceName === undefined) failAt(node.token, `vrrp_instance ${name} has no interface; add \`interface IFNAME\``);
  inst.interface = p.interfaceName;
  if (!p.vridTok) failAt(node.token, `vrrp_instance ${name} has no virtual_router_id; add \`virtual_router_id 1..255\``);
  inst.vridAt = loc(p.vridTok);
  if (p.acceptSet !== true && inst.strictMode) inst.accept = false;

  const vips = inst.virtualAddresses;
  const first = vips[0];
  for (const v of vips) {
    if (v.family !== first.family) {
      failAt(v.at, `virtual_ipaddress mixes IPv4 and IPv6: ${v.address} is IPv${v.family} but ${first.address} (line ${first.at.line}) is IPv${first.family}; put each family in its own vrrp_instance`);
    }
  }
  inst.family = first?.family ?? p.srcs[0]?.family ?? p.peers[0]?.family ?? 4;
  for (const a of [...p.srcs, ...p.peers]) {
    if (a.family !== inst.family) failAt(a.at, `${a.address} is IPv${a.family} but vrrp_instance ${name} is IPv${inst.family}; use an IPv${inst.family} address`);
  }
  inst.unicastPeers = p.peers.map((a) => a.address);

  if (p.versionTok) {
    inst.version = Number(p.versionTok.text) as 2 | 3;
    if (inst.version === 2 && inst.family === 6) {
      const at = first ? first.at : loc(p.versionTok);
      failAt(at, `VRRPv2 is IPv4 only (RFC 3768) but vrrp_instance ${name} is IPv6; use \`version 3\``);
    }
  } else {
    inst.version = inst.family === 6 ? 3 : global.vrrpVersion;
  }

  if (p.advertTok) inst.advertIntervalCs = advertCs(p.advertTok, inst.version);
  if (inst.authPass !== undefined && inst.version === 3 && p.authTok) {
    w.add(p.authTok, 'authentication does not exist in VRRPv3 (RFC 9568); ignored');
    delete inst.authPass;
  }
  if (p.nopreemptTok) {
    if (inst.state !== 'BACKUP') w.add(p.nopreemptTok, 'nopreempt needs `state BACKUP`; with state MASTER it has no effect at startup');
    if (inst.priority === 255) w.add(p.nopreemptTok, 'priority 255 is the address owner, which always preempts; nopreempt has no effect');
  }
  // Last, so that a bad value elsewhere in the block is reported first.
  if (vips.length === 0) failAt(node.token, `vrrp_instance ${name} has no virtual_ipaddress; add \`virtual_ipaddress { ADDRESS }\` (at least one is needed)`);
  if (vips.length > MAX_VIPS && p.vipTok) {
    failAt(p.vipTok, `virtual_ipaddress of vrrp_instance ${name} has ${vips.length} addresses but one advert carries at most ${MAX_VIPS} (its Count field is 8 bits); move the rest to virtual_ipaddress_excluded`);
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
