/** The daemon's one clock: monotonic milliseconds and timers, behind an interface tests can replace. */
import { EventQueue } from '../node/queue';
import { check, errnoError, vrrpSocketAddon, type VrrpSocketAddon, type WatchHandle } from '../transport/addon';

export interface TimerHandle {
  cancel(): void;
}

export interface Clock {
  /** Monotonic milliseconds (fractional), the `now` the fsm takes. */
  now(): number;
  /** Calls `fn` once at `atMs` (or at once when that has passed). */
  at(atMs: number, fn: () => void): TimerHandle;
}

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

/** A pending `at`. */
interface Pending {
  t: number;
  fn: () => void;
  /** Cancelled or run: no longer counted in `live`. */
  done: boolean;
  /** The clock's expiry count when it was set: one set while timers run waits for the next expiry. */
  turn: number;
}

/**
 * Timers on one CLOCK_MONOTONIC timerfd (the package's addon), armed at the earliest pending deadline: a
 * timer runs within tens of microseconds of its time, with no busy wait. libuv's setTimeout counts whole
 * milliseconds from a loop time that lags (0.5-1.5 ms late), which a backup's takeover and a master's
 * adverts carried into the wire; the setImmediate spin that made up for it (woken 1.5 ms early) burned
 * that much CPU per deadline (510 VRs at 0.1 s, bench/lan: master 4.3 -> 2.7 %, backup 4.0 -> 3.3 %).
 */
export class TimerfdClock implements Clock {
  private readonly pending = new EventQueue<Pending>();
  private fd = -1;
  private handle: WatchHandle | null = null;
  /** The time the timerfd is armed for, or null when disarmed. */
  private armedAt: number | null = null;
  /** Pending timers neither cancelled nor run: while there are some, the timerfd keeps the process alive. */
  private live = 0;
  /** Expiries so far (see Pending.turn). */
  private turn = 0;

  now(): number {
    return performance.now();
  }

  at(atMs: number, fn: () => void): TimerHandle {
    this.open();
    const p: Pending = { t: atMs, fn, done: false, turn: this.turn };
    this.pending.push(p);
    if (this.live++ === 0) this.native().keepAlive(this.handle as WatchHandle, true);
    if (this.armedAt === null || atMs < this.armedAt) this.arm(atMs);
    return { cancel: () => this.finish(p) };
  }

  private native(): VrrpSocketAddon {
    return vrrpSocketAddon();
  }

  private open(): void {
    if (this.handle) return;
    const addon = this.native();
    this.fd = check('timerfd_create', addon.timerFd());
    const h = addon.watchTimer(this.fd, (status) => {
      if (status < 0) throw errnoError('timerfd poll', status);
      this.expired();
    });
    if (typeof h === 'number') {
      addon.closeFd(this.fd);
      throw errnoError('timerfd poll', h);
    }
    this.handle = h;
    addon.keepAlive(h, false);
  }

  private finish(p: Pending): void {
    if (p.done) return;
    p.done = true;
    if (--this.live === 0) this.native().keepAlive(this.handle as WatchHandle, false);
  }

  private arm(atMs: number): void {
    this.armedAt = atMs;
    const ns = Math.max(1, Math.ceil((atMs - performance.now()) * 1e6));
    check('timerfd_settime', this.native().timerSet(this.fd, ns));
  }

  /**
   * The timerfd expired: runs every timer that is due, in time order, then arms for the next. A timer set by
   * one of them for a time already past runs in the next expiry, after a turn of the event loop: the node
   * hands out held-back announcement rounds that way (ANNOUNCE_ROUNDS_PER_CALL), and in one expiry the 2,550
   * of a 510-VR second round held the loop 87 ms, packets unread and announcements unsent (bench/lan jitter).
   */
  private expired(): void {
    this.armedAt = null;
    const turn = ++this.turn;
    try {
      for (let p = this.liveTop(); p !== undefined && p.turn < turn && p.t <= performance.now(); p = this.liveTop()) {
        this.pending.pop();
        this.finish(p);
        p.fn();
      }
    } finally {
      this.rearm();
    }
  }

  /** The earliest timer neither cancelled nor run, left queued; done ones on top are dropped on the way. */
  private liveTop(): Pending | undefined {
    let p = this.pending.peek();
    while (p !== undefined && p.done) {
      this.pending.pop();
      p = this.pending.peek();
    }
    return p;
  }

  private rearm(): void {
    const p = this.liveTop();
    if (p === undefined) {
      if (this.armedAt !== null) check('timerfd_settime', this.native().timerSet(this.fd, 0));
      this.armedAt = null;
    } else if (this.armedAt === null || p.t < this.armedAt) {
      this.arm(p.t);
    }
  }
}

/** The process clock: performance.now() (monotonic: a wall-clock step changes nothing) and timerfd timers. */
export const systemClock: Clock = new TimerfdClock();
