/**
 * One child process for the libpcap send handles of all interfaces (./sender-child.ts). A Node child costs
 * about 42 MiB of RSS at least; one per interface made 16 VLANs cost 16 of them (bench/lan). Senders
 * (./forked-sender.ts) share it by reference count: the last one closed ends it. When the child dies (the
 * `cap` addon aborts it when an interface goes down), frames in flight fail and the next frame starts a
 * new child, which reopens handles as frames name their interfaces.
 */
import { ChildProcess, fork } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { CHILD_EXEC_ARGV } from './forked-child';

/** How long a closing child may take to exit before it is killed, in milliseconds. */
export const CLOSE_GRACE_MS = 1000;

type ChildMessage = { opened: string } | { openFailed: string; error: string } | { sent: number[]; failed: Array<{ id: number; error: string }> };

interface Pending {
  resolve(): void;
  reject(e: Error): void;
  timer: NodeJS.Timeout;
}

/** The shared sender child. */
export class SenderPool {
  private child: ChildProcess | null = null;
  private readonly pending = new Map<number, Pending>();
  private readonly opening = new Map<string, Array<() => void>>();
  private nextId = 1;
  private users = 0;
  /** Children started (the first one included). */
  starts = 0;

  /** A user more (a ForkedSender). */
  retain(): void {
    this.users++;
  }

  /**
   * A user less, done with `ifname`: its handle is closed in the child (before its interface may be
   * deleted: a vmac), and the last user ends the child once its frames are answered. Resolves when the
   * child exited (at once when others still use it).
   */
  release(ifname: string): Promise<void> {
    this.users = Math.max(0, this.users - 1);
    const child = this.child;
    if (child?.connected) child.send({ close: ifname });
    if (this.users > 0 || !child) return Promise.resolve();
    const exited = child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise<void>((r) => child.once('exit', () => r()));
    const end = (): void => {
      if (this.users > 0) return;
      if (child.connected) child.disconnect();
      const kill = setTimeout(() => child.kill('SIGKILL'), CLOSE_GRACE_MS);
      child.once('exit', () => clearTimeout(kill));
    };
    if (this.pending.size === 0) end();
    else this.afterPending = end;
    return exited;
  }

  private afterPending: (() => void) | null = null;
  /** Frames asked for in this turn of the event loop, not yet handed to the child. */
  private outbox: Array<{ frame: Uint8Array; ifname: string; id: number }> = [];

  private start(): ChildProcess {
    const script = path.join(__dirname, 'sender-child.js');
    if (!existsSync(script)) throw new Error(`${script} is missing: run npm run build`);
    const child = fork(script, [], { serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'], execArgv: CHILD_EXEC_ARGV });
    this.starts++;
    this.child = child;
    child.on('message', (m: ChildMessage) => {
      if ('sent' in m) {
        for (const id of m.sent) this.settle(id, null);
        for (const f of m.failed) this.settle(f.id, new Error(f.error));
      } else {
        const name = 'opened' in m ? m.opened : m.openFailed;
        for (const w of this.opening.get(name) ?? []) w();
        this.opening.delete(name);
      }
    });
    child.on('exit', (code, signal) => {
      if (this.child === child) this.child = null;
      for (const ws of this.opening.values()) for (const w of ws) w();
      this.opening.clear();
      for (const id of [...this.pending.keys()]) this.settle(id, new Error(`link-layer sender stopped (${signal ?? `exit ${code}`})`));
    });
    return child;
  }

  private settle(id: number, err: Error | null): void {
    const p = this.pending.get(id);
    if (!p) return;
    this.pending.delete(id);
    clearTimeout(p.timer);
    if (err) p.reject(err);
    else p.resolve();
    if (this.pending.size === 0 && this.afterPending) {
      const end = this.afterPending;
      this.afterPending = null;
      end();
    }
  }

  /** Opens the handle of `ifname` in the child (starting it); resolves when open or failed. */
  open(ifname: string): Promise<void> {
    const child = this.child ?? this.start();
    return new Promise((resolve) => {
      const list = this.opening.get(ifname) ?? [];
      list.push(resolve);
      this.opening.set(ifname, list);
      child.send({ open: ifname });
    });
  }

  /**
   * Sends one frame on `ifname`; resolves once the driver has it. Rejects when refused or after `timeoutMs`.
   * The frames asked for in one turn of the event loop leave together, in order, as one message to the
   * child (flushed in the turn's check phase, right after the I/O callbacks that asked for them).
   */
  send(ifname: string, frame: Uint8Array, timeoutMs: number): Promise<void> {
    const id = this.nextId++;
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => this.settle(id, new Error(`no answer from the sender in ${timeoutMs} ms`)), timeoutMs);
      this.pending.set(id, { resolve, reject, timer });
      if (this.outbox.push({ frame, ifname, id }) === 1) setImmediate(() => this.flush());
    });
  }

  /** Hands the frames of this turn to the child (starting it) as one burst. */
  private flush(): void {
    const burst = this.outbox;
    this.outbox = [];
    if (burst.length === 0) return;
    let child: ChildProcess;
    try {
      child = this.child ?? this.start();
    } catch (e) {
      for (const f of burst) this.settle(f.id, e as Error);
      return;
    }
    child.send({ burst }, (err) => {
      if (err) for (const f of burst) this.settle(f.id, err);
    });
  }
}

/** The process's sender pool. */
export const senderPool = new SenderPool();
