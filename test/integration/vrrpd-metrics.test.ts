/**
 * Operating vrrpd like keepalived, on a namespace LAN (h1, h2 vrrpd, v2): `vrrpd -f ... --metrics
 * 127.0.0.1:9165 --log-format json` on both; /metrics scraped from inside each namespace (and printed);
 * keepalived-exporter's way to the dump files — the pid from the pid file, the signal numbers from
 * `--signum`, SIGUSR2 + SIGUSR1 (text files) and the JSON signal — with the files read by the exporter's
 * parser (ported in test/helpers/keepalived-exporter.ts): the samples it would export equal the scrape's.
 */
import { ChildProcess, execFileSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { Host, netnsSkipReason, REPO_ROOT, waitForLine } from '../helpers/netns';
import { exporterSamples, parseStats, parseVRRPData, Sample } from '../helpers/keepalived-exporter';
import { parsePromText, series } from '../helpers/prom-text';
import { useLan, waitFor } from '../helpers/peers';

const skip = netnsSkipReason();
if (skip) console.log(`vrrpd metrics: ${skip}`);
const d = skip ? describe.skip : describe;

const VRRPD = path.join(REPO_ROOT, 'bin', 'vrrpd');

function conf(prio: number, dir: string): string {
  return `global_defs {\n  vrrp_garp_master_delay 1\n  vrrp_garp_master_repeat 1\n}\nvrrp_script chk {\n  script "/usr/bin/test -f ${dir}/ok"\n  interval 1\n  weight -60\n}
vrrp_instance VI_1 {
  state BACKUP
  interface eth0
  virtual_router_id 61
  priority ${prio}
  advert_int 1
  authentication {
    auth_type PASS
    auth_pass s3cret
  }
  virtual_ipaddress {
    192.0.2.161/24
    192.0.2.162
  }
  track_script {
    chk
  }
}
`;
}

d('vrrpd metrics and keepalived dump files on a namespace LAN', () => {
  const env = useLan('metr', 2);

  test('a vrrpd pair: /metrics from inside each namespace; the exporter\'s signals and files agree with it', async () => {
    const [h1, h2] = env.lan().hosts;
    const lan = env.lan();
    const peers = env.peers();
    writeFileSync(path.join(peers.dir, 'ok'), '');
    const file = (name: string, ext: string): string => path.join(peers.dir, `${name}.${ext}`);
    const start = async (host: Host, name: string, prio: number): Promise<ChildProcess> => {
      writeFileSync(file(name, 'conf'), conf(prio, peers.dir));
      const child = lan.spawn(host.ns, process.execPath, [VRRPD, '-f', file(name, 'conf'), '--pid-file', file(name, 'pid'), '--control-socket', file(name, 'sock'),
        '--metrics', '127.0.0.1:9165', '--log-format', 'json', '--log-level', 'debug',
        '--data-file', file(name, 'data'), '--stats-file', file(name, 'stats'), '--json-file', file(name, 'json')]);
      let log = '';
      child.stdout?.on('data', (b: Buffer) => (log += b.toString()));
      child.stderr?.on('data', (b: Buffer) => (log += b.toString()));
      peers.logs.set(name, '');
      child.on('exit', () => peers.logs.set(name, log));
      await waitForLine(child, 'serving Prometheus metrics', 10000);
      (child as ChildProcess & { log: () => string }).log = () => log;
      return child;
    };
    const a = await start(h1, 'm1', 150);
    const b = await start(h2, 'm2', 100);
    const state = (h: Host, n: string): string => peers.status<{ instances: Array<{ state: string }> }>(h, n).instances[0].state;
    await waitFor('h1 MASTER, h2 BACKUP', () => state(h1, 'm1') === 'MASTER' && state(h2, 'm2') === 'BACKUP', 10000);
    await new Promise((r) => setTimeout(r, 2500));

    const scrape = async (h: Host): Promise<string> => {
      const r = await lan.runNode(h.ns, `require('http').get('http://127.0.0.1:9165/metrics', (res) => { let b = ''; res.on('data', (c) => b += c); res.on('end', () => { process.stdout.write(b); }); }).on('error', (e) => { console.error(e.message); process.exit(1); });`);
      expect(r.code).toBe(0);
      return r.stdout;
    };
    const s1 = await scrape(h1);
    console.log(`--- GET /metrics in ${h1.ns} (MASTER)\n${s1}`);
    const own1 = parsePromText(s1);
    expect(series(own1, 'keepalived_vrrp_state')).toEqual(['iname=VI_1,intf=eth0,vrid=61,ip_address=192.0.2.161/24 2', 'iname=VI_1,intf=eth0,vrid=61,ip_address=192.0.2.162 2']);
    expect(series(own1, 'keepalived_script_status')).toEqual(['name=chk 1']);
    const sent = own1.find((x) => x.name === 'keepalived_advertisements_sent_total')?.value ?? 0;
    expect(sent).toBeGreaterThanOrEqual(2);
    const own2 = parsePromText(await scrape(h2));
    expect(series(own2, 'keepalived_vrrp_state')).toEqual(['iname=VI_1,intf=eth0,vrid=61,ip_address=192.0.2.161/24 1', 'iname=VI_1,intf=eth0,vrid=61,ip_address=192.0.2.162 1']);
    expect(own2.find((x) => x.name === 'keepalived_advertisements_received_total')?.value).toBeGreaterThanOrEqual(2);

    // The exporter's way: pid from the pid file, signal numbers from `keepalived --signum` (here vrrpd's).
    const signum = (fn: string): number => Number(JSON.parse(execFileSync(process.execPath, [VRRPD, `--signum=${fn}`], { encoding: 'utf8' })));
    expect([signum('DATA'), signum('STATS'), signum('JSON'), signum('RELOAD'), signum('STOP'), signum('STATS_CLEAR')]).toEqual([10, 12, 36, 1, 15, 63]);
    for (const [h, name, own] of [[h1, 'm1', own1], [h2, 'm2', own2]] as const) {
      for (const ext of ['data', 'stats', 'json']) rmSync(file(name, ext), { force: true });
      const pid = Number(readFileSync(file(name, 'pid'), 'utf8').replace(/\n$/, ''));
      process.kill(pid, signum('STATS'));
      process.kill(pid, signum('DATA'));
      await waitFor('the data and stats files', () => existsSync(file(name, 'data')) && existsSync(file(name, 'stats')), 3000);
      await waitFor('the JSON file SIGUSR1 writes too', () => existsSync(file(name, 'json')), 3000);
      rmSync(file(name, 'json'));
      process.kill(pid, signum('JSON'));
      await waitFor('the JSON file', () => existsSync(file(name, 'json')), 3000);
      const files = { data: readFileSync(file(name, 'data'), 'utf8'), stats: readFileSync(file(name, 'stats'), 'utf8'), json: readFileSync(file(name, 'json'), 'utf8') };
      if (h === h1) console.log(`--- ${name}.data\n${files.data}\n--- ${name}.stats\n${files.stats}\n--- ${name}.json\n${files.json}`);
      expect(files.data).not.toContain('s3cret');
      const st = peers.status<{ instances: Array<{ state: string; counters: Record<string, number> }> }>(h, name).instances[0];
      expect(parseVRRPData(files.data).get('VI_1')).toMatchObject({ State: st.state === 'MASTER' ? 2 : 1, Intf: 'eth0', VRID: 61, GArpDelay: 1 });
      expect(parseStats(files.stats).get('VI_1')?.AdvertRcvd).toBeGreaterThanOrEqual(h === h2 ? 2 : 0);
      // Counters move between the scrape and the files: compare what does not (states, labels, names), and
      // counters as not below the scrape's.
      const names = (xs: Sample[]): string[] => [...new Set(xs.map((x) => x.name))].sort();
      const fromText = exporterSamples(files);
      const fromJson = exporterSamples(files, true);
      expect(names(own).filter((n) => n.startsWith('keepalived_'))).toEqual(names(fromText));
      for (const x of [...fromText, ...fromJson]) {
        const mine = own.find((o) => o.name === x.name && JSON.stringify(o.labels) === JSON.stringify(x.labels));
        expect(mine).toBeDefined();
        if (x.name.endsWith('_total') && x.name !== 'keepalived_gratuitous_arp_delay_total') expect(x.value).toBeGreaterThanOrEqual(mine?.value ?? Infinity);
        else expect(x.value).toBe(mine?.value);
      }
    }
    expect(a.exitCode).toBeNull();
    expect(b.exitCode).toBeNull();
    const log = (a as ChildProcess & { log: () => string }).log();
    const lines = log.trim().split('\n').filter((l) => l.startsWith('{'));
    expect(lines.length).toBeGreaterThan(3);
    for (const l of lines) expect(Object.keys(JSON.parse(l) as object)).toEqual(['time', 'level', 'msg']);
    expect(log).toContain('"level":"debug","msg":"SIGUSR1: wrote ');
    expect(await peers.stop(a)).toBe(0);
    expect(await peers.stop(b)).toBe(0);
  }, 60000);
});
