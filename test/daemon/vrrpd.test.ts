/**
 * Whole `Vrrpd` daemons in memory: MemoryPlatform, a memory wire for transports, a hand-advanced clock and
 * a scripted command runner. No namespace, no root, no child process: the same class `vrrpd -f` runs.
 */
import * as childProcess from 'node:child_process';

// Every way to start a process, wrapped so the test can tell none was used.
jest.mock('node:child_process', () => {
  const actual = jest.requireActual<typeof import('node:child_process')>('node:child_process');
  const wrap = <F extends (...a: never[]) => unknown>(f: F) => jest.fn(f);
  return { ...actual, spawn: wrap(actual.spawn), spawnSync: wrap(actual.spawnSync), exec: wrap(actual.exec), execFile: wrap(actual.execFile), execFileSync: wrap(actual.execFileSync), execSync: wrap(actual.execSync), fork: wrap(actual.fork) };
});
import type { CommandResult } from '../../lib/daemon/command';
import { Vrrpd } from '../../lib/daemon/vrrpd';
import type { StateChangeEvent } from '../../lib/node/types';
import { MemoryPlatform } from '../../lib/platform/memory';
import { ConfigError } from '../../lib/errors';
import { FakeClock, flush } from '../helpers/fake-clock';
import { MemoryWire } from '../../lib/sim/wire';

interface Opts {
  prio: number;
  version?: 2 | 3;
  auth?: string;
  vips?: string[];
  extra?: string;
  scripts?: string;
  name?: string;
  vrid?: number;
}

function instance(o: Opts): string {
  const auth = o.auth ? `  authentication {\n    auth_type PASS\n    auth_pass ${o.auth}\n  }\n` : '';
  return `vrrp_instance ${o.name ?? 'VI_1'} {
  interface eth0
  virtual_router_id ${o.vrid ?? 51}
  priority ${o.prio}
  advert_int 1
  version ${o.version ?? 3}
${auth}  virtual_ipaddress {
${(o.vips ?? ['192.0.2.100/24']).map((v) => `    ${v}`).join('\n')}
  }
${o.extra ?? ''}}
`;
}

const conf = (o: Opts): string => `${o.scripts ?? ''}${instance(o)}`;

/** Command runner double: outcome per script command, never a process. */
function runner(outcomes: Map<string, CommandResult['outcome'] | 'hang'>) {
  return (line: string | string[]): Promise<CommandResult> => {
    const key = Array.isArray(line) ? line.join(' ') : line;
    const o = outcomes.get(key) ?? 'success';
    if (o === 'hang') return new Promise(() => undefined);
    return Promise.resolve({ outcome: o, code: o === 'success' ? 0 : 1, signal: null, spawnError: null, durationMs: 1 });
  };
}

interface Pair {
  clock: FakeClock;
  wire: MemoryWire;
  p: MemoryPlatform[];
  d: Vrrpd[];
  changes: StateChangeEvent[][];
  outcomes: Map<string, CommandResult['outcome'] | 'hang'>;
}

function pair(texts: [string, string]): Pair {
  const clock = new FakeClock();
  const wire = new MemoryWire({ a: { source4: '192.0.2.1', owns: ['192.0.2.1'] }, b: { source4: '192.0.2.2', owns: ['192.0.2.2'] } }, () => clock.now());
  const p = [new MemoryPlatform({ eth0: ['192.0.2.1/24', 'fe80::1/64'] }), new MemoryPlatform({ eth0: ['192.0.2.2/24', 'fe80::2/64'] })];
  const outcomes = new Map<string, CommandResult['outcome'] | 'hang'>();
  const changes: StateChangeEvent[][] = [[], []];
  const d = texts.map((t, i) => {
    const v = Vrrpd.fromText(t, { platform: p[i], clock, openTransport: wire.factory(i === 0 ? 'a' : 'b'), runCommand: runner(outcomes) });
    v.on('state-change', (e) => changes[i].push(e));
    return v;
  });
  return { clock, wire, p, d, changes, outcomes };
}

async function startBoth(x: Pair): Promise<void> {
  await x.d[0].start();
  await x.d[1].start();
}

