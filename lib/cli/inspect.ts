/** `vrrpd inspect FILE [--json]`: decode every VRRP frame of a pcap/pcapng capture. */
import { readFileSync } from 'node:fs';
import { DecodeError, UsageError } from '../errors';
import { inspectFrames } from '../inspect/records';
import { formatTable } from '../inspect/table';
import { buildTimelines } from '../inspect/timeline';
import { formatTimelines } from '../inspect/timeline-text';
import { readCapture } from '../pcap';
import { CliIo } from './io';

export const INSPECT_USAGE = 'vrrpd inspect FILE [--json] [--timeline]';

/** Reads a capture file, refusing what is missing, unreadable or not a capture with a one-line message. */
export function loadCapture(file: string): ReturnType<typeof readCapture> {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const why = err.code === 'ENOENT' ? 'no such file' : err.code === 'EISDIR' ? 'is a directory' : err.code === 'EACCES' ? 'permission denied' : err.message;
    throw new UsageError(`cannot read ${file}: ${why}`, 'IO');
  }
  try {
    return readCapture(bytes, { allowTruncatedTail: true });
  } catch (e) {
    if (e instanceof DecodeError) throw new UsageError(`${file}: not a readable pcap or pcapng capture: ${e.message}`, 'IO');
    throw e;
  }
}

/** Runs inspect on `file`; returns the exit code. */
export function runInspect(file: string, opts: { json: boolean; timeline?: boolean }, io: CliIo): number {
  const capture = loadCapture(file);
  const records = inspectFrames(capture.frames);
  if (opts.timeline) {
    const timelines = buildTimelines(records);
    if (opts.json) for (const t of timelines) io.out(JSON.stringify(t));
    else for (const line of formatTimelines(timelines, records.length ? records[0].time : 0)) io.out(line);
  } else if (opts.json) {
    for (const r of records) io.out(JSON.stringify(r));
  } else {
    for (const line of formatTable(records)) io.out(line);
    const bad = records.filter((r) => !r.valid).length;
    io.out(`${records.length} VRRP frames of ${capture.frames.length} (${bad} invalid)${capture.truncated ? '; the capture ends in a truncated record' : ''}`);
  }
  return 0;
}
