/**
 * What keepalived checks about the scripts it runs, as pure functions over a stat-like lookup (so that
 * `vrrpd -t` runs them with fs.statSync and tests with a table):
 * - `enable_script_security`: a script run as root must not be writable by a non-root user, nor may any
 *   directory on its path (keepalived: "Don't run scripts configured to be run as root if any part of the
 *   path is writable by a non-root user"); owner not root, or group/world write permission, is insecure.
 * - a vrrp_script whose command is an absolute path that does not exist or is not executable: keepalived
 *   warns "Disabling track script NAME since not found/accessible".
 */
import * as path from 'node:path';
import { located } from './lexer';
import type { ConfigError } from '../errors';
import type { ConfigWarning, KeepalivedConfig, SourceLocation } from './types';
import { printable } from './printable';

/** What the checks need of a file's status (fs.Stats has all of it). */
export interface StatLike {
  uid: number;
  gid: number;
  /** st_mode: type and permission bits. */
  mode: number;
  isFile(): boolean;
  isDirectory(): boolean;
}

/** Status of a path (following symbolic links), undefined when it does not exist or cannot be read. */
export type StatLookup = (file: string) => StatLike | undefined;

/** One script of the configuration: where it is written, what it is, the command and its user. */
export interface ScriptUse {
  at: SourceLocation;
  what: string;
  command: string;
  user?: string;
}

/** The first word of a command line (its program), with keepalived's single/double quotes removed. */
export function programOf(command: string): string {
  const m = /^\s*(?:'([^']*)'|"([^"]*)"|(\S+))/.exec(command);
  return m ? (m[1] ?? m[2] ?? m[3] ?? '') : '';
}

/** Every script the configuration runs: vrrp_scripts and notify commands of instances and groups. */
export function scriptsOf(config: KeepalivedConfig): ScriptUse[] {
  const defaultUser = config.global.scriptUser?.user;
  const out: ScriptUse[] = [];
  for (const s of config.scripts) out.push({ at: s.at, what: `vrrp_script ${s.name}`, command: s.script, user: s.user?.user ?? defaultUser });
  const notifies = (owner: string, at: SourceLocation, n: Record<string, string | undefined>, users: Record<string, { user: string } | undefined>): void => {
    for (const [k, cmd] of Object.entries(n)) {
      if (cmd !== undefined) out.push({ at, what: `${owner} notify${k === 'any' ? '' : `_${k}`}`, command: cmd, user: users[k]?.user ?? defaultUser });
    }
  };
  for (const i of config.instances) {
    notifies(`vrrp_instance ${i.name}`, i.at, { ...i.notify }, { ...i.notifyUsers });
    const d = i.notifyDeleted;
    if (d?.command !== undefined) out.push({ at: i.at, what: `vrrp_instance ${i.name} notify_deleted`, command: d.command, user: d.user?.user ?? defaultUser });
  }
  for (const g of config.syncGroups) notifies(`vrrp_sync_group ${g.name}`, g.at, { ...g.notify }, { ...g.notifyUsers });
  for (const [kw, f] of [['notify_fifo_script', config.global.notifyFifo], ['vrrp_notify_fifo_script', config.global.vrrpNotifyFifo]] as const) {
    const sc = f?.script;
    if (sc?.at) out.push({ at: sc.at, what: kw, command: sc.command, user: sc.user?.user ?? defaultUser });
  }
  return out;
}

const S_IWGRP = 0o020;
const S_IWOTH = 0o002;
const S_IXANY = 0o111;

/**
 * Why `file` (absolute) is writable by a non-root user through itself or a directory above it, or
 * undefined when it is not. A path component that cannot be stat'ed is reported too.
 */
export function insecurePathReason(file: string, stat: StatLookup): string | undefined {
  const parts = path.posix.normalize(file).split('/').filter(Boolean);
  const paths = ['/'];
  for (let i = 0; i < parts.length; i++) paths.push(`/${parts.slice(0, i + 1).join('/')}`);
  for (const p of paths.reverse()) {
    const st = stat(p);
    if (!st) return `${p} cannot be examined`;
    if (st.uid !== 0) return `${p} is owned by uid ${st.uid}, not root`;
    if (st.mode & S_IWOTH) return `${p} is writable by everyone (mode ${(st.mode & 0o7777).toString(8)})`;
    if (st.mode & S_IWGRP && st.gid !== 0) return `${p} is writable by group ${st.gid} (mode ${(st.mode & 0o7777).toString(8)})`;
  }
  return undefined;
}

/**
 * keepalived's script security rule: with `enable_script_security`, each script that runs as root (no
 * user, or user root) and whose program is an absolute path writable by a non-root user (itself or a
 * directory on the way) is an error, since keepalived refuses to run it. Without enable_script_security
 * nothing is checked. Relative programs (found through PATH) are not examined.
 */
export function checkScriptSecurity(config: KeepalivedConfig, stat: StatLookup): ConfigError[] {
  if (!config.global.enableScriptSecurity) return [];
  const errors: ConfigError[] = [];
  for (const s of scriptsOf(config)) {
    if (s.user !== undefined && s.user !== 'root' && s.user !== '0') continue;
    const prog = programOf(s.command);
    if (!path.posix.isAbsolute(prog)) continue;
    const why = insecurePathReason(prog, stat);
    if (why !== undefined) {
      errors.push(located(s.at, `${s.what}: ${prog} runs as root but ${why}; under enable_script_security keepalived refuses to run it: make the script and its directories owned by root and not group- or world-writable, or run it as another user (\`user\` / script_user)`));
    }
  }
  return errors;
}

/**
 * The vrrp_scripts whose program is an absolute path that does not exist, is not a regular file or has
 * no execute bit: warnings worded as keepalived's ("Disabling track script NAME since not found/accessible").
 */
export function checkScriptFiles(config: KeepalivedConfig, stat: StatLookup): ConfigWarning[] {
  const out: ConfigWarning[] = [];
  for (const s of config.scripts) {
    const prog = programOf(s.script);
    if (!path.posix.isAbsolute(prog)) continue;
    const st = stat(prog);
    const why = !st ? 'does not exist' : !st.isFile() ? 'is not a regular file' : (st.mode & S_IXANY) === 0 ? 'is not executable' : undefined;
    if (why === undefined) continue;
    const message = `vrrp_script ${s.name}: ${prog} ${why}; keepalived disables it ("Disabling track script ${s.name} since not found/accessible") and vrrpd would count every run as a failure; fix the path or \`chmod +x\` it`;
    out.push({ file: s.at.file, line: s.at.line, col: s.at.col, message: printable(`${s.at.file}:${s.at.line}:${s.at.col}: ${message}`) });
  }
  return out;
}
