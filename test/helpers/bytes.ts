/** Test helpers: hex literals and the typed errors a call throws. */
import { DecodeError, EncodeError } from '../../lib/errors';

/** Bytes of hex text given in parts; white space is ignored. */
export function bytes(...parts: string[]): Buffer {
  return Buffer.from(parts.join('').replace(/\s+/g, ''), 'hex');
}

/** What `fn` throws; fails the test when it returns. */
export function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error('expected a throw');
}

/** The DecodeError `fn` throws (anything else is rethrown). */
export function decodeError(fn: () => unknown): DecodeError {
  const e = thrown(fn);
  if (!(e instanceof DecodeError)) throw e;
  return e;
}

/** The EncodeError `fn` throws (anything else is rethrown). */
export function encodeError(fn: () => unknown): EncodeError {
  const e = thrown(fn);
  if (!(e instanceof EncodeError)) throw e;
  return e;
}
