/**
 * Test LANs in network namespaces: a "switch" namespace with a bridge (multicast snooping off) and N host
 * namespaces, each with a veth `eth0` wired to the bridge, a fixed MAC, 192.0.2.<n>/24, 2001:db8::<n>/64
 * and link-local fe80::<n>/64 (no DAD, no generated link-local). Every name starts with `vrrpt<pid>-<tag>`;
 * `destroy()` kills the processes started through the LAN and deletes its namespaces, by name and pid.
 */
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import * as path from 'node:path';

/** Root of the repository (for `dist/` paths in child scripts). */
export const REPO_ROOT = path.resolve(__dirname, '../..');

/** One host of a test LAN. */
export interface Host {
  /** 1-based host number, used in its addresses. */
  n: number;
  ns: string;
  ifname: 'eth0';
  mac: string;
  ipv4: string;
  ipv6: string;
  linkLocal: string;
}

/** Output of a finished child process. */
export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function ip(...args: string[]): string {
  return execFileSync('ip', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 10000 });
}

let probeCount = 0;

/**
 * Why namespace tests cannot run here, or null when they can (root, and `ip netns add` works).
 * Print the reason and skip: `const skip = netnsSkipReason()`.
 */
export function netnsSkipReason(): string | null {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return 'not root: network namespace tests skipped';
  const name = `vrrpt${process.pid}-probe${probeCount++}`;
  try {
    ip('netns', 'add', name);
  } catch (e) {
    return `ip netns add failed (${(e as Error).message.split('\n')[0]}): network namespace tests skipped`;
  }
  try {
    ip('netns', 'del', name);
  } catch {
    // nothing else to do; the name is unique to this process
  }
  return null;
}

/** Runs `cmd args...` inside `ns` and returns its stdout. @throws Error with stderr on failure. */
export function nsExec(ns: string, cmd: string, args: string[], timeoutMs = 10000): string {
  return execFileSync('ip', ['netns', 'exec', ns, cmd, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: timeoutMs });
}

/** A LAN of host namespaces on one bridge. */
export class Lan {
  readonly prefix: string;
  readonly switchNs: string;
  readonly hosts: Host[] = [];
  private readonly namespaces: string[] = [];
  private readonly children = new Set<ChildProcess>();

  /** Builds the LAN; on any failure what was built is removed and the error rethrown. */
  constructor(tag: string, hostCount: number) {
    this.prefix = `vrrpt${process.pid}-${tag}`;
    this.switchNs = `${this.prefix}-sw`;
    try {
      this.addNs(this.switchNs);
      ip('-n', this.switchNs, 'link', 'add', 'br0', 'type', 'bridge', 'mcast_snooping', '0');
      ip('-n', this.switchNs, 'link', 'set', 'br0', 'up');
      for (let n = 1; n <= hostCount; n++) this.addHost(n);
    } catch (e) {
      this.destroy();
      throw e;
    }
  }

  private addNs(name: string): void {
    ip('netns', 'add', name);
    this.namespaces.push(name);
    ip('-n', name, 'link', 'set', 'lo', 'up');
  }

  private addHost(n: number): void {
    const hex = n.toString(16).padStart(2, '0');
    const host: Host = {
      n,
      ns: `${this.prefix}-h${n}`,
      ifname: 'eth0',
      mac: `02:00:00:00:00:${hex}`,
      ipv4: `192.0.2.${n}`,
      ipv6: `2001:db8::${n.toString(16)}`,
      linkLocal: `fe80::${n.toString(16)}`,
    };
    this.addNs(host.ns);
    nsExec(host.ns, 'sysctl', ['-q', '-w', 'net.ipv6.conf.all.accept_dad=0', 'net.ipv6.conf.default.accept_dad=0']);
    this.plug(host);
    this.hosts.push(host);
  }

