/**
 * rtnetlink for LinuxPlatform and the vmacs, through the `netlink` package (mildsunrise; its native part
 * polls the socket with libuv, so every request is asynchronous). Two sockets, opened on first use in the
 * network namespace of the process:
 * - a request socket for commands and dumps: a dump runs alone (the package assembles one multipart reply
 *   at a time, and the kernel runs one dump per socket), changes are pipelined (see `request`);
 * - a monitor socket in RTNLGRP_LINK, RTNLGRP_IPV4_IFADDR and RTNLGRP_IPV6_IFADDR feeding a LinkCache, so
 *   that reading links, MACs and addresses needs no round trip. An overrun (ENOBUFS) re-dumps.
 * Needs CAP_NET_ADMIN for changes; reading works unprivileged.
 */
import { endianness } from 'node:os';
import { AttrStream, createNetlink, createRtNetlink, FlagsNew, ifla, NetlinkMessage, NetlinkSocket, Protocol, rt, RtNetlinkSocket, StreamData } from 'netlink';
import { formatAddress, parseAddress } from '../packet/address';
import type { Family } from '../packet/constants';
import { CachedAddress, CachedLink, LinkCache, LinkEvent, LinkFacts, scopeName } from './link-cache';
import { addressMessage, AF_INET, AF_INET6, routeMessage, ruleMessage } from './route-messages';
import { routeText, ruleText } from './route-text';
import type { LinkInfo, RouteSpec, RuleSpec, VipOptions } from './types';

/** IN6_ADDR_GEN_MODE_NONE. */
const ADDR_GEN_MODE_NONE = 1;
/** MACVLAN_MODE_PRIVATE. */
export const MACVLAN_MODE_PRIVATE = 1;
/** Changes in flight at once on the request socket (their ACKs must fit its receive buffer). */
const CHANGE_WINDOW = 64;
/** How long a change waits for its own notification before the cache is re-dumped, in milliseconds. */
const NOTIFY_WAIT_MS = 1000;

/** An RTM_NEWADDR request formatted once (Rtnetlink.addMessage), and how its address shows in the cache. */
interface AddMessage {
  payload: Uint8Array[];
  options: { timeout: number; flags: number };
  text: string;
  prefixLength: number;
}

/** The options of a VIP without any: one object, so its formatted adds are found again (see Rtnetlink.addMessage). */
const NO_OPTIONS: VipOptions = Object.freeze({});

/** Formatted VIP adds kept per options object (a config's VIPs; more, e.g. from reload after reload, start over). */
const ADD_MESSAGES_KEPT = 4096;

/** An rtnetlink request the kernel refused: `code` is the errno name ("EEXIST", "ENODEV", ...). */
export class NetlinkError extends Error {
  constructor(message: string, readonly code: string) {
    super(message);
    this.name = 'NetlinkError';
  }
}

/** The errno name of a refusal from the `netlink` package ("Request rejected: EEXIST"), or undefined. */
function errnoName(e: unknown): string | undefined {
  return /Request rejected: (\w+)/.exec(e instanceof Error ? e.message : String(e))?.[1];
}

const readU32 = (b: Buffer): number => (endianness() === 'LE' ? b.readUInt32LE(0) : b.readUInt32BE(0));
const u32 = (n: number): Buffer => {
  const b = Buffer.alloc(4);
  if (endianness() === 'LE') b.writeUInt32LE(n);
  else b.writeUInt32BE(n);
  return b;
};
/** Serializes the package's attribute stream form (nested attributes) into one buffer. */
function nested(data: StreamData): Buffer {
  const s = new AttrStream();
  s.emit(data);
  return Buffer.concat(s.bufs);
}
const macText = (b: Buffer): string => [...b].map((x) => x.toString(16).padStart(2, '0')).join(':');
const macBytes = (mac: string): Buffer => Buffer.from(mac.split(':').map((x) => parseInt(x, 16)));

