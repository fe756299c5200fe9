/**
 * One host's VRRP, sans-I/O: a VirtualRouter per instance, keepalived sync groups, tracker impacts (also
 * at start: init_fail, weights), the demultiplexing of received adverts by interface, family and VRID,
 * unicast peers, per-instance counters, peer warnings, announcements on keepalived's schedule, the script
 * schedule, reload by diff, and a status snapshot. Every input carries `now` (ms, monotonic); every call
 * returns the actions for the shell (lib/daemon, lib/sim). No clock, socket or process.
 */
import { VirtualRouter } from '../fsm/router';
import { EventQueue } from './queue';
import { SyncGroup } from '../fsm/sync-group';
import type { Action } from '../fsm/types';
import { encode } from '../packet/advertisement';
import { canonicalAddressCached } from '../packet/address-cache';
import type { Family } from '../packet/constants';
import type { InstanceLookup, ReceiveResult, ReceiveWarning } from '../packet/receive';
import { sameImpact, trackerImpact, type ProcessEntry, type ScriptOutcome, type TrackerImpact } from '../track';
import { copyInstanceCounters, countDrop, countWarnings, emptyInstanceCounters, InstanceCounters, InstanceDropReason } from './counters';
import { Announcer } from './announcer';
import { diffInstance } from './diff';
import { checkedWarnings, heardLowerPriority, unknownPeerNote } from './receive-policy';
import type { InstanceSpec, NodeSpec } from './spec';
import { InstanceTrackers, LinkState, NodeTrackers } from './trackers';
import { vipsOf } from './vip-index';
import type { AdvertDroppedEvent, InstanceStatus, NodeAction, NodeEvent, NodeStatus, NotifyState, RouterActionObserver, TransitionStatus } from './types';

/** Deadlines by time, then configuration order. */
const byServiceOrder = (a: { t: number; inst: Instance }, b: { t: number; inst: Instance }): number => a.t - b.t || a.inst.order - b.inst.order;

function inServiceOrder(due: ReadonlyArray<{ t: number; inst: Instance }>): boolean {
  for (let k = 1; k < due.length; k++) if (byServiceOrder(due[k - 1], due[k]) > 0) return false;
  return true;
}

interface Instance {
  spec: InstanceSpec;
  router: VirtualRouter;
  trackers: InstanceTrackers;
  /** The tracker impact last given to the router (at first: none, as the router starts). */
  applied: TrackerImpact;
  counters: InstanceCounters;
  group: SyncGroup | null;
  announcer: Announcer;
  /** `peer cause` pairs already warned about. */
  warned: Set<string>;
  last: TransitionStatus | null;
  /** Startup was asked for (it waits while a weight-0 tracker has no result yet). */
  wanted: boolean;
  /** Its router's deadline as last queued in `deadlines`, or null. */
  due: number | null;
  /** An entry of it popped from `deadlines`, reused by the next push (no entry allocated per advert). */
  spareEntry: { t: number; inst: Instance } | null;
  /** Its announcer's deadline as last queued in `announceDeadlines`, or null. */
  announceDue: number | null;
  /** Removed from the node (queued deadlines of it are stale). */
  gone: boolean;
  /**
   * Encoded adverts by priority + 256 × the destination's index in `spec.destinations`, for the current
   * configuration (a MASTER sends the same bytes; a number key allocates nothing per advert).
   */
  adverts: Map<number, Buffer>;
  /** Its place in the configuration's order (ties between deadlines go by it). */
  order: number;
}

/**
 * Announcement rounds one `timer` call hands out, about (an instance's due rounds go together): the second
 * round of 510 MASTERs (garp_master_delay after the takeover) was 2,550 announcements in one call, and the
 * adverts due right after it waited ~30 ms for it (bench/lan jitter). The daemon sends as many per turn of
 * its event loop (ANNOUNCES_PER_TURN in lib/daemon/executor.ts is this): more per call would queue there,
 * 2,550 promise chains alive long enough to be promoted.
 */
export const ANNOUNCE_ROUNDS_PER_CALL = 32;

const WARNING_TEXT: Record<ReceiveWarning, string> = {
  ADDRESS_LIST_DIFFERS: 'its virtual addresses differ from ours',
  V3_INTERVAL_DIFFERS: 'its advert interval differs from ours (we follow it as a backup)',
  FIRST_ADDRESS_NOT_LINK_LOCAL: 'its first IPv6 address is not link-local (RFC 9568 §5.2.9)',
  OWNER_RECEIVED: 'it advertises although we are the address owner (priority 255)',
};

/** Instances of one interface by VRID, IPv4 and IPv6 apart (VRIDs 1..255). */
type VridTable = [Array<Instance | undefined>, Array<Instance | undefined>];

