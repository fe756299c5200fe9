import { DecodeError } from '../../lib/errors';
import {
  ByteOrder,
  FrameToWrite,
  iteratePcapng,
  LINKTYPE_ETHERNET,
  LINKTYPE_LINUX_SLL,
  LINKTYPE_LINUX_SLL2,
  readCapture,
  tsresolUnitsPerSecond,
  writePcapng,
} from '../../lib/pcap';

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

// ---- hand builders for pcapng blocks ----
const u16 = (o: ByteOrder, v: number): Buffer => {
  const b = Buffer.alloc(2);
  if (o === 'LE') b.writeUInt16LE(v);
  else b.writeUInt16BE(v);
  return b;
};
const u32 = (o: ByteOrder, v: number): Buffer => {
  const b = Buffer.alloc(4);
  if (o === 'LE') b.writeUInt32LE(v);
  else b.writeUInt32BE(v);
  return b;
};
const pad = (b: Buffer): Buffer => Buffer.concat([b, Buffer.alloc((4 - (b.length % 4)) % 4)]);
function block(o: ByteOrder, type: number, body: Buffer): Buffer {
  const padded = pad(body);
  const length = 12 + padded.length;
  return Buffer.concat([u32(o, type), u32(o, length), padded, u32(o, length)]);
}
function option(o: ByteOrder, code: number, value: Buffer): Buffer {
  return Buffer.concat([u16(o, code), u16(o, value.length), pad(value)]);
}
const endOfOptions = (o: ByteOrder): Buffer => u32(o, 0);
function shb(o: ByteOrder, major = 1): Buffer {
  return block(o, 0x0a0d0d0a, Buffer.concat([u32(o, 0x1a2b3c4d), u16(o, major), u16(o, 0), Buffer.alloc(8, 0xff)]));
}
function idb(o: ByteOrder, linkType: number, snaplen: number, options: Buffer[] = []): Buffer {
  const opts = options.length > 0 ? [...options, endOfOptions(o)] : [];
  return block(o, 1, Buffer.concat([u16(o, linkType), u16(o, 0), u32(o, snaplen), ...opts]));
}
const tsresol = (o: ByteOrder, v: number): Buffer => option(o, 9, Buffer.from([v]));
function tsoffset(o: ByteOrder, seconds: bigint): Buffer {
  const b = Buffer.alloc(8);
  if (o === 'LE') b.writeBigInt64LE(seconds);
  else b.writeBigInt64BE(seconds);
  return option(o, 14, b);
}
function epb(o: ByteOrder, ifId: number, units: bigint, data: Buffer, originalLength = data.length): Buffer {
  const ts = [u32(o, Number(units >> 32n)), u32(o, Number(units & 0xffffffffn))];
  return block(o, 6, Buffer.concat([u32(o, ifId), ...ts, u32(o, data.length), u32(o, originalLength), pad(data)]));
}
function pb(o: ByteOrder, ifId: number, units: bigint, data: Buffer): Buffer {
  const ts = [u32(o, Number(units >> 32n)), u32(o, Number(units & 0xffffffffn))];
  return block(o, 2, Buffer.concat([u16(o, ifId), u16(o, 0), ...ts, u32(o, data.length), u32(o, data.length), pad(data)]));
}
const spb = (o: ByteOrder, originalLength: number, data: Buffer): Buffer => block(o, 3, Buffer.concat([u32(o, originalLength), data]));

const payload = (n: number, fill: number): Buffer => Buffer.alloc(n, fill);

