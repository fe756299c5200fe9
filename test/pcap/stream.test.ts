/**
 * Streamed reading (lib/pcap/file.ts: FdCaptureSource, openCaptureStream): the same frames, or the same
 * DecodeError code and offset, as reading the whole file into memory, whatever the chunk size; only regular
 * files are opened.
 */
import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { DecodeError } from '../../lib/errors';
import { FrameToWrite, iterateCapture, writePcap, writePcapng } from '../../lib/pcap';
import { FdCaptureSource, openCaptureStream } from '../../lib/pcap/file';

const dir = mkdtempSync(join(tmpdir(), 'vrrp-stream-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = join(dir, 'capture');

type Read = { frames: Array<[number, number, number, number, number, string]>; end: unknown } | { code: string; offset: number; message: string };
function drain(it: ReturnType<typeof iterateCapture>): Read {
  const frames: Array<[number, number, number, number, number, string]> = [];
  try {
    for (;;) {
      const s = it.next();
      if (s.done) return { frames, end: s.value };
      const f = s.value;
      frames.push([f.index, f.linkType, f.seconds, f.nanos, f.originalLength, f.data.toString('hex')]);
    }
  } catch (e) {
    if (!(e instanceof DecodeError)) throw e;
    return { code: e.code, offset: e.offset, message: e.message };
  }
}
function streamed(buf: Buffer, chunk: number, allowTruncatedTail: boolean): Read {
  writeFileSync(file, buf);
  const fd = openSync(file, 'r');
  try {
    return drain(iterateCapture(new FdCaptureSource(fd, chunk), { allowTruncatedTail }));
  } catch (e) {
    if (!(e instanceof DecodeError)) throw e;
    return { code: e.code, offset: e.offset, message: e.message };
  } finally {
    closeSync(fd);
  }
}
function inMemory(buf: Buffer, allowTruncatedTail: boolean): Read {
  try {
    return drain(iterateCapture(buf, { allowTruncatedTail }));
  } catch (e) {
    if (!(e instanceof DecodeError)) throw e;
    return { code: e.code, offset: e.offset, message: e.message };
  }
}

const frameArb: fc.Arbitrary<FrameToWrite> = fc.record({
  data: fc.uint8Array({ maxLength: 60 }).map((a) => Buffer.from(a)),
  seconds: fc.nat({ max: 0xffffffff }),
  nanos: fc.nat({ max: 999_999_999 }),
});
const edit = fc.oneof(
  fc.tuple(fc.constant('set' as const), fc.nat(), fc.nat(255)),
  fc.tuple(fc.constant('cut' as const), fc.nat(), fc.constant(0)),
);

test('a streamed capture reads exactly as the whole file does (frames, truncation, errors), for any chunk size', () => {
  fc.assert(
    fc.property(
      fc.array(frameArb, { maxLength: 6 }),
      fc.constantFrom('pcap', 'pcapng'),
      fc.constantFrom<'LE' | 'BE'>('LE', 'BE'),
      fc.boolean(),
      fc.array(edit, { maxLength: 3 }),
      fc.constantFrom(1, 3, 7, 16, 64, 4096),
      fc.boolean(),
      (frames, format, byteOrder, nanosecond, edits, chunk, allowTruncatedTail) => {
        const opts = { linkType: 1, byteOrder, nanosecond };
        let buf = format === 'pcap' ? writePcap(frames, opts) : writePcapng(frames, opts);
        for (const [kind, at, value] of edits) {
          if (buf.length === 0) break;
          if (kind === 'set') buf[at % buf.length] = value;
          else buf = buf.subarray(0, at % buf.length);
        }
        expect(streamed(buf, chunk, allowTruncatedTail)).toEqual(inMemory(buf, allowTruncatedTail));
      },
    ),
    { numRuns: 1500 },
  );
});

test('frames handed out stay valid after the source moves on (each refill is a new buffer)', () => {
  const frames = Array.from({ length: 50 }, (_, i) => ({ data: Buffer.alloc(100, i) }));
  writeFileSync(file, writePcap(frames, { linkType: 1 }));
  const s = openCaptureStream(file, {}, 256);
  try {
    const got = [...s.frames];
    expect(got.map((f) => f.data)).toEqual(frames.map((f) => f.data));
  } finally {
    s.close();
  }
});

test('only regular files are opened: a FIFO, a device and a directory are refused at once', () => {
  const fifo = join(dir, 'fifo');
  execFileSync('mkfifo', [fifo]);
  expect(() => openCaptureStream(fifo)).toThrow(expect.objectContaining({ code: 'ENOTREG', message: 'is a FIFO (named pipe), not a regular file' }));
  expect(() => openCaptureStream('/dev/null')).toThrow(expect.objectContaining({ code: 'ENOTREG', message: 'is a character device, not a regular file' }));
  expect(() => openCaptureStream(dir)).toThrow(expect.objectContaining({ code: 'ENOTREG', message: 'is a directory' }));
});
