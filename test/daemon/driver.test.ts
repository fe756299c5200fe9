import { VirtualRouter } from '../../lib/fsm/router';
import type { RouterConfig } from '../../lib/fsm/types';
import type { Advertisement } from '../../lib/packet/advertisement';
import { DEFAULT_ANNOUNCE, initialRounds, refreshRound } from '../../lib/daemon/announce';
import { RouterDriver, RouterPorts } from '../../lib/daemon/driver';
import { FakeClock, flush } from '../helpers/fake-clock';

const BASE: RouterConfig = {
  name: 'VI_1', vrid: 51, version: 3, family: 4, priority: 100, intervalCs: 100,
  virtualAddresses: ['192.0.2.100'], primaryAddress: '192.0.2.1',
};

function recorder(failAdd = false): RouterPorts & { log: string[]; adverts: Advertisement[] } {
  const log: string[] = [];
  const adverts: Advertisement[] = [];
  return {
    log,
    adverts,
    sendAdvert: (a) => {
      adverts.push(a);
      log.push(`advert ${a.priority}`);
    },
    addVips: async (v) => {
      if (failAdd) throw new Error('RTNETLINK answers: Operation not permitted');
      log.push(`add ${v.join(',')}`);
    },
    removeVips: async (v) => void log.push(`remove ${v.join(',')}`),
    announce: (v) => void log.push(`announce ${v.join(',')}`),
  };
}

test('keepalived GARP timing: garp_master_repeat now, again after garp_master_delay, refreshes when set', () => {
  expect(initialRounds(DEFAULT_ANNOUNCE)).toEqual([{ atMs: 0, count: 5 }, { atMs: 5000, count: 5 }]);
  expect(refreshRound(DEFAULT_ANNOUNCE)).toBeNull();
  expect(initialRounds({ ...DEFAULT_ANNOUNCE, delayMs: 0, repeat: 2 })).toEqual([{ atMs: 0, count: 2 }]);
  expect(refreshRound({ ...DEFAULT_ANNOUNCE, refreshMs: 60000, refreshRepeat: 2 })).toEqual({ atMs: 60000, count: 2 });
});

test('a backup takes over when Master_Down_Interval passes: advert, VIPs added, then 5 announcements; 5 more after 5 s', async () => {
  const clock = new FakeClock();
  const ports = recorder();
  const d = new RouterDriver(new VirtualRouter(BASE), ports, clock, DEFAULT_ANNOUNCE, () => undefined);
  const states: string[] = [];
  d.on('state-change', (from, to, reason) => states.push(`${from}->${to}:${reason}`));
  d.start();
  await clock.advanceTo(3608);
  expect(ports.log).toEqual([]);
  await clock.advanceTo(3610); // 3 s + (256-100)/256 s = 3609.375 ms
  expect(states).toEqual(['INIT->BACKUP:startup', 'BACKUP->MASTER:master-down-timer']);
  expect(ports.log).toEqual(['advert 100', 'add 192.0.2.100', ...Array(5).fill('announce 192.0.2.100')]);
  ports.log.length = 0;
  await clock.advanceTo(3609.375 + 5000);
  expect(ports.log.filter((l) => l.startsWith('announce'))).toHaveLength(5);
  expect(ports.log.filter((l) => l.startsWith('advert'))).toHaveLength(5);
});

test('stop from MASTER sends priority 0 and resolves once the VIPs are removed; no timers run after', async () => {
  const clock = new FakeClock();
  const ports = recorder();
  const d = new RouterDriver(new VirtualRouter({ ...BASE, priority: 255 }), ports, clock, { ...DEFAULT_ANNOUNCE, repeat: 1 }, () => undefined);
  d.start();
  await flush();
  expect(d.router.state).toBe('MASTER');
  ports.log.length = 0;
  await d.stop();
  expect(ports.log).toEqual(['advert 0', 'remove 192.0.2.100']);
  await clock.advanceTo(60000);
  expect(ports.log).toEqual(['advert 0', 'remove 192.0.2.100']);
});

test('a failing VIP port is logged and counted, never thrown, and the router goes on advertising', async () => {
  const clock = new FakeClock();
  const ports = recorder(true);
  const lines: string[] = [];
  const d = new RouterDriver(new VirtualRouter({ ...BASE, priority: 255 }), ports, clock, DEFAULT_ANNOUNCE, (_l, m) => lines.push(m));
  d.start();
  await clock.advanceTo(2500);
  expect(d.ioErrors['add-vips']).toBe(1);
  expect(lines.some((l) => /instance VI_1: add-vips failed: RTNETLINK answers: Operation not permitted/.test(l))).toBe(true);
  expect(ports.adverts.length).toBe(3);
});

test('a higher-priority advert makes a MASTER step down: VIPs removed, announcements cancelled', async () => {
  const clock = new FakeClock();
  const ports = recorder();
  const d = new RouterDriver(new VirtualRouter({ ...BASE, priority: 255 }), ports, clock, DEFAULT_ANNOUNCE, () => undefined);
  d.start();
  await flush();
  ports.log.length = 0;
  // Priority 255 from a higher address: the other owner wins the tie (RFC 9568 §6.4.3).
  const other: Advertisement = { version: 3, family: 4, vrid: 51, priority: 255, intervalCs: 100, addresses: ['192.0.2.100'] };
  d.receive(other, '192.0.2.9');
  await flush();
  expect(d.router.state).toBe('BACKUP');
  expect(ports.log).toEqual(['remove 192.0.2.100']);
  for (let t = 1000; t <= 6000; t += 1000) {
    await clock.advanceTo(t); // the new master keeps advertising every second
    d.receive(other, '192.0.2.9');
  }
  expect(d.router.state).toBe('BACKUP');
  expect(ports.log).toEqual(['remove 192.0.2.100']); // the second GARP burst (at 5 s) was cancelled
});

test('reinstate: a MASTER adds its VIPs back and announces them; a BACKUP does nothing', async () => {
  const clock = new FakeClock();
  const master = recorder();
  const m = new RouterDriver(new VirtualRouter({ ...BASE, priority: 255 }), master, clock, { ...DEFAULT_ANNOUNCE, repeat: 2, delayMs: 0 }, () => undefined);
  m.start();
  await flush();
  master.log.length = 0;
  m.reinstate('eth0 was replaced (ifindex 2 -> 5)');
  await flush();
  expect(master.log).toEqual(['add 192.0.2.100', 'announce 192.0.2.100', 'announce 192.0.2.100']);

  const backup = recorder();
  const b = new RouterDriver(new VirtualRouter(BASE), backup, clock, DEFAULT_ANNOUNCE, () => undefined);
  b.start();
  b.reinstate('eth0 was replaced (ifindex 2 -> 5)');
  await flush();
  expect(backup.log).toEqual([]);
});
