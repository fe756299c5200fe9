/**
 * `global_defs`: the VRRP-related keywords; the many others keepalived knows are warned about and skipped.
 */
import type { ConfigNode } from './parser';
import { arg, block, boolFlag, extraArgs, flag, intArg, msArg, noBlock, secondsOf, textArg, type Warnings } from './context';
import type { GlobalDefs } from './types';

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
  };
}

/** Keywords of global_defs that are valid in keepalived but have no effect here (no warning noise). */
const IGNORED = new Set(['notification_email', 'notification_email_from', 'smtp_server', 'smtp_connect_timeout', 'smtp_helo', 'enable_traps']);

/**
 * Applies the statements of one `global_defs` block to `g` (several blocks accumulate).
 * @throws ConfigError for a bad value; unknown keywords are warnings.
 */
export function applyGlobalDefs(node: ConfigNode, g: GlobalDefs, w: Warnings): void {
  extraArgs(node, 0, w);
  for (const s of block(node)) {
    switch (s.keyword) {
      case 'router_id':
        g.routerId = textArg(s, 'a router name', w);
        break;
      case 'vrrp_version': {
        g.vrrpVersion = intArg(s, 2, 3, w) as 2 | 3;
        g.vrrpVersionSet = true;
        break;
      }
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
      case 'vrrp_lower_prio_no_advert':
        g.lowerPrioNoAdvert = boolFlag(s, w);
        break;
      case 'vrrp_strict':
        g.strict = flag(s, w);
        break;
      case 'vrrp_check_unicast_src':
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
      default:
        if (!IGNORED.has(s.keyword)) w.add(s.token, `unknown or unsupported global_defs keyword '${s.keyword}'; ignored`);
    }
  }
}

/** Decimal seconds 0..1 (microsecond resolution) -> microseconds. */
function usArg(s: ConfigNode, w: Warnings): number {
  noBlock(s);
  extraArgs(s, 1, w);
  return Math.round(secondsOf(arg(s, 0, 'seconds 0..1'), s.keyword, 0, 1) * 1e6);
}
