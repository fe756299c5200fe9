/**
 * A libpcap capture held by the daemon's link-layer child (./link-pool.ts), so that the `cap` addon's
 * native abort when an interface goes down ends the child, not the daemon. Every capture of the daemon
 * shares that one child; when it dies (or this capture failed to open) the capture is opened again after
 * `RESTART_MS`. Frames arrive as 'frame' events as with LinkCapture, with the moment the child captured
 * each one (performance.now() milliseconds of this process) as second argument.
 */
import { EventEmitter } from 'node:events';
import type { LinkCaptureOptions } from './capture';
import { LinkPool, linkPool, RESTART_MS } from './link-pool';
import { fromMonotonic } from './link-protocol';

export { RESTART_MS };

/** Emits 'frame' (Buffer), 'ready' (each time a child has opened the capture) and 'error' (Error). */
export class ForkedCapture extends EventEmitter {
  private readonly id: number;
  private closed = false;
  /** How many times the capture had to be opened again (its child died, or it failed to open). */
  restarts = 0;
  /** Resolves once the first child has the capture open (rejects if it could not open it). */
  readonly ready: Promise<void>;

  /** @throws Error when the build is missing. */
  constructor(
    readonly opts: LinkCaptureOptions,
    private readonly pool: LinkPool = linkPool,
  ) {
    super();
    this.ready = new Promise((resolve, reject) => {
      this.once('ready', resolve);
      this.once('open-failed', reject);
    });
    this.ready.catch(() => undefined);
    const ifname = opts.ifname;
    this.id = pool.openCapture(opts, {
      frames: (frames, at) => {
        frames.forEach((f, k) => this.emit('frame', Buffer.from(f.buffer, f.byteOffset, f.byteLength), at[k] === undefined ? undefined : fromMonotonic(at[k])));
      },
      opened: () => this.emit('ready'),
      failed: (err) => {
        this.emit('open-failed', err);
        this.emit('error', new Error(`capture on ${ifname} failed (${err.message}); retrying in ${RESTART_MS} ms`));
      },
      stopped: (reason) => this.emit('error', new Error(`capture on ${ifname} stopped (${reason}); restarting`)),
      restarting: () => this.restarts++,
    });
  }

  /** Children the shared pool started (the first one included), for tests. */
  get starts(): number {
    return this.pool.starts;
  }

  /** Stops the capture (the last user of the child ends it); idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    void this.pool.closeCapture(this.id);
  }
}
