/**
 * The daemon's pid file: written at start, refused when a live process already holds it (two daemons
 * on one machine, e.g. in two namespaces, need two pid files), removed at exit if still ours. Opened with
 * O_NOFOLLOW: a symbolic link at the path is refused, never followed (it could point at any file root owns).
 */
import { closeSync, constants, openSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs';
import * as path from 'node:path';
import { UsageError } from '../errors';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Why the pid file cannot be written, in words, from the errno of the open. */
function why(file: string, e: NodeJS.ErrnoException): string {
  const dir = path.dirname(path.resolve(file));
  let dirExists = true;
  try {
    dirExists = statSync(dir).isDirectory();
  } catch {
    dirExists = false;
  }
  switch (e.code) {
    case 'ENOENT':
    case 'ENOTDIR':
      return dirExists ? `cannot create it (${e.code})` : `its directory ${dir} does not exist; create it or use --pid-file`;
    case 'EACCES':
    case 'EPERM':
      return `its directory ${dir} is not writable (${e.code}); use --pid-file with a writable directory`;
    case 'EROFS':
      return `its directory ${dir} is on a read-only file system (EROFS); use --pid-file with a writable directory`;
    case 'ELOOP':
      return 'it is a symbolic link (refused, not followed); remove it or use --pid-file';
    case 'EISDIR':
      return 'it is a directory; use --pid-file with a file path';
    default:
      return `${e.code ?? e.message}`;
  }
}

/** Writes our pid to `path`. @throws UsageError (code IO, one line) when another live process holds it or it cannot be written. */
export function acquirePidFile(path: string): void {
  let existing: number | null = null;
  try {
    existing = Number(readFileSync(path, 'utf8').trim());
  } catch {
    existing = null;
  }
  if (existing && Number.isInteger(existing) && existing !== process.pid && alive(existing)) {
    throw new UsageError(`pid file ${path} belongs to running process ${existing}; stop it or use --pid-file`, 'IO');
  }
  let fd: number;
  try {
    fd = openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_NOFOLLOW, 0o644);
  } catch (e) {
    throw new UsageError(`cannot write pid file ${path}: ${why(path, e as NodeJS.ErrnoException)}`, 'IO');
  }
  try {
    writeSync(fd, `${process.pid}\n`);
  } catch (e) {
    throw new UsageError(`cannot write pid file ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`, 'IO');
  } finally {
    closeSync(fd);
  }
}

/** Removes `path` when it still holds our pid. */
export function releasePidFile(path: string): void {
  try {
    if (Number(readFileSync(path, 'utf8').trim()) === process.pid) unlinkSync(path);
  } catch {
    /* already gone */
  }
}
