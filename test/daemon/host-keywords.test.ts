/**
 * global_defs keywords the daemon acts on itself (whole Vrrpd in memory): vrrp_startup_delay,
 * startup_script / shutdown_script, log_unknown_vrids, and the instance's notify_master_rx_lower_pri.
 */
import type { CommandResult } from '../../lib/daemon/command';
import { Vrrpd } from '../../lib/daemon/vrrpd';
import { encode } from '../../lib/packet/advertisement';
import { MemoryPlatform } from '../../lib/platform/memory';
import { MemoryWire } from '../../lib/sim/wire';
import { FakeClock } from '../helpers/fake-clock';

const INSTANCE = `vrrp_instance VI_1 {
  interface eth0
  virtual_router_id 51
  priority 150
  advert_int 1
  version 3
  virtual_ipaddress {
    192.0.2.100/24
  }
  notify_master_rx_lower_pri "/usr/local/bin/rx-lower now"
  notify /usr/local/bin/any
}
`;

function daemon(globals: string) {
  const clock = new FakeClock();
  const wire = new MemoryWire({ a: { source4: '192.0.2.1', owns: ['192.0.2.1'] } }, () => clock.now());
  const calls: Array<{ at: number; line: string }> = [];
  const logs: string[] = [];
  const run = (line: string | string[]): Promise<CommandResult> => {
    calls.push({ at: clock.now(), line: Array.isArray(line) ? line.join(' ') : line });
    return Promise.resolve({ outcome: 'success', code: 0, signal: null, spawnError: null, durationMs: 1 });
  };
  const platform = new MemoryPlatform({ eth0: ['192.0.2.1/24', 'fe80::1/64'] });
  const d = Vrrpd.fromText(`global_defs {\n${globals}}\n${INSTANCE}`, { platform, clock, openTransport: wire.factory('a'), runCommand: run, log: (level, m) => logs.push(`${level} ${m}`) });
  return { clock, wire, calls, logs, d, platform };
}

/** A v3 advert from 192.0.2.9 for `vrid` with `priority`, checksummed for the VRRP group. */
function advert(vrid: number, priority: number): Buffer {
  return encode({ version: 3, family: 4, vrid, priority, intervalCs: 100, addresses: ['192.0.2.100'] }, undefined, 0, { src: '192.0.2.9', dst: '224.0.0.18' });
}

test('vrrp_startup_delay 3: sockets and status at once, the instance stays INIT for 3 s, then starts', async () => {
  const x = daemon('  vrrp_startup_delay 3\n');
  await x.d.start();
  expect(x.d.states()).toEqual({ VI_1: 'INIT' });
  await x.clock.advanceTo(2900);
  expect(x.d.states()).toEqual({ VI_1: 'INIT' });
  expect(x.wire.sent).toHaveLength(0);
  await x.clock.advanceTo(3100);
  expect(x.d.states()).toEqual({ VI_1: 'BACKUP' });
  await x.clock.advanceTo(7000);
  expect(x.d.states()).toEqual({ VI_1: 'MASTER' });
  expect(x.logs).toContain('info vrrp_startup_delay: the instances start in 3.0 s');
  await x.d.stop();
});

test('startup_script runs before any instance starts, shutdown_script after the VIPs are gone at stop', async () => {
  const x = daemon('  startup_script "/usr/local/bin/up now"\n  startup_script_timeout 2\n  shutdown_script /usr/local/bin/down\n');
  await x.d.start();
  expect(x.calls.map((c) => c.line)).toEqual(['/usr/local/bin/up now', '/usr/local/bin/any INSTANCE VI_1 BACKUP 150']);
  await x.clock.advanceTo(5000);
  expect(x.d.states()).toEqual({ VI_1: 'MASTER' });
  await x.d.stop();
  const lines = x.calls.map((c) => c.line);
  expect(lines[lines.length - 1]).toBe('/usr/local/bin/down');
  expect((await x.platform.listAddresses('eth0')).map((a) => a.cidr)).not.toContain('192.0.2.100/24');
});

test('log_unknown_vrids: an advert for a VRID no instance has is logged once a minute per VRID and source; without it, never', async () => {
  for (const on of [true, false]) {
    const x = daemon(on ? '  log_unknown_vrids\n' : '');
    await x.d.start();
    for (let i = 0; i < 5; i++) x.wire.inject('192.0.2.9', advert(99, 100), { family: 4 });
    await x.clock.advanceTo(61_000);
    x.wire.inject('192.0.2.9', advert(99, 100), { family: 4 });
    const lines = x.logs.filter((l) => l.includes('log_unknown_vrids'));
    expect(lines).toEqual(on ? Array(2).fill('info advert for VRID 99 (IPv4) on eth0 from 192.0.2.9: no instance has that VRID (log_unknown_vrids)') : []);
    await x.d.stop();
  }
});

test('notify_master_rx_lower_pri: a MASTER hearing a lower priority runs it, and notify with MASTER_RX_LOWER_PRI', async () => {
  const x = daemon('');
  await x.d.start();
  await x.clock.advanceTo(5000);
  expect(x.d.states()).toEqual({ VI_1: 'MASTER' });
  x.calls.length = 0;
  x.wire.inject('192.0.2.9', advert(51, 100), { family: 4 });
  await x.clock.advanceTo(5100);
  expect(x.calls.map((c) => c.line)).toEqual(['/usr/local/bin/rx-lower now', '/usr/local/bin/any INSTANCE VI_1 MASTER_RX_LOWER_PRI 150']);
  expect(x.d.states()).toEqual({ VI_1: 'MASTER' });
  await x.d.stop();
});
