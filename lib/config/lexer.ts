/**
 * keepalived.conf lexer: words, braces and quoted strings with file, line and column (1-based);
 * comments run from `#` or `!` to the end of the line. `include GLOB` is expanded here, through an
 * injected `ConfigIO`, so the lexer and parser never touch the file system themselves.
 */
import * as path from 'node:path';
import { ConfigError } from '../errors';
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

/** File access for `include`: `readFile` throws when the file cannot be read; `listDir` lists names. */
export interface ConfigIO {
  readFile(path: string): string;
  listDir(dir: string): string[];
}

/** Throws a ConfigError located at `token`. */
export function failAt(token: { file: string; line: number; col: number }, message: string): never {
  throw new ConfigError(token.file, token.line, token.col, message);
}

/**
 * Splits `text` (the contents of `file`) into tokens; `include` is left as an ordinary word.
 * @throws ConfigError on an unterminated quoted string.
 */
export function tokenize(text: string, file: string): Token[] {
  const tokens: Token[] = [];
  let line = 1;
  let col = 1;
  let i = 0;
  const n = text.length;
  const isBreak = (c: string): boolean => /\s/.test(c) || c === '{' || c === '}' || c === '"' || c === '#' || c === '!';
  while (i < n) {
    const c = text[i];
    if (c === '\n') {
      line++;
      col = 1;
      i++;
    } else if (/\s/.test(c)) {
      i++;
      col++;
    } else if (c === '#' || c === '!') {
      while (i < n && text[i] !== '\n') i++;
    } else if (c === '{' || c === '}') {
      tokens.push({ kind: c === '{' ? 'open' : 'close', text: c, file, line, col });
      i++;
      col++;
    } else if (c === '"') {
      const end = text.indexOf('"', i + 1);
      const nl = text.indexOf('\n', i + 1);
      if (end < 0 || (nl >= 0 && nl < end)) {
        failAt({ file, line, col }, 'unterminated quoted string; add the closing " on the same line');
      }
      tokens.push({ kind: 'string', text: text.slice(i + 1, end), file, line, col });
      col += end + 1 - i;
      i = end + 1;
    } else {
      const start = i;
      while (i < n && !isBreak(text[i])) i++;
      tokens.push({ kind: 'word', text: text.slice(start, i), file, line, col });
      col += i - start;
    }
  }
  return tokens;
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

function lexFile(file: string, io: ConfigIO, warn: (w: ConfigWarning) => void, stack: string[], from?: Token): Token[] {
  let text: string;
  try {
    text = io.readFile(file);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    if (from) failAt(from, `cannot read included file ${file} (${reason}); fix the include path`);
    failAt({ file, line: 1, col: 1 }, `cannot read configuration file (${reason})`);
  }
  const raw = tokenize(text, file);
  const out: Token[] = [];
  for (let i = 0; i < raw.length; i++) {
    const t = raw[i];
    const startsLine = i === 0 || raw[i - 1].line !== t.line;
    if (!(t.kind === 'word' && t.text === 'include' && startsLine)) {
      out.push(t);
      continue;
    }
    const target = raw[i + 1];
    if (!target || target.line !== t.line || (target.kind !== 'word' && target.kind !== 'string')) {
      failAt(t, 'include needs a file name or glob on the same line, e.g. `include conf.d/*.conf`');
    }
    i++;
    const files = expandInclude(target.text, file, io, target);
    if (files.length === 0) {
      const w = { file: t.file, line: t.line, col: t.col };
      warn({ ...w, message: `${t.file}:${t.line}:${t.col}: include ${target.text} matches no file; nothing included` });
    }
    for (const f of files) {
      if (stack.includes(f)) {
        failAt(target, `include cycle: ${[...stack, f].join(' -> ')}; remove this include`);
      }
      out.push(...lexFile(f, io, warn, [...stack, f], target));
    }
  }
  return out;
}

/**
 * Tokens of `file` with every `include` expanded in place (depth-first, cycles refused).
 * @throws ConfigError for an unreadable file, a bad include or an include cycle.
 */
export function lexConfig(file: string, io: ConfigIO, warn: (w: ConfigWarning) => void): Token[] {
  const root = path.posix.normalize(file);
  return lexFile(root, io, warn, [root]);
}
