/**
 * All timer arithmetic of the virtual router, in one place. Durations are centiseconds (fractions kept:
 * no rounding anywhere); the router's clock (`now`) is milliseconds, converted only by `deadlineMs`.
 */

/** Milliseconds per centisecond. */
export const MS_PER_CS = 10;

/** Centiseconds per second (v2 intervals and Skew_Time are defined in seconds). */
export const CS_PER_S = 100;

/** Converts a duration in centiseconds to milliseconds. */
export function csToMs(cs: number): number {
  return cs * MS_PER_CS;
}

/** The absolute deadline (ms) that lies `durationCs` centiseconds after `nowMs`. */
export function deadlineMs(nowMs: number, durationCs: number): number {
  return nowMs + durationCs * MS_PER_CS;
}

/**
 * Skew_Time in centiseconds for the local `priority`.
 * - v3, RFC 9568 §6.1: `((256 - Priority) * Master_Adver_Interval) / 256` (Master_Adver_Interval in cs).
 * - v2, RFC 3768 §6.1: `(256 - Priority) / 256` seconds, independent of the interval.
 */
export function skewTimeCs(version: 2 | 3, priority: number, masterAdverIntervalCs: number): number {
  if (version === 3) return ((256 - priority) * masterAdverIntervalCs) / 256;
  return ((256 - priority) * CS_PER_S) / 256;
}

/** Adverts a Backup misses before Master_Down_Interval runs out: 3 in RFC 9568 §6.1 and RFC 3768 §6.1. */
export const DOWN_TIMER_ADVERTS = 3;

/**
 * Master_Down_Interval in centiseconds: `3 * Master_Adver_Interval + Skew_Time`
 * (RFC 9568 §6.1; RFC 3768 §6.1 with Advertisement_Interval, which equals the Master's in v2 because
 * adverts with another interval are discarded, RFC 3768 §7.1). keepalived's `down_timer_adverts N`
 * (1..100) replaces the 3 by N, a deviation every router of the VRID must share (keepalived.conf(5)).
 */
export function masterDownIntervalCs(version: 2 | 3, priority: number, masterAdverIntervalCs: number, adverts = DOWN_TIMER_ADVERTS): number {
  return adverts * masterAdverIntervalCs + skewTimeCs(version, priority, masterAdverIntervalCs);
}

/**
 * keepalived's first wait for an instance configured `state MASTER` that is not the address owner:
 * it starts as BACKUP with `Master_Adver_Interval + Skew_Time(priority 255)` (one interval plus
 * 1/256 of it for v3, or 1/256 s for v2) instead of the full Master_Down_Interval, so it still hears an
 * existing Master before claiming the role (keepalived 2.2 `vrrp_init_state`, VRRP_TIMER_SKEW_MIN).
 */
export function initialMasterWaitCs(version: 2 | 3, masterAdverIntervalCs: number): number {
  return masterAdverIntervalCs + skewTimeCs(version, 255, masterAdverIntervalCs);
}

/** keepalived `preempt_delay` in milliseconds from its centisecond setting. */
export function preemptDelayMs(preemptDelayCs: number): number {
  return csToMs(preemptDelayCs);
}
