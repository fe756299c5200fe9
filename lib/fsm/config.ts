/**
 * Validation and defaults of `RouterConfig`. The config layer (keepalived.conf) reports user errors with
 * file:line:col; this module guards the library API and throws `VrrpError` code CONFIG.
 */
import { VrrpError } from '../errors';
import { formatAddress, parseAddress } from '../packet/address';
import { V3_MAX_INTERVAL_CS, VRRP_V2_AUTH_LENGTH } from '../packet/constants';
import { CS_PER_S, DOWN_TIMER_ADVERTS } from './timers';
import type { InitialState, RouterConfig } from './types';

/** A `RouterConfig` with every default filled in and addresses in canonical text form. */
export interface ResolvedConfig {
  name: string;
  vrid: number;
  version: 2 | 3;
  family: 4 | 6;
  priority: number;
  intervalCs: number;
  virtualAddresses: string[];
  primaryAddress: string;
  preempt: boolean;
  preemptDelayCs: number;
  initialState: InitialState;
  lowerPrioNoAdvert: boolean;
  higherPrioSendAdvert: boolean;
  /** Adverts in Master_Down_Interval (keepalived `down_timer_adverts`; RFC 9568 §6.1: 3). */
  downTimerAdverts: number;
  /** v2 auth type (0 for v3). */
  authType: 0 | 1;
  /** v2 auth data zero-padded to 8 bytes (zeros for type 0 and v3). */
  authData: Uint8Array;
  acceptMode: boolean;
}

function fail(name: string, message: string): never {
  throw new VrrpError('CONFIG', `vrrp_instance ${name}: ${message}`);
}

function isIntIn(value: number, min: number, max: number): boolean {
  return Number.isInteger(value) && value >= min && value <= max;
}

function canonical(name: string, text: string, family: 4 | 6, what: string): string {
  try {
    return formatAddress(parseAddress(text, family), 0, family);
  } catch {
    return fail(name, `${what} ${JSON.stringify(text)} is not an IPv${family} address`);
  }
}

/**
 * Checks `config` and fills defaults (preempt true, preempt delay 0, initial state BACKUP,
 * lower_prio_no_advert and higher_prio_send_advert false, down_timer_adverts 3, auth none, accept mode false).
 * @throws VrrpError CONFIG naming the instance and the field to change.
 */
export function resolveConfig(config: RouterConfig): ResolvedConfig {
  const name = config.name;
  if (!isIntIn(config.vrid, 1, 255)) fail(name, `virtual_router_id must be 1..255, got ${config.vrid}`);
  if (config.version !== 2 && config.version !== 3) fail(name, `version must be 2 or 3, got ${String(config.version)}`);
  if (config.family !== 4 && config.family !== 6) fail(name, `family must be 4 or 6, got ${String(config.family)}`);
  if (config.version === 2 && config.family !== 4) fail(name, 'VRRPv2 is IPv4 only (RFC 3768); use version 3 for IPv6');
  if (!isIntIn(config.priority, 1, 255)) fail(name, `priority must be 1..255, got ${config.priority}`);
  if (config.version === 3) {
    if (!isIntIn(config.intervalCs, 1, V3_MAX_INTERVAL_CS)) {
      fail(name, `advert interval must be 1..${V3_MAX_INTERVAL_CS} centiseconds for v3, got ${config.intervalCs}`);
    }
  } else if (!isIntIn(config.intervalCs / CS_PER_S, 1, 255)) {
    fail(name, `advert interval must be whole seconds 1..255 for v2, got ${config.intervalCs / CS_PER_S} s`);
  }
  if (config.virtualAddresses.length === 0) fail(name, 'needs at least one virtual address');
  if (config.virtualAddresses.length > 255) fail(name, 'at most 255 virtual addresses fit in an advert');
  const virtualAddresses = config.virtualAddresses.map((a) => canonical(name, a, config.family, 'virtual address'));
  const primaryAddress = canonical(name, config.primaryAddress, config.family, 'primary address');
  const preemptDelayCs = config.preemptDelayCs ?? 0;
  if (!Number.isFinite(preemptDelayCs) || preemptDelayCs < 0) fail(name, `preempt_delay must be >= 0, got ${preemptDelayCs}`);
  const downTimerAdverts = config.downTimerAdverts ?? DOWN_TIMER_ADVERTS;
  if (!isIntIn(downTimerAdverts, 1, 100)) fail(name, `down_timer_adverts must be 1..100, got ${downTimerAdverts}`);
  const authData = new Uint8Array(VRRP_V2_AUTH_LENGTH);
  let authType: 0 | 1 = 0;
  if (config.auth) {
    if (config.version !== 2) fail(name, 'authentication exists only in VRRPv2 (RFC 9568 removed it)');
    if (config.auth.type !== 0 && config.auth.type !== 1) fail(name, `auth type must be 0 or 1, got ${String(config.auth.type)}`);
    if (config.auth.data.length > VRRP_V2_AUTH_LENGTH) fail(name, 'auth_pass is longer than 8 bytes');
    authType = config.auth.type;
    if (authType === 1) authData.set(config.auth.data);
  }
  return {
    name,
    vrid: config.vrid,
    version: config.version,
    family: config.family,
    priority: config.priority,
    intervalCs: config.intervalCs,
    virtualAddresses,
    primaryAddress,
    preempt: config.preempt ?? true,
    preemptDelayCs,
    initialState: config.initialState ?? 'BACKUP',
    lowerPrioNoAdvert: config.lowerPrioNoAdvert ?? false,
    higherPrioSendAdvert: config.higherPrioSendAdvert ?? false,
    downTimerAdverts,
    authType,
    authData,
    acceptMode: config.acceptMode ?? false,
  };
}