/** The VRRP of one host. */
export class VrrpNode {
  private spec: NodeSpec;
  private readonly insts = new Map<string, Instance>();
  /** Instances by receive interface, family and VRID: per-packet lookups build no key string. */
  private readonly byVrid = new Map<string, VridTable>();
  private groups: SyncGroup[] = [];
  private trackers: NodeTrackers;
  private readonly unclaimed: Partial<Record<InstanceDropReason, number>> = {};
  /**
   * Routers' deadlines, and apart from them announcers' deadlines (lazy: an entry whose time is no longer its
   * instance's is stale); equal ones in configuration order (the order `timer` serves them in). Apart, so
   * announcements held back by ANNOUNCE_ROUNDS_PER_CALL stay queued instead of being popped and pushed
   * again by every call (510 of them per call in a second round at 510 VRs: 4-9 ms per call).
   */
  private readonly deadlines = new EventQueue<{ t: number; inst: Instance }>((a, b) => a.inst.order - b.inst.order);
  private readonly announceDeadlines = new EventQueue<{ t: number; inst: Instance }>((a, b) => a.inst.order - b.inst.order);
  private started = false;
  private stopped = false;

  /**
   * @throws VrrpError CONFIG for an invalid instance (see resolveConfig); TypeError when two instances share
   * interface, family and VRID, or a sync group names an unknown instance.
   */
  constructor(spec: NodeSpec, private readonly observer?: RouterActionObserver) {
    this.spec = spec;
    this.trackers = new NodeTrackers(spec);
    for (const s of spec.instances) this.add(s);
    this.buildGroups();
  }

  /** The instance names, in configuration order. */
  instanceNames(): string[] {
    return [...this.insts.keys()];
  }

  /** The router of instance `name`. @throws TypeError when unknown. */
  router(name: string): VirtualRouter {
    return this.inst(name).router;
  }

  /** The spec of instance `name`. @throws TypeError when unknown. */
  instanceSpec(name: string): InstanceSpec {
    return this.inst(name).spec;
  }

  /** The current spec. */
  currentSpec(): NodeSpec {
    return this.spec;
  }

  /** The file trackers to read (name, path). */
  trackedFiles(): Array<{ name: string; path: string }> {
    return this.trackers.filePaths();
  }

  /**
   * Whether the shell must feed process snapshots (`setProcesses`): null when no instance tracks a
   * vrrp_track_process; `cmdline` when a tracker compares the command line (else the comm is enough).
   */
  processScan(): { cmdline: boolean } | null {
    return this.trackers.processScan();
  }

  /** The receive expectations of the instances on `ifname` (what the transport's receive step checks). */
  lookup(ifname: string): InstanceLookup {
    return (vrid, family) => this.find(ifname, family, vrid)?.spec.expectations;
  }

  /** The instance that receives adverts for (ifname, family, VRID), if any. */
  instanceFor(ifname: string, family: Family, vrid: number): string | null {
    return this.find(ifname, family, vrid)?.spec.router.name ?? null;
  }

  private find(ifname: string, family: Family, vrid: number): Instance | undefined {
    return this.byVrid.get(ifname)?.[family === 4 ? 0 : 1][vrid];
  }

  /** The (interface, family) pairs the instances send and receive on. */
  endpoints(): Array<{ ifname: string; family: Family }> {
    const seen = new Map<string, { ifname: string; family: Family }>();
    for (const i of this.insts.values()) seen.set(`${i.spec.rxInterface}/${i.spec.router.family}`, { ifname: i.spec.rxInterface, family: i.spec.router.family });
    return [...seen.values()];
  }

  private inst(name: string): Instance {
    const i = this.insts.get(name);
    if (!i) throw new TypeError(`no instance ${name}`);
    return i;
  }

  private add(spec: InstanceSpec): Instance {
    const { vrid, family } = spec.router;
    const had = this.find(spec.rxInterface, family, vrid);
    if (had) throw new TypeError(`instances ${had.spec.router.name} and ${spec.router.name} both use VRID ${vrid} for IPv${family} on ${spec.rxInterface}`);
    const inst: Instance = {
      spec, router: new VirtualRouter(spec.router), trackers: this.trackers.forInstance(spec), applied: trackerImpact([]), counters: emptyInstanceCounters(),
      group: null, announcer: new Announcer(spec.announce), warned: new Set(), last: null, wanted: false, due: null, spareEntry: null, announceDue: null, gone: false, adverts: new Map(),
      order: this.insts.size,
    };
    this.insts.set(spec.router.name, inst);
    let table = this.byVrid.get(spec.rxInterface);
    if (!table) {
      table = [[], []];
      this.byVrid.set(spec.rxInterface, table);
    }
    table[family === 4 ? 0 : 1][vrid] = inst;
    return inst;
  }

  private remove(inst: Instance): void {
    inst.gone = true;
    this.insts.delete(inst.spec.router.name);
    const { vrid, family } = inst.spec.router;
    const table = this.byVrid.get(inst.spec.rxInterface);
    if (table && table[family === 4 ? 0 : 1][vrid] === inst) table[family === 4 ? 0 : 1][vrid] = undefined;
  }

