import { VrrpError } from '../../lib/errors';
import { ScriptTracker, type ScriptOutcome, succeeded } from '../../lib/track/script';

const feed = (t: ScriptTracker, outcomes: ScriptOutcome[]): boolean[] => outcomes.map((o, i) => t.result(o, i * 1000));

describe('vrrp_script defaults (keepalived.conf(5) "VRRP script(s)")', () => {
  test('defaults: interval 1 s, timeout = interval, weight 0, rise 1, fall 1, no reverse, no init_fail', () => {
    const t = new ScriptTracker({ name: 'chk' });
    expect([t.intervalMs, t.timeoutMs, t.weight, t.rise, t.fall, t.reverse, t.initFail]).toEqual([
      1000, 1000, 0, 1, 1, false, false,
    ]);
    expect(new ScriptTracker({ name: 'chk', intervalMs: 2000 }).timeoutMs).toBe(2000);
  });

  test('timeout counts as a failure; only exit 0 is a success', () => {
    expect(succeeded('success')).toBe(true);
    expect(succeeded('failure')).toBe(false);
    expect(succeeded('timeout')).toBe(false);
    const t = new ScriptTracker({ name: 'chk' });
    t.result('success', 0);
    expect(t.result('timeout', 1000)).toBe(true);
    expect(t.status()).toBe('down');
    expect(t.lastOutcome()).toBe('timeout');
  });

  test.each([
    ['weight 254', { weight: 254 }],
    ['weight -254', { weight: -254 }],
    ['weight 1.5', { weight: 1.5 }],
    ['rise 0', { rise: 0 }],
    ['fall 0', { fall: 0 }],
    ['interval 0', { intervalMs: 0 }],
    ['timeout -1', { timeoutMs: -1 }],
  ])('out-of-range config is refused: %s', (_label, extra) => {
    expect(() => new ScriptTracker({ name: 'chk', ...extra })).toThrow(VrrpError);
  });
});

describe('initial state', () => {
  test('without init_fail the script starts in init and the first success brings it up at once, even with rise 3', () => {
    const t = new ScriptTracker({ name: 'chk', rise: 3 });
    expect(t.status()).toBe('init');
    expect(t.result('success', 0)).toBe(true);
    expect(t.status()).toBe('up');
  });

  test('without init_fail the first failure brings it down at once, even with fall 3', () => {
    const t = new ScriptTracker({ name: 'chk', fall: 3 });
    expect(t.result('failure', 0)).toBe(true);
    expect(t.status()).toBe('down');
  });

  test('init_fail: starts down and needs rise successes', () => {
    const t = new ScriptTracker({ name: 'chk', rise: 2, initFail: true });
    expect(t.status()).toBe('down');
    expect(feed(t, ['success', 'success'])).toEqual([false, true]);
    expect(t.status()).toBe('up');
  });

  test('weight 0 script with no result yet keeps the instance pending, not in FAULT', () => {
    const c = new ScriptTracker({ name: 'chk' }).contribution();
    expect(c).toMatchObject({ delta: 0, fault: false, pending: true });
  });

  test('weighted script with no result yet adjusts nothing and is not pending', () => {
    for (const weight of [10, -10]) {
      expect(new ScriptTracker({ name: 'chk', weight }).contribution()).toMatchObject({ delta: 0, fault: false, pending: false });
    }
  });

  test('init_fail with weight 0 puts the instance in FAULT from the start', () => {
    expect(new ScriptTracker({ name: 'chk', initFail: true }).contribution()).toMatchObject({ fault: true, pending: false });
  });

  test('init_fail with a negative weight subtracts from the start', () => {
    expect(new ScriptTracker({ name: 'chk', weight: -10, initFail: true }).contribution().delta).toBe(-10);
  });
});

