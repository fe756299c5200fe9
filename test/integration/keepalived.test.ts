/**
 * vrrpd beside keepalived 2.2.7 on a namespace LAN (h1, h2) with an observer (h3), for v2 IPv4 with PASS
 * auth, v3 IPv4 and v3 IPv6, with vrrpd in each role: the priority-150 router on h1 holds the VIP; a
 * graceful stop (SIGTERM, priority 0) hands over to the priority-100 router on h2 within Skew_Time; a
 * restart on h1 preempts h2. From the capture: vrrpd's adverts are valid, no anomaly, and the new master
 * announces the VIP (gratuitous ARP / unsolicited NA from its MAC) within 2 s of each takeover.
 */
import { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { inspectFrames, InspectRecord } from '../../lib/inspect/records';
import { buildTimelines, Takeover } from '../../lib/inspect/timeline';
import { readCapture } from '../../lib/pcap';
import { announcements } from '../helpers/announcements';
import { Host, Lan, netnsSkipReason } from '../helpers/netns';
import { addressesOf, hasCommand, instanceConf, PeerSet, waitFor } from '../helpers/peers';
import { tsharkSkipReason, tsharkVerdicts } from '../helpers/tshark';

const skip = netnsSkipReason() ?? (hasCommand('keepalived') ? null : 'keepalived not installed: interop tests skipped');
if (skip) console.log(`keepalived interop: ${skip}`);
const d = skip ? describe.skip : describe;
const tsharkSkip = skip ? null : tsharkSkipReason();
if (tsharkSkip) console.log(`keepalived interop: ${tsharkSkip}`);

const VARIANTS = [
  { label: 'v2 IPv4', version: 2 as const, vip: '192.0.2.100/24', vipAddr: '192.0.2.100', auth: 's3cret' as string | undefined },
  { label: 'v3 IPv4', version: 3 as const, vip: '192.0.2.100/24', vipAddr: '192.0.2.100', auth: undefined },
  { label: 'v3 IPv6', version: 3 as const, vip: '2001:db8::100/64', vipAddr: '2001:db8::100', auth: undefined },
];
type Kind = 'vrrpd' | 'keepalived';

d.each(VARIANTS)('vrrpd beside keepalived, $label', (v) => {
  const six = v.vip.includes(':');
  let lan: Lan;
  beforeAll(() => {
    lan = new Lan(`k${v.version}${six ? 6 : 4}`, 3);
  });
  afterAll(() => lan?.destroy());

  test.each([
    { hi: 'keepalived' as Kind, lo: 'vrrpd' as Kind },
    { hi: 'vrrpd' as Kind, lo: 'keepalived' as Kind },
  ])('$hi 150 on h1, $lo 100 on h2: hold, graceful handover, preemption back', async ({ hi, lo }) => {
    const [h1, h2, h3] = lan.hosts;
    const peers = new PeerSet(lan);
    const children: ChildProcess[] = [];
    const holds = (h: Host): boolean => addressesOf(h).includes(v.vipAddr);
    const conf = (priority: number): string => instanceConf({ version: v.version, vrid: 51, priority, vip: v.vip, advertInt: '1', auth: v.auth });
    const start = async (kind: Kind, h: Host, name: string, priority: number): Promise<ChildProcess> => {
      const c = kind === 'vrrpd' ? await peers.vrrpd(h, name, conf(priority)) : peers.keepalived(h, name, conf(priority));
      children.push(c);
      return c;
    };
    const src = (h: Host): string => (six ? h.linkLocal : h.ipv4);
    try {
      const stopCapture = await peers.observe(h3, 'obs');
      // h1 first, so it becomes MASTER on its own (Master_Down_Interval) before h2 listens.
      const a = await start(hi, h1, `${hi}-h1`, 150);
      await waitFor(`${hi} on h1 to hold the VIP`, () => holds(h1), 8000);
      const b = await start(lo, h2, `${lo}-h2`, 100);
      await new Promise((r) => setTimeout(r, 1500));
      expect([holds(h1), holds(h2)]).toEqual([true, false]);

      // Graceful stop of h1: priority 0, VIP removed; h2 takes over after Skew_Time.
      const code = await peers.stop(a);
      if (hi === 'vrrpd') expect(code).toBe(0);
      expect(holds(h1)).toBe(false);
      await waitFor(`${lo} on h2 to take over`, () => holds(h2), 5000);
      // 1.5 s: h1's first advert as preempting master then lands mid-way between h2's (1 s apart from its
      // takeover), not within a few ms of one, where h2's advert and h1's would cross on the wire (a race
      // of every implementation; frr.test.ts has the figures).
      await new Promise((r) => setTimeout(r, 1500));

      // Restart h1: it preempts h2 (preempt on by default in both).
      const a2 = await start(hi, h1, `${hi}-h1-again`, 150);
      await waitFor(`${hi} on h1 to preempt`, () => holds(h1) && !holds(h2), 8000);
      await new Promise((r) => setTimeout(r, 1500));
      expect([holds(h1), holds(h2)]).toEqual([true, false]);

      // Stop the backup first (silent), then the master (priority 0, nobody takes over).
      const bCode = await peers.stop(b);
      if (lo === 'vrrpd') expect(bCode).toBe(0);
      const a2Code = await peers.stop(a2);
      if (hi === 'vrrpd') expect(a2Code).toBe(0);
      expect([holds(h1), holds(h2)]).toEqual([false, false]);

      const capture = await stopCapture();
      const frames = readCapture(readFileSync(capture)).frames;
      const records = inspectFrames(frames).filter((r) => r.vrid === 51);
      const vrrpdHost = hi === 'vrrpd' ? h1 : h2;
      const fromVrrpd = records.filter((r) => r.src === src(vrrpdHost));
      expect(fromVrrpd.length).toBeGreaterThan(3);
      const bad = (r: InspectRecord): boolean => !r.valid || r.ttl !== 255 || !['ok', 'ok-pseudo-header'].includes(r.checksum ?? '');
      expect(fromVrrpd.filter(bad)).toEqual([]);
      expect(records.filter((r) => !r.valid)).toEqual([]);
      if (!tsharkSkip) {
        // Second opinion from tshark on vrrpd's adverts: well formed, checksum good, TTL 255.
        const verdicts = tsharkVerdicts(capture, [src(vrrpdHost)]);
        expect(verdicts.length).toBe(fromVrrpd.length);
        expect(verdicts.filter((x) => !x.checksumGood || x.ttl !== 255 || x.malformed)).toEqual([]);
      }

      const timelines = buildTimelines(records);
      expect(timelines).toHaveLength(1);
      const [tl] = timelines;
      expect(tl.takeovers.map((t) => `${t.from}->${t.to} ${t.cause}`)).toEqual([
        `${src(h1)}->${src(h2)} priority-0`, `${src(h2)}->${src(h1)} preempted`,
      ]);
      expect(tl.takeovers[0].withinBound).toBe(true);
      expect(tl.anomalies).toEqual([]);

      // Each new master announces the VIP from its own MAC within 2 s of its first advert.
      const ann = announcements(frames);
      const macOf = (addr: string): string => lan.hosts.find((h) => src(h) === addr)!.mac;
      const announced = (t: Takeover): boolean => ann.some((x) => x.ip === v.vipAddr && x.srcMac === macOf(t.to)
        && x.time >= t.firstAdvertOfNew - 0.1 && x.time <= t.firstAdvertOfNew + 2);
      expect(tl.takeovers.map((t) => `${t.to} ${announced(t) ? 'announced' : 'did not announce'}`))
        .toEqual(tl.takeovers.map((t) => `${t.to} announced`));

      const name = (addr: string): Kind => (addr === src(h1) ? hi : lo);
      console.log(`keepalived ${v.label}${v.auth ? ' PASS' : ''}: ${tl.takeovers.map((t) => `${name(t.from)}->${name(t.to)} ${t.cause} `
        + `${t.takeoverMs.toFixed(1)} ms (bound ${t.boundMs.toFixed(1)})`).join(', ')}`);
    } catch (e) {
      for (const [n, log] of peers.logs) console.log(`--- ${n}\n${log.slice(-6000)}`);
      throw e;
    } finally {
      for (const c of children) await peers.stop(c, 'SIGKILL', 2000);
      peers.cleanup();
    }
  }, 40000);
});
