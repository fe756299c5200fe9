/**
 * vrrp_script: rise/fall state and run scheduling of one script, fed with results by the process runner at
 * the edge. keepalived.conf(5) "VRRP script(s)"; behaviour checked against keepalived 2.2.7.
 */
import { assertNever } from '../assert';
import { VrrpError } from '../errors';
import {
  binaryContribution,
  checkInteger,
  checkPositiveMs,
  type Contribution,
  type Tracker,
  binaryView,
  type TrackState,
  type WeightOverride,
} from './tracker';

/** How one run ended: exit status 0, any other exit status or signal, or killed after `timeoutMs`. */
export type ScriptOutcome = 'success' | 'failure' | 'timeout';

/** Smallest and largest script weight keepalived accepts (`weight <-253..253>`; it turns ±254 into ±253). */
export const SCRIPT_WEIGHT_MIN = -253;
/** See {@link SCRIPT_WEIGHT_MIN}. */
export const SCRIPT_WEIGHT_MAX = 253;
/** keepalived's default `interval`: 1 s. */
export const SCRIPT_DEFAULT_INTERVAL_MS = 1000;

/** A `vrrp_script` block, in milliseconds (the config layer converts keepalived's seconds). */
export interface ScriptTrackerConfig {
  readonly name: string;
  /** Time between run starts; default 1000 (keepalived `interval`, default 1 s). */
  readonly intervalMs?: number;
  /** A run still going after this long is killed and counts as a failure; default `intervalMs`. */
  readonly timeoutMs?: number;
  /** -253..253, default 0 (0: a failed script puts the instance in FAULT). */
  readonly weight?: number;
  /** keepalived `weight W reverse`: the adjustment changes sign; weight 0 faults while the script succeeds. */
  readonly reverse?: boolean;
  /** Consecutive successes that bring a down script up; default 1. */
  readonly rise?: number;
  /** Consecutive failures that bring an up script down; default 1. */
  readonly fall?: number;
  /** keepalived `init_fail`: start 'down', so `rise` successes are needed before it counts as up. */
  readonly initFail?: boolean;
}

/**
 * One vrrp_script. State rules (keepalived):
 * - Without `init_fail` the script starts in `'init'` and its first result decides at once, whatever
 *   rise/fall say (keepalived primes its counter so "one success is enough"; a first failure is reported
 *   at once too). Checked on 2.2.7: `rise 3`, first exit 0 -> priority raised immediately.
 * - With `init_fail` it starts `'down'` and needs `rise` consecutive successes. (keepalived 2.2.7 resets
 *   the initial state when an instance references the script, so there `init_fail` has no effect; we
 *   implement what the manual documents.)
 * - Then: down -> up after `rise` consecutive successes; up -> down after `fall` consecutive failures.
 *   A timeout is a failure.
 * Scheduling: the first run is due at once; runs start every `intervalMs`; a run still going when the next
 * one is due makes keepalived skip that one ("already running, expect idle - skipping run").
 */
export class ScriptTracker implements Tracker {
  readonly kind = 'script' as const;
  readonly name: string;
  readonly intervalMs: number;
  readonly timeoutMs: number;
  readonly weight: number;
  readonly reverse: boolean;
  readonly rise: number;
  readonly fall: number;
  readonly initFail: boolean;

  private state: TrackState;
  /** Consecutive results that disagree with the current state (successes while down, failures while up). */
  private streak = 0;
  private startedAt: number | null = null;
  private nextRun = 0;
  private last: ScriptOutcome | null = null;

  /** @throws VrrpError `CONFIG` when a value is out of range. */
  constructor(config: ScriptTrackerConfig) {
    this.name = config.name;
    const what = `vrrp_script ${config.name}`;
    this.intervalMs = checkPositiveMs(`${what}: interval`, config.intervalMs ?? SCRIPT_DEFAULT_INTERVAL_MS);
    this.timeoutMs = checkPositiveMs(`${what}: timeout`, config.timeoutMs ?? this.intervalMs);
    this.weight = checkInteger(`${what}: weight`, config.weight ?? 0, SCRIPT_WEIGHT_MIN, SCRIPT_WEIGHT_MAX);
    this.reverse = config.reverse ?? false;
    this.rise = checkInteger(`${what}: rise`, config.rise ?? 1, 1, Number.MAX_SAFE_INTEGER);
    this.fall = checkInteger(`${what}: fall`, config.fall ?? 1, 1, Number.MAX_SAFE_INTEGER);
    this.initFail = config.initFail ?? false;
    this.state = this.initFail ? 'down' : 'init';
  }