describe('rise and fall', () => {
  test('rise 3: goes up on the third consecutive success', () => {
    const t = new ScriptTracker({ name: 'chk', rise: 3, initFail: true });
    expect(feed(t, ['success', 'success', 'success'])).toEqual([false, false, true]);
    expect(t.status()).toBe('up');
  });

  test('rise 3: a failure while down restarts the count', () => {
    const t = new ScriptTracker({ name: 'chk', rise: 3, initFail: true });
    feed(t, ['success', 'success', 'failure', 'success', 'success']);
    expect(t.status()).toBe('down');
    t.result('success', 9000);
    expect(t.status()).toBe('up');
  });

  test('fall 2: goes down on the second consecutive failure', () => {
    const t = new ScriptTracker({ name: 'chk', fall: 2 });
    t.result('success', 0);
    expect(feed(t, ['failure', 'failure'])).toEqual([false, true]);
    expect(t.status()).toBe('down');
  });

  test('fall 2: a success while up restarts the count', () => {
    const t = new ScriptTracker({ name: 'chk', fall: 2 });
    feed(t, ['success', 'failure', 'success', 'failure']);
    expect(t.status()).toBe('up');
  });

  test('results that agree with the state change nothing', () => {
    const t = new ScriptTracker({ name: 'chk', rise: 2, fall: 2 });
    t.result('success', 0);
    expect(feed(t, ['success', 'success'])).toEqual([false, false]);
  });
});

describe('scheduling (times in ms on the caller clock)', () => {
  test('the first run is due at once, the next one interval after the start', () => {
    const t = new ScriptTracker({ name: 'chk', intervalMs: 2000 });
    expect(t.nextRunAt()).toBe(0);
    expect(t.due(5)).toBe(true);
    t.started(5);
    expect(t.running()).toBe(true);
    expect(t.due(5000)).toBe(false);
    expect(t.nextRunAt()).toBe(2005);
    t.result('success', 300);
    expect(t.due(2004)).toBe(false);
    expect(t.due(2005)).toBe(true);
  });

  test('timeout: the runner must kill at start + timeoutMs; nextDeadline follows it while running', () => {
    const t = new ScriptTracker({ name: 'chk', intervalMs: 2000, timeoutMs: 500 });
    expect(t.timeoutAt()).toBeNull();
    t.started(100);
    expect(t.timeoutAt()).toBe(600);
    expect(t.nextDeadline()).toBe(600);
    t.result('timeout', 600);
    expect(t.timeoutAt()).toBeNull();
    expect(t.nextDeadline()).toBe(2100);
  });

  test('a run that overruns the interval skips the runs it overlapped (keepalived "skipping run")', () => {
    const t = new ScriptTracker({ name: 'chk', intervalMs: 1000 });
    t.started(0);
    t.result('success', 2500);
    expect(t.nextRunAt()).toBe(3000);
    t.started(3000);
    t.result('timeout', 4000);
    expect(t.nextRunAt()).toBe(5000);
  });

  test('starting twice without a result is refused', () => {
    const t = new ScriptTracker({ name: 'chk' });
    t.started(0);
    expect(() => t.started(10)).toThrow(VrrpError);
  });

  test('a result without started() is accepted and leaves the schedule alone', () => {
    const t = new ScriptTracker({ name: 'chk' });
    t.result('success', 50);
    expect(t.status()).toBe('up');
    expect(t.nextRunAt()).toBe(0);
  });
});

describe('per-instance weight (track_script { NAME weight W [reverse] })', () => {
  test('a view overrides weight and reverse but shares the script state', () => {
    const t = new ScriptTracker({ name: 'chk', weight: -10 });
    const view = t.forInstance({ weight: 20 });
    expect(view).toMatchObject({ kind: 'script', name: 'chk', weight: 20, reverse: false });
    t.result('success', 0);
    expect(view.contribution().delta).toBe(20);
    expect(t.contribution().delta).toBe(0);
    t.result('failure', 1000);
    expect(view.contribution().delta).toBe(0);
    expect(t.contribution().delta).toBe(-10);
  });

  test('a view without weight keeps the script default, and noreverse can clear reverse', () => {
    const t = new ScriptTracker({ name: 'chk', weight: 5, reverse: true });
    expect(t.forInstance({})).toMatchObject({ weight: 5, reverse: true });
    expect(t.forInstance({ reverse: false })).toMatchObject({ weight: 5, reverse: false });
  });

  test('a view weight out of -253..253 is refused', () => {
    expect(() => new ScriptTracker({ name: 'chk' }).forInstance({ weight: 300 })).toThrow(VrrpError);
  });
});
