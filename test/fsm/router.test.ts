/**
 * The virtual router driven by hand (no simulator): configuration checks, what it ignores and why,
 * the adverts it builds, tracker input, and its sans-I/O contract.
 */
import { readdirSync, readFileSync } from 'fs';
import { join } from 'path';
import { Action, RouterConfig, VirtualRouter } from '../../lib/fsm';
import type { Advertisement, AdvertisementV2, AdvertisementV3 } from '../../lib/packet/advertisement';
import { VrrpError } from '../../lib/errors';

const V3: RouterConfig = {
  name: 'VI_1',
  vrid: 51,
  version: 3,
  family: 4,
  priority: 100,
  intervalCs: 100,
  virtualAddresses: ['192.0.2.10', '192.0.2.11'],
  primaryAddress: '192.0.2.2',
};

const V2: RouterConfig = { ...V3, version: 2, auth: { type: 1, data: Buffer.from('pass') } };

function v3ad(over: Partial<AdvertisementV3> = {}): AdvertisementV3 {
  return { version: 3, family: 4, vrid: 51, priority: 200, intervalCs: 100, addresses: ['192.0.2.10', '192.0.2.11'], ...over };
}

function v2ad(over: Partial<AdvertisementV2> = {}): AdvertisementV2 {
  const authData = new Uint8Array(8);
  authData.set(Buffer.from('pass'));
  return { version: 2, family: 4, vrid: 51, priority: 200, intervalS: 1, authType: 1, authData, addresses: ['192.0.2.10', '192.0.2.11'], ...over };
}

function adverts(actions: Action[]): Advertisement[] {
  return actions.flatMap((a) => (a.type === 'send-advert' ? [a.advert] : []));
}

