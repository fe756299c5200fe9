/**
 * The seed's HAProxy ("HAproxy") behind the seed's keepalived.conf, on a namespace LAN: two Debian HAProxy
 * routers (node1 192.0.2.1, node2 192.0.2.2) running vrrpd (state MASTER / BACKUP, VRRPv2 PASS, advert_int
 * 1, priorities 100 / 99, a vrrp_script with weight -2), both binding the VIP 192.0.2.100:80 in front of two
 * node backends (app1 192.0.2.11, app2 192.0.2.12, roundrobin with health checks, as the seed's `backend
 * app`), and a client (192.0.2.50) fetching http://192.0.2.100/ every 20 ms. HAProxy on the master stopped:
 * the VIP moves to the backup; restarted: it moves back. A backend failing behind a healthy HAProxy moves
 * nothing: HAProxy's own check takes it out and the client gets answers from the other backend.
 */
import { ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import type { InstanceStatus } from '../../lib/node/types';
import { describeOutage, HttpClient, nsSysctl, outageAfter, ownHostCheck, renumber, startBackend, Try } from '../helpers/http';
import { PairBounds, pairBounds, seedKeepalivedConf, Service, startHaproxy, stopService } from '../helpers/lb';
import { Host, netnsSkipReason } from '../helpers/netns';
import { addressesOf, hasCommand, useLan, waitFor } from '../helpers/peers';

const skip = netnsSkipReason() ?? (hasCommand('haproxy') ? null : 'haproxy not installed: seed HAProxy pair skipped');
if (skip) console.log(`seed HAProxy pair: ${skip}`);
const d = skip ? describe.skip : describe;

const VIP = '192.0.2.100';
const HEALTH = ':8080/haproxy-health';
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const MARGIN_MS = 3000;

/**
 * The seed's global / defaults / frontend / backend, cut to what runs in a namespace: no chroot, user,
 * daemon, log or stats socket under /var/lib/haproxy (namespaces share the filesystem; -db and -p instead).
 * The frontend binds the VIP itself, as real deployments do (ip_nonlocal_bind on the router not holding it);
 * the monitor frontend on the router's own address is what its vrrp_script asks.
 */
function haproxyConf(router: Host, name: string, backends: Host[]): string {
  return `global
    maxconn     400

defaults
    mode                    http
    option                  http-server-close
    option                  redispatch 1
    retries                 3
    timeout connect         500ms
    timeout client          10s
    timeout server          10s
    timeout check           500ms
    maxconn                 300

frontend main
    bind ${VIP}:80
    http-response set-header X-Router ${name}
    default_backend app

frontend monitor
    bind ${router.ipv4}:8080
    monitor-uri /haproxy-health

backend app
    balance     roundrobin
    option      httpchk
${backends.map((b, i) => `    server  app${i + 1} ${b.ipv4}:80 check inter 200 fall 2 rise 2`).join('\n')}
`;
}

d('seed: keepalived + HAProxy pair in front of two backends (vrrpd with the seed keepalived.conf)', () => {
  let node1: Host;
  let node2: Host;
  let apps: Host[];
  let client: HttpClient;
  const haproxy = new Map<string, Service>();
  let bounds: PairBounds;
  const backends = new Map<string, ChildProcess>();
  const daemons: ChildProcess[] = [];
  // Registered before useLan's, so it runs first: a graceful stop; the LAN's destroy() then kills by pid
  // whatever is left.
  afterAll(async () => {
    client?.stop();
    for (const c of daemons) await env.peers().stop(c);
    for (const svc of haproxy.values()) await stopService(svc, 'haproxy').catch(() => undefined);
    for (const c of backends.values()) await env.peers().stop(c);
  });
  const env = useLan('sha', 5, (lan) => [50, 11, 12].forEach((n, i) => renumber(lan.hosts[2 + i], n)));
  const status = (h: Host, name: string): InstanceStatus => env.peers().status<{ instances: InstanceStatus[] }>(h, name).instances[0];
  const states = (): Array<[string, number]> => [status(node1, 'vrrpd-node1'), status(node2, 'vrrpd-node2')].map((s) => [s.state, s.priority.effective]);
  const holds = (h: Host): boolean => addressesOf(h).includes(VIP);
  const startLb = async (h: Host, name: string): Promise<void> => {
    haproxy.set(name, await startHaproxy(env.lan(), h, env.peers().dir, name, haproxyConf(h, name, apps), `http://${h.ipv4}${HEALTH}`));
  };
  /** The distinct `router/backend` (or error) of the tries of the last `ms` before now. */
  const recent = (ms: number): string[] => [...new Set(client.tries(Date.now() - ms).map((x) => x.error ?? `${x.via}/${x.host}`))].sort();
  const byRouter = (x: Try): string | undefined => x.via;

  beforeAll(async () => {
    const lan = env.lan();
    const peers = env.peers();
    [node1, node2, , ...apps] = lan.hosts;
    for (const [i, h] of apps.entries()) backends.set(`app${i + 1}`, await startBackend(lan, h, `app${i + 1}`));
    for (const h of [node1, node2]) nsSysctl(h, 'net.ipv4.ip_nonlocal_bind=1');
    await startLb(node1, 'node1');
    await startLb(node2, 'node2');
    // Not the seed's `ps -C nginx` count: namespaces share the process table, so a process count sees the
    // other router's HAProxy too. Each router asks its own HAProxy's monitor-uri on its own address.
    const conf = (h: Host, routerId: string, state: 'MASTER' | 'BACKUP', priority: number): string =>
      seedKeepalivedConf({ routerId, state, priority, vip: `${VIP}/24`, script: ownHostCheck(path.join(peers.dir, `check_haproxy_${routerId}.sh`), `http://${h.ipv4}${HEALTH}`) });
    const [conf1, conf2] = [conf(node1, 'node1', 'MASTER', 100), conf(node2, 'node2', 'BACKUP', 99)];
    // As in seed-nginx: the check fails within interval × fall, then the backup's Master_Down_Interval;
    // back, within interval × rise, then node1's.
    bounds = pairBounds(conf1, conf2, MARGIN_MS);
    console.log(`seed HAProxy: bounds from the config: ${bounds.text}`);
    expect(bounds.degradedPriority).toBe(98);
    daemons.push(await peers.vrrpd(node1, 'vrrpd-node1', conf1));
    await waitFor('node1 (state MASTER, 100) to hold the VIP', () => holds(node1), 8000);
    daemons.push(await peers.vrrpd(node2, 'vrrpd-node2', conf2));
    client = await HttpClient.start(lan, lan.hosts[2], `http://${VIP}/`, { everyMs: 20, timeoutMs: 1000 });
  }, 40000);

  test('HAProxy on the master stopped: the VIP moves to the backup; restarted: it moves back', async () => {
    await sleep(1500);
    expect(recent(1000)).toEqual(['node1/app1', 'node1/app2']);

    const stopped = Date.now();
    await stopService(haproxy.get('node1')!, 'haproxy');
    await waitFor('node2 to hold the VIP alone', () => holds(node2) && !holds(node1), bounds.failoverMs);
    await waitFor('the client to get answers through node2', () => client.tries(stopped).some((x) => x.via === 'node2'), 3000);
    await sleep(1500);
    const down = outageAfter(client.tries(stopped), stopped, 'node2', byRouter);
    console.log(`seed HAProxy: HAProxy on node1 stopped -> node2: ${describeOutage(down)}; bound ${bounds.failoverMs.toFixed(0)} ms`);
    expect(recent(1000)).toEqual(['node2/app1', 'node2/app2']);
    expect(states()).toEqual([['BACKUP', 98], ['MASTER', 99]]);
    expect(down.newAfterMs).not.toBeNull();
    expect(down.newAfterMs!).toBeLessThanOrEqual(bounds.failoverMs);
    expect(down.outageMs).toBeLessThanOrEqual(bounds.failoverMs);

    const restarted = Date.now();
    await startLb(node1, 'node1');
    await waitFor('node1 to hold the VIP alone again', () => holds(node1) && !holds(node2), bounds.failbackMs);
    await waitFor('the client to get answers through node1', () => client.tries(restarted).some((x) => x.via === 'node1'), 3000);
    await sleep(1500);
    const back = outageAfter(client.tries(restarted), restarted, 'node1', byRouter);
    console.log(`seed HAProxy: HAProxy on node1 restarted -> node1: ${describeOutage(back)}; bound ${bounds.failbackMs.toFixed(0)} ms`);
    expect(recent(1000)).toEqual(['node1/app1', 'node1/app2']);
    expect(states()).toEqual([['MASTER', 100], ['BACKUP', 99]]);
    expect(back.newAfterMs!).toBeLessThanOrEqual(bounds.failbackMs);
    expect(back.outageMs).toBeLessThanOrEqual(bounds.failbackMs);
  }, 60000);

  test('a backend failing behind a healthy HAProxy moves no VIP: HAProxy takes it out, app2 keeps answering', async () => {
    expect(states()).toEqual([['MASTER', 100], ['BACKUP', 99]]);
    const killed = Date.now();
    const app1 = backends.get('app1')!;
    const gone = new Promise((r) => app1.once('exit', r));
    app1.kill('SIGTERM'); // the node backend's own pid (ip netns exec execs it)
    await gone;
    await waitFor('both HAProxies to mark app1 DOWN', () => [...haproxy.values()].every((s) => /app\/app1 is DOWN/.test(s.output())), 5000);
    // Longer than a Master_Down_Interval and a check interval: a VIP move would have happened by now.
    await sleep(bounds.backupDownMs + bounds.scriptIntervalMs + 500);
    const tries = client.tries(killed);
    const failed = tries.filter((x) => x.error);
    const settled = client.tries(killed + 2000);
    console.log(`seed HAProxy: app1 stopped behind node1: ${failed.length} failed tries of ${tries.length} (${[...new Set(failed.map((x) => x.error))].join(', ') || 'none'}); answers after 2 s: ${[...new Set(settled.map((x) => x.error ?? `${x.via}/${x.host}`))].join(', ')}`);
    expect(states()).toEqual([['MASTER', 100], ['BACKUP', 99]]);
    expect([holds(node1), holds(node2)]).toEqual([true, false]);
    expect(settled.length).toBeGreaterThan(50);
    expect([...new Set(settled.map((x) => x.error ?? `${x.via}/${x.host}`))]).toEqual(['node1/app2']);
  }, 30000);
});
