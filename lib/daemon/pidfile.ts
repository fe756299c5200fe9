/**
 * The daemon's pid file: written at start, refused when a live process already holds it (two daemons
 * on one machine, e.g. in two namespaces, need two pid files), removed at exit if still ours.
 */
import { readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { UsageError } from '../errors';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Writes our pid to `path`. @throws UsageError when another live process holds it or it cannot be written. */
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
  try {
    writeFileSync(path, `${process.pid}\n`, { mode: 0o644 });
  } catch (e) {
    throw new UsageError(`cannot write pid file ${path}: ${(e as Error).message}`, 'IO');
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
