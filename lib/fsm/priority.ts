/**
 * The election order (RFC 9568 §6.4.3). Effective priority arithmetic lives in lib/track/impact.ts.
 */
import { compareAddressBytes, parseAddress } from '../packet/address';

/**
 * Whether a sender with priority `theirPriority` and primary address `theirAddress` wins against us
 * (`ourPriority`, `ourAddress`) by RFC 9568 §6.4.3: higher priority, or equal priority and a higher
 * primary address compared as unsigned integers in network byte order.
 */
export function outranks(theirPriority: number, theirAddress: string, ourPriority: number, ourAddress: string): boolean {
  if (theirPriority !== ourPriority) return theirPriority > ourPriority;
  return compareAddressBytes(parseAddress(theirAddress), parseAddress(ourAddress)) > 0;
}
