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
