/**
 * What the node scenario suites share: the three protocol variants as keepalived.conf text, config
 * builders (one keyword per line, as keepalived writes them), host address maps, and readers of a
 * host's state changes and adverts. Timer formulas come from test/helpers/sim.ts (written out
 * independently of lib/fsm/timers.ts).
 */
import type { RouterState, TransitionReason } from '../../lib/fsm';
import type { Advertisement } from '../../lib/packet/advertisement';
import { padAuth } from '../../lib/packet/receive';
import { SimulatedLan, type SimHost } from '../../lib/sim';
import { type Variant, mdiMs, skewMs } from '../helpers/sim';

export { mdiMs, skewMs };

/** A protocol variant with what keepalived.conf needs for it. */
export interface NodeVariant extends Variant {
  /** `advert_int` as written in the config (seconds). */
  advertInt: string;
  /** v2: the instances carry `authentication { auth_type PASS }`. */
  auth: boolean;
  /** The interface addresses of host `i` (eth0: its IPv4 and link-local IPv6 address). */
  addresses: (i: number) => Record<string, string[]>;
  /** VIPs as written in `virtual_ipaddress` (with prefix length). */
  vipLines: string[];
}

/** eth0 of host `i`: 192.0.2.i/24 and fe80::i/64 (plus `more` interfaces). */
export function addressesOf(i: number, more: Record<string, string[]> = {}): Record<string, string[]> {
  return { eth0: [`192.0.2.${i}/24`, `fe80::${i.toString(16)}/64`, `2001:db8::${i.toString(16)}/64`], ...more };
}

/** v3 IPv4 (advert_int 0.5), v3 IPv6 (0.5) and v2 with PASS authentication (1 s). */
export const VARIANTS: NodeVariant[] = [
  {
    label: 'v3 IPv4', version: 3, family: 4, intervalCs: 50, advertInt: '0.5', auth: false,
    vips: ['192.0.2.100'], vipLines: ['192.0.2.100/24'], addr: (i) => `192.0.2.${i}`, addresses: (i) => addressesOf(i),
  },
  {
    label: 'v3 IPv6', version: 3, family: 6, intervalCs: 50, advertInt: '0.5', auth: false,
    vips: ['fe80::100', '2001:db8::100'], vipLines: ['fe80::100/64', '2001:db8::100/64'], addr: (i) => `fe80::${i.toString(16)}`, addresses: (i) => addressesOf(i),
  },
  {
    label: 'v2', version: 2, family: 4, intervalCs: 100, advertInt: '1', auth: true,
    vips: ['192.0.2.100'], vipLines: ['192.0.2.100/24'], addr: (i) => `192.0.2.${i}`, addresses: (i) => addressesOf(i),
  },
];

/** A second VIP of the variant's family (reload and address-list tests). */
export function otherVip(v: NodeVariant, k = 1): string {
  return v.family === 4 ? `192.0.2.${100 + k}/24` : `2001:db8::${(0x100 + k).toString(16)}/64`;
}

/** One `vrrp_instance` block. */
export interface InstanceOpts {
  name?: string;
  vrid?: number;
  priority: number;
  state?: 'MASTER' | 'BACKUP';
  nopreempt?: boolean;
  /** preempt_delay in seconds. */
  preemptDelay?: number;
  /** virtual_ipaddress entries (default the variant's). */
  vips?: string[];
  /** auth_pass (v2 only; default `secret`). */
  authPass?: string;
  /** track_script entries, e.g. `chk weight -60`. */
  trackScripts?: string[];
  /** track_interface entries, e.g. `eth1 weight -60`. */
  trackInterfaces?: string[];
  /** track_file entries. */
  trackFiles?: string[];
  unicastSrcIp?: string;
  unicastPeers?: string[];
  /** Any further lines, as written. */
  extra?: string[];
}

function block(head: string, lines: string[]): string[] {
  return [`${head} {`, ...lines.map((l) => `    ${l}`), '}'];
}

/** The text of one vrrp_instance of variant `v`. */
export function instance(v: NodeVariant, o: InstanceOpts): string {
  const body: string[] = [
    `state ${o.state ?? 'BACKUP'}`,
    'interface eth0',
    `virtual_router_id ${o.vrid ?? 51}`,
    `priority ${o.priority}`,
    `advert_int ${v.advertInt}`,
    `version ${v.version}`,
  ];
  if (o.nopreempt) body.push('nopreempt');
  if (o.preemptDelay !== undefined) body.push(`preempt_delay ${o.preemptDelay}`);
  if (v.auth) body.push(...block('authentication', ['auth_type PASS', `auth_pass ${o.authPass ?? 'secret'}`]));
  if (o.unicastSrcIp) body.push(`unicast_src_ip ${o.unicastSrcIp}`);
  if (o.unicastPeers) body.push(...block('unicast_peer', o.unicastPeers));
  if (o.trackScripts) body.push(...block('track_script', o.trackScripts));
  if (o.trackInterfaces) body.push(...block('track_interface', o.trackInterfaces));
  if (o.trackFiles) body.push(...block('track_file', o.trackFiles));
  body.push(...(o.extra ?? []));
  body.push(...block('virtual_ipaddress', o.vips ?? v.vipLines));
  return block(`vrrp_instance ${o.name ?? 'VI_1'}`, body).join('\n');
}

