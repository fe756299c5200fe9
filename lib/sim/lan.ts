/**
 * An in-memory LAN of virtual routers with a virtual clock (milliseconds). Deterministic: one event
 * queue of timer deadlines, packet deliveries and scheduled inputs, ordered by time then insertion.
 * Adverts travel as bytes: encoded with the real codec (checksum over the real source and group
 * address), checked by lib/packet's configuration-free receive rules, demultiplexed by VRID, family and
 * version (what the daemon's socket layer does), then decoded into the receiving router. The
 * configuration-dependent rules (v2 interval, v2 auth) are left to the router itself.
 */
import { Advertisement, encode } from '../packet/advertisement';
import { parseAddress } from '../packet/address';
import type { ChecksumForm } from '../packet/checksum';
import { VRRP_GROUP_V4, VRRP_GROUP_V6, VRRP_TTL } from '../packet/constants';
import { receiveVrrp } from '../packet/receive';
import { assertNever } from '../assert';
import { VirtualRouter } from '../fsm/router';
import { SyncGroup } from '../fsm/sync-group';
import type { Action, RouterConfig, RouterState, TrackingImpact } from '../fsm/types';
import { LinkModel } from './links';
import { EventQueue } from './queue';

/** Options of a simulated LAN. */
export interface LanOptions {
  /** Seed of the loss generator (default 1). */
  seed?: number;
  /** Default one-way delay in ms (default 0: delivered at the send instant, after the sender's turn). */
  delayMs?: number;
  /** v3/IPv4 checksum form on send (default the codec's: pseudo-header). */
  checksum?: ChecksumForm;
  /** Livelock guard: most events processed at one instant before `run*` throws (default 100000). */
  maxEventsPerInstant?: number;
}

/** One recorded action: virtual time (ms), router name, the action. */
export interface TraceEntry {
  t: number;
  router: string;
  action: Action;
}

type SimEvent =
  | { t: number; kind: 'timer'; name: string; deadline: number }
  | { t: number; kind: 'deliver'; name: string; bytes: Buffer; src: string; family: 4 | 6 }
  | { t: number; kind: 'call'; fn: () => void };

/** The simulated LAN. Routers are identified by name; their IP source is their `primaryAddress`. */
export class SimulatedLan {
  /** Every action every router returned, in order. */
  readonly trace: TraceEntry[] = [];
  /** Packets not handed to a router, by reason (receive-rule codes, `partitioned`, `lost`, ...). */
  readonly drops = new Map<string, number>();
  private clock = 0;
  private readonly queue = new EventQueue<SimEvent>();
  private readonly routers = new Map<string, VirtualRouter>();
  private readonly names = new Map<VirtualRouter, string>();
  private readonly scheduled = new Map<string, number | null>();
  private readonly groups = new Map<VirtualRouter, SyncGroup>();
  private readonly vips = new Map<string, Set<string>>();
  private readonly dead = new Set<string>();
  private readonly links: LinkModel;
  private readonly checksum: ChecksumForm | undefined;
  private readonly maxPerInstant: number;

  constructor(options: LanOptions = {}) {
    this.links = new LinkModel(options.seed ?? 1, options.delayMs ?? 0);
    this.checksum = options.checksum;
    this.maxPerInstant = options.maxEventsPerInstant ?? 100000;
  }

  /** Current virtual time (ms). */
  get now(): number {
    return this.clock;
  }

  /** Loss, delay and partitions. */
  get link(): LinkModel {
    return this.links;
  }

  /** Adds a router under `name` (unique). Returns the router. */
  add(name: string, router: VirtualRouter): VirtualRouter {
    if (this.routers.has(name)) throw new TypeError(`router ${name} already on the LAN`);
    this.routers.set(name, router);
    this.names.set(router, name);
    this.scheduled.set(name, null);
    return router;
  }

  /** The router named `name`. @throws TypeError when unknown. */
  router(name: string): VirtualRouter {
    const r = this.routers.get(name);
    if (r === undefined) throw new TypeError(`no router ${name} on the LAN`);
    return r;
  }

  /** Creates a `VirtualRouter` from `config` and adds it under `config.name`. */
  addRouter(config: RouterConfig): VirtualRouter {
    return this.add(config.name, new VirtualRouter(config));
  }