  /**
   * Reload of a script whose definition changed (keepalived keeps a same-named script's state,
   * vrrp_script.c clear_diff_script): takes `previous`'s state, last outcome and schedule; the streak
   * towards rise/fall starts again. A run still going in `previous` reports to the new tracker.
   */
  inherit(previous: ScriptTracker): void {
    this.state = previous.state;
    this.last = previous.last;
    this.startedAt = previous.startedAt;
    this.nextRun = previous.nextRun;
    this.streak = 0;
  }

  /** `'init'` before the first result (unless `initFail`), then `'up'` or `'down'` per rise/fall. */
  status(): TrackState {
    return this.state;
  }

  /** Outcome of the most recent run, or null before the first. */
  lastOutcome(): ScriptOutcome | null {
    return this.last;
  }

  /** True between `started` and `result`. */
  running(): boolean {
    return this.startedAt !== null;
  }

  /** Time (ms, caller's clock) the next run should start; 0 before the first run, i.e. due at once. */
  nextRunAt(): number {
    return this.nextRun;
  }

  /** True when no run is going and `now` (ms) has reached {@link nextRunAt}. */
  due(now: number): boolean {
    return this.startedAt === null && now >= this.nextRun;
  }

  /** When the running process must be killed (ms), or null when nothing runs. */
  timeoutAt(): number | null {
    return this.startedAt === null ? null : this.startedAt + this.timeoutMs;
  }

  /** The one time (ms) the runner must next wake for this script: the timeout while running, else the next run. */
  nextDeadline(): number {
    return this.startedAt === null ? this.nextRun : this.startedAt + this.timeoutMs;
  }

  /**
   * The runner started the script at `now` (ms). The next run is scheduled `intervalMs` later.
   * @throws VrrpError `USAGE` if a run is already going (the runner must check {@link due}).
   */
  started(now: number): void {
    if (this.startedAt !== null) {
      throw new VrrpError('USAGE', `vrrp_script ${this.name} is already running`);
    }
    this.startedAt = now;
    this.nextRun = now + this.intervalMs;
  }

  /**
   * Feeds the outcome of a run that ended at `now` (ms). Runs that would have started while this one was
   * still going are skipped, as keepalived does: the next run is the first slot of the interval grid after
   * `now`. A result without a preceding `started` is accepted and leaves the schedule alone.
   * @returns true when {@link status} changed (including leaving `'init'`).
   */
  result(outcome: ScriptOutcome, now: number): boolean {
    if (this.startedAt !== null) {
      const start = this.startedAt;
      this.startedAt = null;
      if (now >= this.nextRun) {
        this.nextRun = start + (Math.floor((now - start) / this.intervalMs) + 1) * this.intervalMs;
      }
    }
    this.last = outcome;
    const before = this.state;
    this.state = this.advance(succeeded(outcome));
    return this.state !== before;
  }

  /** This script's effect with its own weight and reverse (see `binaryContribution`). */
  contribution(): Contribution {
    return binaryContribution(this.state, this.weight, this.reverse);
  }

  /**
   * A view with an instance's `track_script { NAME weight W [reverse|noreverse] }` override, sharing this
   * script's state. Omitted fields keep the script's own weight and reverse.
   * @throws VrrpError `CONFIG` when the weight is out of -253..253.
   */
  forInstance(override: WeightOverride): Tracker {
    return binaryView(this, `track_script ${this.name}`, override, [SCRIPT_WEIGHT_MIN, SCRIPT_WEIGHT_MAX], () => this.state);
  }

  private advance(success: boolean): TrackState {
    switch (this.state) {
      case 'init':
        this.streak = 0;
        return success ? 'up' : 'down';
      case 'down':
        this.streak = success ? this.streak + 1 : 0;
        if (this.streak < this.rise) return 'down';
        this.streak = 0;
        return 'up';
      case 'up':
        this.streak = success ? 0 : this.streak + 1;
        if (this.streak < this.fall) return 'up';
        this.streak = 0;
        return 'down';
      default:
        return assertNever(this.state);
    }
  }
}

/** Whether an outcome counts as a success for rise/fall (only exit status 0 does). */
export function succeeded(outcome: ScriptOutcome): boolean {
  switch (outcome) {
    case 'success':
      return true;
    case 'failure':
    case 'timeout':
      return false;
    default:
      return assertNever(outcome);
  }
}
