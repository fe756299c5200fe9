import fc from 'fast-check';
import { fileContribution } from '../../lib/track/file';
import { effectivePriority, trackerImpact } from '../../lib/track/impact';
import { InterfaceTracker } from '../../lib/track/interface';
import { ScriptTracker, type ScriptOutcome } from '../../lib/track/script';
import { binaryContribution, type TrackState } from '../../lib/track/tracker';

const outcome = fc.constantFrom<ScriptOutcome>('success', 'failure', 'timeout');

/**
 * Reference model, written as runs rather than counters: split the results into maximal runs of equal
 * success/failure; a success run reaching `rise` makes the script up, a failure run reaching `fall` makes it
 * down. Without init_fail the very first result decides on its own (keepalived: "one success is enough").
 */
function referenceStatus(results: boolean[], rise: number, fall: number, initFail: boolean): TrackState {
  if (results.length === 0) return initFail ? 'down' : 'init';
  let state: TrackState = initFail ? 'down' : results[0] ? 'up' : 'down';
  let i = initFail ? 0 : 1;
  while (i < results.length) {
    let j = i;
    while (j < results.length && results[j] === results[i]) j += 1;
    const length = j - i;
    if (results[i] && length >= rise) state = 'up';
    if (!results[i] && length >= fall) state = 'down';
    i = j;
  }
  return state;
}

describe('properties', () => {
  test('effectivePriority is within 1..254 for non-owners and 255 for the owner', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 255 }), fc.integer({ min: -100_000, max: 100_000 }), (base, delta) => {
        const p = effectivePriority(base, delta);
        if (base === 255) return p === 255;
        return p >= 1 && p <= 254 && (base + delta >= 1 && base + delta <= 254 ? p === base + delta : true);
      }),
    );
  });

  test('effectivePriority over any combination of trackers stays within 1..254 (255 for the owner)', () => {
    const scriptArb = fc.record({
      weight: fc.integer({ min: -253, max: 253 }),
      reverse: fc.boolean(),
      results: fc.array(outcome, { maxLength: 5 }),
    });
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 255 }), fc.array(scriptArb, { maxLength: 8 }), (base, specs) => {
        const trackers = specs.map((s, n) => {
          const t = new ScriptTracker({ name: `s${n}`, weight: s.weight, reverse: s.reverse });
          s.results.forEach((o, k) => t.result(o, k));
          return t;
        });
        const p = effectivePriority(base, trackerImpact(trackers).priorityDelta);
        return base === 255 ? p === 255 : p >= 1 && p <= 254;
      }),
    );
  });

  test('rise/fall status equals the reference model over random result sequences', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 5 }),
        fc.boolean(),
        fc.array(outcome, { maxLength: 60 }),
        (rise, fall, initFail, outcomes) => {
          const t = new ScriptTracker({ name: 'chk', rise, fall, initFail });
          const seen: boolean[] = [];
          return outcomes.every((o, k) => {
            const before = t.status();
            const changed = t.result(o, k * 1000);
            seen.push(o === 'success');
            const expected = referenceStatus(seen, rise, fall, initFail);
            return t.status() === expected && changed === (before !== expected);
          });
        },
      ),
    );
  });

  test('reverse negates the adjustment of a weighted tracker and inverts FAULT of a weight-0 one', () => {
    fc.assert(
      fc.property(fc.constantFrom<TrackState>('up', 'down'), fc.integer({ min: -253, max: 253 }), (state, weight) => {
        const plain = binaryContribution(state, weight, false);
        const reversed = binaryContribution(state, weight, true);
        if (weight === 0) return plain.fault !== reversed.fault && plain.delta === 0 && reversed.delta === 0;
        return reversed.delta === -plain.delta && !plain.fault && !reversed.fault;
      }),
    );
  });

  test('views of one interface with different weights agree with fresh trackers of those weights', () => {
    fc.assert(
      fc.property(fc.array(fc.boolean(), { minLength: 1, maxLength: 10 }), fc.integer({ min: -253, max: 253 }), fc.boolean(), (links, weight, reverse) => {
        const shared = new InterfaceTracker({ ifname: 'eth1' });
        const view = shared.forInstance({ weight, reverse });
        const fresh = new InterfaceTracker({ ifname: 'eth1', weight, reverse });
        return links.every((up) => {
          shared.linkChanged(up);
          fresh.linkChanged(up);
          const a = view.contribution();
          const b = fresh.contribution();
          return a.delta === b.delta && a.fault === b.fault;
        });
      }),
    );
  });

  test('a file adjusts by at most 253 and faults exactly when value × weight reaches -254', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1000, max: 1000 }), fc.integer({ min: -254, max: 254 }).filter((w) => w !== 0), fc.boolean(), (value, weight, reverse) => {
        const c = fileContribution(value, weight, reverse);
        const v = Math.max(-254, Math.min(254, value));
        const product = v * weight * (reverse ? -1 : 1);
        return c.fault === product <= -254 && c.delta <= 253 && (c.fault || c.delta === Math.min(product, 253));
      }),
    );
  });

  test('runs never overlap and start on the interval grid of the previous start', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5000 }), fc.array(fc.integer({ min: 0, max: 20_000 }), { maxLength: 30 }), (intervalMs, durations) => {
        const t = new ScriptTracker({ name: 'chk', intervalMs });
        let now = 0;
        return durations.every((d) => {
          now = Math.max(now, t.nextRunAt());
          if (!t.due(now)) return false;
          const start = now;
          t.started(start);
          now = start + d;
          t.result('success', now);
          const next = t.nextRunAt();
          return next > start && next >= start + intervalMs && (next - start) % intervalMs === 0 && (d < intervalMs ? next === start + intervalMs : next > now);
        });
      }),
    );
  });
});
