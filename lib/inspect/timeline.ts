/**
 * `vrrpd inspect --timeline`: replays the VRRP records of a capture through a passive observer per
 * virtual router (VRID and family) and reports who was MASTER from when to when, each takeover and how
 * long it took from the old master's last advert, and anomalies between the peers. Pure: records in.
 *
 * The observer applies RFC 9568 §6.4 from the outside: a router that advertises with priority > 0 is
 * MASTER; a MASTER stops being one when it sends priority 0 (§6.4.3 Shutdown), when another router takes
 * over after its Master_Down_Interval of silence (§6.4.2), or when a router preempts it.
 */
import { InspectRecord } from './records';

/** One router's time as MASTER, in capture seconds. `to` is its last advert (or its priority-0 advert). */
export interface MasterPeriod {
  src: string;
  from: number;
  to: number;
  priority: number;
  adverts: number;
  /** How the period ended: 'priority-0', 'silence' (another router took over), 'preempted', or 'capture-end'. */
  ended: 'priority-0' | 'silence' | 'preempted' | 'capture-end';
}

/** A change of MASTER. `takeoverMs` runs from the old master's last advert to the new master's first. */
export interface Takeover {
  from: string;
  to: string;
  cause: 'priority-0' | 'silence' | 'preempted';
  lastAdvertOfOld: number;
  firstAdvertOfNew: number;
  takeoverMs: number;
  /** The RFC bound for this cause: Skew_Time after priority 0, else Master_Down_Interval (ms), of the new master. */
  boundMs: number;
  withinBound: boolean;
}

export type AnomalyKind =
  | 'TWO_MASTERS' // two routers advertising as MASTER at once (split brain, or a preemption that did not settle)
  | 'INTERVAL_MISMATCH' // peers advertise different intervals
  | 'ADDRESS_LIST_MISMATCH' // peers advertise different virtual addresses
  | 'CHECKSUM_FORM_MISMATCH' // v3/IPv4 peers compute the checksum differently (pseudo-header vs message only)
  | 'AUTH_MISMATCH' // v2 peers use different auth types or passwords
  | 'VERSION_MISMATCH' // peers speak different VRRP versions for one VRID
  | 'TTL_NOT_255' // an advert arrived with TTL / hop limit other than 255
  | 'INVALID_ADVERT'; // any other receive-rule violation (its code is in `detail`)

export interface Anomaly {
  kind: AnomalyKind;
  frame: number;
  time: number;
  detail: string;
}

/** Everything the observer saw of one virtual router. Times are capture seconds (epoch). */
export interface RouterTimeline {
  vrid: number;
  family: 4 | 6;
  versions: number[];
  routers: string[];
  masters: MasterPeriod[];
  takeovers: Takeover[];
  anomalies: Anomaly[];
}

interface PeerView {
  intervalCs: number;
  addresses: string;
  checksum: string | null;
  auth: string | null;
  version: number;
}

/** RFC 9568 §6.1 timers in seconds, for a router of `priority` that learnt `intervalCs`. */
function skewS(priority: number, intervalCs: number, version: number): number {
  return version === 2 ? (256 - priority) / 256 : ((256 - priority) * intervalCs) / 256 / 100;
}
function masterDownS(priority: number, intervalCs: number, version: number): number {
  return (3 * intervalCs) / 100 + skewS(priority, intervalCs, version);
}

class Observer {
  readonly timeline: RouterTimeline;
  private current: MasterPeriod | null = null;
  private currentIntervalCs = 100;
  private pending: { from: MasterPeriod; cause: 'priority-0' } | null = null;
  private readonly peers = new Map<string, PeerView>();
  private readonly reported = new Set<string>();
  private readonly lastSeen = new Map<string, number>();

  constructor(vrid: number, family: 4 | 6) {
    this.timeline = { vrid, family, versions: [], routers: [], masters: [], takeovers: [], anomalies: [] };
  }

  private anomaly(kind: AnomalyKind, r: InspectRecord, detail: string, key = `${kind}:${detail}`): void {
    if (this.reported.has(key)) return;
    this.reported.add(key);
    this.timeline.anomalies.push({ kind, frame: r.frame, time: r.time, detail });
  }

