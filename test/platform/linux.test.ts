/**
 * LinuxPlatform (rtnetlink) in namespaces: a VIP added in host A shows in `ip -j addr`, is removed again,
 * and the GARP / unsolicited NA A sends is captured by host B; links() and watchLinks() follow changes
 * made by someone else (iproute2 run by the test); vmacs. Children run the compiled dist/ code.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { decodeArp } from '../../lib/packet/arp';
import { decodeEthernet, ETHERTYPE_ARP, ETHERTYPE_IPV6 } from '../../lib/packet/ethernet';
import { decodeIPv6 } from '../../lib/packet/ipv6';
import { decodeNeighborAdvert } from '../../lib/packet/ndisc';
import { collect, Lan, netnsSkipReason, REPO_ROOT, RunResult, waitForLine } from '../helpers/netns';

const skip = netnsSkipReason() ?? (existsSync(path.join(REPO_ROOT, 'dist/lib/platform/index.js')) ? null : 'dist/ not built (run npm run build)');
if (skip) console.log(skip);
const describeNs = skip ? describe.skip : describe;

/** argv: ifname cidr... Adds each (timed), adds the first again; prints RESULT. */
const ADD = `
const { LinuxPlatform } = require('./dist/lib/platform/linux');
const [ifname, ...cidrs] = process.argv.slice(1);
const p = new LinuxPlatform();
(async () => {
  const added = [], ms = [];
  for (const c of cidrs) { const t0 = process.hrtime.bigint(); added.push(await p.addVip(ifname, c)); ms.push(Number(process.hrtime.bigint() - t0) / 1e6); }
  const again = await p.addVip(ifname, cidrs[0]);
  console.log('RESULT ' + JSON.stringify({ added, ms, again, list: await p.listAddresses(ifname) }));
})().catch((e) => { console.error(String(e)); process.exit(1); });
`;

/** argv: ifname cidr... Removes each, then the first again; prints RESULT. */
const REMOVE = `
const { LinuxPlatform } = require('./dist/lib/platform/linux');
const [ifname, ...cidrs] = process.argv.slice(1);
const p = new LinuxPlatform();
(async () => {
  const removed = [];
  for (const c of cidrs) removed.push(await p.removeVip(ifname, c));
  console.log('RESULT ' + JSON.stringify({ removed, again: await p.removeVip(ifname, cidrs[0]) }));
})().catch((e) => { console.error(String(e)); process.exit(1); });
`;

/** argv: ifname mac address... Announces (mac "-": the interface's own); prints RESULT count. */
const ANNOUNCE = `
const { LinuxPlatform } = require('./dist/lib/platform/linux');
const [ifname, mac, ...addresses] = process.argv.slice(1);
const p = new LinuxPlatform();
p.announce(ifname, addresses, mac === '-' ? undefined : mac).then((n) => p.close().then(() => console.log('RESULT ' + n)), (e) => { console.error(String(e)); process.exit(1); });
`;

/** argv: ifname filter want ms. Captures until `want` frames or `ms`; prints READY, then RESULT hex[]. */
const CAPTURE = `
const { LinkCapture } = require('./dist/lib/transport/capture');
const [ifname, filter, want, ms] = [process.argv[1], process.argv[2], Number(process.argv[3]), Number(process.argv[4])];
const c = new LinkCapture({ ifname, filter });
const frames = [];
const finish = () => { c.close(); console.log('RESULT ' + JSON.stringify(frames)); process.exit(0); };
const timer = setTimeout(finish, ms);
c.on('frame', (f) => { frames.push(f.toString('hex')); if (frames.length >= want) { clearTimeout(timer); setTimeout(finish, 200); } });
console.log('READY');
`;

function resultOf<T>(r: RunResult): T {
  const line = r.stdout.split('\n').find((l) => l.startsWith('RESULT '));
  if (!line) throw new Error(`no RESULT (exit ${r.code} ${r.signal}): ${r.stdout} ${r.stderr}`);
  return JSON.parse(line.slice('RESULT '.length)) as T;
}

interface IpAddrJson {
  addr_info: { local: string; prefixlen: number }[];
}

