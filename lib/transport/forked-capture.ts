/**
 * A libpcap capture run in a child process (./capture-child.ts), so that the `cap` addon's native abort
 * when an interface goes down ends the child, not the daemon. The child is restarted after
 * `RESTART_MS` while the capture is open; frames arrive as 'frame' events as with LinkCapture.
 */
import { ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import type { LinkCaptureOptions } from './capture';
import { forkCaptureChild } from './forked-child';

/** Delay before a dead capture child is started again, in milliseconds. */
export const RESTART_MS = 1000;

type ChildMessage = { ready: true } | { frames: Uint8Array[] } | { error: string };

/** Emits 'frame' (Buffer), 'ready' (each time a child has opened the capture) and 'error' (Error). */
export class ForkedCapture extends EventEmitter {
  private child: ChildProcess | null = null;
  private closed = false;
  private restartTimer: NodeJS.Timeout | null = null;
  /** How many times the child had to be restarted. */
  restarts = 0;
  /** Resolves once the first child has the capture open (rejects if it could not open it). */
  readonly ready: Promise<void>;

  constructor(readonly opts: LinkCaptureOptions) {
    super();
    this.ready = new Promise((resolve, reject) => {
      this.once('ready', resolve);
      this.once('open-failed', reject);
    });
    this.ready.catch(() => undefined);
    this.start();
  }

  private start(): void {
    const child = forkCaptureChild(this.opts.ifname, this.opts.filter);
    this.child = child;
    child.on('message', (m: ChildMessage) => {
      if ('frames' in m) for (const f of m.frames) this.emit('frame', Buffer.from(f.buffer, f.byteOffset, f.byteLength));
      else if ('ready' in m) this.emit('ready');
      else this.emit('open-failed', new Error(m.error));
    });
    child.on('exit', (code, signal) => {
      if (this.child === child) this.child = null;
      if (this.closed) return;
      this.emit('error', new Error(`capture on ${this.opts.ifname} stopped (${signal ?? `exit ${code}`}); restarting in ${RESTART_MS} ms`));
      this.restartTimer = setTimeout(() => {
        this.restarts++;
        if (!this.closed) this.start();
      }, RESTART_MS);
    });
  }

  /** Stops the capture and its child; idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    if (this.child?.connected) this.child.disconnect();
    this.child?.kill();
    this.child = null;
  }
}
