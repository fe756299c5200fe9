/**
 * Maps a parsed `vrrp_instance` to the RouterConfig of lib/fsm.
 */
import type { RouterConfig } from '../fsm/types';
import type { GlobalDefs, VrrpInstance } from './types';

/**
 * The fsm configuration of `instance`. `primaryAddress` is the interface's own address of the instance's
 * family (the parser cannot know it). lower_prio_no_advert, higher_prio_send_advert and down_timer_adverts
 * fall back to the global settings (strict mode sets the first and clears the others, as keepalived does);
 * the v2 password becomes auth type 1.
 */
export function toRouterConfig(instance: VrrpInstance, global: GlobalDefs, primaryAddress: string): RouterConfig {
  const config: RouterConfig = {
    name: instance.name,
    vrid: instance.vrid,
    version: instance.version,
    family: instance.family,
    priority: instance.priority,
    intervalCs: instance.advertIntervalCs,
    virtualAddresses: instance.virtualAddresses.map((v) => v.address),
    primaryAddress,
    preempt: instance.preempt,
    preemptDelayCs: instance.preemptDelayCs,
    initialState: instance.state,
    lowerPrioNoAdvert: instance.lowerPrioNoAdvert ?? (global.lowerPrioNoAdvert || instance.strictMode),
    acceptMode: instance.accept,
  };
  // Strict mode clears both, as keepalived does (instance.ts warns where the instance set them).
  const higher = instance.strictMode ? false : instance.higherPrioSendAdvert ?? global.higherPrioSendAdvert;
  if (higher) config.higherPrioSendAdvert = true;
  const adverts = instance.strictMode ? undefined : instance.downTimerAdverts ?? global.downTimerAdverts;
  if (adverts !== undefined) config.downTimerAdverts = adverts;
  if (instance.version === 2 && instance.authPass !== undefined) {
    config.auth = { type: 1, data: authPassBytes(instance.authPass) };
  }
  return config;
}

/**
 * The v2 auth data of `auth_pass`: its UTF-8 bytes as written in the file (what keepalived copies), cut
 * to the 8 bytes the field holds (RFC 3768 §5.3.10). Sending and checking both use this one function.
 */
export function authPassBytes(pass: string): Uint8Array {
  return new Uint8Array(Buffer.from(pass, 'utf8').subarray(0, 8));
}
