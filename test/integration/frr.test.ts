/**
 * Our vrrpd beside FRRouting 8.4 vrrpd (VRRPv3, 1 s interval, same VRID and VIP) on a namespace LAN with an
 * observer, IPv4 and IPv6, each implementation in each role: who is master, graceful handover after a
 * priority-0 advert within Skew_Time, preemption both ways, the new master's gratuitous ARP / NA after each
 * takeover, and what the observer saw on the wire.
 */
import { readFileSync } from 'node:fs';
import { inspectFrames, InspectRecord } from '../../lib/inspect/records';
import { buildTimelines, RouterTimeline } from '../../lib/inspect/timeline';
import { readCapture } from '../../lib/pcap';
import { announcements } from '../helpers/announcements';
import { FrrRouter, frrSkipReason } from '../helpers/frr';
import { Host, Lan, netnsSkipReason } from '../helpers/netns';
import { addressesOf, instanceConf, PeerSet, waitFor } from '../helpers/peers';
import { tsharkSkipReason, tsharkVerdicts } from '../helpers/tshark';

const skip = netnsSkipReason() ?? frrSkipReason();
if (skip) console.log(`FRR interop: ${skip}`);
const d = skip ? describe.skip : describe;
const tsharkSkip = skip ? null : tsharkSkipReason();
if (tsharkSkip) console.log(`FRR interop: ${tsharkSkip}`);

const VARIANTS = [
  { label: 'v3 IPv4', family: 4 as const, vrid: 61, vipAddr: '192.0.2.100', plen: 24 },
  { label: 'v3 IPv6', family: 6 as const, vrid: 62, vipAddr: '2001:db8::100', plen: 64 },
];
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