async function vipsOf(p: MemoryPlatform): Promise<string[]> {
  return (await p.listAddresses('eth0')).map((a) => a.cidr).filter((c) => c.startsWith('192.0.2.1') && !c.startsWith('192.0.2.1/') && !c.startsWith('192.0.2.2'));
}


test('Vrrpd: two daemons elect the higher priority, which holds the VIP; stop hands over after Skew_Time; status() has every field', async () => {
  const x = pair([conf({ prio: 150 }), conf({ prio: 100 })]);
  await startBoth(x);
  await x.clock.advanceTo(4000);
  expect(x.d[0].states()).toEqual({ VI_1: 'MASTER' });
  expect(x.d[1].states()).toEqual({ VI_1: 'BACKUP' });
  expect(await vipsOf(x.p[0])).toEqual(['192.0.2.100/24']);
  expect(await vipsOf(x.p[1])).toEqual([]);
  expect(x.p[0].announcements.length).toBe(5); // garp_master_repeat 5, the first burst
  const s = x.d[1].status().instances[0];
  expect(s).toMatchObject({
    name: 'VI_1', state: 'BACKUP', vrid: 51, family: 4, version: 3, interface: 'eth0', priority: { base: 100, effective: 100 },
    master: '192.0.2.1', source: '192.0.2.2', vips: ['192.0.2.100/24'], lastTransition: { from: 'INIT', to: 'BACKUP', reason: 'startup' },
  });
  expect(s.counters.advertsReceived).toBeGreaterThan(0);
  expect(s.trackers.map((t) => `${t.kind} ${t.name} ${t.detail}`)).toEqual(['interface eth0 up', 'source eth0 192.0.2.2 up']);
  const stopAt = x.clock.now();
  const stopping = x.d[0].stop();
  await flush();
  await stopping;
  expect(await vipsOf(x.p[0])).toEqual([]);
  await x.clock.advanceTo(stopAt + 700);
  const last = x.changes[1].slice(-1)[0];
  expect(last).toMatchObject({ instance: 'VI_1', from: 'BACKUP', to: 'MASTER', reason: 'priority-zero' });
  expect(x.d[1].status().instances[0].counters.priorityZeroReceived).toBe(1);
  expect(await vipsOf(x.p[1])).toEqual(['192.0.2.100/24']);
  await x.d[1].stop();
});

test('Vrrpd with MemoryPlatform and a command runner double spawns no process at start, election, takeover or stop', async () => {
  const spies = (['spawn', 'spawnSync', 'exec', 'execFile', 'execFileSync', 'execSync', 'fork'] as const).map((f) => childProcess[f] as unknown as jest.Mock);
  for (const s of spies) s.mockClear();
  const x = pair([conf({ prio: 150 }), conf({ prio: 100 })]);
  await startBoth(x);
  await x.clock.advanceTo(4000);
  await x.d[0].stop();
  await x.clock.advanceTo(8000);
  await x.d[1].stop();
  expect(x.changes[1].map((c) => c.to)).toEqual(['BACKUP', 'MASTER', 'INIT']);
  for (const s of spies) expect(s).not.toHaveBeenCalled();
});

test('Vrrpd: init_fail with weight 0 starts in FAULT and sends nothing; with a negative weight it starts with the lowered priority (the peer wins)', async () => {
  const script = (w: number) => `vrrp_script chk {\n  script "/usr/local/bin/chk"\n  interval 1\n  weight ${w}\n  init_fail\n}\n`;
  const track = '  track_script {\n    chk\n  }\n';
  const x = pair([conf({ prio: 150, scripts: script(0), extra: track }), conf({ prio: 100 })]);
  x.outcomes.set('/usr/local/bin/chk', 'hang');
  await startBoth(x);
  await x.clock.advanceTo(5000);
  expect(x.changes[0].map((c) => `${c.from}->${c.to} ${c.reason}`)).toEqual(['INIT->FAULT fault']);
  expect(x.wire.sent.filter((s) => s.host === 'a')).toEqual([]);
  expect(x.d[1].states()).toEqual({ VI_1: 'MASTER' });
  await x.d[0].stop();
  await x.d[1].stop();

  const y = pair([conf({ prio: 150, scripts: script(-60), extra: track }), conf({ prio: 100 })]);
  y.outcomes.set('/usr/local/bin/chk', 'hang');
  await startBoth(y);
  expect(y.d[0].status().instances[0].priority).toEqual({ base: 150, effective: 90 });
  await y.clock.advanceTo(5000);
  expect(y.d[0].states()).toEqual({ VI_1: 'BACKUP' });
  expect(y.d[1].states()).toEqual({ VI_1: 'MASTER' });
  await y.d[0].stop();
  await y.d[1].stop();
});

