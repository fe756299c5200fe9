/**
 * Runs the external commands a keepalived.conf names (vrrp_script checks, notify scripts) the way
 * keepalived does: the command line is split into words (double or single quotes group words), run
 * without a shell, in its own process group, optionally as another user; on timeout the whole group is
 * killed with SIGKILL and the run counts as a timeout. Never throws for a failing command.
 */
import { spawn } from 'node:child_process';
import { readFileSync, realpathSync, Stats, statSync } from 'node:fs';
import * as path from 'node:path';

/** Outcome of one run, as lib/track's ScriptTracker takes it. */
export type CommandOutcome = 'success' | 'failure' | 'timeout';

export interface CommandResult {
  outcome: CommandOutcome;
  /** Exit code, or null when killed by a signal or not started. */
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Why it could not start (ENOENT, EACCES …), when it could not. */
  spawnError: string | null;
  durationMs: number;
}

/** The `user` / `group` options of a run as `who` (keepalived's `CMD [username [groupname]]`); none for undefined. */
export function runAsOptions(who: { user: string; group?: string } | undefined): Pick<CommandOptions, 'user' | 'group'> {
  if (!who) return {};
  return who.group !== undefined ? { user: who.user, group: who.group } : { user: who.user };
}

export interface CommandOptions {
  /** Kill the process group and report 'timeout' after this many milliseconds (Infinity: never). */
  timeoutMs: number;
  /** On abort the process group gets SIGTERM (a long-running reader such as notify_fifo_script). */
  signal?: AbortSignal;
  /** Run as this user (name or uid) and group (name or gid); default: the daemon's own. */
  user?: string;
  group?: string;
  /** Extra environment variables (notify scripts get none by default, as in keepalived). */
  env?: Record<string, string>;
  /**
   * keepalived's `enable_script_security`, checked at every run (a file can change after the start): the
   * program must be an absolute path or found on PATH, and neither it (after symbolic links) nor any
   * directory above it may be writable by anyone but root, or owned by a user other than root or the user the
   * script runs as. Refused runs are failures with `spawnError` naming the path and why (see checkScriptSecure).
   */
  secure?: boolean;
}

/** Why `st` (of `file`) lets someone other than root or `uid` change it, or null when it does not. */
function insecurity(file: string, st: Stats, uid: number | null): string | null {
  const mode = (st.mode & 0o7777).toString(8).padStart(4, '0');
  const sticky = st.isDirectory() && (st.mode & 0o1000) !== 0;
  if (st.uid !== 0 && st.uid !== uid) return `${file} is owned by uid ${st.uid}, not root`;
  if ((st.mode & 0o002) !== 0 && !sticky) return `${file} is writable by everyone (mode ${mode})`;
  if ((st.mode & 0o020) !== 0 && st.gid !== 0 && !sticky) return `${file} is writable by group ${st.gid} (mode ${mode})`;
  return null;
}

/**
 * The `enable_script_security` check of one program: resolves `program` (absolute, or on PATH), follows its
 * symbolic links and checks the file and every directory up to `/` (see CommandOptions.secure). `uid` is the
 * user the script runs as (null: root). Returns null when safe, else why not (one line, naming the path).
 */
export function checkScriptSecure(program: string, uid: number | null = null, searchPath = process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin'): string | null {
  let file = program;
  if (!program.includes('/')) {
    const found = searchPath.split(':').filter((d) => d.startsWith('/')).map((d) => path.join(d, program)).find((f) => {
      try {
        return statSync(f).isFile();
      } catch {
        return false;
      }
    });
    if (!found) return `${program} is not found on PATH (script security needs an absolute path)`;
    file = found;
  } else if (!path.isAbsolute(program)) {
    return `${program} is a relative path (script security needs an absolute path)`;
  }
  let real: string;
  try {
    real = realpathSync(file);
  } catch (e) {
    return `${file} cannot be resolved (${(e as NodeJS.ErrnoException).code ?? String(e)})`;
  }
  for (let p = real; ; p = path.dirname(p)) {
    let st: Stats;
    try {
      st = statSync(p);
    } catch (e) {
      return `${p} cannot be examined (${(e as NodeJS.ErrnoException).code ?? String(e)})`;
    }
    const bad = insecurity(p, st, uid);
    if (bad) return `${bad}${real !== program ? ` (running ${program})` : ''}`;
    if (p === path.dirname(p)) return null;
  }
}