d.each(VARIANTS)('vrrpd beside FRR 8.4, $label', (v) => {
  let lan: Lan | undefined;
  let peers: PeerSet | undefined;
  let frr: FrrRouter | undefined;
  const figures: string[] = [];
  const conf = (priority: number): string => instanceConf({ version: 3, vrid: v.vrid, priority, vip: `${v.vipAddr}/${v.plen}` });
  const holds = (h: Host): boolean => addressesOf(h).includes(v.vipAddr);
  const ourSource = (h: Host): string => (v.family === 4 ? h.ipv4 : h.linkLocal);

  async function setup(tag: string, frrHost: number, frrPriority: number): Promise<Host[]> {
    lan = new Lan(`f${v.family}${tag}`, 3);
    peers = new PeerSet(lan);
    frr = new FrrRouter(lan.hosts[frrHost - 1], { vrid: v.vrid, priority: frrPriority, family: v.family, vip: v.vipAddr });
    return lan.hosts;
  }
  afterEach(async () => {
    const failed = (expect.getState() as { assertionCalls: number }).assertionCalls === 0;
    try {
      if (failed) {
        for (const [name, log] of peers?.logs ?? []) console.log(`--- ${name}\n${log}`);
        if (frr) console.log(`FRR state ${frr.state()}\n${frr.logs()}`);
      }
    } finally {
      await frr?.destroy();
      lan?.destroy();
      peers?.cleanup();
      frr = undefined;
      lan = undefined;
      peers = undefined;
    }
  });
  afterAll(() => {
    if (figures.length) console.log(`FRR ${v.label}: ${figures.join(', ')}`);
  });

  /** The observer's records and timeline for our VRID and family. */
  function analyse(capture: string): { records: InspectRecord[]; tl: RouterTimeline } {
    const records = inspectFrames(readCapture(readFileSync(capture)).frames).filter((r) => r.vrid === v.vrid && r.family === v.family);
    const [tl] = buildTimelines(records);
    return { records, tl };
  }
  function checkOurs(capture: string, records: InspectRecord[], src: string): void {
    const ours = records.filter((r) => r.src === src);
    expect(ours.length).toBeGreaterThan(2);
    expect(ours.filter((r) => !(r.valid && r.ttl === 255 && r.checksum !== 'bad'))).toEqual([]);
    if (tsharkSkip) return;
    // Second opinion from tshark on our adverts: well formed, checksum good, TTL 255.
    const verdicts = tsharkVerdicts(capture, [src]);
    expect(verdicts.length).toBe(ours.length);
    expect(verdicts.filter((x) => !x.checksumGood || x.ttl !== 255 || x.malformed)).toEqual([]);
  }
  const fmt = (ms: number, bound: number): string => `${ms.toFixed(1)} ms (bound ${bound.toFixed(1)})`;

  /** The VIP's announcements after `afterSec` (epoch seconds) from `mac`, within 2 s: at least one expected. */
  function announcedBy(capture: string, mac: string, afterSec: number): number {
    const ann = announcements(readCapture(readFileSync(capture)).frames).filter((x) => x.ip === v.vipAddr && x.time > afterSec && x.time < afterSec + 2);
    return ann.filter((x) => x.srcMac === mac && x.mac === mac).length;
  }

  test('FRR 150 master, vrrpd 100 backup; FRR priority 0 -> vrrpd takes over within Skew_Time; FRR back -> it preempts vrrpd', async () => {
    const [, h2, h3] = await setup('a', 1, 150);
    const f = frr as FrrRouter;
    const p = peers as PeerSet;
    const stopCapture = await p.observe(h3, 'obs');
    await f.start();
    await waitFor('FRR to become master', () => f.state() === 'Master', 10000);
    const b = await p.vrrpd(h2, 'b', conf(100));
    await sleep(4500); // longer than vrrpd's Master_Down_Interval (3.61 s): it must hear FRR and stay BACKUP
    expect(f.state()).toBe('Master');
    expect(f.protodown()).toBe(false); // FRR's master: macvlan up with the VIP on it
    expect(holds(h2)).toBe(false);

    // Priority 0 both ways FRR offers: `vrrp N shutdown` over IPv4, SIGTERM to its vrrpd over IPv6.
    if (v.family === 4) f.shutdown();
    else f.terminate();
    await waitFor('vrrpd to take over', () => holds(h2), 3000);
    // FRR comes back with priority 150 and preempts (after its Master_Down_Interval as Backup, 3.414 s).
    // Resuming 2 s after vrrpd's takeover puts FRR's first advert about 450 ms from vrrpd's adverts (both
    // every 1 s from their takeovers). 2.5 s put it within about 90 ms of one of vrrpd's: when it came less than
    // vrrpd's receive time before vrrpd's timer (IPv6 was then received by libpcap in a child process), vrrpd's
    // advert crossed FRR's on the wire. That crossing is a race of every implementation, not what this test is about.
    await sleep(2000);
    f.resume();
    await waitFor('FRR to preempt vrrpd', () => f.state() === 'Master' && !holds(h2), 8000);
    await sleep(2500);
    const capture = await stopCapture();
    expect(await p.stop(b)).toBe(0);

    const { records, tl } = analyse(capture);
    checkOurs(capture, records, ourSource(h2));
    expect(tl.anomalies.filter((a) => a.kind === 'TWO_MASTERS')).toEqual([]);
    expect(tl.anomalies).toEqual([]);
    expect(tl.takeovers.map((t) => `${t.from}->${t.to} ${t.cause}`)).toEqual([
      `${f.source}->${ourSource(h2)} priority-0`, `${ourSource(h2)}->${f.source} preempted`,
    ]);
    const [t, pre] = tl.takeovers;
    figures.unshift(`frr->vrrpd priority-0 ${fmt(t.takeoverMs, t.boundMs)}`, `vrrpd->frr preempted ${pre.takeoverMs.toFixed(1)} ms`);
    expect(t.withinBound).toBe(true);
    // vrrpd announced the VIP from h2's MAC right after taking over (gratuitous ARP / unsolicited NA).
    expect(announcedBy(capture, h2.mac, t.firstAdvertOfNew - 0.1)).toBeGreaterThan(0);
  }, 50000);

  test('vrrpd 150 master, FRR 100 backup; SIGTERM vrrpd -> FRR takes over; restarted vrrpd preempts', async () => {
    const [h1, , h3] = await setup('b', 2, 100);
    const f = frr as FrrRouter;
    const p = peers as PeerSet;
    const stopCapture = await p.observe(h3, 'obs');
    const a = await p.vrrpd(h1, 'a', conf(150));
    await waitFor('vrrpd to hold the VIP', () => holds(h1), 6000);
    await f.start();
    await sleep(2500);
    expect(f.state()).toBe('Backup');
    expect(f.protodown()).toBe(true);
    expect(holds(h1)).toBe(true);

    expect(await p.stop(a)).toBe(0);
    expect(holds(h1)).toBe(false);
    await waitFor('FRR to take over', () => f.state() === 'Master', 5000);
    await sleep(2500); // FRR IPv6 sends its first advert one interval late
    const a2 = await p.vrrpd(h1, 'a2', conf(150));
    await waitFor('vrrpd to preempt FRR', () => holds(h1) && f.state() === 'Backup', 8000);
    await sleep(1500);
    const capture = await stopCapture();
    expect(await p.stop(a2)).toBe(0);

    const { records, tl } = analyse(capture);
    checkOurs(capture, records, ourSource(h1));
    expect(tl.anomalies.filter((x) => x.kind === 'TWO_MASTERS')).toEqual([]);
    expect(tl.anomalies).toEqual([]);
    expect(tl.takeovers.map((t) => `${t.from}->${t.to} ${t.cause}`)).toEqual([
      `${ourSource(h1)}->${f.source} priority-0`, `${f.source}->${ourSource(h1)} preempted`,
    ]);
    const [down, pre] = tl.takeovers;
    figures.push(`vrrpd->frr priority-0 ${fmt(down.takeoverMs, down.boundMs)}`, `frr->vrrpd preempted ${pre.takeoverMs.toFixed(1)} ms`);
    // The restarted vrrpd announced the VIP from h1's MAC when it preempted FRR.
    expect(announcedBy(capture, h1.mac, pre.firstAdvertOfNew - 0.1)).toBeGreaterThan(0);
    if (v.family === 4) expect(down.withinBound).toBe(true);
    // FRR over IPv6 loses its first advert as new master (fixtures/README.md): the observer sees it one
    // interval late, beyond Skew_Time; only require it below Master_Down_Interval (3 s + Skew_Time).
    else expect(down.takeoverMs).toBeLessThan(3000 + down.boundMs);
  }, 45000);
});