describe('pcapng round trip (writePcapng -> readCapture)', () => {
  const frames: FrameToWrite[] = [
    { data: payload(14, 1), seconds: 1700000000, nanos: 123456789 },
    { data: payload(61, 2), seconds: 1700000001, nanos: 999999999, originalLength: 1514 },
    { data: Buffer.alloc(0), seconds: 2 ** 33, nanos: 1000 },
    { data: payload(3, 3) },
  ];
  for (const byteOrder of ['LE', 'BE'] as const) {
    for (const nanosecond of [false, true]) {
      it(`${byteOrder} ${nanosecond ? 'nanosecond (if_tsresol 9)' : 'microsecond (default resolution)'}`, () => {
        const cap = readCapture(writePcapng(frames, { linkType: LINKTYPE_ETHERNET, nanosecond, byteOrder }));
        expect(cap.format).toBe('pcapng');
        expect(cap.truncated).toBe(false);
        expect(cap.frames.map((f) => [f.index, f.interfaceId, f.linkType, f.seconds, f.nanos, f.originalLength])).toEqual(
          frames.map((w, i) => {
            const nanos = w.nanos ?? 0;
            return [i + 1, 0, 1, w.seconds ?? 0, nanosecond ? nanos : Math.floor(nanos / 1000) * 1000, w.originalLength ?? w.data.length];
          }),
        );
        cap.frames.forEach((f, i) => expect(Buffer.compare(f.data, frames[i].data)).toBe(0));
      });
    }
  }
});

describe('tsresolUnitsPerSecond', () => {
  it.each([
    [6, 1_000_000n],
    [9, 1_000_000_000n],
    [0, 1n],
    [0x94, 1n << 20n],
    [0x80, 1n],
  ])('if_tsresol %i -> %s units per second', (v, want) => expect(tsresolUnitsPerSecond(v)).toBe(want));
});

describe('hand-built pcapng: two sections, mixed resolutions, SPB, PB, unknown blocks', () => {
  const L: ByteOrder = 'LE';
  const B: ByteOrder = 'BE';
  const sec = 1700000000n;
  const file = Buffer.concat([
    shb(L),
    idb(L, LINKTYPE_ETHERNET, 64, [tsresol(L, 0x94)]), // 2^-20 s
    idb(L, LINKTYPE_LINUX_SLL, 0, [option(L, 2, Buffer.from('eth0')), tsresol(L, 9)]), // if_name, then ns
    epb(L, 0, sec * (1n << 20n) + (1n << 19n), payload(20, 0xa1)), // .5 s
    block(L, 0x0bad, payload(10, 0xee)), // unknown type: skipped
    epb(L, 1, sec * 1_000_000_000n + 123_456_789n, payload(5, 0xa2), 9000),
    spb(L, 100, payload(100, 0xa3)), // snaplen 64 of interface 0 applies
    epb(L, 0, sec * (1n << 20n) + 1n, payload(1, 0xa4)), // 1/2^20 s = 953.67 ns
    block(L, 5, payload(16, 0)), // interface statistics: skipped
    shb(B),
    idb(B, LINKTYPE_LINUX_SLL2, 0, [tsoffset(B, 1000n)]), // default µs, +1000 s
    epb(B, 0, 42_000_001n, payload(7, 0xb1)),
    spb(B, 8, payload(8, 0xb2)), // room for all 8 bytes
    pb(B, 0, 1_500_000n, payload(2, 0xb3)),
    block(B, 0x40000bad, Buffer.alloc(0)), // custom-range type, empty body
  ]);
  const cap = readCapture(file);

  it('reads every packet block, counting indexes across sections', () => {
    expect(cap.format).toBe('pcapng');
    expect(cap.frames.map((f) => [f.index, f.interfaceId, f.linkType, f.data[0], f.data.length, f.originalLength])).toEqual([
      [1, 0, 1, 0xa1, 20, 20],
      [2, 1, 113, 0xa2, 5, 9000],
      [3, 0, 1, 0xa3, 64, 100],
      [4, 0, 1, 0xa4, 1, 1],
      [5, 0, 276, 0xb1, 7, 7],
      [6, 0, 276, 0xb2, 8, 8],
      [7, 0, 276, 0xb3, 2, 2],
    ]);
  });

  it('converts timestamps per interface resolution and offset, exactly', () => {
    expect(cap.frames.map((f) => [f.seconds, f.nanos])).toEqual([
      [1700000000, 500_000_000],
      [1700000000, 123_456_789],
      [0, 0], // SPB: no timestamp
      [1700000000, 953],
      [1042, 1000],
      [0, 0],
      [1001, 500_000_000],
    ]);
    expect(cap.frames[1].timeMs).toBeCloseTo(1700000000123.4568, 3);
  });

  it('caps an SPB at the block room when the original length claims more', () => {
    const buf = Buffer.concat([shb(L), idb(L, 1, 0), spb(L, 1000, payload(6, 1))]);
    const [f] = readCapture(buf).frames;
    expect([f.data.length, f.originalLength]).toEqual([8, 1000]); // 6 bytes padded to 8 is all the room
  });

  it('forgets the interfaces of a previous section', () => {
    const buf = Buffer.concat([shb(L), idb(L, 1, 0), idb(L, 1, 0), shb(B), idb(B, 1, 0), epb(B, 1, 0n, payload(1, 1))]);
    const at = 28 + 20 + 20 + 28 + 20;
    expectDecodeError(() => readCapture(buf), 'BAD_CAPTURE', at + 8);
  });
});