/** RTM_NEWLINK as LinkFacts; undefined for what is not a whole link (AF_BRIDGE port messages, no name). */
export function decodeLink(m: rt.LinkMessage): LinkFacts | undefined {
  if ((m.data.family ?? 0) !== 0 || m.data.index === undefined || m.attrs.ifname === undefined) return undefined;
  const facts: LinkFacts = { ifindex: m.data.index, ifname: m.attrs.ifname, adminUp: m.data.flags?.up === true, lowerUp: m.data.flags?.lowerUp === true };
  if (m.attrs.address && m.attrs.address.length > 0) facts.mac = macText(m.attrs.address);
  if (m.attrs.link && m.attrs.link.length >= 4) facts.linkIndex = readU32(m.attrs.link);
  if (m.attrs.linkinfo) {
    const info = ifla.parseInfo(m.attrs.linkinfo);
    facts.kind = info.kind;
    if (info.kind === 'macvlan' && info.data) facts.macvlanMode = ifla.parseMacvlan(info.data).mode;
  }
  return facts;
}

/** RTM_NEWADDR / RTM_DELADDR as ifindex and address; undefined for other families. */
export function decodeAddress(m: rt.AddressMessage): { ifindex: number; address: CachedAddress } | undefined {
  const family: Family | undefined = m.data.family === AF_INET ? 4 : m.data.family === AF_INET6 ? 6 : undefined;
  const bytes = m.attrs.local ?? m.attrs.address;
  if (family === undefined || m.data.index === undefined || bytes === undefined || bytes.length !== (family === 4 ? 4 : 16)) return undefined;
  const address = formatAddress(bytes, 0, family);
  const prefixLength = m.data.prefixlen ?? (family === 4 ? 32 : 128);
  const rtScope = m.data.scope ?? 0;
  const secondary = (m.attrs.flags ?? m.data.flags)?.secondary === true;
  return { ifindex: m.data.index, address: { family, address, prefixLength, cidr: `${address}/${prefixLength}`, scope: scopeName(rtScope), secondary, rtScope } };
}

/** Decodes one monitor message (RTM_NEWLINK/DELLINK/NEWADDR/DELADDR); undefined for anything else. */
function decodeEvent(msg: NetlinkMessage): LinkEvent | undefined {
  switch (msg.type) {
    case rt.MessageType.NEWLINK:
    case rt.MessageType.DELLINK: {
      const link = decodeLink(rt.parseLinkMessage(msg.data));
      if (!link) return undefined;
      return msg.type === rt.MessageType.NEWLINK ? { type: 'newlink', link } : { type: 'dellink', ifindex: link.ifindex };
    }
    case rt.MessageType.NEWADDR:
    case rt.MessageType.DELADDR: {
      const a = decodeAddress(rt.parseAddressMessage(msg.data));
      if (!a) return undefined;
      return { type: msg.type === rt.MessageType.NEWADDR ? 'newaddr' : 'deladdr', ...a };
    }
    default:
      return undefined;
  }
}

/** Options of `Rtnetlink`. */
export interface RtnetlinkOptions {
  /** Timeout of one request in milliseconds; default 5000. */
  timeoutMs?: number;
}

/** A cache condition waited for by a change (see `awaitCache`). */
interface Waiter {
  check: () => boolean;
  resolve: () => void;
}

/** rtnetlink client: requests, and the link cache with change listeners (see the module comment). */
export class Rtnetlink {
  private readonly timeoutMs: number;
  private requests?: RtNetlinkSocket;
  private monitor?: NetlinkSocket;
  private readonly cache = new LinkCache();
  /** Resolves once the monitor listens and the first dump is in the cache. */
  private synced?: Promise<void>;
  /** Monitor messages that arrived during a dump, applied after it. */
  private held: NetlinkMessage[] | null = null;
  /** The last dump: requests after it wait for it. */
  private dumpDone: Promise<unknown> = Promise.resolve();
  /** Dumps asked for and not yet settled. */
  private dumps = 0;
  /** Changes waiting for a dump or a slot (a change asked for later must not overtake them). */
  private queuedChanges = 0;
  /** The first dump is in the cache and the monitor follows (what `ready()` resolves on). */
  private isSynced = false;
  /** Changes not yet answered: a dump waits for them. */
  private readonly inflight = new Set<Promise<unknown>>();
  /** Changes sent and unanswered, and the changes waiting for room in the window. */
  private sending = 0;
  /**
   * Messages handed to the package whose send it has not reported yet (see `noteSends`): while any is,
   * its native queue is not empty and a new message waits for the socket's next poll.
   */
  private unsent = 0;
  /** Inside the package's report of a send (a message sent from there is queued, not sent). */
  private reporting = false;
  /** Called when the next message handed to the package has been sent (set around one `fn` call). */
  private onNextSend: (() => void) | undefined;
  private readonly slotWaiters: Array<() => void> = [];
  private readonly listeners = new Set<(links: LinkInfo[]) => void>();
  private readonly waiters = new Set<Waiter>();
  private notifyScheduled = false;
  private closed = false;

