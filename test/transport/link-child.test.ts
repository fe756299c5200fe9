/**
 * The daemon's one link-layer child (lib/transport/link-pool.ts) on a namespaced LAN: the IPv6 captures of
 * two interfaces, each with its own BPF filter, and the send handles live in one process; a capture on a
 * missing interface fails alone; the child SIGKILLed by pid comes back with every capture and sends again.
 * Host A has eth0 and a second link e1 (a veth to host B); the frames are IPv6 adverts A sends (libpcap
 * shows a handle the frames other handles send), from A's MACs or a peer's.
 */
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { Lan, netnsSkipReason, nsExec, REPO_ROOT } from '../helpers/netns';

const skip = netnsSkipReason() ?? (existsSync(path.join(REPO_ROOT, 'dist/lib/transport/link-child.js')) ? null : 'dist/ not built (run npm run build)');
if (skip) console.log(skip);
const describeNs = skip ? describe.skip : describe;

const E1_MAC = '02:00:00:00:01:01';

/**
 * argv: ownMac e1Mac. Captures on eth0 (not from ownMac) and e1 (not from e1Mac) and on a missing
 * interface; per round sends on each link an advert from ownMac (VRID 10) and one from e1Mac (VRID 20),
 * then kills the child and does it again. Prints RESULT {...}.
 */
const SCRIPT = `
const { ForkedCapture } = require('./dist/lib/transport/forked-capture');
const { ForkedSender } = require('./dist/lib/transport/forked-sender');
const { linkPool } = require('./dist/lib/transport/link-pool');
const { ipv6VrrpFilter } = require('./dist/lib/transport/ipv6');
const { buildAdvertFrame } = require('./dist/lib/packet/frame');
const { decodeEthernet } = require('./dist/lib/packet/ethernet');
const [ownMac, e1Mac] = process.argv.slice(1);
const { once } = require('node:events');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const advert = (srcMac, vrid) => buildAdvertFrame({ srcMac, src: 'fe80::99', advert: { version: 3, family: 6, vrid, priority: 100, intervalCs: 100, addresses: ['2001:db8::64'] } });
const seen = { eth0: [], e1: [] };
const errors = { eth0: [], e1: [], bad: [] };
// How long before its 'frame' event each frame was captured (ms): the child's stamp, in this process's clock.
const ages = [];
const vridOf = (f) => f[decodeEthernet(f).payloadOffset + 40 + 1];
const caps = {
  eth0: new ForkedCapture({ ifname: 'eth0', filter: ipv6VrrpFilter(ownMac) }),
  e1: new ForkedCapture({ ifname: 'e1', filter: ipv6VrrpFilter(e1Mac) }),
  bad: new ForkedCapture({ ifname: 'nosuch0', filter: ipv6VrrpFilter(ownMac) }),
};
for (const [name, c] of Object.entries(caps)) {
  c.on('error', (e) => errors[name].push(e.message));
  if (seen[name]) c.on('frame', (f, at) => {
    seen[name].push(vridOf(f));
    ages.push(typeof at === 'number' ? performance.now() - at : null);
  });
}
const senders = { eth0: new ForkedSender('eth0'), e1: new ForkedSender('e1') };
const round = async () => {
  for (const k of ['eth0', 'e1']) seen[k] = [];
  for (const k of ['eth0', 'e1']) await Promise.all([senders[k].send(advert(ownMac, 10)), senders[k].send(advert(e1Mac, 20))]);
  await sleep(300);
  return { eth0: [...seen.eth0].sort(), e1: [...seen.e1].sort() };
};
const readyAgain = (c) => new Promise((r) => c.once('ready', r));
(async () => {
  await Promise.all([caps.eth0.ready, caps.e1.ready]);
  const badReady = await caps.bad.ready.then(() => 'open', (e) => e.message);
  const before = await round();
  await sleep(1100); // an old child: restarted at once (a young one waits RESTART_MS)
  const firstPid = linkPool.pid;
  const startsBefore = linkPool.starts;
  const back = Promise.all([readyAgain(caps.eth0), readyAgain(caps.e1)]);
  const stopped = Promise.all([once(caps.eth0, 'error'), once(caps.e1, 'error')]);
  process.kill(firstPid, 'SIGKILL');
  await stopped;
  // The captures come back in a new child at once; the next send goes through it.
  const t0 = Date.now();
  await senders.eth0.send(advert(ownMac, 30));
  await back;
  const backAfterMs = Date.now() - t0;
  const after = await round();
  const result = {
    badReady, before, after, firstPid, secondPid: linkPool.pid, startsBefore, starts: linkPool.starts, backAfterMs,
    capStarts: caps.eth0.starts, senderStarts: senders.e1.starts,
    restarts: { eth0: caps.eth0.restarts, e1: caps.e1.restarts, bad: caps.bad.restarts },
    errors, ages, sent: senders.eth0.sent + senders.e1.sent, sendErrors: senders.eth0.sendErrors + senders.e1.sendErrors,
  };
  for (const c of Object.values(caps)) c.close();
  await Promise.all(Object.values(senders).map((s) => s.close()));
  result.pidAfterClose = linkPool.pid ?? null;
  console.log('RESULT ' + JSON.stringify(result));
})().catch((e) => { console.error(String(e)); process.exit(1); });
`;

