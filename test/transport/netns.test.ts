/**
 * The transports on a real (namespaced) LAN: host A sends, host B receives through our transport,
 * observer C records for tshark. Child processes run the compiled dist/ code inside the namespaces.
 */
import { ChildProcess, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Advertisement } from '../../lib/packet/advertisement';
import { buildAdvertFrame } from '../../lib/packet/frame';
import { TransportCounters } from '../../lib/transport/types';
import { collect, Lan, netnsSkipReason, REPO_ROOT, RunResult, waitForLine } from '../helpers/netns';

const skip = netnsSkipReason() ?? (existsSync(path.join(REPO_ROOT, 'dist/lib/transport/index.js')) ? null : 'dist/ not built (run npm run build)');
if (skip) console.log(skip);
const describeNs = skip ? describe.skip : describe;

const V3_4: Advertisement = { version: 3, family: 4, vrid: 51, priority: 100, intervalCs: 100, addresses: ['192.0.2.100'] };
const V3_6: Advertisement = { version: 3, family: 6, vrid: 51, priority: 100, intervalCs: 100, addresses: ['fe80::100', '2001:db8::100'] };

/**
 * argv: family ifname durationMs wantReceived [blockMs]. Prints READY, then RESULT {counters, adverts}, each
 * advert with its age (ms since the transport's receivedAt when it was handled; null: none). With blockMs,
 * the event loop is kept busy that long right after READY. Index and MAC from rtnetlink.
 */
const RECEIVER = `
const [family, ifname, ms, want, blockMs] = [Number(process.argv[1]), process.argv[2], Number(process.argv[3]), Number(process.argv[4]), Number(process.argv[5] ?? 0)];
const { openTransport } = require('./dist/lib/transport');
const { Rtnetlink } = require('./dist/lib/platform/netlink');
const nl = new Rtnetlink();
nl.link(ifname).then((l) => { nl.close(); receive(l); }, (e) => { console.error(String(e)); process.exit(1); });
function receive(l) {
const t = openTransport(family, { ifname, ifindex: l.ifindex, mac: l.mac });
const adverts = [];
t.on('advert', (bytes, ip, rx, at) => adverts.push({ ttl: ip.ttl, src: ip.src, dst: ip.dst, checksum: rx.checksum, advert: rx.advert, age: at === undefined ? null : performance.now() - at }));
t.on('error', (e) => console.error(String(e)));
const finish = () => { console.log('RESULT ' + JSON.stringify({ counters: t.counters(), adverts })); t.close(); process.exit(0); };
const timer = setTimeout(finish, ms);
const check = () => { if (t.counters().received >= want) { clearTimeout(timer); setTimeout(finish, 300); } };
t.on('advert', check);
t.on('drop', check);
Promise.resolve(t.ready).then(() => {
  console.log('READY');
  if (blockMs > 0) setImmediate(() => { const until = performance.now() + blockMs; while (performance.now() < until); });
});
}
`;

/** argv: family ifname src count. Sends `count` v3 adverts 50 ms apart; prints RESULT counters. */
const SENDER = `
const [family, ifname, src, count] = [Number(process.argv[1]), process.argv[2], process.argv[3], Number(process.argv[4])];
const { openTransport } = require('./dist/lib/transport');
const { encode } = require('./dist/lib/packet/advertisement');
const advert = JSON.parse(process.argv[5]);
const msg = encode(advert, undefined, 0, { src, dst: family === 4 ? '224.0.0.18' : 'ff02::12' });
const { Rtnetlink } = require('./dist/lib/platform/netlink');
(async () => {
  const nl = new Rtnetlink();
  const l = await nl.link(ifname);
  await nl.close();
  const t = openTransport(family, { ifname, ifindex: l.ifindex, mac: l.mac });
  for (let i = 0; i < count; i++) { await t.send(msg); await new Promise((r) => setTimeout(r, 50)); }
  console.log('RESULT ' + JSON.stringify(t.counters()));
  t.close();
})().catch((e) => { console.error(String(e)); process.exit(1); });
`;

/**
 * argv: ifname src count advertJson. Sends `count` IPv6 adverts (VRIDs 1..count) in one event-loop turn,
 * each with the source its checksum was computed for, given to send; prints RESULT counters.
 */
