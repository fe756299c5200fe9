/**
 * What the node core brings to the real daemon, on a namespace LAN (h1, h2 vrrpd; h3 observer), v3 IPv4,
 * advert_int 1: a vrrp_sync_group moves together when one member's script fails; SIGHUP with an unchanged,
 * a broken and a changed file (no flap, old configuration kept, change applied); `vrrpd status --json`.
 */
import { ChildProcess } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { inspectFrames } from '../../lib/inspect/records';
import { readCapture } from '../../lib/pcap';
import { announcements } from '../helpers/announcements';
import { Host, netnsSkipReason } from '../helpers/netns';
import { addressesOf, useLan, waitFor } from '../helpers/peers';

const skip = netnsSkipReason();
if (skip) console.log(`vrrpd node: ${skip}`);
const d = skip ? describe.skip : describe;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

interface Status {
  pid: number;
  instances: Array<{
    name: string; state: string; vrid: number; family: number; version: number; interface: string; priority: { base: number; effective: number };
    master: string | null; vips: string[]; trackers: Array<{ kind: string; name: string; detail: string }>; counters: Record<string, unknown>;
    lastTransition: { from: string; to: string; reason: string; atMs: number } | null; syncGroup: string | null;
  }>;
  syncGroups: Array<{ name: string; state: string; members: string[] }>;
}

const GLOBAL = 'global_defs {\n  vrrp_version 3\n  vrrp_garp_master_delay 1\n  vrrp_garp_master_repeat 1\n}\n';

function inst(name: string, vrid: number, priority: number, vip: string, extra = ''): string {
  return `vrrp_instance ${name} {
  state BACKUP
  interface eth0
  virtual_router_id ${vrid}
  priority ${priority}
  advert_int 1
  virtual_ipaddress {
    ${vip}/24
  }
${extra}}
`;
}

