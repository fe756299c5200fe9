/**
 * The demo's LAN: a switch namespace holding a bridge (multicast snooping off, so 224.0.0.18 reaches every
 * port) and one namespace per host, each with a veth `eth0` (fixed MAC, no DAD) whose peer is a bridge
 * port. Every name starts with the demo's own prefix; `destroy()` kills the processes started here (by
 * pid, then whatever `ip netns pids` still lists in our namespaces) and deletes our namespaces by name.
 * Nothing is ever added to, sent from or run in the machine's own network namespace.
 */
import { ChildProcess, execFileSync, spawn } from 'node:child_process';

/** One host namespace of the LAN. */
export interface LanHost {
  name: string;
  ns: string;
  address: string;
  mac: string;
}

function ip(args: string[], timeoutMs = 10000): string {
  try {
    return execFileSync('ip', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: timeoutMs });
  } catch (e) {
    const err = e as NodeJS.ErrnoException & { stderr?: string };
    if (err.code === 'ENOENT') throw new Error('the `ip` command (iproute2) is needed to build network namespaces');
    throw new Error(`ip ${args.join(' ')}: ${(err.stderr ?? err.message).trim().split('\n')[0]}`);
  }
}

/** The namespaces of the LAN and the processes running in them. */
export class DemoLan {
  readonly switchNs: string;
  readonly hosts = new Map<string, LanHost>();
  private readonly namespaces: string[] = [];
  private readonly children = new Set<ChildProcess>();
  private destroyed = false;

  /** `prefix` (e.g. `vrrpdemo4242-`) starts every namespace name. Nothing is built yet. */
  constructor(readonly prefix: string) {
    this.switchNs = `${prefix}sw`;
  }

  /** Names of the namespaces made so far. */
  get namespaceNames(): readonly string[] {
    return this.namespaces;
  }

  /** Takes namespaces `names` (an earlier demo's) into this LAN, so that `destroy()` removes them. */
  adopt(names: readonly string[]): void {
    this.namespaces.push(...names.filter((n) => n.startsWith('vrrpdemo')));
  }

  /** Makes the switch namespace and its bridge. @throws Error naming the failing `ip` command. */
  buildSwitch(): void {
    this.addNs(this.switchNs);
    ip(['-n', this.switchNs, 'link', 'add', 'br0', 'type', 'bridge', 'mcast_snooping', '0']);
    ip(['-n', this.switchNs, 'link', 'set', 'br0', 'up']);
  }

  /** Makes host `name` with `address`/`prefixLen` and `mac` on eth0, wired to bridge port `port`. */
  addHost(name: string, address: string, prefixLen: number, mac: string, port: string): LanHost {
    const host: LanHost = { name, ns: `${this.prefix}${name}`, address, mac };
    this.addNs(host.ns);
    this.sysctl(host.ns, ['net.ipv6.conf.all.accept_dad=0', 'net.ipv6.conf.default.accept_dad=0']);
    ip(['-n', this.switchNs, 'link', 'add', port, 'type', 'veth', 'peer', 'name', 'eth0', 'address', mac, 'netns', host.ns]);
    ip(['-n', this.switchNs, 'link', 'set', port, 'master', 'br0', 'up']);
    ip(['-n', host.ns, 'link', 'set', 'eth0', 'addrgenmode', 'none']);
    ip(['-n', host.ns, 'addr', 'add', `${address}/${prefixLen}`, 'dev', 'eth0']);
    ip(['-n', host.ns, 'link', 'set', 'eth0', 'up']);
    this.hosts.set(name, host);
    return host;
  }

  private addNs(name: string): void {
    if (this.destroyed) throw new Error('the demo LAN is being removed');
    ip(['netns', 'add', name]);
    this.namespaces.push(name);
    ip(['-n', name, 'link', 'set', 'lo', 'up']);
  }

  private sysctl(ns: string, settings: string[]): void {
    ip(['netns', 'exec', ns, 'sysctl', '-q', '-w', ...settings]);
  }

