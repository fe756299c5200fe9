/**
 * Whole keepalived.conf nodes electing a MASTER over the simulated LAN, for v3 IPv4, v3 IPv6 and v2 PASS:
 * priority, address tie-break, priority-0 handover, crash, preemption back, nopreempt, preempt_delay.
 * Times are exact, from the RFC formulas (test/helpers/sim.ts).
 */
import { VARIANTS, advertsOf, changesOf, conf, heldVips, instStatus, instance, lanOf, lastAdvertAt, mdiMs, skewMs, stateOf, vipsOf } from './helpers';

describe.each(VARIANTS)('node election ($label)', (v) => {
  const I = v.intervalCs * 10;

  test('the higher priority becomes MASTER after its Master_Down_Interval and is the only VIP holder; the lower stays BACKUP', () => {
    const { lan, hosts: [lb1, lb2] } = lanOf(v, [conf(instance(v, { priority: 150 })), conf(instance(v, { priority: 100 }))]);
    lan.runUntil(30 * I);
    expect(changesOf(lan, 'lb1')).toEqual([
      { t: 0, from: 'INIT', to: 'BACKUP', reason: 'startup' },
      { t: mdiMs(v, 150), from: 'BACKUP', to: 'MASTER', reason: 'master-down-timer' },
    ]);
    expect(changesOf(lan, 'lb2')).toEqual([{ t: 0, from: 'INIT', to: 'BACKUP', reason: 'startup' }]);
    expect(vipsOf(lb1)).toEqual(heldVips(v));
    expect(vipsOf(lb2)).toEqual([]);
    expect(lan.holders(v.vips[0])).toEqual(['lb1']);
    // Adverts every Advertisement_Interval from the takeover, carrying priority 150; the BACKUP sends none.
    const sent = advertsOf(lan, 'lb1');
    expect(sent.map((a) => a.t)).toEqual(Array.from({ length: sent.length }, (_, k) => mdiMs(v, 150) + k * I));
    expect(new Set(sent.map((a) => a.priority))).toEqual(new Set([150]));
    expect(advertsOf(lan, 'lb2')).toEqual([]);
    const s2 = instStatus(lb2);
    expect(s2.master).toBe(v.addr(1));
    expect(s2.counters.advertsReceived).toBe(sent.length);
    expect(instStatus(lb1).counters).toMatchObject({ becomeMaster: 1, releaseMaster: 0, advertsSent: sent.length });
  });

  test('equal priority: both time out together and the higher primary address stays MASTER (RFC 9568 §6.4.3)', () => {
    const { lan, hosts: [lb1] } = lanOf(v, [conf(instance(v, { priority: 100 })), conf(instance(v, { priority: 100 }))]);
    lan.runUntil(30 * I);
    const t = mdiMs(v, 100);
    expect(changesOf(lan, 'lb1')).toEqual([
      { t: 0, from: 'INIT', to: 'BACKUP', reason: 'startup' },
      { t, from: 'BACKUP', to: 'MASTER', reason: 'master-down-timer' },
      { t, from: 'MASTER', to: 'BACKUP', reason: 'higher-priority-advert' },
    ]);
    expect(changesOf(lan, 'lb2')).toEqual([
      { t: 0, from: 'INIT', to: 'BACKUP', reason: 'startup' },
      { t, from: 'BACKUP', to: 'MASTER', reason: 'master-down-timer' },
    ]);
    expect(vipsOf(lb1)).toEqual([]);
    expect(lan.holders(v.vips[0])).toEqual(['lb2']);
    expect(instStatus(lb1).master).toBe(v.addr(2));
    expect(instStatus(lb1).counters).toMatchObject({ becomeMaster: 1, releaseMaster: 1 });
    // lb2 heard lb1's equal-priority advert from a lower address: it answered at once (RFC 9568 §6.4.3).
    expect(advertsOf(lan, 'lb2', 'VI_1', t, t).length).toBe(2);
  });

  test('host.stop() on the MASTER: priority 0 sent, VIPs removed, the BACKUP takes over after Skew_Time', () => {
    const { lan, hosts: [lb1, lb2] } = lanOf(v, [conf(instance(v, { priority: 150 })), conf(instance(v, { priority: 100 }))]);
    const ts = 10 * I + 7;
    lan.schedule(ts, () => lb1.stop());
    lan.runUntil(40 * I);
    expect(changesOf(lan, 'lb1').slice(-1)).toEqual([{ t: ts, from: 'MASTER', to: 'INIT', reason: 'shutdown' }]);
    expect(advertsOf(lan, 'lb1', 'VI_1', ts)).toEqual([{ t: ts, priority: 0 }]);
    expect(changesOf(lan, 'lb2').slice(-1)).toEqual([{ t: ts + skewMs(v, 100), from: 'BACKUP', to: 'MASTER', reason: 'priority-zero' }]);
    expect(vipsOf(lb1)).toEqual([]);
    expect(vipsOf(lb2)).toEqual(heldVips(v));
    expect(instStatus(lb1).counters.priorityZeroSent).toBe(1);
    expect(instStatus(lb2).counters.priorityZeroReceived).toBe(1);
  });

  test('a crashed MASTER (silent): the BACKUP takes over one Master_Down_Interval after the last advert it heard', () => {
    const { lan, hosts: [, lb2] } = lanOf(v, [conf(instance(v, { priority: 150 })), conf(instance(v, { priority: 100 }))]);
    const tc = 10 * I + 7;
    lan.crash('lb1', tc);
    lan.runUntil(40 * I);
    const last = lastAdvertAt(lan, 'lb1', tc);
    expect(last).toBe(mdiMs(v, 150) + Math.floor((tc - mdiMs(v, 150)) / I) * I);
    expect(changesOf(lan, 'lb2').slice(-1)).toEqual([{ t: last + mdiMs(v, 100), from: 'BACKUP', to: 'MASTER', reason: 'master-down-timer' }]);
    expect(lan.holders(v.vips[0])).toEqual(['lb2']);
    expect(instStatus(lb2).counters.priorityZeroReceived).toBe(0);
  });

  test('preemption back: the higher-priority MASTER faults (link down), comes back BACKUP and preempts after its Master_Down_Interval', () => {
    const { lan, hosts: [lb1, lb2] } = lanOf(v, [conf(instance(v, { priority: 150 })), conf(instance(v, { priority: 100 }))]);
    const tdown = 10 * I + 7;
    const tup = 20 * I + 3;
    lan.schedule(tdown, () => lb1.setLink('eth0', false));
    lan.schedule(tup, () => lb1.setLink('eth0', true));
    lan.runUntil(40 * I);
    expect(changesOf(lan, 'lb1').slice(-3)).toEqual([
      { t: tdown, from: 'MASTER', to: 'FAULT', reason: 'fault' },
      { t: tup, from: 'FAULT', to: 'BACKUP', reason: 'fault-cleared' },
      { t: tup + mdiMs(v, 150), from: 'BACKUP', to: 'MASTER', reason: 'preempted' },
    ]);
    expect(changesOf(lan, 'lb2').slice(-2)).toEqual([
      { t: tdown + skewMs(v, 100), from: 'BACKUP', to: 'MASTER', reason: 'priority-zero' },
      { t: tup + mdiMs(v, 150), from: 'MASTER', to: 'BACKUP', reason: 'higher-priority-advert' },
    ]);
    expect(lan.holders(v.vips[0])).toEqual(['lb1']);
    expect(vipsOf(lb2)).toEqual([]);
  });

  test('nopreempt: the higher-priority BACKUP coming back from FAULT does not take over from the live lower MASTER', () => {
    const { lan, hosts: [lb1, lb2] } = lanOf(v, [conf(instance(v, { priority: 150, nopreempt: true })), conf(instance(v, { priority: 100 }))]);
    const tdown = 10 * I + 7;
    const tup = 20 * I + 3;
    lan.schedule(tdown, () => lb1.setLink('eth0', false));
    lan.schedule(tup, () => lb1.setLink('eth0', true));
    lan.runUntil(80 * I);
    expect(changesOf(lan, 'lb1').slice(-1)).toEqual([{ t: tup, from: 'FAULT', to: 'BACKUP', reason: 'fault-cleared' }]);
    expect(changesOf(lan, 'lb2').slice(-1)).toEqual([{ t: tdown + skewMs(v, 100), from: 'BACKUP', to: 'MASTER', reason: 'priority-zero' }]);
    expect(stateOf(lb1)).toBe('BACKUP');
    expect(lan.holders(v.vips[0])).toEqual(['lb2']);
    // ... but it still takes over when that MASTER goes away.
    const ts = 80 * I + 5;
    lan.schedule(ts, () => lb2.stop());
    lan.runUntil(90 * I);
    expect(changesOf(lan, 'lb1').slice(-1)).toEqual([{ t: ts + skewMs(v, 150), from: 'BACKUP', to: 'MASTER', reason: 'priority-zero' }]);
  });

  test('nopreempt at start: a higher-priority host joining a running LAN stays BACKUP', () => {
    const t1 = 10 * I + 3;
    const { lan, hosts: [lb1] } = lanOf(v, [conf(instance(v, { priority: 150, nopreempt: true })), conf(instance(v, { priority: 100 }))], [t1, 0]);
    lan.runUntil(60 * I);
    expect(changesOf(lan, 'lb1')).toEqual([{ t: t1, from: 'INIT', to: 'BACKUP', reason: 'startup' }]);
    expect(changesOf(lan, 'lb2').slice(-1)).toEqual([{ t: mdiMs(v, 100), from: 'BACKUP', to: 'MASTER', reason: 'master-down-timer' }]);
    expect(instStatus(lb1).master).toBe(v.addr(2));
  });

  test('preempt (default): a higher-priority host joining a running LAN preempts one Master_Down_Interval after its start', () => {
    const t1 = 10 * I + 3;
    const { lan, hosts: [lb1, lb2] } = lanOf(v, [conf(instance(v, { priority: 150 })), conf(instance(v, { priority: 100 }))], [t1, 0]);
    lan.runUntil(60 * I);
    expect(changesOf(lan, 'lb1')).toEqual([
      { t: t1, from: 'INIT', to: 'BACKUP', reason: 'startup' },
      { t: t1 + mdiMs(v, 150), from: 'BACKUP', to: 'MASTER', reason: 'preempted' },
    ]);
    expect(changesOf(lan, 'lb2').slice(-1)).toEqual([{ t: t1 + mdiMs(v, 150), from: 'MASTER', to: 'BACKUP', reason: 'higher-priority-advert' }]);
    expect(vipsOf(lb1)).toEqual(heldVips(v));
    expect(vipsOf(lb2)).toEqual([]);
  });

  test('preempt_delay: the joining higher-priority host accepts the lower MASTER for preempt_delay, then preempts one Master_Down_Interval after the last advert it accepted', () => {
    const t1 = 10 * I + 3;
    const delayS = 4;
    const { lan } = lanOf(v, [conf(instance(v, { priority: 150, preemptDelay: delayS })), conf(instance(v, { priority: 100 }))], [t1, 0]);
    lan.runUntil(t1 + delayS * 1000 + 20 * I);
    const lastHeld = lastAdvertAt(lan, 'lb2', t1 + delayS * 1000 - 0.001);
    expect(lastHeld).toBeGreaterThan(t1 + delayS * 1000 - I);
    expect(changesOf(lan, 'lb1')).toEqual([
      { t: t1, from: 'INIT', to: 'BACKUP', reason: 'startup' },
      { t: lastHeld + mdiMs(v, 150), from: 'BACKUP', to: 'MASTER', reason: 'preempted' },
    ]);
    expect(lan.holders(v.vips[0])).toEqual(['lb1']);
  });

  test('state MASTER (non-owner): BACKUP at start for one interval plus a minimal skew, then MASTER', () => {
    const { lan } = lanOf(v, [conf(instance(v, { priority: 100, state: 'MASTER' })), conf(instance(v, { priority: 150 }))]);
    lan.runUntil(30 * I);
    const wait = I + skewMs(v, 255);
    expect(changesOf(lan, 'lb1')).toEqual([
      { t: 0, from: 'INIT', to: 'BACKUP', reason: 'startup' },
      { t: wait, from: 'BACKUP', to: 'MASTER', reason: 'master-down-timer' },
      { t: mdiMs(v, 150), from: 'MASTER', to: 'BACKUP', reason: 'higher-priority-advert' },
    ]);
    expect(changesOf(lan, 'lb2')).toEqual([
      { t: 0, from: 'INIT', to: 'BACKUP', reason: 'startup' },
      { t: mdiMs(v, 150), from: 'BACKUP', to: 'MASTER', reason: 'preempted' },
    ]);
  });
});
