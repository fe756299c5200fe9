/**
 * What the simulator scenario tests share: the three protocol variants, the RFC timer formulas written out
 * independently of lib/fsm/timers.ts, a router config per variant, and readers of the LAN's trace.
 */
import type { RouterConfig } from '../../lib/fsm';
import type { SimulatedLan } from '../../lib/sim';

export interface Variant {
  label: string;
  version: 2 | 3;
  family: 4 | 6;
  /** Advertisement_Interval (cs): 50 for v3 so the v3 and v2 Skew_Time formulas give different values. */
  intervalCs: number;
  vips: string[];
  addr: (i: number) => string;
}

/** v3 IPv4, v3 IPv6 and v2; the IPv4 variants carry `v4Vips`. */
export function variants(v4Vips: string[]): Variant[] {
  return [
    { label: 'v3 IPv4', version: 3, family: 4, intervalCs: 50, vips: v4Vips, addr: (i) => `192.0.2.${i}` },
    { label: 'v3 IPv6', version: 3, family: 6, intervalCs: 50, vips: ['fe80::100', '2001:db8::100'], addr: (i) => `fe80::${i.toString(16)}` },
    { label: 'v2', version: 2, family: 4, intervalCs: 100, vips: v4Vips, addr: (i) => `192.0.2.${i}` },
  ];
}

/** Skew_Time in ms: v3 ((256-P)*Master_Adver_Interval/256) cs; v2 (256-P)/256 s. */
export function skewMs(v: Variant, p: number, intervalCs = v.intervalCs): number {
  return v.version === 3 ? ((256 - p) * intervalCs * 10) / 256 : ((256 - p) * 1000) / 256;
}

/** Master_Down_Interval in ms: 3 * Master_Adver_Interval + Skew_Time. */
export function mdiMs(v: Variant, p: number, intervalCs = v.intervalCs): number {
  return 3 * intervalCs * 10 + skewMs(v, p, intervalCs);
}

/** The RouterConfig of router `name` on host `i` for VRID `vrid` in variant `v`. */
export function routerCfg(v: Variant, vrid: number, name: string, i: number, priority: number, extra: Partial<RouterConfig> = {}): RouterConfig {
  return { name, vrid, version: v.version, family: v.family, priority, intervalCs: v.intervalCs, virtualAddresses: v.vips, primaryAddress: v.addr(i), ...extra };
}

/** The state changes of router `name`, with their virtual times. */
export function changes(lan: SimulatedLan, name: string): { t: number; from: string; to: string; reason: string }[] {
  return lan.actionsOf('state-change', name).map((e) => ({ t: e.t, from: e.action.from, to: e.action.to, reason: e.action.reason }));
}

/** When router `name` sent adverts, from `since` to `until` (ms). */
export function advertTimes(lan: SimulatedLan, name: string, since = -Infinity, until = Infinity): number[] {
  return lan.actionsOf('send-advert', name, since).map((e) => e.t).filter((t) => t <= until);
}
