/**
 * `vrrpd inspect --timeline`: replays the VRRP records of a capture through a passive observer per
 * virtual router (VRID and family) and reports who was MASTER from when to when, each takeover and how
 * long it took from the old master's last advert, and anomalies between the peers. Pure: records in.
 *
 * The observer applies RFC 9568 §6.4 from the outside: a router that advertises with priority > 0 is
 * MASTER; a MASTER stops being one when it sends priority 0 (§6.4.3 Shutdown), when another router takes
 * over after its Master_Down_Interval of silence (§6.4.2), or when a router preempts it.
 *
 * State is bounded per virtual router whatever the capture holds (a flood of spoofed sources included): the
 * peers compared are the most recently heard TIMELINE_LIMITS.peers; anomalies are aggregated per kind and
 * source (pair) with a count and first/last frame, at most TIMELINE_LIMITS.anomalies distinct entries kept;
 * routers, master periods and takeovers are kept up to their limits; what is left out is counted in `omitted`.
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

/** One kind of anomaly between one source (or pair of sources), aggregated over the capture. */
export interface Anomaly {
  kind: AnomalyKind;
  /** First frame (and its capture time, seconds) that showed it. */
  frame: number;
  time: number;
  /** What the first occurrence showed. */
  detail: string;
  /** Adverts that showed it (an advert counts once per peer it disagrees with). */
  count: number;
  /** Last frame that showed it, and its time. */
  lastFrame: number;
  lastTime: number;
}

/** The bounds on what one virtual router's timeline keeps (see the module comment). */
export const TIMELINE_LIMITS = {
  /** Routers listed by address; further distinct sources are counted (exactly up to `trackedSources`). */
  routers: 100,
  trackedSources: 10_000,
  /** Peers whose last advert is kept for comparison: the most recently heard. */
  peers: 16,
  /** Distinct anomaly entries (kind + source or pair); further occurrences are counted per kind. */
  anomalies: 100,
  masters: 1000,
  takeovers: 1000,
} as const;

/** What a timeline left out when a bound was reached. */
export interface Omitted {
  /** Distinct sources not listed in `routers` (a lower bound when `routersAtLeast`). */
  routers: number;
  routersAtLeast: boolean;
  masters: number;
  takeovers: number;
  /** Occurrences of anomalies with no entry of their own, in all and per kind. */
  anomalies: number;
  anomalyKinds: Partial<Record<AnomalyKind, number>>;
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
  /** Present only when a bound of TIMELINE_LIMITS was reached. */
  omitted?: Omitted;
}

interface PeerView {
  intervalCs: number;
  addresses: string;
  checksum: string | null;
  auth: string | null;
  version: number;
  /** Capture time of the peer's last advert. */
  lastSeen: number;
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
  /** Last view of the most recently heard peers, least recent first (an LRU of TIMELINE_LIMITS.peers). */
  private readonly peers = new Map<string, PeerView>();
  private readonly entries = new Map<string, Anomaly>();
  private readonly listed = new Set<string>();
  private readonly unlisted = new Set<string>();

  constructor(vrid: number, family: 4 | 6) {
    this.timeline = { vrid, family, versions: [], routers: [], masters: [], takeovers: [], anomalies: [] };
  }

  private omitted(): Omitted {
    return (this.timeline.omitted ??= { routers: 0, routersAtLeast: false, masters: 0, takeovers: 0, anomalies: 0, anomalyKinds: {} });
  }

  /** Counts one occurrence of the anomaly `key`; `detail` is only built for a new entry. */
  private anomaly(kind: AnomalyKind, r: InspectRecord, key: string, detail: () => string): void {
    const seen = this.entries.get(key);
    if (seen) {
      seen.count++;
      seen.lastFrame = r.frame;
      seen.lastTime = r.time;
      return;
    }
    if (this.entries.size >= TIMELINE_LIMITS.anomalies) {
      const o = this.omitted();
      o.anomalies++;
      o.anomalyKinds[kind] = (o.anomalyKinds[kind] ?? 0) + 1;
      return;
    }
    const entry: Anomaly = { kind, frame: r.frame, time: r.time, detail: detail(), count: 1, lastFrame: r.frame, lastTime: r.time };
    this.entries.set(key, entry);
    this.timeline.anomalies.push(entry);
  }

  private noteRouter(src: string): void {
    if (this.listed.has(src) || this.unlisted.has(src)) return;
    if (this.listed.size < TIMELINE_LIMITS.routers) {
      this.listed.add(src);
      this.timeline.routers.push(src);
      return;
    }
    const o = this.omitted();
    if (this.unlisted.size < TIMELINE_LIMITS.trackedSources) {
      this.unlisted.add(src);
      o.routers++;
    } else if (!this.peers.has(src)) {
      o.routersAtLeast = true;
    }
  }

