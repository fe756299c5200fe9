/**
 * Runs VRRP peers on a namespace LAN for integration tests: vrrpd (the built dist/), keepalived 2.2.7 and
 * an observer capture. Every path a daemon writes is per daemon (namespaces share the filesystem).
 */
import { ChildProcess, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Host, Lan, nsExec, REPO_ROOT, waitForLine } from './netns';

export function hasCommand(cmd: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Addresses on a host's eth0. */
export function addressesOf(host: Host): string[] {
  const out = execFileSync('ip', ['-n', host.ns, '-j', 'addr', 'show', 'dev', 'eth0'], { encoding: 'utf8' });
  const links = JSON.parse(out) as Array<{ addr_info: Array<{ local: string }> }>;
  return links.flatMap((l) => l.addr_info.map((a) => a.local));
}

/** Polls `cond` every 50 ms until it holds; rejects after `timeoutMs` with `what`. */
export async function waitFor(what: string, cond: () => boolean, timeoutMs: number): Promise<number> {
  const start = Date.now();
  for (;;) {
    if (cond()) return Date.now() - start;
    if (Date.now() - start > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** One test run's scratch directory and its daemons. */
export class PeerSet {
  readonly dir = mkdtempSync(path.join(tmpdir(), 'vrrpt-peers-'));
  readonly logs = new Map<string, string>();
  constructor(readonly lan: Lan) {}

  /** Starts vrrpd on `host` with keepalived.conf text `conf`; resolves when it logged its start. */
  async vrrpd(host: Host, name: string, conf: string): Promise<ChildProcess> {
    const file = path.join(this.dir, `${name}.conf`);
    writeFileSync(file, conf);
    const child = this.lan.spawn(host.ns, process.execPath, [
      path.join(REPO_ROOT, 'bin', 'vrrpd'), '-f', file, '--pid-file', path.join(this.dir, `${name}.pid`),
      '--control-socket', path.join(this.dir, `${name}.sock`),
    ]);
    this.capture(name, child);
    await waitForLine(child, 'started ', 10000);
    return child;
  }

  /** `vrrpd status --json` of daemon `name` (started by `vrrpd`) on `host`, parsed. */
  status<T = unknown>(host: Host, name: string): T {
    return JSON.parse(nsExec(host.ns, process.execPath, [path.join(REPO_ROOT, 'bin', 'vrrpd'), 'status',
      '--control-socket', path.join(this.dir, `${name}.sock`), '--json'])) as T;
  }

  /** Starts keepalived 2.2.7 in the foreground on `host`. */
  keepalived(host: Host, name: string, conf: string): ChildProcess {
    const file = path.join(this.dir, `${name}.conf`);
    writeFileSync(file, conf);
    const p = (s: string): string => path.join(this.dir, `${name}.${s}`);
    const child = this.lan.spawn(host.ns, 'keepalived', ['-n', '-l', '-D', '-P', '-f', file, '-p', p('pid'), '-r', p('vrrp.pid'), '-c', p('chk.pid'), '-b', p('bfd.pid')]);
    this.capture(name, child);
    return child;
  }

  /** Starts tcpdump on the observer; returns a function that stops it and resolves the capture path. */
  observe(host: Host, name: string): Promise<() => Promise<string>> {
    return this.tcpdump(host.ns, 'eth0', name, ['ip proto 112 or ip6 proto 112 or arp or icmp6']);
  }

  /**
   * Starts tcpdump on `ifname` in namespace `ns` with `args` (options, then the filter); returns a function
   * that stops it and resolves the capture path.
   */
  async tcpdump(ns: string, ifname: string, name: string, args: string[]): Promise<() => Promise<string>> {
    const file = path.join(this.dir, `${name}.pcap`);
    const child = this.lan.spawn(ns, 'tcpdump', ['--immediate-mode', '-U', '-n', '-i', ifname, '-w', file, ...args]);
    this.capture(name, child);
    await waitForLine(child, 'listening on', 5000, 'stderr');
    return () => new Promise((resolve) => {
      child.once('exit', () => resolve(file));
      child.kill('SIGINT');
    });
  }

  private capture(name: string, child: ChildProcess): void {
    this.logs.set(name, '');
    const add = (d: Buffer): void => void this.logs.set(name, (this.logs.get(name) ?? '') + d.toString());
    child.stdout?.on('data', add);
    child.stderr?.on('data', add);
  }

  /** Stops `child` with `signal`; resolves its exit code (null when killed by a signal). */
  stop(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM', timeoutMs = 8000): Promise<number | null> {
    return new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve(child.exitCode);
      const t = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      child.once('exit', (code) => {
        clearTimeout(t);
        resolve(code);
      });
      child.kill(signal);
    });
  }

  cleanup(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** A keepalived.conf with one instance (the same text feeds vrrpd and keepalived). */
export function instanceConf(o: {
  name?: string; version: 2 | 3; vrid: number; priority: number; vip: string; advertInt?: string; state?: string;
  auth?: string; nopreempt?: boolean; extra?: string; global?: string;
}): string {
  return `global_defs {
  vrrp_version ${o.version}
  vrrp_garp_master_delay 1
  vrrp_garp_master_repeat 1
  ${o.global ?? ''}
}
vrrp_instance ${o.name ?? 'VI_1'} {
  state ${o.state ?? 'BACKUP'}
  interface eth0
  virtual_router_id ${o.vrid}
  priority ${o.priority}
  advert_int ${o.advertInt ?? '1'}
  ${o.nopreempt ? 'nopreempt' : ''}
  ${o.auth ? `authentication {\n    auth_type PASS\n    auth_pass ${o.auth}\n  }` : ''}
  virtual_ipaddress {
    ${o.vip}
  }
  ${o.extra ?? ''}
}
`;
}

/**
 * Makes the LAN's bridge flood unicast frames to every port (learning off on each host's port), so an
 * observer sees unicast adverts between two other hosts, as on a hub. Call before any traffic.
 */
export function floodUnicast(lan: Lan): void {
  for (const h of lan.hosts) {
    execFileSync('ip', ['netns', 'exec', lan.switchNs, 'bridge', 'link', 'set', 'dev', `p${h.n}`, 'learning', 'off', 'flood', 'on']);
  }
  execFileSync('ip', ['netns', 'exec', lan.switchNs, 'bridge', 'fdb', 'flush', 'dev', 'br0', 'dynamic']);
}

/** A unicast vrrp_instance body fragment (keepalived `unicast_src_ip` / `unicast_peer`), for `extra`. */
export function unicastConf(src: string, peers: string[]): string {
  return `unicast_src_ip ${src}\n  unicast_peer {\n${peers.map((p) => `    ${p}\n`).join('')}  }`;
}

/**
 * A LAN of `hosts` namespaces and a PeerSet for the tests of one describe block: made before all, removed
 * after all (also when a test fails), with the daemons' logs printed for a test that failed.
 */
export function useLan(tag: string, hosts: number, prepare?: (lan: Lan) => void): { lan: () => Lan; peers: () => PeerSet } {
  let lan: Lan;
  let peers: PeerSet;
  beforeAll(() => {
    lan = new Lan(tag, hosts);
    peers = new PeerSet(lan);
    prepare?.(lan);
  });
  afterAll(() => {
    lan?.destroy();
    peers?.cleanup();
  });
  afterEach(() => {
    const failed = (expect.getState() as { assertionCalls: number }).assertionCalls === 0;
    if (failed) for (const [name, log] of peers.logs) console.log(`--- ${name}\n${log}`);
  });
  return { lan: () => lan, peers: () => peers };
}