  /** Names of the routers, in the order they were added. */
  routerNames(): string[] {
    return [...this.routers.keys()];
  }

  /** Makes the named routers a keepalived sync group; their actions then go through it. */
  addSyncGroup(name: string, members: readonly string[]): SyncGroup {
    const group = new SyncGroup(name, members.map((m) => this.router(m)));
    for (const r of group.members) this.groups.set(r, group);
    return group;
  }

  /** Runs `fn` at virtual time `at` (default now, after the events already queued for now). */
  schedule(at: number, fn: () => void): void {
    if (at < this.clock) throw new RangeError(`cannot schedule in the past (${at} < ${this.clock})`);
    this.queue.push({ t: at, kind: 'call', fn });
  }

  /** Startup event for `name` at `at` (default now). */
  startup(name: string, at = this.clock): void {
    this.schedule(at, () => this.call(name, (r, now) => r.startup(now)));
  }

  /** Shutdown event for `name` at `at` (default now). */
  shutdown(name: string, at = this.clock): void {
    this.schedule(at, () => this.call(name, (r, now) => r.shutdown(now)));
  }

  /**
   * Host `name` dies at `at` (default now) without a word: no more timers, adverts or deliveries, and
   * its virtual addresses vanish with it. There is no revival (add a new router instead).
   */
  crash(name: string, at = this.clock): void {
    this.schedule(at, () => {
      this.dead.add(name);
      for (const set of this.vips.values()) set.delete(name);
    });
  }

  /** Whether `name` has crashed. */
  isDead(name: string): boolean {
    return this.dead.has(name);
  }

  /** Tracker impact for `name` at `at` (default now). */
  setTracking(name: string, impact: TrackingImpact, at = this.clock): void {
    this.schedule(at, () => this.call(name, (r, now) => r.setTracking(now, impact)));
  }

  /** Calls `fn` on router `name` now and performs the actions it returns (sync group included). */
  call(name: string, fn: (router: VirtualRouter, now: number) => Action[]): Action[] {
    const router = this.router(name);
    if (this.dead.has(name)) return [];
    const actions = fn(router, this.clock);
    this.perform(name, actions);
    return actions;
  }

  /**
   * Sends a crafted advert from `src` (a host that is not one of the routers) at `at` to every router,
   * or to `to`; `ttl` other than 255 exercises the receive rules.
   */
  inject(src: string, advert: Advertisement, opts: { at?: number; to?: readonly string[]; ttl?: number } = {}): void {
    this.schedule(opts.at ?? this.clock, () => {
      const bytes = this.encodeFrom(src, advert);
      for (const name of opts.to ?? this.routerNames()) this.deliver(name, bytes, src, advert.family, opts.ttl ?? VRRP_TTL);
    });
  }

  /** Processes every event up to and including time `t`, then sets the clock to `t`. */
  runUntil(t: number): void {
    let instant = this.clock;
    let count = 0;
    for (let ev = this.queue.peek(); ev !== undefined && ev.t <= t; ev = this.queue.peek()) {
      this.queue.pop();
      if (ev.t !== instant) {
        instant = ev.t;
        count = 0;
      }
      if (++count > this.maxPerInstant) throw new Error(`livelock: more than ${this.maxPerInstant} events at t=${instant} ms`);
      this.clock = ev.t;
      this.dispatch(ev);
    }
    this.clock = Math.max(this.clock, t);
  }

  /** `runUntil(now + ms)`. */
  runFor(ms: number): void {
    this.runUntil(this.clock + ms);
  }

  /** State of router `name`. */
  stateOf(name: string): RouterState {
    return this.router(name).state;
  }

  /** Names of the live routers in MASTER state. */
  masters(): string[] {
    return this.routerNames().filter((n) => !this.dead.has(n) && this.stateOf(n) === 'MASTER');
  }

  /** Names of the routers holding virtual address `address` (per their add-vips/remove-vips actions). */
  holders(address: string): string[] {
    return [...(this.vips.get(address) ?? [])].sort();
  }

  /** Virtual addresses router `name` holds. */
  vipsOf(name: string): string[] {
    return [...this.vips.entries()].filter(([, set]) => set.has(name)).map(([a]) => a).sort();
  }

