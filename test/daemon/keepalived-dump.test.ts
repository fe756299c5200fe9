/**
 * keepalived's dump files from vrrpd, read the way mehdy/keepalived-exporter reads them (its parser
 * ported in test/helpers/keepalived-exporter.ts). First the port is checked against files written by
 * keepalived 2.2.7 itself (fixtures/keepalived-2.2.7, from k.conf there); then two in-memory daemons'
 * files are parsed and every value the exporter takes is compared with status(), and the samples the
 * exporter would export from the files are compared with vrrpd's own /metrics (same names, labels, values).
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { keepalivedData, keepalivedJson, keepalivedStatsText, keepalivedTime, vipText, STATE_NUMBER } from '../../lib/daemon/keepalived-dump';
import { VrrpdMetrics } from '../../lib/daemon/metrics';
import { Vrrpd } from '../../lib/daemon/vrrpd';
import { MemoryPlatform } from '../../lib/platform/memory';
import { MemoryWire } from '../../lib/sim/wire';
import { FakeClock } from '../helpers/fake-clock';
import { exporterSamples, parseJSON, parseStats, parseVIP, parseVRRPData, parseVRRPScript, Sample } from '../helpers/keepalived-exporter';
import { parsePromText, series } from '../helpers/prom-text';

const FIX = path.join(__dirname, 'fixtures', 'keepalived-2.2.7');
const fixture = (f: string): string => readFileSync(path.join(FIX, f), 'utf8');

test('the exporter port reads keepalived 2.2.7\'s own files as the exporter does', () => {
  const data = parseVRRPData(fixture('keepalived.data'));
  expect([...data.keys()]).toEqual(['VI_1', 'VI_6']);
  expect(data.get('VI_1')).toEqual({ IName: 'VI_1', State: 2, WantState: 2, Intf: 'eth0', GArpDelay: 1, VRID: 51, VIPs: ['192.0.2.100/24 dev eth0 scope global set', '192.0.2.101 dev eth0 scope global set'], ExcludedVIPs: [] });
  expect(data.get('VI_6')).toMatchObject({ State: 2, VRID: 52, VIPs: ['2001:db8::100/64 dev eth0 scope global preferred_lft forever set'] });
  expect(parseVRRPScript(fixture('keepalived.data'))).toEqual([{ Name: 'chk_ok', Status: 'GOOD', State: 'idle' }]);
  expect(parseStats(fixture('keepalived.stats')).get('VI_1')).toMatchObject({ AdvertSent: 3, BecomeMaster: 1, AdvertRcvd: 0 });
  const json = parseJSON(fixture('keepalived.json'));
  expect(json.map((v) => [v.Data.IName, v.Data.State, v.Data.Intf, v.Data.VRID, v.Stats.AdvertSent])).toEqual([['VI_1', 2, 'eth0', 51, 3], ['VI_6', 2, 'eth0', 52, 3]]);
  expect(parseVIP('192.0.2.101 dev eth0 scope global set')).toEqual(['192.0.2.101', 'eth0']);
  const samples = exporterSamples({ data: fixture('keepalived.data'), stats: fixture('keepalived.stats') });
  expect(series(samples, 'keepalived_vrrp_state')).toEqual([
    'iname=VI_1,intf=eth0,vrid=51,ip_address=192.0.2.100/24 2', 'iname=VI_1,intf=eth0,vrid=51,ip_address=192.0.2.101 2', 'iname=VI_6,intf=eth0,vrid=52,ip_address=2001:db8::100/64 2',
  ]);
});

test('vipText and keepalivedTime print as keepalived 2.2.7', () => {
  expect(vipText('192.0.2.100/24', 'eth0', 'global', true)).toBe('192.0.2.100/24 dev eth0 scope global set');
  expect(vipText('192.0.2.101/32', 'eth0')).toBe('192.0.2.101 dev eth0 scope global');
  expect(vipText('2001:db8::1/128', 'eth1')).toBe('2001:db8::1 dev eth1 scope global');
  const t = keepalivedTime(1796119093.890003);
  expect(t).toMatch(/^1796119093\.890003 \((Sun|Mon|Tue|Wed|Thu|Fri|Sat) [A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d\.890003 \d{4}\)$/);
  expect(keepalivedTime(0)).toMatch(/^0\.000000 \(/);
});

const SCRIPT = 'vrrp_script chk_web {\n  script "/usr/local/bin/chk web"\n  interval 1\n  weight -20\n}\nvrrp_script chk_unused {\n  script "/bin/true"\n}\n';

function conf(prio: number, tracked: boolean): string {
  return `global_defs {\n  router_id r${prio}\n  vrrp_garp_master_delay 2\n}\n${SCRIPT}vrrp_instance VI_1 {
  interface eth0
  virtual_router_id 51
  priority ${prio}
  advert_int 1
  version 2
  authentication {
    auth_type PASS
    auth_pass secret
  }
  virtual_ipaddress {
    192.0.2.100/24
    192.0.2.101
  }
  virtual_ipaddress_excluded {
    192.0.2.200/24
  }
${tracked ? '  track_script {\n    chk_web\n  }\n' : ''}}
vrrp_instance VI_2 {
  interface eth0
  virtual_router_id 52
  priority ${prio}
  advert_int 1
  version 3
  virtual_ipaddress {
    192.0.2.110/24
  }
}
`;
}

async function pair() {
  const clock = new FakeClock();
  const wire = new MemoryWire({ a: { source4: '192.0.2.1', owns: ['192.0.2.1'] }, b: { source4: '192.0.2.2', owns: ['192.0.2.2'] } }, () => clock.now());
  const run = () => Promise.resolve({ outcome: 'success' as const, code: 0, signal: null, spawnError: null, durationMs: 1 });
  const d = [
    Vrrpd.fromText(conf(150, true), { platform: new MemoryPlatform({ eth0: ['192.0.2.1/24', 'fe80::1/64'] }), clock, openTransport: wire.factory('a'), runCommand: run }),
    Vrrpd.fromText(conf(100, false), { platform: new MemoryPlatform({ eth0: ['192.0.2.2/24', 'fe80::2/64'] }), clock, openTransport: wire.factory('b'), runCommand: run }),
  ];
  const metrics = d.map((x) => new VrrpdMetrics(x, { nowMs: () => clock.now() }));
  await d[0].start();
  await d[1].start();
  await clock.advanceTo(5000);
  // Counters that are not all zero: a replayed advert with TTL 64 (ip_ttl_err on the BACKUP).
  const advert = wire.sent.find((s) => s.host === 'a');
  if (!advert) throw new Error('no advert from a');
  wire.inject('192.0.2.1', advert.bytes, { family: 4, ttl: 64 });
  wire.inject('192.0.2.1', advert.bytes, { family: 4, ttl: 64 });
  await clock.advanceTo(6000);
  return { clock, wire, d, metrics };
}

/** The samples of `names` in `samples`, as sorted strings. */
function pick(samples: Sample[], names: string[]): string[] {
  return names.flatMap((n) => series(samples, n));
}

