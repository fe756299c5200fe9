/**
 * A hostile LAN (namespaces): h1 MASTER (v3, advert_int 0.1, priority 150) and h2 BACKUP (100) run the real
 * `vrrpd -f`; h3 floods protocol 112 at 20,000 packets/s for 15 s (test/helpers/attacker.ts: random bytes,
 * bad checksums, TTL 254, VRRPv2 with a wrong password, truncations, unknown versions, Count 0, other VRIDs);
 * h4 observes h1's adverts for the VRID. Asserted: no crash, no transition (lastTransition unchanged), the
 * BACKUP never holds the VIP, h1's adverts stay on time (p99 gap <= 150 ms, max < Master_Down_Interval), every
 * kind of junk counted under its reason in `vrrpd status --json`. Then a unicast pair (unicast_peer) under a
 * flood of valid priority-254 adverts from an unlisted source. Printed: both daemons' CPU under the flood and
 * the drops by reason. Last, the same junk flood against a keepalived 2.2.7 pair: its CPU and role changes are
 * printed, not asserted.
 */
import { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { inspectFrames } from '../../lib/inspect/records';
import { readCapture } from '../../lib/pcap';
import { flood, FloodResult } from '../helpers/attacker';
import { Host, netnsSkipReason } from '../helpers/netns';
import { addressesOf, floodUnicast, hasCommand, instanceConf, PeerSet, unicastConf, useLan, waitFor } from '../helpers/peers';
import { treeCpuSeconds } from '../helpers/proc';

const skip = netnsSkipReason();
if (skip) console.log(`hostile LAN: ${skip}`);
const d = skip ? describe.skip : describe;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

const VRID = 51;
const VIP = '192.0.2.151';
const PPS = 20_000;
const FLOOD_S = 15;
/** Master_Down_Interval of the BACKUP (priority 100, interval 100 ms): 3 x 100 + (256 - 100) x 100 / 256 ms. */
const MASTER_DOWN_MS = 300 + (156 * 100) / 256;

interface Status {
  instances: Array<{ name: string; state: string; counters: { dropped: Record<string, number>; advertsReceived: number; advertsSent: number }; lastTransition: unknown }>;
  unclaimed: Record<string, number>;
  transports: Array<{ dropped: Record<string, number>; received: number }>;
}

/** Drops by reason at one level of a daemon's status: its transports', or its instances' with the node's unclaimed. */
function drops(s: Status, level: 'transports' | 'node' = 'transports'): Record<string, number> {
  const out: Record<string, number> = {};
  const add = (m: Record<string, number>): void => {
    for (const [k, v] of Object.entries(m)) out[k] = (out[k] ?? 0) + v;
  };
  if (level === 'transports') for (const t of s.transports ?? []) add(t.dropped);
  else {
    for (const i of s.instances) add(i.counters.dropped);
    add(s.unclaimed ?? {});
  }
  return out;
}
const total = (m: Record<string, number>): number => Object.values(m).reduce((a, b) => a + b, 0);
const pct = (cpuS: number, s: number): string => `${((100 * cpuS) / s).toFixed(1)}% of a core`;

/** Gaps between h1's adverts for VRID in the capture, within [from, to] (seconds since the epoch). */
function gapsMs(file: string, src: string, from: number, to: number): number[] {
  const recs = inspectFrames(readCapture(readFileSync(file), { allowTruncatedTail: true }).frames).filter((r) => r.vrid === VRID && r.src === src && r.valid && r.time >= from && r.time <= to);
  return recs.slice(1).map((r, i) => (r.time - recs[i].time) * 1000);
}

function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
}

