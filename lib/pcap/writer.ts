/**
 * pcap and pcapng writers, for tests and recordings. Pure: frames in, one Buffer out.
 */
import { EncodeError } from '../errors';
import { PCAP_HEADER_LENGTH, PCAP_MAGIC_MICROS, PCAP_MAGIC_NANOS, PCAP_RECORD_HEADER_LENGTH } from './pcap';
import { PCAPNG_BYTE_ORDER_MAGIC, PCAPNG_EPB, PCAPNG_IDB, PCAPNG_OPT_IF_TSRESOL, PCAPNG_SHB } from './pcapng';
import { ByteOrder } from './types';

/** A frame to write. Defaults: seconds 0, nanos 0, originalLength = data.length. */
export interface FrameToWrite {
  data: Buffer;
  /** Whole seconds since the Unix epoch. */
  seconds?: number;
  /** Nanoseconds within the second, 0..999999999 (truncated to µs unless the file is nanosecond). */
  nanos?: number;
  /** Length on the wire in bytes; at least data.length. */
  originalLength?: number;
}

/** Options of `writePcap` and `writePcapng`. */
export interface WriteCaptureOptions {
  /** LINKTYPE_* of every frame (pcap: the whole 32-bit header field, FCS bits allowed; pcapng: 16 bits). */
  linkType: number;
  /** Nanosecond timestamps (pcap magic a1b23c4d; pcapng if_tsresol = 9). Default: microseconds. */
  nanosecond?: boolean;
  /** Snapshot length in bytes; longer data is cut to it (originalLength kept). Default 262144; 0 = no limit. */
  snaplen?: number;
  /** Byte order of the file. Default 'LE'. */
  byteOrder?: ByteOrder;
}

const DEFAULT_SNAPLEN = 262144;
const UINT32_MAX = 0xffffffff;

class ByteWriter {
  offset = 0;
  constructor(
    readonly buf: Buffer,
    private readonly order: ByteOrder,
  ) {}
  u16(v: number): void {
    this.offset = this.order === 'LE' ? this.buf.writeUInt16LE(v, this.offset) : this.buf.writeUInt16BE(v, this.offset);
  }
  u32(v: number): void {
    this.offset = this.order === 'LE' ? this.buf.writeUInt32LE(v, this.offset) : this.buf.writeUInt32BE(v, this.offset);
  }
  bytes(data: Buffer, paddedLength: number): void {
    data.copy(this.buf, this.offset);
    this.offset += paddedLength; // Buffer.alloc zero-fills the padding
  }
}

function checkUint(value: number, max: number, field: string): number {
  if (!Number.isInteger(value) || value < 0 || value > max) {
    throw new EncodeError('INVALID_FIELD', `${field} must be an integer in 0..${max}, got ${value}`, field);
  }
  return value;
}

interface NormalFrame {
  data: Buffer;
  seconds: number;
  nanos: number;
  originalLength: number;
}

function normalise(frames: readonly FrameToWrite[], snaplen: number, maxSeconds: number): NormalFrame[] {
  return frames.map((f) => {
    const originalLength = checkUint(f.originalLength ?? f.data.length, UINT32_MAX, 'originalLength');
    if (originalLength < f.data.length) {
      throw new EncodeError('INVALID_FIELD', `originalLength ${originalLength} is below the data length ${f.data.length}`, 'originalLength');
    }
    return {
      data: snaplen > 0 && f.data.length > snaplen ? f.data.subarray(0, snaplen) : f.data,
      seconds: checkUint(f.seconds ?? 0, maxSeconds, 'seconds'),
      nanos: checkUint(f.nanos ?? 0, 999_999_999, 'nanos'),
      originalLength,
    };
  });
}

const pad4 = (n: number): number => (n + 3) & ~3;

/**
 * Writes a classic pcap file: 24-byte header, then one record per frame.
 * @throws EncodeError INVALID_FIELD when linkType or snaplen is not a uint32, seconds not a uint32, nanos out
 *   of 0..999999999, or originalLength not a uint32 at least data.length.
 */
