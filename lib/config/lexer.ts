/**
 * keepalived.conf lexer: words, braces and quoted strings with file, line and column (1-based);
 * comments run from `#` or `!` to the end of the line. `include GLOB` is expanded here, through an
 * injected `ConfigIO`, so the lexer and parser never touch the file system themselves.
 */
import * as path from 'node:path';
import { ConfigError } from '../errors';
import { printable } from './printable';
import type { ConfigWarning } from './types';

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
}

/**
 * Throws a ConfigError located at `token`; its message (file name included) is made printable(), while
 * `file` keeps the name as it is.
 */
export function failAt(token: { file: string; line: number; col: number }, message: string): never {
  const err = new ConfigError(token.file, token.line, token.col, message);
  err.message = printable(err.message);
  throw err;
}

const isSpace = (c: number): boolean => c === 0x20 || (c >= 0x09 && c <= 0x0d) || c === 0xa0 || c === 0xfeff || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000;
const QUOTE = 0x22;
const NL = 0x0a;
const isBreak = (c: number): boolean => isSpace(c) || c === 0x7b || c === 0x7d || c === QUOTE || c === 0x23 || c === 0x21;

/**
 * Splits `text` (the contents of `file`) into tokens in one pass; `include` is left as an ordinary word.
 * @throws ConfigError on an unterminated quoted string, or past `maxTokens` tokens.
 */
export function tokenize(text: string, file: string, maxTokens = MAX_TOKENS): Token[] {
  const tokens: Token[] = [];
  let line = 1;
  let col = 1;
  let i = 0;
  const n = text.length;
  const push = (kind: TokenKind, value: string, at: number): void => {
    if (tokens.length >= maxTokens) failAt({ file, line, col: at }, tooManyTokens());
    tokens.push({ kind, text: value, file, line, col: at });
  };
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === NL) {
      line++;
      col = 1;
      i++;
    } else if (isSpace(c)) {
      i++;
      col++;
    } else if (c === 0x23 || c === 0x21) {
      while (i < n && text.charCodeAt(i) !== NL) i++;
    } else if (c === 0x7b || c === 0x7d) {
      push(c === 0x7b ? 'open' : 'close', c === 0x7b ? '{' : '}', col);
      i++;
      col++;
    } else if (c === QUOTE) {
      let end = i + 1;
      while (end < n && text.charCodeAt(end) !== QUOTE && text.charCodeAt(end) !== NL) end++;
      if (end >= n || text.charCodeAt(end) !== QUOTE) failAt({ file, line, col }, 'unterminated quoted string; add the closing " on the same line');
      push('string', text.slice(i + 1, end), col);
      col += end + 1 - i;
      i = end + 1;
    } else {
      const start = i;
      while (i < n && !isBreak(text.charCodeAt(i))) i++;
      push('word', text.slice(start, i), col);
      col += i - start;
    }
  }
  return tokens;
}

function tooManyTokens(): string {
  return `the configuration with its includes has more than ${MAX_TOKENS} tokens; split it or remove repeated includes`;
}

function globToRegExp(glob: string): RegExp {
  const body = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]');
  return new RegExp(`^${body}$`);
}

const hasGlob = (s: string): boolean => /[*?]/.test(s);

/**
 * Files named by an include pattern, resolved against `fromFile`'s directory; `*` and `?` are allowed in
 * the last path component only. Matches are sorted; names starting with `.` match only a pattern that
 * starts with `.`.
 * @throws ConfigError (at `at`) for a glob outside the last component.
 */
export function expandInclude(pattern: string, fromFile: string, io: ConfigIO, at: Token): string[] {
  const full = path.posix.normalize(path.posix.isAbsolute(pattern) ? pattern : path.posix.join(path.posix.dirname(fromFile), pattern));
  const dir = path.posix.dirname(full);
  const base = path.posix.basename(full);
  if (hasGlob(dir)) failAt(at, `include ${pattern}: wildcards are supported in the last path component only; list the directories explicitly`);
  if (!hasGlob(base)) return [full];
  let names: string[];
  try {
    names = io.listDir(dir);
  } catch {
    names = [];
  }
  const re = globToRegExp(base);
  return names
    .filter((name) => re.test(name) && (!name.startsWith('.') || base.startsWith('.')))
    .sort()
    .map((name) => path.posix.join(dir, name));
}

/** What one lexConfig call has read so far: each file's tokens once, and the running totals. */
interface LexState {
  io: ConfigIO;
  warn: (w: ConfigWarning) => void;
  cache: Map<string, Token[]>;
  bytesRead: number;
  out: Token[];
}

const MIB = 1024 * 1024;

/** The tokens of `file`, read and tokenized on its first inclusion only. @throws ConfigError at `from`. */
function tokensOf(file: string, st: LexState, from?: Token): Token[] {
  const cached = st.cache.get(file);
  if (cached) return cached;
  const at = from ?? { file, line: 1, col: 1 };
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
    failAt(at, from ? `${what} (${reason}); fix the include path` : `${what} (${reason})`);
  }
  const tokens = tokenize(text, file);
  st.cache.set(file, tokens);
  return tokens;
}

/** Appends the tokens of `stack`'s last file to `st.out`, expanding its includes depth-first. */
function lexFile(stack: string[], st: LexState, from?: Token): void {
  const file = stack[stack.length - 1];
  const raw = tokensOf(file, st, from);
  for (let i = 0; i < raw.length; i++) {
    const t = raw[i];
    const startsLine = i === 0 || raw[i - 1].line !== t.line;
    if (!(t.kind === 'word' && t.text === 'include' && startsLine)) {
      if (st.out.length >= MAX_TOKENS) failAt(t, tooManyTokens());
      st.out.push(t);
      continue;
    }
    const target = raw[i + 1];
    if (!target || target.line !== t.line || (target.kind !== 'word' && target.kind !== 'string')) {
      failAt(t, 'include needs a file name or glob on the same line, e.g. `include conf.d/*.conf`');
    }
    i++;
    const files = expandInclude(target.text, file, st.io, target);
    if (files.length === 0) {
      st.warn({ file: t.file, line: t.line, col: t.col, message: printable(`${t.file}:${t.line}:${t.col}: include ${target.text} matches no file; nothing included`) });
    }
    for (const f of files) {
      if (stack.includes(f)) failAt(target, `include cycle: ${[...stack, f].join(' -> ')}; remove this include`);
      if (stack.length > MAX_INCLUDE_DEPTH) {
        const chain = [stack[0], stack[1], '...', file, f].join(' -> ');
        failAt(target, `include nested more than ${MAX_INCLUDE_DEPTH} deep (${chain}); flatten the includes`);
      }
      stack.push(f);
      lexFile(stack, st, target);
      stack.pop();
    }
  }
}

/**
 * Tokens of `file` with every `include` expanded in place (depth-first). Each file is read once; a file
 * included again along one chain is a cycle. Limits: MAX_FILE_BYTES per file, MAX_TOTAL_BYTES read in
 * all, MAX_TOKENS after expansion, MAX_INCLUDE_DEPTH.
 * @throws ConfigError for an unreadable file, a bad include, an include cycle or a limit passed.
 */
export function lexConfig(file: string, io: ConfigIO, warn: (w: ConfigWarning) => void): Token[] {
  const root = path.posix.normalize(file);
  const st: LexState = { io, warn, cache: new Map(), bytesRead: 0, out: [] };
  lexFile([root], st);
  return st.out;
}
