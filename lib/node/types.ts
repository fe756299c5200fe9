/**
 * What the node core asks its shell to do (actions) and tells it (events), and its status snapshot.
 * Pure data: the daemon carries actions out with sockets, rtnetlink and processes; the simulator in memory.
 */
import type { Action, RouterState, TransitionReason } from '../fsm/types';
import type { Family } from '../packet/constants';
import type { ReceiveWarning } from '../packet/receive';
import type { InstanceCounters, InstanceDropReason } from './counters';
import type { NotifyScripts, NotifyUsers, RouteSpec, RuleSpec, VipSpec } from './spec';

/**
 * The state word keepalived gives notify scripts and FIFO lines (keepalived.conf(5), vrrp_sync_group
 * `notify`): an instance leaving for INIT is STOP; DELETED only for an instance a reload removed.
 */
export type NotifyState = 'MASTER' | 'BACKUP' | 'FAULT' | 'STOP' | 'DELETED' | 'MASTER_RX_LOWER_PRI';

/** A state change of one instance. `priority` is the effective priority after it. */
export interface StateChangeEvent {
  instance: string;
  from: RouterState;
  to: RouterState;
  reason: TransitionReason;
  priority: number;
  detail?: string;
}

/** The effective priority of an instance changed (trackers, reload). */
export interface PriorityChangeEvent {
  instance: string;
  from: number;
  to: number;
}

/** An advert was dropped; `instance` null when no instance of ours claims it (no VRID, bad header). */
export interface AdvertDroppedEvent {
  instance: string | null;
  ifname: string;
  family: Family;
  reason: InstanceDropReason;
  /** IP source, when the header could be read. */
  src: string | null;
  /** The advert's VRID, when it could be decoded. */
  vrid?: number;
}

/**
 * A peer's adverts differ from our configuration in a way the RFC says to log, not drop (address list,
 * v3 interval, IPv6 first address not link-local, an advert heard by the owner). Emitted once per
 * instance, peer and cause; every occurrence is counted.
 */
export interface PeerWarningEvent {
  instance: string;
  peer: string;
  cause: ReceiveWarning;
  message: string;
}

/** Events of a node (and of `Vrrpd` and simulated nodes, which forward them). */
export interface NodeEvents {
  'state-change': (e: StateChangeEvent) => void;
  'priority-change': (e: PriorityChangeEvent) => void;
  'advert-dropped': (e: AdvertDroppedEvent) => void;
  warning: (e: PeerWarningEvent) => void;
}

/** One event as the node returns it among its actions. */
export type NodeEvent =
  | { kind: 'state-change'; data: StateChangeEvent }
  | { kind: 'priority-change'; data: PriorityChangeEvent }
  | { kind: 'advert-dropped'; data: AdvertDroppedEvent }
  | { kind: 'warning'; data: PeerWarningEvent };

/** What the node asks the shell to do, in order. */
export type NodeAction =
  /** Send these VRRP message bytes (checksum filled in) from `src` to `dst` on `ifname`; `ttl`: unicast_ttl (default 255). */
  | { type: 'transmit'; instance: string; ifname: string; family: Family; src: string; dst: string; bytes: Buffer; priority: number; ttl?: number }
  /** Add the VIPs (before any announcement that follows). */
  | { type: 'add-vips'; instance: string; vips: VipSpec[] }
  | { type: 'remove-vips'; instance: string; vips: VipSpec[] }
  /** Install `virtual_routes`, then `virtual_rules` (after the VIPs they may name as src). */
  | { type: 'add-routes'; instance: string; routes: RouteSpec[]; rules: RuleSpec[] }
  /** Delete the rules, then the routes (before the VIPs go). */
  | { type: 'remove-routes'; instance: string; routes: RouteSpec[]; rules: RuleSpec[] }
  /** One gratuitous ARP per IPv4 and one unsolicited NA per IPv6 address, on `dev` from `mac` (or its own). */
  | { type: 'announce'; instance: string; dev: string; addresses: string[]; mac?: string }
  /** Run `vrrp_script` `script`; report the outcome with `node.scriptResult`. */
  | { type: 'run-script'; script: string; command: string; timeoutMs: number; user?: string; group?: string }
  /**
   * keepalived notify for an instance or sync group entering `state`: the scripts (`users` run them) and a
   * FIFO line. `priority` is the instance's effective priority, 0 for a group (as keepalived).
   */
  | { type: 'notify'; kind: 'INSTANCE' | 'GROUP'; name: string; state: NotifyState; priority: number; commands: NotifyScripts; users?: NotifyUsers }
  /** `notify_priority_changes`: an instance's effective priority changed (FIFO only, no script). */
  | { type: 'notify-priority'; instance: string; state: 'MASTER_PRIORITY' | 'BACKUP_PRIORITY'; priority: number }
  | { type: 'event'; event: NodeEvent }
  /** An informative line (tracker changes, reload decisions). */
  | { type: 'log'; level: 'info' | 'warn'; message: string };

/** Observer of the raw fsm actions of each router (the simulator's trace). */
export type RouterActionObserver = (instance: string, actions: readonly Action[]) => void;

/** One tracker as status shows it. */
export interface TrackerStatus {
  kind: 'script' | 'interface' | 'file' | 'process' | 'source' | 'config';
  name: string;
  weight: number;
  reverse: boolean;
  /** e.g. `up`, `down`, `no result yet`, `value 3`, `up (2 processes)`. */
  detail: string;
  /** Its contribution now: priority delta and whether it holds the instance in FAULT. */
  delta: number;
  fault: boolean;
}

/** The last state change of an instance; `atMs` on the node's clock. */
export interface TransitionStatus {
  from: RouterState;
  to: RouterState;
  reason: TransitionReason;
  atMs: number;
}

/** One instance as `vrrpd status --json` and `status()` show it. */
export interface InstanceStatus {
  name: string;
  state: RouterState;
  vrid: number;
  family: Family;
  version: 2 | 3;
  interface: string;
  priority: { base: number; effective: number };
  /** The current master's address as this node last saw it (ours when MASTER), or null. */
  master: string | null;
  /** Our source address. */
  source: string;
  /** The VIPs, "address/len". */
  vips: string[];
  syncGroup: string | null;
  trackers: TrackerStatus[];
  counters: InstanceCounters;
  lastTransition: TransitionStatus | null;
}

/** The node's status. */
export interface NodeStatus {
  instances: InstanceStatus[];
  syncGroups: Array<{ name: string; state: string; members: string[] }>;
  /** Packets no instance claimed, by reason. */
  unclaimed: Partial<Record<InstanceDropReason, number>>;
}
