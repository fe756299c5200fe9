/**
 * Drives one sans-I/O VirtualRouter in real time: arms its timer, feeds it adverts and tracker impacts,
 * and carries out its actions through ports (send an advert, add/remove VIPs, announce them). A failing
 * port is logged and counted; it never throws out of the driver, so one instance's I/O trouble cannot
 * take the others down. VIP changes run one at a time, in the order the router asked for them.
 */
import EventEmitter from 'eventemitter3';
import type { Advertisement } from '../packet/advertisement';
import type { VirtualRouter } from '../fsm/router';
import type { Action, RouterState, TrackingImpact, TransitionReason } from '../fsm/types';
import { AnnounceConfig, initialRounds, refreshRound } from './announce';
import { Clock, TimerHandle } from './clock';

/** What a driver needs from the host for one instance. */
export interface RouterPorts {
  sendAdvert(advert: Advertisement): Promise<void> | void;
  addVips(addresses: string[]): Promise<void>;
  removeVips(addresses: string[]): Promise<void>;
  /** One gratuitous ARP / unsolicited NA per address. */
  announce(addresses: string[]): Promise<void> | void;
}

/** One line per event; `level` 'info' for state changes, 'warn' for I/O failures. */
export type LogFn = (level: 'info' | 'warn' | 'debug', message: string) => void;

export interface DriverEvents {
  'state-change': (from: RouterState, to: RouterState, reason: TransitionReason, priority: number) => void;
  'priority-change': (from: number, to: number) => void;
  'io-error': (what: string, error: unknown) => void;
}

export class RouterDriver extends EventEmitter<DriverEvents> {
  readonly name: string;
  private timer: TimerHandle | null = null;
  private announceTimers: TimerHandle[] = [];
  private vipQueue: Promise<void> = Promise.resolve();
  private stopped = false;
  /** I/O failures by port ('send-advert', 'add-vips', 'remove-vips', 'announce'). */
  readonly ioErrors: Record<string, number> = {};
  /** Adverts handed to the router, and those it ignored, by reason. */
  readonly counters = { advertsSent: 0, advertsReceived: 0, ignored: {} as Record<string, number> };

  constructor(
    readonly router: VirtualRouter,
    private readonly ports: RouterPorts,
    private readonly clock: Clock,
    private readonly announceConfig: AnnounceConfig,
    private readonly log: LogFn,
  ) {
    super();
    this.name = router.config.name;
  }

  /** Initialize -> BACKUP or MASTER (RFC 9568 §6.4.1). */
  start(): void {
    this.run(this.router.startup(this.clock.now()));
  }

  /** A valid advert for this instance, from `src` (its IP source address). */
  receive(advert: Advertisement, src: string): void {
    if (this.stopped) return;
    this.counters.advertsReceived++;
    this.run(this.router.receive(advert, { src }, this.clock.now()));
  }

  /** New tracker impact: effective priority and FAULT take effect at once. */
  setTracking(impact: TrackingImpact): void {
    if (this.stopped) return;
    this.run(this.router.setTracking(this.clock.now(), impact));
  }

  /**
   * The instance's interface was deleted and created again (its addresses went with it): a MASTER adds
   * its VIPs back and announces them afresh, as on entering MASTER. No effect in other states.
   */
  reinstate(why: string): void {
    if (this.stopped || this.router.state !== 'MASTER') return;
    this.log('info', `instance ${this.name}: ${why}: adding the VIPs back and announcing them`);
    const vips = [...this.router.config.virtualAddresses];
    this.run([{ type: 'add-vips', addresses: vips }, { type: 'announce', addresses: [...vips] }]);
  }

  /** Shutdown: a MASTER sends priority 0 and removes its VIPs; resolves when the VIPs are gone. */
  async stop(): Promise<void> {
    if (this.stopped) return this.vipQueue;
    this.run(this.router.shutdown(this.clock.now()));
    this.stopped = true;
    this.timer?.cancel();
    this.cancelAnnouncements();
    return this.vipQueue;
  }

