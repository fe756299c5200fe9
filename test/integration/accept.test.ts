/**
 * Accept_Mode on a namespace LAN (RFC 9568 §6.1; keepalived `accept` / `no_accept`): h1 runs vrrpd alone
 * (it becomes MASTER, priority 100, not the owner) with an IPv4 and an IPv6 instance; h2 connects over TCP
 * to the VIPs (global and link-local) and to h1's own addresses. With no_accept the VIPs take no
 * connection while ARP and neighbour discovery for them still work (h2 resolves them to h1's MAC); with
 * accept, or as the owner (priority 255), they do. The nftables table is gone after vrrpd stops, and one
 * left by a vrrpd killed with SIGKILL is replaced by the next start.
 */
import { ChildProcess } from 'node:child_process';
import { Host, netnsSkipReason, nsExec, waitForLine } from '../helpers/netns';
import { addressesOf, hasCommand, useLan, waitFor } from '../helpers/peers';

const skip = netnsSkipReason() ?? (hasCommand('nft') ? null : 'nft not installed (Debian package nftables): accept mode tests skipped');
if (skip) console.log(`accept mode: ${skip}`);
const d = skip ? describe.skip : describe;

const PORT = 8080;
const VIP4 = '192.0.2.100';
const VIP6 = '2001:db8::100';
const VIP6_LL = 'fe80::62';

/** h1's configuration: an IPv4 and an IPv6 instance with `mode` (accept, no_accept or nothing) at `priority`. */
function conf(mode: string, priority = 100): string {
  const inst = (name: string, vrid: number, vips: string[]): string => `vrrp_instance ${name} {
  state BACKUP
  interface eth0
  virtual_router_id ${vrid}
  priority ${priority}
  advert_int 0.1
  ${mode}
  virtual_ipaddress {
${vips.map((v) => `    ${v}\n`).join('')}  }
}
`;
  return `global_defs {\n  vrrp_version 3\n  vrrp_garp_master_delay 1\n  vrrp_garp_master_repeat 1\n}\n${inst('VI_4', 61, [`${VIP4}/24`])}${inst('VI_6', 62, [`${VIP6_LL}/64`, `${VIP6}/64`])}`;
}

/** A TCP server on every address of `host` (port 8080) that answers and closes. */
async function serve(spawn: (ns: string, cmd: string, args: string[]) => ChildProcess, host: Host): Promise<ChildProcess> {
  const child = spawn(host.ns, process.execPath, ['-e', `require('net').createServer((s) => { s.on('error', () => undefined); s.end('hi'); }).listen(${PORT}, '::', () => console.log('listening'))`]);
  await waitForLine(child, 'listening', 5000);
  return child;
}

/** From `host`, one TCP connection to each target (1 s each, in parallel): target -> connected or why not. */
function connect(host: Host, targets: string[]): Record<string, string> {
  const script = `const net = require('net'); const out = {};
    Promise.all(process.argv.slice(1).map((t) => new Promise((res) => {
      const s = net.connect({ host: t, port: ${PORT}, timeout: 1000 });
      const done = (r) => { out[t] = r; s.destroy(); res(); };
      s.on('connect', () => done('connected')); s.on('timeout', () => done('timeout')); s.on('error', (e) => done(e.code));
    }))).then(() => console.log(JSON.stringify(out)));`;
  return JSON.parse(nsExec(host.ns, process.execPath, ['-e', script, '--', ...targets], 10000)) as Record<string, string>;
}

/** True when `host` has table inet vrrpd. */
function hasTable(host: Host): boolean {
  try {
    nsExec(host.ns, 'nft', ['list', 'table', 'inet', 'vrrpd']);
    return true;
  } catch {
    return false;
  }
}

/** The MAC and NUD state `host` has for `address` in its neighbour table (ARP / ND). */
function neighbour(host: Host, address: string): { mac: string | null; state: string } {
  const out = nsExec(host.ns, 'ip', ['-j', address.includes(':') ? '-6' : '-4', 'neigh', 'show', address, 'dev', 'eth0']);
  const e = (JSON.parse(out) as Array<{ lladdr?: string; state?: string[] }>)[0];
  return { mac: e?.lladdr ?? null, state: (e?.state ?? []).join() };
}

const TARGETS = [VIP4, VIP6, `${VIP6_LL}%eth0`];

