/**
 * keepalived's notify scripts: on a state change run `notify_master|backup|fault|stop` (no arguments)
 * and `notify` with `INSTANCE|GROUP NAME STATE PRIORITY`. Runs are queued per instance so scripts see
 * the changes in the order they happened; a failing script is logged, never fatal.
 */
import type { NotifyCommands } from '../config/types';
import type { RouterState } from '../fsm/types';
import { CommandOptions, CommandResult, runCommand, splitCommand } from './command';
import type { LogFn } from './executor';

/** How long a notify script may run, in milliseconds, before its process group is killed. */
export const NOTIFY_TIMEOUT_MS = 30_000;

export class Notifier {
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly kind: 'INSTANCE' | 'GROUP',
    private readonly name: string,
    private readonly commands: NotifyCommands,
    private readonly log: LogFn,
    private readonly run: (argv: string[], opts: CommandOptions) => Promise<CommandResult> = runCommand,
  ) {}

  /** Queues the scripts for entering `state` ('INIT' is reported as keepalived's STOP). */
  changed(state: RouterState, priority: number): Promise<void> {
    const word = state === 'INIT' ? 'STOP' : state;
    const specific = { MASTER: this.commands.master, BACKUP: this.commands.backup, FAULT: this.commands.fault, STOP: this.commands.stop }[word];
    const runs: string[][] = [];
    try {
      if (specific) runs.push(splitCommand(specific));
      if (this.commands.any) runs.push([...splitCommand(this.commands.any), this.kind, this.name, word, String(priority)]);
    } catch (e) {
      this.log('warn', `${this.kind.toLowerCase()} ${this.name}: notify: ${(e as Error).message}`);
    }
    for (const argv of runs) {
      this.queue = this.queue.then(async () => {
        const r = await this.run(argv, { timeoutMs: NOTIFY_TIMEOUT_MS });
        if (r.outcome !== 'success') {
          this.log('warn', `${this.kind.toLowerCase()} ${this.name}: notify ${argv.join(' ')}: ${r.spawnError ?? r.outcome}${r.code !== null ? ` (exit ${r.code})` : ''}`);
        }
      });
    }
    return this.queue;
  }
}
