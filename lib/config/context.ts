/**
 * Helpers shared by the section validators: warnings, argument readers with located errors.
 */
import { ConfigError } from '../errors';
import { failAt, located, type Token } from './lexer';
import { printable } from './printable';
import type { ConfigNode } from './parser';
import type { ConfigWarning, SourceLocation } from './types';

/**
 * Collects warnings and errors; every message is prefixed with `file:line:col: ` and made printable()
 * (control characters escaped). Errors are ConfigErrors in the order found.
 */
export class Warnings {
  readonly list: ConfigWarning[] = [];
  readonly errors: ConfigError[] = [];
  /** Records a warning located at `at`. */
  add(at: SourceLocation, message: string): void {
    this.list.push({ file: at.file, line: at.line, col: at.col, message: printable(`${at.file}:${at.line}:${at.col}: ${message}`) });
  }
  /** Records an error located at `at` (parsing goes on). */
  error(at: SourceLocation, message: string): void {
    this.errors.push(located(at, message));
  }
  /**
   * Runs `fn`; a ConfigError it throws is recorded and `fallback` returned, so that one bad statement
   * does not hide the errors of the next ones. Other exceptions pass.
   */
  attempt<T>(fn: () => T, fallback: T): T {
    try {
      return fn();
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      this.errors.push(e);
      return fallback;
    }
  }
  /** Warns that `keyword` is read into the configuration but the daemon does not act on it yet. */
  notYet(at: SourceLocation, keyword: string, what: string): void {
    this.add(at, `${keyword} is read but vrrpd does not ${what} yet; it has no effect`);
  }
  /** Warns about an unknown keyword of `blockName`, suggesting the closest of `known` (Levenshtein <= 2). */
  unknown(t: Token, blockName: string, known: Iterable<string>, prefix = `unknown ${blockName} keyword`): void {
    const near = closest(t.text, known);
    this.add(t, `${prefix} '${t.text}'; ignored${near ? ` (did you mean '${near}'?)` : ''}`);
  }
}

/** Levenshtein distance of `a` and `b`, or `max + 1` once it is known to exceed `max`. */
export function editDistance(a: string, b: string, max = 2): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      best = Math.min(best, cur[j]);
    }
    if (best > max) return max + 1;
    prev = cur;
  }
  return prev[b.length];
}

/** The keyword of `known` nearest to `word` within edit distance 2 (ties: the first), if any. */
export function closest(word: string, known: Iterable<string>): string | undefined {
  if (word.length < 3 || word.length > 64) return undefined;
  let best: string | undefined;
  let bestD = 3;
  for (const k of known) {
    const d = editDistance(word, k, 2);
    if (d < bestD && k !== word) {
      best = k;
      bestD = d;
    }
  }
  return best;
}

/** `file:line` of a location, for messages that point elsewhere. */
export function where(at: SourceLocation): string {
  return `${at.file}:${at.line}`;
}

/** The location of a token (without kind and text). */
export function loc(t: Token): SourceLocation {
  return { file: t.file, line: t.line, col: t.col };
}

/** Argument `idx` of `node`. @throws ConfigError naming `what` when it is missing. */
export function arg(node: ConfigNode, idx: number, what: string): Token {
  const t = node.args[idx];
  if (!t) failAt(node.token, `${node.keyword} needs ${what}`);
  return t;
}

/** Warns about arguments beyond the first `max`. */
export function extraArgs(node: ConfigNode, max: number, w: Warnings): void {
  const t = node.args[max];
  if (t) w.add(t, `unexpected argument '${t.text}' after ${node.keyword}; ignored`);
}

/** Refuses a block after a scalar keyword. */
export function noBlock(node: ConfigNode): void {
  if (node.children) failAt(node.token, `${node.keyword} does not take a { } block; remove the braces`);
}

/** The block of `node`. @throws ConfigError when the keyword was written without one. */
export function block(node: ConfigNode): ConfigNode[] {
  if (!node.children) failAt(node.token, `${node.keyword} needs a { ... } block`);
  return node.children;
}

/** An integer token within min..max. @throws ConfigError naming the keyword and range. */
export function intOf(t: Token, keyword: string, min: number, max: number): number {
  const v = /^-?\d+$/.test(t.text) ? Number(t.text) : NaN;
  if (!Number.isSafeInteger(v) || v < min || v > max) {
    failAt(t, `${keyword} must be an integer ${min}..${max}, got '${t.text}'`);
  }
  return v;
}

/** An integer argument (the first unless `idx`) within min..max, no block, no extra arguments. */
export function intArg(node: ConfigNode, min: number, max: number, w: Warnings): number {
  noBlock(node);
  extraArgs(node, 1, w);
  return intOf(arg(node, 0, `an integer ${min}..${max}`), node.keyword, min, max);
}

/** Decimal seconds (e.g. `1`, `0.25`) within min..max. @throws ConfigError otherwise. */
export function secondsOf(t: Token, keyword: string, min: number, max: number): number {
  const v = /^\d+(\.\d+)?$/.test(t.text) ? Number(t.text) : NaN;
  if (!Number.isFinite(v) || v < min || v > max) {
    failAt(t, `${keyword} must be seconds ${min}..${max}, got '${t.text}'`);
  }
  return v;
}

/** A seconds argument converted to milliseconds. */
export function msArg(node: ConfigNode, min: number, max: number, w: Warnings): number {
  noBlock(node);
  extraArgs(node, 1, w);
  return Math.round(secondsOf(arg(node, 0, `seconds ${min}..${max}`), node.keyword, min, max) * 1000);
}

/** A keyword without arguments (a flag): true. */
export function flag(node: ConfigNode, w: Warnings): true {
  noBlock(node);
  extraArgs(node, 0, w);
  return true;
}

/** A single word or string argument. */
export function textArg(node: ConfigNode, what: string, w: Warnings): string {
  noBlock(node);
  extraArgs(node, 1, w);
  return arg(node, 0, what).text;
}

/** A command line: the arguments joined by one space (a quoted string keeps its own spaces). */
export function commandArg(node: ConfigNode): string {
  noBlock(node);
  arg(node, 0, 'a command (quote it when it has arguments)');
  return node.args.map((t) => t.text).join(' ');
}

/** `weight W [reverse|noreverse]` starting at args[idx]: undefined weight when absent. */
export function weightArgs(node: ConfigNode, idx: number, min: number, max: number, w: Warnings): { weight?: number; reverse: boolean } {
  const kw = node.args[idx];
  if (!kw) return { reverse: false };
  if (kw.text !== 'weight') failAt(kw, `expected 'weight' after ${node.keyword}, got '${kw.text}'`);
  const weight = intOf(arg(node, idx + 1, `a weight ${min}..${max} after 'weight'`), 'weight', min, max);
  const r = node.args[idx + 2];
  if (r && r.text !== 'reverse' && r.text !== 'noreverse') failAt(r, `expected 'reverse' or 'noreverse' after the weight, got '${r.text}'`);
  extraArgs(node, idx + 3, w);
  return { weight, reverse: r?.text === 'reverse' };
}

/** A flag that may also be written `KEYWORD <BOOL>` (true|false|on|off|yes|no, keepalived's `[<BOOL>]`). */
export function boolFlag(s: ConfigNode, w: Warnings): boolean {
  noBlock(s);
  const v = s.args[0];
  if (!v) return true;
  extraArgs(s, 1, w);
  if (['true', 'on', 'yes'].includes(v.text)) return true;
  if (['false', 'off', 'no'].includes(v.text)) return false;
  return failAt(v, `${s.keyword} takes no value or one of true|false|on|off|yes|no, got '${v.text}'`);
}
