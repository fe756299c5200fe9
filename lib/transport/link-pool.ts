/**
 * One child process for every libpcap handle of the daemon (./link-child.ts): the receive captures of all
 * IPv6 interfaces (./forked-capture.ts) and the send handles of all interfaces (./forked-sender.ts). A Node
 * child costs about 42 MiB of RSS at least; one per capture and one for the senders made 16 IPv6 VLANs cost
 * 17 of them (bench/lan, daemon tree RSS: 510 VRs on one IPv6 interface 210-237 -> 158-177 MiB; two IPv6
 * interfaces 264 -> 176 MiB; each capture's ring stays, about 33 MiB resident). Users share it by reference
 * count: the last one closed ends it. When the child dies (the `cap`
 * addon aborts it when an interface goes down), frames in flight fail, the next frame starts a new child
 * (send handles reopen as frames name their interfaces), and every capture is reopened at once in a new
 * child (`RESTART_MS` later when the child died within RESTART_MS of its start); a capture that fails to
 * open retries alone every RESTART_MS.
 */
import { ChildProcess } from 'node:child_process';
import type { LinkCaptureOptions } from './capture';
import { forkLinkChild } from './forked-child';
import type { ChildMessage, ParentMessage } from './link-protocol';

/** Frames in one message to the child at most (a mass takeover's GARPs leave in chunks of this). */
export const BURST_FRAMES = 64;
/** How long a closing child may take to exit before it is killed, in milliseconds. */
export const CLOSE_GRACE_MS = 1000;
/** Delay before the captures of a dead child (or one that failed to open) are opened again, in milliseconds. */
export const RESTART_MS = 1000;

/** What the pool tells the owner of a capture (./forked-capture.ts). */
export interface CaptureClient {
  /** Frames captured (a batch of one event-loop turn of the child) and when (monotonicMs() of the child). */
  frames(frames: Uint8Array[], at: number[]): void;
  /** The capture is open in a child (each time one opened it). */
  opened(): void;
  /** The child could not open it; it is tried again in `RESTART_MS`. */
  failed(err: Error): void;
  /** Its child died (`reason`: the signal or exit code); it is reopened in `RESTART_MS`. */
  stopped(reason: string): void;
  /** It is being opened again (in a new child or after a failure). */
  restarting(): void;
}

interface Capture {
  id: number;
  opts: LinkCaptureOptions;
  client: CaptureClient;
  /** The child asked to open it (null: none since the last one died or refused it). */
  child: ChildProcess | null;
  /** Times it was asked to open. */
  attempts: number;
  retry: NodeJS.Timeout | null;
}

interface Pending {
  resolve(): void;
  reject(e: Error): void;
  /** When it fails unanswered (performance.now() ms), and its timeout. */
  deadline: number;
  timeoutMs: number;
  /** The child the frame went to (null: still in the outbox). */
  child: ChildProcess | null;
}

/** The shared link-layer child. */
export class LinkPool {
  private child: ChildProcess | null = null;
  private readonly pending = new Map<number, Pending>();
  private readonly opening: Array<{ ifname: string; child: ChildProcess; done(): void }> = [];
  private readonly captures = new Map<number, Capture>();
  private nextId = 1;
  private nextCaptureId = 1;
  private users = 0;
  private restartTimer: NodeJS.Timeout | null = null;
  /** Frames asked for in this turn of the event loop, not yet handed to the child. */
  private outbox: Array<{ frame: Uint8Array; ifname: string; id: number }> = [];
  /** A flush is booked for the check phase of this turn (the outbox is empty whenever none is). */
  private flushBooked = false;
  /** Children started (the first one included). */
  starts = 0;

  /** The running child's process id (undefined when none), for tests. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** A user more (a ForkedSender). */
  retain(): void {
    this.users++;
  }

  /**
   * A user less, done with `ifname`: its send handle is closed in the child (before its interface may be
   * deleted: a vmac), and the last user ends the child once its frames are answered. Resolves when the
   * child exited (at once when others still use it).
   */
  release(ifname: string): Promise<void> {
    this.post({ close: ifname });
    return this.unref();
  }

  /**
   * Opens a capture in the child (starting it): `client` hears of its frames and fate until
   * `closeCapture`. A user more. Returns the capture's id. @throws Error when the build is missing.
   */
  openCapture(opts: LinkCaptureOptions, client: CaptureClient): number {
    const child = this.child ?? this.start();
    const c: Capture = { id: this.nextCaptureId++, opts, client, child: null, attempts: 0, retry: null };
    this.captures.set(c.id, c);
    this.users++;
    this.openIn(child, c);
    return c.id;
  }