/**
 * argv: ownMac e1Mac. Captures on eth0 and e1, takes e1 down (the `cap` addon aborts the child), checks
 * that eth0's capture comes back while e1's fails to open, brings e1 up, checks both. Prints RESULT {...}.
 */
const FLAP = `
const { execFileSync } = require('node:child_process');
const { once } = require('node:events');
const { ForkedCapture } = require('./dist/lib/transport/forked-capture');
const { ForkedSender } = require('./dist/lib/transport/forked-sender');
const { linkPool } = require('./dist/lib/transport/link-pool');
const { ipv6VrrpFilter } = require('./dist/lib/transport/ipv6');
const { buildAdvertFrame } = require('./dist/lib/packet/frame');
const [ownMac, e1Mac] = process.argv.slice(1);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const advert = (srcMac) => buildAdvertFrame({ srcMac, src: 'fe80::99', advert: { version: 3, family: 6, vrid: 7, priority: 100, intervalCs: 100, addresses: ['2001:db8::64'] } });
const caps = { eth0: new ForkedCapture({ ifname: 'eth0', filter: ipv6VrrpFilter(ownMac) }), e1: new ForkedCapture({ ifname: 'e1', filter: ipv6VrrpFilter(e1Mac) }) };
const counts = { eth0: 0, e1: 0 };
const errors = { eth0: [], e1: [] };
for (const k of ['eth0', 'e1']) {
  caps[k].on('frame', () => counts[k]++);
  caps[k].on('error', (e) => errors[k].push(e.message));
}
const senders = { eth0: new ForkedSender('eth0'), e1: new ForkedSender('e1') };
const seenAfterSend = async (k, srcMac) => {
  const n = counts[k];
  await senders[k].send(advert(srcMac));
  await sleep(200);
  return counts[k] - n;
};
(async () => {
  await Promise.all([caps.eth0.ready, caps.e1.ready]);
  const before = { eth0: await seenAfterSend('eth0', e1Mac), e1: await seenAfterSend('e1', ownMac) };
  const stopped = once(caps.eth0, 'error');
  execFileSync('ip', ['link', 'set', 'e1', 'down']);
  await stopped;
  await once(caps.eth0, 'ready');
  await sleep(300);
  const whileDown = { eth0: await seenAfterSend('eth0', e1Mac), e1Errors: errors.e1.length, startsWhileDown: linkPool.starts };
  execFileSync('ip', ['link', 'set', 'e1', 'up']);
  await once(caps.e1, 'ready');
  const after = { eth0: await seenAfterSend('eth0', e1Mac), e1: await seenAfterSend('e1', ownMac) };
  const result = { before, whileDown, after, starts: linkPool.starts, restarts: { eth0: caps.eth0.restarts, e1: caps.e1.restarts }, errors };
  for (const c of Object.values(caps)) c.close();
  await Promise.all(Object.values(senders).map((s) => s.close()));
  console.log('RESULT ' + JSON.stringify(result));
})().catch((e) => { console.error(String(e)); process.exit(1); });
`;

interface FlapResult {
  before: { eth0: number; e1: number };
  whileDown: { eth0: number; e1Errors: number; startsWhileDown: number };
  after: { eth0: number; e1: number };
  starts: number;
  restarts: { eth0: number; e1: number };
  errors: { eth0: string[]; e1: string[] };
}

interface Result {
  badReady: string;
  before: { eth0: number[]; e1: number[] };
  after: { eth0: number[]; e1: number[] };
  firstPid: number;
  secondPid: number;
  startsBefore: number;
  starts: number;
  backAfterMs: number;
  capStarts: number;
  senderStarts: number;
  restarts: { eth0: number; e1: number; bad: number };
  errors: { eth0: string[]; e1: string[]; bad: string[] };
  ages: Array<number | null>;
  sent: number;
  sendErrors: number;
  pidAfterClose: number | null;
}

