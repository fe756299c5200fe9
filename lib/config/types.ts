/**
 * Typed keepalived configuration produced by lib/config. Units are in the names (Cs = centiseconds,
 * Ms = milliseconds); keepalived's seconds are converted at parse time.
 */
import type { ConfigError } from '../errors';

/** A non-fatal remark about the configuration; `message` starts with `file:line:col: `. */
export interface ConfigWarning {
  file: string;
  line: number;
  col: number;
  message: string;
}

/** Where a block or entry was written (1-based). */
export interface SourceLocation {
  file: string;
  line: number;
  col: number;
}

/** `global_defs`: only the VRRP-related keywords; defaults as keepalived 2.2.7. */
export interface GlobalDefs {
  routerId?: string;
  /** `vrrp_version`, default 2; `vrrpVersionSet` tells whether it was written. */
  vrrpVersion: 2 | 3;
  vrrpVersionSet: boolean;
  /** `vrrp_garp_master_delay` (s), default 5 s. */
  garpMasterDelayMs: number;
  /** `vrrp_garp_master_repeat`, default 5. */
  garpMasterRepeat: number;
  /** `vrrp_garp_master_refresh` (s), default 0 = off. */
  garpMasterRefreshMs: number;
  /** `vrrp_garp_master_refresh_repeat`, default 1. */
  garpMasterRefreshRepeat: number;
  /** `vrrp_garp_interval` (s, fractional), default 0. */
  garpIntervalUs: number;
  /** `vrrp_gna_interval` (s, fractional), default 0. */
  gnaIntervalUs: number;
  lowerPrioNoAdvert: boolean;
  strict: boolean;
  checkUnicastSrc: boolean;
  skipCheckAdvAddr: boolean;
  enableScriptSecurity: boolean;
  scriptUser?: { user: string; group?: string };
  /** `vrrp_mcast_group4` / `vrrp_mcast_group6`: the group adverts go to and are heard on (default 224.0.0.18 / ff02::12). */
  mcastGroup4?: string;
  mcastGroup6?: string;
  /** `default_interface`: keepalived's interface of static addresses (read only; instances need `interface`). */
  defaultInterface?: string;
  /** `vrrp_garp_lower_prio_delay` (s) / `vrrp_garp_lower_prio_repeat` (runtime: not applied yet). */
  garpLowerPrioDelayMs?: number;
  garpLowerPrioRepeat?: number;
  /** `vrrp_down_timer_adverts` 1..100 (runtime: not applied yet; the RFC's 3 is used). */
  downTimerAdverts?: number;
  /** `vrrp_min_garp`: one GARP/NA, no second burst (applied here: repeat 1, delay 0). */
  minGarp: boolean;
  /** `vrrp_garp_extra_if SECS [all]`: default of the instances' `garp_extra_if`. */
  garpExtraIf?: { all: boolean; intervalMs: number };
  /** `vrrp_higher_prio_send_advert` (runtime: not applied yet). */
  higherPrioSendAdvert: boolean;
  /** `notify_fifo`, `vrrp_notify_fifo` and their `_script` (lib/daemon/notify-fifo.ts; vrrpd has only VRRP events). */
  notifyFifo?: FifoConfig;
  vrrpNotifyFifo?: FifoConfig;
  /** `vrrp_notify_priority_changes`: MASTER_PRIORITY / BACKUP_PRIORITY lines on the notify FIFOs. */
  notifyPriorityChanges: boolean;
  /** `fifo_write_vrrp_states_on_reload`: every instance's and group's state on the FIFOs after a reload. */
  fifoWriteStatesOnReload: boolean;
  /** `dynamic_interfaces [allow_if_changes]` (runtime: not applied yet). */
  dynamicInterfaces?: { allowIfChanges: boolean };
  /** `vrrp_startup_delay` (s) (runtime: not applied yet). */
  startupDelayMs?: number;
  /** `log_unknown_vrids` (runtime: not applied yet). */
  logUnknownVrids: boolean;
  /** `vmac_prefix` / `vmac_addr_prefix` (runtime: not applied yet; vmac names come from use_vmac). */
  vmacPrefix?: string;
  vmacAddrPrefix?: string;
  /** `startup_script` / `shutdown_script` with their timeouts (runtime: not run yet). */
  startupScript?: ScriptCommand & { timeoutMs: number };
  shutdownScript?: ScriptCommand & { timeoutMs: number };
  /** `random_seed` (keepalived seeds `${_RANDOM}` with it; here it is read only). */
  randomSeed?: number;
}

