/**
 * `global_defs`: every VRRP keyword of keepalived 2.2.7 is read with its meaning; those the daemon does not
 * act on yet are warned about (notYet), and the non-VRRP ones are warned about with the reason (foreign.ts).
 */
import type { ConfigNode } from './parser';
import { arg, block, boolFlag, extraArgs, flag, intArg, loc, msArg, noBlock, secondsOf, textArg, type Warnings } from './context';
import { addressOf } from './addresses';
import { GLOBAL_FOREIGN } from './foreign';
import { failAt, type Token } from './lexer';
import type { FifoConfig, GlobalDefs, ScriptCommand } from './types';

/** keepalived 2.2.7 defaults of the global keywords we implement. */
export function defaultGlobalDefs(): GlobalDefs {
  return {
    vrrpVersion: 2,
    vrrpVersionSet: false,
    garpMasterDelayMs: 5000,
    garpMasterRepeat: 5,
    garpMasterRefreshMs: 0,
    garpMasterRefreshRepeat: 1,
    garpIntervalUs: 0,
    gnaIntervalUs: 0,
    lowerPrioNoAdvert: false,
    strict: false,
    checkUnicastSrc: false,
    skipCheckAdvAddr: false,
    enableScriptSecurity: false,
    minGarp: false,
    higherPrioSendAdvert: false,
    notifyPriorityChanges: false,
    fifoWriteStatesOnReload: false,
    logUnknownVrids: false,
  };
}

/** The VRRP keywords of global_defs (for did-you-mean). */
export const GLOBAL_KEYWORDS = [
  'router_id', 'vrrp_version', 'vrrp_garp_master_delay', 'vrrp_garp_master_repeat', 'vrrp_garp_master_refresh', 'vrrp_garp_master_refresh_repeat',
  'vrrp_garp_interval', 'vrrp_gna_interval', 'vrrp_lower_prio_no_advert', 'vrrp_strict', 'vrrp_check_unicast_src', 'vrrp_skip_check_adv_addr',
  'enable_script_security', 'script_user', 'vrrp_mcast_group4', 'vrrp_mcast_group6', 'default_interface', 'vrrp_garp_lower_prio_delay',
  'vrrp_garp_lower_prio_repeat', 'vrrp_down_timer_adverts', 'vrrp_min_garp', 'vrrp_garp_extra_if', 'vrrp_vmac_garp_intvl', 'vrrp_higher_prio_send_advert',
  'notify_fifo', 'notify_fifo_script', 'vrrp_notify_fifo', 'vrrp_notify_fifo_script', 'vrrp_notify_priority_changes', 'fifo_write_vrrp_states_on_reload',
  'dynamic_interfaces', 'vrrp_startup_delay', 'log_unknown_vrids', 'vmac_prefix', 'vmac_addr_prefix', 'startup_script', 'startup_script_timeout',
  'shutdown_script', 'shutdown_script_timeout', 'random_seed',
];

/** `CMD [username [groupname]]` (keepalived's notify and fifo script syntax). */
export function scriptCommand(s: ConfigNode, w: Warnings): ScriptCommand {
  noBlock(s);
  extraArgs(s, 3, w);
  const cmd: ScriptCommand = { command: arg(s, 0, 'a command (quote it when it has arguments)').text };
  if (s.args[1]) cmd.user = s.args[2] ? { user: s.args[1].text, group: s.args[2].text } : { user: s.args[1].text };
  return cmd;
}

/** `FIFO [username [groupname]]`. */
function fifoOf(s: ConfigNode, w: Warnings): FifoConfig {
  const c = scriptCommand(s, w);
  const f: FifoConfig = { path: c.command };
  if (c.user) f.user = c.user;
  return f;
}

/**
 * `vrrp_garp_extra_if SECS [all]` / `garp_extra_if SECS [all]` (0..86400; keepalived takes `all` before or
 * after the seconds): the period of the GARP/NA refreshes on VIP interfaces other than the instance's.
 */
export function garpExtraIf(s: ConfigNode, w: Warnings): { all: boolean; intervalMs: number } {
  noBlock(s);
  const all = s.args.some((t) => t.text === 'all');
  const secs = s.args.filter((t) => t.text !== 'all');
  const t = secs[0];
  if (!t) failAt(s.token, `${s.keyword} needs seconds 0..86400 (optionally with \`all\`)`);
  extraArgs(s, all ? 2 : 1, w);
  return { all, intervalMs: Math.round(secondsOf(t, s.keyword, 0, 86400) * 1000) };
}

