/**
 * Carries out the node core's actions with the host: adverts through the transports, VIPs and
 * announcements through the platform (per instance in order, each announcement after the VIP changes
 * before it, so the kernel answers for a VIP before clients hear of it), scripts and notify commands as
 * child processes. A failing action is logged and counted; it never throws, so one instance's I/O trouble
 * cannot take the others down.
 */
import type { NodeAction } from '../node/types';
import type { Platform } from '../platform/types';
import type { ScriptOutcome } from '../track';
import type { VrrpTransport } from '../transport/types';
import type { CommandOptions, CommandResult } from './command';
import { Notifier } from './notify';

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
}

/** The action executor of one daemon. */
export class Executor {
  /** Failed actions by kind ('transmit', 'add-vips', 'remove-vips', 'announce'), per instance. */
  readonly ioErrors = new Map<string, Record<string, number>>();
  private readonly queues = new Map<string, Promise<void>>();
  private readonly notifiers = new Map<string, { commands: string; notifier: Notifier }>();

  constructor(private readonly host: ExecutorHost) {}

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

  private fail(instance: string, what: string, e: unknown): void {
    const per = this.ioErrors.get(instance) ?? {};
    per[what] = (per[what] ?? 0) + 1;
    this.ioErrors.set(instance, per);
    this.host.log('warn', `instance ${instance}: ${what} failed: ${e instanceof Error ? e.message : String(e)}`);
  }

  private enqueue(instance: string, what: string, job: () => Promise<unknown>): void {
    const q = (this.queues.get(instance) ?? Promise.resolve()).then(job).then(() => undefined, (e: unknown) => this.fail(instance, what, e));
    this.queues.set(instance, q);
  }

  private perform(a: NodeAction): void {
    const { host } = this;
    switch (a.type) {
      case 'transmit': {
        const t = host.transport(a.ifname, a.family);
        if (!t) return this.fail(a.instance, 'transmit', new Error(`no transport on ${a.ifname} for IPv${a.family}`));
        t.send(a.bytes, a.dst, a.ttl).catch((e: unknown) => this.fail(a.instance, 'transmit', e));
        return;
      }
      case 'add-vips':
        this.enqueue(a.instance, 'add-vips', async () => {
          for (const v of a.vips) await host.platform.addVip(v.dev, v.cidr);
        });
        return;
      case 'remove-vips':
        this.enqueue(a.instance, 'remove-vips', async () => {
          for (const v of a.vips) await host.platform.removeVip(v.dev, v.cidr);
        });
        return;
      case 'announce':
        if (a.addresses.length > 0) this.enqueue(a.instance, 'announce', () => host.platform.announce(a.dev, a.addresses, a.mac));
        return;
      case 'run-script':
        void host.runCommand(a.command, { timeoutMs: a.timeoutMs, user: a.user, group: a.group }).then((r) => {
          if (r.spawnError) host.log('warn', `vrrp_script ${a.script}: cannot run ${JSON.stringify(a.command)}: ${r.spawnError}`);
          host.scriptDone(a.script, r.outcome);
        });
        return;
      case 'notify': {
        const key = `${a.kind} ${a.name}`;
        const commands = JSON.stringify(a.commands);
        let n = this.notifiers.get(key);
        if (!n || n.commands !== commands) this.notifiers.set(key, (n = { commands, notifier: new Notifier(a.kind, a.name, a.commands, host.log, host.runCommand) }));
        void n.notifier.changed(a.state, a.priority);
        return;
      }
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
