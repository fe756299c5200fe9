/**
 * One scenario per row of the state table (RFC 9568 §6.4; RFC 3768 §6.4 for v2), run over the simulated
 * LAN with the real codec, for v3 IPv4, v3 IPv6 and v2. Times are exact virtual-clock milliseconds.
 * Expected timer values are computed here from the RFC formulas, independently of lib/fsm/timers.ts.
 */
import { RouterConfig } from '../../lib/fsm';
import { SimulatedLan } from '../../lib/sim';
import { type Variant, advertTimes, changes, mdiMs, routerCfg, skewMs, variants } from '../helpers/sim';

const VARIANTS = variants(['192.0.2.100', '192.0.2.101']);

const cfg = (v: Variant, name: string, i: number, priority: number, extra: Partial<RouterConfig> = {}): RouterConfig =>
  routerCfg(v, 7, name, i, priority, extra);

function lastAdvertBefore(lan: SimulatedLan, name: string, t: number): number {
  const times = advertTimes(lan, name).filter((x) => x <= t);
  return times[times.length - 1];
}

describe.each(VARIANTS)('state table ($label)', (v) => {
  const I = v.intervalCs * 10;

  test('RFC 9568 §6.4.1: Startup with priority 255 (address owner) sends an advert, announces the VIPs and becomes MASTER at once', () => {
    const lan = new SimulatedLan();
    lan.addRouter(cfg(v, 'owner', 1, 255));
    lan.startup('owner', 1000);
    lan.runUntil(1000);
    expect(changes(lan, 'owner')).toEqual([{ t: 1000, from: 'INIT', to: 'MASTER', reason: 'owner-startup' }]);
    const kinds = lan.trace.filter((e) => e.t === 1000).map((e) => e.action.type);
    expect(kinds).toEqual(['send-advert', 'add-vips', 'announce', 'state-change']);
    expect(lan.actionsOf('send-advert', 'owner')[0].action.advert.priority).toBe(255);
    expect(lan.actionsOf('announce', 'owner')[0].action.addresses).toEqual(v.vips);
    expect(lan.holders(v.vips[0])).toEqual(['owner']);
  });

  test('RFC 9568 §6.4.1: Startup with priority < 255 becomes BACKUP and sets Master_Down_Timer to Master_Down_Interval', () => {
    const lan = new SimulatedLan();
    const r = lan.addRouter(cfg(v, 'b', 1, 100));
    lan.startup('b', 0);
    lan.runUntil(0);
    expect(r.state).toBe('BACKUP');
    expect(r.masterAdverIntervalCs).toBe(v.intervalCs);
    expect(r.nextDeadline()).toBe(mdiMs(v, 100));
    expect(lan.vipsOf('b')).toEqual([]);
  });

  test('RFC 9568 §6.4.2: Backup Shutdown cancels the Master_Down_Timer and returns to Initialize', () => {
    const lan = new SimulatedLan();
    const r = lan.addRouter(cfg(v, 'b', 1, 100));
    lan.startup('b', 0);
    lan.shutdown('b', mdiMs(v, 100) / 2);
    lan.runUntil(10 * mdiMs(v, 100));
    expect(changes(lan, 'b')).toEqual([
      { t: 0, from: 'INIT', to: 'BACKUP', reason: 'startup' },
      { t: mdiMs(v, 100) / 2, from: 'BACKUP', to: 'INIT', reason: 'shutdown' },
    ]);
    expect(r.nextDeadline()).toBeNull();
    expect(advertTimes(lan, 'b')).toEqual([]);
  });

  test('RFC 9568 §6.4.2: Master_Down_Timer fires: Backup sends an advert, announces the VIPs, starts Adver_Timer and becomes MASTER', () => {
    const lan = new SimulatedLan();
    lan.addRouter(cfg(v, 'm', 2, 200));
    lan.addRouter(cfg(v, 'b', 1, 100));
    lan.startup('m', 0);
    lan.startup('b', 0);
    lan.runUntil(20 * I);
    expect(lan.masters()).toEqual(['m']);
    lan.crash('m', 20 * I + 1);
    lan.runUntil(40 * I);
    const last = lastAdvertBefore(lan, 'm', 20 * I + 1);
    const takeover = last + mdiMs(v, 100);
    expect(changes(lan, 'b').slice(-1)).toEqual([{ t: takeover, from: 'BACKUP', to: 'MASTER', reason: 'master-down-timer' }]);
    const atTakeover = lan.trace.filter((e) => e.router === 'b' && e.t === takeover).map((e) => e.action.type);
    expect(atTakeover).toEqual(['send-advert', 'add-vips', 'announce', 'state-change']);
    expect(advertTimes(lan, 'b').slice(0, 3)).toEqual([takeover, takeover + I, takeover + 2 * I]);
    expect(lan.holders(v.vips[1])).toEqual(['b']);
  });

  test('RFC 9568 §6.4.2: Backup receiving priority 0 sets Master_Down_Timer to Skew_Time', () => {
    const lan = new SimulatedLan();
    lan.addRouter(cfg(v, 'm', 2, 200));
    lan.addRouter(cfg(v, 'b', 1, 100));
    lan.startup('m', 0);
    lan.startup('b', 0);
    const stop = 20 * I + 3;
    lan.shutdown('m', stop);
    lan.runUntil(40 * I);
    const zero = lan.actionsOf('send-advert', 'm').filter((e) => e.action.advert.priority === 0);
    expect(zero.map((e) => e.t)).toEqual([stop]);
    expect(changes(lan, 'b').slice(-1)).toEqual([{ t: stop + skewMs(v, 100), from: 'BACKUP', to: 'MASTER', reason: 'priority-zero' }]);
  });

  test('RFC 9568 §6.4.2: Backup receiving p >= P (preempt on) restarts Master_Down_Timer and never takes over from a live Master', () => {
    const lan = new SimulatedLan();
    lan.addRouter(cfg(v, 'm', 1, 100)); // equal priority, lower address: the Backup still accepts (p >= P)
    lan.addRouter(cfg(v, 'b', 2, 100));
    lan.startup('m', 0);
    lan.startup('b', mdiMs(v, 100) + 1);
    lan.runUntil(100 * I);
    expect(lan.masters()).toEqual(['m']);
    expect(changes(lan, 'b')).toEqual([{ t: mdiMs(v, 100) + 1, from: 'INIT', to: 'BACKUP', reason: 'startup' }]);
    const last = lastAdvertBefore(lan, 'm', 100 * I);
    expect(lan.router('b').nextDeadline()).toBe(last + mdiMs(v, 100));
  });

  test('RFC 9568 §6.4.2: Backup with preempt on discards a lower-priority advert and takes over when Master_Down_Timer runs out', () => {
    const lan = new SimulatedLan();
    lan.addRouter(cfg(v, 'low', 1, 50));
    lan.addRouter(cfg(v, 'high', 2, 100));
    lan.startup('low', 0);
    const start = 10 * I + 7;
    lan.startup('high', start);
    lan.runUntil(40 * I);
    // Master_Down_Timer of `high` was never reset by the lower adverts: it fires MDI after start-up.
    const takeover = start + mdiMs(v, 100);
    expect(changes(lan, 'high')).toEqual([
      { t: start, from: 'INIT', to: 'BACKUP', reason: 'startup' },
      { t: takeover, from: 'BACKUP', to: 'MASTER', reason: 'preempted' },
    ]);
    expect(changes(lan, 'low').slice(-1)).toEqual([{ t: takeover, from: 'MASTER', to: 'BACKUP', reason: 'higher-priority-advert' }]);
    expect(lan.holders(v.vips[0])).toEqual(['high']);
  });

  test('RFC 9568 §6.4.3: MASTER Shutdown cancels Adver_Timer, sends an advert with priority 0 and goes to Initialize', () => {
    const lan = new SimulatedLan();
    const r = lan.addRouter(cfg(v, 'owner', 1, 255));
    lan.startup('owner', 0);
    lan.shutdown('owner', 5 * I + 1);
    lan.runUntil(20 * I);
    const sent = lan.actionsOf('send-advert', 'owner');
    expect(sent.map((e) => [e.t, e.action.advert.priority])).toEqual([
      [0, 255], [I, 255], [2 * I, 255], [3 * I, 255], [4 * I, 255], [5 * I, 255], [5 * I + 1, 0],
    ]);
    const kinds = lan.trace.filter((e) => e.t === 5 * I + 1).map((e) => e.action.type);
    expect(kinds).toEqual(['send-advert', 'remove-vips', 'state-change']);
    expect(r.state).toBe('INIT');
    expect(r.nextDeadline()).toBeNull();
    expect(lan.holders(v.vips[0])).toEqual([]);
  });

  test('RFC 9568 §6.4.3: Adver_Timer fires: MASTER sends an advert and resets Adver_Timer to Advertisement_Interval', () => {
    const lan = new SimulatedLan();
    lan.addRouter(cfg(v, 'owner', 1, 255));
    lan.startup('owner', 0);
    lan.runUntil(10 * I);
    expect(advertTimes(lan, 'owner')).toEqual(Array.from({ length: 11 }, (_, k) => k * I));
    const ad = lan.actionsOf('send-advert', 'owner')[3].action.advert;
    expect(ad.vrid).toBe(7);
    expect(ad.addresses).toEqual(v.vips);
    if (ad.version === 3) expect(ad.intervalCs).toBe(v.intervalCs);
    else expect(ad.intervalS).toBe(v.intervalCs / 100);
  });

  test('RFC 9568 §6.4.3: MASTER receiving priority 0 sends an advert at once and resets Adver_Timer', () => {
    const lan = new SimulatedLan();
    lan.addRouter(cfg(v, 'owner', 1, 255));
    lan.startup('owner', 0);
    const at = 3 * I + I / 4;
    const other = v.addr(9);
    lan.inject(other, { ...lan.router('owner').config.version === 3 ? v3Advert(v, 0) : v2Advert(v, 0) }, { at });
    lan.runUntil(6 * I);
    expect(advertTimes(lan, 'owner')).toEqual([0, I, 2 * I, 3 * I, at, at + I, at + 2 * I]);
  });

  test('RFC 9568 §6.4.3: MASTER receiving a higher priority cancels Adver_Timer, learns the interval, starts Master_Down_Timer and becomes BACKUP', () => {
    const lan = new SimulatedLan();
    const highInterval = v.version === 3 ? 2 * v.intervalCs : v.intervalCs;
    const low = lan.addRouter(cfg(v, 'low', 1, 50));
    lan.addRouter(cfg(v, 'high', 2, 200, { intervalCs: highInterval }));
    lan.startup('low', 0);
    lan.startup('high', 10 * I);
    lan.runUntil(40 * I);
    const step = changes(lan, 'low').find((c) => c.from === 'MASTER');
    expect(step?.reason).toBe('higher-priority-advert');
    const t = step?.t ?? NaN;
    expect(lan.trace.filter((e) => e.router === 'low' && e.t === t).map((e) => e.action.type)).toEqual(['remove-vips', 'state-change']);
    expect(advertTimes(lan, 'low', t + 0.001)).toEqual([]);
    expect(low.masterAdverIntervalCs).toBe(highInterval);
    const lastHigh = lastAdvertBefore(lan, 'high', 40 * I);
    expect(low.nextDeadline()).toBe(lastHigh + mdiMs(v, 50, highInterval));
  });

  test('RFC 9568 §6.4.3: equal priority: the MASTER with the lower primary address (unsigned, network order) steps down', () => {
    // 9 < 16 as integers, though "9" > "16" as text (and fe80::9 < fe80::10).
    const lan = new SimulatedLan();
    lan.addRouter(cfg(v, 'nine', 9, 100));
    lan.addRouter(cfg(v, 'sixteen', 16, 100));
    lan.link.partition([['nine'], ['sixteen']]);
    lan.startup('nine', 0);
    lan.startup('sixteen', 0);
    lan.runUntil(10 * I);
    expect(lan.masters().sort()).toEqual(['nine', 'sixteen']);
    const heal = 10 * I + 1;
    lan.schedule(heal, () => lan.link.heal());
    lan.runUntil(30 * I);
    expect(lan.masters()).toEqual(['sixteen']);
    expect(changes(lan, 'nine').slice(-1)[0].reason).toBe('higher-priority-advert');
    expect(lan.holders(v.vips[0])).toEqual(['sixteen']);
  });

  test('RFC 9568 §6.4.3: MASTER receiving a lower priority discards it and sends an advert at once', () => {
    const lan = new SimulatedLan();
    const low = lan.addRouter(cfg(v, 'low', 1, 50));
    const high = lan.addRouter(cfg(v, 'high', 2, 200));
    lan.link.partition([['low'], ['high']]);
    lan.startup('low', 0);
    lan.startup('high', I / 2);
    lan.runUntil(10 * I);
    // Heal just before `low` sends, at a moment when `high` is not about to send first.
    while ((high.nextDeadline() ?? 0) <= (low.nextDeadline() ?? 0)) lan.runUntil(high.nextDeadline() ?? 0);
    const lowSends = low.nextDeadline() ?? NaN;
    lan.schedule(lowSends - 0.5, () => lan.link.heal());
    lan.runUntil(lowSends + 5 * I);
    expect(advertTimes(lan, 'low', lowSends - 0.5)).toEqual([lowSends]);
    // `high` answers at that same instant instead of waiting for its Adver_Timer ...
    expect(advertTimes(lan, 'high', lowSends - 0.5)[0]).toBe(lowSends);
    expect(lan.actionsOf('send-advert', 'high', lowSends)[0].action.advert.priority).toBe(200);
    // ... without restarting its Adver_Timer (RFC 9568 §6.4.3 says nothing of it), and `low` steps down.
    expect(changes(lan, 'low').slice(-1)).toEqual([{ t: lowSends, from: 'MASTER', to: 'BACKUP', reason: 'higher-priority-advert' }]);
    expect(changes(lan, 'high').slice(-1)[0].to).toBe('MASTER');
    expect(lan.holders(v.vips[0])).toEqual(['high']);
  });
});

function v3Advert(v: Variant, priority: number) {
  return { version: 3 as const, family: v.family, vrid: 7, priority, intervalCs: v.intervalCs, addresses: v.vips };
}

function v2Advert(v: Variant, priority: number) {
  return {
    version: 2 as const,
    family: 4 as const,
    vrid: 7,
    priority,
    intervalS: v.intervalCs / 100,
    authType: 0 as const,
    authData: new Uint8Array(8),
    addresses: v.vips,
  };
}
