/**
 * FRRouting 8.4 zebra + vrrpd as a VRRP peer on a host of a test LAN (see fixtures/README.md, "How FRR is
 * set up"): a macvlan per VRID carrying the virtual MAC with the VIP on it, daemons with their own
 * pathspace (`-N NS`), vty sockets and pid files in a temp dir owned by user frr. Everything runs inside
 * the host's namespace; `destroy()` stops the daemons and removes every path FRR created.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, rmdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Host, nsExec } from './netns';
import { hasCommand } from './peers';

export const FRR_BIN = '/usr/lib/frr';
const VAR_TMP_FRR = '/var/tmp/frr';
const varTmpFrrIsOurs = !existsSync(VAR_TMP_FRR);

/** Why FRR tests cannot run here, or null. */
export function frrSkipReason(): string | null {
  for (const f of ['zebra', 'vrrpd']) if (!existsSync(path.join(FRR_BIN, f))) return `${FRR_BIN}/${f} missing (package frr): FRR interop skipped`;
  if (!hasCommand('vtysh')) return 'vtysh missing (package frr): FRR interop skipped';
  try {
    execFileSync('id', ['frr'], { stdio: 'ignore' });
  } catch {
    return 'no user frr: FRR interop skipped';
  }
  return null;
}

export interface FrrOptions {
  vrid: number;
  priority: number;
  family: 4 | 6;
  /** The virtual address without prefix length. */
  vip: string;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** One FRR router (zebra + vrrpd) on `host`, VRRPv3, advertisement interval 1000 ms. */
export class FrrRouter {
  readonly dir: string;
  readonly macvlan: string;
  /** IPv6: the macvlan's own link-local, the source of FRR's IPv6 adverts. */
  readonly linkLocal: string;
  private pids: number[] = [];

  constructor(readonly host: Host, readonly o: FrrOptions) {
    const top = mkdtempSync(path.join(tmpdir(), 'vrrpt-frr-'));
    chmodSync(top, 0o755);
    this.dir = path.join(top, 'frr');
    mkdirSync(this.dir);
    this.macvlan = `vrrp${o.family}-${o.vrid}`;
    this.linkLocal = `fe80::1:${host.n.toString(16)}`;
  }

  /** The address FRR's adverts come from: eth0's IPv4 address, or the macvlan's link-local. */
  get source(): string {
    return this.o.family === 4 ? this.host.ipv4 : this.linkLocal;
  }

  private ip(...args: string[]): void {
    execFileSync('ip', ['-n', this.host.ns, ...args], { stdio: ['ignore', 'pipe', 'pipe'], timeout: 10000 });
  }

  /** Creates the macvlan (virtual MAC, mode bridge, VIP on it) and starts zebra and vrrpd. */
  async start(): Promise<void> {
    const { vrid, priority, family, vip } = this.o;
    const mac = `00:00:5e:00:0${family === 4 ? 1 : 2}:${vrid.toString(16).padStart(2, '0')}`;
    this.ip('link', 'add', this.macvlan, 'link', 'eth0', 'type', 'macvlan', 'mode', 'bridge');
    this.ip('link', 'set', this.macvlan, 'address', mac, 'addrgenmode', 'none');
    nsExec(this.host.ns, 'sysctl', ['-q', '-w', `net.ipv6.conf.${this.macvlan}.accept_dad=0`, `net.ipv6.conf.${this.macvlan}.router_solicitations=0`]);
    this.ip('link', 'set', this.macvlan, 'up');
    if (family === 4) this.ip('addr', 'add', `${vip}/24`, 'dev', this.macvlan);
    else {
      this.ip('addr', 'add', `${this.linkLocal}/64`, 'dev', this.macvlan, 'nodad');
      this.ip('addr', 'add', `${vip}/64`, 'dev', this.macvlan, 'nodad');
    }
    const d = this.dir;
    writeFileSync(`${d}/zebra.conf`, `hostname frr-h${this.host.n}\nlog file ${d}/zebra.log\n`);
    writeFileSync(`${d}/vrrpd.conf`, [
      `hostname frr-h${this.host.n}`, `log file ${d}/vrrpd.log debugging`, 'debug vrrp protocol', 'debug vrrp zebra',
      'interface eth0', ` vrrp ${vrid} version 3`, ` vrrp ${vrid} priority ${priority}`,
      ` vrrp ${vrid} advertisement-interval 1000`, ` vrrp ${vrid} ${family === 4 ? 'ip' : 'ipv6'} ${vip}`, '!', '',
    ].join('\n'));
    execFileSync('chown', ['-R', 'frr:frr', d]);
    this.daemon('zebra');
    const api = `${d}/zserv.api`;
    for (let i = 0; i < 50 && !existsSync(api); i++) await sleep(100);
    if (!existsSync(api)) throw new Error(`zebra in ${this.host.ns} did not come up: ${this.logs()}`);
    this.daemon('vrrpd');
  }

