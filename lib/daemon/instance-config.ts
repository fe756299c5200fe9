/**
 * From a parsed keepalived `vrrp_instance` to what the daemon needs besides the fsm's RouterConfig
 * (lib/config/router-config.ts): the receive expectations and the GARP schedule. Pure.
 */
import type { GlobalDefs, VrrpInstance } from '../config/types';
import type { InstanceExpectations } from '../packet/receive';
import { AnnounceConfig } from './announce';

/** "address/len" of a virtual address (default /32 or /128). */
export function vipCidr(v: { address: string; prefixLength?: number; family: 4 | 6 }): string {
  return `${v.address}/${v.prefixLength ?? (v.family === 4 ? 32 : 128)}`;
}

/** The v2 auth bytes of a password (up to 8 bytes, zero padded on the wire). */
function authBytes(pass: string | undefined): Uint8Array | undefined {
  return pass === undefined ? undefined : new Uint8Array(Buffer.from(pass, 'latin1').subarray(0, 8));
}

/** What the receive step expects of adverts for this instance (RFC 9568 §7.1, RFC 3768 §7.1). */
export function expectationsOf(inst: VrrpInstance): InstanceExpectations {
  const auth = authBytes(inst.authPass);
  return {
    version: inst.version,
    intervalCs: inst.advertIntervalCs,
    addresses: inst.virtualAddresses.map((v) => v.address),
    authType: inst.version === 2 && auth ? 1 : 0,
    authData: auth,
    owner: inst.priority === 255,
    strictLinkLocal: inst.strictMode,
  };
}

/** keepalived's GARP settings of an instance (instance values override global_defs). */
export function announceConfigOf(inst: VrrpInstance, global: GlobalDefs): AnnounceConfig {
  return {
    delayMs: inst.garpMasterDelayMs ?? global.garpMasterDelayMs,
    repeat: inst.garpMasterRepeat ?? global.garpMasterRepeat,
    refreshMs: inst.garpMasterRefreshMs ?? global.garpMasterRefreshMs,
    refreshRepeat: inst.garpMasterRefreshRepeat ?? global.garpMasterRefreshRepeat,
    intervalMs: (inst.family === 4 ? global.garpIntervalUs : global.gnaIntervalUs) / 1000,
  };
}