  /** Carries out a list of actions (also those a sync group adds) and re-arms the timer. */
  run(actions: readonly Action[]): void {
    for (const a of actions) this.perform(a);
    this.arm();
  }

  private arm(): void {
    this.timer?.cancel();
    this.timer = null;
    if (this.stopped) return;
    const at = this.router.nextDeadline();
    if (at === null) return;
    this.timer = this.clock.at(at, () => {
      this.timer = null;
      if (!this.stopped) this.run(this.router.timer(this.clock.now()));
    });
  }

  private guard(what: string, job: () => Promise<void> | void): Promise<void> {
    return Promise.resolve()
      .then(job)
      .catch((e: unknown) => {
        this.ioErrors[what] = (this.ioErrors[what] ?? 0) + 1;
        this.log('warn', `instance ${this.name}: ${what} failed: ${e instanceof Error ? e.message : String(e)}`);
        this.emit('io-error', what, e);
      });
  }

  private perform(a: Action): void {
    switch (a.type) {
      case 'send-advert':
        this.counters.advertsSent++;
        void this.guard('send-advert', () => this.ports.sendAdvert(a.advert));
        return;
      case 'add-vips':
        this.vipQueue = this.vipQueue.then(() => this.guard('add-vips', () => this.ports.addVips(a.addresses)));
        return;
      case 'remove-vips':
        this.cancelAnnouncements();
        this.vipQueue = this.vipQueue.then(() => this.guard('remove-vips', () => this.ports.removeVips(a.addresses)));
        return;
      case 'announce':
        this.scheduleAnnouncements(a.addresses);
        return;
      case 'state-change':
        this.log('info', `instance ${this.name}: ${a.from} -> ${a.to} (${a.reason}${a.detail ? `: ${a.detail}` : ''}), priority ${this.router.priority}`);
        if (a.to !== 'MASTER') this.cancelAnnouncements();
        this.emit('state-change', a.from, a.to, a.reason, this.router.priority);
        return;
      case 'priority-change':
        this.log('info', `instance ${this.name}: effective priority ${a.from} -> ${a.to}`);
        this.emit('priority-change', a.from, a.to);
        return;
      case 'drop':
        this.counters.ignored[a.reason] = (this.counters.ignored[a.reason] ?? 0) + 1;
        return;
      default: {
        const never: never = a;
        throw new Error(`unknown action ${JSON.stringify(never)}`);
      }
    }
  }

  private burst(addresses: string[], count: number): void {
    const gap = this.announceConfig.intervalMs;
    for (let i = 0; i < count; i++) {
      const send = (): void => void this.guard('announce', () => this.ports.announce(addresses));
      if (i === 0 || gap <= 0) {
        // After the VIPs are in place, so the kernel answers for them when peers react.
        this.vipQueue = this.vipQueue.then(send);
      } else {
        this.announceTimers.push(this.clock.at(this.clock.now() + i * gap, send));
      }
    }
  }

  private scheduleAnnouncements(addresses: string[]): void {
    this.cancelAnnouncements();
    const start = this.clock.now();
    for (const round of initialRounds(this.announceConfig)) {
      if (round.atMs === 0) this.burst(addresses, round.count);
      else this.announceTimers.push(this.clock.at(start + round.atMs, () => this.burst(addresses, round.count)));
    }
    const refresh = refreshRound(this.announceConfig);
    if (refresh) {
      const tick = (): void => {
        this.burst(addresses, refresh.count);
        this.announceTimers.push(this.clock.at(this.clock.now() + refresh.atMs, tick));
      };
      this.announceTimers.push(this.clock.at(start + refresh.atMs, tick));
    }
  }

  private cancelAnnouncements(): void {
    for (const t of this.announceTimers) t.cancel();
    this.announceTimers = [];
  }
}