  constructor(opts: RtnetlinkOptions = {}) {
    this.timeoutMs = opts.timeoutMs ?? 5000;
  }

  /** The request socket, opened on first use. */
  private socket(): RtNetlinkSocket {
    if (!this.requests) {
      this.requests = createRtNetlink();
      this.noteSends(this.requests);
      // A receive error (no listener would make it an uncaught exception): the request times out instead.
      this.requests.socket.on('error', () => undefined);
      try {
        // Room for the ACKs of a full window of changes (each ACK is a whole skb for the kernel).
        this.requests.socket.setRecvBufferSize(1 << 20);
      } catch {
        // capped by net.core.rmem_max: the window is sized for the default
      }
    }
    return this.requests;
  }

  /**
   * Wraps the request socket's raw send (its own method on this one object, netlink 0.3.0 pinned): the
   * package reports each sendmsg(2) to the callback of `send`, from its completion queue (on a 0 ms libuv
   * timer for a message sent inside `send`, after the poll's sendmsg loop for a queued one). Counts the
   * messages not reported yet (`unsent`) and calls `onNextSend` of a change once it was sent: the kernel
   * carried the change out inside that sendmsg (rtnetlink's doit runs in the sender's context).
   */
  private noteSends(s: RtNetlinkSocket): void {
    const raw = s.socket.socket;
    const send = raw.send.bind(raw);
    raw.send = (msg, options, callback) => {
      const onSent = this.onNextSend;
      this.onNextSend = undefined;
      this.unsent++;
      send(msg, options, (error) => {
        this.unsent--;
        const was = this.reporting;
        this.reporting = true;
        try {
          if (!error) onSent?.();
          callback?.(error);
        } finally {
          this.reporting = was;
        }
      });
    };
  }

  /**
   * Runs `fn` on the request socket. A `dump` waits for every request before it and runs alone (the
   * package assembles one multipart reply at a time, so no ACK may fall inside it). A `change` (one
   * message, one ACK) waits only for the dump before it and is pipelined with the other changes: up to
   * CHANGE_WINDOW are in flight at once, matched to their ACKs by sequence number, and the kernel carries
   * them out in the order they were sent. 255 VIPs of a mass takeover are then 255 messages sent back to
   * back, not 255 round trips. `sent` is called once, when the change was made: inside this call when the
   * package sent it at once (see below), else when the package reports its sendmsg, before its ACK.
   */
  private request<T>(fn: (s: RtNetlinkSocket) => Promise<T>, kind: 'dump' | 'change' = 'dump', sent?: () => void): Promise<T> {
    if (this.closed) return Promise.reject(new Error('rtnetlink socket closed'));
    if (kind === 'dump') {
      const run = Promise.all([this.dumpDone, ...this.inflight]).then(() => fn(this.socket()));
      this.dumps++;
      this.dumpDone = run.catch(() => undefined).finally(() => this.dumps--);
      return run;
    }
    const send = async (): Promise<T> => {
      // The package's native send queue is empty (every message reported sent, not inside a report): it then
      // calls sendmsg(2) before returning (netlink 0.3 binding.cc, Socket::Send), and rtnetlink carries the
      // request out inside that sendmsg. Otherwise its report says when (noteSends).
      const s = this.socket();
      const idle = this.unsent === 0 && !this.reporting && this.dumps === 0;
      let reported = false;
      const report = (): void => {
        if (reported) return;
        reported = true;
        sent?.();
      };
      try {
        this.onNextSend = sent && !idle ? report : undefined;
        const reply = fn(s);
        this.onNextSend = undefined;
        if (idle && sent) report();
        return await reply;
      } finally {
        this.freeSlot();
      }
    };
    // No dump in the way and room in the window: the message leaves now, in the caller's turn (a
    // takeover's VIP is requested right after its advert, not after the microtasks in between).
    let run: Promise<T>;
    if (this.dumps === 0 && this.queuedChanges === 0 && this.slotNow()) run = send();
    else {
      this.queuedChanges++;
      run = this.dumpDone.then(() => this.slot()).then(() => {
        this.queuedChanges--;
        return send();
      });
    }
    const settled: Promise<unknown> = run.catch(() => undefined).finally(() => this.inflight.delete(settled));
    this.inflight.add(settled);
    return run;
  }