describeNs(`one link-layer child in namespaces${skip ? ` (${skip})` : ''}`, () => {
  let lan: Lan;
  let result: Result;
  beforeAll(async () => {
    lan = new Lan('lc', 2);
    const [a, b] = lan.hosts;
    nsExec(a.ns, 'ip', ['link', 'add', 'e1', 'address', E1_MAC, 'type', 'veth', 'peer', 'name', 'e1', 'netns', b.ns]);
    nsExec(a.ns, 'ip', ['link', 'set', 'e1', 'up']);
    nsExec(b.ns, 'ip', ['link', 'set', 'e1', 'up']);
    const r = await lan.runNode(a.ns, SCRIPT, [a.mac, E1_MAC], 20000);
    const line = r.stdout.split('\n').find((l) => l.startsWith('RESULT '));
    if (!line) throw new Error(`no RESULT (exit ${r.code} ${r.signal}): ${r.stdout} ${r.stderr}`);
    result = JSON.parse(line.slice(7)) as Result;
    console.log(`link-layer child: ${JSON.stringify(result)}`);
  }, 30000);
  afterAll(() => lan?.destroy());

  test('a link going down ends the child: the other link capture comes back, the down one retries until it is up', async () => {
    const a = lan.hosts[0];
    const r = await lan.runNode(a.ns, FLAP, [a.mac, E1_MAC], 20000);
    const line = r.stdout.split('\n').find((l) => l.startsWith('RESULT '));
    if (!line) throw new Error(`no RESULT (exit ${r.code} ${r.signal}): ${r.stdout} ${r.stderr}`);
    const flap = JSON.parse(line.slice(7)) as FlapResult;
    console.log(`link-layer child across a link flap: ${JSON.stringify(flap)}; child stderr: ${r.stderr.match(/Assertion.*/)?.[0] ?? ''}`);
    expect(flap.before).toEqual({ eth0: 1, e1: 1 });
    expect(r.stderr).toMatch(/Assertion .status == 0. failed/);
    expect(flap.errors.eth0).toEqual([expect.stringMatching(/stopped \(SIGABRT\)/)]);
    // While e1 is down its capture fails to open in the new child, without ending it or eth0's capture.
    expect(flap.whileDown.eth0).toBe(1);
    expect(flap.whileDown.e1Errors).toBeGreaterThanOrEqual(2);
    expect(flap.whileDown.startsWhileDown).toBe(2);
    expect(flap.errors.e1.slice(1).every((m) => /failed \(.*not up.*\); retrying in 1000 ms/.test(m))).toBe(true);
    expect(flap.after).toEqual({ eth0: 1, e1: 1 });
    expect(flap.starts).toBe(2);
    expect(flap.restarts.eth0).toBe(1);
    expect(flap.restarts.e1).toBeGreaterThanOrEqual(2);
  }, 30000);

  test('the captures of two interfaces, each with its own filter, share one child; a missing interface fails alone', () => {
    expect(result.startsBefore).toBe(1);
    // eth0's filter drops frames from A's own MAC (VRID 10), e1's those from e1's MAC (VRID 20).
    expect(result.before).toEqual({ eth0: [20], e1: [10] });
    expect(result.badReady).toMatch(/nosuch0|No such device|not up|exist/i);
    expect(result.errors.bad.length).toBeGreaterThan(0);
    expect(result.restarts.bad).toBeGreaterThan(0);
  });

  test('each frame carries the moment the child captured it, in the parent clock (the IPC hop after it)', () => {
    expect(result.ages.length).toBe(4);
    for (const age of result.ages) {
      expect(typeof age).toBe('number');
      expect(age).toBeGreaterThanOrEqual(0);
      expect(age).toBeLessThan(100);
    }
  });

  test('sends and captures go through the same child', () => {
    expect(result.capStarts).toBe(result.senderStarts);
    expect(result.startsBefore).toBe(1);
    expect(result.sent).toBe(9);
    expect(result.sendErrors).toBe(0);
  });

  test('the child SIGKILLed: one new child, every capture reopened in it, sends work again; the last user ends it', () => {
    expect(result.secondPid).not.toBe(result.firstPid);
    // The send after the kill started the second child; the captures were reopened in it, not in a third.
    expect(result.starts).toBe(2);
    expect(result.restarts.eth0).toBe(1);
    expect(result.restarts.e1).toBe(1);
    expect(result.errors.eth0).toEqual([expect.stringMatching(/stopped \(SIGKILL\); restarting/)]);
    expect(result.errors.e1).toHaveLength(1);
    // At once (a child's start), not after RESTART_MS: the other interfaces' backups must not go deaf.
    expect(result.backAfterMs).toBeLessThan(900);
    expect(result.after).toEqual({ eth0: [20], e1: [10] });
    expect(result.pidAfterClose).toBeNull();
  });
});
