/** Field checks shared by the encoders: each failure is an EncodeError INVALID_FIELD naming the field. */
import { EncodeError } from '../errors';
import { parseAddress } from './address';
import { Family } from './constants';

/** `value` (undefined meaning 0) as an integer in 0..max. @throws EncodeError INVALID_FIELD. */
export function checkUint(value: number | undefined, max: number, field: string): number {
  const v = value ?? 0;
  if (!Number.isInteger(v) || v < 0 || v > max) {
    throw new EncodeError('INVALID_FIELD', `${field} must be an integer 0..${max}, got ${String(value)}`, field);
  }
  return v;
}

/** Bytes of an address of `family` given as text (or already as bytes). @throws EncodeError INVALID_FIELD. */
export function addressField(a: string | Uint8Array, family: Family, field: string): Uint8Array {
  if (typeof a !== 'string') return a;
  try {
    return parseAddress(a, family);
  } catch {
    throw new EncodeError('INVALID_FIELD', `${field} is not an IPv${family} address: ${JSON.stringify(a)}`, field);
  }
}