d('a hostile LAN: a junk flood of 20,000 protocol-112 packets/s', () => {
  const env = useLan('hostile', 4, (lan) => floodUnicast(lan));
  const conf = (prio: number, extra = ''): string => instanceConf({ version: 3, vrid: VRID, priority: prio, vip: `${VIP}/24`, advertInt: '0.1', extra });

  async function underFlood(peers: PeerSet, h: Host[], names: [string, string], daemons: ChildProcess[], opts: Parameters<typeof flood>[2], observer: boolean): Promise<{ result: FloodResult; cpu: number[]; seconds: number; gaps: number[]; before: Status[]; after: Status[] }> {
    const [h1, h2, h3, h4] = h;
    await waitFor('h1 MASTER, h2 BACKUP', () => peers.status<Status>(h1, names[0]).instances[0].state === 'MASTER' && peers.status<Status>(h2, names[1]).instances[0].state === 'BACKUP', 10000);
    await sleep(500);
    const stop = observer ? await peers.tcpdump(h4.ns, 'eth0', `${names[0]}-obs`, [`ip proto 112 and src host ${h1.ipv4} and ip[21] = ${VRID}`]) : null;
    const before = [peers.status<Status>(h1, names[0]), peers.status<Status>(h2, names[1])];
    const cpu0 = daemons.map((c) => treeCpuSeconds(c.pid ?? -1));
    const t0 = Date.now();
    const result = await flood(peers.lan, h3, opts);
    const seconds = (Date.now() - t0) / 1000;
    const cpu = daemons.map((c, i) => treeCpuSeconds(c.pid ?? -1) - cpu0[i]);
    await sleep(300);
    const after = [peers.status<Status>(h1, names[0]), peers.status<Status>(h2, names[1])];
    const file = stop ? await stop() : null;
    // The daemons' transition lines (quiet at steady state: any line here is a finding).
    for (const n of names) {
      const moved = (peers.logs.get(n) ?? '').split('\n').filter((l) => / -> (MASTER|BACKUP|FAULT)|transition/i.test(l));
      if (moved.length > 2) console.log(`${n} transitions:\n  ${moved.join('\n  ')}`);
    }
    const gaps = file ? gapsMs(file, h1.ipv4, t0 / 1000 + 0.2, t0 / 1000 + opts.seconds) : [];
    return { result, cpu, seconds, gaps, before, after };
  }

  test('vrrpd pair (multicast): no crash, no transition, VIP stays on h1, adverts on time, every junk kind counted by reason', async () => {
    const [h1, h2, h3, h4] = env.lan().hosts;
    const peers = env.peers();
    const a = await peers.vrrpd(h1, 'm1', conf(150));
    const b = await peers.vrrpd(h2, 'm2', conf(100));
    const r = await underFlood(peers, [h1, h2, h3, h4], ['m1', 'm2'], [a, b], { mix: 'junk', vrid: VRID, pps: PPS, seconds: FLOOD_S }, true);
    const [d1, d2] = r.after.map((s) => drops(s));
    const gaps = r.gaps;
    console.log([
      `hostile LAN (vrrpd, multicast): attacker sent ${r.result.sent} packets in ${r.result.seconds.toFixed(1)} s (${r.result.pps}/s, ${r.result.errors} send errors${r.result.firstError ? `: ${r.result.firstError}` : ''}) ${JSON.stringify(r.result.kinds)}`,
      `  CPU under the flood: h1 vrrpd ${r.cpu[0].toFixed(2)} s (${pct(r.cpu[0], r.seconds)}), h2 vrrpd ${r.cpu[1].toFixed(2)} s (${pct(r.cpu[1], r.seconds)})`,
      `  h1 drops by reason, transports[].dropped (total ${total(d1)}): ${JSON.stringify(d1)}`,
      `  h1 instances[].counters.dropped + unclaimed (total ${total(drops(r.after[0], 'node'))}): ${JSON.stringify(drops(r.after[0], 'node'))}`,
      `  h2 drops by reason, transports[].dropped (total ${total(d2)}): ${JSON.stringify(d2)}`,
      `  h2 instances[].counters.dropped + unclaimed (total ${total(drops(r.after[1], 'node'))}): ${JSON.stringify(drops(r.after[1], 'node'))}`,
      `  h1 adverts seen by h4 during the flood: ${gaps.length + 1}; gap p50 ${quantile(gaps, 0.5)?.toFixed(1)} ms, p99 ${quantile(gaps, 0.99)?.toFixed(1)} ms, max ${Math.max(...gaps).toFixed(1)} ms (Master_Down_Interval ${MASTER_DOWN_MS.toFixed(0)} ms)`,
    ].join('\n'));
    expect(a.exitCode).toBeNull();
    expect(b.exitCode).toBeNull();
    expect(r.after.map((s) => s.instances[0].state)).toEqual(['MASTER', 'BACKUP']);
    expect(r.after.map((s) => s.instances[0].lastTransition)).toEqual(r.before.map((s) => s.instances[0].lastTransition));
    expect(addressesOf(h1)).toContain(VIP);
    expect(addressesOf(h2)).not.toContain(VIP);
    expect(r.result.sent).toBeGreaterThan(PPS * FLOOD_S * 0.5);
    expect(gaps.length).toBeGreaterThan(FLOOD_S * 10 * 0.8);
    expect(quantile(gaps, 0.99)).toBeLessThanOrEqual(150);
    expect(Math.max(...gaps)).toBeLessThan(MASTER_DOWN_MS);
    for (const [i, transports] of [d1, d2].entries()) {
      const dr = { ...drops(r.after[i], 'node'), ...transports };
      for (const reason of ['TTL_NOT_255', 'BAD_CHECKSUM', 'VERSION_MISMATCH', 'TRUNCATED', 'VRID_NOT_CONFIGURED', 'UNKNOWN_VERSION', 'COUNT_ZERO']) expect({ reason, n: dr[reason] ?? 0 }).toEqual({ reason, n: expect.any(Number) as number });
      for (const reason of ['TTL_NOT_255', 'BAD_CHECKSUM', 'VERSION_MISMATCH', 'VRID_NOT_CONFIGURED', 'COUNT_ZERO']) expect(dr[reason]).toBeGreaterThan(0);
      // Every packet the sockets took is accounted for: most of the flood, not a sample.
      expect(total(transports)).toBeGreaterThan(r.result.sent * 0.5);
    }
    expect(peers.logs.get('m2') ?? '').not.toMatch(/-> MASTER|MASTER \(/);
    expect(await peers.stop(a)).toBe(0);
    expect(await peers.stop(b)).toBe(0);
  }, 60000);

  test('vrrpd pair (unicast_peer): valid priority-254 adverts from an unlisted source are dropped as UNICAST_PEER_UNKNOWN, no transition', async () => {
    const [h1, h2, h3, h4] = env.lan().hosts;
    const peers = env.peers();
    const a = await peers.vrrpd(h1, 'u1', conf(150, unicastConf(h1.ipv4, [h2.ipv4])));
    const b = await peers.vrrpd(h2, 'u2', conf(100, unicastConf(h2.ipv4, [h1.ipv4])));
    const seconds = 6;
    const r = await underFlood(peers, [h1, h2, h3, h4], ['u1', 'u2'], [a, b], { mix: 'unlisted', vrid: VRID, pps: PPS, seconds, targets: [h1.ipv4, h2.ipv4] }, true);
    const [d1, d2] = r.after.map((s) => drops(s));
    const gaps = r.gaps;
    console.log([
      `hostile LAN (vrrpd, unicast): attacker sent ${r.result.sent} valid priority-254 adverts from 192.0.2.200 in ${r.result.seconds.toFixed(1)} s (${r.result.pps}/s)`,
      `  CPU under the flood: h1 vrrpd ${r.cpu[0].toFixed(2)} s (${pct(r.cpu[0], r.seconds)}), h2 vrrpd ${r.cpu[1].toFixed(2)} s (${pct(r.cpu[1], r.seconds)})`,
      `  h1 drops: transports ${JSON.stringify(d1)}, instances ${JSON.stringify(drops(r.after[0], 'node'))}; h2 drops: transports ${JSON.stringify(d2)}, instances ${JSON.stringify(drops(r.after[1], 'node'))}`,
      `  h1 adverts seen by h4: ${gaps.length + 1}; gap p99 ${quantile(gaps, 0.99)?.toFixed(1)} ms, max ${Math.max(...gaps).toFixed(1)} ms`,
    ].join('\n'));
    expect(r.after.map((s) => s.instances[0].state)).toEqual(['MASTER', 'BACKUP']);
    expect(r.after.map((s) => s.instances[0].lastTransition)).toEqual(r.before.map((s) => s.instances[0].lastTransition));
    expect(addressesOf(h2)).not.toContain(VIP);
    const n1 = { ...d1, ...drops(r.after[0], 'node') };
    const n2 = { ...d2, ...drops(r.after[1], 'node') };
    expect(n1.UNICAST_PEER_UNKNOWN).toBeGreaterThan(r.result.sent * 0.25);
    expect(n2.UNICAST_PEER_UNKNOWN).toBeGreaterThan(r.result.sent * 0.25);
    expect(Math.max(...gaps)).toBeLessThan(MASTER_DOWN_MS);
    expect(await peers.stop(a)).toBe(0);
    expect(await peers.stop(b)).toBe(0);
  }, 45000);

  (hasCommand('keepalived') ? test : test.skip)('keepalived 2.2.7 pair under the same junk flood: CPU and role changes printed (not asserted)', async () => {
    const [h1, h2, h3] = env.lan().hosts;
    const peers = env.peers();
    const a = peers.keepalived(h1, 'k1', conf(150));
    const b = peers.keepalived(h2, 'k2', conf(100));
    await waitFor('keepalived h1 MASTER', () => addressesOf(h1).includes(VIP) && /Entering BACKUP STATE/.test(peers.logs.get('k2') ?? ''), 15000);
    await sleep(1000);
    const lines = (n: string, what: string): number => ((peers.logs.get(n) ?? '').match(new RegExp(`Entering ${what} STATE`, 'g')) ?? []).length;
    const count0 = ['k1', 'k2'].map((n) => [lines(n, 'MASTER'), lines(n, 'BACKUP')]);
    const cpu0 = [a, b].map((c) => treeCpuSeconds(c.pid ?? -1));
    const logLines0 = new Map(['k1', 'k2'].map((n) => [n, (peers.logs.get(n) ?? '').split('\n').length - 1]));
    const seconds = 10;
    const t0 = Date.now();
    const result = await flood(peers.lan, h3, { mix: 'junk', vrid: VRID, pps: PPS, seconds });
    const took = (Date.now() - t0) / 1000;
    const cpu = [a, b].map((c, i) => treeCpuSeconds(c.pid ?? -1) - cpu0[i]);
    await sleep(500);
    const count1 = ['k1', 'k2'].map((n) => [lines(n, 'MASTER'), lines(n, 'BACKUP')]);
    console.log([
      `hostile LAN (keepalived 2.2.7): attacker sent ${result.sent} junk packets in ${result.seconds.toFixed(1)} s (${result.pps}/s)`,
      `  CPU under the flood: h1 keepalived ${cpu[0].toFixed(2)} s (${pct(cpu[0], took)}), h2 keepalived ${cpu[1].toFixed(2)} s (${pct(cpu[1], took)})`,
      `  during the flood: h1 "Entering MASTER STATE" +${count1[0][0] - count0[0][0]}, "Entering BACKUP STATE" +${count1[0][1] - count0[0][1]}; h2 MASTER +${count1[1][0] - count0[1][0]}, BACKUP +${count1[1][1] - count0[1][1]}`,
      `  h1 holds the VIP after the flood: ${addressesOf(h1).includes(VIP)}; h2 holds it: ${addressesOf(h2).includes(VIP)}; both still running: ${a.exitCode === null && b.exitCode === null}`,
    ].join('\n'));
    // What keepalived logged during the flood, distinct messages (numbers masked) with their counts.
    for (const n of ['k1', 'k2']) {
      const seen = new Map<string, number>();
      for (const l of (peers.logs.get(n) ?? '').split('\n').slice(logLines0.get(n) ?? 0)) {
        const key = l.replace(/^.*?(Keepalived_vrrp|VRRP_Instance|\(VI_1\))/, '$1').replace(/\d+/g, '#').trim();
        if (key) seen.set(key, (seen.get(key) ?? 0) + 1);
      }
      console.log(`  ${n} log during the flood (${[...seen.values()].reduce((x, y) => x + y, 0)} lines):\n    ${[...seen].sort((x, y) => y[1] - x[1]).slice(0, 8).map(([k, v]) => `${v} x ${k.slice(0, 140)}`).join('\n    ')}`);
    }
    await peers.stop(a);
    await peers.stop(b);
    expect(result.sent).toBeGreaterThan(0);
  }, 45000);
});
