/**
 * vrrpd's Prometheus endpoint on two in-memory daemons: /metrics scraped over HTTP from serveMetrics,
 * keepalived-exporter's names and labels, the vrrpd_* extras, counters monotonic across a reload that
 * restarts an instance's counters, the BACKUP-before-MASTER histogram after a takeover.
 */
import { get } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseListen, serveMetrics, VrrpdMetrics } from '../../lib/daemon/metrics';
import { Vrrpd, VrrpdStatus } from '../../lib/daemon/vrrpd';
import { MemoryPlatform } from '../../lib/platform/memory';
import { MemoryWire } from '../../lib/sim/wire';
import { FakeClock, flush } from '../helpers/fake-clock';
import { parsePromText, series } from '../helpers/prom-text';

function conf(prio: number, vip2 = '192.0.2.110/24'): string {
  return `vrrp_script chk {\n  script "/usr/local/bin/chk"\n  interval 1\n  weight -10\n}\nvrrp_instance VI_1 {
  interface eth0
  virtual_router_id 51
  priority ${prio}
  advert_int 1
  virtual_ipaddress {
    192.0.2.100/24
    192.0.2.101/24
  }
  track_script {
    chk
  }
}
vrrp_instance VI_2 {
  interface eth0
  virtual_router_id 52
  priority ${prio}
  advert_int 1
  virtual_ipaddress {
    ${vip2}
  }
}
`;
}

function scrape(port: number, path = '/metrics'): Promise<{ status: number; type: string; body: string }> {
  return new Promise((resolve, reject) => {
    get({ host: '127.0.0.1', port, path }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type']), body }));
    }).on('error', reject);
  });
}

test('parseListen: HOST:PORT, [V6]:PORT, :PORT; anything else names the option', () => {
  expect(parseListen('127.0.0.1:9165')).toEqual({ host: '127.0.0.1', port: 9165 });
  expect(parseListen('[::1]:9165')).toEqual({ host: '::1', port: 9165 });
  expect(parseListen(':9165')).toEqual({ host: undefined, port: 9165 });
  expect(() => parseListen('9165')).toThrow(/--metrics "9165": expected HOST:PORT/);
  expect(() => parseListen('h:70000')).toThrow(/--metrics/);
});

