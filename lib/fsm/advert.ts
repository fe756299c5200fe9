/**
 * Building our advertisements and the configuration-dependent checks of received ones
 * (RFC 9568 §7.2 fill-in, RFC 3768 §7.1 interval and authentication rules).
 */
import type { Advertisement } from '../packet/advertisement';
import { CS_PER_S } from './timers';
import type { ResolvedConfig } from './config';
import type { AdvertDropReason } from './types';

/**
 * Our advertisement with `priority` (the effective priority, or 0 when stopping): VRID, our
 * Advertisement_Interval, every virtual address and, for v2, the authentication (RFC 9568 §7.2,
 * RFC 3768 §7.2).
 */
export function buildAdvert(config: ResolvedConfig, priority: number): Advertisement {
  if (config.version === 3) {
    return {
      version: 3,
      family: config.family,
      vrid: config.vrid,
      priority,
      intervalCs: config.intervalCs,
      addresses: [...config.virtualAddresses],
    };
  }
  return {
    version: 2,
    family: 4,
    vrid: config.vrid,
    priority,
    intervalS: config.intervalCs / CS_PER_S,
    authType: config.authType,
    authData: new Uint8Array(config.authData),
    addresses: [...config.virtualAddresses],
  };
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) if ((a[i] ?? 0) !== (b[i] ?? 0)) return false;
  return true;
}

/**
 * The reason to ignore `ad` under our configuration, or null when the state machine should process it.
 * Re-checks the rules that depend on configuration (version, family, VRID; v2 interval RFC 3768 §7.1,
 * v2 authentication RFC 3768 §5.3.6) so the router is safe even when the caller skipped lib/packet's
 * receive step; adverts from our own primary address are ignored (multicast loopback).
 */
export function rejectReason(config: ResolvedConfig, ad: Advertisement, src: string): AdvertDropReason | null {
  if (ad.version !== config.version) return 'VERSION_MISMATCH';
  if (ad.family !== config.family) return 'FAMILY_MISMATCH';
  if (ad.vrid !== config.vrid) return 'VRID_NOT_CONFIGURED';
  if (src === config.primaryAddress) return 'OWN_ADVERT';
  if (ad.version === 3) return ad.intervalCs === 0 ? 'INTERVAL_ZERO' : null;
  if (ad.intervalS * CS_PER_S !== config.intervalCs) return 'V2_INTERVAL_MISMATCH';
  if (ad.authType !== config.authType) return 'AUTH_TYPE_MISMATCH';
  if (config.authType === 1 && !sameBytes(ad.authData, config.authData)) return 'AUTH_MISMATCH';
  return null;
}
