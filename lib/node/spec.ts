/**
 * What the node core is built from: one host's instances, scripts, tracked files and sync groups, with
 * everything the edges must know already resolved (source addresses, VIP devices, announce schedule,
 * receive expectations). Plain data, comparable field by field for reload (diff.ts).
 */
import type { NotifyCommands } from '../config/types';
import type { RouterConfig } from '../fsm/types';
import type { ChecksumForm } from '../packet/checksum';
import type { InstanceExpectations } from '../packet/receive';
import type { AnnounceConfig } from './announce';

/** One virtual address as the platform adds it: device and "address/len". */
export interface VipSpec {
  dev: string;
  cidr: string;
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
  /** Device and MAC (undefined: the interface's own) of the gratuitous ARPs / NAs. */
  announceDev: string;
  announceMac?: string;
  announce: AnnounceConfig;
  /** Interfaces whose link state is tracked (weight 0 = FAULT when down); includes the own one. */
  trackInterfaces: TrackRefSpec[];
  trackScripts: TrackRefSpec[];
  trackFiles: TrackRefSpec[];
  /**
   * The source address found on `interface` at start (no mcast/unicast_src_ip): while it is gone the
   * instance is in FAULT, or the kernel would send our adverts from another address (a VIP even).
   */
  trackSource?: string;
  notify: NotifyCommands;
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

/** One `vrrp_sync_group`. */
export interface SyncGroupSpec {
  name: string;
  members: string[];
  notify: NotifyCommands;
}

/** The whole host. */
export interface NodeSpec {
  instances: InstanceSpec[];
  scripts: ScriptSpec[];
  files: FileSpec[];
  syncGroups: SyncGroupSpec[];
}
