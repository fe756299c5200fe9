/**
 * keepalived `use_vmac` with two vrrpd (h1, h2) and an observer (h3), v3 IPv4 and v3 IPv6: the VIP lives on
 * the macvlan `vrrp.VRID`, adverts and announcements (gratuitous ARP / unsolicited NA) leave with the
 * virtual MAC (RFC 9568 §7.3: 00:00:5e:00:01:VRID, IPv6 00:00:5e:00:02:VRID) and the base interface's
 * address as source (IPv4 primary; IPv6 link-local, copied onto the vmac, which gets no EUI-64 address of
 * its own), clients resolve the VIP to the virtual MAC, a vmac deleted or set down by someone else is made
 * again with its VIP, and a graceful stop removes the vmac and hands over. The BACKUP's vmac stays quiet (no
 * IGMP report, no router solicitation from the virtual MAC, which would pull the VIP's traffic to its
 * switch port); IPv6 MLD reports are the known exception (see lib/platform/vmac.ts).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { inspectFrames } from '../../lib/inspect/records';
import { readCapture } from '../../lib/pcap';
import { decodeEthernet, ETHERTYPE_IPV6 } from '../../lib/packet/ethernet';
import { decodeIp } from '../../lib/packet/ip';
import { IPPROTO_ICMPV6 } from '../../lib/packet/ndisc';
import { announcements } from '../helpers/announcements';
import { Host, netnsSkipReason, nsExec } from '../helpers/netns';
import { instanceConf, useLan, waitFor } from '../helpers/peers';

const skip = netnsSkipReason();
if (skip) console.log(`vmac integration: ${skip}`);
const d = skip ? describe.skip : describe;

const VARIANTS = [
  { label: 'v3 IPv4', tag: '4', family: 4 as const, vrid: 71, vip: '192.0.2.171', prefix: 24, virtualMac: '00:00:5e:00:01:47' },
  { label: 'v3 IPv6', tag: '6', family: 6 as const, vrid: 72, vip: '2001:db8::172', prefix: 64, virtualMac: '00:00:5e:00:02:48' },
];

/** Addresses on `dev` of `host`, or null when there is no such interface. */
function addressesOn(host: Host, dev: string): string[] | null {
  try {
    const out = execFileSync('ip', ['-n', host.ns, '-j', 'addr', 'show', 'dev', dev], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    return (JSON.parse(out) as Array<{ addr_info: Array<{ local: string }> }>).flatMap((l) => l.addr_info.map((a) => a.local));
  } catch {
    return null;
  }
}

/** A frame's kind: "icmp6 TYPE" (behind any extension headers), "ip6 proto N", or "ethertype 0xNNNN". */
function kindOf(frame: Buffer): string {
  const eth = decodeEthernet(frame);
  if (eth.etherType !== ETHERTYPE_IPV6) return `ethertype 0x${eth.etherType.toString(16).padStart(4, '0')}`;
  const ip = decodeIp(frame, eth.payloadOffset);
  return ip.protocol === IPPROTO_ICMPV6 ? `icmp6 ${frame[ip.payloadOffset]}` : `ip6 proto ${ip.protocol}`;
}

/** Whether `dev` of `host` is administratively up. */
function isUp(host: Host, dev: string): boolean {
  try {
    const out = execFileSync('ip', ['-n', host.ns, '-j', 'link', 'show', 'dev', dev], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    return (JSON.parse(out) as Array<{ flags: string[] }>)[0].flags.includes('UP');
  } catch {
    return false;
  }
}

d.each(VARIANTS)('use_vmac, $label', (v) => {
  const vmacName = `vrrp.${v.vrid}`;
  const sourceOf = (h: Host): string => (v.family === 4 ? h.ipv4 : h.linkLocal);
  const env = useLan(`vm${v.tag}`, 3);

  /** Makes h3's kernel resolve the VIP (one UDP datagram; no ping on these machines) and returns its entry. */
  async function clientNeighbour(h1: Host, h3: Host): Promise<string> {
    if (v.family === 4) {
      // h1 is told h3's MAC first: its ICMP answer leaves from eth0 (the /24 route of eth0 comes first) and an
      // ARP request of its own from eth0 with the VIP as sender address would re-point h3's entry to eth0's
      // MAC, as with keepalived, which sets no arp_announce either.
      execFileSync('ip', ['-n', h1.ns, 'neigh', 'replace', h3.ipv4, 'lladdr', h3.mac, 'dev', 'eth0', 'nud', 'permanent']);
    }
    const udp = `const s = require('dgram').createSocket('udp${v.family}'); s.send('x', 9, '${v.vip}', () => setTimeout(() => s.close(), 500));`;
    await env.lan().runNode(h3.ns, udp, [], 5000);
    const show = (): string => nsExec(h3.ns, 'ip', [`-${v.family}`, 'neigh', 'show', v.vip]);
    await waitFor('h3 to resolve the VIP', () => show().includes('lladdr'), 3000);
    return show();
  }

  test(`VIP on vrrp.${v.vrid}, adverts and announcements from the virtual MAC, graceful stop removes the vmac and hands over`, async () => {
    const [h1, h2, h3] = env.lan().hosts;
    const peers = env.peers();
    const holds = (h: Host): boolean => addressesOn(h, vmacName)?.includes(v.vip) ?? false;
    const conf = (priority: number): string =>
      instanceConf({ version: 3, vrid: v.vrid, priority, vip: `${v.vip}/${v.prefix}`, advertInt: '1', extra: 'use_vmac' });
    const stopCapture = await peers.observe(h3, 'obs');
    // What the switch receives from h2 with the virtual MAC as source, while h2 is BACKUP.
    const stopBackupCapture = await peers.tcpdump(env.lan().switchNs, 'p2', 'backup', ['-Q', 'in', `ether src ${v.virtualMac}`]);
    const a = await peers.vrrpd(h1, 'a', conf(150));
    const b = await peers.vrrpd(h2, 'b', conf(100));
    await waitFor(`h1 to hold the VIP on ${vmacName}`, () => holds(h1), 6000);
    await new Promise((r) => setTimeout(r, 2000));
    expect([holds(h1), holds(h2)]).toEqual([true, false]);
    // Both have the vmac (the backup too, as keepalived); the VIP is not on the base interface. IPv6: the
    // vmac carries only the base's link-local (no fe80::200:5eff:fe00:2xx shared by every router).
    expect(addressesOn(h2, vmacName)).toEqual(v.family === 4 ? [] : [h2.linkLocal]);
    expect(addressesOn(h1, 'eth0')).not.toContain(v.vip);
    // Someone deletes the master's vmac, then sets it down: vrrpd makes it whole again (interface, sysctls,
    // link-local, VIP) within a poll or two, before h2's Master_Down_Interval runs out.
    for (const [what, args] of [['deleted', ['link', 'del', 'dev', vmacName]], ['set down', ['link', 'set', 'dev', vmacName, 'down']]] as const) {
      execFileSync('ip', ['-n', h1.ns, ...args]);
      const ms = await waitFor(`${vmacName} up with the VIP after it was ${what}`, () => isUp(h1, vmacName) && holds(h1), 3000);
      console.log(`use_vmac ${v.label}: VIP back on ${vmacName} ${ms} ms after it was ${what}`);
      if (v.family === 6) expect(addressesOn(h1, vmacName)).toContain(h1.linkLocal);
      await new Promise((r) => setTimeout(r, 1500));
      expect([holds(h1), holds(h2)]).toEqual([true, false]);
    }
    expect(await clientNeighbour(h1, h3)).toContain(`lladdr ${v.virtualMac}`);

    const fromBackup = readCapture(readFileSync(await stopBackupCapture())).frames.map((f) => kindOf(f.data));
    const counts = fromBackup.reduce<Record<string, number>>((m, k) => ({ ...m, [k]: (m[k] ?? 0) + 1 }), {});
    console.log(`use_vmac ${v.label}: frames from the BACKUP's virtual MAC: ${JSON.stringify(counts)}`);
    // IPv6: MLDv2 reports (ICMPv6 143) are the known gap; nothing else (router solicitations were seen before).
    expect(fromBackup.filter((k) => k !== 'icmp6 143' || v.family === 4)).toEqual([]);

    // IPv4: IGMP reports for 224.0.0.0/24 are off while the vmac exists, and back on once it is gone.
    const igmpReports = (h: Host): string => nsExec(h.ns, 'cat', ['/proc/sys/net/ipv4/igmp_link_local_mcast_reports']).trim();
    if (v.family === 4) expect(igmpReports(h1)).toBe('0');

    expect(await peers.stop(a)).toBe(0);
    expect(addressesOn(h1, vmacName)).toBeNull();
    if (v.family === 4) expect(igmpReports(h1)).toBe('1');
    await waitFor('h2 to take over', () => holds(h2), 5000);
    await new Promise((r) => setTimeout(r, 1500));
    expect(await peers.stop(b)).toBe(0);
    expect(addressesOn(h2, vmacName)).toBeNull();

    const frames = readCapture(readFileSync(await stopCapture())).frames;
    const adverts = inspectFrames(frames).filter((r) => r.vrid === v.vrid);
    const from = (h: Host): typeof adverts => adverts.filter((r) => r.src === sourceOf(h));
    expect(from(h1).length).toBeGreaterThan(3);
    expect(from(h2).length).toBeGreaterThan(1);
    // Every advert: the virtual MAC, the base interface's address as source (not the VIP), valid, TTL 255.
    expect(adverts.filter((r) => r.srcMac !== v.virtualMac || (r.src !== sourceOf(h1) && r.src !== sourceOf(h2)) || !r.valid || r.ttl !== 255)).toEqual([]);
    const ann = announcements(frames).filter((x) => x.ip === v.vip);
    // Announcements from h1 becoming master and from h2 after the takeover, all from the virtual MAC
    // (IPv6: Router and Override set).
    const lastH1 = Math.max(...from(h1).map((r) => r.time));
    expect(ann.some((x) => x.time > lastH1)).toBe(true);
    expect(ann.length).toBeGreaterThanOrEqual(2);
    expect(ann.filter((x) => x.srcMac !== v.virtualMac || x.mac !== v.virtualMac)).toEqual([]);
    if (v.family === 6) expect(ann.filter((x) => !x.router || !x.override)).toEqual([]);
    console.log(`use_vmac ${v.label}: ${from(h1).length} + ${from(h2).length} adverts, ${ann.length} announcements, all from ${v.virtualMac}`);
  }, 60000);
});
