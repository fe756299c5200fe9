/** The daemon's one clock: monotonic milliseconds and timers, behind an interface tests can replace. */

export interface TimerHandle {
  cancel(): void;
}

export interface Clock {
  /** Monotonic milliseconds (fractional), the `now` the fsm takes. */
  now(): number;
  /** Calls `fn` once at `atMs` (or at once when that has passed). */
  at(atMs: number, fn: () => void): TimerHandle;
}

/**
 * How early (ms) a timer wakes before its deadline to wait out the rest on the event loop. libuv timers
 * count whole milliseconds from a loop time that lags: a plain setTimeout fired 0.5–1.5 ms late, which a
 * backup's takeover and a master's adverts carried into the wire (bench/lan, against keepalived's ~0.3 ms).
 */
export const TIMER_LEAD_MS = 1.5;

/** How old (ms) a transport's receive stamp may be; an older or future one is not believed. */
export const MAX_RECEIVE_AGE_MS = 100;

/**
 * The time a packet is fed to the node: its transport's stamp `receivedAt` (when it read the packet before
 * the event fires, so a backup's Master_Down_Timer runs from the advert's arrival, RFC 9568 §6.4.2) when
 * it is at most MAX_RECEIVE_AGE_MS before `now`, else `now`; never before `floor`,
 * the last time the node was given (its time does not run back).
 */
export function receiveTime(receivedAt: number | undefined, now: number, floor: number): number {
  if (receivedAt === undefined || !(receivedAt <= now && receivedAt >= now - MAX_RECEIVE_AGE_MS)) return now;
  return Math.max(receivedAt, floor);
}

/**
 * The process clock: performance.now() (monotonic: a wall-clock step changes nothing) and setTimeout,
 * woken TIMER_LEAD_MS early and finished with setImmediate turns (I/O keeps being served meanwhile).
 */
export const systemClock: Clock = {
  now: () => performance.now(),
  at(atMs, fn) {
    let cancelled = false;
    let timer: NodeJS.Timeout | null = null;
    let immediate: NodeJS.Immediate | null = null;
    const finish = (): void => {
      immediate = null;
      if (cancelled) return;
      if (performance.now() >= atMs) fn();
      else immediate = setImmediate(finish);
    };
    const delay = atMs - performance.now() - TIMER_LEAD_MS;
    if (delay > 0) timer = setTimeout(finish, delay);
    else immediate = setImmediate(finish);
    return {
      cancel: () => {
        cancelled = true;
        if (timer) clearTimeout(timer);
        if (immediate) clearImmediate(immediate);
      },
    };
  },
};