/** A `vrrp_script` block; interval in seconds. */
export interface ScriptOpts {
  interval?: number;
  weight?: number;
  rise?: number;
  fall?: number;
  initFail?: boolean;
}

/** The text of a vrrp_script `name` (its command is never run: the simulator answers for it). */
export function script(name: string, o: ScriptOpts = {}): string {
  const body = [`script "/usr/local/bin/${name}"`, `interval ${o.interval ?? 1}`];
  if (o.weight !== undefined) body.push(`weight ${o.weight}`);
  if (o.rise !== undefined) body.push(`rise ${o.rise}`);
  if (o.fall !== undefined) body.push(`fall ${o.fall}`);
  if (o.initFail) body.push('init_fail');
  return block(`vrrp_script ${name}`, body).join('\n');
}

/** The text of a track_file block. */
export function trackFile(name: string, weight: number): string {
  return block(`track_file ${name}`, [`file "/run/${name}"`, `weight ${weight}`]).join('\n');
}

/** The text of a vrrp_sync_group with notify scripts for each state. */
export function syncGroup(name: string, members: string[]): string {
  return block(`vrrp_sync_group ${name}`, [...block('group', members), `notify_master "/bin/true ${name} master"`, `notify_backup "/bin/true ${name} backup"`, `notify_fault "/bin/true ${name} fault"`]).join('\n');
}

/** A whole keepalived.conf: global_defs then `blocks` (scripts before the instances that track them). */
export function conf(...blocks: string[]): string {
  return [block('global_defs', ['router_id test']).join('\n'), ...blocks].join('\n') + '\n';
}

/**
 * A LAN with hosts lb1, lb2, ... running `confs[i]`, host i+1 owning the variant's addresses i+1 (plus
 * interfaces `more`), started at `starts[i]` (default 0).
 */
export function lanOf(v: NodeVariant, confs: string[], starts: number[] = [], more: Record<string, string[]> = {}): { lan: SimulatedLan; hosts: SimHost[] } {
  const lan = new SimulatedLan();
  const hosts = confs.map((text, k) => lan.addNode(`lb${k + 1}`, text, { addresses: { ...v.addresses(k + 1), ...more }, start: starts[k] ?? 0 }));
  return { lan, hosts };
}

/** One state change of a host's instance, with its virtual time. */
export interface Change {
  t: number;
  from: RouterState;
  to: RouterState;
  reason: TransitionReason;
}

/** The state changes of instance `inst` of host `host`, from the LAN's trace. */
export function changesOf(lan: SimulatedLan, host: string, inst = 'VI_1'): Change[] {
  return lan.actionsOf('state-change', `${host}/${inst}`).map((e) => ({ t: e.t, from: e.action.from, to: e.action.to, reason: e.action.reason }));
}

/** When instance `inst` of `host` sent adverts (with their priority), from `since` to `until` (ms). */
export function advertsOf(lan: SimulatedLan, host: string, inst = 'VI_1', since = -Infinity, until = Infinity): { t: number; priority: number }[] {
  return lan.actionsOf('send-advert', `${host}/${inst}`, since).filter((e) => e.t <= until).map((e) => ({ t: e.t, priority: e.action.advert.priority }));
}

/** The last advert time of `host`'s instance at or before `t`. @throws when there is none. */
export function lastAdvertAt(lan: SimulatedLan, host: string, t: number, inst = 'VI_1'): number {
  const times = advertsOf(lan, host, inst, -Infinity, t).map((a) => a.t);
  if (times.length === 0) throw new Error(`${host}/${inst} sent no advert by ${t}`);
  return times[times.length - 1];
}

/** State of `host`'s instance `inst` now. */
export function stateOf(host: SimHost, inst = 'VI_1'): RouterState {
  const s = host.status().instances.find((i) => i.name === inst);
  if (!s) throw new Error(`${host.name} has no instance ${inst}`);
  return s.state;
}

/** The status of `host`'s instance `inst`. */
export function instStatus(host: SimHost, inst = 'VI_1'): ReturnType<SimHost['status']>['instances'][number] {
  const s = host.status().instances.find((i) => i.name === inst);
  if (!s) throw new Error(`${host.name} has no instance ${inst}`);
  return s;
}

/** The VIPs host `h` holds, sorted. */
export function vipsOf(h: SimHost): string[] {
  return [...h.vips].sort();
}

/** The variant's VIPs as the host holds them ("address/len"), sorted. */
export function heldVips(v: NodeVariant, lines: string[] = v.vipLines): string[] {
  return [...lines].sort();
}

/** Adverts of a MASTER that entered MASTER at `t0`: t0, t0 + I, ..., up to `until`. */
export function advertSchedule(t0: number, intervalMs: number, until: number): number[] {
  const out: number[] = [];
  for (let t = t0; t <= until; t += intervalMs) out.push(t);
  return out;
}

/** A crafted advert (for `lan.inject`) for `vrid` with the variant's VIPs (v2: its interval, password `secret`). */
export function advertOf(v: NodeVariant, priority: number, vrid = 51): Advertisement {
  return v.version === 2
    ? { version: 2, family: 4, vrid, priority, intervalS: v.intervalCs / 100, authType: 1, authData: padAuth(Buffer.from('secret')), addresses: [...v.vips] }
    : { version: 3, family: v.family, vrid, priority, intervalCs: v.intervalCs, addresses: [...v.vips] };
}