describe('pcapng malformed input', () => {
  const L: ByteOrder = 'LE';
  const head = Buffer.concat([shb(L), idb(L, 1, 0)]); // 48 bytes
  const at = head.length;
  const withBlock = (b: Buffer): Buffer => Buffer.concat([head, b]);

  it('first block not a section header: BAD_CAPTURE at 0', () => {
    expectDecodeError(() => [...iteratePcapng(idb(L, 1, 0))], 'BAD_CAPTURE', 0);
  });
  it('bad byte-order magic: BAD_CAPTURE at 8', () => {
    const buf = Buffer.from(head);
    buf.writeUInt32LE(0x1a2b3c4e, 8);
    expectDecodeError(() => readCapture(buf), 'BAD_CAPTURE', 8);
  });
  it('bad byte-order magic in a later section: BAD_CAPTURE at that SHB + 8', () => {
    const later = shb(L);
    later.writeUInt32LE(0, 8);
    expectDecodeError(() => readCapture(withBlock(later)), 'BAD_CAPTURE', at + 8);
  });
  it('SHB major version not 1: BAD_CAPTURE at 12', () => expectDecodeError(() => readCapture(shb(L, 2)), 'BAD_CAPTURE', 12));
  it('block length not a multiple of 4: BAD_CAPTURE at block+4', () => {
    const b = epb(L, 0, 0n, payload(4, 1));
    b.writeUInt32LE(b.length - 2, 4);
    expectDecodeError(() => readCapture(withBlock(b)), 'BAD_CAPTURE', at + 4);
  });
  it('block length below 12: BAD_CAPTURE at block+4', () => {
    expectDecodeError(() => readCapture(withBlock(Buffer.concat([u32(L, 6), u32(L, 8), u32(L, 8)]))), 'BAD_CAPTURE', at + 4);
  });
  it('SHB length not a multiple of 4: BAD_CAPTURE at 4', () => {
    const buf = Buffer.from(head);
    buf.writeUInt32LE(30, 4);
    expectDecodeError(() => readCapture(buf), 'BAD_CAPTURE', 4);
  });
  it('trailing block length mismatch: BAD_CAPTURE at the trailing field', () => {
    const b = epb(L, 0, 0n, payload(4, 1));
    b.writeUInt32LE(b.length + 4, b.length - 4);
    expectDecodeError(() => readCapture(withBlock(b)), 'BAD_CAPTURE', at + b.length - 4);
  });
  it('block shorter than its type needs: BAD_CAPTURE at block+4', () => {
    expectDecodeError(() => readCapture(withBlock(block(L, 6, payload(12, 0)))), 'BAD_CAPTURE', at + 4);
    expectDecodeError(() => readCapture(withBlock(block(L, 1, payload(4, 0)))), 'BAD_CAPTURE', at + 4);
  });
  it('EPB on an unknown interface: BAD_CAPTURE at block+8', () => {
    expectDecodeError(() => readCapture(withBlock(epb(L, 1, 0n, payload(4, 1)))), 'BAD_CAPTURE', at + 8);
  });
  it('PB on an unknown interface: BAD_CAPTURE at block+8', () => {
    expectDecodeError(() => readCapture(withBlock(pb(L, 3, 0n, payload(4, 1)))), 'BAD_CAPTURE', at + 8);
  });
  it('SPB before any interface: BAD_CAPTURE at the block', () => {
    expectDecodeError(() => readCapture(Buffer.concat([shb(L), spb(L, 4, payload(4, 1))])), 'BAD_CAPTURE', 28);
  });
  it('EPB captured length beyond its block: BAD_CAPTURE at block+20', () => {
    const b = epb(L, 0, 0n, payload(4, 1));
    b.writeUInt32LE(5, 20);
    expectDecodeError(() => readCapture(withBlock(b)), 'BAD_CAPTURE', at + 20);
  });
  it('IDB option overrunning its block: BAD_CAPTURE at the option', () => {
    const b = idb(L, 1, 0, [tsresol(L, 6)]);
    b.writeUInt16LE(200, 16 + 2);
    expectDecodeError(() => readCapture(Buffer.concat([shb(L), b])), 'BAD_CAPTURE', 28 + 16);
  });
  it('if_tsresol or if_tsoffset of the wrong length: BAD_CAPTURE at the option', () => {
    const bad1 = idb(L, 1, 0, [option(L, 2, Buffer.from('lo')), option(L, 9, Buffer.from([6, 0]))]);
    expectDecodeError(() => readCapture(Buffer.concat([shb(L), bad1])), 'BAD_CAPTURE', 28 + 16 + 8);
    const bad2 = idb(L, 1, 0, [option(L, 14, Buffer.alloc(4))]);
    expectDecodeError(() => readCapture(Buffer.concat([shb(L), bad2])), 'BAD_CAPTURE', 28 + 16);
  });
});

