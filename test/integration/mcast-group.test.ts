/**
 * `vrrp_mcast_group4 224.0.0.19` / `vrrp_mcast_group6 ff02::13` on a namespace LAN: h1 (150) and h2 (100)
 * run vrrpd with a v3 IPv4 and a v3 IPv6 instance, h3 observes with tcpdump. The adverts must go to the
 * groups (Ethernet 01:00:5e:00:00:13, 33:33:00:00:00:13), none to 224.0.0.18 / ff02::12, and reach the peer
 * (the kernel delivers only joined groups): one MASTER per family. The IPv4
 * instance has promote_secondaries: the interface's sysctl is 1 while vrrpd runs, and back to 0 after.
 */
import { readFileSync } from 'node:fs';
import { inspectFrames } from '../../lib/inspect/records';
import { readCapture } from '../../lib/pcap';
import { Host, netnsSkipReason, nsExec } from '../helpers/netns';
import { addressesOf, instanceConf, useLan, waitFor } from '../helpers/peers';

const skip = netnsSkipReason();
if (skip) console.log(`vrrpd mcast group: ${skip}`);
const d = skip ? describe.skip : describe;

const VRID = 73;
const VIP = '192.0.2.173';
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const holds = (h: Host): boolean => addressesOf(h).includes(VIP);
const VIP6 = '2001:db8::173';
const conf = (priority: number): string =>
  instanceConf({ version: 3, vrid: VRID, priority, vip: `${VIP}/24`, advertInt: '1', global: 'vrrp_mcast_group4 224.0.0.19\n  vrrp_mcast_group6 ff02::13', extra: 'promote_secondaries' }) +
  instanceConf({ name: 'VI_6', version: 3, vrid: VRID, priority, vip: `${VIP6}/64`, advertInt: '1' }).replace(/^global_defs \{[^}]*\}\n/, '');
const holds6 = (h: Host): boolean => addressesOf(h).includes(VIP6);
const promoted = (h: Host): string => nsExec(h.ns, 'cat', ['/proc/sys/net/ipv4/conf/eth0/promote_secondaries']).trim();

d('vrrpd vrrp_mcast_group4', () => {
  const env = useLan('mcg', 3);

  test('adverts go to 224.0.0.19 / ff02::13 and the pair elects one MASTER per family over them', async () => {
    const [h1, h2, h3] = env.lan().hosts;
    const peers = env.peers();
    expect(promoted(h1)).toBe('0');
    const stopCapture = await peers.observe(h3, 'obs');
    const a = await peers.vrrpd(h1, 'a', conf(150));
    const b = await peers.vrrpd(h2, 'b', conf(100));
    const elected = await waitFor('h1 (150) to hold both VIPs alone', () => holds(h1) && !holds(h2) && holds6(h1) && !holds6(h2), 8000);
    console.log(`vrrpd mcast group: h1 elected ${elected} ms after both started`);
    await sleep(3000);
    expect([holds(h1), holds(h2), holds6(h1), holds6(h2)]).toEqual([true, false, true, false]);
    expect(promoted(h1)).toBe('1');
    // h2 hears h1 on both groups: BACKUP, master h1, adverts counted.
    const s = peers.status<{ instances: Array<{ name: string; state: string; master: string; counters: { advertsReceived: number } }> }>(h2, 'b').instances;
    expect(s.map((i) => [i.name, i.state, i.master])).toEqual([['VI_1', 'BACKUP', h1.ipv4], ['VI_6', 'BACKUP', h1.linkLocal]]);
    for (const i of s) expect(i.counters.advertsReceived).toBeGreaterThan(1);
    await peers.stop(a);
    expect(promoted(h1)).toBe('0');
    await waitFor('h2 to take over after SIGTERM on h1', () => holds(h2), 4000);
    await peers.stop(b);
    const file = await stopCapture();

    const records = inspectFrames(readCapture(readFileSync(file)).frames).filter((r) => r.vrid === VRID);
    expect(records.filter((r) => r.src === h1.ipv4).length).toBeGreaterThan(3);
    expect(records.some((r) => r.src === h2.ipv4)).toBe(true);
    expect(new Set(records.map((r) => `${r.dst} ${r.dstMac}`))).toEqual(new Set(['224.0.0.19 01:00:5e:00:00:13', 'ff02::13 33:33:00:00:00:13']));
    expect(records.filter((r) => r.src === h1.linkLocal).length).toBeGreaterThan(3);
    expect(records.every((r) => r.valid && r.ttl === 255)).toBe(true);
  }, 60000);
});
