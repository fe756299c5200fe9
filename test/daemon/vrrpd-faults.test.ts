/**
 * Host faults seen by a whole Vrrpd in memory (MemoryPlatform, memory wire, hand-advanced monotonic clock):
 * a flapping track script is damped by rise/fall; the wall clock stepped forward and back by hours changes no
 * timer (the daemon times everything with its injected monotonic Clock, performance.now() in production; the
 * wall clock only labels status output), proven by a run under a faked Date and by inspecting the sources.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CommandResult } from '../../lib/daemon/command';
import { systemClock } from '../../lib/daemon/clock';
import { Vrrpd } from '../../lib/daemon/vrrpd';
import type { StateChangeEvent } from '../../lib/node/types';
import { MemoryPlatform } from '../../lib/platform/memory';
import { MemoryWire } from '../../lib/sim/wire';
import { FakeClock } from '../helpers/fake-clock';

const inst = (prio: number, extra = ''): string => `vrrp_instance VI_1 {
  interface eth0
  virtual_router_id 51
  priority ${prio}
  advert_int 1
  version 3
  virtual_ipaddress {
    192.0.2.100/24
  }
${extra}}
`;

interface Pair {
  clock: FakeClock;
  wire: MemoryWire;
  d: Vrrpd[];
  changes: StateChangeEvent[][];
}

function pair(texts: string[], runCommand?: (line: string | string[]) => Promise<CommandResult>): Pair {
  const clock = new FakeClock();
  const wire = new MemoryWire({ a: { source4: '192.0.2.1', owns: ['192.0.2.1'] }, b: { source4: '192.0.2.2', owns: ['192.0.2.2'] } }, () => clock.now());
  const changes: StateChangeEvent[][] = [[], []];
  const d = texts.map((t, i) => {
    const platform = new MemoryPlatform({ eth0: [`192.0.2.${i + 1}/24`] });
    const v = Vrrpd.fromText(t, { platform, clock, openTransport: wire.factory(i === 0 ? 'a' : 'b'), ...(runCommand ? { runCommand } : {}) });
    v.on('state-change', (e) => changes[i].push(e));
    return v;
  });
  return { clock, wire, d, changes };
}

const result = (ok: boolean): CommandResult => ({ outcome: ok ? 'success' : 'failure', code: ok ? 0 : 1, signal: null, spawnError: null, durationMs: 1 });

test('a flapping script (success, failure, success, ...) is damped by rise 3 / fall 3: no transition while it flaps; 3 failures in a row go FAULT, 3 successes come back', async () => {
  let pattern: boolean[] = [];
  let calls = 0;
  const run = (): Promise<CommandResult> => Promise.resolve(result(pattern[calls++ % pattern.length]));
  const script = 'vrrp_script chk {\n  script "/usr/local/bin/chk"\n  interval 1\n  rise 3\n  fall 3\n}\n';
  const x = pair([script + inst(150, '  track_script {\n    chk\n  }\n'), inst(100)], run);
  pattern = [true];
  for (const d of x.d) await d.start();
  await x.clock.advanceTo(6000);
  expect(x.d[0].states()).toEqual({ VI_1: 'MASTER' });
  const before = x.changes[0].length;

  pattern = [true, false];
  calls = 0;
  await x.clock.advanceTo(36_000); // 30 runs, alternating
  expect(calls).toBeGreaterThanOrEqual(28);
  expect(x.changes[0].length).toBe(before);
  expect(x.d[0].states()).toEqual({ VI_1: 'MASTER' });
  pattern = [true, true, false, false, true]; // never 3 failures in a row
  calls = 0;
  await x.clock.advanceTo(56_000);
  expect(x.changes[0].length).toBe(before);

  pattern = [false];
  calls = 0;
  const failFrom = x.clock.now();
  await x.clock.advanceTo(failFrom + 2500);
  expect(x.d[0].states()).toEqual({ VI_1: 'MASTER' }); // 2 failures: still up
  await x.clock.advanceTo(failFrom + 4000);
  expect(x.d[0].states()).toEqual({ VI_1: 'FAULT' });
  expect(x.changes[0].slice(before).map((c) => c.to)).toEqual(['FAULT']);
  pattern = [true];
  calls = 0;
  const upFrom = x.clock.now();
  await x.clock.advanceTo(upFrom + 1500);
  expect(x.d[0].states()).toEqual({ VI_1: 'FAULT' });
  await x.clock.advanceTo(upFrom + 8000);
  expect(x.d[0].states()).toEqual({ VI_1: 'MASTER' });
  for (const d of x.d) await d.stop();
});

describe('the wall clock stepped forward and back changes no timer', () => {
  afterEach(() => jest.useRealTimers());

  test('a MASTER/BACKUP pair under a faked Date stepped by +3 h, -5 h, +1 day, -1 day between every advert: adverts exactly 1 s apart, no transition, no extra advert', async () => {
    // Only Date is faked; timers, performance.now and process.hrtime stay real.
    jest.useFakeTimers({ doNotFake: ['hrtime', 'nextTick', 'performance', 'queueMicrotask', 'setImmediate', 'clearImmediate', 'setInterval', 'clearInterval', 'setTimeout', 'clearTimeout'] });
    const x = pair([inst(150), inst(100)]);
    for (const d of x.d) await d.start();
    await x.clock.advanceTo(5000);
    expect(x.d.map((d) => d.states().VI_1)).toEqual(['MASTER', 'BACKUP']);
    const changes = x.changes.map((c) => c.length);
    const from = x.clock.now();
    const steps = [3 * 3600e3, -5 * 3600e3, 86400e3, -86400e3, 1, -1, 3600e3 * 24 * 365];
    const wall0 = Date.now();
    for (let i = 0; i < 40; i++) {
      jest.setSystemTime(wall0 + steps.slice(0, (i % steps.length) + 1).reduce((a, b) => a + b, 0));
      await x.clock.advanceTo(from + (i + 1) * 500);
    }
    const sent = x.wire.sent.filter((s) => s.host === 'a' && s.t > from).map((s) => s.t);
    const gaps = sent.slice(1).map((t, i) => t - sent[i]);
    expect(sent).toHaveLength(20);
    expect(new Set(gaps)).toEqual(new Set([1000]));
    expect(x.wire.sent.filter((s) => s.host === 'b' && s.t > from)).toEqual([]);
    expect(x.changes.map((c) => c.length)).toEqual(changes);
    // The wall clock labels the status only: lastTransitionTime follows the faked Date, the timers did not.
    expect(typeof x.d[0].status().instances[0].lastTransitionTime).toBe('string');
    for (const d of x.d) await d.stop();
  });

  test('systemClock (the production Clock) is performance.now(): a Date stepped by a year does not move it', () => {
    jest.useFakeTimers({ doNotFake: ['hrtime', 'nextTick', 'performance', 'queueMicrotask', 'setImmediate', 'clearImmediate', 'setInterval', 'clearInterval', 'setTimeout', 'clearTimeout'] });
    const a = systemClock.now();
    jest.setSystemTime(Date.now() + 365 * 86400e3);
    const b = systemClock.now();
    jest.setSystemTime(Date.now() - 2 * 365 * 86400e3);
    const c = systemClock.now();
    expect(b - a).toBeGreaterThanOrEqual(0);
    expect(b - a).toBeLessThan(1000);
    expect(c - b).toBeGreaterThanOrEqual(0);
    expect(c - b).toBeLessThan(1000);
  });

  test('code inspection: the protocol core and the daemon read no wall clock except to label output', () => {
    const root = join(__dirname, '..', '..', 'lib');
    const hits: string[] = [];
    for (const sub of ['fsm', 'node', 'track', 'daemon', 'transport', 'platform']) {
      for (const f of readdirSync(join(root, sub)).filter((n) => n.endsWith('.ts'))) {
        readFileSync(join(root, sub, f), 'utf8').split('\n').forEach((line, i) => {
          if (/^\s*(\*|\/\/)/.test(line)) return;
          if (/\bDate\.now\(|\bnew Date\(|\bDate\(\)/.test(line)) hits.push(`${sub}/${f}:${i + 1}: ${line.trim()}`);
        });
      }
    }
    console.log(`wall-clock reads in lib/{fsm,node,track,daemon,transport,platform}:\n  ${hits.join('\n  ')}`);
    // Each one labels output (status' lastTransitionTime, a dump's timestamps); none feeds a timer.
    for (const h of hits) expect(h).toMatch(/^daemon\/(vrrpd\.ts:\d+: .*(wallOffset|toISOString)|keepalived-dump\.ts:)/);
    // The one Clock: performance.now() and a CLOCK_MONOTONIC timerfd armed relative to it.
    const clock = readFileSync(join(root, 'daemon', 'clock.ts'), 'utf8');
    expect(clock).toMatch(/now\(\): number \{\s*return performance\.now\(\);/);
    expect(clock).toMatch(/timerSet\(this\.fd, ns\)/);
  });
});
