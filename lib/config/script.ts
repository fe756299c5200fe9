/**
 * `vrrp_script NAME { ... }` and `track_file NAME { ... }` (alias `vrrp_track_file`).
 */
import { failAt } from './lexer';
import type { ConfigNode } from './parser';
import { arg, block, commandArg, extraArgs, flag, intArg, intOf, loc, msArg, noBlock, textArg, type Warnings } from './context';
import type { TrackFile, TrackProcess, VrrpScript } from './types';

/** Weight range of vrrp_script and track references (keepalived.conf(5)). */
export const SCRIPT_WEIGHT_MAX = 253;

function nameOf(node: ConfigNode, what: string, w: Warnings): string {
  extraArgs(node, 1, w);
  return arg(node, 0, `a ${what} name, e.g. \`${node.keyword} chk_service {\``).text;
}

/**
 * Validates one `vrrp_script` block.
 * @throws ConfigError for a bad value or a missing `script`.
 */
export function parseScript(node: ConfigNode, w: Warnings): VrrpScript {
  const name = nameOf(node, 'script', w);
  let script: string | undefined;
  let intervalMs = 1000;
  let timeoutMs: number | undefined;
  const out = { weight: 0, weightReverse: false, rise: 1, fall: 1, initFail: false };
  let user: VrrpScript['user'];
  for (const s of block(node)) {
    w.attempt(() => scriptStatement(s), undefined);
  }
  function scriptStatement(s: ConfigNode): void {
    switch (s.keyword) {
      case 'script':
        script = commandArg(s);
        break;
      case 'interval':
        intervalMs = msArg(s, 1, 86400, w);
        break;
      case 'timeout':
        timeoutMs = msArg(s, 1, 86400, w);
        break;
      case 'weight': {
        noBlock(s);
        out.weight = intOf(arg(s, 0, `a weight -${SCRIPT_WEIGHT_MAX}..${SCRIPT_WEIGHT_MAX}`), 'weight', -SCRIPT_WEIGHT_MAX, SCRIPT_WEIGHT_MAX);
        const r = s.args[1];
        if (r && r.text !== 'reverse') failAt(r, `expected 'reverse' after the weight, got '${r.text}'`);
        extraArgs(s, 2, w);
        out.weightReverse = r !== undefined;
        break;
      }
      case 'rise':
        out.rise = intArg(s, 1, 1000000, w);
        break;
      case 'fall':
        out.fall = intArg(s, 1, 1000000, w);
        break;
      case 'user': {
        noBlock(s);
        extraArgs(s, 2, w);
        const u = arg(s, 0, 'a user name').text;
        user = s.args[1] ? { user: u, group: s.args[1].text } : { user: u };
        break;
      }
      case 'init_fail':
        out.initFail = flag(s, w);
        break;
      default:
        w.unknown(s.token, 'vrrp_script', ['script', 'interval', 'timeout', 'weight', 'rise', 'fall', 'user', 'init_fail']);
    }
  }
  if (script === undefined) failAt(node.token, `vrrp_script ${name} has no script; add \`script "/path/to/check args"\``);
  const result: VrrpScript = { name, at: loc(node.token), script, intervalMs, timeoutMs: timeoutMs ?? intervalMs, ...out };
  if (user) result.user = user;
  return result;
}

/**
 * Validates one `track_file` / `vrrp_track_file` block.
 * @throws ConfigError for a bad value or a missing `file`.
 */
export function parseTrackFile(node: ConfigNode, w: Warnings): TrackFile {
  const name = nameOf(node, 'track file', w);
  let file: string | undefined;
  let weight = 1;
  let weightReverse = false;
  let initFile: TrackFile['initFile'];
  for (const s of block(node)) w.attempt(() => fileStatement(s), undefined);
  function fileStatement(s: ConfigNode): void {
    switch (s.keyword) {
      case 'file':
        file = textArg(s, 'a file path', w);
        break;
      case 'weight': {
        noBlock(s);
        weight = intOf(arg(s, 0, 'a weight'), 'weight', -2147483647, 2147483647);
        const r = s.args[1];
        if (r && r.text !== 'reverse') failAt(r, `expected 'reverse' after the weight, got '${r.text}'`);
        extraArgs(s, 2, w);
        weightReverse = r !== undefined;
        break;
      }
      case 'init_file': {
        noBlock(s);
        let value = 0;
        let overwrite = false;
        for (const a of s.args) {
          if (a.text === 'overwrite') overwrite = true;
          else value = intOf(a, 'init_file', -2147483647, 2147483647);
        }
        initFile = { value, overwrite };
        break;
      }
      default:
        w.unknown(s.token, 'track_file', ['file', 'weight', 'init_file']);
    }
  }
  if (file === undefined) failAt(node.token, `track_file ${name} has no file; add \`file "/path/to/file"\``);
  const result: TrackFile = { name, at: loc(node.token), file, weight, weightReverse };
  if (initFile) result.initFile = initFile;
  return result;
}