export function writePcap(frames: readonly FrameToWrite[], opts: WriteCaptureOptions): Buffer {
  const linkType = checkUint(opts.linkType, UINT32_MAX, 'linkType');
  const snaplen = checkUint(opts.snaplen ?? DEFAULT_SNAPLEN, UINT32_MAX, 'snaplen');
  const nanosecond = opts.nanosecond ?? false;
  const list = normalise(frames, snaplen, UINT32_MAX);
  const total = list.reduce((n, f) => n + PCAP_RECORD_HEADER_LENGTH + f.data.length, PCAP_HEADER_LENGTH);
  const w = new ByteWriter(Buffer.alloc(total), opts.byteOrder ?? 'LE');
  w.u32(nanosecond ? PCAP_MAGIC_NANOS : PCAP_MAGIC_MICROS);
  w.u16(2);
  w.u16(4);
  w.u32(0); // thiszone
  w.u32(0); // sigfigs
  w.u32(snaplen);
  w.u32(linkType);
  for (const f of list) {
    w.u32(f.seconds);
    w.u32(nanosecond ? f.nanos : Math.floor(f.nanos / 1000));
    w.u32(f.data.length);
    w.u32(f.originalLength);
    w.bytes(f.data, f.data.length);
  }
  return w.buf;
}

/**
 * Writes a pcapng file: one Section Header Block, one Interface Description Block (with if_tsresol = 9 when
 * `nanosecond`), then one Enhanced Packet Block per frame on interface 0.
 * @throws EncodeError INVALID_FIELD when linkType is not a uint16, snaplen not a uint32, seconds not a safe
 *   non-negative integer whose timestamp fits 64 bits, nanos out of 0..999999999, or originalLength not a
 *   uint32 at least data.length.
 */
export function writePcapng(frames: readonly FrameToWrite[], opts: WriteCaptureOptions): Buffer {
  const linkType = checkUint(opts.linkType, 0xffff, 'linkType');
  const snaplen = checkUint(opts.snaplen ?? DEFAULT_SNAPLEN, UINT32_MAX, 'snaplen');
  const nanosecond = opts.nanosecond ?? false;
  const list = normalise(frames, snaplen, Number.MAX_SAFE_INTEGER);
  const shbLength = 28;
  const idbLength = nanosecond ? 32 : 20;
  const total = list.reduce((n, f) => n + 32 + pad4(f.data.length), shbLength + idbLength);
  const w = new ByteWriter(Buffer.alloc(total), opts.byteOrder ?? 'LE');

  w.u32(PCAPNG_SHB);
  w.u32(shbLength);
  w.u32(PCAPNG_BYTE_ORDER_MAGIC);
  w.u16(1);
  w.u16(0);
  w.u32(UINT32_MAX); // section length -1: not specified
  w.u32(UINT32_MAX);
  w.u32(shbLength);

  w.u32(PCAPNG_IDB);
  w.u32(idbLength);
  w.u16(linkType);
  w.u16(0);
  w.u32(snaplen);
  if (nanosecond) {
    w.u16(PCAPNG_OPT_IF_TSRESOL);
    w.u16(1);
    w.bytes(Buffer.from([9]), 4);
    w.u32(0); // opt_endofopt
  }
  w.u32(idbLength);

  const unitsPerSecond = nanosecond ? 1_000_000_000n : 1_000_000n;
  for (const f of list) {
    const units = BigInt(f.seconds) * unitsPerSecond + BigInt(nanosecond ? f.nanos : Math.floor(f.nanos / 1000));
    if (units >= 1n << 64n) {
      throw new EncodeError('INVALID_FIELD', `seconds ${f.seconds} does not fit a 64-bit pcapng timestamp`, 'seconds');
    }
    const length = 32 + pad4(f.data.length);
    w.u32(PCAPNG_EPB);
    w.u32(length);
    w.u32(0); // interface id
    w.u32(Number(units >> 32n));
    w.u32(Number(units & 0xffffffffn));
    w.u32(f.data.length);
    w.u32(f.originalLength);
    w.bytes(f.data, pad4(f.data.length));
    w.u32(length);
  }
  return w.buf;
}
