/** A hand-advanced Clock for driver tests. */
import { Clock, TimerHandle } from '../../lib/daemon/clock';

export class FakeClock implements Clock {
  private t = 0;
  private timers: Array<{ at: number; fn: () => void; live: boolean }> = [];
  now(): number {
    return this.t;
  }
  at(atMs: number, fn: () => void): TimerHandle {
    const entry = { at: atMs, fn, live: true };
    this.timers.push(entry);
    return { cancel: () => void (entry.live = false) };
  }
  /** Moves time forward to `to`, firing due timers in order (and the promises they start). */
  async advanceTo(to: number): Promise<void> {
    for (;;) {
      const due = this.timers.filter((x) => x.live && x.at <= to).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      due.live = false;
      this.t = Math.max(this.t, due.at);
      due.fn();
      await flush();
    }
    this.t = to;
    await flush();
  }
}

/** Lets queued promise callbacks run. */
export async function flush(): Promise<void> {
  for (let i = 0; i < 20; i++) await Promise.resolve();
}
