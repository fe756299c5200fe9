/** lib/daemon/clock.ts: which time a received packet is fed to the node at, and the timerfd clock. */
import { spawnSync } from 'node:child_process';
import { MAX_RECEIVE_AGE_MS, receiveTime, TimerfdClock } from '../../lib/daemon/clock';

describe('receiveTime', () => {
  test('a stamp a little before now is the packet time; none, a future one or a stale one is now', () => {
    expect(receiveTime(999.2, 1000, 0)).toBe(999.2);
    expect(receiveTime(undefined, 1000, 0)).toBe(1000);
    expect(receiveTime(1000.5, 1000, 0)).toBe(1000);
    expect(receiveTime(1000 - MAX_RECEIVE_AGE_MS - 1, 1000, 0)).toBe(1000);
    expect(receiveTime(Number.NaN, 1000, 0)).toBe(1000);
  });
  test('never before the last time the node was given', () => {
    expect(receiveTime(999.2, 1000, 999.6)).toBe(999.6);
  });
});

describe('TimerfdClock (the production clock, on a timerfd)', () => {
  const clock = new TimerfdClock();
  const after = (ms: number): Promise<number> => new Promise((resolve) => clock.at(clock.now() + ms, () => resolve(clock.now())));

  test('a timer runs at or after its time, never before', async () => {
    for (const ms of [0.2, 1, 3.5]) {
      const from = clock.now();
      const ran = await after(ms);
      expect(ran).toBeGreaterThanOrEqual(from + ms);
    }
  });

  test('timers run in time order, a cancelled one not at all, one in the past at once', async () => {
    const ran: string[] = [];
    const t0 = clock.now();
    const done = new Promise<void>((resolve) => clock.at(t0 + 8, () => resolve()));
    clock.at(t0 + 6, () => ran.push('c'));
    const b = clock.at(t0 + 4, () => ran.push('cancelled'));
    clock.at(t0 + 2, () => ran.push('a'));
    clock.at(t0 - 5, () => ran.push('past'));
    b.cancel();
    b.cancel();
    await done;
    expect(ran).toEqual(['past', 'a', 'c']);
  });

  test('a timer set from a running one, earlier than the one armed, still runs first', async () => {
    const ran: string[] = [];
    const t0 = clock.now();
    const done = new Promise<void>((resolve) => clock.at(t0 + 10, () => resolve()));
    clock.at(t0 + 1, () => {
      clock.at(t0 + 3, () => ran.push('inner'));
      ran.push('outer');
    });
    await done;
    expect(ran).toEqual(['outer', 'inner']);
  });

  test('a timer set while timers run, for a time already past, runs in a later turn of the event loop', async () => {
    const ran: string[] = [];
    const t0 = clock.now();
    const done = new Promise<void>((resolve) => {
      clock.at(t0 + 1, () => {
        ran.push('outer');
        setImmediate(() => ran.push('immediate'));
        clock.at(t0, () => {
          ran.push('again');
          resolve();
        });
      });
    });
    await done;
    expect(ran).toEqual(['outer', 'immediate', 'again']);
  });

  test('with nothing pending the timerfd does not hold the process: a child using it exits', () => {
    const script = `const { TimerfdClock } = require(${JSON.stringify(require.resolve('../../dist/lib/daemon/clock.js'))});
      const c = new TimerfdClock(); const h = c.at(c.now() + 60000, () => {}); c.at(c.now() + 5, () => { h.cancel(); process.stdout.write('ran'); });`;
    const r = spawnSync(process.execPath, ['-e', script], { timeout: 10_000, encoding: 'utf8' });
    expect(r.error).toBeUndefined();
    expect(r.stdout).toBe('ran');
    expect(r.status).toBe(0);
  });
});