  /** Creates the host's eth0 (a veth whose peer `pN` is a port of the switch) with its MAC and addresses. */
  private plug(host: Host): void {
    const port = `p${host.n}`;
    // The MAC is given at creation: a poll of vrrpd never sees eth0 with a random one first (it would be
    // a MAC change, i.e. one more announcement round, in the 'interface replaced' scenario).
    ip('-n', this.switchNs, 'link', 'add', port, 'type', 'veth', 'peer', 'name', 'eth0', 'address', host.mac, 'netns', host.ns);
    ip('-n', this.switchNs, 'link', 'set', port, 'master', 'br0', 'up');
    ip('-n', host.ns, 'link', 'set', 'eth0', 'addrgenmode', 'none');
    nsExec(host.ns, 'sysctl', ['-q', '-w', 'net.ipv6.conf.eth0.accept_dad=0']);
    ip('-n', host.ns, 'addr', 'add', `${host.ipv4}/24`, 'dev', 'eth0');
    ip('-n', host.ns, 'addr', 'add', `${host.ipv6}/64`, 'dev', 'eth0', 'nodad');
    ip('-n', host.ns, 'addr', 'add', `${host.linkLocal}/64`, 'dev', 'eth0', 'nodad');
    ip('-n', host.ns, 'link', 'set', 'eth0', 'up');
  }

  /**
   * Deletes the host's eth0 and creates it again, same name and addresses, but a new ifindex (and `mac` if
   * given): what a network manager restarting an interface does. Sockets bound to the old one are left dead.
   */
  replug(host: Host, mac = host.mac): void {
    ip('-n', host.ns, 'link', 'del', 'eth0');
    host.mac = mac;
    this.plug(host);
  }

  /** Starts `cmd args...` in `ns`; the process is killed by `destroy()` if still running. */
  spawn(ns: string, cmd: string, args: string[]): ChildProcess {
    const child = spawn('ip', ['netns', 'exec', ns, cmd, ...args], { cwd: REPO_ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
    this.children.add(child);
    child.on('exit', () => this.children.delete(child));
    return child;
  }

  /**
   * Runs a plain-JS `script` with node inside `ns` (cwd: the repository, so `require('./dist/lib/...')`
   * works) and collects its output; kills it after `timeoutMs`. `args` reach it as process.argv[1..].
   */
  runNode(ns: string, script: string, args: string[] = [], timeoutMs = 10000): Promise<RunResult> {
    return collect(this.spawn(ns, process.execPath, ['-e', script, '--', ...args]), timeoutMs);
  }

  /** Kills the children still running and deletes every namespace of this LAN; never throws. */
  destroy(): void {
    for (const child of this.children) {
      try {
        child.kill('SIGKILL');
      } catch {
        // already gone
      }
    }
    this.children.clear();
    for (const ns of this.namespaces.reverse()) {
      try {
        // Processes left inside (e.g. grandchildren) would keep the namespace alive: kill them by pid.
        const pids = execFileSync('ip', ['netns', 'pids', ns], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).split(/\s+/).filter(Boolean);
        for (const pid of pids) {
          try {
            process.kill(Number(pid), 'SIGKILL');
          } catch {
            // already gone
          }
        }
      } catch {
        // namespace already gone
      }
      try {
        ip('netns', 'del', ns);
      } catch {
        // already gone
      }
    }
    this.namespaces.length = 0;
  }
}

/** Waits for `child` to exit (killing it after `timeoutMs`) and returns what it printed. */
export function collect(child: ChildProcess, timeoutMs: number): Promise<RunResult> {
  return new Promise((resolve) => {
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** Resolves once `child` printed `marker` on `stream`; rejects after `timeoutMs` or on exit. */
export function waitForLine(child: ChildProcess, marker: string, timeoutMs = 5000, stream: 'stdout' | 'stderr' = 'stdout'): Promise<void> {
  const out = child[stream];
  return new Promise((resolve, reject) => {
    let seen = '';
    const onData = (d: Buffer): void => {
      seen += d.toString();
      if (seen.includes(marker)) done(null);
    };
    const onExit = (): void => done(new Error(`process exited before printing ${marker}: ${seen}`));
    const timer = setTimeout(() => done(new Error(`no ${marker} within ${timeoutMs} ms: ${seen}`)), timeoutMs);
    function done(err: Error | null): void {
      clearTimeout(timer);
      out?.off('data', onData);
      child.off('exit', onExit);
      if (err) reject(err);
      else resolve();
    }
    out?.on('data', onData);
    child.on('exit', onExit);
  });
}
