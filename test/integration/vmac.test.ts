/**
 * keepalived `use_vmac` with two vrrpd (h1, h2) and an observer (h3): the VIP lives on the macvlan
 * `vrrp.71`, adverts and gratuitous ARPs leave with the virtual MAC 00:00:5e:00:01:47 (RFC 9568 §7.3) and the
 * base interface's address as IPv4 source, clients resolve the VIP to the virtual MAC, and a graceful stop
 * removes the vmac and hands over.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { inspectFrames } from '../../lib/inspect/records';
import { decodeArp } from '../../lib/packet/arp';
import { decodeEthernet, ETHERTYPE_ARP } from '../../lib/packet/ethernet';
import { readCapture } from '../../lib/pcap';
import { Host, Lan, netnsSkipReason, nsExec } from '../helpers/netns';
import { instanceConf, PeerSet, waitFor } from '../helpers/peers';

const skip = netnsSkipReason();
if (skip) console.log(`vmac integration: ${skip}`);
const d = skip ? describe.skip : describe;

const VMAC = 'vrrp.71';
const VIRTUAL_MAC = '00:00:5e:00:01:47';
const VIP = '192.0.2.171';

/** Addresses on `dev` of `host`, or null when there is no such interface. */
function addressesOn(host: Host, dev: string): string[] | null {
  try {
    const out = execFileSync('ip', ['-n', host.ns, '-j', 'addr', 'show', 'dev', dev], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    return (JSON.parse(out) as Array<{ addr_info: Array<{ local: string }> }>).flatMap((l) => l.addr_info.map((a) => a.local));
  } catch {
    return null;
  }
}

d('use_vmac, v3 IPv4', () => {
  let lan: Lan;
  let peers: PeerSet;
  beforeAll(() => {
    lan = new Lan('vm4', 3);
    peers = new PeerSet(lan);
  });
  afterAll(() => {
    lan?.destroy();
    peers?.cleanup();
  });
  afterEach(() => {
    const failed = (expect.getState() as { assertionCalls: number }).assertionCalls === 0;
    if (failed) for (const [name, log] of peers.logs) console.log(`--- ${name}\n${log}`);
  });

  test('VIP on vrrp.71, adverts and GARPs from the virtual MAC, graceful stop removes the vmac and hands over', async () => {
    const [h1, h2, h3] = lan.hosts;
    const holds = (h: Host): boolean => addressesOn(h, VMAC)?.includes(VIP) ?? false;
    const conf = (priority: number): string =>
      instanceConf({ version: 3, vrid: 71, priority, vip: `${VIP}/24`, advertInt: '1', extra: 'use_vmac' });
    const stopCapture = await peers.observe(h3, 'obs');
    const a = await peers.vrrpd(h1, 'a', conf(150));
    const b = await peers.vrrpd(h2, 'b', conf(100));
    await waitFor('h1 to hold the VIP on vrrp.71', () => holds(h1), 6000);
    await new Promise((r) => setTimeout(r, 2000));
    expect([holds(h1), holds(h2)]).toEqual([true, false]);
    // Both have the vmac (the backup too, as keepalived); the VIP is not on the base interface.
    expect(addressesOn(h2, VMAC)).toEqual([]);
    expect(addressesOn(h1, 'eth0')).not.toContain(VIP);
    // A client resolves the VIP to the virtual MAC (arp_ignore on the base interface).
    // (One UDP datagram from the observer makes its kernel resolve the VIP; no ping on these machines.) h1 is
    // told h3's MAC first: its ICMP answer leaves from eth0 (the /24 route of eth0 comes first) and an ARP
    // request of its own from eth0 with the VIP as sender address would re-point h3's entry to eth0's MAC, as
    // with keepalived, which sets no arp_announce either.
    execFileSync('ip', ['-n', h1.ns, 'neigh', 'replace', h3.ipv4, 'lladdr', h3.mac, 'dev', 'eth0', 'nud', 'permanent']);
    const udp = `const s = require('dgram').createSocket('udp4'); s.send('x', 9, '${VIP}', () => setTimeout(() => s.close(), 500));`;
    await lan.runNode(h3.ns, udp, [], 5000);
    await waitFor('h3 to resolve the VIP', () => nsExec(h3.ns, 'ip', ['neigh', 'show', VIP]).includes('lladdr'), 3000);
    const neigh = nsExec(h3.ns, 'ip', ['neigh', 'show', VIP]);
    expect(neigh).toContain(`lladdr ${VIRTUAL_MAC}`);

    expect(await peers.stop(a)).toBe(0);
    expect(addressesOn(h1, VMAC)).toBeNull();
    await waitFor('h2 to take over', () => holds(h2), 5000);
    await new Promise((r) => setTimeout(r, 1500));
    expect(await peers.stop(b)).toBe(0);
    expect(addressesOn(h2, VMAC)).toBeNull();

    const frames = readCapture(readFileSync(await stopCapture())).frames;
    const adverts = inspectFrames(frames).filter((r) => r.vrid === 71);
    const from = (h: Host): typeof adverts => adverts.filter((r) => r.src === h.ipv4);
    expect(from(h1).length).toBeGreaterThan(3);
    expect(from(h2).length).toBeGreaterThan(1);
    // Every advert: the virtual MAC, the base interface's address as source (not the VIP), checksum valid.
    expect(adverts.filter((r) => r.srcMac !== VIRTUAL_MAC || (r.src !== h1.ipv4 && r.src !== h2.ipv4) || !r.valid || r.ttl !== 255)).toEqual([]);
    const garps = frames.flatMap((f) => {
      const eth = decodeEthernet(f.data);
      if (eth.etherType !== ETHERTYPE_ARP) return [];
      const arp = decodeArp(f.data, eth.payloadOffset);
      return arp.senderIp === VIP && arp.targetIp === VIP ? [{ ethSrc: eth.src, senderMac: arp.senderMac, timeMs: f.timeMs }] : [];
    });
    // GARPs from h1 becoming master and from h2 after the takeover, all from the virtual MAC.
    const lastH1 = Math.max(...from(h1).map((r) => r.time * 1000));
    expect(garps.some((g) => g.timeMs > lastH1)).toBe(true);
    expect(garps.length).toBeGreaterThanOrEqual(2);
    expect(garps.filter((g) => g.ethSrc !== VIRTUAL_MAC || g.senderMac !== VIRTUAL_MAC)).toEqual([]);
  }, 60000);
});