/** The vrrp_track_process keywords (for did-you-mean). */
const PROCESS_KEYWORDS = ['process', 'param_match', 'weight', 'quorum', 'quorum_max', 'fork_delay', 'terminate_delay', 'delay', 'full_command'];

/** comm (/proc/PID/comm) holds at most this many bytes (TASK_COMM_LEN 16 with its NUL). */
export const PROCESS_COMM_MAX = 15;

/**
 * Validates one `vrrp_track_process` block (keepalived.conf(5) "VRRP track processes"). keepalived 2.2.7
 * defaults: weight 0, quorum 1, quorum_max unbounded; `quorum_max 0` without `quorum` means "no such
 * process may run" (quorum 0); `param_match` without a value is an exact match of no parameters.
 * @throws ConfigError for a missing `process` or a quorum above quorum_max.
 */
export function parseTrackProcess(node: ConfigNode, w: Warnings): TrackProcess {
  const name = nameOf(node, 'track process', w);
  const tp: TrackProcess = {
    name, at: loc(node.token), process: [], paramMatch: 'exact', paramMatchSet: false, weight: 0, weightReverse: false, quorum: 1,
    forkDelayMs: 0, terminateDelayMs: 0, fullCommand: false,
  };
  let quorumTok: ConfigNode | undefined;
  let processTok: ConfigNode | undefined;
  for (const s of block(node)) {
    w.attempt(() => {
      switch (s.keyword) {
        case 'process':
          noBlock(s);
          arg(s, 0, 'a process name (and its parameters)');
          tp.process = s.args.map((t) => t.text);
          processTok = s;
          break;
        case 'param_match': {
          noBlock(s);
          extraArgs(s, 1, w);
          const t = s.args[0];
          if (t && t.text !== 'initial' && t.text !== 'partial') failAt(t, `param_match must be initial or partial (or nothing: an exact match), got '${t.text}'`);
          tp.paramMatch = t ? (t.text as 'initial' | 'partial') : 'exact';
          tp.paramMatchSet = true;
          break;
        }
        case 'weight': {
          noBlock(s);
          tp.weight = intOf(arg(s, 0, 'a weight -254..254'), 'weight', -254, 254);
          const r = s.args[1];
          if (r && r.text !== 'reverse') failAt(r, `expected 'reverse' after the weight, got '${r.text}'`);
          extraArgs(s, 2, w);
          tp.weightReverse = r !== undefined;
          break;
        }
        case 'quorum': tp.quorum = intArg(s, 1, 65535, w); quorumTok = s; break;
        case 'quorum_max': tp.quorumMax = intArg(s, 0, 65535, w); break;
        case 'fork_delay': tp.forkDelayMs = msArg(s, 0, 3600, w); break;
        case 'terminate_delay': tp.terminateDelayMs = msArg(s, 0, 3600, w); break;
        case 'delay': tp.forkDelayMs = tp.terminateDelayMs = msArg(s, 0, 3600, w); break;
        case 'full_command': tp.fullCommand = flag(s, w); break;
        default: w.unknown(s.token, 'vrrp_track_process', PROCESS_KEYWORDS);
      }
    }, undefined);
  }
  if (tp.process.length === 0) failAt(node.token, `vrrp_track_process ${name} has no process; add \`process NAME [PARAMS]\``);
  if (tp.quorumMax === 0 && quorumTok === undefined) tp.quorum = 0;
  if (tp.quorumMax !== undefined && tp.quorum > tp.quorumMax) failAt((quorumTok ?? node).token, `vrrp_track_process ${name}: quorum ${tp.quorum} is above quorum_max ${tp.quorumMax}; no process count can succeed`);
  const byComm = !tp.fullCommand && tp.process.length === 1 && !tp.paramMatchSet;
  if (byComm && Buffer.byteLength(tp.process[0]) > PROCESS_COMM_MAX && processTok) {
    w.add(processTok.args[0], `vrrp_track_process ${name}: '${tp.process[0]}' is longer than the ${PROCESS_COMM_MAX} bytes of a process name (/proc/PID/comm), so no process matches it; write the first ${PROCESS_COMM_MAX} bytes or add full_command`);
  }
  return tp;
}