describe('pcapng truncated tail', () => {
  const L: ByteOrder = 'LE';
  const file = writePcapng(
    [0, 1, 2].map((i) => ({ data: payload(10, i), seconds: i })),
    { linkType: 1, nanosecond: true },
  );
  const last = file.length - 44; // EPB of 10 bytes data: 32 + 12

  it.each([1, 4, 8, 20, 43])('cut %d bytes into the last block: TRUNCATED at it, or the frames before it', (cut) => {
    const buf = file.subarray(0, last + cut);
    expectDecodeError(() => readCapture(buf), 'TRUNCATED', last);
    const cap = readCapture(buf, { allowTruncatedTail: true });
    expect(cap.truncated).toBe(true);
    expect(cap.frames.map((f) => f.index)).toEqual([1, 2]);
  });
  it('a bad length in the cut-short block is still BAD_CAPTURE', () => {
    const buf = Buffer.from(file.subarray(0, last + 10));
    buf.writeUInt32LE(45, last + 4);
    expectDecodeError(() => readCapture(buf, { allowTruncatedTail: true }), 'BAD_CAPTURE', last + 4);
  });
  it('a second section header cut short: TRUNCATED at it', () => {
    const buf = Buffer.concat([file, shb('BE').subarray(0, 10)]);
    expectDecodeError(() => readCapture(buf), 'TRUNCATED', file.length);
    expect(readCapture(buf, { allowTruncatedTail: true }).frames).toHaveLength(3);
  });
  it('the first section header cut short throws even with allowTruncatedTail', () => {
    expectDecodeError(() => readCapture(shb(L).subarray(0, 20), { allowTruncatedTail: true }), 'TRUNCATED', 0);
  });
  it('ending exactly at a block boundary is fine', () => {
    expect(readCapture(file.subarray(0, last)).frames).toHaveLength(2);
    expect(readCapture(file.subarray(0, last)).truncated).toBe(false);
  });
});
