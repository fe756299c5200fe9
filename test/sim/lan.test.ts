/** The simulator itself: determinism, loss, delay, partitions, the real codec path, crash, guards. */
import { RouterConfig } from '../../lib/fsm';
import { EventQueue, SimulatedLan } from '../../lib/sim';

function cfg(name: string, i: number, priority: number, extra: Partial<RouterConfig> = {}): RouterConfig {
  return { name, vrid: 1, version: 3, family: 4, priority, intervalCs: 10, virtualAddresses: ['192.0.2.1'], primaryAddress: `192.0.2.${10 + i}`, ...extra };
}

function lossyRun(seed: number): string {
  const lan = new SimulatedLan({ seed, delayMs: 1 });
  lan.addRouter(cfg('a', 1, 150));
  lan.addRouter(cfg('b', 2, 100));
  lan.addRouter(cfg('c', 3, 50));
  lan.link.setLoss(0.5);
  for (const n of ['a', 'b', 'c']) lan.startup(n, 0);
  lan.runUntil(20_000);
  return JSON.stringify(lan.trace.map((e) => [e.t, e.router, e.action.type]));
}

describe('SimulatedLan', () => {
  test('a run is reproducible from its seed, and another seed gives another run', () => {
    expect(lossyRun(7)).toBe(lossyRun(7));
    expect(lossyRun(7)).not.toBe(lossyRun(8));
  });

  test('loss: a directed link with probability 1 carries nothing, the reverse direction still works', () => {
    const lan = new SimulatedLan();
    lan.addRouter(cfg('a', 1, 150));
    lan.addRouter(cfg('b', 2, 100));
    lan.link.setLoss(1, 'a', 'b');
    lan.startup('a', 0);
    lan.startup('b', 0);
    lan.runUntil(5000);
    expect(lan.masters().sort()).toEqual(['a', 'b']);
    expect(lan.drops.get('lost')).toBeGreaterThan(0);
    // b's adverts reach a (lower priority: a answers at once), a's never reach b.
    expect(lan.actionsOf('drop', 'a')).toEqual([]);
  });

  test('delay: an advert arrives delayMs after it is sent', () => {
    const lan = new SimulatedLan({ delayMs: 7.5 });
    lan.addRouter(cfg('m', 1, 200));
    lan.addRouter(cfg('b', 2, 100));
    lan.startup('m', 0);
    lan.startup('b', 0);
    lan.runUntil(2000);
    const stop = 2000.25;
    lan.shutdown('m', stop);
    lan.runUntil(4000);
    const takeover = lan.actionsOf('state-change', 'b').find((e) => e.action.to === 'MASTER')?.t;
    expect(takeover).toBe(stop + 7.5 + (156 * 100) / 256);
  });

  test('partition and heal: islands elect their own MASTER, the heal merges them', () => {
    const lan = new SimulatedLan();
    for (const [n, i, p] of [['a', 1, 150], ['b', 2, 100], ['c', 3, 50]] as const) lan.addRouter(cfg(n, i, p));
    lan.link.partition([['a'], ['b', 'c']]);
    for (const n of ['a', 'b', 'c']) lan.startup(n, 0);
    lan.runUntil(2000);
    expect(lan.masters()).toEqual(['a', 'b']);
    expect(lan.holders('192.0.2.1')).toEqual(['a', 'b']);
    lan.link.heal();
    lan.runFor(200);
    expect(lan.masters()).toEqual(['a']);
    expect(lan.holders('192.0.2.1')).toEqual(['a']);
    expect(lan.vipsOf('a')).toEqual(['192.0.2.1']);
  });

  test('the real codec path: v3/IPv4 message-only checksums are accepted too; TTL != 255 and other VRIDs never reach the router', () => {
    const lan = new SimulatedLan({ checksum: 'message-only' });
    lan.addRouter(cfg('m', 1, 200));
    lan.addRouter(cfg('b', 2, 100));
    lan.addRouter(cfg('other', 3, 100, { vrid: 2 }));
    lan.startup('m', 0);
    lan.startup('b', 0);
    lan.startup('other', 0);
    lan.runUntil(1000);
    expect(lan.stateOf('b')).toBe('BACKUP');
    expect(lan.drops.get('VRID_NOT_CONFIGURED')).toBeGreaterThan(0);
    lan.inject('192.0.2.99', { version: 3, family: 4, vrid: 1, priority: 0, intervalCs: 10, addresses: ['192.0.2.1'] }, { ttl: 64, to: ['b'] });
    lan.runFor(100);
    expect(lan.drops.get('TTL_NOT_255')).toBe(1);
    expect(lan.stateOf('b')).toBe('BACKUP');
  });

  test('crash: a crashed host stops advertising and its VIPs vanish; the Backup takes over after Master_Down_Interval', () => {
    const lan = new SimulatedLan();
    lan.addRouter(cfg('m', 1, 200));
    lan.addRouter(cfg('b', 2, 100));
    lan.startup('m', 0);
    lan.startup('b', 0);
    lan.runUntil(1000);
    lan.crash('m', 1000.5);
    lan.runUntil(1001);
    expect(lan.isDead('m')).toBe(true);
    expect(lan.holders('192.0.2.1')).toEqual([]);
    lan.runUntil(2000);
    expect(lan.holders('192.0.2.1')).toEqual(['b']);
    expect(lan.masters()).toEqual(['b']);
  });

  test('guards: scheduling in the past and an endless loop at one instant are refused', () => {
    const lan = new SimulatedLan({ maxEventsPerInstant: 50 });
    lan.runUntil(10);
    expect(() => lan.schedule(5, () => undefined)).toThrow(RangeError);
    const again = (): void => lan.schedule(lan.now, again);
    lan.schedule(20, again);
    expect(() => lan.runUntil(30)).toThrow(/livelock/);
    expect(() => lan.router('nobody')).toThrow(TypeError);
    expect(() => lan.link.setLoss(2)).toThrow(RangeError);
  });

  test('EventQueue pops by time, then in insertion order', () => {
    const q = new EventQueue<{ t: number; id: string }>();
    for (const [t, id] of [[5, 'a'], [1, 'b'], [5, 'c'], [0, 'd'], [1, 'e']] as const) q.push({ t, id });
    const out: string[] = [];
    for (let e = q.pop(); e !== undefined; e = q.pop()) out.push(e.id);
    expect(out).toEqual(['d', 'b', 'e', 'a', 'c']);
    expect(q.size).toBe(0);
  });

  test('EventQueue with a tie-breaker: equal times by it, then in insertion order', () => {
    const q = new EventQueue<{ t: number; id: string; rank: number }>((a, b) => a.rank - b.rank);
    const events = [[5, 'a', 2], [1, 'b', 1], [5, 'c', 0], [0, 'd', 9], [1, 'e', 0], [5, 'f', 0], [5, 'g', 2]] as const;
    for (const [t, id, rank] of events) q.push({ t, id, rank });
    const out: string[] = [];
    for (let e = q.pop(); e !== undefined; e = q.pop()) out.push(e.id);
    expect(out).toEqual(['d', 'e', 'b', 'c', 'f', 'a', 'g']);
  });
});