test('/metrics of two in-memory daemons: exporter names and labels, vrrpd extras, monotonic across a reload, takeover histogram', async () => {
  const clock = new FakeClock();
  const wire = new MemoryWire({ a: { source4: '192.0.2.1', owns: ['192.0.2.1'] }, b: { source4: '192.0.2.2', owns: ['192.0.2.2'] } }, () => clock.now());
  const run = () => Promise.resolve({ outcome: 'success' as const, code: 0, signal: null, spawnError: null, durationMs: 1 });
  const d = [
    Vrrpd.fromText(conf(150), { platform: new MemoryPlatform({ eth0: ['192.0.2.1/24'] }), clock, openTransport: wire.factory('a'), runCommand: run }),
    Vrrpd.fromText(conf(100), { platform: new MemoryPlatform({ eth0: ['192.0.2.2/24'] }), clock, openTransport: wire.factory('b'), runCommand: run }),
  ];
  const m = new VrrpdMetrics(d[1], { nowMs: () => clock.now() });
  const server = await serveMetrics(m, '127.0.0.1:0');
  const port = (server.address() as AddressInfo).port;
  await d[0].start();
  await d[1].start();
  await clock.advanceTo(10_000);

  const r = await scrape(port);
  expect(r.status).toBe(200);
  expect(r.type).toMatch(/^text\/plain; version=0\.0\.4/);
  expect((await scrape(port, '/')).status).toBe(404);
  let s = parsePromText(r.body);
  console.log(`scrape of the BACKUP (in memory):\n${r.body}`);
  expect(series(s, 'keepalived_up')).toEqual([' 1']);
  expect(series(s, 'keepalived_vrrp_state')).toEqual([
    'iname=VI_1,intf=eth0,vrid=51,ip_address=192.0.2.100/24 1', 'iname=VI_1,intf=eth0,vrid=51,ip_address=192.0.2.101/24 1', 'iname=VI_2,intf=eth0,vrid=52,ip_address=192.0.2.110/24 1',
  ]);
  const st = d[1].status().instances;
  expect(series(s, 'keepalived_advertisements_received_total')).toEqual([`iname=VI_1,intf=eth0,vrid=51 ${st[0].counters.advertsReceived}`, `iname=VI_2,intf=eth0,vrid=52 ${st[1].counters.advertsReceived}`]);
  expect(st[0].counters.advertsReceived).toBeGreaterThanOrEqual(6);
  for (const name of ['keepalived_advertisements_sent_total', 'keepalived_become_master_total', 'keepalived_release_master_total', 'keepalived_packet_length_errors_total',
    'keepalived_advertisements_interval_errors_total', 'keepalived_ip_ttl_errors_total', 'keepalived_invalid_type_received_total', 'keepalived_address_list_errors_total',
    'keepalived_authentication_invalid_total', 'keepalived_authentication_mismatch_total', 'keepalived_authentication_failure_total', 'keepalived_priority_zero_sent_total',
    'keepalived_priority_zero_received_total']) {
    expect(series(s, name)).toEqual(['iname=VI_1,intf=eth0,vrid=51 0', 'iname=VI_2,intf=eth0,vrid=52 0']);
  }
  expect(r.body).toContain('# TYPE keepalived_advertisements_received_total counter');
  expect(series(s, 'keepalived_script_status')).toEqual(['name=chk 1']);
  expect(series(s, 'vrrpd_priority_effective')).toEqual(['iname=VI_1,intf=eth0,vrid=51 100', 'iname=VI_2,intf=eth0,vrid=52 100']);
  expect(series(s, 'vrrpd_priority_base')).toEqual(['iname=VI_1,intf=eth0,vrid=51 100', 'iname=VI_2,intf=eth0,vrid=52 100']);
  expect(series(s, 'vrrpd_last_transition_info')).toEqual(['iname=VI_1,intf=eth0,vrid=51,from=INIT,to=BACKUP,reason=startup 1', 'iname=VI_2,intf=eth0,vrid=52,from=INIT,to=BACKUP,reason=startup 1']);
  const ts = s.find((x) => x.name === 'vrrpd_last_transition_timestamp_seconds')?.value ?? 0;
  expect(Math.abs(ts - Date.now() / 1000)).toBeLessThan(60);
  expect(series(s, 'vrrpd_instance_state').filter((x) => x.endsWith(' 1'))).toEqual(['iname=VI_1,intf=eth0,vrid=51,state=BACKUP 1', 'iname=VI_2,intf=eth0,vrid=52,state=BACKUP 1']);
  expect(series(s, 'vrrpd_tracker_priority_delta')).toContain('iname=VI_1,kind=script,name=chk 0');
  expect(series(s, 'vrrpd_transport_received_total')[0]).toMatch(/^transport=eth0\/4 \d+$/);
  expect(series(s, 'vrrpd_transitions_total')).toEqual(['iname=VI_1,from=INIT,to=BACKUP,reason=startup 1', 'iname=VI_2,from=INIT,to=BACKUP,reason=startup 1']);

  // A foreign VRID is unclaimed; a replayed advert with TTL 64 is dropped with its reason.
  const advert = wire.sent.find((x) => x.host === 'a');
  if (!advert) throw new Error('no advert');
  wire.inject('192.0.2.1', advert.bytes, { family: 4, ttl: 64 });
  s = parsePromText((await scrape(port)).body);
  expect(series(s, 'vrrpd_adverts_dropped_total')).toContainEqual(expect.stringMatching(/^iname=VI_(1|2),intf=eth0,vrid=5(1|2),reason=TTL_NOT_255 1$/));

  // A reload that changes VI_2 (another VIP): its exported counters do not go down.
  const before = s.filter((x) => x.name.endsWith('_total') && x.labels.iname === 'VI_2');
  await d[0].reload(conf(150, '192.0.2.111/24'));
  await d[1].reload(conf(100, '192.0.2.111/24'));
  await clock.advanceTo(12_000);
  s = parsePromText((await scrape(port)).body);
  for (const b of before) {
    const after = s.find((x) => x.name === b.name && JSON.stringify(x.labels) === JSON.stringify(b.labels));
    expect(after?.value).toBeGreaterThanOrEqual(b.value);
  }
  const vi2 = s.find((x) => x.name === 'keepalived_advertisements_received_total' && x.labels.iname === 'VI_2');
  console.log(`VI_2 adverts received: ${before.find((x) => x.name === 'keepalived_advertisements_received_total')?.value} before the reload; after it status() says ${d[1].status().instances[1].counters.advertsReceived}, /metrics ${vi2?.value}`);

  // The MASTER stops: priority 0, the BACKUP takes over; the histogram has the time it spent in BACKUP.
  await d[0].stop();
  await flush();
  await clock.advanceTo(13_000);
  s = parsePromText((await scrape(port)).body);
  expect(series(s, 'keepalived_vrrp_state')).toEqual([
    'iname=VI_1,intf=eth0,vrid=51,ip_address=192.0.2.100/24 2', 'iname=VI_1,intf=eth0,vrid=51,ip_address=192.0.2.101/24 2', 'iname=VI_2,intf=eth0,vrid=52,ip_address=192.0.2.111/24 2',
  ]);
  expect(series(s, 'keepalived_priority_zero_received_total')).toEqual(['iname=VI_1,intf=eth0,vrid=51 1', 'iname=VI_2,intf=eth0,vrid=52 1']);
  expect(series(s, 'keepalived_become_master_total')).toEqual(['iname=VI_1,intf=eth0,vrid=51 1', 'iname=VI_2,intf=eth0,vrid=52 1']);
  expect(series(s, 'vrrpd_backup_seconds_before_master_count')).toContain('iname=VI_1,reason=priority-zero 1');
  const sum = s.find((x) => x.name === 'vrrpd_backup_seconds_before_master_sum' && x.labels.iname === 'VI_1')?.value ?? 0;
  expect(sum).toBeGreaterThan(11);
  expect(sum).toBeLessThan(13.5);
  expect(series(s, 'vrrpd_transitions_total')).toContain('iname=VI_1,from=BACKUP,to=MASTER,reason=priority-zero 1');
  m.close();
  await new Promise((res) => server.close(res));
  await d[1].stop();
});

