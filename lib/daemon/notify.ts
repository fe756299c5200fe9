/**
 * keepalived's notify scripts (keepalived.conf(5), vrrp_sync_group): on a state change run the script of
 * the new state (`notify_master|backup|fault|stop`, and `notify_deleted` for an instance a reload removed)
 * with no extra arguments, then `notify` with `INSTANCE|GROUP NAME STATE PRIORITY` appended (priority 0
 * for a group). Each runs as its user (its own, else script_user). Runs are queued per instance or group
 * so scripts see the changes in the order they happened; a failing script is logged, never fatal.
 */
import type { NotifyScripts } from '../node/spec';
import type { NodeAction, NotifyState } from '../node/types';
import { CommandOptions, CommandResult, runAsOptions, runCommand, splitCommand } from './command';
import type { LogFn } from './executor';

/** How long a notify script may run, in milliseconds, before its process group is killed. */
export const NOTIFY_TIMEOUT_MS = 30_000;

/** The notify command of each state. */
const SPECIFIC: Record<NotifyState, keyof NotifyScripts> = { MASTER: 'master', BACKUP: 'backup', FAULT: 'fault', STOP: 'stop', DELETED: 'deleted', MASTER_RX_LOWER_PRI: 'masterRxLowerPri' };

type NotifyAction = Extract<NodeAction, { type: 'notify' }>;

/** The notify runner of one daemon. */
export class Notifier {
  private readonly queues = new Map<string, Promise<void>>();

  constructor(
    private readonly log: LogFn,
    private readonly run: (argv: string[], opts: CommandOptions) => Promise<CommandResult> = runCommand,
  ) {}

  /** The runs for `a`, as argv with who runs them (exported for tests). */
  static runsOf(a: NotifyAction): Array<{ argv: string[]; key: keyof NotifyScripts }> {
    const runs: Array<{ argv: string[]; key: keyof NotifyScripts }> = [];
    const key = SPECIFIC[a.state];
    const specific = a.commands[key];
    if (specific !== undefined) runs.push({ argv: splitCommand(specific), key });
    if (a.commands.any !== undefined) runs.push({ argv: [...splitCommand(a.commands.any), a.kind, a.name, a.state, String(a.priority)], key: 'any' });
    return runs;
  }

  /** Queues the scripts of `a` behind the earlier ones of the same instance or group. */
  changed(a: NotifyAction): Promise<void> {
    const target = `${a.kind} ${a.name}`;
    let runs: ReturnType<typeof Notifier.runsOf>;
    try {
      runs = Notifier.runsOf(a);
    } catch (e) {
      this.log('warn', `${a.kind.toLowerCase()} ${a.name}: notify: ${(e as Error).message}`);
      return this.queues.get(target) ?? Promise.resolve();
    }
    let q = this.queues.get(target) ?? Promise.resolve();
    for (const { argv, key } of runs) {
      const who = a.users?.[key];
      const opts: CommandOptions = { timeoutMs: NOTIFY_TIMEOUT_MS, ...runAsOptions(who) };
      q = q.then(async () => {
        const r = await this.run(argv, opts);
        if (r.outcome !== 'success') {
          this.log('warn', `${a.kind.toLowerCase()} ${a.name}: notify ${argv.join(' ')}: ${r.spawnError ?? r.outcome}${r.code !== null ? ` (exit ${r.code})` : ''}`);
        }
      });
    }
    this.queues.set(target, q);
    return q;
  }

  /** Resolves once every queued run has ended. */
  async settled(): Promise<void> {
    for (;;) {
      const pending = [...this.queues.values()];
      await Promise.all(pending);
      if ([...this.queues.values()].every((q, i) => q === pending[i])) return;
    }
  }
}