const BURST6 = `
const [ifname, src, count] = [process.argv[1], process.argv[2], Number(process.argv[3])];
const { openTransport } = require('./dist/lib/transport');
const { encode } = require('./dist/lib/packet/advertisement');
const advert = JSON.parse(process.argv[4]);
const { Rtnetlink } = require('./dist/lib/platform/netlink');
(async () => {
  const nl = new Rtnetlink();
  const l = await nl.link(ifname);
  await nl.close();
  const t = openTransport(6, { ifname, ifindex: l.ifindex, mac: l.mac });
  const msgs = Array.from({ length: count }, (_, k) => encode({ ...advert, vrid: k + 1 }, undefined, 0, { src, dst: 'ff02::12' }));
  await Promise.all(msgs.map((m) => t.send(m, 'ff02::12', 255, src)));
  console.log('RESULT ' + JSON.stringify(t.counters()));
  t.close();
})().catch((e) => { console.error(String(e)); process.exit(1); });
`;

/** argv: ifname hexFrame... Sends each frame with libpcap; prints RESULT sent. */
const INJECT = `
const { LinkSender } = require('./dist/lib/transport/capture');
const s = new LinkSender(process.argv[1]);
for (const hex of process.argv.slice(2)) s.send(Buffer.from(hex, 'hex'));
console.log('RESULT ' + s.sent);
s.close();
`;

/**
 * argv: ifname ip mac. Sends a gratuitous ARP for `ip` on a PacketSender (AF_PACKET), then sets `ifname`
 * down and sends it again; prints RESULT {first, down, sent, sendErrors}: the second send's errno code.
 */
const GARP = `
const [ifname, ip, mac] = process.argv.slice(1);
const { PacketSender } = require('./dist/lib/transport/packet-sender');
const { buildGratuitousArp } = require('./dist/lib/packet/arp');
const { Rtnetlink } = require('./dist/lib/platform/netlink');
const { execFileSync } = require('child_process');
(async () => {
  const nl = new Rtnetlink();
  const l = await nl.link(ifname);
  await nl.close();
  const s = new PacketSender(ifname);
  const frame = buildGratuitousArp({ senderMac: mac, ip });
  await s.send(frame, l.ifindex);
  await new Promise((r) => setTimeout(r, 300));
  execFileSync('ip', ['link', 'set', ifname, 'down']);
  const down = await s.send(frame, l.ifindex).then(() => 'sent', (e) => e.code);
  execFileSync('ip', ['link', 'set', ifname, 'up']);
  console.log('RESULT ' + JSON.stringify({ down, sent: s.sent, sendErrors: s.sendErrors }));
  s.close();
})().catch((e) => { console.error(String(e)); process.exit(1); });
`;

interface Received {
  counters: TransportCounters;
  adverts: { ttl: number; src: string; dst: string; checksum: string; advert: Advertisement; age: number | null }[];
}

function resultOf<T>(r: RunResult): T {
  const line = r.stdout.split('\n').find((l) => l.startsWith('RESULT '));
  if (!line) throw new Error(`no RESULT (exit ${r.code} ${r.signal}): ${r.stdout} ${r.stderr}`);
  return JSON.parse(line.slice('RESULT '.length)) as T;
}

