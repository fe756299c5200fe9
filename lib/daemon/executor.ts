/**
 * Carries out the node core's actions with the host: adverts through the transports, VIPs and
 * announcements through the platform (per instance in order, each announcement after the VIP changes
 * before it, so the kernel answers for a VIP before clients hear of it), scripts and notify commands as
 * child processes. A VIP add counts as done for the next job once the platform says the OS carried it
 * out (`sent` of Platform.addVip: on Linux when the rtnetlink sendmsg returned), before its answer is
 * read: a takeover's first GARP then leaves in the turn of its advert. A failing action is logged and counted; it never throws, so one instance's I/O trouble
 * cannot take the others down.
 */
import { ANNOUNCE_ROUNDS_PER_CALL } from '../node/node';
import type { VipSpec } from '../node/spec';
import type { NodeAction } from '../node/types';
import type { Platform } from '../platform/types';
import type { ScriptOutcome } from '../track';
import { SENT, type VrrpTransport } from '../transport/types';
import type { CommandOptions, CommandResult } from './command';
import { Notifier } from './notify';
import { fifoLine } from './notify-fifo';

/** One line per event; 'info' for state changes, 'warn' for failures, 'debug' for detail. */
export type LogFn = (level: 'info' | 'warn' | 'debug', message: string) => void;

/** Runs a command line (lib/daemon/command.ts in production). */
export type CommandRunner = (line: string | string[], opts: CommandOptions) => Promise<CommandResult>;

/** What the executor needs from the daemon. */
export interface ExecutorHost {
  platform: Platform;
  log: LogFn;
  runCommand: CommandRunner;
  /** The transport of (interface, family), if open. */
  transport(ifname: string, family: 4 | 6): VrrpTransport | undefined;
  /** A script run ended (feed it back to the node). */
  scriptDone(script: string, outcome: ScriptOutcome): void;
  /** A node event, for the daemon's listeners. */
  event(e: Extract<NodeAction, { type: 'event' }>['event']): void;
  /** A notify event as keepalived writes it to its notify FIFOs (notify-fifo.ts), when any is open. */
  fifo?(line: string): void;
}

/**
 * Announcements started per turn of the event loop at most; more wait for the next turns. The second round
 * of 510 VIPs x garp_master_repeat 5 (garp_master_delay after a takeover) started 2,550 at once, and their
 * promise chains and garbage held the loop ~80 ms, past the adverts' deadlines (bench/lan jitter). As many
 * as the node hands out per timer call, which the clock runs one turn apart: none queue up here.
 */
export const ANNOUNCES_PER_TURN = ANNOUNCE_ROUNDS_PER_CALL;

/** A platform method that is optional, or an Error saying the platform cannot do `what`. */
function need<F>(fn: F | undefined, what: string): F {
  if (fn === undefined) throw new Error(`this platform cannot install ${what}`);
  return fn;
}

/** The action executor of one daemon. */
export class Executor {
  /** Failed actions by kind ('transmit', 'add-vips', 'remove-vips', 'add-route', 'add-rule', 'remove-rule', 'remove-route', 'announce'), per instance. */
  readonly ioErrors = new Map<string, Record<string, number>>();
  private readonly queues = new Map<string, Promise<void>>();
  /** VIP adds carried out whose answer is still to come (`settled` waits for them too). */
  private readonly unanswered = new Set<Promise<void>>();
  private readonly notifier: Notifier;

  constructor(private readonly host: ExecutorHost) {
    this.notifier = new Notifier(host.log, host.runCommand);
  }

  /** Resolves once every notify script queued so far has ended. */
  notified(): Promise<void> {
    return this.notifier.settled();
  }

  /** Performs `actions` in order (asynchronous ones are queued per instance). */
  run(actions: readonly NodeAction[]): void {
    for (const a of actions) this.perform(a);
  }

  /** Resolves once every queued VIP change and announcement has been carried out. */
  async settled(): Promise<void> {
    for (;;) {
      const pending = [...this.queues.values(), ...this.unanswered];
      await Promise.all(pending);
      if (this.unanswered.size === 0 && [...this.queues.values()].every((q, i) => q === pending[i])) return;
    }
  }

  /** Announcements started in this turn, those waiting for a later one, and whether a turn is booked. */
  private paceCount = 0;
  private readonly paceQueue: Array<() => void> = [];
  private paceBooked = false;
  /** Instances whose next announcement is the first since their VIPs were added (a takeover's). */
  private readonly firstAnnounce = new Set<string>();

  /**
   * Runs `fn` now when this turn has room for an announcement (ANNOUNCES_PER_TURN), else in a later turn.
   * An `urgent` one (a takeover's first, right after its VIP add) runs now whatever the count: 255
   * takeovers at once are 255 x garp_master_repeat announcements, and held to the cap the first GARP of the
   * 33rd VR waited for the whole batch of takeovers, ~50 ms after its advert (bench/lan mass takeover).
   */
  private paced(fn: () => Promise<unknown>, urgent = false): Promise<unknown> {
    this.bookPace();
    if (urgent || (this.paceQueue.length === 0 && this.paceCount < ANNOUNCES_PER_TURN)) {
      this.paceCount++;
      return fn();
    }
    return new Promise<void>((resolve) => this.paceQueue.push(resolve)).then(fn);
  }

  /** Books the next turn: it starts the waiting announcements that fit, and books another while any are left. */
  private bookPace(): void {
    if (this.paceBooked) return;
    this.paceBooked = true;
    setImmediate(() => {
      this.paceBooked = false;
      const start = this.paceQueue.splice(0, ANNOUNCES_PER_TURN);
      this.paceCount = start.length;
      for (const go of start) go();
      if (this.paceCount > 0) this.bookPace();
    });
  }

