/**
 * The announcement schedule of one instance (lists of "address/len") as deadlines (announce.ts has keepalived's rounds): on entering
 * MASTER the first burst is due at once, the rest at their times; refreshes repeat while MASTER. Pure.
 */
import { AnnounceConfig, ExtraAnnounceTarget, initialRounds, lowerPriorityRounds, refreshRound } from './announce';

interface Due {
  at: number;
  addresses: readonly string[];
  /** A refresh burst: when sent, the next refresh is scheduled. */
  refresh: boolean;
}

/** Pending announcements of one instance. */
export class Announcer {
  private pending: Due[] = [];
  /** Next `garp_extra_if` round (ms), or null (not MASTER, or off). */
  private extraAt: number | null = null;

  constructor(private cfg: AnnounceConfig) {}

  /** New settings (reload); the pending schedule is kept (garp_extra_if stops when turned off). */
  configure(cfg: AnnounceConfig): void {
    this.cfg = cfg;
    if (!cfg.extra) this.extraAt = null;
  }

  /** Entering MASTER (or reinstating) at `now` for `addresses`: returns the announcements due at once. */
  entered(now: number, addresses: readonly string[]): Array<readonly string[]> {
    this.cancel();
    if (this.cfg.extra) this.extraAt = now + this.cfg.extra.intervalMs;
    return this.added(now, addresses);
  }

  /**
   * Addresses added while MASTER (reload): their own schedule, beside what is pending for the others.
   * Returns the announcements due at once.
   */
  added(now: number, addresses: readonly string[]): Array<readonly string[]> {
    for (const round of initialRounds(this.cfg)) this.burst(now + round.atMs, addresses, round.count, false);
    const refresh = refreshRound(this.cfg);
    if (refresh) this.insert({ at: now + refresh.atMs, addresses, refresh: true });
    return this.due(now);
  }

  /**
   * A lower-priority advert heard as MASTER at `now` (keepalived garp_lower_prio_*): its bursts, beside the
   * pending schedule. Returns the announcements due at once.
   */
  heardLower(now: number, addresses: readonly string[]): Array<readonly string[]> {
    for (const round of lowerPriorityRounds(this.cfg)) this.burst(now + round.atMs, addresses, round.count, false);
    return this.due(now);
  }

  /**
   * Adds `d` in time order, after those due at the same time (`pending` stays sorted: `due` runs for every
   * due instance on every timer turn, 5,100 a second at 510 VRs, and sorting there was its garbage).
   */
  private insert(d: Due): void {
    let k = this.pending.length;
    while (k > 0 && this.pending[k - 1].at > d.at) k--;
    if (k === this.pending.length) this.pending.push(d);
    else this.pending.splice(k, 0, d);
  }

  private burst(at: number, addresses: readonly string[], count: number, refresh: boolean): void {
    const gap = this.cfg.intervalMs > 0 ? this.cfg.intervalMs : 0;
    for (let k = 0; k < count; k++) this.insert({ at: at + k * gap, addresses, refresh: refresh && k === 0 });
  }

  /** Removes and returns the announcements due at `now`, in time order. */
  due(now: number): Array<readonly string[]> {
    const out: Array<readonly string[]> = [];
    for (;;) {
      const next = this.pending[0];
      if (next === undefined || next.at > now) return out;
      this.pending.shift();
      out.push(next.addresses);
      if (next.refresh) {
        const r = refreshRound(this.cfg);
        if (r) {
          // This one was the first of its burst; the rest of it, then the next refresh.
          this.burst(next.at + (this.cfg.intervalMs > 0 ? this.cfg.intervalMs : 0), next.addresses, r.count - 1, false);
          this.insert({ at: next.at + r.atMs, addresses: next.addresses, refresh: true });
        }
      }
    }
  }

  /**
   * The `garp_extra_if` announcements due at `now` (one per target interface; rounds missed while the
   * process was starved are not made up). The next round follows `intervalMs` later.
   */
  extraDue(now: number): ExtraAnnounceTarget[] {
    const extra = this.cfg.extra;
    if (this.extraAt === null || this.extraAt > now || !extra) return [];
    while (this.extraAt <= now) this.extraAt += extra.intervalMs;
    return extra.targets;
  }

  /** The next announcement's time (ms), or null. */
  nextDeadline(): number | null {
    let at: number | null = this.extraAt;
    for (const d of this.pending) if (at === null || d.at < at) at = d.at;
    return at;
  }

  /** Drops every pending announcement (leaving MASTER, VIPs removed). */
  cancel(): void {
    this.pending = [];
    this.extraAt = null;
  }
}
