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

/** The process clock: performance.now() and setTimeout. */
export const systemClock: Clock = {
  now: () => performance.now(),
  at(atMs, fn) {
    const t = setTimeout(fn, Math.max(0, atMs - performance.now()));
    return { cancel: () => clearTimeout(t) };
  },
};
