/**
 * `vrrp_mcast_group4 224.0.0.19` on a namespace LAN: h1 (150) and h2 (100) run vrrpd (v3 IPv4) on the
 * group, h3 observes with tcpdump. The adverts must go to 224.0.0.19 (Ethernet 01:00:5e:00:00:13), none to
 * 224.0.0.18, and the kernel must hand them to the peer (it joined the group): one MASTER.
 */
import { readFileSync } from 'node:fs';
import { inspectFrames } from '../../lib/inspect/records';
import { readCapture } from '../../lib/pcap';
import { Host, netnsSkipReason } from '../helpers/netns';
import { addressesOf, instanceConf, useLan, waitFor } from '../helpers/peers';

const skip = netnsSkipReason();
if (skip) console.log(`vrrpd mcast group: ${skip}`);
const d = skip ? describe.skip : describe;

const VRID = 73;
const VIP = '192.0.2.173';
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const holds = (h: Host): boolean => addressesOf(h).includes(VIP);
const conf = (priority: number): string =>
  instanceConf({ version: 3, vrid: VRID, priority, vip: `${VIP}/24`, advertInt: '1', global: 'vrrp_mcast_group4 224.0.0.19' });

d('vrrpd vrrp_mcast_group4', () => {
  const env = useLan('mcg', 3);

  test('adverts go to 224.0.0.19 and the pair elects one MASTER over it', async () => {
    const [h1, h2, h3] = env.lan().hosts;
    const peers = env.peers();
    const stopCapture = await peers.observe(h3, 'obs');
    const a = await peers.vrrpd(h1, 'a', conf(150));
    const b = await peers.vrrpd(h2, 'b', conf(100));
    const elected = await waitFor('h1 (150) to hold the VIP alone', () => holds(h1) && !holds(h2), 8000);
    console.log(`vrrpd mcast group: h1 elected ${elected} ms after both started`);
    await sleep(3000);
    expect([holds(h1), holds(h2)]).toEqual([true, false]);
    // h2 hears h1 (the kernel delivered 224.0.0.19 to its socket): BACKUP, master h1, adverts counted.
    const s = peers.status<{ instances: Array<{ state: string; master: string; counters: { advertsReceived: number } }> }>(h2, 'b').instances[0];
    expect(s.state).toBe('BACKUP');
    expect(s.master).toBe(h1.ipv4);
    expect(s.counters.advertsReceived).toBeGreaterThan(1);
    await peers.stop(a);
    await waitFor('h2 to take over after SIGTERM on h1', () => holds(h2), 4000);
    await peers.stop(b);
    const file = await stopCapture();

    const records = inspectFrames(readCapture(readFileSync(file)).frames).filter((r) => r.vrid === VRID);
    expect(records.filter((r) => r.src === h1.ipv4).length).toBeGreaterThan(3);
    expect(records.some((r) => r.src === h2.ipv4)).toBe(true);
    expect(new Set(records.map((r) => `${r.dst} ${r.dstMac}`))).toEqual(new Set(['224.0.0.19 01:00:5e:00:00:13']));
    expect(records.every((r) => r.valid && r.ttl === 255)).toBe(true);
  }, 60000);
});
