/**
 * The file-system side of lib/config: a ConfigIO backed by node:fs, and `loadConfig(path)`.
 */
import * as fs from 'node:fs';
import type { ConfigIO } from './lexer';
import { parseConfig } from './parse';
import type { ParseResult } from './types';

/** ConfigIO reading UTF-8 files and listing directories with node:fs. */
export const fsConfigIO: ConfigIO = {
  readFile: (path) => fs.readFileSync(path, 'utf8'),
  listDir: (dir) => fs.readdirSync(dir),
};

/**
 * Reads and validates the keepalived.conf at `path` (and its includes) from disk.
 * @throws ConfigError (file:line:col) for an unreadable file or invalid configuration.
 */
export function loadConfig(path: string): ParseResult {
  return parseConfig(path, fsConfigIO);
}
