/**
 * Fuzz target of lib/pcap and lib/inspect: captures written by lib/pcap's writers (pcap and pcapng, both byte
 * orders, µs and ns, one or two sections, Ethernet / Linux SLL / SLL2 / other link types) holding valid and
 * mutated VRRP frames, then mutated byte by byte. readCapture (with and without allowTruncatedTail) may throw
 * DecodeError only; inspectFrames, the timeline and its text and the table never throw. One input in sixteen is
 * also written to a file and run through `vrrpd inspect` (runInspect: streamed in small chunks, --json or
 * --timeline), whose answer must be 0 or a UsageError, and must see the same frames as the in-memory read.
 */
import fc from 'fast-check';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { runInspect } from '../../lib/cli/inspect';
import { inspectFrames } from '../../lib/inspect/records';
import { formatTable } from '../../lib/inspect/table';
import { buildTimelines } from '../../lib/inspect/timeline';
import { formatTimelines } from '../../lib/inspect/timeline-text';
import { buildAdvertFrame } from '../../lib/packet/frame';
import { readCapture, writePcap, writePcapng } from '../../lib/pcap';
import { openCaptureStream } from '../../lib/pcap/file';
import { advertArb } from './packet-targets';
import { byteMutations, ByteMutation, hexExcerpt, mutateBytes, oneIn } from './mutate';
import { check, FuzzTarget, typedCode } from './target';

/** A frame's payload before link encapsulation. */
interface FrameSeed {
  bytes: Buffer;
  seconds: number;
  nanos: number;
}

const frameSeedArb: fc.Arbitrary<FrameSeed> = fc.record({
  bytes: fc.oneof(
    { weight: 5, arbitrary: fc.tuple(advertArb, fc.constantFrom(255, 255, 254), fc.nat(3), byteMutations(2), fc.boolean()).map(([advert, ttl, host, m, mutate]) => {
      const src = advert.family === 4 ? `192.0.2.${host + 1}` : `fe80::${host + 1}`;
      const frame = buildAdvertFrame({ advert, srcMac: `00:00:5e:00:0${advert.family === 4 ? 1 : 2}:${(advert.vrid & 0xff).toString(16).padStart(2, '0')}`, src, ttl });
      return mutate ? mutateBytes(frame, m) : frame;
    }) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 80 }).map((a) => Buffer.from(a)) },
  ),
  // Adverts about a second apart, so timelines see masters, takeovers and silences.
  seconds: fc.integer({ min: 1_700_000_000, max: 1_700_000_040 }),
  nanos: fc.nat({ max: 999_999_999 }),
});

/** Re-encapsulates an Ethernet frame for `linkType` (SLL / SLL2 keep the ethertype; others pass bytes through). */
function encapsulate(eth: Buffer, linkType: number): Buffer {
  if (eth.length < 14) return eth;
  const proto = eth.subarray(12, 14);
  const ip = eth.subarray(14);
  if (linkType === 113) {
    const h = Buffer.alloc(16);
    h.writeUInt16BE(0, 0);
    h.writeUInt16BE(1, 2);
    h.writeUInt16BE(6, 4);
    eth.copy(h, 6, 6, 12);
    proto.copy(h, 14);
    return Buffer.concat([h, ip]);
  }
  if (linkType === 276) {
    const h = Buffer.alloc(20);
    proto.copy(h, 0);
    h.writeUInt32BE(2, 4);
    h.writeUInt16BE(1, 8);
    h[10] = 0;
    h[11] = 6;
    eth.copy(h, 12, 6, 12);
    return Buffer.concat([h, ip]);
  }
  return eth;
}

/** Input of the capture target. */
export interface CaptureInput {
  frames: FrameSeed[];
  format: 'pcap' | 'pcapng';
  linkType: number;
  nanosecond: boolean;
  byteOrder: 'LE' | 'BE';
  twoSections: boolean;
  mutations: ByteMutation[];
  /** Also run `vrrpd inspect` on it, streamed in chunks of this many bytes. */
  stream: { chunkBytes: number; json: boolean; timeline: boolean } | null;
}

