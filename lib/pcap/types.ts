/**
 * Types and constants shared by the pcap and pcapng readers and writers.
 * Formats: pcap per draft-ietf-opsawg-pcap (libpcap's pcap-savefile(5)); pcapng per draft-ietf-opsawg-pcapng.
 */

/** The link types a capture names; defined once, beside the decapsulation code that reads them. */
export { LINKTYPE_ETHERNET, LINKTYPE_LINUX_SLL, LINKTYPE_LINUX_SLL2 } from '../packet/link';

/** One packet record of a capture file. */
export interface CapturedFrame {
  /** 1-based position of the frame in the file, counting every packet record. */
  index: number;
  /** LINKTYPE_* of the frame's interface (1 Ethernet, 113 Linux SLL, 276 Linux SLL2, others passed through). */
  linkType: number;
  /** Timestamp, whole seconds since the Unix epoch. */
  seconds: number;
  /** Timestamp, nanoseconds within the second (0..999999999), exact for µs and ns resolutions. */
  nanos: number;
  /** seconds*1000 + nanos/1e6: milliseconds since the epoch, a convenience (float, not exact). */
  timeMs: number;
  /** Length of the packet on the wire, in bytes. */
  originalLength: number;
  /** Captured bytes: a view into the input buffer, not a copy. */
  data: Buffer;
  /** Index of the frame's interface within its pcapng section; always 0 for pcap. */
  interfaceId: number;
}

/** A whole decoded capture file. */
export interface Capture {
  format: 'pcap' | 'pcapng';
  frames: CapturedFrame[];
  /**
   * True when the last record was cut short and `allowTruncatedTail` was given (the frames before it are
   * returned); false otherwise. Always set by `readCapture`.
   */
  truncated?: boolean;
}

/** Options of `readCapture` and `iterateCapture`. */
export interface ReadCaptureOptions {
  /**
   * Accept a file whose last record or block is cut short (e.g. tcpdump killed mid-write): stop before it
   * and report `truncated: true` instead of throwing TRUNCATED. A truncated file header still throws.
   */
  allowTruncatedTail?: boolean;
}

/** What an iteration learned once it has finished: the value returned by the generator. */
export interface CaptureEnd {
  format: 'pcap' | 'pcapng';
  /** See `Capture.truncated`. */
  truncated: boolean;
}

/** Byte order of a file, section or record: little- or big-endian. */
export type ByteOrder = 'LE' | 'BE';

/** Reads an unsigned 16-bit integer; the caller has checked the bounds. */
export function u16(buf: Buffer, offset: number, order: ByteOrder): number {
  return order === 'LE' ? buf.readUInt16LE(offset) : buf.readUInt16BE(offset);
}

/** Reads an unsigned 32-bit integer; the caller has checked the bounds. */
export function u32(buf: Buffer, offset: number, order: ByteOrder): number {
  return order === 'LE' ? buf.readUInt32LE(offset) : buf.readUInt32BE(offset);
}

/** Builds a frame, deriving `timeMs` from seconds and nanos. */
export function makeFrame(
  index: number,
  linkType: number,
  seconds: number,
  nanos: number,
  originalLength: number,
  data: Buffer,
  interfaceId: number,
): CapturedFrame {
  return { index, linkType, seconds, nanos, timeMs: seconds * 1000 + nanos / 1e6, originalLength, data, interfaceId };
}
