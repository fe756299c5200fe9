/**
 * keepalived's introspection files from a vrrpd status snapshot: the data file (SIGUSR1,
 * /tmp/keepalived.data), the stats file (SIGUSR2, /tmp/keepalived.stats) and the JSON dump (SIGRTMIN+2,
 * /tmp/keepalived.json), in keepalived 2.2.7's layout and field names where vrrpd has the concept, so that
 * tools reading them (mehdy/keepalived-exporter, check_mk's keepalived plugin) work unchanged. Pure text
 * builders plus one atomic file write; the layout was taken from files written by keepalived 2.2.7
 * (test/daemon/fixtures/keepalived-2.2.7/).
 */
import { renameSync, unlinkSync, writeFileSync } from 'node:fs';
import type { KeepalivedConfig, VirtualAddress, VrrpInstance } from '../config/types';
import type { RouterState } from '../fsm/types';
import type { InstanceCounters } from '../node/counters';
import type { VrrpdStatus } from './vrrpd';

/** keepalived's default paths (make_tmp_filename with TMPDIR unset). */
export const DEFAULT_DATA_FILE = '/tmp/keepalived.data';
export const DEFAULT_STATS_FILE = '/tmp/keepalived.stats';
export const DEFAULT_JSON_FILE = '/tmp/keepalived.json';

/** What the dumps are made of: the status, and the configuration for the fields status lacks. */
export interface DumpInput {
  status: VrrpdStatus;
  config?: KeepalivedConfig;
}

/** keepalived's numeric states (VRRP_STATE_INIT .. VRRP_STATE_FAULT), as keepalived-exporter maps them. */
export const STATE_NUMBER: Record<RouterState, number> = { INIT: 0, BACKUP: 1, MASTER: 2, FAULT: 3 };

/** The keepalived stats of one instance, in keepalived's names (vrrp_stats). */
export interface KeepalivedStats {
  advert_rcvd: number;
  advert_sent: number;
  become_master: number;
  release_master: number;
  packet_len_err: number;
  advert_interval_err: number;
  ip_ttl_err: number;
  invalid_type_rcvd: number;
  addr_list_err: number;
  invalid_authtype: number;
  authtype_mismatch: number;
  auth_failure: number;
  pri_zero_rcvd: number;
  pri_zero_sent: number;
}

/**
 * Counters as keepalived names them, less `baseline` (what STATS_CLEAR recorded); a counter below its
 * baseline (the instance was recreated) is shown as it is.
 */
export function keepalivedStatsOf(c: InstanceCounters, baseline?: InstanceCounters): KeepalivedStats {
  const v = (k: keyof Omit<InstanceCounters, 'dropped'>): number => {
    const b = baseline?.[k] ?? 0;
    return c[k] >= b ? c[k] - b : c[k];
  };
  return {
    advert_rcvd: v('advertsReceived'), advert_sent: v('advertsSent'), become_master: v('becomeMaster'), release_master: v('releaseMaster'),
    packet_len_err: v('packetLengthErrors'), advert_interval_err: v('intervalErrors'), ip_ttl_err: v('ttlErrors'), invalid_type_rcvd: v('invalidType'),
    addr_list_err: v('addressListErrors'), invalid_authtype: v('authInvalid'), authtype_mismatch: v('authMismatch'), auth_failure: v('authFailure'),
    pri_zero_rcvd: v('priorityZeroReceived'), pri_zero_sent: v('priorityZeroSent'),
  };
}

type Instance = VrrpdStatus['instances'][number];

function configOf(input: DumpInput, name: string): VrrpInstance | undefined {
  return input.config?.instances.find((i) => i.name === name);
}

/** "ADDR[/LEN] dev IF scope SCOPE" as keepalived 2.2.7 prints a VIP (no /32 or /128), " set" when added. */
export function vipText(cidr: string, dev: string, scope = 'global', set = false): string {
  const [addr, len] = cidr.split('/');
  const full = addr.includes(':') ? '128' : '32';
  return `${len === undefined || len === full ? addr : `${addr}/${len}`} dev ${dev} scope ${scope}${set ? ' set' : ''}`;
}

/** The VIPs of an instance in keepalived's form; each on its own `dev` when the configuration says so. */
export function vipsOf(i: Instance, conf: VrrpInstance | undefined): string[] {
  const configured = conf && conf.virtualAddresses.length === i.vips.length ? conf.virtualAddresses : undefined;
  return i.vips.map((cidr, n) => vipText(cidr, configured?.[n].dev ?? i.interface, configured?.[n].scope ?? 'global', i.state === 'MASTER'));
}

