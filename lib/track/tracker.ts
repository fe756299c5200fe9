/**
 * The shape every keepalived tracker shares (vrrp_script, track_interface, track_file) and the weight rule
 * of the two-valued ones. Pure: no I/O, no clock. keepalived.conf(5), "VRRP instance(s)", track_interface
 * and track_script; behaviour checked against keepalived 2.2.7.
 */
import { assertNever } from '../assert';
import { VrrpError } from '../errors';

/** Which keepalived tracker a {@link Tracker} stands for (`config`: a fault the configuration imposes). */
export type TrackerKind = 'script' | 'interface' | 'file' | 'process' | 'config';

/**
 * State of a two-valued tracker. `'init'` until the first result or link report arrives (keepalived's
 * SCRIPT_INIT_STATE_INIT), then `'up'` (script exit 0, link up) or `'down'`.
 */
export type TrackState = 'init' | 'up' | 'down';

/** What one tracker does to its VRRP instance right now. */
export interface Contribution {
  /** Signed priority change in priority units (0 when no weight applies). */
  readonly delta: number;
  /** The tracker holds the instance in FAULT. */
  readonly fault: boolean;
  /**
   * A weight-0 tracker has not reported yet: keepalived keeps the instance in its initial state (neither
   * BACKUP nor FAULT) until every unweighted script has returned once.
   */
  readonly pending: boolean;
  /** Human-readable state for logs and status output, e.g. `down`, `up`, `value 3`. */
  readonly detail: string;
}

/** Common interface of all trackers, as combined by `trackerImpact` (impact.ts). */
export interface Tracker {
  readonly kind: TrackerKind;
  /** Script name, interface name or track_file name. */
  readonly name: string;
  /** Weight this view applies (priority units; 0 means "FAULT on failure"). */
  readonly weight: number;
  /** keepalived `reverse`: the adjustment keeps its timing but changes sign; weight 0 faults on success. */
  readonly reverse: boolean;
  contribution(): Contribution;
}

/** Per-instance override of a tracker's weight, as in `track_script { NAME weight W [reverse|noreverse] }`. */
export interface WeightOverride {
  readonly weight?: number;
  readonly reverse?: boolean;
}

/**
 * Contribution of a two-valued tracker (script, interface, process), keepalived's rule:
 * - weight 0: FAULT while down (with `reverse`: FAULT while up);
 * - weight W > 0: adds W while up (with `reverse`: subtracts W while up);
 * - weight W < 0: subtracts |W| while down (with `reverse`: adds |W| while down);
 * - `'init'` (no result yet) adjusts nothing; with weight 0 the instance is `pending`.
 * Verified on keepalived 2.2.7: `weight -10 reverse` failing gives 110 from 100, `weight 10 reverse` up gives 90.
 */
export function binaryContribution(state: TrackState, weight: number, reverse: boolean): Contribution {
  switch (state) {
    case 'init':
      return { delta: 0, fault: false, pending: weight === 0, detail: 'no result yet' };
    case 'up':
    case 'down': {
      const up = state === 'up';
      if (weight === 0) {
        const fault = up === reverse;
        return { delta: 0, fault, pending: false, detail: reverse ? `${state} (weight 0 reverse)` : state };
      }
      const applies = weight > 0 ? up : !up;
      const delta = applies ? (reverse ? -weight : weight) : 0;
      return { delta, fault: false, pending: false, detail: state };
    }
    default:
      return assertNever(state);
  }
}

/** A per-instance view of a shared tracker: same state, its own weight and reverse. */
export class TrackerView implements Tracker {
  constructor(
    readonly kind: TrackerKind,
    readonly name: string,
    readonly weight: number,
    readonly reverse: boolean,
    private readonly compute: (weight: number, reverse: boolean) => Contribution,
  ) {}

  /** The shared state seen through this view's weight and reverse. */
  contribution(): Contribution {
    return this.compute(this.weight, this.reverse);
  }
}

/**
 * The per-instance view of a two-valued tracker (script, interface, process), for `forInstance`: the
 * override's weight (checked against `range`; errors name `what`) and reverse, else the tracker's own; the
 * state is read through `state` each time (or the whole contribution through `compute`, when given).
 */
export function binaryView(
  tracker: { readonly kind: 'script' | 'interface' | 'process'; readonly name: string; readonly weight: number; readonly reverse: boolean },
  what: string,
  override: WeightOverride,
  range: readonly [number, number],
  state: () => TrackState,
  compute?: (weight: number, reverse: boolean) => Contribution,
): Tracker {
  const weight = checkInteger(`${what}: weight`, override.weight ?? tracker.weight, range[0], range[1]);
  return new TrackerView(tracker.kind, tracker.name, weight, override.reverse ?? tracker.reverse, compute ?? ((w, r) => binaryContribution(state(), w, r)));
}

/**
 * Checks that `value` is an integer in [min, max] and returns it.
 * @throws VrrpError `CONFIG` naming `what` and the allowed range.
 */
export function checkInteger(what: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new VrrpError('CONFIG', `${what} must be an integer in ${min}..${max} (got ${value})`);
  }
  return value;
}

/**
 * Checks that `value` is a finite number of milliseconds greater than 0 and returns it.
 * @throws VrrpError `CONFIG`.
 */
export function checkPositiveMs(what: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0) {
    throw new VrrpError('CONFIG', `${what} must be a positive number of milliseconds (got ${value})`);
  }
  return value;
}
