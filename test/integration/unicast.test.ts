/**
 * keepalived unicast mode on a namespace LAN: h1 (150) and h2 (100) run vrrpd (v3 IPv4, advert_int 1)
 * with `unicast_src_ip` and a `unicast_peer` naming each other; h3 runs a vrrpd of priority 200 on the same
 * VRID that neither names; h4 observes. The bridge floods unicast (learning off) so h4 sees every advert.
 */
import { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { inspectFrames, InspectRecord } from '../../lib/inspect/records';
import { buildTimelines } from '../../lib/inspect/timeline';
import { readCapture } from '../../lib/pcap';
import { Host, netnsSkipReason } from '../helpers/netns';
import { addressesOf, floodUnicast, instanceConf, unicastConf, useLan, waitFor } from '../helpers/peers';

const skip = netnsSkipReason();
if (skip) console.log(`vrrpd unicast: ${skip}`);
const d = skip ? describe.skip : describe;

const VRID = 71;
const VIP = '192.0.2.170';
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const holds = (h: Host): boolean => addressesOf(h).includes(VIP);
const conf = (priority: number, src: Host, peers: Host[]): string =>
  instanceConf({ version: 3, vrid: VRID, priority, vip: `${VIP}/24`, advertInt: '1', extra: unicastConf(src.ipv4, peers.map((p) => p.ipv4)) });

d('vrrpd unicast mode', () => {
  const env = useLan('uni', 4, floodUnicast);

  test('unicast peers elect, ignore a stranger of higher priority, and hand over on SIGTERM', async () => {
    const [h1, h2, h3, h4] = env.lan().hosts;
    const peers = env.peers();
    const stopCapture = await peers.observe(h4, 'obs');
    const a = await peers.vrrpd(h1, 'a', conf(150, h1, [h2]));
    const b = await peers.vrrpd(h2, 'b', conf(100, h2, [h1]));
    const elected = await waitFor('h1 (150) to hold the VIP alone', () => holds(h1) && !holds(h2), 8000);
    console.log(`vrrpd unicast: h1 elected ${elected} ms after both started`);
    await sleep(1500);

    // h3 (200) names h1 and h2 as its peers, but they do not name h3: its adverts must be ignored.
    const c: ChildProcess = await peers.vrrpd(h3, 'c', conf(200, h3, [h1, h2]));
    // h3 hears nobody (nobody sends to it), so it becomes MASTER of its own after Master_Down_Interval.
    await waitFor('h3 to go MASTER on its own', () => holds(h3), 3220 + 3000);
    await sleep(3000);
    expect([holds(h1), holds(h2)]).toEqual([true, false]);
    const status = peers.status(h1, 'a');
    const text = JSON.stringify(status);
    console.log(`vrrpd unicast: h1 status while h3 advertises: ${text}`);
    expect(text).toContain('MASTER');
    expect(text).toMatch(/"UNICAST_PEER_UNKNOWN":[1-9]/);
    await peers.stop(c);
    await sleep(500);

    const term = Date.now();
    await peers.stop(a);
    const took = await waitFor('h2 to take over after SIGTERM on h1', () => holds(h2), 3000);
    console.log(`vrrpd unicast: h2 holds the VIP ${took} ms after h1 exited (${Date.now() - term} ms after SIGTERM)`);
    await sleep(1500);
    await peers.stop(b);
    const file = await stopCapture();

    const records = inspectFrames(readCapture(readFileSync(file)).frames).filter((r) => r.vrid === VRID);
    const from = (h: Host): InspectRecord[] => records.filter((r) => r.src === h.ipv4);
    expect(records.every((r) => r.valid && r.ttl === 255)).toBe(true);
    expect(records.some((r) => r.dst === '224.0.0.18')).toBe(false);
    expect(from(h1).length).toBeGreaterThan(3);
    expect(from(h2).length).toBeGreaterThan(0);
    expect(from(h3).length).toBeGreaterThan(1);
    expect(new Set(from(h1).map((r) => r.dst))).toEqual(new Set([h2.ipv4]));
    expect(new Set(from(h2).map((r) => r.dst))).toEqual(new Set([h1.ipv4]));
    expect(new Set(from(h3).map((r) => r.dst))).toEqual(new Set([h1.ipv4, h2.ipv4]));
    expect(records.every((r) => r.dstMac === env.lan().hosts[Number(r.dst.split('.')[3]) - 1].mac)).toBe(true);
    // h1 and h2 alone: h1 master, then priority 0 on SIGTERM and h2 takes over within Skew_Time.
    const [tl] = buildTimelines(records.filter((r) => r.src !== h3.ipv4));
    const line = tl.takeovers.map((t) => `${t.from}->${t.to} ${t.cause} ${t.takeoverMs.toFixed(1)} ms (within bound: ${t.withinBound})`).join('; ') || 'none';
    console.log(`vrrpd unicast: takeovers ${line}; anomalies ${tl.anomalies.map((x) => `${x.kind} ${x.detail}`).join('; ') || 'none'}`);
    expect(tl.takeovers.map((t) => `${t.from}->${t.to} ${t.cause}`)).toEqual([`${h1.ipv4}->${h2.ipv4} priority-0`]);
    expect(tl.masters.slice(0, 2).map((m) => m.src)).toEqual([h1.ipv4, h2.ipv4]);
    void h4;
  }, 60000);
});
