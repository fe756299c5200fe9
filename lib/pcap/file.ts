/**
 * The file-system edge of lib/pcap: read a capture file from disk, whole or streamed in chunks.
 */
import { closeSync, constants, fstatSync, openSync, readSync, Stats } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { DecodeError } from '../errors';
import { iterateCapture, readCapture } from './index';
import { CaptureSource } from './source';
import { Capture, CaptureEnd, CapturedFrame, ReadCaptureOptions } from './types';

/**
 * Reads and decodes the capture file at `path` (pcap or pcapng).
 * @throws DecodeError as `readCapture`; the file system's own errors (ENOENT, EACCES, ...) pass through.
 */
export async function readCaptureFile(path: string, opts: ReadCaptureOptions = {}): Promise<Capture> {
  return readCapture(await readFile(path), opts);
}

/** Bytes read from the file at a time by a streaming source. */
export const STREAM_CHUNK_BYTES = 1 << 20;
/** The most a streaming source holds at once: a record or block longer than this is refused (BAD_CAPTURE). */
export const STREAM_MAX_RECORD_BYTES = 64 << 20;

/**
 * A CaptureSource reading the open regular file `fd` with positional reads, `chunkBytes` at a time. Memory
 * is one chunk (or the largest record, up to STREAM_MAX_RECORD_BYTES), whatever the file's size; each refill
 * takes a new buffer, so frame data handed out earlier stay valid. The caller owns (and closes) `fd`.
 */
export class FdCaptureSource implements CaptureSource {
  buf: Buffer = Buffer.alloc(0);
  base = 0;
  size: number;

  constructor(
    private readonly fd: number,
    private readonly chunkBytes = STREAM_CHUNK_BYTES,
  ) {
    this.size = fstatSync(fd).size;
  }

  ensure(pos: number, n: number): boolean {
    if (pos >= this.base && pos + n <= this.base + this.buf.length) return true;
    this.size = fstatSync(this.fd).size; // a capture still being written may have grown
    const fits = pos + n <= this.size;
    if (fits && n > STREAM_MAX_RECORD_BYTES) {
      throw new DecodeError('BAD_CAPTURE', pos, `a record of ${n} bytes is beyond the ${STREAM_MAX_RECORD_BYTES}-byte limit of streamed reading`);
    }
    // Cut short: still load what there is (fewer than n bytes; a chunk when n is beyond the limit) so a cut
    // header reads as it does in memory.
    const rest = Math.max(0, this.size - pos);
    const want = fits ? Math.max(n, Math.min(this.chunkBytes, rest)) : Math.min(rest, n > STREAM_MAX_RECORD_BYTES ? this.chunkBytes : n);
    const next = Buffer.allocUnsafe(want);
    let filled = 0;
    const keepFrom = pos - this.base;
    if (keepFrom >= 0 && keepFrom < this.buf.length) filled = this.buf.copy(next, 0, keepFrom, Math.min(this.buf.length, keepFrom + want));
    while (filled < want) {
      const got = readSync(this.fd, next, filled, want - filled, pos + filled);
      if (got === 0) break;
      filled += got;
    }
    this.buf = next.subarray(0, filled);
    this.base = pos;
    if (filled < want) this.size = pos + filled; // the file shrank under us
    return filled >= n;
  }
}

/** A capture file opened for streaming: iterate `frames`, then `close()`. */
export interface CaptureStream {
  frames: Generator<CapturedFrame, CaptureEnd, undefined>;
  /** Size of the file when opened, in bytes. */
  size: number;
  close(): void;
}

/** What a non-regular file is, for the one-line refusal. */
function kindOf(st: Stats): string {
  if (st.isDirectory()) return 'is a directory';
  if (st.isFIFO()) return 'is a FIFO (named pipe), not a regular file';
  if (st.isCharacterDevice()) return 'is a character device, not a regular file';
  if (st.isBlockDevice()) return 'is a block device, not a regular file';
  if (st.isSocket()) return 'is a socket, not a regular file';
  return 'is not a regular file';
}

/**
 * Opens the capture file at `path` for streaming. Only regular files are read: the file is opened with
 * O_NONBLOCK (so a FIFO without a writer cannot block the open) and refused after fstat when it is not a
 * regular file. Frames are decoded as they are iterated; the format is checked at once.
 * @throws Error with `code` ENOENT, EACCES, ... from the file system; `code` 'ENOTREG' (message: what the
 *   file is) for a directory, FIFO, device or socket; DecodeError as `iterateCapture` (not a capture).
 */
export function openCaptureStream(path: string, opts: ReadCaptureOptions = {}, chunkBytes = STREAM_CHUNK_BYTES): CaptureStream {
  const fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw Object.assign(new Error(kindOf(st)), { code: 'ENOTREG' });
    const frames = iterateCapture(new FdCaptureSource(fd, chunkBytes), opts);
    return { frames, size: st.size, close: () => closeSync(fd) };
  } catch (e) {
    closeSync(fd);
    throw e;
  }
}
