/**
 * Where v2 and v3 differ on intervals and authentication: RFC 3768 §7.1 (v2 drops a different interval,
 * checks authentication) against RFC 9568 §6.4.2 (a v3 Backup learns the Master's interval).
 */
import { RouterConfig } from '../../lib/fsm';
import { SimulatedLan } from '../../lib/sim';

function v2(name: string, i: number, priority: number, extra: Partial<RouterConfig> = {}): RouterConfig {
  return { name, vrid: 9, version: 2, family: 4, priority, intervalCs: 100, virtualAddresses: ['198.51.100.1'], primaryAddress: `198.51.100.${i}`, ...extra };
}

function v3(name: string, i: number, priority: number, intervalCs: number, family: 4 | 6): RouterConfig {
  return {
    name,
    vrid: 9,
    version: 3,
    family,
    priority,
    intervalCs,
    virtualAddresses: family === 4 ? ['198.51.100.1'] : ['fe80::1:1', '2001:db8::1'],
    primaryAddress: family === 4 ? `198.51.100.${i}` : `fe80::${i}`,
  };
}

function dropReasons(lan: SimulatedLan, name: string): Set<string> {
  return new Set(Object.keys(lan.countersOf(name).dropped));
}

describe('v2 interval and authentication (RFC 3768)', () => {
  test('RFC 3768 §7.1: a v2 advert whose interval differs from ours is dropped (both routers stay MASTER)', () => {
    const lan = new SimulatedLan();
    lan.addRouter(v2('a', 1, 100));
    lan.addRouter(v2('b', 2, 50, { intervalCs: 200 }));
    lan.startup('a', 0);
    lan.startup('b', 0);
    lan.runUntil(60_000);
    expect(lan.masters().sort()).toEqual(['a', 'b']);
    expect(dropReasons(lan, 'a')).toEqual(new Set(['V2_INTERVAL_MISMATCH']));
    expect(dropReasons(lan, 'b')).toEqual(new Set(['V2_INTERVAL_MISMATCH']));
    // b still runs its own interval: adverts every 2 s.
    const times = lan.actionsOf('send-advert', 'b').map((e) => e.t);
    expect(times[1] - times[0]).toBe(2000);
  });

  test('RFC 3768 §5.3.6: a v2 advert with another auth type is dropped', () => {
    const lan = new SimulatedLan();
    lan.addRouter(v2('a', 1, 100, { auth: { type: 1, data: Buffer.from('secret') } }));
    lan.addRouter(v2('b', 2, 50));
    lan.startup('a', 0);
    lan.startup('b', 0);
    lan.runUntil(30_000);
    expect(lan.masters().sort()).toEqual(['a', 'b']);
    expect(dropReasons(lan, 'a')).toEqual(new Set(['AUTH_TYPE_MISMATCH']));
  });

  test('RFC 3768 §5.3.6.1: a v2 advert with another simple-text password is dropped; the same password is accepted', () => {
    const lan = new SimulatedLan();
    lan.addRouter(v2('a', 1, 100, { auth: { type: 1, data: Buffer.from('secret1') } }));
    lan.addRouter(v2('b', 2, 50, { auth: { type: 1, data: Buffer.from('secret2') } }));
    lan.addRouter(v2('c', 3, 40, { auth: { type: 1, data: Buffer.from('secret1') } }));
    lan.startup('a', 0);
    lan.startup('b', 0);
    lan.startup('c', 0);
    lan.runUntil(30_000);
    expect(lan.masters().sort()).toEqual(['a', 'b']);
    expect(dropReasons(lan, 'b')).toEqual(new Set(['AUTH_MISMATCH']));
    expect(lan.stateOf('c')).toBe('BACKUP');
    const ad = lan.actionsOf('send-advert', 'a')[0].action.advert;
    expect(ad.version === 2 && Buffer.from(ad.authData).toString('latin1')).toBe('secret1\u0000');
  });

  test('RFC 3768 §6.1: v2 Skew_Time is (256 - Priority)/256 seconds whatever the interval', () => {
    const lan = new SimulatedLan();
    lan.addRouter(v2('m', 1, 200, { intervalCs: 300 }));
    lan.addRouter(v2('b', 2, 100, { intervalCs: 300 }));
    lan.startup('m', 0);
    lan.startup('b', 0);
    lan.runUntil(60_000);
    lan.crash('m', 60_001);
    lan.runUntil(120_000);
    const last = lan.actionsOf('send-advert', 'm').map((e) => e.t).filter((t) => t <= 60_001).pop() ?? NaN;
    const takeover = lan.actionsOf('state-change', 'b').find((e) => e.action.to === 'MASTER')?.t;
    expect(takeover).toBe(last + 3 * 3000 + (156 * 1000) / 256);
  });
});

describe.each([4, 6] as const)('v3 interval learning (IPv%s)', (family) => {
  test('RFC 9568 §6.4.2: a v3 Backup learns the Master\'s advertised interval and recomputes Skew_Time and Master_Down_Interval', () => {
    const lan = new SimulatedLan();
    lan.addRouter(v3('m', 1, 200, 40, family));
    const b = lan.addRouter(v3('b', 2, 100, 200, family));
    lan.startup('m', 0);
    lan.startup('b', 0);
    lan.runUntil(20_000);
    expect(b.masterAdverIntervalCs).toBe(40);
    expect(lan.actionsOf('drop', 'b')).toEqual([]);
    lan.crash('m', 20_001);
    lan.runUntil(40_000);
    const last = lan.actionsOf('send-advert', 'm').map((e) => e.t).filter((t) => t <= 20_001).pop() ?? NaN;
    // 3 * 40 cs + (156 * 40 / 256) cs = 1200 ms + 243.75 ms (the configured 200 cs would give 6000 + 1218.75).
    const takeover = lan.actionsOf('state-change', 'b').find((e) => e.action.to === 'MASTER')?.t;
    expect(takeover).toBe(last + 1200 + 243.75);
    // As MASTER it advertises its own configured interval again.
    const ads = lan.actionsOf('send-advert', 'b');
    expect(ads[0].action.advert.version === 3 && ads[0].action.advert.intervalCs).toBe(200);
    expect(ads[1].t - ads[0].t).toBe(2000);
  });

  test('RFC 9568 §6.4.2: a Backup forgets a learned interval only by learning another (fast then slow Master)', () => {
    const lan = new SimulatedLan();
    lan.addRouter(v3('fast', 1, 200, 20, family));
    lan.addRouter(v3('slow', 3, 150, 100, family));
    const b = lan.addRouter(v3('b', 2, 100, 50, family));
    lan.startup('fast', 0);
    lan.startup('slow', 0);
    lan.startup('b', 0);
    lan.runUntil(10_000);
    expect(b.masterAdverIntervalCs).toBe(20);
    lan.shutdown('fast', 10_001);
    lan.runUntil(30_000);
    expect(lan.masters()).toEqual(['slow']);
    expect(b.masterAdverIntervalCs).toBe(100);
  });
});
