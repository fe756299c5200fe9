/**
 * Sends on a non-blocking socket at once and, when the kernel has no room (EAGAIN, ENOBUFS: a full send
 * buffer or queue during a burst), keeps the send and its followers in order and tries again every
 * RETRY_MS until GIVE_UP_MS after it was first refused. Any other errno fails that send alone.
 */
import { constants } from 'node:os';
import { errnoError } from './addon';
import { SENT } from './types';

/** Pause between tries of a refused send, in milliseconds. */
export const RETRY_MS = 1;
/** How long a refused send is tried again before it fails, in milliseconds. */
export const GIVE_UP_MS = 200;

const TRY_AGAIN = new Set([-constants.errno.EAGAIN, -constants.errno.ENOBUFS]);

interface Waiting {
  attempt: () => number;
  resolve(): void;
  reject(e: Error): void;
  since: number;
}

/** The outcome counters of a queue's sends. */
export interface SendCounters {
  sent: number;
  sendErrors: number;
}

/** A FIFO of sends on one socket; `op` names them in errors ("sendmsg", "sendto"); outcomes go to `counters`. */
export class SendQueue {
  private readonly waiting: Waiting[] = [];
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly op: string,
    private readonly counters: SendCounters,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Sends waiting for room. */
  get length(): number {
    return this.waiting.length;
  }

  /** Runs `attempt` (-> bytes | -errno) now unless sends are waiting; resolves when the kernel took it. */
  send(attempt: () => number): Promise<void> {
    if (this.waiting.length > 0) return this.wait(attempt);
    const rc = attempt();
    if (rc >= 0) {
      this.counters.sent++;
      return SENT;
    }
    return this.refused(rc, attempt);
  }

  /**
   * A first try of `attempt` (made by the caller while nothing waited) failed with `rc`: it waits for room
   * (EAGAIN, ENOBUFS) or fails now.
   */
  refused(rc: number, attempt: () => number): Promise<void> {
    if (TRY_AGAIN.has(rc)) return this.wait(attempt);
    this.counters.sendErrors++;
    return Promise.reject(errnoError(this.op, rc));
  }

  private wait(attempt: () => number): Promise<void> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ attempt, resolve, reject, since: this.now() });
      this.timer ??= setTimeout(() => this.drain(), RETRY_MS);
    });
  }

  /** Fails every waiting send with `err` (the socket closed). */
  clear(err: Error): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    for (const w of this.waiting.splice(0)) {
      this.counters.sendErrors++;
      w.reject(err);
    }
  }

  private drain(): void {
    this.timer = null;
    while (this.waiting.length > 0) {
      const w = this.waiting[0];
      const rc = w.attempt();
      if (rc < 0 && TRY_AGAIN.has(rc) && this.now() - w.since < GIVE_UP_MS) break;
      this.waiting.shift();
      if (rc >= 0) {
        this.counters.sent++;
        w.resolve();
      } else {
        this.counters.sendErrors++;
        w.reject(errnoError(this.op, rc));
      }
    }
    if (this.waiting.length > 0) this.timer = setTimeout(() => this.drain(), RETRY_MS);
  }
}
