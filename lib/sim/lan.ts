/**
 * An in-memory LAN of hosts with a virtual clock (milliseconds). Deterministic: one event queue of timer
 * deadlines, packet deliveries and scheduled inputs, ordered by time then insertion. Each host runs the
 * node core (lib/node), the same one the daemon runs: adverts travel as bytes encoded by it, go through
 * lib/packet's receive rules with the receiving node's expectations, and are demultiplexed by it.
 *
 * Two ways to populate it: `addNode(name, keepalivedConfText, { addresses })` (a whole host, as vrrpd
 * reads it), or `addRouter(config)` (one bare virtual router; routers made a sync group share a host).
 * Packets sent on an interface reach the same-named interface of every other host; loss, delay and
 * partitions apply per port (an `addNode` host's name, an `addRouter` router's name).
 */
import type { Advertisement } from '../packet/advertisement';
import { encode } from '../packet/advertisement';
import { canonicalAddress, isMulticastAddress, parseAddress } from '../packet/address';
import type { ChecksumForm } from '../packet/checksum';
import { VRRP_GROUP_V4, VRRP_GROUP_V6, VRRP_TTL } from '../packet/constants';
import { receiveVrrp } from '../packet/receive';
import type { VirtualRouter } from '../fsm/router';
import type { Action, RouterConfig, RouterState, TrackingImpact } from '../fsm/types';
import type { InstanceCounters } from '../node/counters';
import type { NodeAction, NodeStatus } from '../node/types';
import { LinkModel } from './links';
import { routerSpec, SimHost, SimHostLan } from './node';
import { EventQueue } from '../node/queue';

/** Options of a simulated LAN. */
export interface LanOptions {
  /** Seed of the loss generator (default 1). */
  seed?: number;
  /** Default one-way delay in ms (default 0: delivered at the send instant, after the sender's turn). */
  delayMs?: number;
  /** v3/IPv4 checksum form of `addRouter` routers (default pseudo-header). */
  checksum?: ChecksumForm;
  /** Livelock guard: most events processed at one instant before `run*` throws (default 100000). */
  maxEventsPerInstant?: number;
}

/** One recorded router action: virtual time (ms), instance label, the fsm action. */
export interface TraceEntry {
  t: number;
  router: string;
  action: Action;
}

type SimEvent = { t: number; fn: () => void };

/** The simulated LAN. */
export class SimulatedLan implements SimHostLan {
  /** Every action every router returned, in order (an `addNode` instance is labelled `host/instance`). */
  readonly trace: TraceEntry[] = [];
  /** Packets not handed to a router, by reason (receive-rule codes, `partitioned`, `lost`, `dead`, ...). */
  readonly drops = new Map<string, number>();
  private clock = 0;
  private readonly queue = new EventQueue<SimEvent>();
  private readonly hosts = new Map<string, SimHost>();
  /** addRouter router name -> its host. */
  private readonly routerHosts = new Map<string, SimHost>();
  private readonly vips = new Map<string, Set<string>>();
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

  /**
   * Adds host `name` running keepalived.conf `text`, with `addresses` per interface (its source addresses
   * come from there, as the daemon finds them on the interface). It starts at `start` (default now).
   * @throws ConfigError for a bad configuration; TypeError when the name is taken or an address is missing.
   */
  addNode(name: string, text: string, opts: { addresses: Record<string, string[]>; start?: number }): SimHost {
    if (this.hosts.has(name)) throw new TypeError(`host ${name} already on the LAN`);
    const host = SimHost.fromConfig(name, text, opts.addresses, this, (inst, actions) => this.record(`${name}/${inst}`, actions));
    this.hosts.set(name, host);
    this.schedule(opts.start ?? this.clock, () => host.start());
    return host;
  }

  /** Host `name` (from `addNode`). @throws TypeError when unknown. */
  host(name: string): SimHost {
    const h = this.hosts.get(name);
    if (!h) throw new TypeError(`no host ${name} on the LAN`);
    return h;
  }

  /** Adds a bare router (host of its own, named after it, owning its primary address). Returns it. */
  addRouter(config: RouterConfig): VirtualRouter {
    if (this.routerHosts.has(config.name) || this.hosts.has(config.name)) throw new TypeError(`router ${config.name} already on the LAN`);
    const spec = { instances: [routerSpec(config, config.name)], scripts: [], files: [], syncGroups: [] };
    if (this.checksum) spec.instances[0].checksum = this.checksum;
    const host = new SimHost(config.name, spec, this, { eth0: [config.primaryAddress] }, (inst, actions) => this.record(inst, actions));
    this.hosts.set(config.name, host);
    this.routerHosts.set(config.name, host);
    return host.node.router(config.name);
  }

  /** The router named `name`. @throws TypeError when unknown. */
  router(name: string): VirtualRouter {
    return this.hostOf(name).node.router(name);
  }