  private fail(instance: string, what: string, e: unknown): void {
    const per = this.ioErrors.get(instance) ?? {};
    per[what] = (per[what] ?? 0) + 1;
    this.ioErrors.set(instance, per);
    this.host.log('warn', `instance ${instance}: ${what} failed: ${e instanceof Error ? e.message : String(e)}`);
  }

  /**
   * Queues `job` behind the instance's earlier ones; with nothing queued it starts now, inside `run`, so a
   * takeover's VIP request reaches the kernel right after the advert, before the state change's event,
   * log line and notify (a microtask hop put all of that, ~1 ms of cold JS, in front of it).
   */
  private enqueue(instance: string, what: string, job: () => Promise<unknown> | null): void {
    const prev = this.queues.get(instance);
    if (prev === undefined) {
      // null: done already (every VIP add carried out inside the call); the instance's next job starts at once.
      let now: Promise<unknown> | null;
      try {
        now = job();
      } catch (e) {
        now = Promise.reject(e);
      }
      if (now === null) return;
      this.chain(instance, what, now);
      return;
    }
    this.chain(instance, what, prev.then(job));
  }

  /** Makes `started` (a job's promise) the instance's queue tail; a rejection is logged and counted. */
  private chain(instance: string, what: string, started: Promise<unknown>): void {
    const q = started.then(() => undefined, (e: unknown) => this.fail(instance, what, e));
    this.queues.set(instance, q);
    void q.then(() => {
      if (this.queues.get(instance) === q) this.queues.delete(instance);
    });
  }

  /**
   * Runs `change` for every VIP at once (rtnetlink pipelines them); each failure is logged and counted.
   * The instance's next job starts when every change was carried out (each called its `sent`) or answered,
   * whichever comes first; `settled` still waits for the answers.
   */
  private vipJob(instance: string, what: string, vips: readonly VipSpec[], change: (v: VipSpec, sent: () => void) => Promise<unknown>): void {
    this.enqueue(instance, what, () => {
      let unsent = vips.length;
      let allSent: () => void = () => undefined;
      const carriedOut = new Promise<void>((resolve) => (allSent = resolve));
      const changes = vips.map((v) => {
        let counted = false;
        return change(v, () => {
          if (counted) return;
          counted = true;
          if (--unsent === 0) allSent();
        });
      });
      const answered = Promise.allSettled(changes).then((results) => {
        for (const r of results) if (r.status === 'rejected') this.fail(instance, what, r.reason);
      });
      this.unanswered.add(answered);
      void answered.then(() => this.unanswered.delete(answered));
      return unsent > 0 ? Promise.race([carriedOut, answered]) : null;
    });
  }

  private perform(a: NodeAction): void {
    const { host } = this;
    switch (a.type) {
      case 'transmit': {
        const t = host.transport(a.ifname, a.family);
        if (!t) return this.fail(a.instance, 'transmit', new Error(`no transport on ${a.ifname} for IPv${a.family}`));
        const sent = t.send(a.bytes, a.dst, a.ttl, a.src);
        if (sent !== SENT) sent.catch((e: unknown) => this.fail(a.instance, 'transmit', e));
        return;
      }
      case 'add-vips':
        this.firstAnnounce.add(a.instance);
        this.vipJob(a.instance, 'add-vips', a.vips, (v, sent) => host.platform.addVip(v.dev, v.cidr, v.options, sent));
        return;
      case 'remove-vips':
        this.vipJob(a.instance, 'remove-vips', a.vips, (v) => host.platform.removeVip(v.dev, v.cidr, v.options));
        return;
      case 'add-routes':
        // One failing route or rule does not keep the others out; each failure is logged and counted.
        for (const r of a.routes) this.enqueue(a.instance, 'add-route', () => need(host.platform.addRoute, 'virtual_routes').call(host.platform, r));
        for (const r of a.rules) this.enqueue(a.instance, 'add-rule', () => need(host.platform.addRule, 'virtual_rules').call(host.platform, r));
        return;
      case 'remove-routes':
        for (const r of a.rules) this.enqueue(a.instance, 'remove-rule', () => need(host.platform.removeRule, 'virtual_rules').call(host.platform, r));
        for (const r of a.routes) this.enqueue(a.instance, 'remove-route', () => need(host.platform.removeRoute, 'virtual_routes').call(host.platform, r));
        return;
      case 'announce':
        if (a.addresses.length > 0) {
          const urgent = this.firstAnnounce.delete(a.instance);
          this.enqueue(a.instance, 'announce', () => this.paced(() => host.platform.announce(a.dev, a.addresses, a.mac), urgent));
        }
        return;
      case 'run-script':
        void host.runCommand(a.command, { timeoutMs: a.timeoutMs, user: a.user, group: a.group }).then((r) => {
          if (r.spawnError) host.log('warn', `vrrp_script ${a.script}: cannot run ${JSON.stringify(a.command)}: ${r.spawnError}`);
          host.scriptDone(a.script, r.outcome);
        });
        return;
      case 'notify':
        void this.notifier.changed(a);
        host.fifo?.(fifoLine(a.kind, a.name, a.state, a.priority));
        return;
      case 'notify-priority':
        host.fifo?.(fifoLine('INSTANCE', a.instance, a.state, a.priority));
        return;
      case 'event':
        host.event(a.event);
        return;
      case 'log':
        host.log(a.level, a.message);
        return;
      default: {
        const never: never = a;
        throw new TypeError(`unknown action ${JSON.stringify(never)}`);
      }
    }
  }
}