/** A command with the user and group it runs as (`CMD [username [groupname]]`). */
export interface ScriptCommand {
  command: string;
  /** Where it is written (set for the FIFO scripts, whose errors name it). */
  at?: SourceLocation;
  user?: { user: string; group?: string };
}

/** `notify_fifo FIFO [user [group]]` with its optional `notify_fifo_script`. */
export interface FifoConfig {
  path: string;
  user?: { user: string; group?: string };
  script?: ScriptCommand;
}

/** `vrrp_track_process NAME { ... }` (keepalived.conf(5) "VRRP track processes"). */
export interface TrackProcess {
  name: string;
  at: SourceLocation;
  /** The process name, then the parameters to match when given. */
  process: string[];
  /** `param_match`: exact (the default when parameters are given), `initial` or `partial`. */
  paramMatch: 'exact' | 'initial' | 'partial';
  /** True when `param_match` was written (a process without parameters must then have none). */
  paramMatchSet: boolean;
  /** -254..254, default 0 (FAULT while the count is outside [quorum, quorumMax]). */
  weight: number;
  weightReverse: boolean;
  /** Minimum number of matching processes, default 1 (0 with `quorum_max 0` alone). */
  quorum: number;
  /** Maximum number of matching processes, unbounded when undefined. */
  quorumMax?: number;
  /** `fork_delay` / `terminate_delay` (s): how long a gained / lost quorum must last before it counts. */
  forkDelayMs: number;
  terminateDelayMs: number;
  /** Match the first word of /proc/PID/cmdline instead of the process name (also implied by parameters). */
  fullCommand: boolean;
}

/** One `virtual_routes` entry, as `ip route add` takes it (runtime: not installed yet). */
export interface VirtualRoute {
  at: SourceLocation;
  family: 4 | 6;
  /** Route type when given before the destination: unicast, blackhole, unreachable, prohibit, throw, ... */
  type?: string;
  /** The destination, `ADDR[/LEN]` or `default`. */
  to: string;
  src?: string;
  via?: string;
  /** `or ADDR`: keepalived's alternative gateway (IPv4). */
  or?: string;
  dev?: string;
  scope?: string;
  table?: string;
  metric?: string;
  /** Other `ip route` options with a value (protocol, tos, mtu, advmss, realms, ...). */
  options: Record<string, string>;
  /** Options without a value (onlink, append, lock, ...) and `nexthop` groups as written. */
  flags: string[];
  nexthops: string[][];
  noTrack: boolean;
}

/** One `virtual_rules` entry, as `ip rule add` takes it (runtime: not installed yet). */
export interface VirtualRule {
  at: SourceLocation;
  family: 4 | 6;
  from?: string;
  to?: string;
  table?: string;
  preference?: string;
  /** Other `ip rule` selectors and actions with a value (iif, oif, tos, fwmark, goto, uidrange, ...). */
  options: Record<string, string>;
  /** Selectors and actions without a value (l3mdev, not, blackhole, unreachable, prohibit, nop). */
  flags: string[];
  noTrack: boolean;
}

/** `vrrp_script NAME { ... }`. */
export interface VrrpScript {
  name: string;
  at: SourceLocation;
  /** The command line (a quoted string keeps its spaces). */
  script: string;
  /** `interval` (s), default 1 s. */
  intervalMs: number;
  /** `timeout` (s), default = interval. */
  timeoutMs: number;
  /** -253..253, default 0 (0: FAULT on failure). */
  weight: number;
  weightReverse: boolean;
  /** Consecutive successes for OK, default 1. */
  rise: number;
  /** Consecutive failures for KO, default 1. */
  fall: number;
  user?: { user: string; group?: string };
  initFail: boolean;
}