describeNs(`transports in namespaces${skip ? ` (${skip})` : ''}`, () => {
  let lan: Lan;
  let tmp: string;

  beforeAll(() => {
    lan = new Lan('tr', 3);
    tmp = mkdtempSync(path.join(tmpdir(), 'vrrpt-'));
  });
  afterAll(() => {
    lan?.destroy();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  /** Starts a receiver on B, waits until it listens, runs `act`, returns what B received. */
  async function receiveOnB(family: 4 | 6, want: number, act: () => Promise<RunResult>, blockMs = 0): Promise<{ rx: Received; act: RunResult }> {
    const [, b] = lan.hosts;
    const child = lan.spawn(b.ns, process.execPath, ['-e', RECEIVER, '--', String(family), 'eth0', '4000', String(want), String(blockMs)]);
    const done = collect(child, 8000);
    await waitForLine(child, 'READY');
    const actResult = await act();
    return { rx: resultOf<Received>(await done), act: actResult };
  }

  function sendFromA(family: 4 | 6, advert: Advertisement, count: number): Promise<RunResult> {
    const a = lan.hosts[0];
    const src = family === 4 ? a.ipv4 : a.linkLocal;
    return lan.runNode(a.ns, SENDER, [String(family), 'eth0', src, String(count), JSON.stringify(advert)], 8000);
  }

  test('(a) IPv4: an advert sent by A is received valid by B with TTL 255', async () => {
    const { rx, act } = await receiveOnB(4, 3, () => sendFromA(4, V3_4, 3));
    expect(resultOf<TransportCounters>(act)).toMatchObject({ sent: 3, sendErrors: 0 });
    expect(rx.counters).toMatchObject({ received: 3, accepted: 3, dropped: {} });
    expect(rx.adverts).toHaveLength(3);
    for (const r of rx.adverts) {
      expect(r).toMatchObject({ ttl: 255, src: '192.0.2.1', dst: '224.0.0.18', checksum: 'ok-pseudo-header' });
      expect(r.advert).toEqual(V3_4);
    }
  }, 12000);

  test('(b) IPv6: an advert sent by A is received valid by B with hop limit 255', async () => {
    const { rx, act } = await receiveOnB(6, 3, () => sendFromA(6, V3_6, 3));
    // received 0: the sender's socket does not hear its own adverts (IPV6_MULTICAST_LOOP 0).
    expect(resultOf<TransportCounters>(act)).toMatchObject({ sent: 3, sendErrors: 0, received: 0 });
    expect(rx.counters).toMatchObject({ received: 3, accepted: 3, dropped: {} });
    for (const r of rx.adverts) {
      expect(r).toMatchObject({ ttl: 255, src: 'fe80::1', dst: 'ff02::12', checksum: 'ok' });
      expect(r.advert).toEqual(V3_6);
    }
  }, 12000);

  test.each([4, 6] as const)('(a, b) IPv%s: each advert carries the kernel\'s receive time: ones that arrived while the receiver was busy are handled with their age', async (family) => {
    const { rx } = await receiveOnB(family, 3, () => sendFromA(family, family === 4 ? V3_4 : V3_6, 3), 1500);
    // Each once: IPv4's send socket (raw-socket) takes no multicast and is never read.
    expect(rx.counters).toMatchObject({ received: 3, accepted: 3 });
    const ages = rx.adverts.map((r) => r.age as number);
    for (const a of ages) expect(a).toBeGreaterThanOrEqual(0);
    // Sent 50 ms apart while the loop was blocked: read together after it, the first the oldest.
    expect(ages[0]).toBeGreaterThan(ages[1]);
    expect(ages[1]).toBeGreaterThan(ages[2]);
    expect(ages[0] - ages[2]).toBeGreaterThan(50);
  }, 12000);

  test('(b) IPv6: ten adverts in one turn, each from the source given to send, all valid at B', async () => {
    const a = lan.hosts[0];
    const { rx, act } = await receiveOnB(6, 10, () => lan.runNode(a.ns, BURST6, ['eth0', a.linkLocal, '10', JSON.stringify(V3_6)], 8000));
    expect(resultOf<TransportCounters>(act)).toMatchObject({ sent: 10, sendErrors: 0 });
    expect(rx.counters).toMatchObject({ received: 10, accepted: 10, dropped: {} });
    expect(rx.adverts.map((r) => r.advert.vrid).sort((x, y) => x - y)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    for (const r of rx.adverts) expect(r).toMatchObject({ ttl: 255, src: 'fe80::1', dst: 'ff02::12', checksum: 'ok' });
  }, 12000);

  test('(b) IPv6: an advert sent from a link-local A does not hold (a vmac\'s, sent from the base) leaves with that source and its checksum', async () => {
    const a = lan.hosts[0];
    const { rx, act } = await receiveOnB(6, 2, () => lan.runNode(a.ns, BURST6, ['eth0', 'fe80::5e:99', '2', JSON.stringify(V3_6)], 8000));
    expect(resultOf<TransportCounters>(act)).toMatchObject({ sent: 2, sendErrors: 0 });
    expect(rx.counters).toMatchObject({ received: 2, accepted: 2, dropped: {} });
    for (const r of rx.adverts) expect(r).toMatchObject({ ttl: 255, src: 'fe80::5e:99', dst: 'ff02::12', checksum: 'ok' });
  }, 12000);

  test('(c) IPv6: an advert with hop limit 254 is dropped as TTL_NOT_255, one with a bad checksum as BAD_CHECKSUM (not by the kernel, unseen); the same with 255 is accepted', async () => {
    const a = lan.hosts[0];
    const frame = (ttl: number): string => buildAdvertFrame({ srcMac: '00:00:5e:00:02:33', src: a.linkLocal, advert: V3_6, ttl }).toString('hex');
    const bad = buildAdvertFrame({ srcMac: '00:00:5e:00:02:33', src: a.linkLocal, advert: V3_6 });
    bad[14 + 40 + 6] ^= 0xff; // the VRRP checksum's first byte
    const { rx, act } = await receiveOnB(6, 3, () => lan.runNode(a.ns, INJECT, ['eth0', frame(254), bad.toString('hex'), frame(255)], 8000));
    expect(resultOf<number>(act)).toBe(3);
    expect(rx.counters).toMatchObject({ received: 3, accepted: 1, dropped: { TTL_NOT_255: 1, BAD_CHECKSUM: 1 } });
    expect(rx.adverts).toHaveLength(1);
    expect(rx.adverts[0]).toMatchObject({ ttl: 255, src: 'fe80::1' });
  }, 12000);

  test('(c) IPv4: an advert with TTL 254 is dropped as TTL_NOT_255; the same with 255 is accepted', async () => {
    const a = lan.hosts[0];
    const frame = (ttl: number): string => buildAdvertFrame({ srcMac: '00:00:5e:00:01:33', src: a.ipv4, advert: V3_4, ttl }).toString('hex');
    const { rx, act } = await receiveOnB(4, 2, () => lan.runNode(a.ns, INJECT, ['eth0', frame(254), frame(255)], 8000));
    expect(resultOf<number>(act)).toBe(2);
    expect(rx.counters).toMatchObject({ received: 2, accepted: 1, dropped: { TTL_NOT_255: 1 } });
    expect(rx.adverts).toHaveLength(1);
    expect(rx.adverts[0]).toMatchObject({ ttl: 255, src: '192.0.2.1' });
  }, 12000);

  const tshark = (() => {
    try {
      execFileSync('tshark', ['--version'], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  })();
  const testTshark = tshark ? test : test.skip;
  if (!tshark) console.log('tshark not installed: (d) skipped');

  testTshark('(d) tshark on observer C calls our IPv4 and IPv6 adverts valid with good checksums', async () => {
    const c = lan.hosts[2];
    const file = path.join(tmp, 'adverts.pcap');
    const dump: ChildProcess = lan.spawn(c.ns, 'tcpdump', ['--immediate-mode', '-n', '-U', '-i', 'eth0', '-w', file, 'ip proto 112 or ip6 proto 112']);
    const dumped = collect(dump, 10000);
    await waitForLine(dump, 'listening on', 5000, 'stderr');
    expect(resultOf<TransportCounters>(await sendFromA(4, V3_4, 2))).toMatchObject({ sent: 2 });
    expect(resultOf<TransportCounters>(await sendFromA(6, V3_6, 2))).toMatchObject({ sent: 2 });
    await new Promise((r) => setTimeout(r, 300));
    dump.kill('SIGINT');
    await dumped;
    const out = execFileSync(
      'tshark',
      ['-r', file, '-o', 'vrrp.v3_checksum_as_in_v2:FALSE', '-T', 'fields', '-E', 'separator=,', '-e', 'vrrp.version', '-e', 'vrrp.virt_rtr_id', '-e', 'ip.ttl', '-e', 'ipv6.hlim', '-e', 'vrrp.checksum.status', '-e', '_ws.expert.severity'],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 10000 },
    );
    const rows = out.trim().split('\n').map((l) => l.split(','));
    expect(rows).toHaveLength(4);
    for (const [version, vrid, ttl, hlim, status, expert] of rows) {
      expect({ version, vrid, hop: ttl || hlim, expert }).toEqual({ version: '3', vrid: '51', hop: '255', expert: '' });
      expect(['1', 'Good']).toContain(status);
    }
  }, 14000);

  test('(e) a GARP leaves on the AF_PACKET sender and reaches C; with the link down the send fails with ENETDOWN and the process lives on', async () => {
    const [a, , c] = lan.hosts;
    const dump: ChildProcess = lan.spawn(c.ns, 'tcpdump', ['--immediate-mode', '-n', '-l', '-e', '-i', 'eth0', 'arp']);
    const dumped = collect(dump, 6000);
    await waitForLine(dump, 'listening on', 5000, 'stderr');
    const mac = '00:00:5e:00:01:33';
    const sent = resultOf<{ down: string; sent: number; sendErrors: number }>(await lan.runNode(a.ns, GARP, ['eth0', '192.0.2.133', mac], 8000));
    expect(sent).toEqual({ down: 'ENETDOWN', sent: 1, sendErrors: 1 });
    await new Promise((r) => setTimeout(r, 200));
    dump.kill('SIGINT');
    const out = (await dumped).stdout;
    expect(out).toMatch(new RegExp(`${mac} > ff:ff:ff:ff:ff:ff, ethertype ARP .*Request who-has 192\\.0\\.2\\.133 tell 192\\.0\\.2\\.133`));
    expect(out.split('\n').filter((l) => l.includes('192.0.2.133'))).toHaveLength(1);
  }, 14000);
});
