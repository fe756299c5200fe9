/**
 * Where the capture readers take their bytes from: a window onto the file that only moves forward, so a
 * capture can be read from memory or streamed in chunks with the same parser. Pure: the file-descriptor
 * source lives in ./file.
 */

/**
 * Forward-only random access to a capture's bytes by file offset. After `ensure(pos, n)` returns true, file
 * bytes [pos, pos + n) are `buf[pos - base ..]`; bytes before the `pos` of the last call may be gone. Buffers
 * handed out earlier (frame data are views into `buf`) stay valid: a source never overwrites them.
 */
export interface CaptureSource {
  /**
   * Makes bytes [pos, pos + n) available; false when the capture ends before pos + n (`size` then says
   * where). @throws DecodeError BAD_CAPTURE when a streaming source refuses to hold that many bytes at once.
   */
  ensure(pos: number, n: number): boolean;
  /** The bytes made available, from file offset `base`. */
  readonly buf: Buffer;
  readonly base: number;
  /** Length of the capture as far as known; exact once an `ensure` has returned false. */
  readonly size: number;
}

/** A whole capture already in memory. */
export function bufferSource(buf: Buffer): CaptureSource {
  return {
    buf,
    base: 0,
    size: buf.length,
    ensure: (pos, n) => pos + n <= buf.length,
  };
}
