/**
 * vrrp_track_process: the number of matching processes against a quorum, fed with process snapshots by the
 * edge. keepalived.conf(5) "VRRP track processes": up while quorum <= count <= quorum_max; a gained quorum
 * counts after `fork_delay`, a lost one after `terminate_delay` (a bounce shorter than the delay changes
 * nothing). Pure: time is passed in (ms, monotonic), deadlines are reported, not armed.
 */
import {
  binaryContribution,
  binaryView,
  checkInteger,
  type Contribution,
  type Tracker,
  type TrackState,
  type WeightOverride,
} from './tracker';

/** Weight range of vrrp_track_process and of `track_process` entries (-254..254). */
export const PROCESS_WEIGHT_LIMIT = 254;

/** One `vrrp_track_process` block, as far as counting goes. */
export interface ProcessTrackerConfig {
  readonly name: string;
  /** Fewest matching processes that are up; default 1 (0 with quorumMax 0: "none may run"). */
  readonly quorum?: number;
  /** Most matching processes that are up; null or undefined = unbounded. */
  readonly quorumMax?: number | null;
  /** How long a gained quorum must last before the tracker is up (ms); 0 = at once. */
  readonly forkDelayMs?: number;
  /** How long a lost quorum must last before the tracker is down (ms); 0 = at once. */
  readonly terminateDelayMs?: number;
  /** -254..254, default 0 (FAULT while down). */
  readonly weight?: number;
  readonly reverse?: boolean;
}

/**
 * A tracked process set. `'init'` until the first {@link update} (a weight-0 tracker then keeps its
 * instance pending, as keepalived reads /proc before its instances start); the first count takes effect
 * at once, later changes after their delay.
 */
export class ProcessTracker implements Tracker {
  readonly kind = 'process' as const;
  readonly name: string;
  readonly weight: number;
  readonly reverse: boolean;
  readonly quorum: number;
  readonly quorumMax: number | null;
  readonly forkDelayMs: number;
  readonly terminateDelayMs: number;
  private state: TrackState = 'init';
  private current = 0;
  private pending: { to: 'up' | 'down'; at: number } | null = null;

  /** @throws VrrpError `CONFIG` for a weight out of -254..254 or a quorum out of 0..65535 / above quorumMax. */
  constructor(config: ProcessTrackerConfig) {
    this.name = config.name;
    this.weight = checkInteger(`vrrp_track_process ${config.name}: weight`, config.weight ?? 0, -PROCESS_WEIGHT_LIMIT, PROCESS_WEIGHT_LIMIT);
    this.reverse = config.reverse ?? false;
    this.quorumMax = config.quorumMax ?? null;
    this.quorum = checkInteger(`vrrp_track_process ${config.name}: quorum`, config.quorum ?? 1, 0, this.quorumMax ?? 65535);
    this.forkDelayMs = Math.max(0, config.forkDelayMs ?? 0);
    this.terminateDelayMs = Math.max(0, config.terminateDelayMs ?? 0);
  }

  /** `'init'` until the first count, then `'up'` (quorum held) or `'down'`. */
  status(): TrackState {
    return this.state;
  }

  /** Matching processes in the last snapshot. */
  count(): number {
    return this.current;
  }

  /** Whether `n` processes satisfy the quorum. */
  within(n: number): boolean {
    return n >= this.quorum && (this.quorumMax === null || n <= this.quorumMax);
  }

  /**
   * Feeds the number of matching processes at `now`. A change of side waits for its delay (a pending one
   * toward the same side keeps its deadline; coming back cancels it).
   * @returns true when {@link status} changed now (including leaving `'init'`).
   */
  update(count: number, now: number): boolean {
    this.current = count;
    const target: 'up' | 'down' = this.within(count) ? 'up' : 'down';
    if (this.state === 'init') {
      this.state = target;
      return true;
    }
    if (target === this.state) {
      this.pending = null;
      return false;
    }
    if (this.pending?.to === target) return false;
    const delay = target === 'up' ? this.forkDelayMs : this.terminateDelayMs;
    if (delay === 0) {
      this.state = target;
      this.pending = null;
      return true;
    }
    this.pending = { to: target, at: now + delay };
    return false;
  }

  /** When a pending change takes effect (ms), or null. */
  nextDeadline(): number | null {
    return this.pending?.at ?? null;
  }

  /** Applies a pending change that is due at `now`; true when {@link status} changed. */
  timer(now: number): boolean {
    if (this.pending === null || now < this.pending.at) return false;
    this.state = this.pending.to;
    this.pending = null;
    return true;
  }

  /** Takes over the state, count and pending change of `old` (reload of a changed block of the same name). */
  inherit(old: ProcessTracker): void {
    this.state = old.state;
    this.current = old.current;
    this.pending = old.pending && { ...old.pending };
  }

  /** The contribution with this block's own weight and reverse (see `binaryContribution`). */
  contribution(): Contribution {
    return this.compute(this.weight, this.reverse);
  }

  /**
   * A view with an instance's `track_process { NAME weight W [reverse|noreverse] }`, sharing the count.
   * @throws VrrpError `CONFIG` when the weight is out of -254..254.
   */
  forInstance(override: WeightOverride): Tracker {
    return binaryView(this, `track_process ${this.name}`, override, [-PROCESS_WEIGHT_LIMIT, PROCESS_WEIGHT_LIMIT], () => this.state, (w, r) => this.compute(w, r));
  }

  private compute(weight: number, reverse: boolean): Contribution {
    const c = binaryContribution(this.state, weight, reverse);
    if (this.state === 'init') return c;
    const n = `${this.current} process${this.current === 1 ? '' : 'es'}`;
    const going = this.pending ? `, ${this.pending.to} after its ${this.pending.to === 'up' ? 'fork' : 'terminate'}_delay` : '';
    return { ...c, detail: `${c.detail} (${n}${going})` };
  }
}