  /** Trace entries of one action type, optionally of one router, optionally from time `since`. */
  actionsOf<T extends Action['type']>(type: T, router?: string, since = -Infinity): (TraceEntry & { action: Extract<Action, { type: T }> })[] {
    return this.trace.filter(
      (e): e is TraceEntry & { action: Extract<Action, { type: T }> } =>
        e.action.type === type && (router === undefined || e.router === router) && e.t >= since,
    );
  }

  private dispatch(ev: SimEvent): void {
    switch (ev.kind) {
      case 'call':
        ev.fn();
        return;
      case 'timer':
        if (this.scheduled.get(ev.name) !== ev.deadline || this.dead.has(ev.name)) return;
        this.scheduled.set(ev.name, null);
        this.call(ev.name, (r, now) => r.timer(now));
        return;
      case 'deliver':
        this.deliver(ev.name, ev.bytes, ev.src, ev.family, VRRP_TTL);
        return;
      default:
        assertNever(ev);
    }
  }

  private perform(name: string, actions: Action[]): void {
    this.record(name, actions);
    const router = this.router(name);
    const group = this.groups.get(router);
    if (group !== undefined) {
      for (const extra of group.process(this.clock, router, actions)) this.record(this.nameOf(extra.router), extra.actions);
      for (const m of group.members) this.reschedule(this.nameOf(m));
    }
    this.reschedule(name);
  }

  private record(name: string, actions: Action[]): void {
    for (const action of actions) {
      this.trace.push({ t: this.clock, router: name, action });
      switch (action.type) {
        case 'send-advert':
          this.transmit(name, action.advert);
          break;
        case 'add-vips':
          for (const a of action.addresses) this.vipSet(a).add(name);
          break;
        case 'remove-vips':
          for (const a of action.addresses) this.vipSet(a).delete(name);
          break;
        default:
          break;
      }
    }
  }

  private reschedule(name: string): void {
    const deadline = this.router(name).nextDeadline();
    if (deadline === this.scheduled.get(name)) return;
    this.scheduled.set(name, deadline);
    if (deadline !== null) this.queue.push({ t: Math.max(deadline, this.clock), kind: 'timer', name, deadline });
  }

  private transmit(from: string, advert: Advertisement): void {
    const src = this.router(from).config.primaryAddress;
    const bytes = this.encodeFrom(src, advert);
    for (const to of this.routers.keys()) {
      if (to === from) continue;
      const verdict = this.links.send(from, to);
      if (!verdict.delivered) {
        this.count(verdict.why);
        continue;
      }
      this.queue.push({ t: this.clock + verdict.delayMs, kind: 'deliver', name: to, bytes, src, family: advert.family });
    }
  }

  private encodeFrom(src: string, advert: Advertisement): Buffer {
    const dst = advert.family === 4 ? VRRP_GROUP_V4 : VRRP_GROUP_V6;
    return encode(advert, undefined, 0, { src, dst, checksum: this.checksum });
  }

  private deliver(name: string, bytes: Buffer, src: string, family: 4 | 6, ttl: number): void {
    const router = this.router(name);
    if (this.dead.has(name)) {
      this.count('dead');
      return;
    }
    const dst = family === 4 ? VRRP_GROUP_V4 : VRRP_GROUP_V6;
    const ip = { family, srcBytes: parseAddress(src, family), dstBytes: parseAddress(dst, family), ttl };
    const result = receiveVrrp(bytes, 0, bytes.length, ip);
    if (!result.valid || result.advert === null) {
      this.count(result.reason ?? 'INVALID');
      return;
    }
    const ad = result.advert;
    if (family !== router.config.family || ad.vrid !== router.config.vrid) {
      this.count('VRID_NOT_CONFIGURED');
      return;
    }
    if (ad.version !== router.config.version) {
      this.count('VERSION_MISMATCH');
      return;
    }
    this.call(name, (r, now) => r.receive(ad, { src }, now));
  }

  private count(reason: string): void {
    this.drops.set(reason, (this.drops.get(reason) ?? 0) + 1);
  }

  private vipSet(address: string): Set<string> {
    let set = this.vips.get(address);
    if (set === undefined) {
      set = new Set();
      this.vips.set(address, set);
    }
    return set;
  }

  private nameOf(router: VirtualRouter): string {
    const n = this.names.get(router);
    if (n === undefined) throw new TypeError('router is not on this LAN');
    return n;
  }
}
