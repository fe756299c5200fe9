/**
 * `npm run bench:lan` (root): vrrpd and keepalived 2.2.7 on the same work on namespace LANs of their own
 * (documentation addresses only), in the same run, and one table with both and their ratio. `--short` is
 * the CI version (fewer trials, short windows); it prints the table and asserts nothing.
 *   node dist/bench/lan/run.js [--short] [--only failover,http,mass,scale,vlan,jitter] [--trials N]
 *     [--scale-window S] [--vlans N] [--vlan-count N] [--jitter-window S]   (override the mode's values)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { Lan, netnsSkipReason } from '../../test/helpers/netns';
import { Impl, keepalivedVersion } from './daemons';
import { failoverRun } from './failover';
import { httpRun } from './http';
import { jitterRun } from './jitter';
import { massDelay, massRun } from './mass';
import { stats } from './observe';
import { addVlans, scaleRun } from './scale';

interface Row {
  measure: string;
  values: Record<Impl, string>;
  ratio: string;
}

const fmt = (x: number, digits = 1): string => (Number.isFinite(x) ? x.toFixed(digits) : 'n/a');

/** "median (max) unit" of a list, and the ratio of vrrpd's median to keepalived's. */
function medianRow(measure: string, unit: string, lists: Record<Impl, number[]>): Row {
  const s = { keepalived: stats(lists.keepalived), vrrpd: stats(lists.vrrpd) };
  const v = (i: Impl): string => (s[i].n === 0 ? 'n/a' : `${fmt(s[i].median, 2)} (max ${fmt(s[i].max, 2)}) ${unit}, n=${s[i].n}`);
  return { measure, values: { keepalived: v('keepalived'), vrrpd: v('vrrpd') }, ratio: ratio(s.vrrpd.median, s.keepalived.median) };
}

function ratio(a: number, b: number): string {
  return Number.isFinite(a) && Number.isFinite(b) && Math.abs(b) > 1e-9 ? `${(a / b).toFixed(2)}×` : 'n/a';
}

function valueRow(measure: string, unit: string, v: Record<Impl, number>, digits = 1): Row {
  return { measure, values: { keepalived: `${fmt(v.keepalived, digits)} ${unit}`, vrrpd: `${fmt(v.vrrpd, digits)} ${unit}` }, ratio: ratio(v.vrrpd, v.keepalived) };
}