d('accept / no_accept on a namespace LAN (vrrpd MASTER h1, client h2)', () => {
  const env = useLan('accept', 2);
  let server: ChildProcess;
  const own = (): string[] => {
    const h1 = env.lan().hosts[0];
    return [h1.ipv4, h1.ipv6, `${h1.linkLocal}%eth0`];
  };

  beforeAll(async () => {
    server = await serve((ns, cmd, args) => env.lan().spawn(ns, cmd, args), env.lan().hosts[0]);
  });
  afterAll(() => server?.kill('SIGKILL'));

  async function run(name: string, text: string): Promise<ChildProcess> {
    const [h1] = env.lan().hosts;
    const peers = env.peers();
    const child = await peers.vrrpd(h1, name, text);
    await waitFor('h1 MASTER on both instances with the VIPs', () => {
      const states = peers.status<{ instances: Array<{ state: string }> }>(h1, name).instances.map((i) => i.state);
      const addrs = addressesOf(h1);
      return states.join() === 'MASTER,MASTER' && [VIP4, VIP6, VIP6_LL].every((a) => addrs.includes(a));
    }, 10000);
    return child;
  }

  test('no_accept, priority 100: no TCP connection to a VIP (IPv4, IPv6, link-local); ARP and ND for them still answer; h1\'s own addresses connect; the table is gone after stop', async () => {
    const [h1, h2] = env.lan().hosts;
    const child = await run('na', conf('no_accept'));
    expect(hasTable(h1)).toBe(true);
    const r = connect(h2, [...TARGETS, ...own()]);
    expect(TARGETS.map((t) => `${t} ${r[t]}`)).toEqual(TARGETS.map((t) => `${t} timeout`));
    expect(own().map((t) => `${t} ${r[t]}`)).toEqual(own().map((t) => `${t} connected`));
    // The SYNs were dropped after resolution: ARP (not IP) and the multicast neighbour solicitations passed.
    expect(neighbour(h2, VIP4).mac).toBe(h1.mac);
    expect(neighbour(h2, VIP6).mac).toBe(h1.mac);
    // A NUD probe is a unicast solicitation addressed to the VIP itself (RFC 4861 §7.3.3), answered from it:
    // from a STALE entry, traffic makes h2 probe at once; only h1's solicited answer makes it REACHABLE.
    nsExec(h2.ns, 'sysctl', ['-q', '-w', 'net.ipv6.neigh.eth0.delay_first_probe_time=0']);
    nsExec(h2.ns, 'ip', ['-6', 'neigh', 'replace', VIP6, 'lladdr', h1.mac, 'dev', 'eth0', 'nud', 'stale']);
    expect(connect(h2, [VIP6])).toEqual({ [VIP6]: 'timeout' });
    expect(neighbour(h2, VIP6)).toEqual({ mac: h1.mac, state: 'REACHABLE' });
    expect(await env.peers().stop(child)).toBe(0);
    expect(hasTable(h1)).toBe(false);
    expect(nsExec(h1.ns, 'nft', ['list', 'ruleset']).trim()).toBe('');
  }, 40000);

  test('accept, priority 100: every VIP connects, and no table is installed', async () => {
    const [h1, h2] = env.lan().hosts;
    const child = await run('ac', conf('accept'));
    expect(hasTable(h1)).toBe(false);
    const r = connect(h2, TARGETS);
    expect(TARGETS.map((t) => `${t} ${r[t]}`)).toEqual(TARGETS.map((t) => `${t} connected`));
    expect(await env.peers().stop(child)).toBe(0);
  }, 40000);

  test('the address owner (priority 255) accepts even with no_accept', async () => {
    const [h1, h2] = env.lan().hosts;
    const child = await run('ow', conf('no_accept', 255));
    expect(hasTable(h1)).toBe(false);
    const r = connect(h2, TARGETS);
    expect(TARGETS.map((t) => `${t} ${r[t]}`)).toEqual(TARGETS.map((t) => `${t} connected`));
    expect(await env.peers().stop(child)).toBe(0);
  }, 40000);

  test('a table left by a vrrpd killed with SIGKILL is replaced at the next start (here: by none, accept mode)', async () => {
    const [h1, h2] = env.lan().hosts;
    const killed = await run('k1', conf('no_accept'));
    expect(await env.peers().stop(killed, 'SIGKILL')).toBeNull();
    expect(hasTable(h1)).toBe(true);
    const child = await run('k2', conf(''));
    expect(hasTable(h1)).toBe(false);
    const r = connect(h2, [VIP4, VIP6]);
    expect(r).toEqual({ [VIP4]: 'connected', [VIP6]: 'connected' });
    expect(await env.peers().stop(child)).toBe(0);
  }, 40000);
});
