/**
 * Typed keepalived configuration produced by lib/config. Units are in the names (Cs = centiseconds,
 * Ms = milliseconds); keepalived's seconds are converted at parse time.
 */

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
}

/** A tracked object in `track_interface`, `track_script` or `track_file`; weight undefined = default. */
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
}

/** `vrrp_sync_group NAME { group { ... } notify_* }`. */
export interface SyncGroupConfig {
  name: string;
  at: SourceLocation;
  instances: string[];
  notify: NotifyCommands;
}

/** The whole configuration. */
export interface KeepalivedConfig {
  global: GlobalDefs;
  scripts: VrrpScript[];
  trackFiles: TrackFile[];
  instances: VrrpInstance[];
  syncGroups: SyncGroupConfig[];
}

/** What `parseConfig` returns. */
export interface ParseResult {
  config: KeepalivedConfig;
  warnings: ConfigWarning[];
}
