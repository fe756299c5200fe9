/**
 * pcapng reader (draft-ietf-opsawg-pcapng): sections of either byte order, Interface Description Blocks with
 * if_tsresol and if_tsoffset, Enhanced, Simple and (obsolete) Packet Blocks; other blocks are skipped by
 * their length. Pure: takes a Buffer (or a CaptureSource), yields frames whose `data` are views into it.
 */
import { DecodeError } from '../errors';
import { bufferSource, CaptureSource } from './source';
import { ByteOrder, CaptureEnd, CapturedFrame, makeFrame, ReadCaptureOptions, u16, u32 } from './types';

/** Block type of the Section Header Block (a palindrome, so it reads the same in both byte orders). */
export const PCAPNG_SHB = 0x0a0d0d0a;
/** Block type of the Interface Description Block. */
export const PCAPNG_IDB = 1;
/** Block type of the obsolete Packet Block. */
export const PCAPNG_PB = 2;
/** Block type of the Simple Packet Block. */
export const PCAPNG_SPB = 3;
/** Block type of the Enhanced Packet Block. */
export const PCAPNG_EPB = 6;
/** Byte-order magic of the Section Header Block, as read in the section's own byte order. */
export const PCAPNG_BYTE_ORDER_MAGIC = 0x1a2b3c4d;
/** IDB option code of if_tsresol (1 byte: timestamp resolution). */
export const PCAPNG_OPT_IF_TSRESOL = 9;
/** IDB option code of if_tsoffset (signed 64-bit seconds added to every timestamp). */
export const PCAPNG_OPT_IF_TSOFFSET = 14;

/** Smallest legal total length of each block type we interpret, in bytes. */
const MIN_LENGTH: Record<number, number> = {
  [PCAPNG_SHB]: 28,
  [PCAPNG_IDB]: 20,
  [PCAPNG_PB]: 32,
  [PCAPNG_SPB]: 16,
  [PCAPNG_EPB]: 32,
};

const NANOS_PER_SECOND = 1_000_000_000n;

interface Interface {
  linkType: number;
  /** 0 means no limit. */
  snaplen: number;
  /** Timestamp units per second (from if_tsresol; 10^6 by default). */
  unitsPerSecond: bigint;
  /** Seconds added to every timestamp (if_tsoffset). */
  offsetSeconds: bigint;
}

/**
 * Units per second of an if_tsresol value: 10^v, or 2^(v & 0x7f) when the high bit is set.
 * E.g. 6 -> 1e6 (µs), 9 -> 1e9 (ns), 0x94 -> 2^20.
 */
export function tsresolUnitsPerSecond(tsresol: number): bigint {
  return tsresol & 0x80 ? 1n << BigInt(tsresol & 0x7f) : 10n ** BigInt(tsresol & 0x7f);
}

function timestamp(high: number, low: number, iface: Interface): { seconds: number; nanos: number } {
  const units = (BigInt(high) << 32n) | BigInt(low);
  const ups = iface.unitsPerSecond;
  const seconds = Number(units / ups + iface.offsetSeconds);
  const nanos = Number(((units % ups) * NANOS_PER_SECOND) / ups);
  return { seconds, nanos };
}

/**
 * Decodes an IDB's body (its total length already checked), options included. `offset` indexes `buf`;
 * `base` is the file offset of buf[0] (for error offsets).
 */
function decodeInterface(buf: Buffer, offset: number, length: number, order: ByteOrder, base: number): Interface {
  const iface: Interface = {
    linkType: u16(buf, offset + 8, order),
    snaplen: u32(buf, offset + 12, order),
    unitsPerSecond: 1_000_000n,
    offsetSeconds: 0n,
  };
  const end = offset + length - 4;
  let p = offset + 16;
  while (end - p >= 4) {
    const code = u16(buf, p, order);
    const optLength = u16(buf, p + 2, order);
    if (code === 0) break;
    if (optLength > end - p - 4) throw new DecodeError('BAD_CAPTURE', base + p, `IDB option ${code} overruns its block`);
    if (code === PCAPNG_OPT_IF_TSRESOL) {
      if (optLength !== 1) throw new DecodeError('BAD_CAPTURE', base + p, `if_tsresol length ${optLength}, expected 1`);
      iface.unitsPerSecond = tsresolUnitsPerSecond(buf[p + 4]);
    } else if (code === PCAPNG_OPT_IF_TSOFFSET) {
      if (optLength !== 8) throw new DecodeError('BAD_CAPTURE', base + p, `if_tsoffset length ${optLength}, expected 8`);
      iface.offsetSeconds = order === 'LE' ? buf.readBigInt64LE(p + 4) : buf.readBigInt64BE(p + 4);
    }
    p += 4 + ((optLength + 3) & ~3);
  }
  return iface;
}

function lookupInterface(interfaces: Interface[], id: number, at: number): Interface {
  const iface = interfaces[id];
  if (iface === undefined) {
    throw new DecodeError('BAD_CAPTURE', at, `packet refers to interface ${id}; the section defines ${interfaces.length}`);
  }
  return iface;
}