/**
 * Splits a command line into words: white space separates, "double" and 'single' quotes group, a
 * backslash escapes the next character outside single quotes. @throws Error on an unclosed quote.
 */
export function splitCommand(line: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quote: '"' | "'" | null = null;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote) {
      if (c === quote) quote = null;
      else if (c === '\\' && quote === '"' && i + 1 < line.length) word += line[++i];
      else word += c;
    } else if (c === '"' || c === "'") {
      quote = c;
      inWord = true;
    } else if (c === '\\' && i + 1 < line.length) {
      word += line[++i];
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (quote) throw new Error(`unclosed ${quote} quote in command: ${line}`);
  if (inWord) words.push(word);
  return words;
}

/** Numeric id of a user or group from /etc/passwd or /etc/group (or the number itself). */
export function resolveId(name: string, db: '/etc/passwd' | '/etc/group'): number | null {
  if (/^\d+$/.test(name)) return Number(name);
  try {
    for (const line of readFileSync(db, 'utf8').split('\n')) {
      const f = line.split(':');
      if (f[0] === name && f.length > 2) return Number(f[2]);
    }
  } catch {
    return null;
  }
  return null;
}

/** Runs `commandLine`; resolves when it exits or its timeout kills it. */
export function runCommand(commandLine: string | string[], opts: CommandOptions): Promise<CommandResult> {
  const started = process.hrtime.bigint();
  const elapsed = (): number => Number(process.hrtime.bigint() - started) / 1e6;
  return new Promise((resolve) => {
    let argv: string[];
    try {
      argv = Array.isArray(commandLine) ? commandLine : splitCommand(commandLine);
    } catch (e) {
      resolve({ outcome: 'failure', code: null, signal: null, spawnError: (e as Error).message, durationMs: 0 });
      return;
    }
    if (argv.length === 0) {
      resolve({ outcome: 'failure', code: null, signal: null, spawnError: 'empty command', durationMs: 0 });
      return;
    }
    const uid = opts.user !== undefined ? resolveId(opts.user, '/etc/passwd') : null;
    const gid = opts.group !== undefined ? resolveId(opts.group, '/etc/group') : null;
    if ((opts.user !== undefined && uid === null) || (opts.group !== undefined && gid === null)) {
      resolve({ outcome: 'failure', code: null, signal: null, spawnError: `unknown user or group ${opts.user ?? ''}:${opts.group ?? ''}`, durationMs: 0 });
      return;
    }
    if (opts.secure) {
      const bad = checkScriptSecure(argv[0], uid);
      if (bad) {
        resolve({ outcome: 'failure', code: null, signal: null, spawnError: `refused by enable_script_security: ${bad}`, durationMs: elapsed() });
        return;
      }
    }
    let timedOut = false;
    let settled = false;
    const child = spawn(argv[0], argv.slice(1), {
      detached: true, // own process group, so a timeout kills the script's children too
      stdio: 'ignore',
      env: { PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin', ...opts.env },
      ...(uid !== null ? { uid } : {}),
      ...(gid !== null ? { gid } : {}),
    });
    const killGroup = (signal: NodeJS.Signals = 'SIGKILL'): void => {
      if (child.pid === undefined) return;
      try {
        process.kill(-child.pid, signal);
      } catch {
        /* already gone */
      }
    };
    const timer = Number.isFinite(opts.timeoutMs)
      ? setTimeout(() => {
        timedOut = true;
        killGroup();
      }, opts.timeoutMs)
      : null;
    const onAbort = (): void => killGroup('SIGTERM');
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    if (opts.signal?.aborted) onAbort();
    const finish = (r: CommandResult): void => {
      if (settled) return;
      settled = true;
      if (timer) clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      resolve(r);
    };
    child.on('error', (e: NodeJS.ErrnoException) => finish({ outcome: 'failure', code: null, signal: null, spawnError: e.code ?? e.message, durationMs: elapsed() }));
    child.on('exit', (code, signal) => {
      if (timedOut) return finish({ outcome: 'timeout', code, signal, spawnError: null, durationMs: elapsed() });
      finish({ outcome: code === 0 ? 'success' : 'failure', code, signal, spawnError: null, durationMs: elapsed() });
    });
  });
}
