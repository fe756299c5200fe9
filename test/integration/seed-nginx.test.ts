/**
 * The seed's pair (keepalived in front of nginx, "在需要高可用的服务器上部署"), on a namespace LAN: two Debian
 * nginx hosts (node1 192.0.2.1, node2 192.0.2.2), each running vrrpd with the seed's keepalived.conf
 * (router_id, state MASTER / BACKUP, VRRPv2 with auth_type PASS, advert_int 1, priorities 100 / 99, a
 * vrrp_script with weight -2), VIP 192.0.2.100/24, and a client (192.0.2.50) fetching http://192.0.2.100/
 * every 20 ms. nginx on the master stopped: its check fails, 100 - 2 = 98 < 99, so the backup preempts and
 * the VIP moves; nginx restarted: 100 > 99 and the VIP moves back. Printed: the client's outage each way.
 */
import { ChildProcess, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { InstanceStatus } from '../../lib/node/types';
import { describeOutage, HttpClient, nsSysctl, outageAfter, ownHostCheck, renumber, Try } from '../helpers/http';
import { PairBounds, pairBounds, seedKeepalivedConf, Service, startNginx, stopService } from '../helpers/lb';
import { Host, netnsSkipReason, REPO_ROOT } from '../helpers/netns';
import { addressesOf, hasCommand, useLan, waitFor } from '../helpers/peers';

const skip = netnsSkipReason() ?? (hasCommand('nginx') ? null : 'nginx not installed: seed nginx pair skipped');
if (skip) console.log(`seed nginx pair: ${skip}`);
const d = skip ? describe.skip : describe;

const VIP = '192.0.2.100';
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
/** Two shared cores, other namespace tests running beside: the bound is generous on top of the protocol's. */
const MARGIN_MS = 3000;

d('seed: keepalived + nginx pair (vrrpd with the seed keepalived.conf)', () => {
  let node1: Host;
  let node2: Host;
  let client: HttpClient;
  const nginx = new Map<string, Service>();
  let bounds: PairBounds;
  const daemons: ChildProcess[] = [];
  // Registered before useLan's, so it runs first: a graceful stop (vrrpd removes its VIP, nginx's master
  // takes its worker along); the LAN's destroy() then kills by pid whatever is left.
  afterAll(async () => {
    client?.stop();
    for (const c of daemons) await env.peers().stop(c);
    for (const svc of nginx.values()) await stopService(svc, 'nginx').catch(() => undefined);
  });
  const env = useLan('sng', 3, (lan) => renumber(lan.hosts[2], 50));
  const status = (h: Host, name: string): InstanceStatus => env.peers().status<{ instances: InstanceStatus[] }>(h, name).instances[0];
  const holds = (h: Host): boolean => addressesOf(h).includes(VIP);
  const startWeb = async (h: Host, name: string): Promise<void> => {
    // Explicit addresses, no wildcard: the host's own (what its check asks) and the VIP. nginx binds the VIP
    // at start, also on the host that does not hold it yet: ip_nonlocal_bind, set in each router's namespace.
    nginx.set(name, await startNginx(env.lan(), h, env.peers().dir, name, [`${h.ipv4}:80`, `${VIP}:80`], `http://${h.ipv4}/`));
  };

  beforeAll(async () => {
    const lan = env.lan();
    const peers = env.peers();
    [node1, node2] = lan.hosts;
    for (const h of [node1, node2]) nsSysctl(h, 'net.ipv4.ip_nonlocal_bind=1');
    await startWeb(node1, 'node1');
    await startWeb(node2, 'node2');
    // The seed's check counts `ps -C nginx`. Namespaces share the process table: node1's check would count
    // node2's nginx too and never fail. Each check asks its own host's nginx over HTTP instead.
    const conf = (h: Host, routerId: string, state: 'MASTER' | 'BACKUP', priority: number): string => {
      const script = ownHostCheck(path.join(peers.dir, `check_nginx_${routerId}.sh`), `http://${h.ipv4}/`);
      return seedKeepalivedConf({ routerId, state, priority, vip: `${VIP}/24`, script });
    };
    const conf1 = conf(node1, 'node1', 'MASTER', 100);
    const conf2 = conf(node2, 'node2', 'BACKUP', 99);
    // nginx stopped at t0: node1's check fails at its next run (within interval × fall), 100 - 2 = 98. node2's
    // last priority-100 advert came no later and it ignores 98 (lower, preempt): it takes over one
    // Master_Down_Interval after it (3 × 1 s + (256 − 99) / 256 s) and the client's first answer from node2
    // follows the takeover's gratuitous ARP. Back: the check succeeds within interval × rise and node1 (100)
    // ignores node2's 99, taking over after its own Master_Down_Interval.
    bounds = pairBounds(conf1, conf2, MARGIN_MS);
    console.log(`seed nginx: bounds from the config: ${bounds.text}`);
    expect(bounds.degradedPriority).toBe(98);
    const file = path.join(peers.dir, 'check-node1.conf');
    writeFileSync(file, conf1);
    const check = spawnSync(process.execPath, [path.join(REPO_ROOT, 'bin', 'vrrpd'), '-t', '-f', file], { encoding: 'utf8' });
    expect({ code: check.status, stderr: check.stderr }).toEqual({ code: 0, stderr: '' });
    daemons.push(await peers.vrrpd(node1, 'vrrpd-node1', conf1));
    await waitFor('node1 (state MASTER, 100) to hold the VIP', () => holds(node1), 8000);
    daemons.push(await peers.vrrpd(node2, 'vrrpd-node2', conf2));
    client = await HttpClient.start(lan, lan.hosts[2], `http://${VIP}/`, { everyMs: 20, timeoutMs: 1000 });
  }, 40000);

  const byBody = (x: Try): string | undefined => x.host;
  /** Routers that answered the tries of the last `ms` before now. */
  const recentRouters = (ms: number): string[] => [...new Set(client.tries(Date.now() - ms).map((x) => x.error ?? x.host ?? '?'))];

  test('nginx on the master stopped: the VIP moves to the backup; restarted: it moves back (preemption)', async () => {
    await sleep(1500);
    expect(recentRouters(1000)).toEqual(['node1']);
    expect([holds(node1), holds(node2)]).toEqual([true, false]);

    const stopped = Date.now();
    await stopService(nginx.get('node1')!, 'nginx');
    await waitFor('node2 to hold the VIP alone', () => holds(node2) && !holds(node1), bounds.failoverMs);
    await waitFor('the client to get answers from node2', () => client.tries(stopped).some((x) => x.host === 'node2'), 3000);
    await sleep(1500);
    const down = outageAfter(client.tries(stopped), stopped, 'node2', byBody);
    console.log(`seed nginx: nginx on node1 stopped -> node2: ${describeOutage(down)}; bound ${bounds.failoverMs.toFixed(0)} ms`);
    expect(recentRouters(1000)).toEqual(['node2']);
    expect([status(node1, 'vrrpd-node1'), status(node2, 'vrrpd-node2')].map((s) => [s.state, s.priority.effective])).toEqual([['BACKUP', 98], ['MASTER', 99]]);
    expect(down.newAfterMs).not.toBeNull();
    expect(down.newAfterMs!).toBeLessThanOrEqual(bounds.failoverMs);
    expect(down.outageMs).toBeLessThanOrEqual(bounds.failoverMs);

    const restarted = Date.now();
    await startWeb(node1, 'node1');
    await waitFor('node1 to hold the VIP alone again', () => holds(node1) && !holds(node2), bounds.failbackMs);
    await waitFor('the client to get answers from node1', () => client.tries(restarted).some((x) => x.host === 'node1'), 3000);
    await sleep(1500);
    const back = outageAfter(client.tries(restarted), restarted, 'node1', byBody);
    console.log(`seed nginx: nginx on node1 restarted -> node1: ${describeOutage(back)}; bound ${bounds.failbackMs.toFixed(0)} ms`);
    expect(recentRouters(1000)).toEqual(['node1']);
    expect([status(node1, 'vrrpd-node1'), status(node2, 'vrrpd-node2')].map((s) => [s.state, s.priority.effective])).toEqual([['MASTER', 100], ['BACKUP', 99]]);
    expect(back.newAfterMs!).toBeLessThanOrEqual(bounds.failbackMs);
    expect(back.outageMs).toBeLessThanOrEqual(bounds.failbackMs);
  }, 60000);
});
