/**
 * `vrrpd inspect FILE [--json] [--timeline]`: decode every VRRP frame of a pcap/pcapng capture. The file is
 * streamed in chunks and each record printed as it is decoded, so memory does not grow with the capture
 * (the timeline keeps bounded state per virtual router; see lib/inspect/timeline.ts).
 */
import { DecodeError, UsageError } from '../errors';
import { inspectFrame, InspectRecord } from '../inspect/records';
import { tableHeader, tableRow } from '../inspect/table';
import { TimelineBuilder } from '../inspect/timeline';
import { formatTimelines } from '../inspect/timeline-text';
import { CaptureStream, openCaptureStream } from '../pcap/file';
import { CaptureEnd } from '../pcap';
import { CliIo } from './io';

export const INSPECT_USAGE = 'vrrpd inspect FILE [--json] [--timeline]';

const notCapture = (file: string, e: DecodeError): UsageError => new UsageError(`${file}: not a readable pcap or pcapng capture: ${e.message}`, 'IO');

/**
 * Opens a capture file for streaming, refusing with a one-line message what is missing, unreadable, not a
 * regular file (a FIFO or device is refused at once, never read) or not a capture.
 * @throws UsageError (code IO).
 */
export function openCapture(file: string): CaptureStream {
  try {
    return openCaptureStream(file, { allowTruncatedTail: true });
  } catch (e) {
    if (e instanceof DecodeError) throw notCapture(file, e);
    const err = e as NodeJS.ErrnoException;
    const why = err.code === 'ENOENT' ? 'no such file' : err.code === 'EISDIR' ? 'is a directory' : err.code === 'EACCES' ? 'permission denied' : err.message;
    throw new UsageError(`cannot read ${file}: ${why}`, 'IO');
  }
}

/** Runs inspect on `file`; returns the exit code. Output is written as the capture is read. */
export function runInspect(file: string, opts: { json: boolean; timeline?: boolean }, io: CliIo): number {
  const capture = openCapture(file);
  const timeline = opts.timeline ? new TimelineBuilder() : null;
  let t0: number | null = null;
  let frames = 0;
  let vrrp = 0;
  let bad = 0;
  let end: CaptureEnd;
  try {
    if (!timeline && !opts.json) io.out(tableHeader());
    for (;;) {
      let step: IteratorResult<Parameters<typeof inspectFrame>[0], CaptureEnd>;
      try {
        step = capture.frames.next();
      } catch (e) {
        if (e instanceof DecodeError) throw notCapture(file, e);
        throw e;
      }
      if (step.done) {
        end = step.value;
        break;
      }
      frames++;
      const r: InspectRecord | null = inspectFrame(step.value);
      if (!r) continue;
      vrrp++;
      if (!r.valid) bad++;
      t0 ??= r.time;
      if (timeline) timeline.add(r);
      else if (opts.json) io.out(JSON.stringify(r));
      else io.out(tableRow(r, t0));
    }
  } finally {
    capture.close();
  }
  if (timeline) {
    const timelines = timeline.timelines();
    if (opts.json) for (const t of timelines) io.out(JSON.stringify(t));
    else for (const line of formatTimelines(timelines, t0 ?? 0)) io.out(line);
  } else if (!opts.json) {
    io.out(`${vrrp} VRRP frames of ${frames} (${bad} invalid)${end.truncated ? '; the capture ends in a truncated record' : ''}`);
  }
  return 0;
}