  private buildGroups(): void {
    for (const g of this.groups) g.dispose();
    for (const i of this.insts.values()) i.group = null;
    this.groups = [];
    for (const g of this.spec.syncGroups) {
      const members = g.members.map((m) => this.inst(m));
      if (members.length === 0) continue;
      const group = new SyncGroup(g.name, members.map((m) => m.router));
      group.adopt();
      for (const m of members) m.group = group;
      this.groups.push(group);
    }
  }

  /** Re-reads the deadlines of `i` after anything touched it. */
  private touch(i: Instance): void {
    // A deadline that moved later keeps its queued entry, which topDeadline moves when it comes up: a
    // BACKUP's Master_Down_Timer moves with every advert it hears, and an entry per advert lived until its
    // old time (~3 intervals) as garbage promoted out of the young generation (510 VRs: 5,100 a second).
    const r = i.router.nextDeadline();
    if (r === null) i.due = null;
    else if (i.due === null || r < i.due) {
      i.due = r;
      if (!i.gone) {
        const e = i.spareEntry ?? { t: r, inst: i };
        i.spareEntry = null;
        e.t = r;
        this.deadlines.push(e);
      }
    }
    const a = i.announcer.nextDeadline();
    if (a !== i.announceDue) {
      i.announceDue = a;
      if (a !== null && !i.gone) this.announceDeadlines.push({ t: a, inst: i });
    }
  }

  /**
   * The earliest router deadline, dropping queued ones that are no longer their instance's and queuing
   * again, at its router's deadline now, an instance whose deadline moved later (see touch).
   */
  private topDeadline(): { t: number; inst: Instance } | undefined {
    for (let e = this.deadlines.peek(); e !== undefined; e = this.deadlines.peek()) {
      const i = e.inst;
      if (!i.gone && i.due === e.t) {
        const r = i.router.nextDeadline();
        if (r === e.t) return e;
        i.due = r;
        if (r !== null) {
          e.t = r;
          this.deadlines.retimeTop();
        } else this.deadlines.pop();
        continue;
      }
      this.deadlines.pop();
    }
    return undefined;
  }

  /** The earliest announcer deadline, the same way. */
  private topAnnounce(): { t: number; inst: Instance } | undefined {
    for (let e = this.announceDeadlines.peek(); e !== undefined; e = this.announceDeadlines.peek()) {
      if (!e.inst.gone && e.inst.announceDue === e.t) return e;
      this.announceDeadlines.pop();
    }
    return undefined;
  }

  /** The earliest time (ms) `timer` must be called, or null. O(log n) amortised. */
  nextDeadline(): number | null {
    const router = this.topDeadline()?.t ?? null;
    const announce = this.topAnnounce()?.t ?? null;
    const top = router === null ? announce : announce === null ? router : Math.min(router, announce);
    const scripts = this.started && !this.stopped ? this.trackers.nextScriptAt() : null;
    const processes = this.stopped ? null : this.trackers.nextProcessAt();
    let at = top;
    for (const t of [scripts, processes]) if (t !== null && (at === null || t < at)) at = t;
    return at;
  }

  /** Starts every instance (Initialize, RFC 9568 §6.4.1) once its trackers allow, and the scripts. */
  start(now: number): NodeAction[] {
    const out: NodeAction[] = [];
    if (this.started) return out;
    this.started = true;
    for (const i of this.insts.values()) this.startInstance(i, now, out);
    out.push(...this.trackers.startDue(now));
    return out;
  }

  /** Starts one instance (the simulator's per-router start-up). */
  startup(name: string, now: number): NodeAction[] {
    const out: NodeAction[] = [];
    this.started = true;
    this.startInstance(this.inst(name), now, out);
    return out;
  }

  private startInstance(i: Instance, now: number, out: NodeAction[]): void {
    i.wanted = true;
    if (i.router.state !== 'INIT') return;
    const impact = trackerImpact(i.trackers.views);
    // keepalived keeps an instance in its initial state until every weight-0 tracker has reported.
    if (impact.pending) return;
    this.applyImpact(i, impact, now, out);
    this.perform(i, i.router.startup(now), now, out);
  }

  private applyImpact(i: Instance, impact: TrackerImpact, now: number, out: NodeAction[]): void {
    if (sameImpact(i.applied, impact)) return;
    i.applied = impact;
    this.perform(i, i.router.setTracking(now, { priorityDelta: impact.priorityDelta, fault: impact.fault, reason: impact.faultReasons.join('; ') }), now, out);
  }

  /** Re-evaluates every instance's trackers: impacts take effect at once; pending instances start. */
  private refresh(now: number, out: NodeAction[]): void {
    for (const i of this.insts.values()) {
      const impact = trackerImpact(i.trackers.views);
      if (i.router.state === 'INIT') {
        if (i.wanted && !this.stopped) this.startInstance(i, now, out);
      } else {
        this.applyImpact(i, impact, now, out);
      }
    }
  }