test('Vrrpd: a sync group moves together — one member\'s failing script takes both members to FAULT and the peer\'s group to MASTER', async () => {
  const host = (prio: number, tracked: boolean) => `vrrp_script chk {\n  script "/usr/local/bin/chk"\n  interval 1\n}\nvrrp_sync_group G {\n  group {\n    VI_1\n    VI_2\n  }\n}\n`
    + instance({ prio, name: 'VI_1', vrid: 51, extra: tracked ? '  track_script {\n    chk\n  }\n' : '' })
    + instance({ prio, name: 'VI_2', vrid: 52, vips: ['192.0.2.101/24'] });
  const x = pair([host(150, true), host(100, false)]);
  await startBoth(x);
  await x.clock.advanceTo(5000);
  expect(x.d[0].states()).toEqual({ VI_1: 'MASTER', VI_2: 'MASTER' });
  expect(x.d[1].states()).toEqual({ VI_1: 'BACKUP', VI_2: 'BACKUP' });
  x.outcomes.set('/usr/local/bin/chk', 'failure');
  await x.clock.advanceTo(7000);
  expect(x.d[0].states()).toEqual({ VI_1: 'FAULT', VI_2: 'FAULT' });
  await x.clock.advanceTo(8000);
  expect(x.d[1].states()).toEqual({ VI_1: 'MASTER', VI_2: 'MASTER' });
  expect(x.d[0].status().syncGroups).toEqual([{ name: 'G', state: 'FAULT', members: ['VI_1', 'VI_2'] }]);
  expect((await x.p[1].listAddresses('eth0')).map((a) => a.cidr)).toEqual(expect.arrayContaining(['192.0.2.100/24', '192.0.2.101/24']));
  await x.d[0].stop();
  await x.d[1].stop();
});

test('Vrrpd.reload: unchanged keeps everything (no transition, no announcement, no advert gap); a bad text is refused and the old runs on; a lower priority is preempted by the peer', async () => {
  const x = pair([conf({ prio: 150 }), conf({ prio: 100 })]);
  await startBoth(x);
  await x.clock.advanceTo(10_000);
  const announced = x.p[0].announcements.length;
  const changes = x.changes[0].length;
  await x.d[0].reload(conf({ prio: 150 }));
  await x.clock.advanceTo(13_000);
  expect(x.changes[0].length).toBe(changes);
  expect(x.p[0].announcements.length).toBe(announced);
  // No advert gap: the MASTER's adverts stayed one interval apart across the reload.
  const times = x.wire.sent.filter((s) => s.host === 'a' && s.t >= 5000).map((s) => s.t);
  const gaps = times.slice(1).map((t, i) => t - times[i]);
  expect(gaps.length).toBeGreaterThanOrEqual(7);
  expect(new Set(gaps)).toEqual(new Set([1000]));
  expect(x.d[0].states()).toEqual({ VI_1: 'MASTER' });

  await expect(x.d[0].reload('vrrp_instance VI_1 {\n  priority 900\n}\n')).rejects.toBeInstanceOf(ConfigError);
  expect(x.d[0].status().instances[0].priority.base).toBe(150);

  const before = x.wire.sent.length;
  await x.d[0].reload(conf({ prio: 50 }));
  expect(x.wire.sent.length).toBe(before + 1); // the MASTER advertises its new priority at once
  await x.clock.advanceTo(20_000);
  expect(x.d[0].states()).toEqual({ VI_1: 'BACKUP' });
  expect(x.d[1].states()).toEqual({ VI_1: 'MASTER' });
  expect(x.changes[1].slice(-1)[0]).toMatchObject({ to: 'MASTER', reason: 'preempted' });
  await x.d[0].stop();
  await x.d[1].stop();
});

