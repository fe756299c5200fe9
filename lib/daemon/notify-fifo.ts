/**
 * keepalived's notify FIFOs (keepalived.conf(5) global_defs `notify_fifo`, `vrrp_notify_fifo` and their
 * `_script`): one line per notify event, `INSTANCE "VI_1" MASTER 100` or `GROUP "G1" BACKUP 0` (a group's
 * priority is 0), plus `MASTER_PRIORITY` / `BACKUP_PRIORITY` lines with `vrrp_notify_priority_changes`.
 * The FIFO is created when missing (mode 0600, owned by the configured user) and removed at close when
 * vrrpd created it. It is opened read-write and non-blocking, so opening never waits for a reader and a
 * write never blocks the daemon: a full FIFO (no reader draining it) drops the line and counts it. The
 * FIFO script runs with the FIFO path as its last argument while the FIFO is open; close sends it SIGTERM.
 */
import { execFile } from 'node:child_process';
import { chownSync, closeSync, constants, lstatSync, openSync, unlinkSync, writeSync } from 'node:fs';
import { promisify } from 'node:util';
import type { GlobalDefs } from '../config/types';
import type { RunAs } from '../node/spec';
import { resolveId, runAsOptions, splitCommand } from './command';
import type { CommandRunner, LogFn } from './executor';

/** How long close waits for the FIFO script to end after SIGTERM, in milliseconds. */
export const FIFO_SCRIPT_STOP_MS = 2000;

/** One FIFO line as keepalived writes it, newline included: `TYPE "NAME" STATE PRIORITY\n`. */
export function fifoLine(kind: 'INSTANCE' | 'GROUP', name: string, state: string, priority: number): string {
  return `${kind} "${name}" ${state} ${priority}\n`;
}

export interface NotifyFifoOptions {
  path: string;
  /** `notify_fifo FIFO [username [groupname]]`: owner of the FIFO when vrrpd creates it. */
  owner?: RunAs;
  /** `notify_fifo_script CMD`, with who runs it (its own user, else script_user). */
  script?: { command: string; user?: string; group?: string };
  log: LogFn;
  runCommand: CommandRunner;
}

/** One notify FIFO. */
export class NotifyFifo {
  /** Lines written and lines dropped (FIFO full or write error). */
  written = 0;
  dropped = 0;
  private fd: number | null = null;
  private created = false;
  private script: { abort: AbortController; done: Promise<unknown> } | null = null;
  private warned = false;

  constructor(private readonly opts: NotifyFifoOptions) {}

  get path(): string {
    return this.opts.path;
  }

  /** Whether lines are being written. */
  get isOpen(): boolean {
    return this.fd !== null;
  }

  /**
   * Creates the FIFO if missing, opens it and starts the script. @throws Error when the path exists but is
   * not a FIFO, or cannot be created or opened (nothing is left behind then).
   */
  async open(): Promise<void> {
    if (this.fd !== null) return;
    const { path } = this.opts;
    let exists = true;
    try {
      if (!lstatSync(path).isFIFO()) throw new Error(`notify FIFO ${path} exists and is not a FIFO`);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      exists = false;
    }
    if (!exists) {
      // Node has no mkfifo(3): the coreutils binary, once at start-up or reload.
      await promisify(execFile)('mkfifo', ['-m', '0600', '--', path]).catch((e: Error & { stderr?: string }) => {
        throw new Error(`cannot create notify FIFO ${path}: ${(e.stderr ?? e.message).trim()}`);
      });
      this.created = true;
    }
    try {
      if (this.created && this.opts.owner) {
        const uid = resolveId(this.opts.owner.user, '/etc/passwd');
        const gid = this.opts.owner.group !== undefined ? resolveId(this.opts.owner.group, '/etc/group') : -1;
        if (uid === null || gid === null) throw new Error(`notify FIFO ${path}: unknown user or group ${this.opts.owner.user}:${this.opts.owner.group ?? ''}`);
        chownSync(path, uid, gid ?? -1);
      }
      this.fd = openSync(path, constants.O_RDWR | constants.O_NONBLOCK);
    } catch (e) {
      this.removeCreated();
      throw e;
    }
    this.startScript();
  }

  private startScript(): void {
    const s = this.opts.script;
    if (!s) return;
    let argv: string[];
    try {
      argv = [...splitCommand(s.command), this.opts.path];
    } catch (e) {
      this.opts.log('warn', `notify FIFO ${this.opts.path}: script: ${(e as Error).message}`);
      return;
    }
    const abort = new AbortController();
    const done = this.opts.runCommand(argv, { timeoutMs: Infinity, signal: abort.signal, ...(s.user !== undefined ? { user: s.user } : {}), ...(s.group !== undefined ? { group: s.group } : {}) }).then((r) => {
      if (!abort.signal.aborted) this.opts.log('warn', `notify FIFO script ${argv.join(' ')} ended: ${r.spawnError ?? r.outcome}${r.code !== null ? ` (exit ${r.code})` : ''}`);
    });
    this.script = { abort, done };
  }

  /** Writes one line without blocking; false (and counted) when it is dropped. */
  write(line: string): boolean {
    if (this.fd === null) return false;
    try {
      // Lines are far below PIPE_BUF (4096 bytes): the kernel writes each whole or not at all.
      writeSync(this.fd, line);
      this.written++;
      return true;
    } catch (e) {
      this.dropped++;
      const code = (e as NodeJS.ErrnoException).code;
      if (!this.warned) this.opts.log('warn', `notify FIFO ${this.opts.path}: ${code === 'EAGAIN' ? 'full (no reader), line dropped' : `write failed (${code ?? String(e)}), line dropped`}; further drops are only counted`);
      this.warned = true;
      return false;
    }
  }

  /** Stops the script (SIGTERM, bounded wait), closes the FIFO and removes it when vrrpd created it. */
  async close(): Promise<void> {
    if (this.script) {
      const { abort, done } = this.script;
      this.script = null;
      abort.abort();
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([done, new Promise((res) => (timer = setTimeout(res, FIFO_SCRIPT_STOP_MS)))]);
      clearTimeout(timer);
    }
    if (this.fd !== null) {
      closeSync(this.fd);
      this.fd = null;
    }
    this.removeCreated();
  }

  private removeCreated(): void {
    if (!this.created) return;
    this.created = false;
    try {
      unlinkSync(this.opts.path);
    } catch {
      /* already gone */
    }
  }
}

/**
 * The FIFOs of `global`: `notify_fifo` and `vrrp_notify_fifo` (vrrpd has only VRRP events, so both get
 * every line; one FIFO when both name the same path). Scripts without a user run as script_user.
 */
export function notifyFifosOf(global: GlobalDefs, log: LogFn, runCommand: CommandRunner): NotifyFifo[] {
  const out = new Map<string, NotifyFifo>();
  for (const f of [global.notifyFifo, global.vrrpNotifyFifo]) {
    if (!f || out.has(f.path)) continue;
    const who = f.script?.user ?? global.scriptUser;
    const script = f.script ? { command: f.script.command, ...runAsOptions(who) } : undefined;
    out.set(f.path, new NotifyFifo({ path: f.path, ...(f.user ? { owner: f.user } : {}), ...(script ? { script } : {}), log, runCommand }));
  }
  return [...out.values()];
}