  /** Names of the `addRouter` routers, in the order they were added. */
  routerNames(): string[] {
    return [...this.routerHosts.keys()];
  }

  /**
   * Makes the named routers a keepalived sync group: they move onto one host (before any of them started),
   * whose node core then coordinates them.
   */
  addSyncGroup(name: string, members: readonly string[]): void {
    const hosts = members.map((m) => this.hostOf(m));
    if (new Set(members).size !== members.length) throw new TypeError(`sync group ${name}: a member is listed twice`);
    if (hosts.some((h) => h.node.router(h.node.instanceNames()[0]).state !== 'INIT')) throw new TypeError(`sync group ${name}: members must not have started`);
    const instances = [...new Set(hosts)].flatMap((h) => h.node.currentSpec().instances);
    const groups = [...new Set(hosts)].flatMap((h) => h.node.currentSpec().syncGroups);
    const addresses = [...new Set(hosts.flatMap((h) => [...h.addresses]))];
    for (const h of new Set(hosts)) this.hosts.delete(h.name);
    const host = new SimHost(`host:${members.join('+')}`, { instances, scripts: [], files: [], syncGroups: [...groups, { name, members: [...members], notify: {} }] }, this, { eth0: addresses }, (inst, actions) => this.record(inst, actions));
    this.hosts.set(host.name, host);
    for (const i of instances) this.routerHosts.set(i.router.name, host);
  }

  private hostOf(router: string): SimHost {
    const h = this.routerHosts.get(router);
    if (!h) throw new TypeError(`no router ${router} on the LAN`);
    return h;
  }

  /** Runs `fn` at virtual time `at` (default now, after the events already queued for now). */
  schedule(at: number, fn: () => void): void {
    if (at < this.clock) throw new RangeError(`cannot schedule in the past (${at} < ${this.clock})`);
    this.queue.push({ t: at, fn });
  }

  /** Startup event for router `name` at `at` (default now). */
  startup(name: string, at = this.clock): void {
    this.schedule(at, () => this.act(name, (h) => h.node.startup(name, this.clock)));
  }

  /** Shutdown event for router `name` at `at` (default now). */
  shutdown(name: string, at = this.clock): void {
    this.schedule(at, () => this.act(name, (h) => h.node.call(name, (r, now) => r.shutdown(now), this.clock)));
  }

  /**
   * Router or host `name` dies at `at` (default now) without a word: no more timers, adverts or
   * deliveries, and its virtual addresses vanish with it. There is no revival.
   */
  crash(name: string, at = this.clock): void {
    this.schedule(at, () => {
      const host = this.routerHosts.get(name);
      if (host && host.node.instanceNames().length > 1) {
        host.node.crash(name);
        this.routerHosts.delete(name);
        this.deadRouters.add(name);
      } else {
        const h = host ?? this.host(name);
        h.dead = true;
        for (const r of h.node.instanceNames()) this.deadRouters.add(r);
        this.deadRouters.add(name);
      }
      for (const set of this.vips.values()) set.delete(name);
    });
  }

  private readonly deadRouters = new Set<string>();

  /** Whether router or host `name` has crashed. */
  isDead(name: string): boolean {
    return this.deadRouters.has(name);
  }

  /** Tracker impact for router `name` at `at` (default now). */
  setTracking(name: string, impact: TrackingImpact, at = this.clock): void {
    this.schedule(at, () => this.act(name, (h) => h.node.setTracking(name, impact, this.clock)));
  }

  /** Calls `fn` on router `name` now and performs the actions it returns (sync group included). */
  call(name: string, fn: (router: VirtualRouter, now: number) => Action[]): void {
    this.act(name, (h) => h.node.call(name, fn, this.clock));
  }

  private act(name: string, fn: (h: SimHost) => NodeAction[]): void {
    if (this.deadRouters.has(name)) return;
    const h = this.hostOf(name);
    if (!h.dead) h.perform(fn(h));
  }