function print(rows: Row[]): void {
  const head = ['measure', keepalivedVersion() ?? 'keepalived', 'vrrpd', 'vrrpd / keepalived'];
  const cells = [head, ...rows.map((r) => [r.measure, r.values.keepalived, r.values.vrrpd, r.ratio])];
  const w = head.map((_, c) => cells.reduce((m, r) => Math.max(m, r[c].length), 0));
  const line = (r: string[]): string => `| ${r.map((c, i) => c.padEnd(w[i])).join(' | ')} |`;
  console.log(line(head));
  console.log(`|${w.map((n) => '-'.repeat(n + 2)).join('|')}|`);
  for (const r of cells.slice(1)) console.log(line(r));
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      short: { type: 'boolean', default: false }, only: { type: 'string' }, trials: { type: 'string' }, 'scale-window': { type: 'string' },
      vlans: { type: 'string' }, 'vlan-count': { type: 'string' }, 'jitter-window': { type: 'string' },
    },
  });
  const skip = netnsSkipReason();
  if (skip) {
    console.log(`bench:lan: ${skip}`);
    return 0;
  }
  if (!keepalivedVersion()) {
    console.log('bench:lan: keepalived is not installed (apt-get install keepalived); nothing to compare with');
    return 0;
  }
  const short = values.short === true;
  const only = new Set((values.only ?? 'failover,http,mass,scale,vlan,jitter').split(','));
  const cfg = short
    ? { trials: 2, scaleCount: 255, scaleSettle: 8000, scaleWindow: 6000, vlans: 4, vlanCount: 32, vlanSettle: 6000, vlanWindow: 5000, jitterWindow: 3000, hog: false }
    : { trials: 10, scaleCount: 255, scaleSettle: 15_000, scaleWindow: 600_000, vlans: 16, vlanCount: 255, vlanSettle: 10_000, vlanWindow: 60_000, jitterWindow: 60_000, hog: true };
  const num = (v: string | undefined, scale = 1): number | undefined => (v === undefined ? undefined : Number(v) * scale);
  cfg.trials = num(values.trials) ?? cfg.trials;
  cfg.scaleWindow = num(values['scale-window'], 1000) ?? cfg.scaleWindow;
  cfg.vlans = num(values.vlans) ?? cfg.vlans;
  cfg.vlanCount = num(values['vlan-count']) ?? cfg.vlanCount;
  cfg.jitterWindow = num(values['jitter-window'], 1000) ?? cfg.jitterWindow;
  const dir = mkdtempSync(path.join(tmpdir(), 'vrrpt-bench-'));
  const rows: Row[] = [];
  // Each row is printed as soon as it is measured (a failure later keeps what was measured).
  const push = rows.push.bind(rows);
  rows.push = (...r: Row[]): number => {
    for (const x of r) console.log(`row: ${x.measure}: keepalived ${x.values.keepalived}; vrrpd ${x.values.vrrpd}; ${x.ratio}`);
    return push(...r);
  };
  const started = Date.now();
  const lan = new Lan('bench', 3);
  const onSignal = (): void => {
    lan.destroy();
    process.exit(130);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    if (only.has('failover')) {
      for (const family of [4, 6] as const) {
        const r = { keepalived: await failoverRun(lan, dir, 'keepalived', family, cfg.trials), vrrpd: await failoverRun(lan, dir, 'vrrpd', family, cfg.trials) };
        rows.push(medianRow(`IPv${family} hard failover (SIGKILL), v3 0.1 s: beyond Master_Down_Interval`, 'ms', { keepalived: r.keepalived.beyondMdi, vrrpd: r.vrrpd.beyondMdi }));
        rows.push(medianRow(`IPv${family} the same: first GARP/NA after the new master's first advert`, 'ms', { keepalived: r.keepalived.garp, vrrpd: r.vrrpd.garp }));
        rows.push(medianRow(`IPv${family} graceful handover (priority 0): beyond Skew_Time`, 'ms', { keepalived: r.keepalived.beyondSkew, vrrpd: r.vrrpd.beyondSkew }));
      }
    }
    if (only.has('http')) {
      // A LAN of its own: the link cuts flush h1's IPv6 addresses.
      const httpLan = new Lan('bhttp', 3);
      try {
        const r = { keepalived: await httpRun(httpLan, dir, 'keepalived', cfg.trials), vrrpd: await httpRun(httpLan, dir, 'vrrpd', cfg.trials) };
        rows.push(medianRow('HTTP client every 20 ms through the VIP, master link cut: outage', 'ms', { keepalived: r.keepalived.outage, vrrpd: r.vrrpd.outage }));
        rows.push(medianRow('the same: part after the new master\'s first advert', 'ms', { keepalived: r.keepalived.afterAdvert, vrrpd: r.vrrpd.afterAdvert }));
      } finally {
        httpLan.destroy();
      }
    }
    if (only.has('mass')) {
      const r = { keepalived: await massRun(lan, dir, 'keepalived', 255), vrrpd: await massRun(lan, dir, 'vrrpd', 255) };
      const n = '255 simultaneous takeovers (IPv4, SIGKILL, 0.1 s)';
      const d = { keepalived: massDelay(r.keepalived), vrrpd: massDelay(r.vrrpd) };
      rows.push({ measure: `${n}: VRs advertised / announced by the new master`, values: { keepalived: `${r.keepalived.advertised} / ${r.keepalived.announced}`, vrrpd: `${r.vrrpd.advertised} / ${r.vrrpd.announced}` }, ratio: '' });
      rows.push(valueRow(`${n}: first adverts, first to last`, 'ms', { keepalived: r.keepalived.advertSpreadMs, vrrpd: r.vrrpd.advertSpreadMs }, 2));
      rows.push(valueRow(`${n}: first GARPs, first to last`, 'ms', { keepalived: r.keepalived.garpSpreadMs, vrrpd: r.vrrpd.garpSpreadMs }, 2));
      rows.push({
        measure: `${n}: per VR, its first GARP after its first advert, median (max)`,
        values: { keepalived: `${fmt(d.keepalived.median, 2)} (${fmt(d.keepalived.max, 2)}) ms`, vrrpd: `${fmt(d.vrrpd.median, 2)} (${fmt(d.vrrpd.max, 2)}) ms` },
        ratio: ratio(d.vrrpd.median, d.keepalived.median),
      });
    }
    if (only.has('scale')) {
      const o = { ifnames: ['eth0'], count: cfg.scaleCount, families: [4, 6] as Array<4 | 6>, intervalS: 0.1, settleMs: cfg.scaleSettle, windowMs: cfg.scaleWindow };
      const r = { keepalived: await scaleRun(lan, dir, 'keepalived', o), vrrpd: await scaleRun(lan, dir, 'vrrpd', o) };
      const n = `${r.vrrpd.instances} VRs (IPv4 + IPv6) at 0.1 s, ${o.windowMs / 1000} s`;
      rows.push(valueRow(`${n}: CPU master (process tree, % of a core)`, '%', { keepalived: r.keepalived.cpuMasterPct, vrrpd: r.vrrpd.cpuMasterPct }));
      rows.push(valueRow(`${n}: CPU backup`, '%', { keepalived: r.keepalived.cpuBackupPct, vrrpd: r.vrrpd.cpuBackupPct }));
      rows.push(valueRow(`${n}: RSS master (process tree)`, 'MiB', { keepalived: r.keepalived.rssMasterMB, vrrpd: r.vrrpd.rssMasterMB }));
      rows.push(valueRow(`${n}: RSS backup`, 'MiB', { keepalived: r.keepalived.rssBackupMB, vrrpd: r.vrrpd.rssBackupMB }));
      rows.push(valueRow(`${n}: private memory master (smaps Private_*, process tree)`, 'MiB', { keepalived: r.keepalived.privateMasterMB, vrrpd: r.vrrpd.privateMasterMB }));
      rows.push(valueRow(`${n}: private memory backup`, 'MiB', { keepalived: r.keepalived.privateBackupMB, vrrpd: r.vrrpd.privateBackupMB }));
      rows.push(valueRow(`${n}: transitions in the window (spurious)`, '', { keepalived: r.keepalived.transitions, vrrpd: r.vrrpd.transitions }, 0));
      rows.push({ measure: `${n}: VIPs on master / backup`, values: { keepalived: `${r.keepalived.vipsMaster} / ${r.keepalived.vipsBackup}`, vrrpd: `${r.vrrpd.vipsMaster} / ${r.vrrpd.vipsBackup}` }, ratio: '' });
    }
    if (only.has('vlan')) {
      const vlanLan = new Lan('bvlan', 2);
      try {
        const ifnames = addVlans(vlanLan, cfg.vlans);
        const o = { ifnames, count: cfg.vlanCount, families: [4] as Array<4 | 6>, intervalS: 1, settleMs: cfg.vlanSettle, windowMs: cfg.vlanWindow };
        const r = { keepalived: await scaleRun(vlanLan, dir, 'keepalived', o), vrrpd: await scaleRun(vlanLan, dir, 'vrrpd', o) };
        const n = `${cfg.vlans} interfaces × ${cfg.vlanCount} VRs (${r.vrrpd.instances}) at 1 s, ${o.windowMs / 1000} s`;
        rows.push(valueRow(`${n}: transitions in the window (spurious)`, '', { keepalived: r.keepalived.transitions, vrrpd: r.vrrpd.transitions }, 0));
        rows.push({ measure: `${n}: VIPs on master / backup`, values: { keepalived: `${r.keepalived.vipsMaster} / ${r.keepalived.vipsBackup}`, vrrpd: `${r.vrrpd.vipsMaster} / ${r.vrrpd.vipsBackup}` }, ratio: '' });
        rows.push(valueRow(`${n}: CPU master`, '%', { keepalived: r.keepalived.cpuMasterPct, vrrpd: r.vrrpd.cpuMasterPct }));
        rows.push(valueRow(`${n}: RSS master`, 'MiB', { keepalived: r.keepalived.rssMasterMB, vrrpd: r.vrrpd.rssMasterMB }));
      } finally {
        vlanLan.destroy();
      }
    }
    if (only.has('jitter')) {
      for (const count of [1, 510]) {
        for (const hog of cfg.hog ? [false, true] : [false]) {
          const o = { count, hog, intervalS: count === 1 ? 1 : 0.1, windowMs: cfg.jitterWindow };
          const r = { keepalived: await jitterRun(lan, dir, 'keepalived', o), vrrpd: await jitterRun(lan, dir, 'vrrpd', o) };
          const n = `advert jitter, ${count} VR${count > 1 ? 's' : ''} at ${o.intervalS} s${hog ? ', CPU hog on its core' : ', idle'}`;
          rows.push(valueRow(`${n}: p50 |gap − interval|`, 'ms', { keepalived: r.keepalived.p50, vrrpd: r.vrrpd.p50 }, 2));
          rows.push(valueRow(`${n}: p99`, 'ms', { keepalived: r.keepalived.p99, vrrpd: r.vrrpd.p99 }, 2));
        }
      }
    }
  } finally {
    lan.destroy();
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(`bench:lan ${short ? '(short) ' : ''}on ${process.arch}, node ${process.version}, ${((Date.now() - started) / 1000).toFixed(0)} s`);
  print(rows);
  return 0;
}

main().then((code) => (process.exitCode = code), (e: unknown) => {
  console.error(`bench:lan failed: ${e instanceof Error ? e.stack : String(e)}`);
  process.exitCode = 1;
});


