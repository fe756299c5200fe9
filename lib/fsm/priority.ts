/**
 * Priority arithmetic and the election order (RFC 9568 §5.2.4, §6.4.3). Pure functions.
 */
import { compareAddressBytes, parseAddress } from '../packet/address';

/** Priority of the address owner (RFC 9568 §5.2.4). */
export const OWNER_PRIORITY = 255;

/** Priority a stopping Master advertises (RFC 9568 §5.2.4). */
export const STOP_PRIORITY = 0;

/** Lowest / highest priority a non-owner may use (RFC 9568 §5.2.4). */
export const MIN_BACKUP_PRIORITY = 1;
export const MAX_BACKUP_PRIORITY = 254;

/**
 * Effective priority: the owner's 255 never changes; anyone else is `base + delta` clamped to 1..254
 * (keepalived tracker weights; RFC 9568 §5.2.4 reserves 0 and 255).
 */
export function effectivePriority(base: number, delta: number): number {
  if (base === OWNER_PRIORITY) return OWNER_PRIORITY;
  return Math.min(MAX_BACKUP_PRIORITY, Math.max(MIN_BACKUP_PRIORITY, base + delta));
}

/**
 * Whether a sender with priority `theirPriority` and primary address `theirAddress` wins against us
 * (`ourPriority`, `ourAddress`) by RFC 9568 §6.4.3: higher priority, or equal priority and a higher
 * primary address compared as unsigned integers in network byte order.
 */
export function outranks(theirPriority: number, theirAddress: string, ourPriority: number, ourAddress: string): boolean {
  if (theirPriority !== ourPriority) return theirPriority > ourPriority;
  return compareAddressBytes(parseAddress(theirAddress), parseAddress(ourAddress)) > 0;
}
