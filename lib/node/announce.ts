/**
 * When to send gratuitous ARPs / unsolicited NAs after entering MASTER, as keepalived does:
 * `garp_master_repeat` at once, the same again after `garp_master_delay`, then, when
 * `garp_master_refresh` is set, `garp_master_refresh_repeat` every refresh period while MASTER; and after a
 * lower-priority advert heard as MASTER, `garp_lower_prio_repeat` at once and again after `garp_lower_prio_delay`.
 * Pure: returns the rounds relative to the moment of entering MASTER.
 */

/** keepalived's GARP settings, in milliseconds and counts. */
export interface AnnounceConfig {
  /** garp_master_delay: seconds until the second burst (default 5 s; 0 = no second burst). */
  delayMs: number;
  /** garp_master_repeat: announcements per burst (default 5). */
  repeat: number;
  /** garp_master_refresh: period of refreshes while MASTER (default 0 = none). */
  refreshMs: number;
  /** garp_master_refresh_repeat: announcements per refresh (default 1). */
  refreshRepeat: number;
  /** vrrp_garp_interval / vrrp_gna_interval: gap between announcements of one burst (default 0). */
  intervalMs: number;
  /**
   * garp_lower_prio_repeat: announcements per burst when a MASTER hears a lower-priority advert (absent:
   * `repeat`, keepalived's default from vrrp_garp_master_repeat; 0 = none; strict mode: 0).
   */
  lowerPrioRepeat?: number;
  /** garp_lower_prio_delay: until the second such burst (absent: `delayMs`; 0 = no second burst). */
  lowerPrioDelayMs?: number;
  /**
   * `garp_extra_if`: while MASTER, every `intervalMs` one announcement on each of `targets` (interfaces
   * carrying VIPs other than the announcing one; `mac` undefined: the interface's own). First one
   * `intervalMs` after entering MASTER.
   */
  extra?: { intervalMs: number; targets: ExtraAnnounceTarget[] };
}

/** One interface of `garp_extra_if` and the address announced there. */
export interface ExtraAnnounceTarget {
  dev: string;
  mac?: string;
  addresses: string[];
}

export const DEFAULT_ANNOUNCE: AnnounceConfig = { delayMs: 5000, repeat: 5, refreshMs: 0, refreshRepeat: 1, intervalMs: 0 };

/** One burst: `count` announcements starting `atMs` after entering MASTER, `intervalMs` apart. */
export interface AnnounceRound {
  atMs: number;
  count: number;
}

/** The two initial bursts (the refreshes are periodic: see `refreshRound`). */
export function initialRounds(cfg: AnnounceConfig): AnnounceRound[] {
  const rounds: AnnounceRound[] = [];
  if (cfg.repeat > 0) rounds.push({ atMs: 0, count: cfg.repeat });
  if (cfg.repeat > 0 && cfg.delayMs > 0) rounds.push({ atMs: cfg.delayMs, count: cfg.repeat });
  return rounds;
}

/**
 * The bursts after a MASTER heard a lower-priority advert (keepalived.conf(5) garp_lower_prio_repeat /
 * garp_lower_prio_delay): `lowerPrioRepeat` at once, the same again after `lowerPrioDelayMs`.
 */
export function lowerPriorityRounds(cfg: AnnounceConfig): AnnounceRound[] {
  const repeat = cfg.lowerPrioRepeat ?? cfg.repeat;
  const delayMs = cfg.lowerPrioDelayMs ?? cfg.delayMs;
  const rounds: AnnounceRound[] = [];
  if (repeat > 0) rounds.push({ atMs: 0, count: repeat });
  if (repeat > 0 && delayMs > 0) rounds.push({ atMs: delayMs, count: repeat });
  return rounds;
}

/** The periodic refresh burst, or null when refreshing is off. */
export function refreshRound(cfg: AnnounceConfig): AnnounceRound | null {
  return cfg.refreshMs > 0 && cfg.refreshRepeat > 0 ? { atMs: cfg.refreshMs, count: cfg.refreshRepeat } : null;
}
