/**
 * Sends prebuilt Ethernet frames (gratuitous ARP, unsolicited NA) through a libpcap handle owned by the
 * daemon's one link-layer child (./link-pool.ts), beside its captures. The `cap` addon aborts its process
 * when a handle's interface goes down; with the handles in a child, a MASTER whose link fails loses only
 * the child, and the next send starts a new one. Each send resolves once the child handed the frame to the driver.
 */
import { linkPool, LinkPool } from './link-pool';

/** How long one frame may wait for the child's answer, in milliseconds. */
export const SEND_TIMEOUT_MS = 2000;

/** Link-layer sender on one interface, its libpcap handle in the shared link-layer child (./link-pool.ts). */
export class ForkedSender {
  private closed = false;
  private closing: Promise<void> | null = null;
  /** Frames the child handed to the driver. */
  sent = 0;
  /** Frames refused, timed out or lost with a dead child. */
  sendErrors = 0;

  constructor(
    readonly ifname: string,
    private readonly timeoutMs = SEND_TIMEOUT_MS,
    private readonly pool: LinkPool = linkPool,
  ) {
    pool.retain();
  }

  /** Children the pool started (the first one included), for tests. */
  get starts(): number {
    return this.pool.starts;
  }

  /**
   * Starts the child and resolves once this interface's libpcap handle is open (or it failed: the next send
   * reports why), so the first announcement after a takeover does not wait for a process to start (~120 ms).
   */
  open(): Promise<void> {
    return this.closed ? Promise.resolve() : this.pool.open(this.ifname);
  }

  /** Sends one frame; resolves once the driver has it. Rejects when closed, refused, or after the timeout. */
  async send(frame: Uint8Array): Promise<void> {
    if (this.closed) throw new Error(`${this.ifname}: sender closed`);
    try {
      await this.pool.send(this.ifname, frame, this.timeoutMs);
      this.sent++;
    } catch (e) {
      this.sendErrors++;
      throw new Error(`${this.ifname}: ${(e as Error).message}`);
    }
  }

  /** Lets frames in flight finish, then lets go of the child (the last sender ends it). Idempotent. */
  close(): Promise<void> {
    if (!this.closing) {
      this.closed = true;
      this.closing = this.pool.release(this.ifname);
    }
    return this.closing;
  }
}
