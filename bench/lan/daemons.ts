/**
 * The two implementations under test, started the same way on a namespace host: vrrpd (this package's
 * bin/vrrpd) and keepalived 2.2.7 (`-n -l -P`: foreground, log to stdout, VRRP only). Each gets its own
 * pid files and config under the run's directory. Process-tree CPU and RSS are read from /proc.
 */
import { ChildProcess, execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { Host, Lan } from '../../test/helpers/netns';
import { processTree } from '../../test/helpers/proc';

/** The package root (this file runs from bench/lan or, compiled, from dist/bench/lan). */
export const ROOT = ((): string => {
  for (let dir = __dirname; dir !== path.dirname(dir); dir = path.dirname(dir)) if (existsSync(path.join(dir, 'bin', 'vrrpd'))) return dir;
  throw new Error('cannot find the package root (bin/vrrpd)');
})();

/** Which daemon. */
export type Impl = 'keepalived' | 'vrrpd';
export const IMPLS: readonly Impl[] = ['keepalived', 'vrrpd'];

/** A running daemon on a host. */
export interface Daemon {
  impl: Impl;
  host: Host;
  name: string;
  child: ChildProcess;
  /** Everything it printed so far. */
  log: () => string;
  /** vrrpd's control socket (status); undefined for keepalived. */
  socket?: string;
}

/**
 * How vrrpd is started: as a user runs it, bin/vrrpd through its shebang (which sets its V8 options); with
 * BENCH_NODE_ARGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof" to profile) node runs it with those added.
 */
function vrrpdCommand(args: string[]): [string, string[]] {
  const bin = path.join(ROOT, 'bin', 'vrrpd');
  const extra = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
  return extra.length > 0 ? [process.execPath, [...shebangNodeOptions(bin), ...extra, bin, ...args]] : [bin, args];
}

/** The V8 options on `bin`'s `#!/usr/bin/env -S node ...` line (one place sets them). */
function shebangNodeOptions(bin: string): string[] {
  const first = readFileSync(bin, 'utf8').split('\n', 1)[0];
  return first.split(/\s+/).filter((w) => w.startsWith('--'));
}

/** Starts `impl` on `host` with keepalived.conf `conf`; resolves once it runs (vrrpd: logged its start). */
export async function startDaemon(lan: Lan, dir: string, impl: Impl, host: Host, name: string, conf: string, opts: { cpu?: number } = {}): Promise<Daemon> {
  const file = path.join(dir, `${name}.conf`);
  writeFileSync(file, conf);
  const p = (s: string): string => path.join(dir, `${name}.${s}`);
  const [cmd, args] = impl === 'vrrpd'
    ? vrrpdCommand(['-f', file, '--pid-file', p('pid'), '--control-socket', p('sock')])
    : ['keepalived', ['-n', '-l', '-P', '-f', file, '-p', p('pid'), '-r', p('vrrp.pid'), '-c', p('chk.pid'), '-b', p('bfd.pid')]];
  // Pinned to one CPU for the jitter runs (children inherit the affinity).
  const child = opts.cpu === undefined ? lan.spawn(host.ns, cmd, args) : lan.spawn(host.ns, 'taskset', ['-c', String(opts.cpu), cmd, ...args]);
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const d: Daemon = { impl, host, name, child, log: () => out, ...(impl === 'vrrpd' ? { socket: p('sock') } : {}) };
  const deadline = Date.now() + 30_000;
  for (;;) {
    // keepalived is running once its VRRP child exists.
    if (impl === 'vrrpd' ? out.includes('started ') : processTree(child.pid ?? -1).length > 1) break;
    if (child.exitCode !== null) throw new Error(`${impl} on ${host.ns} exited: ${out}`);
    if (Date.now() > deadline) throw new Error(`${impl} on ${host.ns} did not start: ${out}`);
    await sleep(50);
  }
  return d;
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Stops a daemon with `signal` and waits for it (SIGKILL after 10 s); the whole process group for SIGKILL. */
export async function stopDaemon(d: Daemon, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (d.child.exitCode !== null || d.child.signalCode !== null) return;
  const done = new Promise<void>((r) => d.child.once('exit', () => r()));
  const pids = treePids(d.child.pid ?? -1);
  // `ip netns exec` execs the daemon (same pid). SIGKILL: every process of its tree at once.
  if (signal === 'SIGKILL') for (const pid of pids) tryKill(pid, 'SIGKILL');
  else tryKill(pids[0], signal);
  const t = setTimeout(() => pids.forEach((p) => tryKill(p, 'SIGKILL')), 10_000);
  await done;
  clearTimeout(t);
}

function tryKill(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // gone
  }
}

/** `pid` and all its descendants, parents first. */
export const treePids = processTree;

/**
 * CPU seconds (user + system), RSS and private memory (bytes) of a daemon's process tree (`ip netns exec`
 * execs it). Private = Private_Clean + Private_Dirty of smaps_rollup: what the tree costs the machine beyond
 * pages shared with other processes (the node binary's text is shared by every Node process; libc by all).
 */
export function treeUsage(d: Daemon): { cpuS: number; rssBytes: number; privateBytes: number; processes: number } {
  const hz = 100;
  let cpuS = 0;
  let rssBytes = 0;
  let privateBytes = 0;
  const pids = treePids(d.child.pid ?? -1);
  const kB = (text: string, field: string): number => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(text)?.[1] ?? 0) * 1024;
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      cpuS += (Number(fields[11]) + Number(fields[12])) / hz;
      rssBytes += kB(readFileSync(`/proc/${pid}/status`, 'utf8'), 'VmRSS');
      const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
      privateBytes += kB(rollup, 'Private_Clean') + kB(rollup, 'Private_Dirty');
    } catch {
      // exited between the listing and the read
    }
  }
  return { cpuS, rssBytes, privateBytes, processes: pids.length };
}

