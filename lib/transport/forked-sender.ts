/**
 * Sends prebuilt Ethernet frames (gratuitous ARP, unsolicited NA) through a libpcap handle owned by a
 * child process (./capture-child.ts). The `cap` addon aborts its process when the handle's interface goes
 * down; with the handle in a child, a MASTER whose link fails loses only the child, and the next send
 * starts a new one. Each send resolves once the child handed the frame to the driver.
 */
import { ChildProcess } from 'node:child_process';
import { MATCH_NOTHING } from './capture';
import { forkCaptureChild } from './forked-child';

/** How long one frame may wait for the child's answer, in milliseconds. */
export const SEND_TIMEOUT_MS = 2000;
/** How long a closing child may take to exit before it is killed, in milliseconds. */
export const CLOSE_GRACE_MS = 1000;

type ChildMessage = { ready: true } | { error: string } | { sent: number } | { failed: number; error: string };

interface Pending {
  resolve(): void;
  reject(e: Error): void;
  timer: NodeJS.Timeout;
}

/** Link-layer sender on one interface, with its libpcap handle in a child process. */
export class ForkedSender {
  private child: ChildProcess | null = null;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private closed = false;
  /** Frames the child handed to the driver. */
  sent = 0;
  /** Frames refused, timed out or lost with a dead child. */
  sendErrors = 0;
  /** Children started (the first one included). */
  starts = 0;

  constructor(
    readonly ifname: string,
    private readonly timeoutMs = SEND_TIMEOUT_MS,
  ) {}

  private readyWaiters: Array<() => void> = [];
  private isReady = false;

  private start(): ChildProcess {
    const child = forkCaptureChild(this.ifname, MATCH_NOTHING);
    this.starts++;
    this.child = child;
    this.isReady = false;
    child.on('message', (m: ChildMessage) => {
      if ('ready' in m) {
        this.isReady = true;
        for (const w of this.readyWaiters.splice(0)) w();
      } else if ('sent' in m) this.settle(m.sent, null);
      else if ('failed' in m) this.settle(m.failed, new Error(`${this.ifname}: ${m.error}`));
      else if ('error' in m) this.failAll(new Error(`${this.ifname}: ${m.error}`));
    });
    child.on('exit', (code, signal) => {
      if (this.child === child) this.child = null;
      for (const w of this.readyWaiters.splice(0)) w();
      this.failAll(new Error(`${this.ifname}: link-layer sender stopped (${signal ?? `exit ${code}`})`));
    });
    return child;
  }

  private settle(id: number, err: Error | null): void {
    const p = this.pending.get(id);
    if (!p) return;
    this.pending.delete(id);
    clearTimeout(p.timer);
    if (err) {
      this.sendErrors++;
      p.reject(err);
    } else {
      this.sent++;
      p.resolve();
    }
    if (this.closed && this.pending.size === 0) this.disconnect();
  }

  private failAll(err: Error): void {
    for (const id of [...this.pending.keys()]) this.settle(id, err);
  }

  /**
   * Starts the child and resolves once its libpcap handle is open (or it failed: the next send reports
   * why), so the first announcement after a takeover does not wait for a process to start (~120 ms).
   */
  open(): Promise<void> {
    if (this.closed) return Promise.resolve();
    if (!this.child) this.start();
    if (this.isReady) return Promise.resolve();
    return new Promise((resolve) => this.readyWaiters.push(resolve));
  }

  /** Sends one frame; resolves once the driver has it. Rejects when closed, refused, or after the timeout. */
  send(frame: Uint8Array): Promise<void> {
    if (this.closed) return Promise.reject(new Error(`${this.ifname}: sender closed`));
    const child = this.child ?? this.start();
    const id = this.nextId++;
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => this.settle(id, new Error(`${this.ifname}: no answer from the sender in ${this.timeoutMs} ms`)), this.timeoutMs);
      this.pending.set(id, { resolve, reject, timer });
      child.send({ send: frame, id }, (err) => {
        if (err) this.settle(id, err);
      });
    });
  }

  private disconnect(): void {
    const child = this.child;
    if (!child) return;
    if (child.connected) child.disconnect();
    const kill = setTimeout(() => child.kill('SIGKILL'), CLOSE_GRACE_MS);
    child.once('exit', () => clearTimeout(kill));
  }

  /**
   * Lets frames in flight finish (each within its timeout), then closes the child. Resolves once the
   * child has exited. Idempotent.
   */
  close(): Promise<void> {
    const child = this.child;
    if (!this.closed) {
      this.closed = true;
      if (this.pending.size === 0) this.disconnect();
    }
    if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
    return new Promise((resolve) => child.once('exit', () => resolve()));
  }
}