  /**
   * Timers: adverts and takeovers, then due announcements (at most about ANNOUNCE_ROUNDS_PER_CALL rounds:
   * the others stay due, so `nextDeadline()` is at or before `now` and the caller calls again), due scripts.
   * Calls before a deadline do nothing.
   */
  timer(now: number): NodeAction[] {
    const out: NodeAction[] = [];
    const due: Array<{ t: number; inst: Instance }> = [];
    for (let e = this.topDeadline(); e !== undefined && e.t <= now; e = this.topDeadline()) {
      this.deadlines.pop();
      e.inst.due = null;
      due.push(e);
    }
    // Deterministic: by deadline, then in configuration order. The queue pops them so; sorted again only
    // when a reload reordered instances queued already (sorting every call built a 510-entry Map and a
    // sort copy for every turn of adverts at 510 VRs).
    if (!inServiceOrder(due)) due.sort(byServiceOrder);
    for (const e of due) {
      const i = e.inst;
      if (i.gone) continue;
      i.spareEntry = e; // popped: touch pushes it again at the router's next deadline
      const d = i.router.nextDeadline();
      if (d !== null && d <= now) this.perform(i, i.router.timer(now), now, out);
      this.touch(i);
    }
    // Then due announcement rounds, by deadline and configuration order; past the cap the others stay
    // queued and due, for the next call.
    let rounds = 0;
    for (let e = this.topAnnounce(); e !== undefined && e.t <= now && rounds < ANNOUNCE_ROUNDS_PER_CALL; e = this.topAnnounce()) {
      this.announceDeadlines.pop();
      const i = e.inst;
      i.announceDue = null;
      for (const cidrs of i.announcer.due(now)) {
        out.push(...this.announceActions(i, cidrs));
        rounds++;
      }
      for (const x of i.announcer.extraDue(now)) out.push({ type: 'announce', instance: i.spec.router.name, dev: x.dev, addresses: [...x.addresses], ...(x.mac !== undefined ? { mac: x.mac } : {}) });
      this.touch(i);
    }
    if (!this.stopped) {
      const lines = this.trackers.processTimer(now);
      for (const message of lines) out.push({ type: 'log', level: 'info', message });
      if (lines.length > 0) this.refresh(now, out);
    }
    if (this.started && !this.stopped) out.push(...this.trackers.startDue(now));
    return out;
  }

  /**
   * A packet arrived on `ifname` from `src`, with the receive step's verdict (lib/packet/receive.ts, with
   * `lookup(ifname)`). Valid adverts go to their instance (unicast peers checked); drops are counted on
   * the instance of their VRID when one claims it, else as unclaimed. Never throws for bad input.
   */
  receive(ifname: string, family: Family, src: string | null, rx: ReceiveResult, now: number): NodeAction[] {
    const out: NodeAction[] = [];
    const inst = rx.advert ? this.find(ifname, family, rx.advert.vrid) : undefined;
    if (!rx.valid || rx.advert === null || src === null) return this.dropped(inst, ifname, family, src, rx, out, rx.reason ?? 'BAD_IP_HEADER');
    if (!inst) return this.dropped(inst, ifname, family, src, rx, out, 'VRID_NOT_CONFIGURED');
    let peer: string;
    try {
      peer = canonicalAddressCached(src);
    } catch {
      return this.dropped(inst, ifname, family, src, rx, out, 'BAD_IP_HEADER');
    }
    if (inst.spec.unicastPeers.length > 0 && !inst.spec.unicastPeers.includes(peer)) {
      if (!inst.spec.checkUnicastSrc && !inst.warned.has(`${peer} UNICAST_PEER_UNKNOWN`)) {
        inst.warned.add(`${peer} UNICAST_PEER_UNKNOWN`);
        out.push({ type: 'log', level: 'warn', message: unknownPeerNote(inst.spec.router.name, peer) });
      }
      return this.dropped(inst, ifname, family, src, rx, out, 'UNICAST_PEER_UNKNOWN');
    }
    const warnings = checkedWarnings(rx.warnings, inst.spec.skipCheckAdvAddr === true, inst.router.state, inst.router.masterAddress, peer);
    countWarnings(inst.counters, warnings);
    for (const cause of warnings) {
      const k = `${peer} ${cause}`;
      if (inst.warned.has(k)) continue;
      inst.warned.add(k);
      const message = `instance ${inst.spec.router.name}: peer ${peer}: ${WARNING_TEXT[cause]}`;
      out.push(event({ kind: 'warning', data: { instance: inst.spec.router.name, peer, cause, message } }));
    }
    inst.counters.advertsReceived++;
    if (rx.advert.priority === 0) inst.counters.priorityZeroReceived++;
    const wasMaster = inst.router.state === 'MASTER';
    const actions = inst.router.receive(rx.advert, { src: peer }, now);
    this.perform(inst, actions, now, out);
    if (heardLowerPriority(wasMaster, rx.advert, actions, inst.router.state)) this.heardLower(inst, now, out);
    return out;
  }