/**
 * A VRRP multicast group (`vrrp_mcast_group4/6`, `mcast_dst_ip`) in canonical form: IPv4 224.0.0.0/4, IPv6
 * link-local scope ffX2::/16 (keepalived.conf(5): "IPv6 multicast addresses must be link-local").
 * @throws ConfigError at `t` otherwise.
 */
export function multicastGroupOf(t: Token, keyword: string, family?: 4 | 6): string {
  const a = addressOf(t, keyword);
  const want = family ?? a.family;
  const ok = a.family === want && (want === 4 ? /^2(2[4-9]|3\d)\./.test(a.address) : /^ff[0-9a-f]2:/i.test(a.address));
  if (!ok) failAt(t, `${keyword} must be an IPv${want} multicast address${want === 6 ? ' of link-local scope (ffX2::)' : ' (224.0.0.0/4)'}, got '${t.text}'`);
  return a.address;
}

/**
 * Applies the statements of one `global_defs` block to `g` (several blocks accumulate). A bad statement
 * is recorded in `w` and the next one read.
 */
export function applyGlobalDefs(node: ConfigNode, g: GlobalDefs, w: Warnings): void {
  extraArgs(node, 0, w);
  for (const s of block(node)) w.attempt(() => globalStatement(s, g, w), undefined);
}

