/**
 * Per-instance counters: keepalived's VRRP statistics set (vrrp_print_stats / the SIGUSR2 stats file, what
 * keepalived-exporter reads), in camelCase, plus every dropped advert by its stable reason code.
 */
import type { AdvertDropReason } from '../fsm/types';
import type { DropReason, ReceiveWarning } from '../packet/receive';

/** Why an advert meant for an instance did not reach its router, or was ignored by it. */
export type InstanceDropReason = DropReason | AdvertDropReason | 'UNICAST_PEER_UNKNOWN';

/** keepalived's stats of one instance, and drops by reason. */
export interface InstanceCounters {
  /** Adverts handed to the transport (keepalived advert_sent). */
  advertsSent: number;
  /** Valid adverts for this instance (keepalived advert_rcvd). */
  advertsReceived: number;
  /** Transitions to MASTER (become_master). */
  becomeMaster: number;
  /** Transitions out of MASTER (release_master). */
  releaseMaster: number;
  /** Truncated or malformed packets for this VRID (packet_len_err). */
  packetLengthErrors: number;
  /** v2 interval differing from ours (advert_interval_err). */
  intervalErrors: number;
  /** TTL / hop limit not 255, or outside a unicast peer's min_ttl..max_ttl (ip_ttl_err). */
  ttlErrors: number;
  /** VRRP type not ADVERTISEMENT (invalid_type_rcvd). */
  invalidType: number;
  /** Address list differing from ours (addr_list_err). */
  addressListErrors: number;
  /** Unknown or unsupported v2 auth type (invalid_authtype). */
  authInvalid: number;
  /** v2 auth type differing from ours (authtype_mismatch). */
  authMismatch: number;
  /** v2 password differing from ours (auth_failure). */
  authFailure: number;
  /** Priority-0 adverts we sent (pri_zero_sent). */
  priorityZeroSent: number;
  /** Priority-0 adverts we received (pri_zero_rcvd). */
  priorityZeroReceived: number;
  /** Every dropped or ignored advert by reason code. */
  dropped: Partial<Record<InstanceDropReason, number>>;
}

/** New zeroed counters. */
export function emptyInstanceCounters(): InstanceCounters {
  return {
    advertsSent: 0, advertsReceived: 0, becomeMaster: 0, releaseMaster: 0, packetLengthErrors: 0, intervalErrors: 0, ttlErrors: 0,
    invalidType: 0, addressListErrors: 0, authInvalid: 0, authMismatch: 0, authFailure: 0, priorityZeroSent: 0, priorityZeroReceived: 0,
    dropped: {},
  };
}

/** The keepalived stat a drop reason also counts under, if any. */
const STAT_OF_DROP: Partial<Record<InstanceDropReason, keyof Omit<InstanceCounters, 'dropped'>>> = {
  TRUNCATED: 'packetLengthErrors',
  COUNT_ZERO: 'packetLengthErrors',
  V2_INTERVAL_MISMATCH: 'intervalErrors',
  TTL_NOT_255: 'ttlErrors',
  TTL_OUT_OF_RANGE: 'ttlErrors',
  UNKNOWN_TYPE: 'invalidType',
  UNKNOWN_AUTH_TYPE: 'authInvalid',
  AUTH_AH_UNSUPPORTED: 'authInvalid',
  AUTH_TYPE_MISMATCH: 'authMismatch',
  AUTH_MISMATCH: 'authFailure',
};

/** Counts one dropped advert under its reason (and keepalived's stat for it). */
export function countDrop(c: InstanceCounters, reason: InstanceDropReason): void {
  c.dropped[reason] = (c.dropped[reason] ?? 0) + 1;
  const stat = STAT_OF_DROP[reason];
  if (stat) c[stat]++;
}

/** Counts the receive warnings of one accepted advert (the address-list one is keepalived's addr_list_err). */
export function countWarnings(c: InstanceCounters, warnings: readonly ReceiveWarning[]): void {
  for (const w of warnings) if (w === 'ADDRESS_LIST_DIFFERS') c.addressListErrors++;
}

/** A deep copy (status snapshots must not alias live counters). */
export function copyInstanceCounters(c: InstanceCounters): InstanceCounters {
  return { ...c, dropped: { ...c.dropped } };
}
