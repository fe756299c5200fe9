/**
 * keepalived's line-level configuration language, applied before tokenizing (keepalived.conf(5),
 * "ADVANCED CONFIGURATION"): comments, `@ID` / `@^ID` conditional lines against the config id,
 * `$NAME=VALUE` definitions (multi-line with a trailing `\`) and `$NAME` / `${NAME}` substitution,
 * recursive, with the pre-defined `${_PWD}`, `${_INSTANCE}`, `${_RANDOM [MIN [MAX]]}`, `${_HASH}` and
 * `${_BANG}`. Definitions are shared by every file read after them (an include sees what was defined
 * before it). Bounded: MAX_SUBSTITUTION_DEPTH nested expansions, MAX_EXPANDED_LINE characters a line and
 * MAX_EXPANDED_BYTES expanded in all.
 */

/** Deepest recursion of substitutions (a value that names itself stops here with an error). */
export const MAX_SUBSTITUTION_DEPTH = 32;
/** Longest line after substitution (characters). */
export const MAX_EXPANDED_LINE = 1024 * 1024;
/** Most characters produced by substitutions for one configuration with its includes. */
export const MAX_EXPANDED_BYTES = 32 * 1024 * 1024;

/** Definitions and options shared by every file of one configuration. */
export interface PreprocessState {
  /** The config id (keepalived `-i ID` / `--config-id`); undefined: no `@ID` line matches. */
  configId?: string;
  defs: Map<string, string>;
  expanded: number;
  random: () => number;
}

/** One logical line ready for the tokenizer, with where it came from. */
export interface SourceLine {
  text: string;
  line: number;
  /** True when the text was produced by a substitution (columns are those of the expanded text). */
  expanded: boolean;
}

/** A problem found by the preprocessor: `line` of the file being read, column, message. */
export interface PreprocessProblem {
  line: number;
  col: number;
  message: string;
  fatal: boolean;
}

/**
 * `line` without its comment: `#` or `!` outside a "quoted string" starts one. An unterminated quote
 * keeps the rest of the line (the tokenizer reports it).
 */
export function stripComment(line: string): string {
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (c === 0x22) quoted = !quoted;
    else if (!quoted && (c === 0x23 || c === 0x21)) return line.slice(0, i);
  }
  return line;
}

const DEF = /^\s*\$([A-Za-z_][A-Za-z0-9_]*)=(.*)$/;
const COND = /^(\s*)@(\^?)(\S*)/;
const REF = /\$\{([A-Za-z_][A-Za-z0-9_]*)((?:[ \t]+[^}]*)?)\}|\$([A-Za-z_][A-Za-z0-9_]*)(?=\s|$)/g;

/**
 * The value of `name` (with `args` for `_RANDOM`) or undefined when nothing is defined under that name
 * (keepalived then leaves the text as it is, so shell `$1` in a script survives).
 */
function valueOf(name: string, args: string, st: PreprocessState, dir: string): string | undefined {
  const own = st.defs.get(name);
  if (own !== undefined) return own;
  switch (name) {
    case '_PWD': return dir;
    case '_INSTANCE': return st.configId ?? '';
    case '_HASH': return '#';
    case '_BANG': return '!';
    case '_RANDOM': {
      const [lo = 0, hi = 32767] = args.trim().split(/\s+/).filter(Boolean).map(Number);
      if (!Number.isSafeInteger(lo) || !Number.isSafeInteger(hi) || lo < 0 || hi < lo) return undefined;
      return String(lo + Math.floor(st.random() * (hi - lo + 1)));
    }
    default: return undefined;
  }
}

/** One pass of substitution over `text`; null when nothing was replaced. */
function substituteOnce(text: string, st: PreprocessState, dir: string): string | null {
  let changed = false;
  const out = text.replace(REF, (all: string, braced: string | undefined, args: string | undefined, bare: string | undefined) => {
    const v = braced !== undefined ? valueOf(braced, args ?? '', st, dir) : valueOf(bare ?? '', '', st, dir);
    if (v === undefined) return all;
    changed = true;
    return v;
  });
  return changed ? out : null;
}

/**
 * Runs the lines of one file (or of one multi-line value) through conditionals, definitions and
 * substitution, calling `emit` for each line to tokenize. `lineOf(i)` is the file line of entry i;
 * `onRaw` sees each line of the file first (comment removed) and returns true to consume it (includes are
 * recognised before conditionals and substitution, as keepalived does).
 */
export function preprocessLines(
  lines: readonly string[],
  lineOf: (i: number) => number,
  dir: string,
  st: PreprocessState,
  emit: (l: SourceLine) => void,
  problem: (p: PreprocessProblem) => void,
  onRaw?: (text: string, line: number) => boolean,
  depth = 0,
  expanded = false,
): void {
  let pending: { name: string; parts: string[] } | undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = lineOf(i);
    // Text made by a substitution is not stripped again: `${_HASH}` gives a '#' that starts no comment.
    const text = expanded ? lines[i] : stripComment(lines[i]);
    if (pending) {
      const t = text.trimEnd();
      if (t.endsWith('\\')) {
        pending.parts.push(t.slice(0, -1));
        continue;
      }
      pending.parts.push(t);
      st.defs.set(pending.name, pending.parts.join('\n'));
      pending = undefined;
      continue;
    }
    if (onRaw && onRaw(text, line)) continue;
    pending = oneLine(text, line, dir, st, emit, problem, depth, expanded);
  }
  if (pending) st.defs.set(pending.name, pending.parts.join('\n'));
}

/** One line; returns the definition it opens when it ends with `\`. */
function oneLine(
  text: string, line: number, dir: string, st: PreprocessState, emit: (l: SourceLine) => void,
  problem: (p: PreprocessProblem) => void, depth: number, expanded: boolean,
): { name: string; parts: string[] } | undefined {
  let t = text;
  const c = COND.exec(t);
  if (c) {
    const matches = st.configId !== undefined && c[3] === st.configId;
    if (c[2] === '^' ? matches : !matches) return undefined;
    t = c[1] + ' '.repeat(c[0].length - c[1].length) + t.slice(c[0].length);
  }
  const d = DEF.exec(t);
  if (d) {
    const value = d[2].trimEnd();
    if (value.endsWith('\\')) {
      const first = value.slice(0, -1).trim();
      return { name: d[1], parts: first ? [first] : [] };
    }
    st.defs.set(d[1], d[2].trim());
    return undefined;
  }
  if (!t.includes('$')) {
    if (t.trim()) emit({ text: t, line, expanded });
    return undefined;
  }
  const sub = substituteOnce(t, st, dir);
  if (sub === null) {
    if (t.trim()) emit({ text: t, line, expanded });
    return undefined;
  }
  const col = t.indexOf('$') + 1;
  if (depth >= MAX_SUBSTITUTION_DEPTH) {
    problem({ line, col, fatal: false, message: `parameter substitution nested more than ${MAX_SUBSTITUTION_DEPTH} deep (a definition that uses itself?); fix the $NAME definitions` });
    return undefined;
  }
  st.expanded += sub.length;
  if (sub.length > MAX_EXPANDED_LINE || st.expanded > MAX_EXPANDED_BYTES) {
    problem({ line, col, fatal: true, message: `parameter substitution makes more than ${sub.length > MAX_EXPANDED_LINE ? `${MAX_EXPANDED_LINE} characters on one line` : `${MAX_EXPANDED_BYTES} characters in all`}; simplify the $NAME definitions` });
    return undefined;
  }
  const parts = sub.split('\n');
  preprocessLines(parts, () => line, dir, st, emit, problem, undefined, depth + 1, true);
  return undefined;
}
