import fc from 'fast-check';
import { DecodeError } from '../../lib/errors';
import { Capture, FrameToWrite, readCapture, writePcap, writePcapng } from '../../lib/pcap';
import { mutateBytes } from '../../bench/fuzz/mutate';

/** Reads `buf` both ways; anything thrown must be a DecodeError; whatever is returned must be sane. */
function readsOrThrowsDecodeError(buf: Buffer): void {
  for (const allowTruncatedTail of [false, true]) {
    let cap: Capture;
    try {
      cap = readCapture(buf, { allowTruncatedTail });
    } catch (e) {
      if (!(e instanceof DecodeError)) throw e;
      if (!Number.isInteger(e.offset) || e.offset < 0 || e.offset > buf.length) throw new Error(`offset ${e.offset} out of file`);
      continue;
    }
    let dataEnd = 0;
    cap.frames.forEach((f, i) => {
      if (f.index !== i + 1) throw new Error(`index ${f.index} at position ${i}`);
      if (f.data.byteOffset - buf.byteOffset < dataEnd) throw new Error(`frame ${f.index} data overlaps the previous frame's`);
      dataEnd = f.data.byteOffset - buf.byteOffset + f.data.length;
      if (!Number.isInteger(f.nanos) || f.nanos < 0 || f.nanos > 999_999_999) throw new Error(`nanos ${f.nanos}`);
      if (f.data.buffer !== buf.buffer) throw new Error('frame data is not a view into the input');
    });
  }
}

const frameArb: fc.Arbitrary<FrameToWrite> = fc.record({
  data: fc.uint8Array({ maxLength: 40 }).map((a) => Buffer.from(a)),
  seconds: fc.nat({ max: 0xffffffff }),
  nanos: fc.nat({ max: 999_999_999 }),
});
const optsArb = fc.record({
  linkType: fc.constantFrom(1, 113, 276, 0x14000001),
  nanosecond: fc.boolean(),
  byteOrder: fc.constantFrom('LE' as const, 'BE' as const),
});

/** The byte mutations of bench/fuzz/mutate.ts this test draws (mutateBytes applies them). */
type Mutation =
  | { kind: 'set'; at: number; value: number }
  | { kind: 'cut'; at: number }
  | { kind: 'insert'; at: number; bytes: Uint8Array }
  | { kind: 'delete'; at: number; count: number };

const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('set' as const), at: fc.nat(), value: fc.nat({ max: 255 }) }),
  fc.record({ kind: fc.constant('set' as const), at: fc.nat(), value: fc.constantFrom(0, 0xff, 0x80, 0x7f, 1, 2, 3, 6, 9, 14) }),
  fc.record({ kind: fc.constant('cut' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }) }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), count: fc.integer({ min: 1, max: 8 }) }),
);


const magics = ['d4c3b2a1', 'a1b2c3d4', '4d3cb2a1', 'a1b23c4d', '0a0d0d0a4d3c2b1a', '0a0d0d0a1a2b3c4d'].map((h) => Buffer.from(h, 'hex'));

describe('readCapture only ever throws DecodeError', () => {
  it('on random bytes (5,000 runs)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (a) => readsOrThrowsDecodeError(Buffer.from(a))),
      { numRuns: 5000 },
    );
  });

  it('on random bytes after a valid magic (5,000 runs)', () => {
    fc.assert(
      fc.property(fc.constantFrom(...magics), fc.uint8Array({ maxLength: 300 }), (magic, a) =>
        readsOrThrowsDecodeError(Buffer.concat([magic, a])),
      ),
      { numRuns: 5000 },
    );
  });

  it('on mutations of valid pcap files (6,000 runs)', () => {
    fc.assert(
      fc.property(fc.array(frameArb, { maxLength: 5 }), optsArb, fc.array(mutationArb, { minLength: 1, maxLength: 4 }), (frames, opts, ms) =>
        readsOrThrowsDecodeError(mutateBytes(writePcap(frames, opts), ms)),
      ),
      { numRuns: 6000 },
    );
  });

  it('on mutations of valid pcapng files (6,000 runs)', () => {
    const linkTypes = optsArb.map((o) => ({ ...o, linkType: o.linkType & 0xffff }));
    fc.assert(
      fc.property(
        fc.array(frameArb, { maxLength: 5 }),
        linkTypes,
        fc.boolean(),
        fc.array(mutationArb, { minLength: 1, maxLength: 4 }),
        (frames, opts, twoSections, ms) => {
          const one = writePcapng(frames, opts);
          const file = twoSections ? Buffer.concat([one, writePcapng(frames, { ...opts, byteOrder: opts.byteOrder === 'LE' ? 'BE' : 'LE' })]) : one;
          readsOrThrowsDecodeError(mutateBytes(file, ms));
        },
      ),
      { numRuns: 6000 },
    );
  });
});
