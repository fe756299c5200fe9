/**
 * Instance sub-blocks: `track_interface`, `track_script`, `track_file`, `authentication` and notify commands.
 */
import { failAt } from './lexer';
import type { ConfigNode } from './parser';
import { arg, block, commandArg, extraArgs, loc, noBlock, weightArgs, type Warnings } from './context';
import { SCRIPT_WEIGHT_MAX } from './script';
import type { NotifyCommands, TrackRef } from './types';

/** Names defined at top level that track blocks may refer to. */
export interface KnownNames {
  scripts: ReadonlySet<string>;
  trackFiles: ReadonlySet<string>;
}

/**
 * Entries of a `track_interface`, `track_script` or `track_file` block: `NAME [weight W [reverse|noreverse]]`.
 * @throws ConfigError for a bad weight or a script / file name that no top-level block defines.
 */
export function parseTrackBlock(node: ConfigNode, known: KnownNames, w: Warnings): TrackRef[] {
  extraArgs(node, 0, w);
  const max = node.keyword === 'track_file' ? 254 : SCRIPT_WEIGHT_MAX;
  return block(node).map((entry) => {
    noBlock(entry);
    const name = entry.keyword;
    if (node.keyword === 'track_script' && !known.scripts.has(name)) {
      failAt(entry.token, `track_script: no vrrp_script named '${name}'; define \`vrrp_script ${name} { ... }\` or fix the name`);
    }
    if (node.keyword === 'track_file' && !known.trackFiles.has(name)) {
      failAt(entry.token, `track_file: no track_file named '${name}'; define \`track_file ${name} { ... }\` or fix the name`);
    }
    const { weight, reverse } = weightArgs(entry, 0, -max, max, w);
    const ref: TrackRef = { at: loc(entry.token), name, reverse };
    if (weight !== undefined) ref.weight = weight;
    return ref;
  });
}

/** VRRPv2 simple password length (RFC 3768 §5.3.10). */
export const AUTH_PASS_MAX = 8;

/**
 * The `authentication { auth_type PASS; auth_pass P }` block: the password, truncated to 8 characters
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
      const t = arg(s, 0, 'a password of up to 8 characters');
      pass = t.text;
      if (pass.length > AUTH_PASS_MAX) {
        pass = pass.slice(0, AUTH_PASS_MAX);
        w.add(t, `auth_pass is longer than ${AUTH_PASS_MAX} characters; truncated to '${pass}'`);
      }
    } else {
      w.add(s.token, `unknown authentication keyword '${s.keyword}'; ignored`);
    }
  }
  if (type === undefined) failAt(node.token, 'authentication needs `auth_type PASS`');
  if (pass === undefined) failAt(node.token, 'authentication needs `auth_pass PASSWORD`');
  return pass;
}

const NOTIFY_KEYS: Record<string, keyof NotifyCommands> = {
  notify_master: 'master',
  notify_backup: 'backup',
  notify_fault: 'fault',
  notify_stop: 'stop',
  notify: 'any',
};

/** Stores a notify_* command in `out`; false when `node` is not a notify keyword. */
export function applyNotify(node: ConfigNode, out: NotifyCommands): boolean {
  const key = NOTIFY_KEYS[node.keyword];
  if (key === undefined) return false;
  out[key] = commandArg(node);
  return true;
}