d('vrrpd node core on a namespace LAN', () => {
  const env = useLan('node', 3);

  test('a vrrp_sync_group moves together: one member\'s script fails, both members go FAULT and the peer takes both VIPs; both come back', async () => {
    const [h1, h2] = env.lan().hosts;
    const peers = env.peers();
    const ok = path.join(peers.dir, 'h1-ok');
    writeFileSync(ok, '');
    const host = (priority: number, tracked: boolean): string => `${GLOBAL}vrrp_script chk {\n  script "/usr/bin/test -f ${ok}"\n  interval 1\n}\n`
      + `vrrp_sync_group G {\n  group {\n    VI_A\n    VI_B\n  }\n}\n`
      + inst('VI_A', 71, priority, '192.0.2.171', tracked ? '  track_script {\n    chk\n  }\n' : '')
      + inst('VI_B', 72, priority, '192.0.2.172');
    const a = await peers.vrrpd(h1, 'sa', host(150, true));
    const b = await peers.vrrpd(h2, 'sb', host(100, false));
    const states = (h: Host, n: string): string => peers.status<Status>(h, n).instances.map((i) => `${i.name}=${i.state}`).join(' ');
    await waitFor('h1 MASTER on both', () => states(h1, 'sa') === 'VI_A=MASTER VI_B=MASTER' && states(h2, 'sb') === 'VI_A=BACKUP VI_B=BACKUP', 10000);
    expect(addressesOf(h1)).toEqual(expect.arrayContaining(['192.0.2.171', '192.0.2.172']));

    rmSync(ok);
    const t = await waitFor('h1 FAULT on both, h2 MASTER on both', () => states(h1, 'sa') === 'VI_A=FAULT VI_B=FAULT' && states(h2, 'sb') === 'VI_A=MASTER VI_B=MASTER', 8000);
    console.log(`vrrpd sync group: both members moved ${t} ms after the script's file was removed`);
    expect(addressesOf(h1)).not.toContain('192.0.2.171');
    expect(addressesOf(h1)).not.toContain('192.0.2.172');
    expect(addressesOf(h2)).toEqual(expect.arrayContaining(['192.0.2.171', '192.0.2.172']));
    expect(peers.status<Status>(h1, 'sa').syncGroups).toEqual([{ name: 'G', state: 'FAULT', members: ['VI_A', 'VI_B'] }]);

    writeFileSync(ok, '');
    await waitFor('h1 MASTER on both again', () => states(h1, 'sa') === 'VI_A=MASTER VI_B=MASTER' && states(h2, 'sb') === 'VI_A=BACKUP VI_B=BACKUP', 10000);
    expect(await peers.stop(a)).toBe(0);
    expect(await peers.stop(b)).toBe(0);
  }, 60000);

  test('SIGHUP: an unchanged file changes nothing (no transition, no advert gap, no GARP); a broken one is logged with file:line and the old runs on; a lower priority is applied and the peer preempts', async () => {
    const [h1, h2, h3] = env.lan().hosts;
    const peers = env.peers();
    const conf = (p: number): string => GLOBAL + inst('VI_1', 81, p, '192.0.2.181');
    const stopCapture = await peers.observe(h3, 'hup');
    const a: ChildProcess = await peers.vrrpd(h1, 'ha', conf(150));
    const b = await peers.vrrpd(h2, 'hb', conf(100));
    const status = (): Status => peers.status<Status>(h1, 'ha');
    await waitFor('h1 MASTER', () => status().instances[0].state === 'MASTER', 10000);
    await sleep(2500);

    const s0 = status().instances[0];
    expect(s0).toMatchObject({
      name: 'VI_1', state: 'MASTER', vrid: 81, family: 4, version: 3, interface: 'eth0', priority: { base: 150, effective: 150 },
      master: h1.ipv4, vips: ['192.0.2.181/24'], syncGroup: null, lastTransition: { from: 'BACKUP', to: 'MASTER' },
    });
    for (const k of ['advertsSent', 'advertsReceived', 'becomeMaster', 'releaseMaster', 'packetLengthErrors', 'intervalErrors', 'ttlErrors', 'invalidType',
      'addressListErrors', 'authInvalid', 'authMismatch', 'authFailure', 'priorityZeroSent', 'priorityZeroReceived']) expect(typeof s0.counters[k]).toBe('number');
    expect(s0.trackers.map((t) => `${t.kind} ${t.name}`)).toEqual(['interface eth0', `source eth0 ${h1.ipv4}`]);

    const file = path.join(peers.dir, 'ha.conf');
    const hup1 = Date.now() / 1000;
    a.kill('SIGHUP');
    await waitFor('the reload', () => (peers.logs.get('ha') ?? '').includes('reloaded: 1 instance(s)'), 5000);
    await sleep(2500);
    expect(status().instances[0].lastTransition).toEqual(s0.lastTransition);

    writeFileSync(file, conf(150).replace('priority 150', 'priority 900'));
    a.kill('SIGHUP');
    await waitFor('the refusal', () => /reload failed, the running configuration stays: .*ha\.conf:\d+:\d+: /.test(peers.logs.get('ha') ?? ''), 5000);
    expect(status().instances[0]).toMatchObject({ state: 'MASTER', priority: { base: 150 } });
    const hup3 = Date.now() / 1000;
    writeFileSync(file, conf(50));
    a.kill('SIGHUP');
    await waitFor('h2 to preempt h1', () => peers.status<Status>(h2, 'hb').instances[0].state === 'MASTER' && status().instances[0].state === 'BACKUP', 8000);
    expect(status().instances[0].priority.base).toBe(50);
    expect(addressesOf(h1)).not.toContain('192.0.2.181');
    expect(addressesOf(h2)).toContain('192.0.2.181');
    expect(a.exitCode).toBeNull();
    expect(await peers.stop(a)).toBe(0);
    expect(await peers.stop(b)).toBe(0);

    const frames = readCapture(readFileSync(await stopCapture())).frames;
    const adverts = inspectFrames(frames).filter((r) => r.vrid === 81 && r.src === h1.ipv4 && r.time < hup3);
    const gaps = adverts.slice(1).map((r, i) => r.time - adverts[i].time);
    console.log(`vrrpd SIGHUP: ${adverts.length} adverts from h1 before the priority change, largest gap ${(Math.max(...gaps) * 1000).toFixed(1)} ms`);
    expect(Math.max(...gaps)).toBeLessThan(1.2);
    expect(adverts.every((r) => r.priority === 150)).toBe(true);
    // No announcement between the unchanged reload and the priority change.
    expect(announcements(frames).filter((x) => x.time > hup1 && x.time < hup3)).toEqual([]);
  }, 60000);
});