  /** Counts a dropped advert on its instance (or as unclaimed) and reports it; returns `out`. */
  private dropped(inst: Instance | undefined, ifname: string, family: Family, src: string | null, rx: ReceiveResult, out: NodeAction[], reason: InstanceDropReason): NodeAction[] {
    if (inst) countDrop(inst.counters, reason);
    else this.unclaimed[reason] = (this.unclaimed[reason] ?? 0) + 1;
    const data: AdvertDroppedEvent = { instance: inst?.spec.router.name ?? null, ifname, family, reason, src };
    if (rx.advert) data.vrid = rx.advert.vrid;
    out.push(event({ kind: 'advert-dropped', data }));
    return out;
  }

  /**
   * keepalived garp_lower_prio_repeat / _delay: a MASTER that heard a lower-priority advert announces its
   * VIPs again, and so does every other MASTER member of its sync group.
   */
  private heardLower(inst: Instance, now: number, out: NodeAction[]): void {
    // notify_master_rx_lower_pri (and `notify ... MASTER_RX_LOWER_PRI`, the FIFO line): only when configured.
    if (inst.spec.notify.masterRxLowerPri !== undefined) this.instanceNotify(inst, 'MASTER_RX_LOWER_PRI', out);
    for (const m of this.insts.values()) {
      if (m !== inst && (inst.group === null || m.group !== inst.group)) continue;
      if (m.router.state !== 'MASTER') continue;
      for (const cidrs of m.announcer.heardLower(now, this.announcedCidrs(m, m.router.config.virtualAddresses))) out.push(...this.announceActions(m, cidrs));
      this.touch(m);
    }
  }

  /** The links as they are now (see NodeTrackers.setLinks); tracker changes take effect at once. */
  setLinks(links: readonly LinkState[], now: number): NodeAction[] {
    const out: NodeAction[] = [];
    const { changed, lines } = this.trackers.setLinks(links);
    for (const line of lines) out.push({ type: 'log', level: 'info', message: line });
    // Address changes (every VIP added or removed) come here too: instances re-evaluate only on news.
    if (changed) this.refresh(now, out);
    return out;
  }

  /** A `run-script` ended with `outcome` at `now`. */
  scriptResult(script: string, outcome: ScriptOutcome, now: number): NodeAction[] {
    const out: NodeAction[] = [];
    const state = this.trackers.scriptResult(script, outcome, now);
    if (state !== null) out.push({ type: 'log', level: 'info', message: `vrrp_script ${script}: ${state} (${outcome})` });
    this.refresh(now, out);
    if (!this.stopped) out.push(...this.trackers.startDue(now));
    return out;
  }

  /** The content of tracked file `name` (null when unreadable). */
  fileText(name: string, text: string | null, now: number): NodeAction[] {
    const out: NodeAction[] = [];
    if (this.trackers.fileText(name, text)) {
      out.push({ type: 'log', level: 'info', message: `track_file ${name}: ${text === null ? 'unreadable' : `reads ${JSON.stringify(text.trim().slice(0, 32))}`}` });
      this.refresh(now, out);
    }
    return out;
  }

  /**
   * The processes running at `now` (the whole list, zombies left out; see `processScan`): vrrp_track_process
   * counts take effect at once, or after their fork_delay / terminate_delay (then `timer` applies them).
   */
  setProcesses(list: readonly ProcessEntry[], now: number): NodeAction[] {
    const out: NodeAction[] = [];
    const { changed, lines } = this.trackers.setProcesses(list, now);
    for (const message of lines) out.push({ type: 'log', level: 'info', message });
    if (changed) this.refresh(now, out);
    return out;
  }

  /** Overrides the tracker impact of one instance (library and simulator use; trackers are bypassed). */
  setTracking(name: string, impact: { priorityDelta: number; fault: boolean; reason?: string }, now: number): NodeAction[] {
    const out: NodeAction[] = [];
    const i = this.inst(name);
    this.perform(i, i.router.setTracking(now, impact), now, out);
    return out;
  }

  /** Calls `fn` on instance `name`'s router and performs its actions (sync group included). */
  call(name: string, fn: (router: VirtualRouter, now: number) => Action[], now: number): NodeAction[] {
    const out: NodeAction[] = [];
    const i = this.inst(name);
    this.perform(i, fn(i.router, now), now, out);
    return out;
  }

  /**
   * A MASTER instance on `ifname` lost what the OS held for it (interface re-created, MAC changed): adds its
   * VIPs back and announces them afresh, as on entering MASTER. `macOnly`: the VIPs are still there.
   */
  reinstate(ifname: string, now: number, macOnly = false): NodeAction[] {
    const out: NodeAction[] = [];
    for (const i of this.insts.values()) {
      if (i.router.state !== 'MASTER') continue;
      const devs = new Set([i.spec.interface, i.spec.announceDev, ...i.spec.vips.map((v) => v.dev)]);
      if (!devs.has(ifname) || (macOnly && i.spec.announceMac !== undefined)) continue;
      const vips = [...i.router.config.virtualAddresses];
      this.perform(i, macOnly ? [{ type: 'announce', addresses: vips }] : [{ type: 'add-vips', addresses: vips }, { type: 'announce', addresses: [...vips] }], now, out);
    }
    return out;
  }

