/**
 * Instance sub-blocks: `track_interface`, `track_script`, `track_file`, `authentication` and notify commands.
 */
import { failAt, type Token } from './lexer';
import type { ConfigNode } from './parser';
import { arg, block, closest, extraArgs, loc, noBlock, weightArgs, type Warnings } from './context';
import { scriptCommand } from './global';
import { SCRIPT_WEIGHT_MAX } from './script';
import type { NotifyCommands, TrackRef } from './types';

/** Names defined at top level that track blocks may refer to. */
export interface KnownNames {
  scripts: ReadonlySet<string>;
  trackFiles: ReadonlySet<string>;
  processes: ReadonlySet<string>;
}

/**
 * Entries of a `track_interface`, `track_script`, `track_file` or `track_process` block:
 * `NAME [weight W [reverse|noreverse]]`. A bad entry is recorded in `w` and the next one read.
 */
export function parseTrackBlock(node: ConfigNode, known: KnownNames, w: Warnings): TrackRef[] {
  extraArgs(node, 0, w);
  const max = node.keyword === 'track_file' || node.keyword === 'track_process' ? 254 : SCRIPT_WEIGHT_MAX;
  const out: TrackRef[] = [];
  for (const entry of block(node)) {
    w.attempt(() => {
      noBlock(entry);
      const name = entry.keyword;
      const kinds = new Map<string, [ReadonlySet<string>, string]>([
        ['track_script', [known.scripts, 'vrrp_script']],
        ['track_file', [known.trackFiles, 'track_file']],
        ['track_process', [known.processes, 'vrrp_track_process']],
      ]);
      const kind = kinds.get(node.keyword);
      if (kind && !kind[0].has(name)) {
        const near = closest(name, kind[0]);
        failAt(entry.token, `${node.keyword}: no ${kind[1]} named '${name}'; define \`${kind[1]} ${name} { ... }\` or fix the name${near ? ` (did you mean '${near}'?)` : ''}`);
      }
      const { weight, reverse } = weightArgs(entry, 0, -max, max, w);
      const ref: TrackRef = { at: loc(entry.token), name, reverse };
      if (weight !== undefined) ref.weight = weight;
      out.push(ref);
    }, undefined);
  }
  return out;
}

/** VRRPv2 simple password length in bytes (RFC 3768 §5.3.10). */
export const AUTH_PASS_MAX = 8;

/** Splits `bytes` into its longest prefix of whole UTF-8 characters (decoded) and the bytes after it. */
function wholeUtf8(bytes: Uint8Array): { head: string; rest: Uint8Array } {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  for (let k = bytes.length; k > 0; k--) {
    try {
      return { head: decoder.decode(bytes.subarray(0, k)), rest: bytes.subarray(k) };
    } catch {
      // a character cut at k: try a shorter prefix
    }
  }
  return { head: '', rest: bytes };
}

/**
 * `auth_pass` as keepalived takes it: its UTF-8 bytes, cut to 8 with a warning naming what is sent. The
 * string kept is the cut text when the cut falls between characters, else the text as written
 * (authPassBytes cuts it to the same 8 bytes).
 */
function truncatedPass(t: Token, w: Warnings): string {
  const bytes = Buffer.from(t.text, 'utf8');
  if (bytes.length <= AUTH_PASS_MAX) return t.text;
  const sent = bytes.subarray(0, AUTH_PASS_MAX);
  const { head, rest } = wholeUtf8(sent);
  const hex = (b: number): string => b.toString(16).padStart(2, '0');
  const shown = head + [...rest].map((b) => `\\x${hex(b)}`).join('');
  w.add(t, `auth_pass '${t.text}' is ${bytes.length} bytes in UTF-8 but a VRRPv2 advert carries ${AUTH_PASS_MAX}; only the first ${AUTH_PASS_MAX} are sent, as keepalived does: ${[...sent].map(hex).join(' ')} ('${shown}')`);
  return rest.length === 0 ? head : t.text;
}

/**
 * The `authentication { auth_type PASS; auth_pass P }` block: the password, truncated to 8 bytes
 * with a warning as keepalived does.
 * @throws ConfigError for `auth_type AH` (not supported), an unknown type, or a missing type or password.
 */
export function parseAuthentication(node: ConfigNode, w: Warnings): string {
  extraArgs(node, 0, w);
  let type: string | undefined;
  let pass: string | undefined;
  for (const s of block(node)) {
    noBlock(s);
    if (s.keyword === 'auth_type') {
      extraArgs(s, 1, w);
      const t = arg(s, 0, 'PASS');
      if (t.text === 'AH') {
        failAt(t, 'auth_type AH (IPsec Authentication Header) is not supported; use auth_type PASS or remove the authentication block');
      }
      if (t.text !== 'PASS') failAt(t, `auth_type must be PASS, got '${t.text}'`);
      type = t.text;
    } else if (s.keyword === 'auth_pass') {
      extraArgs(s, 1, w);
      const t = arg(s, 0, 'a password of up to 8 bytes');
      pass = truncatedPass(t, w);
    } else {
      w.add(s.token, `unknown authentication keyword '${s.keyword}'; ignored`);
    }
  }
  if (type === undefined) failAt(node.token, 'authentication needs `auth_type PASS`');
  if (pass === undefined) failAt(node.token, 'authentication needs `auth_pass PASSWORD`');
  return pass;
}

/** notify keywords (a Map: `constructor` or `toString` is an unknown keyword, not a prototype member). */
const NOTIFY_KEYS = new Map<string, keyof NotifyCommands>([
  ['notify_master', 'master'],
  ['notify_backup', 'backup'],
  ['notify_fault', 'fault'],
  ['notify_stop', 'stop'],
  ['notify', 'any'],
]);

/**
 * Stores a `notify_* CMD [username [groupname]]` command in `out` (and who runs it in `users`; without one
 * the global script_user applies); false when `node` is not a notify keyword.
 */
export function applyNotify(node: ConfigNode, out: NotifyCommands, users: Partial<Record<keyof NotifyCommands, { user: string; group?: string }>>, w: Warnings): boolean {
  const key = NOTIFY_KEYS.get(node.keyword);
  if (key === undefined) return false;
  const c = scriptCommand(node, w);
  out[key] = c.command;
  if (c.user) users[key] = c.user;
  return true;
}
