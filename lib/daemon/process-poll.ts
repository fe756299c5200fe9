/**
 * The daemon's process watch for vrrp_track_process: a /proc scan (through the platform) every
 * `intervalMs`, each snapshot fed to the node. keepalived reacts to the kernel's proc connector at once;
 * here a process that starts or exits is seen within one interval (default PROCESS_POLL_MS), before any
 * fork_delay / terminate_delay the node applies.
 */
import type { ProcessEntry } from '../track/process-match';
import type { Clock, TimerHandle } from './clock';

/** Default time between two /proc scans, in milliseconds (a scan of 500 processes costs about 12 ms of CPU). */
export const PROCESS_POLL_MS = 1000;

/** What the poller needs from the daemon. */
export interface ProcessPollHooks {
  clock: Clock;
  intervalMs: number;
  /** What to scan now: null when nothing is tracked (the poller then stops). */
  wanted(): { cmdline: boolean } | null;
  scan(options: { cmdline: boolean }): Promise<ProcessEntry[]>;
  feed(list: ProcessEntry[]): void;
  log(level: 'info' | 'warn', message: string): void;
}

/** Scans on a timer while the node tracks processes; `poll()` scans at once (start, reload). */
export class ProcessPoller {
  private timer: TimerHandle | null = null;
  private running: Promise<void> | null = null;
  private stopped = false;
  private failed = false;

  constructor(private readonly hooks: ProcessPollHooks) {}

  /** Scans now (or waits for the scan under way) and schedules the next one. */
  poll(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    this.running ??= this.once().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async once(): Promise<void> {
    this.timer?.cancel();
    this.timer = null;
    const wanted = this.hooks.wanted();
    if (wanted === null) return;
    try {
      const list = await this.hooks.scan(wanted);
      if (this.failed) this.hooks.log('info', 'vrrp_track_process: the process list can be read again');
      this.failed = false;
      if (!this.stopped) this.hooks.feed(list);
    } catch (e) {
      // Keep the last counts: a failed scan says nothing about the processes.
      if (!this.failed) this.hooks.log('warn', `vrrp_track_process: cannot read the process list: ${(e as Error).message}`);
      this.failed = true;
    }
    if (this.stopped) return;
    const { clock, intervalMs } = this.hooks;
    this.timer = clock.at(clock.now() + intervalMs, () => void this.poll());
  }

  /** No more scans. */
  stop(): void {
    this.stopped = true;
    this.timer?.cancel();
    this.timer = null;
  }
}
