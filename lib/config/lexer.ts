/**
 * keepalived.conf lexer: words, braces and quoted strings with file, line and column (1-based);
 * comments run from `#` or `!` to the end of the line. `include GLOB` is expanded here, through an
 * injected `ConfigIO`, so the lexer and parser never touch the file system themselves.
 */
import * as path from 'node:path';
import { ConfigError } from '../errors';
import { printable } from './printable';
import type { ConfigWarning } from './types';
import type { StatLike } from './security';
import { preprocessLines, stripComment, type PreprocessState } from './preprocess';

/** Kind of a token: a bare word, a "quoted string" (quotes removed), `{` or `}`. */
export type TokenKind = 'word' | 'string' | 'open' | 'close';

/** One token and where it starts (line and col are 1-based). */
export interface Token {
  kind: TokenKind;
  text: string;
  file: string;
  line: number;
  col: number;
}

/** Largest file read (bytes): far above any real keepalived.conf, small enough to refuse /dev/zero-like input. */
export const MAX_FILE_BYTES = 8 * 1024 * 1024;
/** Largest total of distinct files read for one configuration with its includes (bytes). */
export const MAX_TOTAL_BYTES = 16 * 1024 * 1024;
/** Most tokens in one configuration with its includes expanded (bounds memory and repeated includes). */
export const MAX_TOKENS = 1_000_000;
/**
 * Deepest include nesting (the main file is depth 0). keepalived sets no limit; real configurations use
 * one or two levels, and this matches the block nesting limit (parser MAX_DEPTH).
 */
export const MAX_INCLUDE_DEPTH = 16;

/**
 * A file refused for its size by `ConfigIO.readFile` (or by the lexer's own totals); `size` in bytes
 * (at least, for a file that grows while it is read).
 */
export class FileTooLargeError extends Error {
  readonly size: number;
  readonly limit: number;
  constructor(size: number, limit: number) {
    super(`${size} bytes, more than the ${limit} allowed`);
    this.name = 'FileTooLargeError';
    this.size = size;
    this.limit = limit;
  }
}

/**
 * File access for the lexer. `readFile` returns the text of a regular file of at most `maxBytes` bytes
 * and throws FileTooLargeError for a bigger one, or an Error whose message says why it cannot be read
 * (missing, not a regular file, permissions); it must never block (a FIFO). `listDir` lists names.
 */
export interface ConfigIO {
  readFile(path: string, maxBytes: number): string;
  listDir(dir: string): string[];
  /** Status of a path (following links), undefined when missing; used by the script checks of `-t`. */
  stat?(path: string): StatLike | undefined;
}

/**
 * Throws a ConfigError located at `token`; its message (file name included) is made printable(), while
 * `file` keeps the name as it is.
 */
export function failAt(token: { file: string; line: number; col: number }, message: string): never {
  throw located(token, message);
}

/** The ConfigError failAt throws, without throwing it. */
export function located(token: { file: string; line: number; col: number }, message: string): ConfigError {
  const err = new ConfigError(token.file, token.line, token.col, message);
  err.message = printable(err.message);
  return err;
}

const isSpace = (c: number): boolean => c === 0x20 || (c >= 0x09 && c <= 0x0d) || c === 0xa0 || c === 0xfeff || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000;
const QUOTE = 0x22;
const isBreak = (c: number): boolean => isSpace(c) || c === 0x7b || c === 0x7d || c === QUOTE;

/**
 * Splits `text` (the contents of `file`) into tokens in one pass, comments removed; `include` is left as
 * an ordinary word and no `@`/`$` processing is done (lexConfig does that).
 * @throws ConfigError on an unterminated quoted string, or past `maxTokens` tokens.
 */
export function tokenize(text: string, file: string, maxTokens = MAX_TOKENS): Token[] {
  const tokens: Token[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    tokenizeLine(stripComment(lines[i]), file, i + 1, tokens, maxTokens, (e) => {
      throw e;
    });
  }
  return tokens;
}

/**
 * Appends the tokens of one line (comment already removed) to `out`. An unterminated quoted string is
 * passed to `report` and ends the line.
 * @throws ConfigError past `maxTokens` tokens.
 */