function excludedOf(i: Instance, conf: VrrpInstance | undefined): string[] {
  const dev = (a: VirtualAddress): string => a.dev ?? i.interface;
  return (conf?.virtualAddressesExcluded ?? []).map((a) => vipText(a.prefixLength === undefined ? a.address : `${a.address}/${a.prefixLength}`, dev(a), a.scope ?? 'global', i.state === 'MASTER'));
}

/** Seconds since the epoch (with microseconds) of the last transition, 0 when there was none. */
function transitionSeconds(i: Instance): number {
  return i.lastTransitionTime ? Date.parse(i.lastTransitionTime) / 1000 : 0;
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** "1796119093.890003 (Tue Dec  1 09:58:13.890003 2026)": keepalived's timestamp, local time. */
export function keepalivedTime(seconds: number): string {
  const d = new Date(Math.floor(seconds * 1000));
  const us = String(Math.round((seconds % 1) * 1e6) % 1e6).padStart(6, '0');
  const p2 = (n: number): string => String(n).padStart(2, '0');
  const when = `${DAYS[d.getDay()]} ${MONTHS[d.getMonth()]} ${String(d.getDate()).padStart(2, ' ')} ${p2(d.getHours())}:${p2(d.getMinutes())}:${p2(d.getSeconds())}.${us} ${d.getFullYear()}`;
  return `${Math.floor(seconds)}.${us} (${when})`;
}

/** keepalived's script status word for a script tracker's detail: GOOD, BAD or INIT (no result yet). */
export function scriptStatusWord(detail: string | undefined): 'GOOD' | 'BAD' | 'INIT' {
  if (detail?.startsWith('up')) return 'GOOD';
  if (detail?.startsWith('down')) return 'BAD';
  return 'INIT';
}

/** Script name -> its status word, from the first instance that tracks it. */
export function scriptStatuses(status: VrrpdStatus): Map<string, 'GOOD' | 'BAD' | 'INIT'> {
  const out = new Map<string, 'GOOD' | 'BAD' | 'INIT'>();
  for (const i of status.instances) for (const t of i.trackers) if (t.kind === 'script' && !out.has(t.name)) out.set(t.name, scriptStatusWord(t.detail));
  return out;
}

function instanceLines(i: Instance, conf: VrrpInstance | undefined, input: DumpInput): string[] {
  const g = input.config?.global;
  const secs = (ms: number | undefined): number => Math.floor((ms ?? 0) / 1000);
  const l = [` VRRP Instance = ${i.name}`, `   VRRP Version = ${i.version}`];
  if (i.family === 6) l.push('   Using Native IPv6');
  l.push(`   State = ${i.state}`);
  if (i.state === 'BACKUP' && i.master) l.push(`   Master router = ${i.master}`);
  l.push('   Flags: none', `   Wantstate = ${i.state}`, `   Last transition = ${keepalivedTime(transitionSeconds(i))}`, `   Interface = ${i.interface}`, `   Using src_ip = ${i.source}`);
  if (conf && conf.unicastPeers.length > 0) {
    l.push('   Unicast peers :', ...conf.unicastPeers.map((p) => `     ${p}`));
  } else {
    l.push(`   Multicast address ${i.family === 6 ? 'ff02::12' : '224.0.0.18'}`);
  }
  if (conf || g) {
    l.push(
      `   Gratuitous ARP delay = ${secs(conf?.garpMasterDelayMs ?? g?.garpMasterDelayMs)}`,
      `   Gratuitous ARP repeat = ${conf?.garpMasterRepeat ?? g?.garpMasterRepeat ?? 0}`,
      `   Gratuitous ARP refresh = ${secs(conf?.garpMasterRefreshMs ?? g?.garpMasterRefreshMs)}`,
      `   Gratuitous ARP refresh repeat = ${conf?.garpMasterRefreshRepeat ?? g?.garpMasterRefreshRepeat ?? 0}`,
    );
  }
  l.push(`   Virtual Router ID = ${i.vrid}`, `   Priority = ${i.priority.base}`, `   Effective priority = ${i.priority.effective}`);
  if (conf) {
    const cs = conf.advertIntervalCs;
    l.push(i.version === 2 ? `   Advert interval = ${Math.floor(cs / 100)} sec` : `   Advert interval = ${cs * 10} milli-sec`);
    l.push(`   Accept = ${conf.accept ? 'enabled' : 'disabled'}`, `   Preempt = ${conf.preempt ? 'enabled' : 'disabled'}`);
    if (conf.preemptDelayCs > 0) l.push(`   Preempt delay = ${Math.floor(conf.preemptDelayCs / 100)} secs`);
    if (conf.authPass !== undefined) l.push('   Authentication type = SIMPLE_PASSWORD');
  }
  const vips = vipsOf(i, conf);
  if (vips.length > 0) l.push(`   Virtual IP (${vips.length}):`, ...vips.map((v) => `     ${v}`));
  const excluded = excludedOf(i, conf);
  if (excluded.length > 0) l.push(`   Virtual IP Excluded (${excluded.length}):`, ...excluded.map((v) => `     ${v}`));
  const tracked = (kind: string): string[] => i.trackers.filter((t) => t.kind === kind).map((t) => `     ${t.name} weight ${t.weight}${t.reverse ? ' reverse' : ''}`);
  for (const [kind, title] of [['interface', 'Tracked interfaces'], ['script', 'Tracked scripts'], ['file', 'Tracked files'], ['process', 'Tracked process']] as const) {
    const lines = tracked(kind);
    if (lines.length > 0) l.push(`   ${title} :`, ...lines);
  }
  return l;
}

/**
 * The data file (keepalived's SIGUSR1 dump): global definitions, `------< VRRP Topology >------` with one
 * ` VRRP Instance = NAME` block per instance (`   Key = value` lines, VIPs under `   Virtual IP (N):`),
 * sync groups, and `------< VRRP Scripts >------` (` VRRP Script = NAME`, `   Status = GOOD|BAD`).
 */
export function keepalivedData(input: DumpInput): string {
  const { status, config } = input;
  const out: string[] = ['------< Global definitions >------'];
  out.push(' Network namespace = (default)');
  if (config?.global.routerId) out.push(` Router ID = ${config.global.routerId}`);
  out.push(` VRRP IPv4 mcast group = ${config?.global.mcastGroup4 ?? '224.0.0.18'}`, ` VRRP IPv6 mcast group = ${config?.global.mcastGroup6 ?? 'ff02::12'}`);
  if (config) out.push(` VRRP default protocol version = ${config.global.vrrpVersion}`, ` VRRP strict mode = ${config.global.strict}`);
  out.push('------< VRRP Topology >------');
  for (const i of status.instances) out.push(...instanceLines(i, configOf(input, i.name), input));
  if (status.syncGroups.length > 0) {
    out.push('------< VRRP Sync groups >------');
    for (const g of status.syncGroups) out.push(` VRRP Sync Group = ${g.name}, ${g.state}`, `   VRRP member instances = ${g.members.length}`, ...g.members.map((m) => `     ${m}`));
  }
  const words = scriptStatuses(status);
  const scripts = config?.scripts ?? [...words.keys()].map((name) => ({ name, script: '', intervalMs: 0, timeoutMs: 0, weight: 0, rise: 1, fall: 1 }));
  if (scripts.length > 0) {
    out.push('------< VRRP Scripts >------');
    for (const s of scripts) {
      const users = status.instances.flatMap((i) => i.trackers.filter((t) => t.kind === 'script' && t.name === s.name).map((t) => `     ${i.name}, weight ${t.weight}`));
      out.push(` VRRP Script = ${s.name}`);
      if (s.script) out.push(`   Command = '${s.script}'`);
      out.push(`   Interval = ${Math.floor(s.intervalMs / 1000)} sec`, `   Timeout = ${Math.floor(s.timeoutMs / 1000)} sec`, `   Weight = ${s.weight}`, `   Rise = ${s.rise}`, `   Fall = ${s.fall}`);
      out.push(`   Status = ${words.get(s.name) ?? 'INIT'}`, '   Tracking instances :', ...users, '   State = idle');
    }
  }
  return out.join('\n') + '\n';
}

/** The stats file (keepalived's SIGUSR2 dump), exactly keepalived's layout; `baselines` by instance (STATS_CLEAR). */
export function keepalivedStatsText(input: DumpInput, baselines?: ReadonlyMap<string, InstanceCounters>): string {
  const out: string[] = [];
  for (const i of input.status.instances) {
    const s = keepalivedStatsOf(i.counters, baselines?.get(i.name));
    out.push(
      `VRRP Instance: ${i.name}`,
      '  Advertisements:', `    Received: ${s.advert_rcvd}`, `    Sent: ${s.advert_sent}`,
      `  Became master: ${s.become_master}`, `  Released master: ${s.release_master}`,
      '  Packet Errors:', `    Length: ${s.packet_len_err}`, `    TTL: ${s.ip_ttl_err}`, `    Invalid Type: ${s.invalid_type_rcvd}`,
      `    Advertisement Interval: ${s.advert_interval_err}`, `    Address List: ${s.addr_list_err}`,
      '  Authentication Errors:', `    Invalid Type: ${s.invalid_authtype}`, `    Type Mismatch: ${s.authtype_mismatch}`, `    Failure: ${s.auth_failure}`,
      '  Priority Zero:', `    Received: ${s.pri_zero_rcvd}`, `    Sent: ${s.pri_zero_sent}`,
    );
  }
  return out.length > 0 ? out.join('\n') + '\n' : '';
}

/** One element of keepalived's JSON dump (json_version 1: a top-level array). */
export interface KeepalivedJsonEntry {
  data: Record<string, string | number | boolean | string[]>;
  stats: KeepalivedStats;
}

/**
 * keepalived's JSON dump (vrrp_print_json, json_version 1): `[{"data": {...}, "stats": {...}}]` with
 * keepalived's keys (`iname`, `ifp_ifname`, `vrid`, `state` 0-3, `vips`, ...; `stats.advert_rcvd`, ...).
 */
export function keepalivedJson(input: DumpInput, baselines?: ReadonlyMap<string, InstanceCounters>): KeepalivedJsonEntry[] {
  return input.status.instances.map((i) => {
    const conf = configOf(input, i.name);
    const g = input.config?.global;
    const data: KeepalivedJsonEntry['data'] = {
      iname: i.name,
      dont_track_primary: conf?.dontTrackPrimary ? 1 : 0,
      skip_check_adv_addr: g?.skipCheckAdvAddr ? 1 : 0,
      strict_mode: conf?.strictMode ? 1 : 0,
      vmac_ifname: conf?.useVmac ? i.interface : '',
      ifp_ifname: i.interface,
      last_transition: transitionSeconds(i),
      garp_delay: Math.floor((conf?.garpMasterDelayMs ?? g?.garpMasterDelayMs ?? 0) / 1000),
      garp_refresh: Math.floor((conf?.garpMasterRefreshMs ?? g?.garpMasterRefreshMs ?? 0) / 1000),
      garp_rep: conf?.garpMasterRepeat ?? g?.garpMasterRepeat ?? 0,
      garp_refresh_rep: conf?.garpMasterRefreshRepeat ?? g?.garpMasterRefreshRepeat ?? 0,
      vrid: i.vrid,
      base_priority: i.priority.base,
      effective_priority: i.priority.effective,
      vipset: i.state === 'MASTER',
      state: STATE_NUMBER[i.state],
      wantstate: STATE_NUMBER[i.state],
      version: i.version,
    };
    if (conf) {
      Object.assign(data, { adver_int: conf.advertIntervalCs / 100, accept: conf.accept ? 1 : 0, nopreempt: !conf.preempt, preempt_delay: Math.floor(conf.preemptDelayCs / 100), auth_type: conf.authPass !== undefined ? 1 : 0 });
    }
    const vips = vipsOf(i, conf);
    if (vips.length > 0) data.vips = vips;
    const evips = excludedOf(i, conf);
    if (evips.length > 0) data.evips = evips;
    const ifps = i.trackers.filter((t) => t.kind === 'interface').map((t) => t.name);
    if (ifps.length > 0) data.track_ifp = ifps;
    const scripts = i.trackers.filter((t) => t.kind === 'script').map((t) => {
      const cmd = input.config?.scripts.find((s) => s.name === t.name)?.script;
      return cmd ? `'${cmd}'` : t.name;
    });
    if (scripts.length > 0) data.track_script = scripts;
    return { data, stats: keepalivedStatsOf(i.counters, baselines?.get(i.name)) };
  });
}

/**
 * Writes `text` to `path` atomically: a new file `path.PID.tmp` (O_EXCL: never through a planted link)
 * renamed over `path` (a reader sees the old file or the new one, never half of one). Mode 0644: the
 * files hold no secret (no password, unlike keepalived's data file).
 * @throws Error from the file system (the caller logs it).
 */
export function writeDumpFile(path: string, text: string): void {
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    writeFileSync(tmp, text, { mode: 0o644, flag: 'wx' });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    unlinkSync(tmp);
    writeFileSync(tmp, text, { mode: 0o644, flag: 'wx' });
  }
  try {
    renameSync(tmp, path);
  } catch (e) {
    try {
      unlinkSync(tmp);
    } catch {
      /* already gone */
    }
    throw e;
  }
}