  /**
   * Shutdown: every MASTER sends priority 0 and releases its VIPs; every instance returns to INIT. As
   * keepalived, every instance then reports STOP (notify_stop, `notify ... STOP`), whatever its state was,
   * and after them every sync group; the states members pass through on the way are not reported.
   */
  shutdown(now: number): NodeAction[] {
    const out: NodeAction[] = [];
    this.stopped = true;
    for (const i of this.insts.values()) {
      i.wanted = false;
      const acts: NodeAction[] = [];
      this.perform(i, i.router.shutdown(now), now, acts);
      out.push(...acts.filter((a) => a.type !== 'notify'));
    }
    for (const i of this.insts.values()) this.instanceNotify(i, 'STOP', out);
    for (const g of this.groups) this.groupNotify(g.name, 'STOP', out);
    return out;
  }

  /** Drops instance `name` without a word (the simulator's crash): no priority 0, no VIP removal. */
  crash(name: string): void {
    const i = this.inst(name);
    i.group?.dispose();
    this.remove(i);
  }

  /**
   * Reload: diffs `spec` against the running one by instance name. Unchanged instances keep state, timers
   * and VIPs; changed ones are reconfigured in place (VRID, family, version, interface or source changed:
   * stopped and started anew); removed ones stop cleanly (priority 0, VIPs removed); added ones start.
   * Trackers whose definition is unchanged keep their state. @throws as the constructor, before any change.
   */
  apply(spec: NodeSpec, now: number): NodeAction[] {
    const out: NodeAction[] = [];
    // Validate everything first: a bad spec must leave the running node untouched.
    for (const s of spec.instances) new VirtualRouter(s.router);
    const names = new Set(spec.instances.map((s) => s.router.name));
    for (const g of spec.syncGroups) for (const m of g.members) if (!names.has(m)) throw new TypeError(`sync group ${g.name}: no instance ${m}`);
    for (const i of [...this.insts.values()]) {
      if (names.has(i.spec.router.name)) continue;
      // keepalived.conf(5) notify_deleted: a removed instance reports FAULT, or DELETED with notify_deleted
      // (its notify_deleted script then runs), instead of the STOP of its shutdown.
      const stop: NodeAction[] = [];
      this.perform(i, i.router.shutdown(now), now, stop);
      out.push(...stop.filter((a) => !(a.type === 'notify' && a.kind === 'INSTANCE' && a.name === i.spec.router.name)));
      this.instanceNotify(i, i.spec.notifyDeleted ? 'DELETED' : 'FAULT', out);
      i.announcer.cancel();
      this.remove(i);
      out.push({ type: 'log', level: 'info', message: `reload: instance ${i.spec.router.name} removed` });
    }
    for (const g of this.groups) g.dispose();
    this.groups = [];
    this.spec = spec;
    this.trackers = new NodeTrackers(spec, this.trackers);
    const fresh: Instance[] = [];
    for (const s of spec.instances) {
      const old = this.insts.get(s.router.name);
      if (!old) {
        fresh.push(this.add(s));
        out.push({ type: 'log', level: 'info', message: `reload: instance ${s.router.name} added` });
        continue;
      }
      const d = diffInstance(old.spec, s);
      old.trackers = this.trackers.forInstance(s);
      if (d.kind === 'same') {
        old.spec = s;
        continue;
      }
      if (d.kind === 'replace') {
        this.perform(old, old.router.shutdown(now), now, out);
        old.announcer.cancel();
        this.remove(old);
        fresh.push(this.add(s));
      } else {
        this.reconfigure(old, s, now, out);
      }
      out.push({ type: 'log', level: 'info', message: `reload: instance ${s.router.name} ${d.kind === 'replace' ? 'restarted' : 'reconfigured'} (${d.changes.join(', ')})` });
    }
    // The node's order is the configuration's order.
    const order = spec.instances.map((s) => this.inst(s.router.name));
    this.insts.clear();
    order.forEach((i, k) => {
      i.order = k;
      this.insts.set(i.spec.router.name, i);
    });
    this.buildGroups();
    // A fault another member imposed ends with its group (or when the new group has no faulty member).
    for (const i of this.insts.values()) {
      const held = i.group?.members.some((m) => m.faults.own) ?? false;
      if (i.router.faults.group && !held) this.perform(i, i.router.setGroupFault(now, false), now, out);
    }
    if (this.started && !this.stopped) for (const i of fresh) this.startInstance(i, now, out);
    this.refresh(now, out);
    return out;
  }