  /** Takes a slot of the window if one is free and nobody waits for one. */
  private slotNow(): boolean {
    if (this.sending >= CHANGE_WINDOW || this.slotWaiters.length > 0) return false;
    this.sending++;
    return true;
  }

  /** Resolves when a change may be sent (fewer than CHANGE_WINDOW unanswered), in the order asked. */
  private slot(): Promise<void> {
    if (this.slotNow()) return Promise.resolve();
    return new Promise((resolve) => this.slotWaiters.push(resolve));
  }

  private freeSlot(): void {
    const next = this.slotWaiters.shift();
    if (next) next();
    else this.sending--;
  }

  private get opts(): { timeout: number } {
    return { timeout: this.timeoutMs };
  }

  /** Resolves once the cache is filled and followed (first call: subscribe, then dump). */
  ready(): Promise<void> {
    if (this.closed) return Promise.reject(new Error('rtnetlink socket closed'));
    this.synced ??= this.start().then(
      () => {
        this.isSynced = true;
      },
      (e: unknown) => {
        this.synced = undefined;
        throw e;
      },
    );
    return this.synced;
  }

  private async start(): Promise<void> {
    const m = createNetlink(Protocol.ROUTE);
    this.monitor = m;
    try {
      m.setRecvBufferSize(1 << 20);
    } catch {
      // capped by net.core.rmem_max; an overrun re-dumps anyway
    }
    for (const g of [rt.MulticastGroups.LINK, rt.MulticastGroups.IPV4_IFADDR, rt.MulticastGroups.IPV6_IFADDR]) m.addMembership(g);
    m.on('message', (msgs) => this.onMonitor(msgs));
    // ENOBUFS: notifications were lost; anything else: the same cure. A closed monitor is reopened.
    m.on('error', () => void this.resync().catch(() => undefined));
    m.on('close', () => {
      if (this.monitor === m && !this.closed) {
        this.monitor = undefined;
        this.synced = undefined;
        this.isSynced = false;
        if (this.listeners.size > 0) void this.ready().catch(() => undefined);
      }
    });
    m.ref(this.listeners.size > 0);
    await this.resync(false); // the first dump: each watcher gets its own first call
  }

  /** Re-dumps links and addresses while holding monitor messages, then applies those held; tells the listeners when `notify`. */
  private async resync(notify = true): Promise<void> {
    if (this.held) return; // a dump is running; what arrives meanwhile is held for it
    this.held = [];
    try {
      const [links, addrs] = await this.request(async (s) => [await s.getLinks(undefined, undefined, this.opts), await s.getAddresses(undefined, undefined, this.opts)] as const);
      this.cache.reset(
        links.map(decodeLink).filter((l): l is LinkFacts => l !== undefined),
        addrs.map(decodeAddress).filter((a): a is { ifindex: number; address: CachedAddress } => a !== undefined),
      );
      const held = this.held;
      this.held = null;
      for (const msg of held) this.applyOne(msg);
    } finally {
      this.held = null;
    }
    this.changed(notify);
  }

  private onMonitor(msgs: NetlinkMessage[]): void {
    if (this.held) {
      this.held.push(...msgs);
      return;
    }
    let changed = false;
    for (const msg of msgs) changed = this.applyOne(msg) || changed;
    if (changed) this.changed();
  }

  private applyOne(msg: NetlinkMessage): boolean {
    let ev: LinkEvent | undefined;
    try {
      ev = decodeEvent(msg);
    } catch {
      return false; // a message the package cannot parse: not one of ours
    }
    return ev !== undefined && this.cache.apply(ev);
  }

  /** After a change: settle the waiters now, tell the listeners once per turn of the event loop. */
  private changed(notify = true): void {
    for (const w of this.waiters) {
      if (w.check()) {
        this.waiters.delete(w);
        w.resolve();
      }
    }
    if (!notify || this.notifyScheduled || this.listeners.size === 0) return;
    this.notifyScheduled = true;
    setImmediate(() => {
      this.notifyScheduled = false;
      if (this.closed) return;
      const links = this.cache.snapshot();
      for (const l of this.listeners) l(links);
    });
  }

