/**
 * Types of the sans-I/O virtual router: states, inputs, configuration and the actions it returns.
 * State names are the users' words (MASTER, BACKUP, FAULT); MASTER means RFC 9568's Active router.
 */
import type { Advertisement } from '../packet/advertisement';

/** Router state (RFC 9568 §6.4: Initialize, Backup, Active; FAULT is keepalived's extension). */
export type RouterState = 'INIT' | 'BACKUP' | 'MASTER' | 'FAULT';

/**
 * Why a state changed: a stable code for logs, notify scripts and metrics.
 * - `startup`: Initialize -> Backup (RFC 9568 §6.4.1).
 * - `owner-startup`: Initialize -> MASTER because the priority is 255 (RFC 9568 §6.4.1).
 * - `master-down-timer`: Master_Down_Timer fired after the Master went silent (RFC 9568 §6.4.2).
 * - `priority-zero`: Master_Down_Timer (cut to Skew_Time by a priority-0 advert) fired (RFC 9568 §6.4.2).
 * - `preempted`: Master_Down_Timer fired while we discarded a lower-priority Master's adverts (§6.4.2).
 * - `higher-priority-advert`: a MASTER heard a better router and stepped down (RFC 9568 §6.4.3).
 * - `fault` / `fault-cleared`: keepalived FAULT state entered / left (tracker impact).
 * - `sync-group`: forced by a keepalived `vrrp_sync_group` peer.
 * - `shutdown`: Shutdown event (RFC 9568 §6.4.2, §6.4.3).
 */
export type TransitionReason =
  | 'startup'
  | 'owner-startup'
  | 'master-down-timer'
  | 'priority-zero'
  | 'preempted'
  | 'higher-priority-advert'
  | 'fault'
  | 'fault-cleared'
  | 'sync-group'
  | 'shutdown';

/**
 * Why the router ignored an advert it was given. Codes shared with lib/packet/receive.ts where the rule is
 * the same (the router re-checks the configuration-dependent rules so it is safe on its own).
 * - `V2_INTERVAL_MISMATCH`: RFC 3768 §7.1, v2 advert interval differs from ours.
 * - `AUTH_TYPE_MISMATCH` / `AUTH_MISMATCH`: RFC 3768 §5.3.6 / §7.1, v2 authentication differs.
 * - `VERSION_MISMATCH`, `VRID_NOT_CONFIGURED`, `FAMILY_MISMATCH`, `INTERVAL_ZERO`: receive rules the
 *   packet layer enforces (RFC 9568 §7.1), re-checked defensively.
 * - `OWN_ADVERT`: the advert's source is our own primary address (multicast loopback).
 * - `STATE_INIT` / `STATE_FAULT`: not taking part (not started, or keepalived FAULT).
 */
export type AdvertDropReason =
  | 'V2_INTERVAL_MISMATCH'
  | 'AUTH_TYPE_MISMATCH'
  | 'AUTH_MISMATCH'
  | 'VERSION_MISMATCH'
  | 'VRID_NOT_CONFIGURED'
  | 'FAMILY_MISMATCH'
  | 'INTERVAL_ZERO'
  | 'OWN_ADVERT'
  | 'STATE_INIT'
  | 'STATE_FAULT';

/**
 * What the router asks its driver to do, in the order to do it. Pure data: the router itself never
 * performs I/O.
 */
export type Action =
  /** Send this advertisement (fully formed: vrid, effective priority or 0, interval, VIPs, v2 auth). */
  | { type: 'send-advert'; advert: Advertisement }
  /** Configure these virtual addresses on the interface (entering MASTER, RFC 9568 §6.4.3). */
  | { type: 'add-vips'; addresses: string[] }
  /** Remove these virtual addresses (leaving MASTER). */
  | { type: 'remove-vips'; addresses: string[] }
  /** Gratuitous ARP / unsolicited NA for these addresses (entering MASTER, RFC 9568 §6.4.2). */
  | { type: 'announce'; addresses: string[] }
  /** The state changed; `detail` carries free text such as the tracker's fault reasons. */
  | { type: 'state-change'; from: RouterState; to: RouterState; reason: TransitionReason; detail?: string }
  /** The effective priority changed (tracker weights, RFC 9568 §5.2.4 range rules). */
  | { type: 'priority-change'; from: number; to: number }
  /** The advert given to `receive` was ignored. */
  | { type: 'drop'; reason: AdvertDropReason };

/** Discriminator of `Action`. */
export type ActionType = Action['type'];

/** keepalived initial `state`: MASTER only skips the election for the address owner (priority 255). */
export type InitialState = 'MASTER' | 'BACKUP';

/** v2 authentication (RFC 3768 §5.3.6): type 0 none, 1 simple text; `data` is up to 8 bytes. */
export interface V2Auth {
  type: 0 | 1;
  data: Uint8Array;
}

/**
 * Configuration of one virtual router instance. Units are centiseconds (the fsm's unit); the config
 * layer converts keepalived's seconds at the edge.
 */
export interface RouterConfig {
  /** Instance name (keepalived `vrrp_instance NAME`), for logs. */
  name: string;
  /** Virtual Router ID, 1..255 (RFC 9568 §5.2.3). */
  vrid: number;
  /** VRRP version: 3 (RFC 9568) or 2 (RFC 3768, IPv4 only). */
  version: 2 | 3;
  /** Address family of the virtual addresses and adverts. */
  family: 4 | 6;
  /** Base priority 1..255; 255 is the address owner (RFC 9568 §5.2.4). */
  priority: number;
  /**
   * Advertisement_Interval in centiseconds (RFC 9568 §6.1): v3 1..4095; v2 whole seconds, so a
   * multiple of 100 in 100..25500 (RFC 3768 §5.3.7).
   */
  intervalCs: number;
  /** The virtual addresses (IPv6: the first should be link-local, RFC 9568 §5.2.9). */
  virtualAddresses: string[];
  /** Our own source address on the interface: Primary_IP_Address, used in the tie-break (§6.4.3). */
  primaryAddress: string;
  /** Preempt_Mode (RFC 9568 §6.1), default true. false is keepalived `nopreempt`. */
  preempt?: boolean;
  /** keepalived `preempt_delay`, in centiseconds (seconds at the config edge), default 0. */
  preemptDelayCs?: number;
  /** keepalived `state`, default BACKUP. */
  initialState?: InitialState;
  /** keepalived `lower_prio_no_advert`, default false (RFC 9568 §6.4.3: answer a lower advert at once). */
  lowerPrioNoAdvert?: boolean;
  /**
   * keepalived `higher_prio_send_advert`, default false: a MASTER that hears a better router sends one advert
   * of its own before it becomes BACKUP (so that router, with `garp_lower_prio_repeat`, announces again).
   */
  higherPrioSendAdvert?: boolean;
  /** keepalived `down_timer_adverts`, 1..100, default 3: Master_Down_Interval = N × Master_Adver_Interval + Skew_Time. */
  downTimerAdverts?: number;
  /** v2 only: authentication, default type 0. */
  auth?: V2Auth;
  /** Accept_Mode (RFC 9568 §6.1); carried for the platform layer, not used by the state machine. */
  acceptMode?: boolean;
}

/**
 * Tracker impact on one instance (from lib/track): the summed weight delta, whether any weight-0
 * tracker failed (keepalived FAULT), and a human reason for logs.
 */
export interface TrackingImpact {
  priorityDelta: number;
  fault: boolean;
  reason?: string;
}
