/**
 * The trackers of one virtual router, and change detection so the router re-evaluates as soon as a
 * result moves its priority, FAULT or pending state (keepalived applies tracker changes at once rather
 * than at the next advertisement).
 */
import { effectivePriority, sameImpact, type TrackerImpact, trackerImpact } from './impact';
import type { Tracker } from './tracker';

/** A change reported by {@link TrackerSet.update}. */
export interface TrackerChange {
  readonly previous: TrackerImpact;
  readonly current: TrackerImpact;
}

/**
 * A router's trackers (instance-level and, for sync group members, the group's). Trackers are fed
 * elsewhere (they may be shared views, see `forInstance`); after feeding any of them, call
 * {@link update}: it returns the change, or null when the combined impact is the same.
 */
export class TrackerSet {
  private readonly list: readonly Tracker[];
  private last: TrackerImpact;

  /** The baseline impact is taken now: changes are reported against the trackers' current state. */
  constructor(trackers: Iterable<Tracker> = []) {
    this.list = [...trackers];
    this.last = trackerImpact(this.list);
  }

  /** The trackers, in configuration order. */
  trackers(): readonly Tracker[] {
    return this.list;
  }

  /** The impact as last returned by {@link update} (or taken at construction). */
  impact(): TrackerImpact {
    return this.last;
  }

  /**
   * Recomputes the impact from the trackers' current state.
   * @returns the previous and current impact if delta, fault, pending or a reason differ; else null.
   */
  update(): TrackerChange | null {
    const current = trackerImpact(this.list);
    if (sameImpact(current, this.last)) return null;
    const previous = this.last;
    this.last = current;
    return { previous, current };
  }

  /** Effective priority for a router configured with `base` (1..255), from the last impact. */
  effectivePriority(base: number): number {
    return effectivePriority(base, this.last.priorityDelta);
  }
}
