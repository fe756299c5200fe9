/**
 * What the node core is built from: one host's instances, scripts, tracked files and sync groups, with
 * everything the edges must know already resolved (source addresses, VIP devices, announce schedule,
 * receive expectations). Plain data, comparable field by field for reload (diff.ts).
 */
import type { NotifyCommands } from '../config/types';
import type { RouterConfig } from '../fsm/types';
import type { ChecksumForm } from '../packet/checksum';
import type { InstanceExpectations } from '../packet/receive';
import type { RouteSpec, RuleSpec, VipOptions } from '../platform/types';
import type { ParamMatch } from '../track/process-match';
import type { AnnounceConfig } from './announce';

export type { RouteSpec, RuleSpec, VipOptions };

/** Who runs a script: a user (name or uid) and optionally a group (keepalived `CMD [username [groupname]]`). */
export interface RunAs {
  user: string;
  group?: string;
}

/**
 * keepalived's notify commands of an instance or sync group, with `notify_deleted CMD` (instances only)
 * and `notify_master_rx_lower_pri CMD` (a MASTER heard a lower priority).
 */
export type NotifyScripts = NotifyCommands & { deleted?: string; masterRxLowerPri?: string };

/** Who runs each notify command (its own user, else the global script_user); absent: the daemon's user. */
export type NotifyUsers = Partial<Record<keyof NotifyScripts, RunAs>>;

/** One virtual address as the platform adds it: device and "address/len", with its line's options. */
export interface VipSpec {
  dev: string;
  cidr: string;
  /** label, scope, brd, peer, flags, preferred_lft (keepalived.conf(5) virtual_ipaddress); absent: none. */
  options?: VipOptions;
}

/** A tracked object of one instance with its weight (0: FAULT while failing) and `reverse`. */
export interface TrackRefSpec {
  name: string;
  weight: number;
  reverse: boolean;
}

/** One `vrrp_instance`, resolved. */
export interface InstanceSpec {
  /** The fsm configuration (name, VRID, family, version, priority, VIPs, primary address, ...). */
  router: RouterConfig;
  /** The configured interface (`interface`). */
  interface: string;
  /** Where adverts are sent and received: the vmac unless `vmac_xmit_base`, else `interface`. */
  rxInterface: string;
  /** Destinations of our adverts: the unicast peers, else the multicast group (mcast_dst_ip, vrrp_mcast_group4/6). */
  destinations: string[];
  /** `unicast_ttl`: TTL / hop limit of our adverts to the unicast peers (undefined: 255). */
  unicastTtl?: number;
  /** `unicast_peer` addresses in canonical form (empty: multicast, every source accepted). */
  unicastPeers: string[];
  /** v3/IPv4 checksum form we send (`v3_checksum_as_v2` = message-only). */
  checksum: ChecksumForm;
  /** What the receive step expects of adverts for this VRID on `rxInterface`. */
  expectations: InstanceExpectations;
  /** Every address the platform adds as MASTER (virtual_ipaddress and _excluded). */
  vips: VipSpec[];
  /**
   * `virtual_routes` and `virtual_rules` that can be installed: added after the VIPs on becoming MASTER (routes,
   * then rules), removed before them on leaving MASTER and at stop (rules, then routes), as keepalived does.
   */
  routes: RouteSpec[];
  rules: RuleSpec[];
  /** Device and MAC (undefined: the interface's own) of the gratuitous ARPs / NAs. */
  announceDev: string;
  announceMac?: string;
  announce: AnnounceConfig;
  /** Interfaces whose link state is tracked (weight 0 = FAULT when down); includes the own one. */
  trackInterfaces: TrackRefSpec[];
  trackScripts: TrackRefSpec[];
  trackFiles: TrackRefSpec[];
  /** `track_process` entries (its sync group's included). Optional: none when absent. */
  trackProcesses?: TrackRefSpec[];
  /**
   * The source address found on `interface` at start (no mcast/unicast_src_ip), or the configured one with
   * keepalived `track_src_ip`: while it is gone the instance is in FAULT, or the kernel would send our
   * adverts from another address (a VIP even).
   */
  trackSource?: string;
  /**
   * keepalived `skip_check_adv_addr` / `vrrp_skip_check_adv_addr`: a BACKUP does not check the address list
   * of an advert from the master it already follows (no ADDRESS_LIST_DIFFERS, no addressListErrors).
   */
  skipCheckAdvAddr?: boolean;
  /**
   * keepalived `check_unicast_src` (or min_ttl / max_ttl) was configured. vrrpd drops an advert from outside
   * `unicast_peer` either way; without it the node says once per source that keepalived would accept it.
   */
  checkUnicastSrc?: boolean;
  /** keepalived `unicast_fault_no_peer` with no `unicast_peer`: the instance stays in FAULT. */
  faultNoPeer?: boolean;
  notify: NotifyScripts;
  notifyUsers?: NotifyUsers;
  /** `notify_deleted`: removed by a reload, the instance reports DELETED (else FAULT, as keepalived). */
  notifyDeleted?: boolean;
  /** `notify_priority_changes` (else the group's, else global `vrrp_notify_priority_changes`): FIFO lines. */
  notifyPriorityChanges?: boolean;
  /**
   * Name of the link the instance sends on in a simulation (partitions and loss apply per port); the
   * daemon ignores it.
   */
  port?: string;
}

/** One `vrrp_script`. */
export interface ScriptSpec {
  name: string;
  /** The command line as written. */
  command: string;
  intervalMs: number;
  timeoutMs: number;
  weight: number;
  reverse: boolean;
  rise: number;
  fall: number;
  initFail: boolean;
  user?: string;
  group?: string;
}

/** One `track_file` / `vrrp_track_file`. */
export interface FileSpec {
  name: string;
  path: string;
  weight: number;
  reverse: boolean;
}

/** One `vrrp_track_process`, resolved (keepalived.conf(5) "VRRP track processes"). */
export interface ProcessSpec {
  name: string;
  /** The name compared with the comm, or with argv[0] when `byCmdline`. */
  process: string;
  params: string[];
  paramMatch: ParamMatch;
  byCmdline: boolean;
  quorum: number;
  /** null: unbounded. */
  quorumMax: number | null;
  forkDelayMs: number;
  terminateDelayMs: number;
  weight: number;
  reverse: boolean;
}

/** One `vrrp_sync_group`. */
export interface SyncGroupSpec {
  name: string;
  members: string[];
  notify: NotifyCommands;
  notifyUsers?: NotifyUsers;
}

/** The whole host. */
export interface NodeSpec {
  instances: InstanceSpec[];
  scripts: ScriptSpec[];
  files: FileSpec[];
  /** `vrrp_track_process` blocks. Optional: none when absent. */
  processes?: ProcessSpec[];
  syncGroups: SyncGroupSpec[];
}
