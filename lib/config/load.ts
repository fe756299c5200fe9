/**
 * The file-system side of lib/config: a ConfigIO backed by node:fs, and `loadConfig(path)`.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import { FileTooLargeError, type ConfigIO } from './lexer';
import { parseConfig } from './parse';
import type { ParseOptions, ParseResult } from './types';

/** What a non-regular file is, for the refusal message. */
function kindOf(st: fs.Stats): string {
  if (st.isDirectory()) return 'a directory';
  if (st.isFIFO()) return 'a FIFO';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isSocket()) return 'a socket';
  return 'not a plain file';
}

const CHUNK = 64 * 1024;

/**
 * The UTF-8 text of the regular file at `path`, at most `maxBytes` bytes. Opened with O_NONBLOCK (a FIFO
 * never blocks the open) and checked with fstat on the open descriptor (no race with a rename) before a
 * byte is read; the read stops past `maxBytes` even when the size fstat reported was wrong (/proc, growth).
 * @throws FileTooLargeError over `maxBytes`; Error (the reason) when missing, not regular or unreadable.
 */
export function readRegularFile(path: string, maxBytes: number): string {
  const { O_RDONLY, O_NONBLOCK, O_NOCTTY } = fs.constants;
  let fd: number;
  try {
    fd = fs.openSync(path, O_RDONLY | O_NONBLOCK | O_NOCTTY);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new Error('no such file');
    if (code === 'EACCES' || code === 'EPERM') throw new Error('permission denied');
    if (code === 'ENXIO') throw new Error('not a regular file but a socket or device');
    throw new Error(code ?? String(e));
  }
  try {
    const st = fs.fstatSync(fd);
    if (!st.isFile()) throw new Error(`not a regular file but ${kindOf(st)}`);
    if (st.size > maxBytes) throw new FileTooLargeError(st.size, maxBytes);
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const buf = Buffer.allocUnsafe(Math.min(CHUNK, maxBytes + 1 - total));
      const n = fs.readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      chunks.push(n === buf.length ? buf : buf.subarray(0, n));
      total += n;
      if (total > maxBytes) throw new FileTooLargeError(total, maxBytes);
    }
    return Buffer.concat(chunks, total).toString('utf8');
  } finally {
    fs.closeSync(fd);
  }
}

/** ConfigIO reading regular UTF-8 files (readRegularFile), listing directories and stat'ing paths with node:fs. */
export const fsConfigIO: ConfigIO = {
  readFile: readRegularFile,
  listDir: (dir) => fs.readdirSync(dir),
  stat: (p) => {
    try {
      return fs.statSync(p);
    } catch {
      return undefined;
    }
  },
};

/** keepalived's default config id: the host name up to its first dot (uname nodename). */
export function defaultConfigId(): string {
  return os.hostname().split('.')[0];
}

/**
 * Reads and validates the keepalived.conf at `path` (and its includes) from disk; `options.configId`
 * defaults to defaultConfigId(), as keepalived's does.
 * @throws ConfigError (file:line:col; a ConfigErrors carrying every error) for an unreadable file or
 * invalid configuration.
 */
export function loadConfig(path: string, options: ParseOptions = {}): ParseResult {
  return parseConfig(path, fsConfigIO, { configId: defaultConfigId(), ...options });
}
