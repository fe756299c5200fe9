/**
 * Two vrrpd nodes on a namespace LAN (h1, h2) with an observer (h3): election by priority, graceful
 * handover (priority 0, takeover after Skew_Time), hard failover (SIGKILL), and what the observer saw.
 */
import { readFileSync } from 'node:fs';
import { inspectFrames } from '../../lib/inspect/records';
import { buildTimelines } from '../../lib/inspect/timeline';
import { readCapture } from '../../lib/pcap';
import { Lan, netnsSkipReason } from '../helpers/netns';
import { addressesOf, instanceConf, PeerSet, waitFor } from '../helpers/peers';
import { announcementsAfter, tsharkSkipReason, tsharkVerdicts } from '../helpers/tshark';

const skip = netnsSkipReason();
if (skip) console.log(`vrrpd integration: ${skip}`);
const d = skip ? describe.skip : describe;
const tsharkSkip = skip ? null : tsharkSkipReason();
if (tsharkSkip) console.log(`vrrpd integration: ${tsharkSkip}`);

const VARIANTS = [
  { label: 'v3 IPv4', version: 3 as const, vip: '192.0.2.100/24', vipAddr: '192.0.2.100', advertInt: '1', auth: undefined },
  { label: 'v3 IPv6', version: 3 as const, vip: '2001:db8::100/64', vipAddr: '2001:db8::100', advertInt: '1', auth: undefined },
  { label: 'v2 IPv4 with PASS auth', version: 2 as const, vip: '192.0.2.100/24', vipAddr: '192.0.2.100', advertInt: '1', auth: 's3cret' },
];

d.each(VARIANTS)('two vrrpd, $label', (v) => {
  let lan: Lan;
  let peers: PeerSet;
  beforeAll(() => {
    lan = new Lan(`p${v.version}${v.vip.includes(':') ? 6 : 4}`, 3);
    peers = new PeerSet(lan);
  });
  afterAll(() => {
    lan?.destroy();
    peers?.cleanup();
  });
  let passed = false;
  afterEach(() => {
    if (!passed) for (const [name, log] of peers.logs) console.log(`--- ${name}\n${log.slice(-6000)}`);
  });

  test('the higher priority wins, a graceful stop hands over after priority 0, SIGKILL fails over, a restart removes the leftover VIP', async () => {
    const [h1, h2, h3] = lan.hosts;
    const holds = (h: typeof h1): boolean => addressesOf(h).includes(v.vipAddr);
    const conf = (priority: number): string => instanceConf({ version: v.version, vrid: 51, priority, vip: v.vip, advertInt: v.advertInt, auth: v.auth });
    const stopCapture = await peers.observe(h3, 'obs');
    const a = await peers.vrrpd(h1, 'a', conf(150));
    const b = await peers.vrrpd(h2, 'b', conf(100));
    const intervalMs = Number(v.advertInt) * 1000;
    await waitFor('h1 to hold the VIP', () => holds(h1), 3 * intervalMs + 3000);
    await new Promise((r) => setTimeout(r, 2 * intervalMs));
    expect([holds(h1), holds(h2)]).toEqual([true, false]);

    // Graceful stop: priority 0, VIPs removed, exit 0; h2 takes over after Skew_Time.
    expect(await peers.stop(a)).toBe(0);
    expect(holds(h1)).toBe(false);
    await waitFor('h2 to take over', () => holds(h2), 3 * intervalMs + 2000);

    // Start h1 again: it preempts (preempt on by default) and h2 lets go.
    const a2 = await peers.vrrpd(h1, 'a2', conf(150));
    await waitFor('h1 to preempt', () => holds(h1) && !holds(h2), 4 * intervalMs + 3000);
    // The VIP is added before the GARP goes out: give the new master one interval to announce it (checked
    // below) before killing it.
    await new Promise((r) => setTimeout(r, intervalMs));

    // Hard failover: SIGKILL leaves the VIP on h1 (nobody removes it) but h2 takes over after Master_Down_Interval.
    await peers.stop(a2, 'SIGKILL');
    await waitFor('h2 to take over after SIGKILL', () => holds(h2), 4 * intervalMs + 3000);
    expect(holds(h1)).toBe(true); // left behind by the unclean stop

    // A restart removes the leftover VIP before the election; at priority 50 it stays BACKUP.
    const a3 = await peers.vrrpd(h1, 'a3', conf(50));
    expect(peers.logs.get('a3')).toMatch(new RegExp(`removed ${v.vip.replace(/[./]/g, '\\$&')} from eth0, left by an unclean stop`));
    expect(holds(h1)).toBe(false);
    await new Promise((r) => setTimeout(r, 4 * intervalMs));
    expect([holds(h1), holds(h2)]).toEqual([false, true]);
    expect(await peers.stop(a3)).toBe(0);
    expect(await peers.stop(b)).toBe(0);
    expect(holds(h2)).toBe(false);

    const capture = await stopCapture();
    const records = inspectFrames(readCapture(readFileSync(capture)).frames);
    const ours = records.filter((r) => r.vrid === 51);
    expect(ours.length).toBeGreaterThan(5);
    expect(ours.every((r) => r.valid && r.ttl === 255)).toBe(true);
    const [tl] = buildTimelines(ours);
    // h1 -> h2 after priority 0 (within Skew_Time), h2 -> h1 by preemption, h1 -> h2 after silence
    // (within Master_Down_Interval); the observer measures each from the old master's last advert.
    expect(tl.takeovers.map((t) => `${t.from}->${t.to} ${t.cause}`)).toEqual([
      `${h1.ipv4}->${h2.ipv4} priority-0`, `${h2.ipv4}->${h1.ipv4} preempted`, `${h1.ipv4}->${h2.ipv4} silence`,
    ].map((x) => (v.vip.includes(':') ? x.replaceAll(h1.ipv4, h1.linkLocal).replaceAll(h2.ipv4, h2.linkLocal) : x)));
    expect(tl.takeovers.filter((t) => t.cause !== 'preempted').every((t) => t.withinBound)).toBe(true);
    expect(tl.anomalies).toEqual([]);

    // Second opinion from tshark: every advert of either vrrpd is well formed, checksum good, TTL 255, and
    // each new master announces the VIP (GARP / NA with a good checksum) from its MAC within 2 s of its
    // first advert.
    if (!tsharkSkip) {
      const six = v.vip.includes(':');
      const hosts = [h1, h2];
      const srcOf = (h: typeof h1): string => (six ? h.linkLocal : h.ipv4);
      const verdicts = tsharkVerdicts(capture, hosts.map(srcOf));
      expect(verdicts.length).toBeGreaterThan(5);
      expect(verdicts.filter((x) => !x.checksumGood || x.ttl !== 255 || x.malformed)).toEqual([]);
      const announced = tl.takeovers.map((t) => {
        const mac = hosts.find((h) => srcOf(h) === t.to)!.mac;
        const ok = announcementsAfter(capture, v.vipAddr, mac)
          .some((x) => x.checksumGood && x.time >= t.firstAdvertOfNew - 0.1 && x.time <= t.firstAdvertOfNew + 2);
        return `${t.to} ${ok ? 'announced' : 'did not announce'}`;
      });
      expect(announced).toEqual(tl.takeovers.map((t) => `${t.to} announced`));
    }
    passed = true;
    console.log(`two vrrpd ${v.label}: takeovers ${tl.takeovers.map((t) => `${t.from}->${t.to} ${t.cause} ${t.takeoverMs.toFixed(1)} ms`).join('; ')}`);
  }, 60000);
});