function globalStatement(s: ConfigNode, g: GlobalDefs, w: Warnings): void {
  const later = (what: string): void => w.notYet(s.token, s.keyword, what);
  switch (s.keyword) {
    case 'router_id':
      g.routerId = textArg(s, 'a router name', w);
      break;
    case 'vrrp_version':
      g.vrrpVersion = intArg(s, 2, 3, w) as 2 | 3;
      g.vrrpVersionSet = true;
      break;
    case 'vrrp_garp_master_delay':
      g.garpMasterDelayMs = msArg(s, 0, 1000, w);
      break;
    case 'vrrp_garp_master_repeat':
      g.garpMasterRepeat = intArg(s, 0, 1000, w);
      break;
    case 'vrrp_garp_master_refresh':
      g.garpMasterRefreshMs = msArg(s, 0, 86400, w);
      break;
    case 'vrrp_garp_master_refresh_repeat':
      g.garpMasterRefreshRepeat = intArg(s, 0, 1000, w);
      break;
    case 'vrrp_garp_interval':
      g.garpIntervalUs = usArg(s, w);
      break;
    case 'vrrp_gna_interval':
      g.gnaIntervalUs = usArg(s, w);
      break;
    case 'vrrp_min_garp':
      // keepalived: one GARP/NA at a time and no second burst 5 s later.
      g.minGarp = boolFlag(s, w);
      if (g.minGarp) {
        g.garpMasterRepeat = 1;
        g.garpMasterDelayMs = 0;
      }
      break;
    case 'vrrp_lower_prio_no_advert':
      g.lowerPrioNoAdvert = boolFlag(s, w);
      break;
    case 'vrrp_strict':
      g.strict = flag(s, w);
      break;
    case 'vrrp_check_unicast_src':
      // vrrpd always drops a unicast advert from a source outside unicast_peer (lib/node): nothing to turn on.
      g.checkUnicastSrc = flag(s, w);
      break;
    case 'vrrp_skip_check_adv_addr':
      g.skipCheckAdvAddr = boolFlag(s, w);
      break;
    case 'enable_script_security':
      g.enableScriptSecurity = flag(s, w);
      break;
    case 'script_user': {
      noBlock(s);
      extraArgs(s, 2, w);
      const user = arg(s, 0, 'a user name').text;
      g.scriptUser = s.args[1] ? { user, group: s.args[1].text } : { user };
      break;
    }
    case 'vrrp_mcast_group4':
    case 'vrrp_mcast_group6': {
      const t = arg(s, 0, 'a multicast address');
      textArg(s, 'a multicast address', w);
      const want = s.keyword.endsWith('4') ? 4 : 6;
      const a = multicastGroupOf(t, s.keyword, want);
      if (want === 4) g.mcastGroup4 = a;
      else g.mcastGroup6 = a;
      break;
    }
    case 'default_interface':
      g.defaultInterface = textArg(s, 'an interface name', w);
      // keepalived 2.2.7 refuses a vrrp_instance without `interface` ("Unknown interface!") even with
      // default_interface set: it only names the interface of static_ipaddress / static_routes.
      w.add(s.token, 'default_interface is read, but it only names the interface of static_ipaddress / static_routes, which vrrpd does not manage; a vrrp_instance still needs `interface` (as in keepalived 2.2.7)');
      break;
    case 'vrrp_garp_lower_prio_delay':
      g.garpLowerPrioDelayMs = msArg(s, 0, 1000, w);
      break;
    case 'vrrp_garp_lower_prio_repeat':
      g.garpLowerPrioRepeat = intArg(s, 0, 1000, w);
      break;
    case 'vrrp_down_timer_adverts':
      g.downTimerAdverts = intArg(s, 1, 100, w);
      break;
    case 'vrrp_garp_extra_if':
    case 'vrrp_vmac_garp_intvl': {
      const x = garpExtraIf(s, w);
      // keepalived: global 0 is refused ("specified without time - ignoring"); an instance's 0 turns it off.
      if (x.intervalMs === 0) failAt(s.args.find((t) => t.text !== 'all') ?? s.token, `${s.keyword} needs seconds 1..86400 in global_defs (0 is only valid in a vrrp_instance, where it turns garp_extra_if off)`);
      g.garpExtraIf = x;
      if (s.keyword === 'vrrp_vmac_garp_intvl') w.add(s.token, 'vrrp_vmac_garp_intvl is deprecated in keepalived; write vrrp_garp_extra_if');
      break;
    }
    case 'vrrp_higher_prio_send_advert':
      g.higherPrioSendAdvert = boolFlag(s, w);
      break;
    case 'notify_fifo':
    case 'vrrp_notify_fifo': {
      const f = fifoOf(s, w);
      const key = s.keyword === 'notify_fifo' ? 'notifyFifo' : 'vrrpNotifyFifo';
      g[key] = { ...g[key], ...f };
      break;
    }
    case 'notify_fifo_script':
    case 'vrrp_notify_fifo_script': {
      const key = s.keyword === 'notify_fifo_script' ? 'notifyFifo' : 'vrrpNotifyFifo';
      const fifo = g[key];
      if (!fifo) failAt(s.token, `${s.keyword} needs \`${s.keyword.replace('_script', '')} FIFO\` before it`);
      fifo.script = { ...scriptCommand(s, w), at: loc(s.token) };
      break;
    }
    case 'vrrp_notify_priority_changes':
      g.notifyPriorityChanges = boolFlag(s, w);
      break;
    case 'fifo_write_vrrp_states_on_reload':
      g.fifoWriteStatesOnReload = flag(s, w);
      break;
    case 'dynamic_interfaces': {
      noBlock(s);
      extraArgs(s, 1, w);
      const a = s.args[0];
      if (a && a.text !== 'allow_if_changes') failAt(a, `dynamic_interfaces takes nothing or allow_if_changes, got '${a.text}'`);
      g.dynamicInterfaces = { allowIfChanges: a !== undefined };
      later('wait for interfaces missing at start');
      break;
    }
    case 'vrrp_startup_delay':
      g.startupDelayMs = msArg(s, 0, 86400, w);
      break;
    case 'log_unknown_vrids':
      g.logUnknownVrids = flag(s, w);
      break;
    case 'vmac_prefix':
      g.vmacPrefix = textArg(s, 'a name prefix', w);
      later('name generated VMAC interfaces from a prefix');
      break;
    case 'vmac_addr_prefix':
      g.vmacAddrPrefix = textArg(s, 'a name prefix', w);
      later('create VMACs for VIPs on other interfaces');
      break;
    case 'startup_script':
    case 'shutdown_script': {
      const key = s.keyword === 'startup_script' ? 'startupScript' : 'shutdownScript';
      g[key] = { ...scriptCommand(s, w), timeoutMs: g[key]?.timeoutMs ?? 10000 };
      break;
    }
    case 'startup_script_timeout':
    case 'shutdown_script_timeout': {
      const key = s.keyword === 'startup_script_timeout' ? 'startupScript' : 'shutdownScript';
      const ms = intArg(s, 1, 1000, w) * 1000;
      const cur = g[key];
      if (!cur) failAt(s.token, `${s.keyword} needs \`${s.keyword.replace('_timeout', '')} SCRIPT\` before it`);
      cur.timeoutMs = ms;
      break;
    }
    case 'random_seed':
      g.randomSeed = intArg(s, 0, 4294967295, w);
      w.add(s.token, 'random_seed is read, but ${_RANDOM} is expanded while the file is read, before global_defs; it is not seeded from it');
      break;
    default: {
      const why = GLOBAL_FOREIGN.get(s.keyword);
      if (why !== undefined) w.add(s.token, `${s.keyword} ${why}`);
      else w.unknown(s.token, 'global_defs', GLOBAL_KEYWORDS, "unknown or unsupported global_defs keyword");
    }
  }
}

/** Decimal seconds 0..1 (microsecond resolution) -> microseconds. */
function usArg(s: ConfigNode, w: Warnings): number {
  noBlock(s);
  extraArgs(s, 1, w);
  return Math.round(secondsOf(arg(s, 0, 'seconds 0..1'), s.keyword, 0, 1) * 1e6);
}
