/**
 * The wire keywords through whole `Vrrpd` daemons (MemoryPlatform, MemoryWire, hand-advanced clock): the
 * multicast group the transports join and send to, unicast_ttl on the sent adverts, promote_secondaries
 * held from start to stop, and the GARP spacing (vrrp_garp_interval, vrrp_min_garp) as the platform sees it.
 */
import { Vrrpd } from '../../lib/daemon/vrrpd';
import { MemoryPlatform } from '../../lib/platform/memory';
import { MemoryWire } from '../../lib/sim/wire';
import { FakeClock } from '../helpers/fake-clock';

const instance = (prio: number, extra: string[] = []): string => `vrrp_instance VI_1 {
  interface eth0
  virtual_router_id 51
  priority ${prio}
  advert_int 1
  version 3
  virtual_ipaddress {
    192.0.2.100/24
  }
${extra.map((l) => `  ${l}\n`).join('')}}
`;
const globals = (...lines: string[]): string => `global_defs {\n${lines.map((l) => `  ${l}\n`).join('')}}\n`;

interface Pair {
  clock: FakeClock;
  wire: MemoryWire;
  p: MemoryPlatform[];
  d: Vrrpd[];
  /** Announcements of each platform with the clock's time. */
  announced: Array<Array<{ t: number; ifname: string }>>;
}

function pair(texts: string[]): Pair {
  const clock = new FakeClock();
  const wire = new MemoryWire({ a: { source4: '192.0.2.1', owns: ['192.0.2.1'] }, b: { source4: '192.0.2.2', owns: ['192.0.2.2'] } }, () => clock.now());
  const p = texts.map((_, i) => new MemoryPlatform({ eth0: [`192.0.2.${i + 1}/24`, `fe80::${i + 1}/64`] }));
  const announced: Pair['announced'] = texts.map(() => []);
  p.forEach((platform, i) => {
    const real = platform.announce.bind(platform);
    platform.announce = (ifname, addresses, mac) => {
      announced[i].push({ t: clock.now(), ifname });
      return real(ifname, addresses, mac);
    };
  });
  const d = texts.map((t, i) => Vrrpd.fromText(t, { platform: p[i], clock, openTransport: wire.factory(i === 0 ? 'a' : 'b') }));
  return { clock, wire, p, d, announced };
}

async function run(x: Pair, until: number): Promise<void> {
  for (const d of x.d) await d.start();
  await x.clock.advanceTo(until);
}

async function stopAll(x: Pair): Promise<void> {
  for (const d of x.d) await d.stop();
}

test('vrrp_mcast_group4: both transports join 224.0.0.19, every advert goes there, and the pair elects one MASTER', async () => {
  const g = globals('vrrp_mcast_group4 224.0.0.19');
  const x = pair([g + instance(150), g + instance(100)]);
  await run(x, 8000);
  expect(x.d.map((d) => d.states())).toEqual([{ VI_1: 'MASTER' }, { VI_1: 'BACKUP' }]);
  expect(x.wire.ports.map((p) => p.req.groups)).toEqual([['224.0.0.19'], ['224.0.0.19']]);
  expect(new Set(x.wire.sent.map((s) => s.dst))).toEqual(new Set(['224.0.0.19']));
  expect(x.d[1].status().instances[0].counters.advertsReceived).toBeGreaterThan(2);
  await stopAll(x);
});

test('a reload that changes the group reopens the transport joined to the new one; adverts follow it', async () => {
  const x = pair([globals('vrrp_mcast_group4 224.0.0.19') + instance(150)]);
  await run(x, 5000);
  await x.d[0].reload(globals('vrrp_mcast_group4 224.0.0.20') + instance(150));
  const since = x.clock.now();
  await x.clock.advanceTo(since + 3000);
  expect(x.wire.ports.map((p) => [p.req.groups, p.closed])).toEqual([[['224.0.0.19'], true], [['224.0.0.20'], false]]);
  expect(new Set(x.wire.sent.filter((p) => p.t > since).map((p) => p.dst))).toEqual(new Set(['224.0.0.20']));
  await stopAll(x);
});

test('a daemon on the IANA group does not hear one on 224.0.0.19 (it joined only 224.0.0.18): both MASTER', async () => {
  const x = pair([globals('vrrp_mcast_group4 224.0.0.19') + instance(150), instance(100)]);
  await run(x, 5000);
  expect(x.wire.ports.map((p) => p.req.groups)).toEqual([['224.0.0.19'], undefined]);
  expect(x.d.map((d) => d.states())).toEqual([{ VI_1: 'MASTER' }, { VI_1: 'MASTER' }]);
  await stopAll(x);
});

test('unicast_ttl 10: adverts to the unicast peer leave with TTL 10, and the peer (unicast_ttl too) accepts them', async () => {
  const u = (i: number, prio: number): string => instance(prio, [`unicast_src_ip 192.0.2.${i}`, `unicast_peer {\n    192.0.2.${3 - i}\n  }`, 'unicast_ttl 10']);
  const x = pair([u(1, 150), u(2, 100)]);
  await run(x, 5000);
  expect(x.d.map((d) => d.states())).toEqual([{ VI_1: 'MASTER' }, { VI_1: 'BACKUP' }]);
  expect(new Set(x.wire.sent.map((s) => `${s.dst} ${s.ttl}`))).toEqual(new Set(['192.0.2.2 10']));
  expect(x.d[1].status().instances[0].counters.advertsReceived).toBeGreaterThan(0);
  await stopAll(x);
});

test('promote_secondaries: held on the interface from start, released at stop; a reload without it releases it', async () => {
  const x = pair([instance(150, ['promote_secondaries'])]);
  await run(x, 100);
  expect(x.p[0].promoted).toEqual(new Map([['eth0', new Set(['instance VI_1'])]]));
  await x.d[0].reload(instance(150));
  expect(x.p[0].promoted).toEqual(new Map());
  await x.d[0].reload(instance(150, ['promote_secondaries']));
  expect(x.p[0].promoted.get('eth0')).toEqual(new Set(['instance VI_1']));
  await x.d[0].stop();
  expect(x.p[0].promoted).toEqual(new Map());
});

describe('GARP spacing reaches the platform', () => {
  test('vrrp_garp_interval 0.2: the 3 GARPs of each burst are 200 ms apart (not all at once)', async () => {
    const x = pair([globals('vrrp_garp_interval 0.2', 'vrrp_garp_master_repeat 3', 'vrrp_garp_master_delay 2') + instance(150)]);
    await run(x, 9000);
    const t = x.announced[0].map((a) => a.t);
    expect(t).toHaveLength(6);
    const t0 = t[0];
    expect(t.map((v) => v - t0)).toEqual([0, 200, 400, 2000, 2200, 2400]);
    await stopAll(x);
  });

  test('vrrp_gna_interval applies to IPv6 instances only (an IPv4 burst stays back to back)', async () => {
    const x = pair([globals('vrrp_gna_interval 0.2', 'vrrp_garp_master_repeat 3', 'vrrp_garp_master_delay 0') + instance(150)]);
    await run(x, 9000);
    const t = x.announced[0].map((a) => a.t);
    expect(t.map((v) => v - t[0])).toEqual([0, 0, 0]);
    await stopAll(x);
  });

  test('vrrp_min_garp: one GARP on entering MASTER and no second burst', async () => {
    const x = pair([globals('vrrp_min_garp') + instance(150)]);
    await run(x, 15000);
    expect(x.announced[0]).toHaveLength(1);
    await stopAll(x);
  });
});