export function tokenizeLine(text: string, file: string, line: number, out: Token[], maxTokens: number, report: (e: ConfigError) => void): void {
  let i = 0;
  const n = text.length;
  const push = (kind: TokenKind, value: string, at: number): void => {
    if (out.length >= maxTokens) failAt({ file, line, col: at }, tooManyTokens());
    out.push({ kind, text: value, file, line, col: at });
  };
  while (i < n) {
    const c = text.charCodeAt(i);
    if (isSpace(c)) {
      i++;
    } else if (c === 0x7b || c === 0x7d) {
      push(c === 0x7b ? 'open' : 'close', c === 0x7b ? '{' : '}', i + 1);
      i++;
    } else if (c === QUOTE) {
      const end = text.indexOf('"', i + 1);
      if (end < 0) {
        report(located({ file, line, col: i + 1 }, 'unterminated quoted string; add the closing " on the same line'));
        return;
      }
      push('string', text.slice(i + 1, end), i + 1);
      i = end + 1;
    } else {
      const start = i;
      while (i < n && !isBreak(text.charCodeAt(i))) i++;
      push('word', text.slice(start, i), start + 1);
    }
  }
}

function tooManyTokens(): string {
  return `the configuration with its includes has more than ${MAX_TOKENS} tokens; split it or remove repeated includes`;
}

function globToRegExp(glob: string): RegExp {
  let body = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*') body += '[^/]*';
    else if (c === '?') body += '[^/]';
    else if (c === '[') {
      const end = glob.indexOf(']', i + 2);
      if (end < 0) body += '\\[';
      else {
        const inner = glob.slice(i + 1, end);
        const neg = inner.startsWith('!') || inner.startsWith('^');
        body += `[${neg ? '^' : ''}${(neg ? inner.slice(1) : inner).replace(/[\\\]^]/g, '\\$&')}]`;
        i = end;
      }
    } else body += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`^${body}$`);
}

const hasGlob = (s: string): boolean => /[*?[]/.test(s);

/** Most paths one include may name after brace expansion and globbing. */
export const MAX_INCLUDE_MATCHES = 10000;

/** csh-style brace expansion (`{a,b}c` -> `ac`, `bc`), nested, at most MAX_INCLUDE_MATCHES results. */
export function expandBraces(pattern: string): string[] {
  let depth = 0;
  let open = -1;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '{') {
      if (depth++ === 0) open = i;
    } else if (c === '}' && depth > 0 && --depth === 0) {
      const inner = pattern.slice(open + 1, i);
      const alts: string[] = [];
      let d = 0;
      let from = 0;
      for (let k = 0; k < inner.length; k++) {
        if (inner[k] === '{') d++;
        else if (inner[k] === '}') d--;
        else if (inner[k] === ',' && d === 0) {
          alts.push(inner.slice(from, k));
          from = k + 1;
        }
      }
      alts.push(inner.slice(from));
      if (alts.length < 2) continue;
      const head = pattern.slice(0, open);
      const tails = expandBraces(pattern.slice(i + 1));
      const out: string[] = [];
      for (const a of alts) {
        for (const x of expandBraces(head + a)) {
          for (const t of tails) {
            if (out.length >= MAX_INCLUDE_MATCHES) return out;
            out.push(x + t);
          }
        }
      }
      return out;
    }
  }
  return [pattern];
}

/**
 * Files named by an include pattern, resolved against `fromFile`'s directory, as glob(3) finds them:
 * `*`, `?` and `[...]` in any path component, `{a,b}` alternatives; each component's matches sorted;
 * names starting with `.` match only a pattern component that starts with `.`. A pattern without
 * wildcards names its one path whether or not it exists.
 */
export function expandInclude(pattern: string, fromFile: string, io: ConfigIO): string[] {
  const out: string[] = [];
  for (const alt of expandBraces(pattern)) {
    const full = path.posix.normalize(path.posix.isAbsolute(alt) ? alt : path.posix.join(path.posix.dirname(fromFile), alt));
    if (!hasGlob(full)) {
      out.push(full);
      continue;
    }
    let bases = ['/'];
    for (const part of full.split('/').filter(Boolean)) {
      const next: string[] = [];
      for (const b of bases) {
        if (!hasGlob(part)) {
          next.push(path.posix.join(b, part));
          continue;
        }
        let names: string[];
        try {
          names = io.listDir(b);
        } catch {
          names = [];
        }
        const re = globToRegExp(part);
        for (const name of names.filter((x) => re.test(x) && (!x.startsWith('.') || part.startsWith('.'))).sort()) {
          if (next.length < MAX_INCLUDE_MATCHES) next.push(path.posix.join(b, name));
        }
      }
      bases = next;
    }
    for (const b of bases) if (out.length < MAX_INCLUDE_MATCHES) out.push(b);
  }
  return out;
}