/** `track_file NAME { ... }` (alias `vrrp_track_file`). */
export interface TrackFile {
  name: string;
  at: SourceLocation;
  file: string;
  /** Default 1. */
  weight: number;
  weightReverse: boolean;
  /** `init_file [VALUE] [overwrite]`. */
  initFile?: { value: number; overwrite: boolean };
}

/** One `virtual_ipaddress` entry: `IP[/len] [dev IF] [label L] [scope S] [brd B]`. */
export interface VirtualAddress {
  at: SourceLocation;
  address: string;
  family: 4 | 6;
  prefixLength?: number;
  dev?: string;
  label?: string;
  scope?: string;
  brd?: string;
  /** Further `ip address` options as written (peer, preferred_lft with their value; home, -nodad, mngtmpaddr,
   * noprefixroute, autojoin, no_track, use_vmac as flags); runtime: not applied yet. */
  extra?: Record<string, string | true>;
}

/** A tracked object in `track_interface`, `track_script`, `track_file` or `track_process`; weight undefined = default. */
export interface TrackRef {
  at: SourceLocation;
  name: string;
  weight?: number;
  reverse: boolean;
}

/** Notify commands of an instance or sync group (command lines as written). */
export interface NotifyCommands {
  master?: string;
  backup?: string;
  fault?: string;
  stop?: string;
  any?: string;
}

/** `vrrp_instance NAME { ... }`. Optional garp and lower-prio fields inherit from global_defs. */
export interface VrrpInstance {
  name: string;
  at: SourceLocation;
  state: 'MASTER' | 'BACKUP';
  interface: string;
  vrid: number;
  /** Where `virtual_router_id` was written. */
  vridAt: SourceLocation;
  /** 1..255, default 100. */
  priority: number;
  /** `advert_int` in centiseconds, default 100. */
  advertIntervalCs: number;
  /** `version`, else global `vrrp_version`, else 2 (3 for IPv6 when neither is written). */
  version: 2 | 3;
  family: 4 | 6;
  preempt: boolean;
  preemptDelayCs: number;
  /** v2 simple password; what is sent is authPassBytes(authPass), its first 8 UTF-8 bytes. */
  authPass?: string;
  virtualAddresses: VirtualAddress[];
  virtualAddressesExcluded: VirtualAddress[];
  trackInterfaces: TrackRef[];
  trackScripts: TrackRef[];
  trackFiles: TrackRef[];
  unicastSrcIp?: string;
  unicastPeers: string[];
  mcastSrcIp?: string;
  /** `use_vmac [NAME]`: `{}` when written without a name. */
  useVmac?: { name?: string };
  vmacXmitBase: boolean;
  garpMasterDelayMs?: number;
  garpMasterRepeat?: number;
  garpMasterRefreshMs?: number;
  garpMasterRefreshRepeat?: number;
  lowerPrioNoAdvert?: boolean;
  v3ChecksumAsV2: boolean;
  /** Accept mode: keepalived default on, off under strict mode; `accept` / `no_accept` override. */
  accept: boolean;
  notify: NotifyCommands;
  dontTrackPrimary: boolean;
  strictMode: boolean;
  /** `use_vmac NAME MAC` MAC part and `use_vmac_addr` (runtime: not applied yet). */
  vmacMac?: string;
  useVmacAddr: boolean;
  /** `track_process`. */
  trackProcesses: TrackRef[];
  /** Who runs each notify command (`notify_* CMD [username [groupname]]`); default the global script_user. */
  notifyUsers: Partial<Record<keyof NotifyCommands, { user: string; group?: string }>>;
  /**
   * `notify_deleted [CMD [user [group]]]`: an instance removed by a reload reports DELETED instead of FAULT
   * (and runs CMD); `notify_master_rx_lower_pri CMD` (not applied yet); `notify_priority_changes` (FIFO lines).
   */
  notifyDeleted?: Partial<ScriptCommand>;
  notifyMasterRxLowerPri?: string;
  notifyPriorityChanges?: boolean;
  /** `mcast_dst_ip`: the group of this instance's adverts (overrides vrrp_mcast_group4/6). */
  mcastDstIp?: string;
  /** Options vrrpd reads but does not apply yet (see the warnings): vrf, use_ipvlan, ... */
  vrf?: string;
  useIpvlan?: string[];
  trackSrcIp: boolean;
  /** `check_unicast_src`, else global `vrrp_check_unicast_src`; also on with min_ttl / max_ttl. */
  checkUnicastSrc: boolean;
  /** Per-peer TTL limits of `unicast_peer` lines. */
  unicastPeerTtl: { address: string; minTtl?: number; maxTtl?: number }[];
  unicastFaultNoPeer: boolean;
  /** `unicast_ttl` 0..255: TTL / hop limit of our unicast adverts (default 255). */
  unicastTtl?: number;
  oldUnicastChecksum?: 'on' | 'never';
  garpLowerPrioDelayMs?: number;
  garpLowerPrioRepeat?: number;
  /** `garp_extra_if SECS [all]` (0: off), else global `vrrp_garp_extra_if`. */
  garpExtraIf?: { all: boolean; intervalMs: number };
  downTimerAdverts?: number;
  higherPrioSendAdvert?: boolean;
  /** `promote_secondaries`: net.ipv4.conf.IFACE.promote_secondaries=1 while the instance runs. */
  promoteSecondaries: boolean;
  /** `skip_check_adv_addr`, else global `vrrp_skip_check_adv_addr`. */
  skipCheckAdvAddr: boolean;
  virtualRoutes: VirtualRoute[];
  virtualRules: VirtualRule[];
}

