/**
 * Entry points: a keepalived.conf (with its includes) -> typed configuration and warnings.
 */
import { FileTooLargeError, lexConfig, type ConfigIO } from './lexer';
import { parseTokens } from './parser';
import { Warnings } from './context';
import { buildConfig } from './validate';
import type { ParseResult } from './types';

/**
 * Reads `file` through `io` (includes resolved relative to each including file), parses and validates it.
 * @throws ConfigError (file:line:col and what to change) for the first error found.
 */
export function parseConfig(file: string, io: ConfigIO): ParseResult {
  const w = new Warnings();
  const tokens = lexConfig(file, io, (warning) => w.list.push(warning));
  const config = buildConfig(parseTokens(tokens), w);
  return { config, warnings: w.list };
}

/**
 * Parses configuration text held in memory, named `file` in messages; `include` can reach only the
 * files in `others` (path -> text).
 * @throws ConfigError as parseConfig.
 */
export function parseConfigText(text: string, file = 'keepalived.conf', others: Record<string, string> = {}): ParseResult {
  return parseConfig(file, memoryIO({ ...others, [file]: text }));
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
      return [...map.keys()]
        .filter((p) => p.startsWith(prefix) && !p.slice(prefix.length).includes('/'))
        .map((p) => p.slice(prefix.length));
    },
  };
}