/**
 * The include keywords and the checks each adds (keepalived.conf(5)): `readable` (a named file that
 * cannot be read is an error), `match` (no match for a pattern without wildcards is an error),
 * `wildcard` (no match for a wildcard pattern is an error). Plain `include` errs on nothing, as in
 * keepalived (a missing file is a warning); files that are not regular or too large are always errors.
 */
const INCLUDES = new Map<string, { readable: boolean; match: boolean; wildcard: boolean }>([
  ['include', { readable: false, match: false, wildcard: false }],
  ['includer', { readable: true, match: false, wildcard: false }],
  ['includem', { readable: true, match: true, wildcard: false }],
  ['includew', { readable: true, match: true, wildcard: true }],
  ['includeb', { readable: true, match: true, wildcard: false }],
  ['includea', { readable: true, match: true, wildcard: true }],
]);

/** Options of lexConfig. */
export interface LexOptions {
  /** keepalived's config id (`-i ID` / `--config-id`) for `@ID` lines; undefined: no `@ID` line matches. */
  configId?: string;
  /** Collects errors that leave the rest of the file readable; without it the first one is thrown. */
  onError?: (e: ConfigError) => void;
  /** Random source for `${_RANDOM}`, 0 <= x < 1 (default Math.random). */
  random?: () => number;
}

/** What one lexConfig call has read so far: each file's text once, and the running totals. */
interface LexState {
  io: ConfigIO;
  warn: (w: ConfigWarning) => void;
  report: (e: ConfigError) => void;
  cache: Map<string, string>;
  bytesRead: number;
  out: Token[];
  pre: PreprocessState;
}

const MIB = 1024 * 1024;

/** A file that does not exist (as memoryIO and readRegularFile say it). */
const isMissing = (err: unknown): boolean => err instanceof Error && err.message === 'no such file';

/**
 * The text of `file`, read on its first inclusion only; undefined (warned) for a missing file under a
 * plain `include`. @throws ConfigError at `from`.
 */
function textOf(file: string, st: LexState, from?: { at: Token; keyword: string; readable: boolean }): string | undefined {
  const cached = st.cache.get(file);
  if (cached !== undefined) return cached;
  const at = from ? from.at : { file, line: 1, col: 1 };
  const what = from ? `cannot read included file ${file}` : 'cannot read configuration file';
  const left = MAX_TOTAL_BYTES - st.bytesRead;
  const limit = Math.min(MAX_FILE_BYTES, left);
  let text: string;
  try {
    text = st.io.readFile(file, limit);
    const bytes = Buffer.byteLength(text, 'utf8');
    if (bytes > limit) throw new FileTooLargeError(bytes, limit);
    st.bytesRead += bytes;
  } catch (err) {
    if (err instanceof FileTooLargeError) {
      const why = left < MAX_FILE_BYTES
        ? `the configuration and its includes may have at most ${MAX_TOTAL_BYTES} bytes (${MAX_TOTAL_BYTES / MIB} MiB) in all, ${left} are left`
        : `a file may have at most ${MAX_FILE_BYTES} bytes (${MAX_FILE_BYTES / MIB} MiB), and a configuration with its includes ${MAX_TOTAL_BYTES / MIB} MiB`;
      failAt(at, `${what} (${err.size} bytes; ${why})`);
    }
    const reason = err instanceof Error ? err.message : String(err);
    if (from && !from.readable && isMissing(err)) {
      st.warn({ ...loc3(at), message: printable(`${at.file}:${at.line}:${at.col}: included file ${file} does not exist; nothing included (keepalived's plain \`include\` skips a missing file; use \`includea\` to make it an error)`) });
      return undefined;
    }
    failAt(at, from ? `${what} (${reason}); fix the include path` : `${what} (${reason})`);
  }
  st.cache.set(file, text);
  return text;
}

const loc3 = (t: { file: string; line: number; col: number }): { file: string; line: number; col: number } => ({ file: t.file, line: t.line, col: t.col });

/** Runs `fn`, passing a ConfigError it throws to `st.report` (the file goes on). */
function attempt(st: LexState, fn: () => void): void {
  try {
    fn();
  } catch (e) {
    if (!(e instanceof ConfigError) || e.message.includes(tooManyTokens())) throw e;
    st.report(e);
  }
}

