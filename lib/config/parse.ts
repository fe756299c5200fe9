/**
 * Entries points: a keepalived.conf (with its includes) -> typed configuration and warnings. parseConfig
 * throws (ConfigErrors, a ConfigError located at the first error, carrying all of them); checkConfig
 * collects every error and warning for `vrrpd -t`.
 */
import { ConfigError } from '../errors';
import { FileTooLargeError, lexConfig, type ConfigIO } from './lexer';
import { parseTokens } from './parser';
import { Warnings } from './context';
import { defaultGlobalDefs } from './global';
import { buildConfig } from './validate';
import type { CheckResult, ParseOptions, ParseResult } from './types';

/**
 * Every error of one configuration. A ConfigError located at (and with the message of) the first one,
 * so callers catching ConfigError see what they saw before; `errors` holds them all, in the order found.
 */
export class ConfigErrors extends ConfigError {
  readonly errors: readonly ConfigError[];
  constructor(errors: readonly ConfigError[]) {
    const first = errors[0];
    super(first.file, first.line, first.col, '');
    this.name = 'ConfigErrors';
    this.message = first.message;
    this.errors = errors;
  }
}

/**
 * Reads `file` through `io` and collects every error and warning: an error in one statement does not hide
 * the next (only an unreadable main file, a stack / size limit or an unreadable include stop the reading
 * of what depends on it). `config` holds what could be read; use it only when `errors` is empty.
 */
export function checkConfig(file: string, io: ConfigIO, options: ParseOptions = {}): CheckResult {
  const w = new Warnings();
  const onError = (e: ConfigError): void => {
    w.errors.push(e);
  };
  let tokens;
  try {
    tokens = lexConfig(file, io, (warning) => w.list.push(warning), { ...options, onError });
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    w.errors.push(e);
    return { config: { global: defaultGlobalDefs(), scripts: [], trackFiles: [], trackProcesses: [], instances: [], syncGroups: [] }, warnings: w.list, errors: w.errors };
  }
  const nodes = parseTokens(tokens, onError);
  const config = buildConfig(nodes, w);
  return { config, warnings: w.list, errors: w.errors };
}

/**
 * Reads `file` through `io` (includes resolved relative to each including file), parses and validates it.
 * @throws ConfigErrors (a ConfigError at the first error's file:line:col, carrying every error).
 */
export function parseConfig(file: string, io: ConfigIO, options: ParseOptions = {}): ParseResult {
  const r = checkConfig(file, io, options);
  if (r.errors.length > 0) throw new ConfigErrors(r.errors);
  return { config: r.config, warnings: r.warnings };
}

/**
 * Parses configuration text held in memory, named `file` in messages; `include` can reach only the
 * files in `others` (path -> text).
 * @throws ConfigErrors as parseConfig.
 */
export function parseConfigText(text: string, file = 'keepalived.conf', others: Record<string, string> = {}, options: ParseOptions = {}): ParseResult {
  return parseConfig(file, memoryIO({ ...others, [file]: text }), options);
}

/** checkConfig over text held in memory (as parseConfigText). */
export function checkConfigText(text: string, file = 'keepalived.conf', others: Record<string, string> = {}, options: ParseOptions = {}): CheckResult {
  return checkConfig(file, memoryIO({ ...others, [file]: text }), options);
}

/**
 * A ConfigIO over an in-memory map of path -> text (directories are derived from the paths). Paths are
 * looked up in a Map, so `constructor` or `__proto__` is a missing file like any other; the size limit
 * is enforced as fsConfigIO does.
 */
export function memoryIO(files: Record<string, string>): ConfigIO {
  const map = new Map(Object.entries(files));
  return {
    readFile(path: string, maxBytes: number): string {
      const text = map.get(path);
      if (text === undefined) throw new Error('no such file');
      const bytes = Buffer.byteLength(text, 'utf8');
      if (bytes > maxBytes) throw new FileTooLargeError(bytes, maxBytes);
      return text;
    },
    listDir(dir: string): string[] {
      const prefix = dir.endsWith('/') ? dir : `${dir}/`;
      const names = new Set<string>();
      for (const p of map.keys()) {
        if (!p.startsWith(prefix)) continue;
        const rest = p.slice(prefix.length);
        names.add(rest.includes('/') ? rest.slice(0, rest.indexOf('/')) : rest);
      }
      return [...names];
    },
  };
}
