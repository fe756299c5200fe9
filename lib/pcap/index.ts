/**
 * Capture files: read pcap and pcapng, write pcap and pcapng. Pure: Buffers in, data out (the one helper
 * that touches the file system, `readCaptureFile`, lives in ./file and is not re-exported here).
 */
import { DecodeError } from '../errors';
import { iteratePcap, pcapMagic } from './pcap';
import { iteratePcapng, PCAPNG_SHB } from './pcapng';
import { bufferSource, CaptureSource } from './source';
import { Capture, CaptureEnd, CapturedFrame, ReadCaptureOptions } from './types';

export { bufferSource } from './source';
export type { CaptureSource } from './source';

export { LINKTYPE_ETHERNET, LINKTYPE_LINUX_SLL, LINKTYPE_LINUX_SLL2 } from './types';
export type { ByteOrder, Capture, CaptureEnd, CapturedFrame, ReadCaptureOptions } from './types';
export { decodePcapHeader, iteratePcap, pcapMagic, PCAP_MAGIC_MICROS, PCAP_MAGIC_NANOS } from './pcap';
export type { PcapHeader, PcapMagic } from './pcap';
export { iteratePcapng, tsresolUnitsPerSecond } from './pcapng';
export { writePcap, writePcapng } from './writer';
export type { FrameToWrite, WriteCaptureOptions } from './writer';

/**
 * Tells a capture file's format from its first four bytes.
 * @throws DecodeError TRUNCATED at 0 when fewer than 4 bytes; BAD_CAPTURE at 0 when neither magic matches.
 */
export function detectCaptureFormat(buf: Buffer): 'pcap' | 'pcapng' {
  if (buf.length < 4) throw new DecodeError('TRUNCATED', 0, `capture file needs at least 4 bytes, has ${buf.length}`);
  if (buf.readUInt32LE(0) === PCAPNG_SHB) return 'pcapng';
  if (pcapMagic(buf) !== undefined) return 'pcap';
  throw new DecodeError('BAD_CAPTURE', 0, 'not a pcap or pcapng file: unknown magic');
}

/**
 * Iterates the frames of a pcap or pcapng file (a Buffer, or a CaptureSource that streams it), lazily; the
 * generator's return value says whether the tail was truncated. Frames are views into the input (a
 * streaming source's chunks).
 * @throws DecodeError as `detectCaptureFormat` (at once), `iteratePcap` and `iteratePcapng` (BAD_CAPTURE or
 *   TRUNCATED, with the file offset), at the point of iteration where the fault is met.
 */
export function iterateCapture(input: Buffer | CaptureSource, opts: ReadCaptureOptions = {}): Generator<CapturedFrame, CaptureEnd, undefined> {
  const src = Buffer.isBuffer(input) ? bufferSource(input) : input;
  src.ensure(0, 4);
  const format = detectCaptureFormat(src.base === 0 ? src.buf.subarray(0, 4) : Buffer.alloc(0));
  return format === 'pcap' ? iteratePcap(src, opts) : iteratePcapng(src, opts);
}

/**
 * Reads a whole pcap or pcapng file. With `allowTruncatedTail`, a last record cut short is dropped and
 * `truncated` is set instead of throwing.
 * @throws DecodeError BAD_CAPTURE (bad magic, block length, trailer, interface, ...) or TRUNCATED, with the
 *   byte offset in the file; see `iteratePcap` and `iteratePcapng` for each case.
 */
export function readCapture(buf: Buffer, opts: ReadCaptureOptions = {}): Capture {
  const it = iterateCapture(buf, opts);
  const frames: CapturedFrame[] = [];
  for (;;) {
    const step = it.next();
    if (step.done) return { format: step.value.format, frames, truncated: step.value.truncated };
    frames.push(step.value);
  }
}