test('two daemons\' data, stats and JSON files give the exporter every value of status(), and the samples it would export equal vrrpd\'s own /metrics', async () => {
  const { d, metrics } = await pair();
  for (const [n, daemon] of d.entries()) {
    const status = daemon.status();
    const input = { status, config: daemon.configuration };
    const dataText = keepalivedData(input);
    const statsText = keepalivedStatsText(input);
    const jsonText = JSON.stringify(keepalivedJson(input));
    if (n === 0) console.log(`keepalived.data of the MASTER:\n${dataText}\nkeepalived.stats:\n${statsText}`);

    const data = parseVRRPData(dataText);
    const stats = parseStats(statsText);
    const json = parseJSON(jsonText);
    expect([...data.keys()]).toEqual(status.instances.map((i) => i.name));
    expect([...stats.keys()]).toEqual(status.instances.map((i) => i.name));
    for (const [k, i] of status.instances.entries()) {
      const vips = i.vips.map((v) => `${v.endsWith('/32') ? v.slice(0, -3) : v} dev eth0 scope global${i.state === 'MASTER' ? ' set' : ''}`);
      const expected = { IName: i.name, State: STATE_NUMBER[i.state], WantState: STATE_NUMBER[i.state], Intf: 'eth0', GArpDelay: 2, VRID: i.vrid, VIPs: vips, ExcludedVIPs: i.name === 'VI_1' ? [`192.0.2.200/24 dev eth0 scope global${i.state === 'MASTER' ? ' set' : ''}`] : [] };
      expect(data.get(i.name)).toEqual(expected);
      const c = i.counters;
      const expectedStats = {
        AdvertRcvd: c.advertsReceived, AdvertSent: c.advertsSent, BecomeMaster: c.becomeMaster, ReleaseMaster: c.releaseMaster, PacketLenErr: c.packetLengthErrors,
        AdvertIntervalErr: c.intervalErrors, IPTTLErr: c.ttlErrors, InvalidTypeRcvd: c.invalidType, AddrListErr: c.addressListErrors, InvalidAuthType: c.authInvalid,
        AuthTypeMismatch: c.authMismatch, AuthFailure: c.authFailure, PRIZeroRcvd: c.priorityZeroReceived, PRIZeroSent: c.priorityZeroSent,
      };
      expect(stats.get(i.name)).toEqual(expectedStats);
      // The JSON has no excluded VIPs for the exporter: keepalived writes "evips", the exporter reads "excluded_vips".
      expect(json[k]).toEqual({ Data: { ...expected, ExcludedVIPs: [] }, Stats: expectedStats });
    }
    expect(parseVRRPScript(dataText)).toEqual([{ Name: 'chk_web', Status: n === 0 ? 'GOOD' : 'INIT', State: 'idle' }, { Name: 'chk_unused', Status: 'INIT', State: 'idle' }]);

    // The exporter's samples from the text files and from the JSON file, and vrrpd's /metrics, agree.
    const own = parsePromText(await metrics[n].metrics());
    const names = [...new Set(exporterSamples({ data: dataText, stats: statsText }).map((s) => s.name))].filter((x) => x !== 'keepalived_vrrp_excluded_state');
    expect(pick(own, names)).toEqual(pick(exporterSamples({ data: dataText, stats: statsText }), names));
    const jsonNames = names.filter((x) => !x.startsWith('keepalived_script_'));
    expect(pick(own, jsonNames)).toEqual(pick(exporterSamples({ json: jsonText }, true), jsonNames));
  }
  const b = d[1].status().instances[0];
  expect(b).toMatchObject({ state: 'BACKUP' });
  expect(b.counters.ttlErrors).toBe(2);
  expect(series(parsePromText(await metrics[1].metrics()), 'keepalived_ip_ttl_errors_total')).toEqual(['iname=VI_1,intf=eth0,vrid=51 2', 'iname=VI_2,intf=eth0,vrid=52 0']);
  for (const m of metrics) m.close();
  await d[0].stop();
  await d[1].stop();
});

test('the data file a BACKUP writes names its master; STATS_CLEAR baselines start the file counters again from 0', async () => {
  const { d } = await pair();
  const status = d[1].status();
  const text = keepalivedData({ status, config: d[1].configuration });
  expect(text).toContain(' VRRP Instance = VI_1\n   VRRP Version = 2\n   State = BACKUP\n   Master router = 192.0.2.1\n');
  expect(text).toContain('   Authentication type = SIMPLE_PASSWORD\n');
  expect(text).not.toContain('secret');
  const baselines = new Map(status.instances.map((i) => [i.name, i.counters]));
  const cleared = parseStats(keepalivedStatsText({ status }, baselines));
  expect([...cleared.values()].every((s) => Object.values(s).every((v) => v === 0))).toBe(true);
  await d[0].stop();
  await d[1].stop();
});