test('a source counter that restarts (an instance recreated by a reload, a reopened socket) stays monotonic in /metrics', async () => {
  let received = 40;
  const counters = () => ({ advertsSent: 0, advertsReceived: received, becomeMaster: 0, releaseMaster: 0, packetLengthErrors: 0, intervalErrors: 0, ttlErrors: 0, invalidType: 0,
    addressListErrors: 0, authInvalid: 0, authMismatch: 0, authFailure: 0, priorityZeroSent: 0, priorityZeroReceived: 0, dropped: {} });
  const source = {
    status: () => ({ pid: 1, unclaimed: {}, syncGroups: [], transports: [], instances: [{ name: 'VI_1', state: 'BACKUP' as const, vrid: 51, family: 4 as const, version: 3 as const, interface: 'eth0',
      priority: { base: 100, effective: 100 }, master: null, source: '192.0.2.2', vips: [], syncGroup: null, trackers: [], counters: counters(), lastTransition: null, lastTransitionTime: null, ioErrors: {} }] }) as unknown as VrrpdStatus,
    on: () => undefined,
    off: () => undefined,
  };
  const m = new VrrpdMetrics(source);
  const value = async (): Promise<number> => parsePromText(await m.metrics()).find((x) => x.name === 'keepalived_advertisements_received_total')?.value ?? NaN;
  expect(await value()).toBe(40);
  received = 3;
  expect(await value()).toBe(43);
  received = 10;
  expect(await value()).toBe(50);
  expect(series(parsePromText(await m.metrics()), 'keepalived_vrrp_state')).toEqual(['iname=VI_1,intf=eth0,vrid=51,ip_address= 1']);
});
