/**
 * LinuxPlatform's rtnetlink side in namespaces: links() against iproute2's view, watchLinks() following
 * changes someone else makes (the test runs `ip`), addVip/removeVip refusals, vmacs, and what
 * addVip/announce cost without spawning (printed, never asserted). Children run the compiled dist/ code.
 */
import { ChildProcess, execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import type { LinkInfo } from '../../lib/platform/types';
import { collect, Lan, netnsSkipReason, nsExec, REPO_ROOT, RunResult } from '../helpers/netns';

const skip = netnsSkipReason() ?? (existsSync(path.join(REPO_ROOT, 'dist/lib/platform/linux.js')) ? null : 'dist/ not built (run npm run build)');
if (skip) console.log(skip);
const describeNs = skip ? describe.skip : describe;

/** Prints RESULT links(). */
const LINKS = `
const { LinuxPlatform } = require('./dist/lib/platform/linux');
const p = new LinuxPlatform();
p.links().then(async (l) => { await p.close(); console.log('RESULT ' + JSON.stringify(l)); }, (e) => { console.error(String(e)); process.exit(1); });
`;

/** argv: ifname. Prints READY once subscribed, then LINKS <ifname's LinkInfo or null> per call. */
const WATCH = `
const { LinuxPlatform } = require('./dist/lib/platform/linux');
const p = new LinuxPlatform();
const ifname = process.argv[1];
p.watchLinks((links) => console.log('LINKS ' + JSON.stringify(links.find((l) => l.ifname === ifname) ?? null)))
  .then(() => console.log('READY'), (e) => { console.error(String(e)); process.exit(1); });
setTimeout(() => process.exit(0), 30000);
`;

/** argv: ifname cidr. addVip on an unknown interface and on ifname; prints RESULT the two messages. */
const REFUSED = `
const { LinuxPlatform } = require('./dist/lib/platform/linux');
const [ifname, cidr] = process.argv.slice(1);
const p = new LinuxPlatform();
(async () => {
  const why = (f) => f().then(() => 'resolved', (e) => String(e.message));
  const unknown = await why(() => p.addVip('nosuch0', cidr));
  const refused = await why(() => p.addVip(ifname, cidr));
  await p.close();
  console.log('RESULT ' + JSON.stringify({ unknown, refused }));
})();
`;

/**
 * argv: ifname. 200 addVip / removeVip, 20 announces (sender warm), 20 'ip addr add' spawns for comparison;
 * child_process is watched while the platform works. Prints RESULT timings and what was spawned.
 */
const COST = `
const cp = require('node:child_process');
const spawned = [];
for (const f of ['spawn', 'spawnSync', 'exec', 'execSync', 'execFile', 'execFileSync', 'fork']) {
  const orig = cp[f];
  cp[f] = function (...args) { spawned.push(f + ' ' + String(args[0]) + (f === 'fork' ? '' : ' ' + JSON.stringify(args[1] ?? ''))); return orig.apply(this, args); };
}
const { LinuxPlatform } = require('./dist/lib/platform/linux');
const ifname = process.argv[1];
const p = new LinuxPlatform();
const ms = (t0) => Number(process.hrtime.bigint() - t0) / 1e6;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
(async () => {
  await p.links();
  const add = [], del = [], announce = [];
  for (let i = 1; i <= 200; i++) { const t0 = process.hrtime.bigint(); if (!(await p.addVip(ifname, '203.0.113.' + i + '/24'))) throw new Error('not added'); add.push(ms(t0)); }
  const listed = (await p.listAddresses(ifname)).filter((a) => a.address.startsWith('203.0.113.')).length;
  // Secondaries first: removing the primary 203.0.113.1/24 takes its secondaries with it (no promote_secondaries).
  for (let i = 200; i >= 1; i--) { const t0 = process.hrtime.bigint(); if (!(await p.removeVip(ifname, '203.0.113.' + i + '/24'))) throw new Error('not removed'); del.push(ms(t0)); }
  await p.announce(ifname, ['192.0.2.100/24', '2001:db8::100']);
  for (let i = 0; i < 20; i++) { const t0 = process.hrtime.bigint(); await p.announce(ifname, ['192.0.2.100/24', '2001:db8::100']); announce.push(ms(t0)); }
  const byPlatform = spawned.splice(0);
  await p.close();
  const run = (args) => new Promise((res, rej) => cp.execFile('ip', args, (e) => (e ? rej(e) : res())));
  const spawn = [];
  for (let i = 1; i <= 20; i++) { const t0 = process.hrtime.bigint(); await run(['addr', 'add', '198.51.100.' + i + '/24', 'dev', ifname]); spawn.push(ms(t0)); }
  for (let i = 20; i >= 1; i--) await run(['addr', 'del', '198.51.100.' + i + '/24', 'dev', ifname]);
  console.log('RESULT ' + JSON.stringify({ listed, add: median(add), del: median(del), announce: median(announce), spawn: median(spawn), byPlatform }));
})().catch((e) => { console.error(String(e)); process.exit(1); });
`;

/**
 * argv: ifname. 255 addVip issued at once (a mass takeover), with a links() dump among them, then 255
 * removeVip at once; the same 255 one after the other for comparison. Prints RESULT what was listed and
 * the times.
 */
const BATCH = `
const { LinuxPlatform } = require('./dist/lib/platform/linux');
const ifname = process.argv[1];
const p = new LinuxPlatform();
const ms = (t0) => Number(process.hrtime.bigint() - t0) / 1e6;
const cidrs = Array.from({ length: 255 }, (_, i) => '203.0.113.' + (i + 1) + '/32');
const mine = async () => (await p.listAddresses(ifname)).filter((a) => a.address.startsWith('203.0.113.')).length;
(async () => {
  await p.links();
  let t0 = process.hrtime.bigint();
  const adds = cidrs.map((c) => p.addVip(ifname, c));
  const midDump = p.links().then((ls) => ls.length);
  const added = (await Promise.all(adds)).filter(Boolean).length;
  const batchAdd = ms(t0);
  const dumped = await midDump;
  const listedAfterAdd = await mine();
  const again = (await Promise.all(cidrs.map((c) => p.addVip(ifname, c)))).filter((x) => x === false).length;
  t0 = process.hrtime.bigint();
  const removed = (await Promise.all(cidrs.map((c) => p.removeVip(ifname, c)))).filter(Boolean).length;
  const batchDel = ms(t0);
  const listedAfterDel = await mine();
  t0 = process.hrtime.bigint();
  for (const c of cidrs) await p.addVip(ifname, c);
  const serialAdd = ms(t0);
  for (const c of cidrs) await p.removeVip(ifname, c);
  await p.close();
  console.log('RESULT ' + JSON.stringify({ added, dumped, listedAfterAdd, again, removed, listedAfterDel, batchAdd, batchDel, serialAdd }));
})().catch((e) => { console.error(String(e)); process.exit(1); });
`;

/**
 * argv: ifname. With the cache filled and the socket quiet: one addVip alone, then three at once, then one
 * right after an answer (the package may still hold the last send's completion). Each `sent` checks with
 * iproute2 that its address is in the kernel already. Prints RESULT what the calls saw.
 */
const SENT = `
const { execFileSync } = require('node:child_process');
const { LinuxPlatform } = require('./dist/lib/platform/linux');
const ifname = process.argv[1];
const p = new LinuxPlatform();
const listed = (a) => execFileSync('ip', ['-j', 'addr', 'show', 'dev', ifname], { encoding: 'utf8' }).includes('"' + a.split('/')[0] + '"');
const quiet = () => new Promise((r) => setTimeout(r, 20));
const calls = [];
const answered = new Set();
let inCall = false;
const add = (c) => {
  inCall = true;
  const answer = p.addVip(ifname, c, undefined, () => calls.push({ c, inside: inCall, listed: listed(c), answered: answered.has(c) }));
  inCall = false;
  return answer.then((r) => (answered.add(c), r));
};
(async () => {
  await p.links();
  await quiet();
  const added = [await add('192.0.2.201/32')];
  await quiet();
  added.push(...(await Promise.all(['192.0.2.202/32', '192.0.2.203/32', '192.0.2.204/32'].map(add))));
  added.push(await add('192.0.2.205/32'));
  for (let k = 201; k <= 205; k++) await p.removeVip(ifname, '192.0.2.' + k + '/32');
  await p.close();
  console.log('RESULT ' + JSON.stringify({ added, calls }));
})().catch((e) => { console.error(String(e)); process.exit(1); });
`;

/** argv: base. Creates vrrp.51 (IPv4) twice and vrrp6.51 (IPv6), prints RESULT; REMOVE then removes both twice. */
const VMAC = `
const { LinuxPlatform } = require('./dist/lib/platform/linux');
const base = process.argv[1];
const p = new LinuxPlatform();
(async () => {
  if (process.argv[2] === 'remove') {
    const r = [await p.removeVmac('vrrp.51'), await p.removeVmac('vrrp6.51'), await p.removeVmac('vrrp.51')];
    await p.close();
    console.log('RESULT ' + JSON.stringify(r));
    return;
  }
  const v4 = await p.createVmac(base, 'vrrp.51', '00:00:5e:00:01:33', 4);
  const again = await p.createVmac(base, 'vrrp.51', '00:00:5e:00:01:33', 4);
  const v6 = await p.createVmac(base, 'vrrp6.51', '00:00:5e:00:02:33', 6);
  const links = (await p.links()).filter((l) => l.ifname.startsWith('vrrp'));
  await p.close();
  console.log('RESULT ' + JSON.stringify({ v4, again, v6, links }));
})().catch((e) => { console.error(String(e)); process.exit(1); });
`;

function resultOf<T>(r: RunResult): T {
  const line = r.stdout.split('\n').find((l) => l.startsWith('RESULT '));
  if (!line) throw new Error(`no RESULT (exit ${r.code} ${r.signal}): ${r.stdout} ${r.stderr}`);
  return JSON.parse(line.slice('RESULT '.length)) as T;
}

interface IpLink {
  ifindex: number;
  ifname: string;
  address?: string;
  flags: string[];
  link?: string;
  inet6_addr_gen_mode?: string;
  linkinfo?: { info_kind?: string; info_data?: { mode?: string } };
  addr_info?: { local: string; prefixlen: number }[];
}

const ipJson = (ns: string, ...args: string[]): IpLink[] => JSON.parse(execFileSync('ip', ['-n', ns, '-j', ...args], { encoding: 'utf8' })) as IpLink[];
const ip = (ns: string, ...args: string[]): void => void execFileSync('ip', ['-n', ns, ...args], { stdio: 'ignore' });

/** Follows a WATCH child: every LINKS line, and waiting for one that matches. */
class Watcher {
  readonly seen: (LinkInfo | null)[] = [];
  private wake: (() => void) | null = null;
  constructor(readonly child: ChildProcess) {
    let buf = '';
    child.stdout?.on('data', (d: Buffer) => {
      buf += d.toString();
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        if (line.startsWith('LINKS ')) this.seen.push(JSON.parse(line.slice(6)) as LinkInfo | null);
        this.wake?.();
      }
    });
  }

  /** Resolves with the first call from index `from` on whose link satisfies `pred`; rejects after 5 s. */
  async until(from: number, what: string, pred: (l: LinkInfo | null) => boolean): Promise<LinkInfo | null> {
    const deadline = Date.now() + 5000;
    for (;;) {
      const hit = this.seen.slice(from).find(pred);
      if (hit !== undefined) return hit;
      if (Date.now() > deadline) throw new Error(`watchLinks never reported ${what}; last: ${JSON.stringify(this.seen[this.seen.length - 1])}`);
      await new Promise<void>((r) => {
        this.wake = r;
        setTimeout(r, 100);
      });
    }
  }
}