  /**
   * Resolves once `check()` holds on the cache: a change the kernel acknowledged has its notification
   * queued on the monitor already, so this is normally the same turn of the event loop. After
   * NOTIFY_WAIT_MS (a lost notification) the cache is re-dumped.
   */
  private awaitCache(check: () => boolean): Promise<void> {
    if (check()) return Promise.resolve();
    return new Promise((resolve) => {
      const w: Waiter = {
        check,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      };
      const timer = setTimeout(() => {
        this.waiters.delete(w);
        void this.resync().then(resolve, resolve);
      }, NOTIFY_WAIT_MS);
      this.waiters.add(w);
    });
  }

  /** Cache updates that acknowledged changes still wait for (see `afterAck`). */
  private readonly unseen = new Set<Promise<void>>();

  /**
   * A change the kernel acknowledged resolves its caller at once (a VIP is in place at the ACK: the
   * announcement after it need not wait for the notification); readers of the cache wait for it.
   */
  private afterAck(check: () => boolean): void {
    const p = this.awaitCache(check).finally(() => this.unseen.delete(p));
    this.unseen.add(p);
  }

  /** Resolves once the cache shows every acknowledged change. */
  private async seen(): Promise<void> {
    while (this.unseen.size > 0) await Promise.all([...this.unseen]);
  }

  /** Every link with its addresses (acknowledged changes included). */
  async links(): Promise<LinkInfo[]> {
    await this.ready();
    await this.seen();
    return this.cache.snapshot();
  }

  /** The cached link `ifname` (acknowledged changes included). @throws Error when there is no such interface. */
  async link(ifname: string): Promise<CachedLink> {
    await this.ready();
    await this.seen();
    return this.linkNow(ifname);
  }

  /**
   * The cached link `ifname` as the cache has it now, without waiting for acknowledged changes (its MAC
   * and link-local for an announcement). @throws Error when there is no such interface.
   */
  async linkNow(ifname: string): Promise<CachedLink> {
    await this.ready();
    const l = this.cache.byName(ifname);
    if (!l) throw new Error(`no interface ${ifname}`);
    return l;
  }

  /** The cached link `ifname` now, without a turn of waiting; undefined before the first dump or when there is none. */
  cachedLink(ifname: string): CachedLink | undefined {
    return this.isSynced ? this.cache.byName(ifname) : undefined;
  }

  /** The cached link `ifname`, or undefined (after the first dump). */
  async findLink(ifname: string): Promise<CachedLink | undefined> {
    await this.ready();
    return this.cache.byName(ifname);
  }

  /** `link()` as a LinkInfo. */
  info(l: CachedLink): LinkInfo {
    return this.cache.info(l);
  }

  /** Subscribes to link and address changes (see Platform.watchLinks). */
  async watch(listener: (links: LinkInfo[]) => void): Promise<() => void> {
    this.listeners.add(listener);
    this.monitor?.ref(true);
    try {
      await this.ready();
    } catch (e) {
      this.unwatch(listener);
      throw e;
    }
    setImmediate(() => {
      if (this.listeners.has(listener)) listener(this.cache.snapshot());
    });
    return () => this.unwatch(listener);
  }

  private unwatch(listener: (links: LinkInfo[]) => void): void {
    this.listeners.delete(listener);
    if (this.listeners.size === 0) this.monitor?.ref(false);
  }

  /**
   * RTM_NEWADDR (NLM_F_CREATE | NLM_F_EXCL) of `address/prefixLength` on `ifname` with `opts` (route-messages.ts:
   * IPv6 with IFA_F_NODAD, label, scope, broadcast, peer, flags); resolves true when added (at the kernel's ACK;
   * cache readers wait for its notification), false on EEXIST. @throws Error naming the interface and address otherwise.
   * `sent`: called when the request's sendmsg returned with nothing else unanswered on the socket (with the
   * link cache filled, inside this call): the kernel made the change inside it, the ACK only reports how it went.
   */
  async addAddress(ifname: string, family: Family, address: string, prefixLength: number, opts: VipOptions = NO_OPTIONS, sent?: () => void): Promise<boolean> {
    const link = this.cachedLink(ifname) ?? (await this.linkNow(ifname));
    const m = this.addMessage(link.ifindex, family, address, prefixLength, opts);
    if (!(await this.change(`add ${address}/${prefixLength} to ${ifname}`, 'EEXIST', (s) => s.request(rt.MessageType.NEWADDR, m.payload, m.options), sent))) return false;
    this.afterAck(() => this.cache.hasAddress(link.ifindex, family, m.text, m.prefixLength) || this.cache.get(link.ifindex) === undefined);
    return true;
  }