/** The capture file of an input. */
export function captureOf(x: CaptureInput): Buffer {
  const frames = [...x.frames].sort((a, b) => a.seconds - b.seconds || a.nanos - b.nanos).map((f) => ({ data: encapsulate(f.bytes, x.linkType), seconds: f.seconds, nanos: f.nanos }));
  const opts = { linkType: x.format === 'pcapng' ? x.linkType & 0xffff : x.linkType, nanosecond: x.nanosecond, byteOrder: x.byteOrder };
  const one = x.format === 'pcap' ? writePcap(frames, opts) : writePcapng(frames, opts);
  const file = x.format === 'pcapng' && x.twoSections ? Buffer.concat([one, writePcapng(frames.slice(0, 2), { ...opts, byteOrder: x.byteOrder === 'LE' ? 'BE' : 'LE' })]) : one;
  return x.mutations.length > 0 ? mutateBytes(file, x.mutations) : file;
}


/** What one read of a capture ended with: the frame count, or the error code. */
function readOutcome(buf: Buffer, allowTruncatedTail: boolean): { frames: number; code: string | null } {
  try {
    const cap = readCapture(buf, { allowTruncatedTail });
    const records = inspectFrames(cap.frames);
    const timelines = buildTimelines(records);
    formatTimelines(timelines, records[0]?.time ?? 0);
    formatTable(records);
    JSON.stringify(timelines);
    return { frames: cap.frames.length, code: null };
  } catch (e) {
    return { frames: -1, code: typedCode(e) };
  }
}

export const captureTarget: FuzzTarget<CaptureInput> = {
  name: 'capture',
  what: 'lib/pcap readCapture + lib/inspect records/timeline/table on mutated pcap/pcapng files of valid and mutated VRRP frames; 1 in 16 also through `vrrpd inspect` streamed',
  arbitrary: () =>
    fc.record({
      frames: fc.array(frameSeedArb, { maxLength: 8 }),
      format: fc.constantFrom('pcap' as const, 'pcapng' as const),
      linkType: fc.constantFrom(1, 1, 1, 113, 276, 0, 101, 228, 0x14000001),
      nanosecond: fc.boolean(),
      byteOrder: fc.constantFrom('LE' as const, 'BE' as const),
      twoSections: fc.boolean(),
      mutations: fc.oneof({ weight: 1, arbitrary: fc.constant([] as ByteMutation[]) }, { weight: 4, arbitrary: byteMutations(4) }),
      stream: oneIn(16, fc.record({ chunkBytes: fc.integer({ min: 8, max: 512 }), json: fc.boolean(), timeline: fc.boolean() })),
    }),
  run(x) {
    const buf = captureOf(x);
    const strict = readOutcome(buf, false);
    const lax = readOutcome(buf, true);
    check(strict.code !== null || lax.code === null, () => `allowTruncatedTail turned a read into ${lax.code}`);
    if (x.stream) {
      // A directory of its own for this input, removed at once (a killed jest worker leaves nothing behind).
      const dir = mkdtempSync(path.join(tmpdir(), 'vrrp-fuzz-'));
      try {
        streamed(path.join(dir, 'capture'), buf, x.stream, lax);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
    return strict.code ?? 'ok';
  },
  size: (x) => captureOf(x).length,
  excerpt: (x) => `${x.format} link ${x.linkType} ${x.frames.length} frame(s)${x.stream ? ` streamed/${x.stream.chunkBytes}` : ''} ${hexExcerpt(captureOf(x))}`,
};

/** `vrrpd inspect` on the capture written to `file`, and a streamed read in small chunks compared with `lax`. */
function streamed(file: string, buf: Buffer, stream: NonNullable<CaptureInput['stream']>, lax: { frames: number; code: string | null }): void {
  writeFileSync(file, buf);
  const lines: string[] = [];
  let code: string;
  try {
    runInspect(file, { json: stream.json, timeline: stream.timeline }, { out: (l) => lines.push(l), err: (l) => lines.push(l) });
    code = 'ok';
  } catch (e) {
    code = typedCode(e);
  }
  // The streamed read, with a tiny chunk, must meet the same frames as the in-memory one.
  let frames = 0;
  let streamCode: string | null = null;
  let s: ReturnType<typeof openCaptureStream> | null = null;
  try {
    s = openCaptureStream(file, { allowTruncatedTail: true }, stream.chunkBytes);
    for (let step = s.frames.next(); !step.done; step = s.frames.next()) frames++;
  } catch (e) {
    streamCode = typedCode(e);
  } finally {
    s?.close();
  }
  check(streamCode === lax.code && (lax.code !== null || frames === lax.frames), () => `streamed ${frames} frames / ${streamCode}, in memory ${lax.frames} / ${lax.code}`);
  check(code === 'ok' || code === 'IO', () => `inspect ended with ${code}`);
}