describeNs(`LinuxPlatform in namespaces${skip ? ` (${skip})` : ''}`, () => {
  let lan: Lan;
  beforeAll(() => {
    lan = new Lan('pl', 2);
  });
  afterAll(() => lan?.destroy());

  const addrsOf = (ns: string): string[] =>
    (JSON.parse(execFileSync('ip', ['-n', ns, '-j', 'addr', 'show', 'dev', 'eth0'], { encoding: 'utf8' })) as IpAddrJson[])[0].addr_info.map(
      (a) => `${a.local}/${a.prefixlen}`,
    );

  test('(e) adds and removes a 192.0.2.100/24 VIP; ip -j addr shows it while present', async () => {
    const a = lan.hosts[0];
    const vips = ['192.0.2.100/24', '192.0.2.101/24', '192.0.2.102/24', '2001:db8::100/64'];
    const added = resultOf<{ added: boolean[]; ms: number[]; again: boolean; list: { cidr: string }[] }>(await lan.runNode(a.ns, ADD, ['eth0', ...vips]));
    expect(added.added).toEqual([true, true, true, true]);
    expect(added.again).toBe(false);
    expect(added.list.map((x) => x.cidr)).toEqual(expect.arrayContaining(vips));
    expect(addrsOf(a.ns)).toEqual(expect.arrayContaining(vips));
    const sorted = [...added.ms].sort((x, y) => x - y);
    console.log(`LinuxPlatform.addVip (rtnetlink, first one includes the dump): ${added.ms.map((x) => x.toFixed(2)).join(', ')} ms; median ${sorted[Math.floor(sorted.length / 2)].toFixed(2)} ms`);

    const removed = resultOf<{ removed: boolean[]; again: boolean }>(await lan.runNode(a.ns, REMOVE, ['eth0', ...vips]));
    expect(removed).toEqual({ removed: [true, true, true, true], again: false });
    const left = addrsOf(a.ns);
    for (const v of vips) expect(left).not.toContain(v);
    expect(left).toContain('192.0.2.1/24');
  }, 14000);

  test('(e) a GARP and an unsolicited NA sent from A are captured by B', async () => {
    const [a, b] = lan.hosts;
    const vmac = '00:00:5e:00:01:33';
    const cap = lan.spawn(b.ns, process.execPath, ['-e', CAPTURE, '--', 'eth0', 'arp or (icmp6 and ip6[40] == 136)', '2', '4000']);
    const captured = collect(cap, 8000);
    await waitForLine(cap, 'READY');
    expect(resultOf<number>(await lan.runNode(a.ns, ANNOUNCE, ['eth0', vmac, '192.0.2.100/24', '2001:db8::100']))).toBe(2);
    const frames = resultOf<string[]>(await captured).map((h) => Buffer.from(h, 'hex'));
    expect(frames).toHaveLength(2);
    const arpFrame = frames.find((f) => decodeEthernet(f).etherType === ETHERTYPE_ARP);
    const naFrame = frames.find((f) => decodeEthernet(f).etherType === ETHERTYPE_IPV6);
    if (!arpFrame || !naFrame) throw new Error('expected one ARP and one NA frame');
    expect(decodeEthernet(arpFrame).src).toBe(vmac);
    expect(decodeArp(arpFrame, 14)).toMatchObject({ op: 1, senderMac: vmac, senderIp: '192.0.2.100', targetIp: '192.0.2.100' });
    const ip6 = decodeIPv6(naFrame, 14);
    expect(ip6).toMatchObject({ src: a.linkLocal, dst: 'ff02::1', ttl: 255 });
    expect(decodeNeighborAdvert(naFrame, ip6.payloadOffset, ip6.payloadEnd, ip6.srcBytes, ip6.dstBytes)).toMatchObject({
      target: '2001:db8::100',
      targetMac: vmac,
      router: true,
      override: true,
      solicited: false,
      checksumOk: true,
    });
  }, 14000);

  test('(f) without a MAC, announcements leave from the MAC the interface has now (it changed since start-up)', async () => {
    const [a, b] = lan.hosts;
    const now = '02:00:00:00:02:0a';
    execFileSync('ip', ['-n', a.ns, 'link', 'set', 'eth0', 'address', now]);
    try {
      const cap = lan.spawn(b.ns, process.execPath, ['-e', CAPTURE, '--', 'eth0', 'arp', '1', '4000']);
      const captured = collect(cap, 8000);
      await waitForLine(cap, 'READY');
      expect(resultOf<number>(await lan.runNode(a.ns, ANNOUNCE, ['eth0', '-', '192.0.2.100/24']))).toBe(1);
      const [frame] = resultOf<string[]>(await captured).map((h) => Buffer.from(h, 'hex'));
      expect(decodeEthernet(frame).src).toBe(now);
      expect(decodeArp(frame, 14)).toMatchObject({ senderMac: now, senderIp: '192.0.2.100' });
    } finally {
      execFileSync('ip', ['-n', a.ns, 'link', 'set', 'eth0', 'address', a.mac]);
    }
  }, 14000);
});
