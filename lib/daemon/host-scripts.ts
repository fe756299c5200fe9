/**
 * keepalived's global_defs `startup_script` / `shutdown_script` (keepalived.conf(5)): run once when the
 * daemon starts, before any instance, and once when it stops, after the VIPs are gone; each bounded by its
 * `startup_script_timeout` / `shutdown_script_timeout` (seconds, default 10) and run as its user, else
 * script_user. A failure is logged; it never stops the daemon.
 */
import type { GlobalDefs } from '../config/types';
import { runAsOptions } from './command';
import type { CommandRunner, LogFn } from './executor';

/** Runs the `kind` script of `global`, if any; resolves when it ended. */
export async function runHostScript(kind: 'startup' | 'shutdown', global: GlobalDefs, run: CommandRunner, log: LogFn): Promise<void> {
  const script = kind === 'startup' ? global.startupScript : global.shutdownScript;
  if (!script) return;
  const who = script.user ?? global.scriptUser;
  const r = await run(script.command, { timeoutMs: script.timeoutMs, ...runAsOptions(who) });
  if (r.spawnError) log('warn', `${kind}_script: cannot run ${JSON.stringify(script.command)}: ${r.spawnError}`);
  else if (r.outcome !== 'success') log('warn', `${kind}_script ${JSON.stringify(script.command)}: ${r.outcome}${r.code !== null ? ` (exit ${r.code})` : ''}`);
  else log('info', `${kind}_script ${JSON.stringify(script.command)} done in ${r.durationMs.toFixed(0)} ms`);
}

/**
 * keepalived `log_unknown_vrids`: one line for an advert whose VRID no instance has, at most once a
 * minute per interface, family, VRID and source (a flood of them must not flood the log).
 */
export class UnknownVridLog {
  private readonly last = new Map<string, number>();

  constructor(private readonly log: LogFn, private readonly everyMs = 60_000) {}

  /** An advert for no instance of ours arrived at `now` (ms). */
  seen(ifname: string, family: 4 | 6, vrid: number | undefined, src: string | null, now: number): void {
    const key = `${ifname}/${family}/${vrid ?? '?'}/${src ?? '?'}`;
    const at = this.last.get(key);
    if (at !== undefined && now - at < this.everyMs) return;
    if (this.last.size >= 4096) this.last.clear();
    this.last.set(key, now);
    this.log('info', `advert for VRID ${vrid ?? '?'} (IPv${family}) on ${ifname} from ${src ?? 'an unreadable source'}: no instance has that VRID (log_unknown_vrids)`);
  }
}
