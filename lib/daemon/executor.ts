/**
 * Carries out the node core's actions with the host: adverts through the transports, VIPs and
 * announcements through the platform (per instance in order, each announcement after the VIP changes
 * before it, so the kernel answers for a VIP before clients hear of it), scripts and notify commands as
 * child processes. A failing action is logged and counted; it never throws, so one instance's I/O trouble
 * cannot take the others down.
 */
import type { VipSpec } from '../node/spec';
import type { NodeAction } from '../node/types';
import type { Platform } from '../platform/types';
import type { ScriptOutcome } from '../track';
import type { VrrpTransport } from '../transport/types';
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
 * promise chains and garbage held the loop ~80 ms, past the adverts' deadlines (bench/lan jitter).
 */
export const ANNOUNCES_PER_TURN = 32;

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
      const pending = [...this.queues.values()];
      await Promise.all(pending);
      if ([...this.queues.values()].every((q, i) => q === pending[i])) return;
    }
  }

  /** Announcements started in this turn, those waiting for a later one, and whether a turn is booked. */
  private paceCount = 0;
  private readonly paceQueue: Array<() => void> = [];
  private paceBooked = false;

  /** Runs `fn` now when this turn has room for an announcement (ANNOUNCES_PER_TURN), else in a later turn. */
  private paced(fn: () => Promise<unknown>): Promise<unknown> {
    this.bookPace();
    if (this.paceQueue.length === 0 && this.paceCount < ANNOUNCES_PER_TURN) {
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
      this.paceCount = 0;
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
  private enqueue(instance: string, what: string, job: () => Promise<unknown>): void {
    const prev = this.queues.get(instance);
    const started = prev === undefined ? new Promise<unknown>((resolve) => resolve(job())) : prev.then(job);
    const q = started.then(() => undefined, (e: unknown) => this.fail(instance, what, e));
    this.queues.set(instance, q);
    void q.then(() => {
      if (this.queues.get(instance) === q) this.queues.delete(instance);
    });
  }

  /** Runs `change` for every VIP at once (rtnetlink pipelines them); each failure is logged and counted. */
  private vipJob(instance: string, what: string, vips: readonly VipSpec[], change: (v: VipSpec) => Promise<unknown>): void {
    this.enqueue(instance, what, async () => {
      const results = await Promise.allSettled(vips.map(change));
      for (const r of results) if (r.status === 'rejected') this.fail(instance, what, r.reason);
    });
  }

  private perform(a: NodeAction): void {
    const { host } = this;
    switch (a.type) {
      case 'transmit': {
        const t = host.transport(a.ifname, a.family);
        if (!t) return this.fail(a.instance, 'transmit', new Error(`no transport on ${a.ifname} for IPv${a.family}`));
        t.send(a.bytes, a.dst, a.ttl, a.src).catch((e: unknown) => this.fail(a.instance, 'transmit', e));
        return;
      }
      case 'add-vips':
        this.vipJob(a.instance, 'add-vips', a.vips, (v) => host.platform.addVip(v.dev, v.cidr, v.options));
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
        if (a.addresses.length > 0) this.enqueue(a.instance, 'announce', () => this.paced(() => host.platform.announce(a.dev, a.addresses, a.mac)));
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