/** An `include` line (`kw` is the keyword token): expands and lexes each file it names. */
function includeLine(stack: string[], st: LexState, kw: Token, rest: string, restCol: number): void {
  const file = stack[stack.length - 1];
  const checks = INCLUDES.get(kw.text) as { readable: boolean; match: boolean; wildcard: boolean };
  const trimmed = rest.trim();
  const at: Token = { kind: 'word', text: trimmed, file: kw.file, line: kw.line, col: restCol + (rest.length - rest.trimStart().length) };
  const pattern = trimmed.length >= 2 && trimmed.startsWith('"') && trimmed.endsWith('"') ? trimmed.slice(1, -1) : trimmed;
  if (!pattern) failAt(kw, `${kw.text} needs a file name or glob on the same line, e.g. \`include conf.d/*.conf\``);
  const files = expandInclude(pattern, file, st.io);
  const wild = hasGlob(pattern) || expandBraces(pattern).length > 1;
  if (files.length === 0) {
    if (checks.wildcard) failAt(at, `${kw.text} ${pattern} matches no file; add the file or use \`include\` to allow none`);
    st.warn({ ...loc3(kw), message: printable(`${kw.file}:${kw.line}:${kw.col}: include ${pattern} matches no file; nothing included`) });
  }
  for (const f of files) {
    attempt(st, () => {
      if (stack.includes(f)) failAt(at, `include cycle: ${[...stack, f].join(' -> ')}; remove this include`);
      if (stack.length > MAX_INCLUDE_DEPTH) {
        const chain = [stack[0], stack[1], '...', file, f].join(' -> ');
        failAt(at, `include nested more than ${MAX_INCLUDE_DEPTH} deep (${chain}); flatten the includes`);
      }
      stack.push(f);
      try {
        lexFile(stack, st, { at, keyword: kw.text, readable: checks.readable || (checks.match && !wild) });
      } finally {
        stack.pop();
      }
    });
  }
}

/** Appends the tokens of `stack`'s last file to `st.out`, expanding its includes depth-first. */
function lexFile(stack: string[], st: LexState, from?: { at: Token; keyword: string; readable: boolean }): void {
  const file = stack[stack.length - 1];
  const text = textOf(file, st, from);
  if (text === undefined) return;
  const lines = text.split('\n');
  const dir = path.posix.dirname(file);
  const report = (e: ConfigError): void => st.report(e);
  const onRaw = (raw: string, line: number): boolean => {
    const m = /^(\s*)(include[a-z]?)(?=\s|$)/.exec(raw);
    if (!m || !INCLUDES.has(m[2])) return false;
    const kw: Token = { kind: 'word', text: m[2], file, line, col: m[1].length + 1 };
    attempt(st, () => includeLine(stack, st, kw, raw.slice(m[0].length), m[0].length + 1));
    return true;
  };
  preprocessLines(lines, (i) => i + 1, dir, st.pre, (l) => {
    const before = st.out.length;
    tokenizeLine(l.text, file, l.line, st.out, MAX_TOKENS, report);
    const first = st.out[before];
    if (first && first.kind === 'word' && INCLUDES.has(first.text)) {
      st.out.length = before;
      st.warn({ ...loc3(first), message: printable(`${file}:${l.line}:${first.col}: ${first.text} on a line with @ID or $NAME is not read: keepalived recognises includes before conditionals and substitution; write the include on a plain line`) });
    }
  }, (p) => {
    const e = located({ file, line: p.line, col: p.col }, p.message);
    if (p.fatal) throw e;
    st.report(e);
  }, onRaw);
}

/**
 * Tokens of `file` with every `include` expanded in place (depth-first), after keepalived's conditional
 * lines and parameter substitution (preprocess.ts). Each file is read once; a file included again along
 * one chain is a cycle. Limits: MAX_FILE_BYTES per file, MAX_TOTAL_BYTES read in all, MAX_TOKENS after
 * expansion, MAX_INCLUDE_DEPTH, and the preprocessor's.
 * @throws ConfigError for an unreadable file, a bad include, an include cycle or a limit passed (with
 * `options.onError`, only for an unreadable main file and a limit passed; the others go to onError).
 */
export function lexConfig(file: string, io: ConfigIO, warn: (w: ConfigWarning) => void, options: LexOptions = {}): Token[] {
  const root = path.posix.normalize(file);
  const report = options.onError ?? ((e: ConfigError): void => {
    throw e;
  });
  const pre: PreprocessState = { defs: new Map(), expanded: 0, random: options.random ?? Math.random };
  if (options.configId !== undefined) pre.configId = options.configId;
  const st: LexState = { io, warn, report, cache: new Map(), bytesRead: 0, out: [], pre };
  lexFile([root], st);
  return st.out;
}