  /** Closes capture `id` in the child; a user less (see `release`). Idempotent. */
  closeCapture(id: number): Promise<void> {
    const c = this.captures.get(id);
    if (!c) return Promise.resolve();
    this.captures.delete(id);
    if (c.retry) clearTimeout(c.retry);
    this.post({ closeCapture: id });
    return this.unref();
  }

  private post(m: ParentMessage): void {
    if (this.child?.connected) this.child.send(m);
  }

  private unref(): Promise<void> {
    this.users = Math.max(0, this.users - 1);
    if (this.users === 0 && this.restartTimer) {
      clearTimeout(this.restartTimer);
      this.restartTimer = null;
    }
    const child = this.child;
    if (this.users > 0 || !child) return Promise.resolve();
    const exited = child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise<void>((r) => child.once('exit', () => r()));
    this.endWhenIdle();
    return exited;
  }

  /** Ends the child once no user is left and every frame is answered. */
  private endWhenIdle(): void {
    const child = this.child;
    if (this.users > 0 || this.pending.size > 0 || !child) return;
    // A user that comes now starts a new child: this one is on its way out.
    this.child = null;
    if (child.connected) child.disconnect();
    const kill = setTimeout(() => child.kill('SIGKILL'), CLOSE_GRACE_MS);
    child.once('exit', () => clearTimeout(kill));
  }

  /** When the running child was started (performance.now() ms). */
  private startedAt = 0;

  /** `fork` starts a child (tests give a stand-in). */
  constructor(private readonly fork: () => ChildProcess = forkLinkChild) {}

  private start(): ChildProcess {
    const child = this.fork();
    this.startedAt = performance.now();
    this.starts++;
    this.child = child;
    child.on('message', (m: ChildMessage) => this.onMessage(child, m));
    child.on('exit', (code, signal) => this.onExit(child, signal ?? `exit ${code}`));
    // A closed channel (the child died) is handled by 'exit'; a frame after it starts a new child at once.
    child.on('error', () => undefined);
    child.on('disconnect', () => {
      if (this.child === child) this.child = null;
    });
    // Captures lost with a dead child wait for the restart delay, even when a send starts a child sooner.
    if (!this.restartTimer) for (const c of this.captures.values()) if (!c.child && !c.retry) this.openIn(child, c);
    return child;
  }

  private openIn(child: ChildProcess, c: Capture): void {
    if (c.retry) clearTimeout(c.retry);
    c.retry = null;
    c.child = child;
    if (c.attempts++ > 0) c.client.restarting();
    if (child.connected) child.send({ capture: c.id, ifname: c.opts.ifname, filter: c.opts.filter } satisfies ParentMessage);
  }

  private onMessage(child: ChildProcess, m: ChildMessage): void {
    if ('frames' in m) {
      for (const { id, frames, at } of m.frames) this.captures.get(id)?.client.frames(frames, at);
    } else if ('sent' in m) {
      for (const id of m.sent) this.settle(id, null);
      for (const f of m.failed) this.settle(f.id, new Error(f.error));
    } else if ('captured' in m) {
      const c = this.captures.get(m.captured);
      if (c?.child === child) c.client.opened();
    } else if ('captureFailed' in m) {
      const c = this.captures.get(m.captureFailed);
      if (c?.child !== child) return;
      c.child = null;
      c.retry = setTimeout(() => this.reopen(c), RESTART_MS);
      c.client.failed(new Error(m.error));
    } else {
      const name = 'opened' in m ? m.opened : m.openFailed;
      this.resolveOpening((o) => o.child === child && o.ifname === name);
    }
  }

  private onExit(child: ChildProcess, reason: string): void {
    if (this.child === child) this.child = null;
    this.resolveOpening((o) => o.child === child);
    for (const [id, p] of [...this.pending]) if (p.child === child) this.settle(id, new Error(`link-layer child stopped (${reason})`));
    const lost = [...this.captures.values()].filter((c) => c.child === child);
    for (const c of lost) c.child = null;
    if (lost.length > 0 && !this.restartTimer) {
      // At once: one link going down aborts the child that holds every interface's capture, and the
      // others must not go deaf for longer than a child's start (a BACKUP at 0.1 s has 360 ms). The one
      // on the down link then fails to open and retries alone. A child that died young waits RESTART_MS
      // (no crash loop).
      const young = performance.now() - this.startedAt < RESTART_MS;
      this.restartTimer = setTimeout(() => {
        this.restartTimer = null;
        for (const c of this.captures.values()) if (!c.child && !c.retry) this.reopen(c);
      }, young ? RESTART_MS : 0);
    }
    for (const c of lost) c.client.stopped(reason);
  }

