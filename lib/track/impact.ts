/**
 * Combining trackers into what the virtual router needs: a priority delta, FAULT, and whether to wait.
 * keepalived.conf(5) "VRRP instance(s)" (priority, track_*); RFC 9568 §6.1 (priority 255 = address owner).
 */
import { VrrpError } from '../errors';
import { PRIORITY_OWNER } from '../packet/constants';
import type { Tracker } from './tracker';

/** Lowest effective priority of a non-owner (0 is reserved for "leaving", RFC 9568 §6.1). */
export const MIN_EFFECTIVE_PRIORITY = 1;
/** Highest effective priority of a non-owner: trackers cannot lift it to 255. */
export const MAX_EFFECTIVE_PRIORITY = 254;

/** The combined effect of a router's trackers. */
export interface TrackerImpact {
  /** Sum of every tracker's delta, unclamped (priority units); apply with {@link effectivePriority}. */
  readonly priorityDelta: number;
  /** At least one tracker holds the instance in FAULT. */
  readonly fault: boolean;
  /** One line per faulting tracker, e.g. `script chk_nginx: down`, in tracker order. */
  readonly faultReasons: readonly string[];
  /** A weight-0 tracker has not reported yet: keepalived keeps the instance from starting. */
  readonly pending: boolean;
  /** One line per pending tracker, e.g. `script chk_nginx: no result yet`. */
  readonly pendingReasons: readonly string[];
}

/**
 * Combines trackers, keepalived's rules: positive weights add while up, negative weights subtract while
 * down, `reverse` changes the sign of the adjustment, weight 0 means FAULT on failure (a down tracked
 * interface, a failed script, a non-zero file value); files add value × weight. FAULT does not stop the
 * delta from being computed: it is reported alongside.
 */
export function trackerImpact(trackers: Iterable<Tracker>): TrackerImpact {
  let priorityDelta = 0;
  const faultReasons: string[] = [];
  const pendingReasons: string[] = [];
  for (const tracker of trackers) {
    const c = tracker.contribution();
    priorityDelta += c.delta;
    const line = `${tracker.kind} ${tracker.name}: ${c.detail}`;
    if (c.fault) faultReasons.push(line);
    if (c.pending) pendingReasons.push(line);
  }
  return {
    priorityDelta,
    fault: faultReasons.length > 0,
    faultReasons,
    pending: pendingReasons.length > 0,
    pendingReasons,
  };
}

/**
 * Effective priority of an instance configured with `base` (1..255) once trackers add `delta`:
 * the owner (255) is never changed; any other is clamped to 1..254 (keepalived.conf(5), `priority`:
 * trackers cannot reduce 255 nor raise another priority to 255).
 * @throws VrrpError `CONFIG` when `base` is not an integer in 1..255 or `delta` is not a finite integer.
 */
export function effectivePriority(base: number, delta: number): number {
  if (!Number.isInteger(base) || base < 1 || base > PRIORITY_OWNER) {
    throw new VrrpError('CONFIG', `priority must be an integer in 1..255 (got ${base})`);
  }
  if (!Number.isSafeInteger(delta)) {
    throw new VrrpError('CONFIG', `tracker priority delta must be an integer (got ${delta})`);
  }
  if (base === PRIORITY_OWNER) return PRIORITY_OWNER;
  return Math.min(MAX_EFFECTIVE_PRIORITY, Math.max(MIN_EFFECTIVE_PRIORITY, base + delta));
}

/** True when two impacts have the same delta, fault, pending and reasons. */
export function sameImpact(a: TrackerImpact, b: TrackerImpact): boolean {
  return (
    a.priorityDelta === b.priorityDelta &&
    a.fault === b.fault &&
    a.pending === b.pending &&
    sameLines(a.faultReasons, b.faultReasons) &&
    sameLines(a.pendingReasons, b.pendingReasons)
  );
}

function sameLines(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((line, i) => line === b[i]);
}
