import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DecodeError, EncodeError } from '../../lib/errors';
import {
  CapturedFrame,
  detectCaptureFormat,
  FrameToWrite,
  iterateCapture,
  LINKTYPE_ETHERNET,
  LINKTYPE_LINUX_SLL,
  readCapture,
  writePcap,
  writePcapng,
} from '../../lib/pcap';
import { readCaptureFile } from '../../lib/pcap/file';

function expectDecodeError(fn: () => unknown, code: string, offset: number): void {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(DecodeError);
  const err = caught as DecodeError;
  expect({ code: err.code, offset: err.offset }).toEqual({ code, offset });
}

const frames: FrameToWrite[] = [
  { data: Buffer.from('00112233445566778899aabb0800', 'hex'), seconds: 1700000000, nanos: 123456789 },
  { data: Buffer.alloc(60, 0xab), seconds: 1700000001, nanos: 999999999, originalLength: 1514 },
  { data: Buffer.alloc(0), seconds: 0xffffffff, nanos: 0 },
  { data: Buffer.from([1, 2, 3]) },
];

function expectFrames(got: CapturedFrame[], nanosecond: boolean, linkType: number): void {
  expect(got).toHaveLength(frames.length);
  got.forEach((f, i) => {
    const want = frames[i];
    const nanos = want.nanos ?? 0;
    const expectNanos = nanosecond ? nanos : Math.floor(nanos / 1000) * 1000;
    expect(f.index).toBe(i + 1);
    expect(f.linkType).toBe(linkType);
    expect(f.interfaceId).toBe(0);
    expect(f.seconds).toBe(want.seconds ?? 0);
    expect(f.nanos).toBe(expectNanos);
    expect(f.timeMs).toBeCloseTo((want.seconds ?? 0) * 1000 + expectNanos / 1e6, 3);
    expect(f.originalLength).toBe(want.originalLength ?? want.data.length);
    expect(Buffer.compare(f.data, want.data)).toBe(0);
  });
}

describe('pcap round trip (writePcap -> readCapture)', () => {
  for (const byteOrder of ['LE', 'BE'] as const) {
    for (const nanosecond of [false, true]) {
      it(`${byteOrder} ${nanosecond ? 'nanosecond' : 'microsecond'}`, () => {
        const buf = writePcap(frames, { linkType: LINKTYPE_LINUX_SLL, nanosecond, byteOrder });
        const magic = nanosecond ? 'a1b23c4d' : 'a1b2c3d4';
        const head = buf.subarray(0, 4);
        expect((byteOrder === 'BE' ? head : Buffer.from(head).reverse()).toString('hex')).toBe(magic);
        const cap = readCapture(buf);
        expect(cap.format).toBe('pcap');
        expect(cap.truncated).toBe(false);
        expectFrames(cap.frames, nanosecond, LINKTYPE_LINUX_SLL);
      });
    }
  }

  it('an empty file (header only) has no frames', () => {
    expect(readCapture(writePcap([], { linkType: 1 }))).toEqual({ format: 'pcap', frames: [], truncated: false });
  });

  it('masks the FCS bits out of the link-type field', () => {
    const buf = writePcap(frames.slice(0, 1), { linkType: 0x14000000 | LINKTYPE_ETHERNET, byteOrder: 'BE' });
    expect(readCapture(buf).frames[0].linkType).toBe(LINKTYPE_ETHERNET);
  });

  it('cuts data to the snaplen and keeps the original length', () => {
    const buf = writePcap([{ data: Buffer.alloc(100, 7) }], { linkType: 1, snaplen: 64 });
    const [f] = readCapture(buf).frames;
    expect(f.data.length).toBe(64);
    expect(f.originalLength).toBe(100);
  });

  it('counts frames from 1 and iterates lazily', () => {
    const buf = writePcap(Array.from({ length: 5 }, (_, i) => ({ data: Buffer.from([i]) })), { linkType: 1 });
    const it = iterateCapture(buf);
    const first = it.next();
    expect(first.done).toBe(false);
    expect(!first.done && first.value.index).toBe(1);
    expect([...it].map((f) => f.index)).toEqual([2, 3, 4, 5]);
  });

  it('carries an out-of-range microsecond fraction into the seconds', () => {
    const buf = writePcap([{ data: Buffer.alloc(1) }], { linkType: 1 });
    buf.writeUInt32LE(1_500_000, 24 + 4);
    const [f] = readCapture(buf).frames;
    expect([f.seconds, f.nanos]).toEqual([1, 500_000_000]);
  });
});