  private daemon(name: 'zebra' | 'vrrpd'): void {
    const d = this.dir;
    const out = openSync(`${d}/${name}.out`, 'a');
    try {
      execFileSync('ip', ['netns', 'exec', this.host.ns, `${FRR_BIN}/${name}`, '-d', '-N', this.host.ns, '-f', `${d}/${name}.conf`,
        '-i', `${d}/${name}.pid`, '-z', `${d}/zserv.api`, '--vty_socket', d], { stdio: ['ignore', out, out], timeout: 10000 });
    } finally {
      closeSync(out);
    }
    const pid = this.pidOf(name);
    if (pid === null) throw new Error(`${name} in ${this.host.ns} did not start: ${this.logs()}`);
    this.pids.push(pid);
  }

  private pidOf(name: string): number | null {
    try {
      const pid = Number(readFileSync(`${this.dir}/${name}.pid`, 'utf8').trim());
      return Number.isInteger(pid) && pid > 0 ? pid : null;
    } catch {
      return null;
    }
  }

  /** Runs vtysh commands against this vrrpd. */
  vtysh(...commands: string[]): string {
    return nsExec(this.host.ns, 'vtysh', ['--vty_socket', this.dir, '-d', 'vrrpd', ...commands.flatMap((c) => ['-c', c])]);
  }

  /** FRR's state for its VRID and family ('Master', 'Backup', 'Initialize'), from `show vrrp json`. */
  state(): string {
    try {
      const out = this.vtysh(`show vrrp interface eth0 ${this.o.vrid} json`);
      const j = JSON.parse(out) as Array<Record<string, { status?: string }>>;
      return j[0]?.[this.o.family === 4 ? 'v4' : 'v6']?.status ?? `? ${out}`;
    } catch (e) {
      const err = e as Error & { stdout?: string; stderr?: string };
      return `? (${err.message.split('\n')[0]} ${err.stdout ?? ''} ${err.stderr ?? ''})`;
    }
  }

  /** Graceful shutdown of the virtual router: one advert with priority 0 (`vrrp N shutdown`). */
  shutdown(): void {
    this.vtysh('configure terminal', 'interface eth0', `vrrp ${this.o.vrid} shutdown`);
  }

  /** Stops FRR's vrrpd with SIGTERM (it sends priority 0 on the way out, like `shutdown()`). */
  terminate(): void {
    const pid = this.pidOf('vrrpd');
    if (pid !== null && alive(pid)) process.kill(pid, 'SIGTERM');
  }

  /**
   * Brings the virtual router back after `shutdown()` (`no vrrp N shutdown`) or `terminate()` (vrrpd
   * started again). It comes up as Backup and, preempting, becomes Master over a lower priority.
   */
  resume(): void {
    const pid = this.pidOf('vrrpd');
    if (pid !== null && alive(pid)) this.vtysh('configure terminal', 'interface eth0', `no vrrp ${this.o.vrid} shutdown`);
    else this.daemon('vrrpd');
  }

  /** Whether the macvlan is in protodown (FRR keeps it down in Backup and brings it up in Master). */
  protodown(): boolean {
    const out = execFileSync('ip', ['-n', this.host.ns, '-d', '-j', 'link', 'show', 'dev', this.macvlan], { encoding: 'utf8' });
    return (JSON.parse(out) as Array<{ proto_down?: boolean }>)[0]?.proto_down === true;
  }

  /** Logs, for a failure report. */
  logs(): string {
    const parts: string[] = [];
    for (const f of ['zebra.out', 'vrrpd.out', 'zebra.log', 'vrrpd.log']) {
      try {
        parts.push(`--- FRR ${this.host.ns} ${f}\n${readFileSync(`${this.dir}/${f}`, 'utf8')}`);
      } catch {
        // not written
      }
    }
    return parts.join('\n');
  }

  /** Stops vrrpd and zebra (SIGTERM, then SIGKILL) and removes FRR's run and temp paths; never throws. */
  async destroy(): Promise<void> {
    const pids = this.pids.filter(alive);
    for (const pid of pids) try { process.kill(pid, 'SIGTERM'); } catch { /* gone */ }
    for (let i = 0; i < 50 && pids.some(alive); i++) await sleep(100);
    for (const pid of pids.filter(alive)) try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ }
    const paths = [`/var/run/frr/${this.host.ns}`, ...this.pids.flatMap((p) => [`${VAR_TMP_FRR}/zebra.${p}`, `${VAR_TMP_FRR}/vrrpd.${p}`])];
    for (const p of paths) rmSync(p, { recursive: true, force: true });
    if (varTmpFrrIsOurs) try { rmdirSync(VAR_TMP_FRR); } catch { /* not empty or gone */ }
    rmSync(path.dirname(this.dir), { recursive: true, force: true });
  }
}
