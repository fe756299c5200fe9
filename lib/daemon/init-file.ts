/**
 * track_file `init_file [VALUE] [overwrite]` (keepalived.conf(5) "Track files"): at start-up the daemon
 * writes VALUE (default 0) to a tracked file that does not exist, or, with `overwrite`, over an existing
 * regular file; on reload only to a missing file. The decision is lib/track's (trackFileInitAction); this is
 * the file system side.
 */
import { stat, writeFile } from 'node:fs/promises';
import type { TrackFile } from '../config/types';
import { trackFileInitAction, type TrackFilePresence } from '../track/file';
import type { LogFn } from './executor';

async function presenceOf(path: string): Promise<TrackFilePresence> {
  try {
    return (await stat(path)).isFile() ? 'regular' : 'other';
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return 'missing';
    throw e;
  }
}

/** Applies `init_file` of every track file that has one; a file that cannot be written is logged, not fatal. */
export async function initTrackFiles(files: readonly TrackFile[], reload: boolean, log: LogFn): Promise<void> {
  for (const f of files) {
    if (f.initFile === undefined) continue;
    try {
      const a = trackFileInitAction(f.initFile, await presenceOf(f.file), reload);
      if (a.action === 'write') {
        await writeFile(f.file, a.content);
        log('info', `track_file ${f.name}: init_file wrote ${a.content.trim()} to ${f.file}`);
      } else if (a.action === 'refuse') {
        log('warn', `track_file ${f.name}: ${f.file}: ${a.reason}`);
      }
    } catch (e) {
      log('warn', `track_file ${f.name}: init_file cannot write ${f.file}: ${(e as Error).message}`);
    }
  }
}
