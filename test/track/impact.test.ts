import { VrrpError } from '../../lib/errors';
import { FileTracker } from '../../lib/track/file';
import { effectivePriority, trackerImpact } from '../../lib/track/impact';
import { InterfaceTracker } from '../../lib/track/interface';
import { ScriptTracker } from '../../lib/track/script';
import { TrackerSet } from '../../lib/track/set';

const script = (weight: number, outcome: 'success' | 'failure', reverse = false): ScriptTracker => {
  const t = new ScriptTracker({ name: `s${weight}${reverse ? 'r' : ''}`, weight, reverse });
  t.result(outcome, 0);
  return t;
};

describe('trackerImpact', () => {
  test('positive weight adds on success', () => {
    expect(trackerImpact([script(10, 'success')]).priorityDelta).toBe(10);
    expect(trackerImpact([script(10, 'failure')]).priorityDelta).toBe(0);
  });

  test('negative weight subtracts on failure', () => {
    expect(trackerImpact([script(-10, 'failure')]).priorityDelta).toBe(-10);
    expect(trackerImpact([script(-10, 'success')]).priorityDelta).toBe(0);
  });

  // keepalived reverses the direction of the adjustment, not which outcome it applies on
  // (2.2.7: weight -10 reverse failing -> 100 to 110; weight 10 reverse succeeding -> 100 to 90).
  test('reverse: negative weight adds |W| on failure', () => {
    expect(trackerImpact([script(-10, 'failure', true)]).priorityDelta).toBe(10);
    expect(trackerImpact([script(-10, 'success', true)]).priorityDelta).toBe(0);
  });

  test('reverse: positive weight subtracts W on success', () => {
    expect(trackerImpact([script(10, 'success', true)]).priorityDelta).toBe(-10);
    expect(trackerImpact([script(10, 'failure', true)]).priorityDelta).toBe(0);
  });

  test('weight 0 failing script puts the instance in FAULT', () => {
    const impact = trackerImpact([script(0, 'failure')]);
    expect(impact.fault).toBe(true);
    expect(impact.faultReasons).toEqual(['script s0: down']);
  });

  test('weight 0 reverse: a succeeding script puts the instance in FAULT', () => {
    expect(trackerImpact([script(0, 'success', true)]).fault).toBe(true);
    expect(trackerImpact([script(0, 'failure', true)]).fault).toBe(false);
  });

  test('a down tracked interface with weight 0 puts the instance in FAULT', () => {
    const eth1 = new InterfaceTracker({ ifname: 'eth1' });
    eth1.linkChanged(false);
    expect(trackerImpact([eth1]).faultReasons).toEqual(['interface eth1: down']);
  });

  test('deltas of all trackers add up, and FAULT is reported alongside the delta', () => {
    const eth2 = new InterfaceTracker({ ifname: 'eth2', weight: -5 });
    eth2.linkChanged(false);
    const tf = new FileTracker({ name: 'tf', weight: 2 });
    tf.update(3);
    const impact = trackerImpact([script(10, 'success'), script(-20, 'failure'), eth2, tf, script(0, 'failure')]);
    expect(impact.priorityDelta).toBe(10 - 20 - 5 + 6);
    expect(impact.fault).toBe(true);
    expect(impact.pending).toBe(false);
  });

  test('a weight 0 tracker with no result yet makes the impact pending', () => {
    const impact = trackerImpact([new ScriptTracker({ name: 'chk' }), script(10, 'success')]);
    expect(impact).toMatchObject({ pending: true, fault: false, priorityDelta: 10 });
    expect(impact.pendingReasons).toEqual(['script chk: no result yet']);
  });

  test('no trackers: no change, no fault', () => {
    expect(trackerImpact([])).toEqual({ priorityDelta: 0, fault: false, faultReasons: [], pending: false, pendingReasons: [] });
  });
});

describe('effectivePriority (RFC-NOTES.md: owner untouched, others clamped to 1..254)', () => {
  test('owner priority 255 is never changed by trackers', () => {
    expect(effectivePriority(255, -100)).toBe(255);
    expect(effectivePriority(255, 100)).toBe(255);
  });

  test('clamped to 1..254', () => {
    expect(effectivePriority(100, 10)).toBe(110);
    expect(effectivePriority(100, -99)).toBe(1);
    expect(effectivePriority(100, -500)).toBe(1);
    expect(effectivePriority(250, 5)).toBe(254);
    expect(effectivePriority(254, 1)).toBe(254);
  });

  test('bad base priority or delta is refused', () => {
    expect(() => effectivePriority(0, 0)).toThrow(VrrpError);
    expect(() => effectivePriority(256, 0)).toThrow(VrrpError);
    expect(() => effectivePriority(100, 0.5)).toThrow(VrrpError);
  });
});

describe('TrackerSet', () => {
  test('update reports a change once, and null when nothing moved', () => {
    const chk = new ScriptTracker({ name: 'chk', weight: -10 });
    const set = new TrackerSet([chk]);
    expect(set.update()).toBeNull();
    chk.result('failure', 0);
    const change = set.update();
    expect(change?.previous.priorityDelta).toBe(0);
    expect(change?.current.priorityDelta).toBe(-10);
    expect(set.update()).toBeNull();
    expect(set.effectivePriority(100)).toBe(90);
  });

  test('leaving pending and entering FAULT are changes the router must see at once', () => {
    const chk = new ScriptTracker({ name: 'chk' });
    const set = new TrackerSet([chk]);
    expect(set.impact().pending).toBe(true);
    chk.result('failure', 0);
    expect(set.update()?.current).toMatchObject({ pending: false, fault: true });
    chk.result('success', 1000);
    expect(set.update()?.current.fault).toBe(false);
  });

  test('a second FAULT reason is a change even though fault stays true', () => {
    const a = new InterfaceTracker({ ifname: 'eth1' });
    const b = new InterfaceTracker({ ifname: 'eth2' });
    a.linkChanged(false);
    b.linkChanged(true);
    const set = new TrackerSet([a, b]);
    b.linkChanged(false);
    expect(set.update()?.current.faultReasons).toEqual(['interface eth1: down', 'interface eth2: down']);
  });

  test('views of one script in two routers each see their own weight', () => {
    const chk = new ScriptTracker({ name: 'chk', weight: 0 });
    const r1 = new TrackerSet([chk.forInstance({ weight: 20 })]);
    const r2 = new TrackerSet([chk.forInstance({})]);
    chk.result('failure', 0);
    expect(r1.update()).toBeNull(); // weight 20 applies only while up: nothing moved
    expect(r2.update()?.current.fault).toBe(true);
    chk.result('success', 1000);
    expect(r1.update()?.current).toMatchObject({ priorityDelta: 20, fault: false });
    expect(r2.update()?.current.fault).toBe(false);
    expect(r1.trackers()).toHaveLength(1);
  });

  test('owner priority 255 is never changed by a TrackerSet either', () => {
    const chk = new ScriptTracker({ name: 'chk', weight: -50 });
    chk.result('failure', 0);
    const set = new TrackerSet([chk]);
    expect(set.effectivePriority(255)).toBe(255);
    expect(set.effectivePriority(30)).toBe(1);
  });
});
