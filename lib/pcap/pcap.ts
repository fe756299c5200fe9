/**
 * Classic pcap reader (libpcap savefile, draft-ietf-opsawg-pcap): both byte orders, microsecond and
 * nanosecond magics. Pure: takes a Buffer (or a CaptureSource), yields frames whose `data` are views into it.
 */
import { DecodeError } from '../errors';
import { bufferSource, CaptureSource } from './source';
import { ByteOrder, CaptureEnd, CapturedFrame, makeFrame, ReadCaptureOptions, u16, u32 } from './types';

/** Magic of a pcap file with microsecond timestamps, as read in the file's own byte order. */
export const PCAP_MAGIC_MICROS = 0xa1b2c3d4;
/** Magic of a pcap file with nanosecond timestamps, as read in the file's own byte order. */
export const PCAP_MAGIC_NANOS = 0xa1b23c4d;
/** Length of the pcap file header, in bytes. */
export const PCAP_HEADER_LENGTH = 24;
/** Length of a pcap packet record header, in bytes. */
export const PCAP_RECORD_HEADER_LENGTH = 16;

/**
 * Largest captured length accepted when the file's snaplen is smaller (libpcap's MAXIMUM_SNAPLEN). A record
 * longer than both is refused as BAD_CAPTURE rather than taken for a truncated tail.
 */
const MAX_RECORD_FLOOR = 262144;

/** What the first four bytes of a pcap file say. */
export interface PcapMagic {
  byteOrder: ByteOrder;
  nanosecond: boolean;
}

/** Recognises a pcap magic at the start of `buf`; undefined when there is none (or fewer than 4 bytes). */
export function pcapMagic(buf: Buffer): PcapMagic | undefined {
  if (buf.length < 4) return undefined;
  const le = buf.readUInt32LE(0);
  const be = buf.readUInt32BE(0);
  if (le === PCAP_MAGIC_MICROS) return { byteOrder: 'LE', nanosecond: false };
  if (le === PCAP_MAGIC_NANOS) return { byteOrder: 'LE', nanosecond: true };
  if (be === PCAP_MAGIC_MICROS) return { byteOrder: 'BE', nanosecond: false };
  if (be === PCAP_MAGIC_NANOS) return { byteOrder: 'BE', nanosecond: true };
  return undefined;
}

/** The pcap file header fields a reader needs. */
export interface PcapHeader extends PcapMagic {
  versionMajor: number;
  versionMinor: number;
  /** Maximum captured length per packet, in bytes. */
  snaplen: number;
  /** LINKTYPE_*: the low 16 bits of the header's link-type field (the upper bits carry FCS information). */
  linkType: number;
  /** The header's whole 32-bit link-type field, FCS bits included. */
  linkTypeField: number;
}

/**
 * Decodes the 24-byte pcap file header.
 * @throws DecodeError BAD_CAPTURE at 0 (unknown magic) or 4 (major version not 2); TRUNCATED at 0.
 */
export function decodePcapHeader(buf: Buffer): PcapHeader {
  const magic = pcapMagic(buf);
  if (magic === undefined) {
    if (buf.length < 4) throw new DecodeError('TRUNCATED', 0, 'pcap file header cut short');
    throw new DecodeError('BAD_CAPTURE', 0, 'not a pcap file: unknown magic');
  }
  if (buf.length < PCAP_HEADER_LENGTH) {
    throw new DecodeError('TRUNCATED', 0, `pcap file header needs ${PCAP_HEADER_LENGTH} bytes, have ${buf.length}`);
  }
  const order = magic.byteOrder;
  const versionMajor = u16(buf, 4, order);
  if (versionMajor !== 2) throw new DecodeError('BAD_CAPTURE', 4, `pcap major version ${versionMajor}, expected 2`);
  const linkTypeField = u32(buf, 20, order);
  return {
    ...magic,
    versionMajor,
    versionMinor: u16(buf, 6, order),
    snaplen: u32(buf, 16, order),
    linkType: linkTypeField & 0xffff,
    linkTypeField,
  };
}

/**
 * Iterates the packet records of a pcap file (a Buffer, or a CaptureSource to stream it). Frame `index` is
 * 1-based; `interfaceId` is 0. Returns (as the generator's value) whether the tail was truncated.
 * @throws DecodeError as `decodePcapHeader`; BAD_CAPTURE at record+8 when a captured length exceeds both the
 *   snaplen and 262144; TRUNCATED at the record's offset when a record is cut short (unless
 *   `allowTruncatedTail`).
 */
export function* iteratePcap(input: Buffer | CaptureSource, opts: ReadCaptureOptions = {}): Generator<CapturedFrame, CaptureEnd, undefined> {
  const src = Buffer.isBuffer(input) ? bufferSource(input) : input;
  src.ensure(0, PCAP_HEADER_LENGTH);
  const header = decodePcapHeader(src.base === 0 ? src.buf : Buffer.alloc(0));
  const order = header.byteOrder;
  const fracToNanos = header.nanosecond ? 1 : 1000;
  const maxCaptured = Math.max(header.snaplen, MAX_RECORD_FLOOR);
  let offset = PCAP_HEADER_LENGTH;
  let index = 0;
  while (src.ensure(offset, 1)) {
    if (!src.ensure(offset, PCAP_RECORD_HEADER_LENGTH)) {
      if (opts.allowTruncatedTail) return { format: 'pcap', truncated: true };
      throw new DecodeError('TRUNCATED', offset, `pcap record header cut short: ${src.size - offset} of 16 bytes`);
    }
    const capturedLength = u32(src.buf, offset - src.base + 8, order);
    if (capturedLength > maxCaptured) {
      throw new DecodeError('BAD_CAPTURE', offset + 8, `pcap record length ${capturedLength} exceeds snaplen ${header.snaplen}`);
    }
    const dataStart = offset + PCAP_RECORD_HEADER_LENGTH;
    if (!src.ensure(offset, PCAP_RECORD_HEADER_LENGTH + capturedLength)) {
      if (opts.allowTruncatedTail) return { format: 'pcap', truncated: true };
      throw new DecodeError('TRUNCATED', offset, `pcap record data cut short: ${src.size - dataStart} of ${capturedLength} bytes`);
    }
    const buf = src.buf;
    const at = offset - src.base;
    let seconds = u32(buf, at, order);
    let nanos = u32(buf, at + 4, order) * fracToNanos;
    if (nanos >= 1e9) {
      // Out-of-range fraction (non-conforming writers): carry into seconds so nanos stays within the second.
      seconds += Math.floor(nanos / 1e9);
      nanos %= 1e9;
    }
    index += 1;
    const dataAt = at + PCAP_RECORD_HEADER_LENGTH;
    yield makeFrame(index, header.linkType, seconds, nanos, u32(buf, at + 12, order), buf.subarray(dataAt, dataAt + capturedLength), 0);
    offset = dataStart + capturedLength;
  }
  return { format: 'pcap', truncated: false };
}