test('Vrrpd: a non-ASCII auth_pass (more than 8 bytes in UTF-8) is sent and checked as the same bytes: one MASTER, no auth drops', async () => {
  const x = pair([conf({ prio: 150, version: 2, auth: 'pässwörd' }), conf({ prio: 100, version: 2, auth: 'pässwörd' })]);
  await startBoth(x);
  await x.clock.advanceTo(6000);
  expect(x.d[0].states()).toEqual({ VI_1: 'MASTER' });
  expect(x.d[1].states()).toEqual({ VI_1: 'BACKUP' });
  expect(x.d[1].status().instances[0].counters.authFailure).toBe(0);
  await x.d[0].stop();
  await x.d[1].stop();
});

test('Vrrpd: unicast_peer written in upper case (2001:DB8::2) matches adverts from 2001:db8::2', async () => {
  const uni = (me: string, peer: string, prio: number) => instance({
    prio, vips: ['2001:db8::100/64'],
    extra: `  unicast_src_ip ${me}\n  unicast_peer {\n    ${peer}\n  }\n`,
  });
  const clock = new FakeClock();
  const wire = new MemoryWire({ a: { source6: '2001:db8::1', owns: ['2001:db8::1'] }, b: { source6: '2001:db8::2', owns: ['2001:db8::2'] } });
  const pa = new MemoryPlatform({ eth0: ['2001:db8::1/64', 'fe80::1/64'] });
  const pb = new MemoryPlatform({ eth0: ['2001:db8::2/64', 'fe80::2/64'] });
  const a = Vrrpd.fromText(uni('2001:db8::1', '2001:DB8::2', 150), { platform: pa, clock, openTransport: wire.factory('a') });
  const b = Vrrpd.fromText(uni('2001:db8::2', '2001:DB8::1', 100), { platform: pb, clock, openTransport: wire.factory('b') });
  await a.start();
  await b.start();
  await clock.advanceTo(6000);
  expect(a.states()).toEqual({ VI_1: 'MASTER' });
  expect(b.states()).toEqual({ VI_1: 'BACKUP' });
  expect(b.status().instances[0].counters.dropped.UNICAST_PEER_UNKNOWN).toBeUndefined();
  expect(new Set(wire.sent.map((s) => s.dst))).toEqual(new Set(['2001:db8::2'])); // the BACKUP is silent
  await a.stop();
  await b.stop();
});

test('Vrrpd: a peer advertising another address list is warned about once (event and counter per advert)', async () => {
  const x = pair([conf({ prio: 150, vips: ['192.0.2.100/24', '192.0.2.110/24'] }), conf({ prio: 100 })]);
  const warnings: string[] = [];
  x.d[1].on('warning', (w) => warnings.push(`${w.peer} ${w.cause}`));
  await startBoth(x);
  await x.clock.advanceTo(10_000);
  expect(warnings).toEqual(['192.0.2.1 ADDRESS_LIST_DIFFERS']);
  const c = x.d[1].status().instances[0].counters;
  expect(c.addressListErrors).toBe(c.advertsReceived);
  expect(c.addressListErrors).toBeGreaterThan(3);
  await x.d[0].stop();
  await x.d[1].stop();
});

test('Vrrpd configId: @ID lines of the text apply to the daemon with that id (none without an id, for text)', async () => {
  const text = (p2: number): string => [
    'vrrp_instance VI_1 {', '  interface eth0', '  virtual_router_id 51', '@lb1 priority 150', `@lb2 priority ${p2}`, '  virtual_ipaddress {', '    192.0.2.100/24', '  }', '}', '',
  ].join('\n');
  expect(Vrrpd.fromText(text(90), { configId: 'lb1' }).configuration.instances[0].priority).toBe(150);
  expect(Vrrpd.fromText(text(90), { configId: 'lb2' }).configuration.instances[0].priority).toBe(90);
  expect(Vrrpd.fromText(text(90)).configuration.instances[0].priority).toBe(100);
});