  /**
   * Starts `cmd args...` inside namespace `ns` (`ip netns exec` execs it, so the child's pid is the
   * program's). Detached: a Ctrl-C at the terminal reaches the demo, which stops its children in order.
   */
  spawn(ns: string, cmd: string, args: string[], env?: NodeJS.ProcessEnv): ChildProcess {
    if (this.destroyed) throw new Error('the demo LAN is being removed');
    if (!this.namespaces.includes(ns)) throw new Error(`not a namespace of this demo: ${ns}`);
    const child = spawn('ip', ['netns', 'exec', ns, cmd, ...args], { stdio: ['pipe', 'pipe', 'pipe'], detached: true, env: env ?? process.env });
    this.children.add(child);
    child.on('exit', () => this.children.delete(child));
    child.on('error', () => this.children.delete(child));
    return child;
  }

  /** Sends `signal` to `child`; resolves once it exited, with SIGKILL after `timeoutMs`. */
  stop(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM', timeoutMs = 3000): Promise<void> {
    return new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return resolve();
      const timer = setTimeout(() => kill(child, 'SIGKILL'), timeoutMs);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      kill(child, signal);
    });
  }

  /** Stops every child still running with `signal` (SIGKILL after `timeoutMs`), all at once. */
  async stopAll(signal: NodeJS.Signals = 'SIGTERM', timeoutMs = 3000): Promise<void> {
    await Promise.all([...this.children].map((c) => this.stop(c, signal, timeoutMs)));
  }

  /**
   * Kills what still runs (our children by pid, then every pid `ip netns pids` lists in our namespaces,
   * e.g. a health check vrrpd started) and deletes our namespaces by name. Synchronous (it also runs from
   * an exit handler); never throws; idempotent. Returns the namespaces it could not delete.
   */
  destroy(): string[] {
    this.destroyed = true;
    for (const child of this.children) kill(child, 'SIGKILL');
    this.children.clear();
    const left: string[] = [];
    for (const ns of [...this.namespaces].reverse()) {
      try {
        const pids = ip(['netns', 'pids', ns], 5000).split(/\s+/).filter((p) => /^\d+$/.test(p));
        for (const pid of pids) {
          try {
            process.kill(Number(pid), 'SIGKILL');
          } catch {
            // already gone
          }
        }
      } catch {
        // the namespace is gone already
      }
      try {
        ip(['netns', 'del', ns], 5000);
      } catch {
        if (namespaceExists(ns)) left.push(ns);
      }
    }
    this.namespaces.length = 0;
    return left;
  }
}

function kill(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(child.pid, signal);
  } catch {
    // already gone
  }
}

/** Whether network namespace `name` exists (`ip netns list`). */
export function namespaceExists(name: string): boolean {
  try {
    return ip(['netns', 'list'], 5000).split('\n').some((l) => l.split(' ')[0] === name);
  } catch {
    return false;
  }
}

/** The IPv4 addresses on `ifname` in namespace `ns` (read with `ip -j addr`), e.g. ['192.0.2.1/24']. */
export function addressesIn(ns: string, ifname = 'eth0'): string[] {
  const out = ip(['-n', ns, '-j', 'addr', 'show', 'dev', ifname], 5000);
  const links = JSON.parse(out) as Array<{ addr_info?: Array<{ family: string; local: string; prefixlen: number }> }>;
  return links.flatMap((l) => (l.addr_info ?? []).filter((a) => a.family === 'inet').map((a) => `${a.local}/${a.prefixlen}`));
}

/**
 * Namespaces an earlier demo left behind (killed with SIGKILL, so its clean-up never ran): names
 * `vrrpdemo<pid>-...` whose pid no longer runs. Grouped by that pid.
 */
export function staleDemoNamespaces(ownPid = process.pid): Map<number, string[]> {
  const stale = new Map<number, string[]>();
  let list = '';
  try {
    list = ip(['netns', 'list'], 5000);
  } catch {
    return stale;
  }
  for (const line of list.split('\n')) {
    const name = line.split(' ')[0];
    const m = /^vrrpdemo(\d+)-/.exec(name);
    if (!m || Number(m[1]) === ownPid || pidAlive(Number(m[1]))) continue;
    stale.set(Number(m[1]), [...(stale.get(Number(m[1])) ?? []), name]);
  }
  return stale;
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes namespaces `names` (killing what runs in them, by pid); returns those still there. */
export function removeNamespaces(names: readonly string[]): string[] {
  const lan = new DemoLan('vrrpdemo-stale-');
  lan.adopt(names);
  return lan.destroy();
}