  /**
   * Sends a crafted advert from `src` (a host that is not on the LAN) at `at` to every host, or to the
   * hosts or routers named in `to`; `ttl` other than 255 exercises the receive rules.
   */
  inject(src: string, advert: Advertisement, opts: { at?: number; to?: readonly string[]; ttl?: number } = {}): void {
    this.schedule(opts.at ?? this.clock, () => {
      const dst = advert.family === 4 ? VRRP_GROUP_V4 : VRRP_GROUP_V6;
      const bytes = encode(advert, undefined, 0, { src, dst, checksum: this.checksum });
      const targets = opts.to ? [...new Set(opts.to.map((n) => this.routerHosts.get(n) ?? this.host(n)))] : [...this.hosts.values()];
      for (const h of targets) this.deliver(h, 'eth0', bytes, src, dst, advert.family, opts.ttl ?? VRRP_TTL);
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
      ev.fn();
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

  /** The keepalived counters of router `name`. */
  countersOf(name: string): InstanceCounters {
    const s = this.hostOf(name).status().instances.find((i) => i.name === name);
    if (!s) throw new TypeError(`no router ${name} on the LAN`);
    return s.counters;
  }

  /** Status of router `name`'s host. */
  statusOf(name: string): NodeStatus {
    return this.hostOf(name).status();
  }

  /** Names of the live routers in MASTER state. */
  masters(): string[] {
    return this.routerNames().filter((n) => !this.deadRouters.has(n) && this.stateOf(n) === 'MASTER');
  }

  /** Names of the routers holding virtual address `address` (per their add-vips/remove-vips actions). */
  holders(address: string): string[] {
    return [...(this.vips.get(canonicalAddress(address)) ?? [])].sort();
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

  private record(label: string, actions: readonly Action[]): void {
    for (const action of actions) this.trace.push({ t: this.clock, router: label, action });
  }

  /** SimHostLan: a host's VIPs changed (router API: labelled by router; addNode: by host). */
  vipsChanged(host: SimHost, instance: string, cidrs: string[], on: boolean): void {
    const label = this.routerHosts.get(instance) === host ? instance : host.name;
    for (const c of cidrs) {
      const a = canonicalAddress(c.split('/')[0]);
      let set = this.vips.get(a);
      if (!set) this.vips.set(a, (set = new Set()));
      if (on) set.add(label);
      else set.delete(label);
    }
  }

  /** SimHostLan: (re)arms the host's timer at its node's next deadline. */
  reschedule(host: SimHost): void {
    const deadline = host.node.nextDeadline();
    if (deadline === host.scheduled) return;
    host.scheduled = deadline;
    if (deadline === null) return;
    this.queue.push({
      t: Math.max(deadline, this.clock),
      fn: () => {
        if (host.scheduled !== deadline || host.dead) return;
        host.scheduled = null;
        host.perform(host.node.timer(this.clock));
      },
    });
  }

  /** SimHostLan: a host sends; every other live host on the same-named interface may receive it. */
  transmit(from: SimHost, a: Extract<NodeAction, { type: 'transmit' }>): void {
    // A reload that removes an instance returns its priority-0 advert after the instance is gone.
    const known = from.node.instanceNames().includes(a.instance);
    const fromPort = (known ? from.node.instanceSpec(a.instance).port : undefined) ?? from.name;
    const group = isMulticastAddress(a.dst);
    const vrid = a.bytes[1];
    for (const to of this.hosts.values()) {
      if (to === from) continue;
      if (!group && !to.addresses.has(canonicalAddress(a.dst))) continue;
      const inst = to.node.instanceFor(a.ifname, a.family, vrid);
      // Fast path: the receiving instance sends to this group itself.
      if (group && !(inst !== null && to.node.instanceSpec(inst).destinations.includes(a.dst)) && !joined(to, a.ifname, a.family, a.dst)) continue;
      const toPort = (inst !== null ? to.node.instanceSpec(inst).port : undefined) ?? to.name;
      const verdict = this.links.send(fromPort, toPort);
      if (!verdict.delivered) {
        this.count(verdict.why);
        continue;
      }
      const ttl = group ? VRRP_TTL : a.ttl ?? VRRP_TTL;
      this.queue.push({ t: this.clock + verdict.delayMs, fn: () => this.deliver(to, a.ifname, a.bytes, a.src, a.dst, a.family, ttl) });
    }
  }

  private deliver(to: SimHost, ifname: string, bytes: Buffer, src: string, dst: string, family: 4 | 6, ttl: number): void {
    if (to.dead) {
      this.count('dead');
      return;
    }
    const ip = { family, srcBytes: parseAddress(src, family), dstBytes: parseAddress(dst, family), ttl };
    const rx = receiveVrrp(bytes, 0, bytes.length, ip, to.node.lookup(ifname));
    if (!rx.valid) this.count(rx.reason ?? 'INVALID');
    to.perform(to.node.receive(ifname, family, src, rx, this.clock));
  }

  private count(reason: string): void {
    this.drops.set(reason, (this.drops.get(reason) ?? 0) + 1);
  }
}

/**
 * Whether `host` hears multicast `group` on (ifname, family): the groups its instances there send to, as the
 * daemon joins them; a host with none there (or only unicast ones) has the IANA group, as the transports' default.
 */
function joined(host: SimHost, ifname: string, family: 4 | 6, group: string): boolean {
  const groups = new Set<string>();
  for (const n of host.node.instanceNames()) {
    const s = host.node.instanceSpec(n);
    if (s.rxInterface === ifname && s.router.family === family) for (const d of s.destinations) if (isMulticastAddress(d)) groups.add(d);
  }
  if (groups.size === 0) groups.add(family === 4 ? VRRP_GROUP_V4 : VRRP_GROUP_V6);
  return groups.has(canonicalAddress(group));
}