/**
 * Iterates the packet blocks (EPB, SPB, PB) of a pcapng file (a Buffer, or a CaptureSource to stream it); frame `index` counts them from 1 across
 * sections, `interfaceId` is the interface's index within its section. SPB frames have seconds = nanos = 0.
 * Returns (as the generator's value) whether the tail was truncated.
 * @throws DecodeError BAD_CAPTURE: first block not an SHB (at 0); bad byte-order magic (SHB+8); SHB major
 *   version not 1 (SHB+12); block length < 12, not a multiple of 4 or below its type's minimum (block+4);
 *   trailing length differs (at the trailing field); IDB option overrun or bad length (at the option);
 *   captured length beyond the block (EPB/PB +20); unknown interface (EPB/PB +8, SPB at the block).
 *   TRUNCATED at the block's offset when the last block is cut short (unless `allowTruncatedTail`).
 */
export function* iteratePcapng(input: Buffer | CaptureSource, opts: ReadCaptureOptions = {}): Generator<CapturedFrame, CaptureEnd, undefined> {
  const src = Buffer.isBuffer(input) ? bufferSource(input) : input;
  let order: ByteOrder = 'LE';
  let interfaces: Interface[] = [];
  let inSection = false;
  let index = 0;
  let offset = 0;
  const truncated = (what: string): CaptureEnd => {
    if (opts.allowTruncatedTail && offset > 0) return { format: 'pcapng', truncated: true };
    throw new DecodeError('TRUNCATED', offset, `pcapng ${what} cut short`);
  };
  while (src.ensure(offset, 1)) {
    if (!src.ensure(offset, 8)) return truncated('block header');
    const type = src.buf.readUInt32LE(offset - src.base);
    if (type === PCAPNG_SHB) {
      if (!src.ensure(offset, 12)) return truncated('section header block');
      const at = offset - src.base;
      if (src.buf.readUInt32LE(at + 8) === PCAPNG_BYTE_ORDER_MAGIC) order = 'LE';
      else if (src.buf.readUInt32BE(at + 8) === PCAPNG_BYTE_ORDER_MAGIC) order = 'BE';
      else throw new DecodeError('BAD_CAPTURE', offset + 8, 'bad pcapng byte-order magic');
    } else if (!inSection) {
      throw new DecodeError('BAD_CAPTURE', offset, 'not a pcapng file: first block is not a section header');
    }
    const blockType = type === PCAPNG_SHB ? type : u32(src.buf, offset - src.base, order);
    const length = u32(src.buf, offset - src.base + 4, order);
    if (length < 12 || length % 4 !== 0) {
      throw new DecodeError('BAD_CAPTURE', offset + 4, `pcapng block length ${length} (must be >= 12 and a multiple of 4)`);
    }
    if (!src.ensure(offset, length)) return truncated(`block (type ${blockType}, ${length} bytes)`);
    const buf = src.buf;
    const at = offset - src.base;
    const trailer = u32(buf, at + length - 4, order);
    if (trailer !== length) {
      throw new DecodeError('BAD_CAPTURE', offset + length - 4, `pcapng trailing block length ${trailer} differs from ${length}`);
    }
    const min = MIN_LENGTH[blockType];
    if (min !== undefined && length < min) {
      throw new DecodeError('BAD_CAPTURE', offset + 4, `pcapng block type ${blockType} length ${length} below ${min}`);
    }
    switch (blockType) {
      case PCAPNG_SHB: {
        const major = u16(buf, at + 12, order);
        if (major !== 1) throw new DecodeError('BAD_CAPTURE', offset + 12, `pcapng major version ${major}, expected 1`);
        inSection = true;
        interfaces = [];
        break;
      }
      case PCAPNG_IDB:
        interfaces.push(decodeInterface(buf, at, length, order, src.base));
        break;
      case PCAPNG_EPB:
      case PCAPNG_PB: {
        const interfaceId = blockType === PCAPNG_EPB ? u32(buf, at + 8, order) : u16(buf, at + 8, order);
        const iface = lookupInterface(interfaces, interfaceId, offset + 8);
        const capturedLength = u32(buf, at + 20, order);
        if (capturedLength > length - 32) {
          throw new DecodeError('BAD_CAPTURE', offset + 20, `captured length ${capturedLength} exceeds its block`);
        }
        const { seconds, nanos } = timestamp(u32(buf, at + 12, order), u32(buf, at + 16, order), iface);
        const data = buf.subarray(at + 28, at + 28 + capturedLength);
        index += 1;
        yield makeFrame(index, iface.linkType, seconds, nanos, u32(buf, at + 24, order), data, interfaceId);
        break;
      }
      case PCAPNG_SPB: {
        const iface = lookupInterface(interfaces, 0, offset);
        const originalLength = u32(buf, at + 8, order);
        let capturedLength = Math.min(originalLength, length - 16);
        if (iface.snaplen !== 0) capturedLength = Math.min(capturedLength, iface.snaplen);
        index += 1;
        yield makeFrame(index, iface.linkType, 0, 0, originalLength, buf.subarray(at + 12, at + 12 + capturedLength), 0);
        break;
      }
      default:
        break;
    }
    offset += length;
  }
  return { format: 'pcapng', truncated: false };
}