describe('configuration', () => {
  test.each<[string, Partial<RouterConfig>]>([
    ['virtual_router_id', { vrid: 0 }],
    ['virtual_router_id', { vrid: 256 }],
    ['priority', { priority: 0 }],
    ['priority', { priority: 256 }],
    ['1..4095', { intervalCs: 0 }],
    ['1..4095', { intervalCs: 4096 }],
    ['1..4095', { intervalCs: 2.5 }],
    ['whole seconds', { version: 2, intervalCs: 150 }],
    ['IPv4 only', { version: 2, family: 6, virtualAddresses: ['fe80::1'], primaryAddress: 'fe80::2' }],
    ['at least one virtual address', { virtualAddresses: [] }],
    ['virtual address', { virtualAddresses: ['192.0.2.300'] }],
    ['primary address', { primaryAddress: 'fe80::1' }],
    ['only in VRRPv2', { auth: { type: 1, data: Buffer.from('x') } }],
    ['longer than 8 bytes', { version: 2, auth: { type: 1, data: Buffer.from('123456789') } }],
    ['preempt_delay', { preemptDelayCs: -1 }],
    ['down_timer_adverts must be 1..100', { downTimerAdverts: 0 }],
    ['down_timer_adverts must be 1..100', { downTimerAdverts: 101 }],
    ['down_timer_adverts must be 1..100', { downTimerAdverts: 2.5 }],
  ])('an invalid configuration is refused with code CONFIG naming the field (%s)', (words, over) => {
    let err: unknown;
    try {
      new VirtualRouter({ ...V3, ...over });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(VrrpError);
    expect((err as VrrpError).code).toBe('CONFIG');
    expect((err as VrrpError).message).toContain('VI_1');
    expect((err as VrrpError).message).toContain(words);
  });

  test('defaults: preempt on, no preempt delay, initial state BACKUP, lower_prio_no_advert off, accept mode off', () => {
    const r = new VirtualRouter(V3);
    expect(r.config).toMatchObject({ preempt: true, preemptDelayCs: 0, initialState: 'BACKUP', lowerPrioNoAdvert: false, acceptMode: false, authType: 0 });
    expect(r.config).toMatchObject({ higherPrioSendAdvert: false, downTimerAdverts: 3 });
  });
});

describe('keepalived timer and advert extensions', () => {
  test('down_timer_adverts 5: startup waits 5 intervals + Skew_Time; a heard advert re-arms 5 × the learned interval + Skew_Time', () => {
    const r = new VirtualRouter({ ...V3, downTimerAdverts: 5 });
    r.startup(0);
    expect(r.nextDeadline()).toBe(5000 + 156 * 1000 / 256);
    r.receive(v3ad({ intervalCs: 50 }), { src: '192.0.2.9' }, 1000);
    expect(r.nextDeadline()).toBe(1000 + 2500 + 156 * 500 / 256);
  });

  test('down_timer_adverts 1 on a reload takes effect at the next advert heard', () => {
    const r = new VirtualRouter(V3);
    r.startup(0);
    r.reconfigure(100, { ...V3, downTimerAdverts: 1 });
    r.receive(v3ad(), { src: '192.0.2.9' }, 200);
    expect(r.nextDeadline()).toBe(200 + 1000 + 156 * 1000 / 256);
  });

  test.each([[true], [false]])('higher_prio_send_advert %s: a MASTER hearing a better router sends one advert (its own priority) before it leaves', (on) => {
    const r = new VirtualRouter({ ...V3, priority: 255, higherPrioSendAdvert: on });
    r.startup(0);
    const actions = r.receive(v3ad({ priority: 255 }), { src: '192.0.2.9' }, 100);
    expect(actions.map((a) => a.type)).toEqual([...(on ? ['send-advert'] : []), 'remove-vips', 'state-change']);
    expect(adverts(actions).map((a) => a.priority)).toEqual(on ? [255] : []);
    expect(r.state).toBe('BACKUP');
  });
});

describe('inputs the router ignores', () => {
  test('RFC 9568 §6.4.1: before Startup (Initialize) adverts are ignored', () => {
    const r = new VirtualRouter(V3);
    expect(r.receive(v3ad(), { src: '192.0.2.1' }, 0)).toEqual([{ type: 'drop', reason: 'STATE_INIT' }]);
    expect(r.nextDeadline()).toBeNull();
  });

  test.each<[string, Advertisement, string]>([
    ['VERSION_MISMATCH', v2ad(), '192.0.2.1'],
    ['VRID_NOT_CONFIGURED', v3ad({ vrid: 52 }), '192.0.2.1'],
    ['FAMILY_MISMATCH', v3ad(), 'fe80::1'],
    ['FAMILY_MISMATCH', v3ad({ family: 6, addresses: ['fe80::1'] }), '192.0.2.1'],
    ['OWN_ADVERT', v3ad(), '192.0.2.2'],
    ['INTERVAL_ZERO', v3ad({ intervalCs: 0 }), '192.0.2.1'],
  ])('RFC 9568 §7.1 rules are re-checked by the router: %s', (reason, ad, src) => {
    const r = new VirtualRouter(V3);
    r.startup(0);
    expect(r.receive(ad, { src }, 1)).toEqual([{ type: 'drop', reason }]);
    expect(r.nextDeadline()).toBe(3609.375); // untouched
  });

  test.each<[string, AdvertisementV2]>([
    ['V2_INTERVAL_MISMATCH', v2ad({ intervalS: 2 })],
    ['AUTH_TYPE_MISMATCH', v2ad({ authType: 0, authData: new Uint8Array(8) })],
    ['AUTH_MISMATCH', v2ad({ authData: new Uint8Array([112, 97, 115, 116, 0, 0, 0, 0]) })],
  ])('RFC 3768 §7.1: a v2 router drops an advert with %s', (reason, ad) => {
    const r = new VirtualRouter(V2);
    r.startup(0);
    expect(r.receive(ad, { src: '192.0.2.1' }, 1)).toEqual([{ type: 'drop', reason }]);
  });

  test('a v2 advert with our interval and password is processed', () => {
    const r = new VirtualRouter(V2);
    r.startup(0);
    expect(r.receive(v2ad(), { src: '192.0.2.1' }, 1)).toEqual([]);
    expect(r.masterAddress).toBe('192.0.2.1');
    expect(r.nextDeadline()).toBe(1 + 3609.375);
  });

  test('timer() before the deadline, a second startup and a shutdown in Initialize do nothing', () => {
    const r = new VirtualRouter(V3);
    expect(r.shutdown(0)).toEqual([]);
    expect(r.startup(0)).toHaveLength(1);
    expect(r.startup(1)).toEqual([]);
    expect(r.timer(3609)).toEqual([]);
    expect(r.state).toBe('BACKUP');
    expect(r.timer(3609.375).map((a) => a.type)).toEqual(['send-advert', 'add-vips', 'announce', 'state-change']);
  });
});

describe('adverts and tracking', () => {
  test('RFC 9568 §7.2: a v3 advert carries our VRID, effective priority, interval and every VIP in canonical form', () => {
    const r = new VirtualRouter({ ...V3, family: 6, virtualAddresses: ['FE80::0001', '2001:DB8:0:0::1'], primaryAddress: 'fe80::2', priority: 255 });
    const [ad] = adverts(r.startup(0));
    expect(ad).toEqual({ version: 3, family: 6, vrid: 51, priority: 255, intervalCs: 100, addresses: ['fe80::1', '2001:db8::1'] });
  });

  test('RFC 3768 §5.3: a v2 advert carries the interval in seconds and the password zero-padded to 8 bytes', () => {
    const r = new VirtualRouter({ ...V2, priority: 255, intervalCs: 300 });
    const [ad] = adverts(r.startup(0));
    expect(ad).toMatchObject({ version: 2, intervalS: 3, authType: 1, priority: 255 });
    expect(Array.from((ad as AdvertisementV2).authData)).toEqual([112, 97, 115, 115, 0, 0, 0, 0]);
  });

  test('tracker impact changes the effective priority at once: priority-change action, next advert carries it', () => {
    const r = new VirtualRouter({ ...V3, initialState: 'MASTER' });
    r.startup(0);
    r.timer(r.nextDeadline() ?? NaN);
    expect(r.state).toBe('MASTER');
    expect(r.setTracking(2000, { priorityDelta: -30, fault: false })).toEqual([{ type: 'priority-change', from: 100, to: 70 }]);
    expect(r.setTracking(2001, { priorityDelta: -30, fault: false })).toEqual([]);
    expect(r.priority).toBe(70);
    expect(adverts(r.timer(r.nextDeadline() ?? NaN))[0].priority).toBe(70);
  });

  test('RFC 9568 §5.2.4: tracker weights never change the owner\'s 255 (no priority-change)', () => {
    const r = new VirtualRouter({ ...V3, priority: 255 });
    expect(r.setTracking(0, { priorityDelta: -50, fault: false })).toEqual([]);
    expect(r.priority).toBe(255);
  });

  test('RFC 9568 §6.4.2: Backup receiving priority 0 sets Master_Down_Timer to Skew_Time (fractional now)', () => {
    const r = new VirtualRouter(V3);
    r.startup(0.25);
    r.receive(v3ad(), { src: '192.0.2.1' }, 100.5);
    r.receive(v3ad({ priority: 0 }), { src: '192.0.2.1' }, 200.125);
    expect(r.nextDeadline()).toBe(200.125 + 609.375);
    expect(r.timer(809.5).find((a) => a.type === 'state-change')).toEqual({ type: 'state-change', from: 'BACKUP', to: 'MASTER', reason: 'priority-zero' });
  });

  test('nextDeadline: Adver_Timer in MASTER, Master_Down_Timer in BACKUP, none in INIT and FAULT', () => {
    const r = new VirtualRouter({ ...V3, priority: 255 });
    expect(r.nextDeadline()).toBeNull();
    r.startup(10);
    expect(r.nextDeadline()).toBe(1010);
    r.setTracking(20, { priorityDelta: 0, fault: true });
    expect(r.state).toBe('FAULT');
    expect(r.nextDeadline()).toBeNull();
    expect(r.receive(v3ad(), { src: '192.0.2.1' }, 30)).toEqual([{ type: 'drop', reason: 'STATE_FAULT' }]);
    expect(r.masterAddress).toBeNull();
  });
});

describe('sans-I/O contract', () => {
  test('lib/fsm reads no clock, sets no timer and imports no Node I/O module', () => {
    const dir = join(__dirname, '../../lib/fsm');
    for (const f of readdirSync(dir).filter((x) => x.endsWith('.ts'))) {
      const src = readFileSync(join(dir, f), 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
      expect({ f, bad: /\b(Date|setTimeout|setInterval|setImmediate|performance|process\.hrtime)\b/.test(src) }).toEqual({ f, bad: false });
      const imports = [...src.matchAll(/from '([^']+)'/g)].map((m) => m[1]);
      expect({ f, imports: imports.filter((m) => !m.startsWith('.') && m !== 'eventemitter3') }).toEqual({ f, imports: [] });
    }
  });
});

describe('Adver_Timer without drift', () => {
  test('a MASTER timer run late sends at once and keeps its period from the deadline; late by an interval or more, an interval from now', () => {
    const r = new VirtualRouter({ ...V3, priority: 255 });
    r.startup(0); // the owner: MASTER at once, next advert at 1000 ms
    expect(r.state).toBe('MASTER');
    expect(r.nextDeadline()).toBe(1000);
    expect(adverts(r.timer(1007))).toHaveLength(1); // 7 ms late (a busy turn)
    expect(r.nextDeadline()).toBe(2000); // not 2007: the late turn shortens one gap only
    expect(adverts(r.timer(2000))).toHaveLength(1);
    expect(r.nextDeadline()).toBe(3000);
    expect(adverts(r.timer(4500))).toHaveLength(1); // 1.5 intervals late (a stall): one advert, no burst to catch up
    expect(r.nextDeadline()).toBe(5500);
  });
});