describeNs(`LinuxPlatform rtnetlink in namespaces${skip ? ` (${skip})` : ''}`, () => {
  let lan: Lan;
  beforeAll(() => {
    lan = new Lan('nl', 1);
  });
  afterAll(() => lan?.destroy());

  test('links() shows eth0 with the ifindex, MAC, state and addresses (in order) that ip -j shows', async () => {
    const a = lan.hosts[0];
    ip(a.ns, 'addr', 'add', '192.0.2.200/24', 'dev', 'eth0');
    ip(a.ns, 'addr', 'add', '203.0.113.9/32', 'scope', 'link', 'dev', 'eth0');
    ip(a.ns, 'addr', 'add', '2001:db8::99/64', 'dev', 'eth0', 'nodad');
    try {
      const links = resultOf<LinkInfo[]>(await lan.runNode(a.ns, LINKS));
      const [want] = ipJson(a.ns, 'addr', 'show', 'dev', 'eth0');
      const eth0 = links.find((l) => l.ifname === 'eth0');
      expect(eth0).toMatchObject({ ifindex: want.ifindex, mac: a.mac, up: true, adminUp: true });
      expect(eth0?.addresses.map((x) => x.cidr)).toEqual((want.addr_info ?? []).map((x) => `${x.local}/${x.prefixlen}`));
      expect(eth0?.addresses.find((x) => x.address === a.linkLocal)).toEqual({ family: 6, address: a.linkLocal, prefixLength: 64, cidr: `${a.linkLocal}/64`, scope: 'link' });
      expect(links.find((l) => l.ifname === 'lo')).toMatchObject({ ifindex: 1, up: true });
    } finally {
      for (const c of ['192.0.2.200/24', '203.0.113.9/32', '2001:db8::99/64']) ip(a.ns, 'addr', 'del', c, 'dev', 'eth0');
    }
  }, 14000);

  test('addVip refusals: an unknown interface, and the kernel refusing, name the interface and address', async () => {
    const a = lan.hosts[0];
    ip(a.ns, 'link', 'add', 'x0', 'type', 'veth', 'peer', 'name', 'x1');
    try {
      nsExec(a.ns, 'sysctl', ['-q', '-w', 'net.ipv6.conf.x0.disable_ipv6=1']);
      const r = resultOf<{ unknown: string; refused: string }>(await lan.runNode(a.ns, REFUSED, ['x0', '2001:db8::5/64']));
      expect(r.unknown).toMatch(/nosuch0/);
      expect(r.refused).toMatch(/x0/);
      expect(r.refused).toMatch(/2001:db8::5\/64/);
      expect(r.refused).toMatch(/E[A-Z]+/);
    } finally {
      ip(a.ns, 'link', 'del', 'x0');
    }
  }, 14000);

  test('200 addVip / removeVip and 20 announces spawn no process, not even a fork; costs printed', async () => {
    const a = lan.hosts[0];
    const r = resultOf<{ listed: number; add: number; del: number; announce: number; spawn: number; byPlatform: string[] }>(await lan.runNode(a.ns, COST, ['eth0'], 30000));
    expect(r.listed).toBe(200);
    expect(r.byPlatform).toEqual([]);
    console.log(
      `rtnetlink: addVip median ${r.add.toFixed(3)} ms, removeVip median ${r.del.toFixed(3)} ms (200 each, /24 secondaries); ` +
        `announce (GARP + NA, sender open) median ${r.announce.toFixed(3)} ms (20); ` +
        `one 'ip addr add' spawn here: median ${r.spawn.toFixed(2)} ms (20) — the old addVip, measured at 2.3 ms before: ` +
        `netlink is ${(r.spawn / r.add).toFixed(0)}x cheaper here (${(2.3 / r.add).toFixed(0)}x against 2.3 ms)`,
    );
  }, 40000);

  test('255 VIP adds at once (a mass takeover) are pipelined: all acknowledged and listed, a dump among them sound, 255 removes at once; times printed', async () => {
    const a = lan.hosts[0];
    const r = resultOf<{ added: number; dumped: number; listedAfterAdd: number; again: number; removed: number; listedAfterDel: number; batchAdd: number; batchDel: number; serialAdd: number }>(
      await lan.runNode(a.ns, BATCH, ['eth0'], 30000),
    );
    expect(r).toMatchObject({ added: 255, listedAfterAdd: 255, again: 255, removed: 255, listedAfterDel: 0 });
    expect(r.dumped).toBeGreaterThanOrEqual(2);
    console.log(`rtnetlink: 255 addVip at once ${r.batchAdd.toFixed(1)} ms, 255 removeVip at once ${r.batchDel.toFixed(1)} ms; 255 addVip one after the other ${r.serialAdd.toFixed(1)} ms`);
  }, 40000);

  test("addVip's sent: once per add, inside the call when the socket is quiet, else when the package sent it, before its ACK; always with the address already in the kernel", async () => {
    const r = resultOf<{ added: boolean[]; calls: Array<{ c: string; inside: boolean; listed: boolean; answered: boolean }> }>(await lan.runNode(lan.hosts[0].ns, SENT, ['eth0'], 20000));
    expect(r.added).toEqual([true, true, true, true, true]);
    const byAddress = new Map(r.calls.map((x) => [x.c, x]));
    expect(r.calls).toHaveLength(5);
    expect([...byAddress.keys()].sort()).toEqual(['192.0.2.201/32', '192.0.2.202/32', '192.0.2.203/32', '192.0.2.204/32', '192.0.2.205/32']);
    expect([byAddress.get('192.0.2.201/32'), byAddress.get('192.0.2.202/32')]).toEqual([
      { c: '192.0.2.201/32', inside: true, listed: true, answered: false },
      { c: '192.0.2.202/32', inside: true, listed: true, answered: false },
    ]);
    // 203 and 204 went behind 202 (queued in the package): reported at its sendmsg, not inside the call.
    for (const c of ['192.0.2.203/32', '192.0.2.204/32']) expect(byAddress.get(c)).toEqual({ c, inside: false, listed: true, answered: false });
    expect(r.calls.every((x) => x.listed && !x.answered)).toBe(true);
  }, 30000);

  test('vmacs: a private macvlan with the virtual MAC, up, on eth0 (IPv4: idempotent; IPv6: addrgenmode none + eth0 link-local); removed', async () => {
    const a = lan.hosts[0];
    try {
      const r = resultOf<{ v4: { created: boolean; ms: number }; again: { created: boolean; ms: number }; v6: { created: boolean; ms: number }; links: LinkInfo[] }>(
        await lan.runNode(a.ns, VMAC, ['eth0']),
      );
      expect([r.v4.created, r.again.created, r.v6.created]).toEqual([true, false, true]);
      console.log(`createVmac through rtnetlink: IPv4 ${r.v4.ms.toFixed(2)} ms, IPv6 ${r.v6.ms.toFixed(2)} ms, again (found) ${r.again.ms.toFixed(2)} ms`);
      for (const [name, mac] of [['vrrp.51', '00:00:5e:00:01:33'], ['vrrp6.51', '00:00:5e:00:02:33']]) {
        const [l] = ipJson(a.ns, '-d', 'link', 'show', 'dev', name);
        expect({ kind: l.linkinfo?.info_kind, mode: l.linkinfo?.info_data?.mode, link: l.link, address: l.address, up: l.flags.includes('UP') }).toEqual({
          kind: 'macvlan',
          mode: 'private',
          link: 'eth0',
          address: mac,
          up: true,
        });
        expect(r.links.find((x) => x.ifname === name)).toMatchObject({ mac, adminUp: true });
      }
      expect(ipJson(a.ns, '-d', 'link', 'show', 'dev', 'vrrp6.51')[0].inet6_addr_gen_mode).toBe('none');
      expect((ipJson(a.ns, 'addr', 'show', 'dev', 'vrrp6.51')[0].addr_info ?? []).map((x) => `${x.local}/${x.prefixlen}`)).toEqual([`${a.linkLocal}/64`]);
      expect(nsExec(a.ns, 'cat', ['/proc/sys/net/ipv6/conf/vrrp6.51/router_solicitations']).trim()).toBe('0');
      expect(nsExec(a.ns, 'cat', ['/proc/sys/net/ipv6/conf/vrrp.51/disable_ipv6']).trim()).toBe('1');
      expect(resultOf<boolean[]>(await lan.runNode(a.ns, VMAC, ['eth0', 'remove']))).toEqual([true, true, false]);
      expect(ipJson(a.ns, 'link', 'show').map((l) => l.ifname).filter((n) => n.startsWith('vrrp'))).toEqual([]);
    } finally {
      for (const n of ['vrrp.51', 'vrrp6.51']) {
        try {
          ip(a.ns, 'link', 'del', n);
        } catch {
          // already gone
        }
      }
    }
  }, 20000);

  test('watchLinks reports link down/up, addresses added and removed by someone else, a MAC change, and eth0 re-created (new ifindex)', async () => {
    const a = lan.hosts[0];
    const child = lan.spawn(a.ns, process.execPath, ['-e', WATCH, '--', 'eth0']);
    const done = collect(child, 30000);
    const w = new Watcher(child);
    try {
      const first = await w.until(0, 'eth0 at subscription', (l) => l !== null && l.up);
      const ifindex = (first as LinkInfo).ifindex;
      // Quiet LAN, no polling: nothing is reported while nothing changes.
      const quiet = w.seen.length;
      await new Promise((r) => setTimeout(r, 600));
      expect(w.seen.length).toBe(quiet);

      let n = w.seen.length;
      ip(a.ns, 'link', 'set', 'eth0', 'down');
      await w.until(n, 'eth0 down', (l) => l !== null && !l.up && !l.adminUp);
      n = w.seen.length;
      ip(a.ns, 'link', 'set', 'eth0', 'up');
      await w.until(n, 'eth0 up', (l) => l !== null && l.up && l.adminUp);
      // Down removed the IPv6 addresses (keep_addr_on_down=0): put them back, as an operator would.
      n = w.seen.length;
      for (const x of [a.ipv6, a.linkLocal]) ip(a.ns, 'addr', 'replace', `${x}/64`, 'dev', 'eth0', 'nodad');
      await w.until(n, 'the IPv6 addresses back', (l) => l !== null && l.addresses.some((x) => x.address === a.linkLocal));

      n = w.seen.length;
      ip(a.ns, 'addr', 'add', '198.51.100.7/24', 'dev', 'eth0');
      await w.until(n, '198.51.100.7/24 added', (l) => l !== null && l.addresses.some((x) => x.cidr === '198.51.100.7/24'));
      n = w.seen.length;
      ip(a.ns, 'addr', 'del', '198.51.100.7/24', 'dev', 'eth0');
      await w.until(n, '198.51.100.7/24 removed', (l) => l !== null && !l.addresses.some((x) => x.cidr === '198.51.100.7/24'));

      n = w.seen.length;
      ip(a.ns, 'link', 'set', 'eth0', 'address', '02:00:00:00:02:0b');
      await w.until(n, 'the new MAC', (l) => l?.mac === '02:00:00:00:02:0b');
      n = w.seen.length;
      ip(a.ns, 'link', 'set', 'eth0', 'address', a.mac);
      await w.until(n, 'the MAC back', (l) => l?.mac === a.mac);

      n = w.seen.length;
      lan.replug(a);
      // (Its deletion and re-creation may come in one call: coalesced.)
      const back = await w.until(n, 'eth0 re-created, up, with its addresses', (l) => l !== null && l.ifindex !== ifindex && l.up && l.addresses.some((x) => x.cidr === `${a.ipv4}/24`));
      expect(back?.ifindex).toBe(ipJson(a.ns, 'link', 'show', 'dev', 'eth0')[0].ifindex);
    } finally {
      child.kill('SIGKILL');
      await done;
    }
  }, 30000);
});
