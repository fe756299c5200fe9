/**
 * The file-system edge of lib/pcap: read a capture file from disk.
 */
import { readFile } from 'node:fs/promises';
import { readCapture } from './index';
import { Capture, ReadCaptureOptions } from './types';

/**
 * Reads and decodes the capture file at `path` (pcap or pcapng).
 * @throws DecodeError as `readCapture`; the file system's own errors (ENOENT, EACCES, ...) pass through.
 */
export async function readCaptureFile(path: string, opts: ReadCaptureOptions = {}): Promise<Capture> {
  return readCapture(await readFile(path), opts);
}