/** `vrrp_sync_group NAME { group { ... } notify_* }`. */
export interface SyncGroupConfig {
  name: string;
  at: SourceLocation;
  instances: string[];
  notify: NotifyCommands;
  /** Group trackers: they change the state / priority of every member (as if each member tracked them). */
  trackInterfaces: TrackRef[];
  trackScripts: TrackRef[];
  trackFiles: TrackRef[];
  trackProcesses: TrackRef[];
  /** `sync_group_tracking_weight`: members keep their own tracker weights (else keepalived zeroes them). */
  trackingWeight: boolean;
  notifyUsers: Partial<Record<keyof NotifyCommands, { user: string; group?: string }>>;
  /** Read and warned: keepalived reports DELETED for instances only. */
  notifyDeleted?: Partial<ScriptCommand>;
  /** Default of the members' `notify_priority_changes`. */
  notifyPriorityChanges?: boolean;
}

/** The whole configuration. */
export interface KeepalivedConfig {
  global: GlobalDefs;
  scripts: VrrpScript[];
  trackFiles: TrackFile[];
  trackProcesses: TrackProcess[];
  instances: VrrpInstance[];
  syncGroups: SyncGroupConfig[];
}

/** Options of the parse API. */
export interface ParseOptions {
  /**
   * keepalived's config id (`keepalived -i ID` / `--config-id ID`), compared with `@ID` / `@^ID` lines and
   * given as `${_INSTANCE}`. Undefined: no `@ID` line is kept and every `@^ID` line is (loadConfig defaults
   * it to the host name up to the first dot, as keepalived does).
   */
  configId?: string;
}

/** What the collecting API returns: every error and warning of the file; `config` is what could be read. */
export interface CheckResult {
  config: KeepalivedConfig;
  warnings: ConfigWarning[];
  errors: ConfigError[];
}

/** What `parseConfig` returns. */
export interface ParseResult {
  config: KeepalivedConfig;
  warnings: ConfigWarning[];
}