/** vrrpd's `status --json` (null for keepalived or when it does not answer). */
export function vrrpdStatus(d: Daemon): { instances: Array<{ name: string; state: string; counters: Record<string, number> }> } | null {
  if (!d.socket) return null;
  try {
    const out = execFileSync('ip', ['netns', 'exec', d.host.ns, process.execPath, path.join(ROOT, 'bin', 'vrrpd'), 'status', '--control-socket', d.socket, '--json'], { encoding: 'utf8', timeout: 20_000, maxBuffer: 64 << 20 });
    return JSON.parse(out) as ReturnType<typeof vrrpdStatus>;
  } catch {
    return null;
  }
}

/** Addresses on `dev` of a host. */
export function addressesOn(host: Host, dev = 'eth0'): string[] {
  try {
    const out = execFileSync('ip', ['-n', host.ns, '-j', 'addr', 'show', 'dev', dev], { encoding: 'utf8', maxBuffer: 64 << 20 });
    return (JSON.parse(out) as Array<{ addr_info: Array<{ local: string }> }>).flatMap((l) => l.addr_info.map((a) => a.local));
  } catch {
    return [];
  }
}

/** Every address of a host on every interface. */
export function allAddresses(host: Host): string[] {
  const out = execFileSync('ip', ['-n', host.ns, '-j', 'addr', 'show'], { encoding: 'utf8', maxBuffer: 64 << 20 });
  return (JSON.parse(out) as Array<{ addr_info: Array<{ local: string }> }>).flatMap((l) => l.addr_info.map((a) => a.local));
}

/** Removes every address of `host`'s eth0 that is not its own (a VIP a SIGKILL left behind). */
export function removeStrays(host: Host, own: readonly string[]): void {
  for (const a of addressesOn(host)) {
    if (own.includes(a)) continue;
    const len = a.includes(':') ? 128 : 32;
    try {
      execFileSync('ip', ['-n', host.ns, 'addr', 'del', `${a}/${len}`, 'dev', 'eth0'], { stdio: 'ignore' });
    } catch {
      try {
        execFileSync('ip', ['-n', host.ns, 'addr', 'del', `${a}/${a.includes(':') ? 64 : 24}`, 'dev', 'eth0'], { stdio: 'ignore' });
      } catch {
        // gone
      }
    }
  }
}

/** Names of the processes found in the host's namespace (for checks that nothing is left). */
export function namespacePids(ns: string): number[] {
  try {
    return execFileSync('ip', ['netns', 'pids', ns], { encoding: 'utf8' }).split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/** keepalived's version line, or null when it is not installed. */
export function keepalivedVersion(): string | null {
  try {
    return execFileSync('keepalived', ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).split('\n')[0] || 'keepalived';
  } catch (e) {
    const err = (e as { stderr?: string }).stderr;
    return err ? err.split('\n')[0] : null;
  }
}

/** Which CPUs exist (for pinning a hog to the daemon's core). */
export function cpus(): number[] {
  return readdirSync('/sys/devices/system/cpu').filter((n) => /^cpu\d+$/.test(n)).map((n) => Number(n.slice(3))).sort((a, b) => a - b);
}