  /** Compares the advert with the last one of each recent peer; returns the sender's previous advert time. */
  private comparePeers(r: InspectRecord): number | undefined {
    const view: PeerView = {
      intervalCs: r.intervalCs ?? 0,
      addresses: (r.addresses ?? []).join(','),
      checksum: r.version === 3 && r.family === 4 ? r.checksum : null,
      auth: r.version === 2 ? `${r.authType}:${r.authData}` : null,
      version: r.version ?? 0,
      lastSeen: r.time,
    };
    this.noteRouter(r.src);
    const prev = this.peers.get(r.src);
    for (const [src, other] of this.peers) {
      if (src === r.src) continue;
      const versionDiffers = other.version !== view.version;
      const intervalDiffers = !versionDiffers && other.intervalCs !== view.intervalCs;
      const addressesDiffer = other.addresses !== view.addresses;
      const checksumDiffers = other.checksum !== null && view.checksum !== null && other.checksum !== view.checksum;
      const authDiffers = other.auth !== null && view.auth !== null && other.auth !== view.auth;
      if (!versionDiffers && !intervalDiffers && !addressesDiffer && !checksumDiffers && !authDiffers) continue;
      const pair = src < r.src ? `${src} vs ${r.src}` : `${r.src} vs ${src}`;
      if (versionDiffers) this.anomaly('VERSION_MISMATCH', r, `V:${pair}`, () => `${pair}: v${other.version} vs v${view.version}`);
      if (intervalDiffers) this.anomaly('INTERVAL_MISMATCH', r, `I:${pair}`, () => `${pair}: ${other.intervalCs} cs vs ${view.intervalCs} cs`);
      if (addressesDiffer) this.anomaly('ADDRESS_LIST_MISMATCH', r, `A:${pair}`, () => `${pair}: [${other.addresses}] vs [${view.addresses}]`);
      if (checksumDiffers) this.anomaly('CHECKSUM_FORM_MISMATCH', r, `C:${pair}`, () => `${src}: ${other.checksum}, ${r.src}: ${view.checksum}`);
      if (authDiffers) this.anomaly('AUTH_MISMATCH', r, `U:${pair}`, () => pair);
    }
    if (prev) this.peers.delete(r.src);
    this.peers.set(r.src, view);
    if (this.peers.size > TIMELINE_LIMITS.peers) this.peers.delete(this.peers.keys().next().value as string);
    return prev?.lastSeen;
  }

  private takeover(from: MasterPeriod, cause: Takeover['cause'], r: InspectRecord, intervalCs: number): void {
    const version = r.version ?? 3;
    const bound = cause === 'priority-0' ? skewS(r.priority ?? 0, intervalCs, version) : masterDownS(r.priority ?? 0, intervalCs, version);
    const takeoverMs = (r.time - from.to) * 1000;
    if (this.timeline.takeovers.length >= TIMELINE_LIMITS.takeovers) {
      this.omitted().takeovers++;
      return;
    }
    this.timeline.takeovers.push({
      from: from.src, to: r.src, cause, lastAdvertOfOld: from.to, firstAdvertOfNew: r.time, takeoverMs,
      boundMs: bound * 1000, withinBound: cause === 'preempted' || takeoverMs <= bound * 1000 * 1.1 + 50,
    });
  }

  private startMaster(r: InspectRecord): void {
    this.current = { src: r.src, from: r.time, to: r.time, priority: r.priority ?? 0, adverts: 1, ended: 'capture-end' };
    this.currentIntervalCs = r.intervalCs ?? this.currentIntervalCs;
    if (this.timeline.masters.length < TIMELINE_LIMITS.masters) this.timeline.masters.push(this.current);
    else this.omitted().masters++;
  }

  /** Feeds one record (in capture order). */
  add(r: InspectRecord): void {
    if (!r.valid) {
      if (r.error === 'TTL_NOT_255') this.anomaly('TTL_NOT_255', r, `T:${r.src}`, () => `${r.src}: TTL ${r.ttl}`);
      else this.anomaly('INVALID_ADVERT', r, `X:${r.src}:${r.error}`, () => `${r.src}: ${r.error}`);
      return;
    }
    if (r.version !== null && !this.timeline.versions.includes(r.version)) this.timeline.versions.push(r.version);
    const prevSeen = this.comparePeers(r);
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
      this.anomaly('TWO_MASTERS', r, `2:${[cur.src, r.src].sort().join(',')}`, () => `${cur.src} and ${r.src} both advertising`);
    }
  }
}

/** Builds the timelines from records fed one at a time, in capture order (for streaming a capture). */
export class TimelineBuilder {
  private readonly observers = new Map<number, Observer>();

  /** Feeds one record; records without a VRID are ignored. */
  add(r: InspectRecord): void {
    if (r.vrid === null) return;
    const key = r.vrid * 8 + r.family;
    let o = this.observers.get(key);
    if (!o) this.observers.set(key, (o = new Observer(r.vrid, r.family)));
    o.add(r);
  }

  /** The timeline of every virtual router seen so far, ordered by VRID then family. */
  timelines(): RouterTimeline[] {
    return [...this.observers.values()].map((o) => o.timeline).sort((a, b) => a.vrid - b.vrid || a.family - b.family);
  }
}

/** The timeline of every virtual router (VRID, family) in the records, ordered by VRID then family. */
export function buildTimelines(records: Iterable<InspectRecord>): RouterTimeline[] {
  const b = new TimelineBuilder();
  for (const r of records) b.add(r);
  return b.timelines();
}