  /** RTM_NEWADDR payloads by options object, then "ifindex address/prefixLength" (see `addMessage`). */
  private readonly addMessages = new WeakMap<VipOptions, Map<string, AddMessage>>();

  /**
   * The RTM_NEWADDR payload of a VIP, formatted once and kept: a takeover formats nothing between its advert
   * and its VIP request (formatting ran cold there, 0.25 ms after 2 s idle against 0.08 ms warm).
   */
  private addMessage(ifindex: number, family: Family, address: string, prefixLength: number, opts: VipOptions): AddMessage {
    let byVip = this.addMessages.get(opts);
    if (!byVip) this.addMessages.set(opts, (byVip = new Map()));
    const key = `${ifindex} ${address}/${prefixLength}`;
    let m = byVip.get(key);
    if (!m) {
      const { data, attrs } = addressMessage(ifindex, family, address, prefixLength, opts);
      const stream = new AttrStream();
      rt.formatAddressMessage({ kind: 'address', data, attrs }, stream);
      m = { payload: stream.bufs, options: { ...this.opts, flags: FlagsNew.CREATE | FlagsNew.EXCL }, text: formatAddress(parseAddress(address, family), 0, family), prefixLength: data.prefixlen ?? prefixLength };
      if (byVip.size >= ADD_MESSAGES_KEPT) byVip.clear();
      byVip.set(key, m);
    }
    return m;
  }

  /** RTM_DELADDR (`opts.peer` / `label` narrow the match); resolves true when removed, false on EADDRNOTAVAIL. @throws Error otherwise. */
  async removeAddress(ifname: string, family: Family, address: string, prefixLength: number, opts: VipOptions = {}): Promise<boolean> {
    const link = await this.link(ifname);
    const text = formatAddress(parseAddress(address, family), 0, family);
    const { data, attrs } = addressMessage(link.ifindex, family, address, prefixLength, opts, true);
    if (!(await this.change(`remove ${address}/${prefixLength} from ${ifname}`, 'EADDRNOTAVAIL', (s) => s.delAddress(data, attrs, this.opts)))) return false;
    const len = data.prefixlen ?? prefixLength;
    await this.awaitCache(() => !this.cache.hasAddress(link.ifindex, family, text, len));
    return true;
  }

  /**
   * RTM_NEWROUTE (NLM_F_CREATE, NLM_F_APPEND with `append`: ip route's prepend / append) of `route`; false on
   * EEXIST. @throws Error naming the route (an unknown `dev` included).
   */
  async addRoute(route: RouteSpec): Promise<boolean> {
    const { data, attrs } = routeMessage(route, await this.ifindexes(route.dev), false);
    return this.change(`add route ${routeText(route)}`, 'EEXIST', (s) => s.newRoute(data, attrs, { ...this.opts, flags: FlagsNew.CREATE | (route.append ? FlagsNew.APPEND : 0) }));
  }

  /** RTM_DELROUTE of the route matching `route` exactly; false on ESRCH (none) or an unknown `dev`. */
  async removeRoute(route: RouteSpec): Promise<boolean> {
    await this.ready();
    if (route.dev !== undefined && !this.cache.byName(route.dev)) return false;
    const { data, attrs } = routeMessage(route, await this.ifindexes(route.dev), true);
    return this.change(`remove route ${routeText(route)}`, 'ESRCH', (s) => s.delRoute(data, attrs, this.opts));
  }

  /** RTM_NEWRULE (NLM_F_CREATE | NLM_F_EXCL) of `rule`; false on EEXIST. @throws Error naming the rule. */
  async addRule(rule: RuleSpec): Promise<boolean> {
    const { data, attrs } = ruleMessage(rule);
    return this.change(`add rule ${ruleText(rule)}`, 'EEXIST', (s) => s.newRule(data, attrs, { ...this.opts, flags: FlagsNew.CREATE | FlagsNew.EXCL }));
  }