describe('pcap writer validation', () => {
  it.each([
    ['seconds -1', { data: Buffer.alloc(1), seconds: -1 }, 'seconds'],
    ['seconds 2^32', { data: Buffer.alloc(1), seconds: 2 ** 32 }, 'seconds'],
    ['nanos 1e9', { data: Buffer.alloc(1), nanos: 1e9 }, 'nanos'],
    ['nanos 1.5', { data: Buffer.alloc(1), nanos: 1.5 }, 'nanos'],
    ['originalLength below data length', { data: Buffer.alloc(4), originalLength: 3 }, 'originalLength'],
  ])('refuses %s (EncodeError INVALID_FIELD)', (_label, frame, field) => {
    let caught: unknown;
    try {
      writePcap([frame], { linkType: 1 });
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(EncodeError);
    expect([(caught as EncodeError).code, (caught as EncodeError).field]).toEqual(['INVALID_FIELD', field]);
  });
  it('refuses a pcapng timestamp beyond 64 bits and a linkType beyond 16 bits', () => {
    expect(() => writePcapng([{ data: Buffer.alloc(1), seconds: 2 ** 52 }], { linkType: 1, nanosecond: true })).toThrow(EncodeError);
    expect(() => writePcapng([], { linkType: 0x10000 })).toThrow(EncodeError);
  });
});

describe('pcap malformed input', () => {
  const good = writePcap(frames.slice(0, 2), { linkType: 1 });
  const second = 24 + 16 + frames[0].data.length; // offset of the second record

  it('fewer than 4 bytes: TRUNCATED at 0', () => expectDecodeError(() => readCapture(Buffer.from([0xd4, 0xc3])), 'TRUNCATED', 0));
  it('unknown magic: BAD_CAPTURE at 0', () => expectDecodeError(() => readCapture(Buffer.alloc(24)), 'BAD_CAPTURE', 0));
  it('header cut short: TRUNCATED at 0', () => expectDecodeError(() => readCapture(good.subarray(0, 20)), 'TRUNCATED', 0));
  it('major version not 2: BAD_CAPTURE at 4', () => {
    const buf = Buffer.from(good);
    buf.writeUInt16LE(3, 4);
    expectDecodeError(() => readCapture(buf), 'BAD_CAPTURE', 4);
  });
  it('record length beyond snaplen and 256 KiB: BAD_CAPTURE at record+8', () => {
    const buf = Buffer.from(good);
    buf.writeUInt32LE(262145, second + 8);
    expectDecodeError(() => readCapture(buf), 'BAD_CAPTURE', second + 8);
  });
  it('record header cut short: TRUNCATED at the record', () => {
    expectDecodeError(() => readCapture(good.subarray(0, second + 5)), 'TRUNCATED', second);
  });
  it('record data cut short: TRUNCATED at the record', () => {
    expectDecodeError(() => readCapture(good.subarray(0, good.length - 1)), 'TRUNCATED', second);
  });
  it('a record length pointing past the end: TRUNCATED at the record', () => {
    const buf = Buffer.from(good);
    buf.writeUInt32LE(61, second + 8);
    expectDecodeError(() => readCapture(buf), 'TRUNCATED', second);
  });
  it('ending exactly at a record boundary is fine', () => {
    expect(readCapture(good.subarray(0, second)).frames).toHaveLength(1);
  });
});

describe('pcap truncated tail', () => {
  const good = writePcap(frames, { linkType: 1, byteOrder: 'BE', nanosecond: true });
  it.each([1, 8, 16, 17])('cut %d bytes into the last record: frames before it, truncated: true', (cut) => {
    const last = good.length - 16 - frames[3].data.length;
    const cap = readCapture(good.subarray(0, last + cut), { allowTruncatedTail: true });
    expect(cap.truncated).toBe(true);
    expect(cap.frames.map((f) => f.index)).toEqual([1, 2, 3]);
    expectDecodeError(() => readCapture(good.subarray(0, last + cut)), 'TRUNCATED', last);
  });
  it('a complete file reports truncated: false with the option', () => {
    expect(readCapture(good, { allowTruncatedTail: true }).truncated).toBe(false);
  });
  it('a truncated file header still throws', () => {
    expectDecodeError(() => readCapture(good.subarray(0, 23), { allowTruncatedTail: true }), 'TRUNCATED', 0);
  });
  it('the iterator returns the flag as its value', () => {
    const it = iterateCapture(good.subarray(0, good.length - 1), { allowTruncatedTail: true });
    let step = it.next();
    while (!step.done) step = it.next();
    expect(step.value).toEqual({ format: 'pcap', truncated: true });
  });
});

describe('detectCaptureFormat', () => {
  it('tells pcap from pcapng', () => {
    expect(detectCaptureFormat(writePcap([], { linkType: 1, byteOrder: 'BE' }))).toBe('pcap');
    expect(detectCaptureFormat(Buffer.from('0a0d0d0a', 'hex'))).toBe('pcapng');
  });
});

describe('readCaptureFile', () => {
  it('reads a file from disk', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vrrp-pcap-file-'));
    try {
      const path = join(dir, 'x.pcap');
      writeFileSync(path, writePcap(frames, { linkType: 1 }));
      const cap = await readCaptureFile(path);
      expect([cap.format, cap.frames.length]).toEqual(['pcap', frames.length]);
      await expect(readCaptureFile(join(dir, 'missing.pcap'))).rejects.toMatchObject({ code: 'ENOENT' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