  /** Opens `c` again in the running child (starting one); a missing build counts as a failure to open. */
  private reopen(c: Capture): void {
    c.retry = null;
    if (!this.captures.has(c.id) || c.child) return;
    try {
      // start() opens every capture that waits, `c` included.
      if (this.child) this.openIn(this.child, c);
      else this.start();
    } catch (e) {
      c.retry = setTimeout(() => this.reopen(c), RESTART_MS);
      c.client.failed(e as Error);
    }
  }

  private resolveOpening(match: (o: { ifname: string; child: ChildProcess }) => boolean): void {
    for (let i = this.opening.length - 1; i >= 0; i--) {
      const o = this.opening[i];
      if (!match(o)) continue;
      this.opening.splice(i, 1);
      o.done();
    }
  }

  private settle(id: number, err: Error | null): void {
    const p = this.pending.get(id);
    if (!p) return;
    this.pending.delete(id);
    if (err) p.reject(err);
    else p.resolve();
    if (this.pending.size > 0) return;
    this.disarmSweep();
    this.endWhenIdle();
  }

  /** Opens the send handle of `ifname` in the child (starting it); resolves when open or failed. */
  open(ifname: string): Promise<void> {
    let child: ChildProcess;
    try {
      child = this.child ?? this.start();
    } catch {
      return Promise.resolve(); // the next send reports the missing build
    }
    return new Promise((done) => {
      this.opening.push({ ifname, child, done });
      child.send({ open: ifname } satisfies ParentMessage);
    });
  }

  /**
   * Sends one frame on `ifname`; resolves once the driver has it. Rejects when refused or after `timeoutMs`.
   * The first frame of a quiet turn goes to the child at once (a takeover's first GARP leaves in the turn
   * of its advert and VIP request, not after the rest of the turn); the others asked for in the same turn
   * of the event loop follow together, in order, as one message (flushed in the turn's check phase).
   */
  send(ifname: string, frame: Uint8Array, timeoutMs: number): Promise<void> {
    const id = this.nextId++;
    return new Promise<void>((resolve, reject) => {
      const deadline = performance.now() + timeoutMs;
      this.pending.set(id, { resolve, reject, deadline, timeoutMs, child: null });
      if (deadline < this.sweepAt) this.armSweep(deadline);
      this.outbox.push({ frame, ifname, id });
      if (this.flushBooked) return;
      this.bookFlush();
      this.flush();
    });
  }

  /**
   * One timer for every unanswered frame, at the earliest deadline, not one per frame: a second
   * announcement round (510 VIPs × 5) made 2,550 timers, garbage that outlived the young generation.
   */
  private sweepTimer: NodeJS.Timeout | null = null;
  private sweepAt = Infinity;

  private armSweep(at: number): void {
    this.disarmSweep();
    this.sweepAt = at;
    this.sweepTimer = setTimeout(() => this.sweep(), Math.max(0, at - performance.now()));
  }

  /** Fails the frames past their deadline and re-arms for the next one. */
  private disarmSweep(): void {
    if (this.sweepTimer) clearTimeout(this.sweepTimer);
    this.sweepTimer = null;
    this.sweepAt = Infinity;
  }

  private sweep(): void {
    this.disarmSweep();
    const now = performance.now();
    let next = Infinity;
    for (const [id, p] of this.pending) {
      if (p.deadline <= now) this.settle(id, new Error(`no answer from the link-layer child in ${p.timeoutMs} ms`));
      else next = Math.min(next, p.deadline);
    }
    if (next < Infinity && this.pending.size > 0) this.armSweep(next);
  }

  /** Books a flush in this turn's check phase (while one is booked, the outbox waits for it). */
  private bookFlush(): void {
    this.flushBooked = true;
    setImmediate(() => {
      this.flushBooked = false;
      this.flush();
    });
  }

  /**
   * Hands the frames of this turn to the child (starting it) as one burst of at most BURST_FRAMES; the
   * rest follow in the next turns, so timers (other instances' adverts) run between the chunks of a large
   * burst (510 VIPs × garp_master_repeat 5 at once was one 2,550-frame message and held the loop ~60 ms).
   */
  private flush(): void {
    const burst = this.outbox.splice(0, BURST_FRAMES);
    if (this.outbox.length > 0 && !this.flushBooked) this.bookFlush();
    if (burst.length === 0) return;
    let child: ChildProcess;
    try {
      child = this.child ?? this.start();
    } catch (e) {
      for (const f of burst) this.settle(f.id, e as Error);
      return;
    }
    for (const f of burst) {
      const p = this.pending.get(f.id);
      if (p) p.child = child;
    }
    child.send({ burst } satisfies ParentMessage, (err) => {
      if (err) for (const f of burst) this.settle(f.id, err);
    });
  }
}

/** The process's link-layer pool. */
export const linkPool = new LinkPool();
