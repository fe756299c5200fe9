/**
 * keepalived extensions and the preemption rules around them, over the simulated LAN, for v3 IPv4,
 * v3 IPv6 and v2: nopreempt, preempt_delay, the address owner, lower_prio_no_advert, `state MASTER`.
 * Expected times come from the RFC formulas written out here (not from lib/fsm/timers.ts).
 */
import { RouterConfig } from '../../lib/fsm';
import { SimulatedLan } from '../../lib/sim';
import { type Variant, advertTimes, changes, mdiMs, routerCfg, skewMs, variants } from '../helpers/sim';

const VARIANTS = variants(['192.0.2.100']);

const cfg = (v: Variant, name: string, i: number, priority: number, extra: Partial<RouterConfig> = {}): RouterConfig =>
  routerCfg(v, 42, name, i, priority, extra);

function lastBefore(times: number[], t: number): number {
  const earlier = times.filter((x) => x < t);
  return earlier[earlier.length - 1];
}

describe.each(VARIANTS)('keepalived extensions ($label)', (v) => {
  const I = v.intervalCs * 10;

  test('keepalived nopreempt: a higher-priority Backup does not take over from a live lower-priority Master', () => {
    const lan = new SimulatedLan();
    lan.addRouter(cfg(v, 'low', 1, 50));
    lan.addRouter(cfg(v, 'high', 2, 200, { preempt: false }));
    lan.startup('low', 0);
    lan.startup('high', 10 * I + 7);
    lan.runUntil(200 * I);
    expect(lan.masters()).toEqual(['low']);
    expect(changes(lan, 'high')).toEqual([{ t: 10 * I + 7, from: 'INIT', to: 'BACKUP', reason: 'startup' }]);
    // It still follows the Master (learned interval, timer reset) and takes over when the Master dies.
    const crash = 200 * I + 1;
    lan.crash('low', crash);
    lan.runUntil(300 * I);
    const last = lastBefore(advertTimes(lan, 'low'), crash);
    expect(changes(lan, 'high').slice(-1)).toEqual([{ t: last + mdiMs(v, 200), from: 'BACKUP', to: 'MASTER', reason: 'master-down-timer' }]);
  });

  test('keepalived preempt_delay: after start-up the Backup accepts a lower-priority Master for preempt_delay, then preempts at the next Master_Down_Timer expiry', () => {
    const lan = new SimulatedLan();
    const delayMs = 10_000;
    lan.addRouter(cfg(v, 'low', 1, 50));
    lan.addRouter(cfg(v, 'high', 2, 100, { preemptDelayCs: delayMs / 10 }));
    lan.startup('low', 0);
    const start = 10 * I + 7;
    lan.startup('high', start);
    lan.runUntil(start + delayMs + 20 * I);
    // Adverts heard before start + preempt_delay reset the timer; the first one after is discarded.
    const lastAccepted = lastBefore(advertTimes(lan, 'low'), start + delayMs);
    const takeover = lastAccepted + mdiMs(v, 100);
    expect(takeover).toBeGreaterThan(start + delayMs);
    expect(changes(lan, 'high')).toEqual([
      { t: start, from: 'INIT', to: 'BACKUP', reason: 'startup' },
      { t: takeover, from: 'BACKUP', to: 'MASTER', reason: 'preempted' },
    ]);
    expect(lan.holders(v.vips[0])).toEqual(['high']);
  });

  test('keepalived preempt_delay: the delay starts at the first lower-priority advert after a higher-priority Master', () => {
    const lan = new SimulatedLan();
    const delayMs = 10_000;
    lan.addRouter(cfg(v, 'master', 1, 150));
    lan.addRouter(cfg(v, 'backup', 2, 100, { preemptDelayCs: delayMs / 10 }));
    lan.startup('master', 0);
    lan.startup('backup', 0);
    const drop = 60 * I + 3;
    lan.setTracking('master', { priorityDelta: -70, fault: false, reason: 'script down' }, drop);
    lan.runUntil(drop + delayMs + 20 * I);
    const sent = lan.actionsOf('send-advert', 'master');
    const firstLow = sent.find((e) => e.t >= drop && e.action.advert.priority === 80)?.t ?? NaN;
    const lastAccepted = lastBefore(sent.map((e) => e.t), firstLow + delayMs);
    const takeover = lastAccepted + mdiMs(v, 100);
    expect(changes(lan, 'backup').slice(-1)).toEqual([{ t: takeover, from: 'BACKUP', to: 'MASTER', reason: 'preempted' }]);
    expect(changes(lan, 'master').slice(-1)).toEqual([{ t: takeover, from: 'MASTER', to: 'BACKUP', reason: 'higher-priority-advert' }]);
  });

  test('keepalived preempt_delay does not delay a priority-0 handover (Skew_Time)', () => {
    const lan = new SimulatedLan();
    lan.addRouter(cfg(v, 'master', 1, 150));
    lan.addRouter(cfg(v, 'backup', 2, 100, { preemptDelayCs: 100_000 }));
    lan.startup('master', 0);
    lan.startup('backup', 0);
    const stop = 20 * I + 1;
    lan.shutdown('master', stop);
    lan.runUntil(40 * I);
    expect(changes(lan, 'backup').slice(-1)).toEqual([{ t: stop + skewMs(v, 100), from: 'BACKUP', to: 'MASTER', reason: 'priority-zero' }]);
  });

  test('RFC 9568 §6.4.1: the address owner (255) goes straight to MASTER and a running lower-priority Master steps down at once', () => {
    const lan = new SimulatedLan();
    lan.addRouter(cfg(v, 'low', 1, 100));
    lan.addRouter(cfg(v, 'owner', 2, 255));
    lan.startup('low', 0);
    const start = 20 * I + 7;
    lan.startup('owner', start);
    lan.runUntil(40 * I);
    expect(changes(lan, 'owner')).toEqual([{ t: start, from: 'INIT', to: 'MASTER', reason: 'owner-startup' }]);
    expect(changes(lan, 'low').slice(-1)).toEqual([{ t: start, from: 'MASTER', to: 'BACKUP', reason: 'higher-priority-advert' }]);
    expect(lan.holders(v.vips[0])).toEqual(['owner']);
  });

  test.each([false, true])('keepalived lower_prio_no_advert=%s: a MASTER hearing a lower priority answers at once only when it is off', (quiet) => {
    const lan = new SimulatedLan();
    const low = lan.addRouter(cfg(v, 'low', 1, 50));
    const high = lan.addRouter(cfg(v, 'high', 2, 200, { lowerPrioNoAdvert: quiet }));
    lan.link.partition([['low'], ['high']]);
    lan.startup('low', 0);
    lan.startup('high', I / 2);
    lan.runUntil(10 * I);
    while ((high.nextDeadline() ?? 0) <= (low.nextDeadline() ?? 0)) lan.runUntil(high.nextDeadline() ?? 0);
    const lowSends = low.nextDeadline() ?? NaN;
    const highPeriodic = high.nextDeadline() ?? NaN;
    lan.schedule(lowSends - 0.5, () => lan.link.heal());
    lan.runUntil(lowSends + 5 * I);
    const stepDown = quiet ? highPeriodic : lowSends;
    expect(advertTimes(lan, 'high', lowSends - 0.5)[0]).toBe(stepDown);
    expect(changes(lan, 'low').slice(-1)).toEqual([{ t: stepDown, from: 'MASTER', to: 'BACKUP', reason: 'higher-priority-advert' }]);
  });

  test('keepalived state MASTER: a non-owner still starts as BACKUP and waits one interval plus a minimal skew', () => {
    const lan = new SimulatedLan();
    lan.addRouter(cfg(v, 'eager', 1, 100, { initialState: 'MASTER' }));
    lan.startup('eager', 0);
    lan.runUntil(10 * I);
    const wait = I + skewMs(v, 255); // keepalived: Master_Adver_Interval + VRRP_TIMER_SKEW_MIN
    expect(changes(lan, 'eager')).toEqual([
      { t: 0, from: 'INIT', to: 'BACKUP', reason: 'startup' },
      { t: wait, from: 'BACKUP', to: 'MASTER', reason: 'master-down-timer' },
    ]);
  });

  test('keepalived state MASTER: a non-owner that hears a higher-priority Master within its first wait stays BACKUP', () => {
    const lan = new SimulatedLan();
    lan.addRouter(cfg(v, 'master', 1, 200));
    lan.addRouter(cfg(v, 'eager', 2, 100, { initialState: 'MASTER' }));
    lan.startup('master', 0);
    lan.startup('eager', 10 * I + 7);
    lan.runUntil(100 * I);
    expect(lan.masters()).toEqual(['master']);
    expect(changes(lan, 'eager')).toEqual([{ t: 10 * I + 7, from: 'INIT', to: 'BACKUP', reason: 'startup' }]);
  });

  test('tracker: a priority drop makes the MASTER lose: the Backup preempts when its Master_Down_Timer runs out and the old MASTER steps down', () => {
    const lan = new SimulatedLan();
    lan.addRouter(cfg(v, 'master', 1, 120));
    lan.addRouter(cfg(v, 'backup', 2, 100));
    lan.startup('master', 0);
    lan.startup('backup', 0);
    const drop = 30 * I + 3;
    lan.setTracking('master', { priorityDelta: -40, fault: false }, drop);
    lan.runUntil(60 * I);
    expect(lan.actionsOf('priority-change', 'master').map((e) => [e.t, e.action.from, e.action.to])).toEqual([[drop, 120, 80]]);
    const lastHigh = lastBefore(advertTimes(lan, 'master'), drop);
    const takeover = lastHigh + mdiMs(v, 100);
    expect(changes(lan, 'backup').slice(-1)).toEqual([{ t: takeover, from: 'BACKUP', to: 'MASTER', reason: 'preempted' }]);
    expect(changes(lan, 'master').slice(-1)).toEqual([{ t: takeover, from: 'MASTER', to: 'BACKUP', reason: 'higher-priority-advert' }]);
    expect(lan.actionsOf('send-advert', 'master', drop).every((e) => e.action.advert.priority === 80)).toBe(true);
    expect(lan.holders(v.vips[0])).toEqual(['backup']);
  });
});