  private reconfigure(i: Instance, s: InstanceSpec, now: number, out: NodeAction[]): void {
    const was = i.spec;
    i.spec = s;
    i.adverts.clear();
    i.announcer.configure(s.announce);
    const master = i.router.state === 'MASTER';
    // The router's own VIP actions are replaced by one diff over every platform VIP (advert, excluded,
    // device or prefix changes), and the new ones are announced without cutting the others' schedule.
    const actions = i.router.reconfigure(now, s.router).filter((a) => a.type !== 'add-vips' && a.type !== 'remove-vips' && a.type !== 'announce');
    this.perform(i, actions, now, out);
    if (!master) return;
    const name = s.router.name;
    // A VIP whose options changed is removed and added anew.
    const before = vipsOf(was, was.router.virtualAddresses);
    const after = vipsOf(s, s.router.virtualAddresses);
    const [gone, added] = listDiff(before, after);
    // Routes and rules: the ones gone before any VIP goes, the new ones after the VIPs are added.
    const [routesGone, routesAdded] = listDiff(was.routes, s.routes);
    const [rulesGone, rulesAdded] = listDiff(was.rules, s.rules);
    if (routesGone.length + rulesGone.length > 0) out.push({ type: 'remove-routes', instance: name, routes: routesGone, rules: rulesGone });
    if (gone.length > 0) out.push({ type: 'remove-vips', instance: name, vips: gone });
    if (added.length > 0) out.push({ type: 'add-vips', instance: name, vips: added });
    if (routesAdded.length + rulesAdded.length > 0) out.push({ type: 'add-routes', instance: name, routes: routesAdded, rules: rulesAdded });
    if (added.length > 0) {
      const addresses = added.map((v) => v.cidr);
      for (const list of i.announcer.added(now, addresses)) out.push(...this.announceActions(i, list));
    }
  }

  /** The platform VIPs ("address/len") of router addresses `addresses` that the announcing device carries. */
  private announcedCidrs(i: Instance, addresses: readonly string[]): string[] {
    return vipsOf(i.spec, addresses).map((v) => v.cidr);
  }

  /**
   * One announce action per device: the VIPs on the instance's interface from the announcing device (the
   * vmac, with the virtual MAC), a VIP with `dev X` on X from X's own MAC (as keepalived announces each VIP
   * on its own interface).
   */
  private announceActions(i: Instance, cidrs: readonly string[]): NodeAction[] {
    const { spec } = i;
    const byDev = new Map<string, string[]>();
    for (const c of cidrs) {
      const dev = spec.vips.find((v) => v.cidr === c)?.dev;
      const to = dev === undefined || dev === spec.announceDev || dev === spec.interface ? spec.announceDev : dev;
      const list = byDev.get(to);
      if (list) list.push(c);
      else byDev.set(to, [c]);
    }
    return [...byDev].map(([dev, addresses]): NodeAction => {
      const a: NodeAction = { type: 'announce', instance: spec.router.name, dev, addresses };
      if (dev === spec.announceDev && spec.announceMac !== undefined) a.mac = spec.announceMac;
      return a;
    });
  }

  /** Performs a router's actions (and its sync group's reaction) into `out`. */
  private perform(i: Instance, actions: readonly Action[], now: number, out: NodeAction[]): void {
    this.translate(i, actions, now, out);
    this.touch(i);
    const g = i.group;
    if (!g) return;
    const before = g.state;
    const members = [...this.insts.values()].filter((x) => x.group === g);
    for (const extra of g.process(now, i.router, actions)) {
      const m = members.find((x) => x.router === extra.router);
      if (m) this.translate(m, extra.actions, now, out);
    }
    for (const m of members) this.touch(m);
    if (g.state !== before) this.groupNotify(g.name, notifyState(g.state), out);
  }

  /** A sync group's notify (priority 0 for a group, as keepalived). */
  private groupNotify(name: string, state: NotifyState, out: NodeAction[]): void {
    const spec = this.spec.syncGroups.find((x) => x.name === name);
    const a: NodeAction = { type: 'notify', kind: 'GROUP', name, state, priority: 0, commands: spec?.notify ?? {} };
    if (spec?.notifyUsers) a.users = spec.notifyUsers;
    out.push(a);
  }

  /** An instance's notify with its effective priority. */
  private instanceNotify(i: Instance, state: NotifyState, out: NodeAction[]): void {
    const a: NodeAction = { type: 'notify', kind: 'INSTANCE', name: i.spec.router.name, state, priority: i.router.priority, commands: i.spec.notify };
    if (i.spec.notifyUsers) a.users = i.spec.notifyUsers;
    out.push(a);
  }

