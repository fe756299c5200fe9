/**
 * `Vrrpd` and Accept_Mode (no_accept, RFC 9568 §6.1) in memory: the drop set reaches the platform at
 * start (before any VIP), again only on a reload that changes it (the union while VIPs move), never on a
 * transition, and is removed at stop after the VIPs. MemoryPlatform records every call.
 */
import { Vrrpd } from '../../lib/daemon/vrrpd';
import { MemoryPlatform } from '../../lib/platform/memory';
import type { Platform, VipDrops } from '../../lib/platform/types';
import { MemoryWire } from '../../lib/sim/wire';
import { FakeClock, flush } from '../helpers/fake-clock';

function inst(name: string, vrid: number, vip: string, extra: string[] = [], priority = 100): string {
  return `vrrp_instance ${name} {\n  interface eth0\n  virtual_router_id ${vrid}\n  priority ${priority}\n  advert_int 1\n  version 3\n${extra.map((l) => `  ${l}\n`).join('')}  virtual_ipaddress {\n    ${vip}\n  }\n}\n`;
}

const v4 = (...a: string[]): VipDrops => ({ ipv4: a, ipv6: [], ipv6LinkLocal: [] });

/** One daemon alone on a wire (it becomes MASTER after Master_Down_Interval), with a log of platform calls. */
function daemon(text: string, platform = new MemoryPlatform({ eth0: ['192.0.2.1/24', 'fe80::1/64'] }), logs: string[] = []) {
  const clock = new FakeClock();
  const wire = new MemoryWire({ a: { source4: '192.0.2.1', owns: ['192.0.2.1'] } }, () => clock.now());
  const calls: string[] = [];
  const p = platform as Platform & MemoryPlatform;
  const addVip = p.addVip.bind(p);
  const removeVip = p.removeVip.bind(p);
  p.addVip = (ifname, cidr) => (calls.push(`add ${cidr}`), addVip(ifname, cidr));
  p.removeVip = (ifname, cidr) => (calls.push(`remove ${cidr}`), removeVip(ifname, cidr));
  if (p.setVipDrops) {
    const set = p.setVipDrops.bind(p);
    p.setVipDrops = (d) => (calls.push(`drops ${[...d.ipv4, ...d.ipv6].join(',') || '-'}`), set(d));
  }
  const d = Vrrpd.fromText(text, { platform: p, clock, openTransport: wire.factory('a'), log: (level, line) => logs.push(`${level} ${line}`) });
  return { clock, p, d, calls, logs };
}

test('no_accept: the drops are set before the election and the VIP, a takeover sets nothing, stop removes them after the VIP', async () => {
  const x = daemon(inst('VI_1', 51, '192.0.2.100/24', ['no_accept']));
  await x.d.start();
  expect(x.p.vipDrops).toEqual(v4('192.0.2.100'));
  expect(x.calls).toEqual(['drops 192.0.2.100']);
  expect(x.logs).toContain('info no_accept: packets to 192.0.2.100 are dropped (instance VI_1, not the address owner and without accept)');
  await x.clock.advanceTo(5000);
  expect(x.d.states()).toEqual({ VI_1: 'MASTER' });
  expect(x.calls).toEqual(['drops 192.0.2.100', 'add 192.0.2.100/24']);
  const stopping = x.d.stop();
  await flush();
  await stopping;
  expect(x.calls).toEqual(['drops 192.0.2.100', 'add 192.0.2.100/24', 'remove 192.0.2.100/24', 'drops -']);
  expect(x.p.vipDrops).toEqual(v4());
});

test('accept (keepalived\'s default) and the owner: start clears what a killed daemon left (one empty set), stop sets nothing', async () => {
  for (const text of [inst('VI_1', 51, '192.0.2.100/24'), inst('VI_1', 51, '192.0.2.100/24', ['no_accept'], 255)]) {
    const x = daemon(text);
    await x.d.start();
    await x.clock.advanceTo(5000);
    expect(x.d.states()).toEqual({ VI_1: 'MASTER' });
    await x.d.stop();
    expect(x.calls.filter((c) => c.startsWith('drops'))).toEqual(['drops -']);
  }
});

test('start with nothing to drop: a platform refusing the clean-up (no nf_tables) is a warning, not a failed start', async () => {
  const x = daemon(inst('VI_1', 51, '192.0.2.100/24'));
  x.p.failNext = new Error('nft -f - refused the VIP drop rules (exit 1): Error: Could not process rule: Operation not supported');
  await x.d.start();
  await x.clock.advanceTo(5000);
  expect(x.d.states()).toEqual({ VI_1: 'MASTER' });
  expect(x.logs).toContain('warn no_accept: cannot remove drop rules an unclean stop may have left: nft -f - refused the VIP drop rules (exit 1): Error: Could not process rule: Operation not supported');
  await x.d.stop();
});

test('reload: an unchanged drop set sets nothing; a changed one is widened to the union before the VIPs move and narrowed after', async () => {
  const a = inst('VI_A', 51, '192.0.2.100/24', ['no_accept']);
  const x = daemon(a);
  await x.d.start();
  await x.clock.advanceTo(5000);
  await x.d.reload(a + inst('VI_B', 52, '192.0.2.101/24'));
  expect(x.calls.filter((c) => c.startsWith('drops'))).toEqual(['drops 192.0.2.100']);
  await x.d.reload(inst('VI_A', 51, '192.0.2.100/24') + inst('VI_B', 52, '192.0.2.101/24', ['no_accept']));
  expect(x.calls.filter((c) => c.startsWith('drops'))).toEqual(['drops 192.0.2.100', 'drops 192.0.2.100,192.0.2.101', 'drops 192.0.2.101']);
  await x.d.stop();
});

test('reload: a refused drop set rejects the reload and the running configuration stays', async () => {
  const a = inst('VI_A', 51, '192.0.2.100/24', ['no_accept']);
  const x = daemon(a);
  await x.d.start();
  await x.clock.advanceTo(5000);
  x.p.failNext = new Error('nft -f - refused the VIP drop rules (exit 1)');
  await expect(x.d.reload(a + inst('VI_B', 52, '192.0.2.101/24', ['no_accept']))).rejects.toThrow('refused the VIP drop rules');
  expect(x.d.configuration.instances.map((i) => i.name)).toEqual(['VI_A']);
  expect(x.p.vipDrops).toEqual(v4('192.0.2.100'));
  await x.d.stop();
});

test('start: a refused drop set stops the start before any VIP; a platform that cannot drop refuses no_accept by instance name', async () => {
  const x = daemon(inst('VI_1', 51, '192.0.2.100/24', ['no_accept']));
  x.p.failNext = new Error('no_accept (or vrrp_strict without accept) needs nftables but nft is not installed');
  await expect(x.d.start()).rejects.toThrow('needs nftables');
  await x.clock.advanceTo(5000);
  expect(x.calls).toEqual(['drops 192.0.2.100']); // the attempt, refused: no VIP, no election
  expect(x.p.vipDrops).toBeNull();

  const bare = new MemoryPlatform({ eth0: ['192.0.2.1/24'] });
  Object.defineProperty(bare, 'setVipDrops', { value: undefined });
  const y = daemon(inst('VI_1', 51, '192.0.2.100/24', ['no_accept']), bare);
  await expect(y.d.start()).rejects.toThrow('instance VI_1: no_accept (or vrrp_strict without accept) needs a platform that drops packets to the VIPs');
  const z = daemon(inst('VI_1', 51, '192.0.2.100/24', ['accept']), bare);
  await z.d.start();
  await z.d.stop();
});
