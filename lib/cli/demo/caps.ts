/**
 * Whether this process may build network namespaces and run vrrpd in them: the effective capabilities
 * CAP_NET_ADMIN (bit 12) and CAP_NET_RAW (bit 13) from /proc/self/status, not just uid 0.
 */
import { readFileSync } from 'node:fs';

/** CAP_NET_ADMIN's bit in the capability sets (linux/capability.h). */
export const CAP_NET_ADMIN = 12;
/** CAP_NET_RAW's bit. */
export const CAP_NET_RAW = 13;

/** The two capabilities the demo needs. */
export interface NetCaps {
  netAdmin: boolean;
  netRaw: boolean;
}

/** The effective capabilities in a /proc/PID/status text (its `CapEff:` hex mask); none when absent. */
export function capsOfStatus(statusText: string): NetCaps {
  const m = /^CapEff:\s*([0-9a-fA-F]+)\s*$/m.exec(statusText);
  const eff = m ? BigInt(`0x${m[1]}`) : 0n;
  const has = (bit: number): boolean => ((eff >> BigInt(bit)) & 1n) === 1n;
  return { netAdmin: has(CAP_NET_ADMIN), netRaw: has(CAP_NET_RAW) };
}

/** This process's effective network capabilities (none when /proc is not readable). */
export function processCaps(): NetCaps {
  try {
    return capsOfStatus(readFileSync('/proc/self/status', 'utf8'));
  } catch {
    return { netAdmin: false, netRaw: false };
  }
}

/** Why the demo cannot run with `caps`, in one line, or null when it can. */
export function capsRefusal(caps: NetCaps): string | null {
  const missing = [caps.netAdmin ? null : 'CAP_NET_ADMIN', caps.netRaw ? null : 'CAP_NET_RAW'].filter((c) => c !== null);
  if (missing.length === 0) return null;
  return `demo needs root: without ${missing.join(' and ')} it cannot build network namespaces and send VRRP in them; run it with sudo: sudo npx vrrpd demo`;
}