  private comparePeers(r: InspectRecord): void {
    const view: PeerView = {
      intervalCs: r.intervalCs ?? 0,
      addresses: (r.addresses ?? []).join(','),
      checksum: r.version === 3 && r.family === 4 ? r.checksum : null,
      auth: r.version === 2 ? `${r.authType}:${r.authData}` : null,
      version: r.version ?? 0,
    };
    if (!this.peers.has(r.src)) this.timeline.routers.push(r.src);
    this.peers.set(r.src, view);
    for (const [src, other] of this.peers) {
      if (src === r.src) continue;
      const pair = [src, r.src].sort().join(' vs ');
      if (other.version !== view.version) this.anomaly('VERSION_MISMATCH', r, `${pair}: v${other.version} vs v${view.version}`, `V:${pair}`);
      else if (other.intervalCs !== view.intervalCs) this.anomaly('INTERVAL_MISMATCH', r, `${pair}: ${other.intervalCs} cs vs ${view.intervalCs} cs`, `I:${pair}`);
      if (other.addresses !== view.addresses) this.anomaly('ADDRESS_LIST_MISMATCH', r, `${pair}: [${other.addresses}] vs [${view.addresses}]`, `A:${pair}`);
      if (other.checksum && view.checksum && other.checksum !== view.checksum) {
        this.anomaly('CHECKSUM_FORM_MISMATCH', r, `${src}: ${other.checksum}, ${r.src}: ${view.checksum}`, `C:${pair}`);
      }
      if (other.auth !== null && view.auth !== null && other.auth !== view.auth) this.anomaly('AUTH_MISMATCH', r, pair, `U:${pair}`);
    }
  }

  private takeover(from: MasterPeriod, cause: Takeover['cause'], r: InspectRecord, intervalCs: number): void {
    const version = r.version ?? 3;
    const bound = cause === 'priority-0' ? skewS(r.priority ?? 0, intervalCs, version) : masterDownS(r.priority ?? 0, intervalCs, version);
    const takeoverMs = (r.time - from.to) * 1000;
    this.timeline.takeovers.push({
      from: from.src, to: r.src, cause, lastAdvertOfOld: from.to, firstAdvertOfNew: r.time, takeoverMs,
      boundMs: bound * 1000, withinBound: cause === 'preempted' || takeoverMs <= bound * 1000 * 1.1 + 50,
    });
  }

  private startMaster(r: InspectRecord): void {
    this.current = { src: r.src, from: r.time, to: r.time, priority: r.priority ?? 0, adverts: 1, ended: 'capture-end' };
    this.currentIntervalCs = r.intervalCs ?? this.currentIntervalCs;
    this.timeline.masters.push(this.current);
  }

  /** Feeds one record (in capture order). */
  add(r: InspectRecord): void {
    if (!r.valid) {
      if (r.error === 'TTL_NOT_255') this.anomaly('TTL_NOT_255', r, `${r.src}: TTL ${r.ttl}`, `T:${r.src}`);
      else this.anomaly('INVALID_ADVERT', r, `${r.src}: ${r.error}`, `X:${r.src}:${r.error}`);
      return;
    }
    if (r.version !== null && !this.timeline.versions.includes(r.version)) this.timeline.versions.push(r.version);
    this.comparePeers(r);
    const prevSeen = this.lastSeen.get(r.src);
    this.lastSeen.set(r.src, r.time);
    const cur = this.current;
    if (r.priority === 0) {
      if (cur && cur.src === r.src) {
        cur.to = r.time;
        cur.adverts++;
        cur.ended = 'priority-0';
        this.pending = { from: cur, cause: 'priority-0' };
        this.current = null;
      }
      return;
    }
    if (!cur) {
      const pending = this.pending;
      this.pending = null;
      if (pending && pending.from.src !== r.src) this.takeover(pending.from, pending.cause, r, r.intervalCs ?? 100);
      this.startMaster(r);
      return;
    }
    if (cur.src === r.src) {
      cur.to = r.time;
      cur.adverts++;
      cur.priority = r.priority ?? cur.priority;
      return;
    }
    // Another router advertises while `cur` is MASTER.
    const silentS = r.time - cur.to;
    const downS = masterDownS(r.priority ?? 0, this.currentIntervalCs, r.version ?? 3);
    if (silentS >= downS * 0.9) {
      cur.ended = 'silence';
      this.takeover(cur, 'silence', r, r.intervalCs ?? this.currentIntervalCs);
      this.startMaster(r);
      return;
    }
    const higher = (r.priority ?? 0) > cur.priority;
    if (higher && (prevSeen === undefined || r.time - prevSeen > downS)) {
      cur.ended = 'preempted';
      this.takeover(cur, 'preempted', r, r.intervalCs ?? this.currentIntervalCs);
      this.startMaster(r);
      return;
    }
    if (prevSeen !== undefined && r.time - prevSeen < downS) {
      this.anomaly('TWO_MASTERS', r, `${cur.src} and ${r.src} both advertising`, `2:${[cur.src, r.src].sort().join(',')}`);
    }
  }
}

/** The timeline of every virtual router (VRID, family) in the records, ordered by VRID then family. */
export function buildTimelines(records: readonly InspectRecord[]): RouterTimeline[] {
  const observers = new Map<string, Observer>();
  for (const r of records) {
    if (r.vrid === null) continue;
    const key = `${r.vrid}/${r.family}`;
    let o = observers.get(key);
    if (!o) observers.set(key, (o = new Observer(r.vrid, r.family)));
    o.add(r);
  }
  return [...observers.values()].map((o) => o.timeline).sort((a, b) => a.vrid - b.vrid || a.family - b.family);
}