  private translate(i: Instance, actions: readonly Action[], now: number, out: NodeAction[]): void {
    this.observer?.(i.spec.router.name, actions);
    const name = i.spec.router.name;
    for (const a of actions) {
      switch (a.type) {
        case 'send-advert': {
          const { router: r } = i.spec;
          i.counters.advertsSent++;
          if (a.advert.priority === 0) i.counters.priorityZeroSent++;
          const { destinations, unicastTtl } = i.spec;
          for (let d = 0; d < destinations.length; d++) {
            const dst = destinations[d];
            const k = a.advert.priority + 256 * d;
            let bytes = i.adverts.get(k);
            if (bytes === undefined) {
              bytes = encode(a.advert, undefined, 0, { src: i.router.config.primaryAddress, dst, checksum: i.spec.checksum });
              if (i.adverts.size > 16) i.adverts.clear();
              i.adverts.set(k, bytes);
            }
            const t: NodeAction = { type: 'transmit', instance: name, ifname: i.spec.rxInterface, family: r.family, src: i.router.config.primaryAddress, dst, bytes, priority: a.advert.priority };
            if (unicastTtl !== undefined) t.ttl = unicastTtl;
            out.push(t);
          }
          break;
        }
        // The router's VIP actions carry every VIP (entering / leaving MASTER, shutdown): the routes and rules
        // go with them, after the addresses and before their removal (keepalived's order).
        case 'add-vips':
          out.push({ type: 'add-vips', instance: name, vips: vipsOf(i.spec, a.addresses) });
          if (hasRouting(i.spec)) out.push({ type: 'add-routes', instance: name, routes: [...i.spec.routes], rules: [...i.spec.rules] });
          break;
        case 'remove-vips':
          i.announcer.cancel();
          if (hasRouting(i.spec)) out.push({ type: 'remove-routes', instance: name, routes: [...i.spec.routes], rules: [...i.spec.rules] });
          out.push({ type: 'remove-vips', instance: name, vips: vipsOf(i.spec, a.addresses) });
          break;
        case 'announce':
          for (const cidrs of i.announcer.entered(now, this.announcedCidrs(i, a.addresses))) out.push(...this.announceActions(i, cidrs));
          break;
        case 'state-change':
          if (a.to === 'MASTER') i.counters.becomeMaster++;
          if (a.from === 'MASTER') i.counters.releaseMaster++;
          if (a.to !== 'MASTER') i.announcer.cancel();
          i.last = { from: a.from, to: a.to, reason: a.reason, atMs: now };
          out.push(event({ kind: 'state-change', data: { instance: name, from: a.from, to: a.to, reason: a.reason, priority: i.router.priority, ...(a.detail ? { detail: a.detail } : {}) } }));
          this.instanceNotify(i, notifyState(a.to), out);
          break;
        case 'priority-change':
          out.push(event({ kind: 'priority-change', data: { instance: name, from: a.from, to: a.to } }));
          if (i.spec.notifyPriorityChanges) out.push({ type: 'notify-priority', instance: name, state: i.router.state === 'MASTER' ? 'MASTER_PRIORITY' : 'BACKUP_PRIORITY', priority: a.to });
          break;
        case 'drop':
          countDrop(i.counters, a.reason);
          out.push(event({ kind: 'advert-dropped', data: { instance: name, ifname: i.spec.rxInterface, family: i.spec.router.family, reason: a.reason, src: null } }));
          break;
        default: {
          const never: never = a;
          throw new TypeError(`unknown action ${JSON.stringify(never)}`);
        }
      }
    }
  }

  /** A snapshot of every instance (copies: it does not change as the node runs on). */
  status(): NodeStatus {
    return {
      instances: [...this.insts.values()].map((i): InstanceStatus => ({
        name: i.spec.router.name,
        state: i.router.state,
        vrid: i.spec.router.vrid,
        family: i.spec.router.family,
        version: i.spec.router.version,
        interface: i.spec.interface,
        priority: { base: i.spec.router.priority, effective: i.router.priority },
        master: i.router.masterAddress,
        source: i.router.config.primaryAddress,
        vips: i.spec.vips.map((v) => v.cidr),
        syncGroup: i.group?.name ?? null,
        trackers: i.trackers.status(),
        counters: copyInstanceCounters(i.counters),
        lastTransition: i.last ? { ...i.last } : null,
      })),
      syncGroups: this.groups.map((g) => ({ name: g.name, state: g.state, members: g.members.map((m) => m.config.name) })),
      unclaimed: { ...this.unclaimed },
    };
  }
}

/** Whether an instance has virtual routes or rules. */
function hasRouting(spec: InstanceSpec): boolean {
  return spec.routes.length > 0 || spec.rules.length > 0;
}

/** The entries of `before` not in `after` and of `after` not in `before` (compared as data). */
function listDiff<T>(before: readonly T[], after: readonly T[]): [T[], T[]] {
  const keyOf = (x: T): string => JSON.stringify(x);
  const had = new Set(before.map(keyOf));
  const has = new Set(after.map(keyOf));
  return [before.filter((x) => !has.has(keyOf(x))), after.filter((x) => !had.has(keyOf(x)))];
}

/** keepalived's notify word for a router or group state: INIT (stopped) is STOP. */
function notifyState(s: 'INIT' | 'BACKUP' | 'MASTER' | 'FAULT'): NotifyState {
  return s === 'INIT' ? 'STOP' : s;
}

function event(e: NodeEvent): NodeAction {
  return { type: 'event', event: e };
}