  /** RTM_DELRULE of the rule matching `rule` exactly; false on ENOENT (none). */
  async removeRule(rule: RuleSpec): Promise<boolean> {
    const { data, attrs } = ruleMessage(rule);
    return this.change(`remove rule ${ruleText(rule)}`, 'ENOENT', (s) => s.delRule(data, attrs, this.opts));
  }

  /** An ifindex resolver for `dev` (looked up once); @throws Error when there is no such interface. */
  private async ifindexes(dev: string | undefined): Promise<(name: string) => number> {
    const index = dev === undefined ? 0 : (await this.linkNow(dev)).ifindex;
    return () => index;
  }

  /**
   * Creates macvlan `name` on link `baseIndex` with `mac` and macvlan mode `mode`, down (RTM_NEWLINK with
   * NLM_F_CREATE | NLM_F_EXCL, IFLA_LINKINFO kind "macvlan" + IFLA_MACVLAN_MODE, IFLA_LINK, IFLA_ADDRESS).
   * @throws Error when the kernel refuses.
   */
  async createMacvlan(name: string, baseIndex: number, mac: string, mode: number): Promise<void> {
    const linkinfo = nested(ifla.formatInfo({ kind: 'macvlan', data: nested(ifla.formatMacvlan({ mode })) }));
    const attrs: ifla.LinkAttrs = { ifname: name, link: u32(baseIndex), address: macBytes(mac), linkinfo };
    await this.ready();
    await this.change(`create macvlan ${name}`, undefined, (s) => s.newLink({}, attrs, { ...this.opts, flags: FlagsNew.CREATE | FlagsNew.EXCL }));
    await this.awaitCache(() => this.cache.byName(name) !== undefined);
  }

  /**
   * IPv6 address generation mode "none" on `ifname` (IFLA_AF_SPEC / AF_INET6 / IFLA_INET6_ADDR_GEN_MODE): no
   * automatic link-local when it comes up. A separate RTM_SETLINK: the kernel refuses IFLA_AF_SPEC when a
   * link is created (EAFNOSUPPORT).
   */
  async setAddrGenModeNone(ifname: string): Promise<void> {
    const afSpec = new Map([[AF_INET6, nested(ifla.formatLinkProtocolInfoInet6({ addrGenMode: ADDR_GEN_MODE_NONE }))]]);
    await this.change(`set addrgenmode none on ${ifname}`, undefined, (s) => s.setLink({}, { ifname, afSpec }, this.opts));
  }

  /** Sets `ifname` administratively up (IFF_UP through RTM_SETLINK). */
  async setUp(ifname: string): Promise<void> {
    await this.change(`set ${ifname} up`, undefined, (s) => s.setLink({ flags: { up: true }, change: { up: true } }, { ifname }, this.opts));
  }

  /** RTM_DELLINK of `ifname`; resolves false when there was no such interface (ENODEV). */
  async deleteLink(ifname: string): Promise<boolean> {
    await this.ready();
    const gone = this.cache.byName(ifname);
    if (!(await this.change(`delete ${ifname}`, 'ENODEV', (s) => s.delLink({}, { ifname }, this.opts)))) return false;
    if (gone) await this.awaitCache(() => this.cache.get(gone.ifindex) === undefined);
    return true;
  }

  /** Runs a change; false when the kernel answered `benign`; @throws NetlinkError naming `what` otherwise. */
  private async change(what: string, benign: string | undefined, fn: (s: RtNetlinkSocket) => Promise<unknown>, sent?: () => void): Promise<boolean> {
    try {
      await this.request(fn, 'change', sent);
      return true;
    } catch (e) {
      const code = errnoName(e);
      if (code !== undefined && code === benign) return false;
      if (code !== undefined) throw new NetlinkError(`rtnetlink: cannot ${what}: ${code}`, code);
      throw new Error(`rtnetlink: cannot ${what}: ${(e as Error).message}`);
    }
  }

  /** Closes both sockets; idempotent. Pending waiters are released. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.listeners.clear();
    for (const w of this.waiters) w.resolve();
    this.waiters.clear();
    await Promise.all([this.dumpDone, ...this.inflight]);
    this.requests?.socket.close();
    this.monitor?.close();
    this.requests = undefined;
    this.monitor = undefined;
  }
}
