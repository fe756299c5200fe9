/**
 * The daemon's transports: one per (interface, family) the instances speak on, reopened when their
 * socket dies or their interface is re-created. Received packets, valid or not, go to the node core with
 * the receive step's verdict (it counts drops per instance).
 */
import type { Family } from '../packet/constants';
import type { InstanceLookup, ReceiveResult } from '../packet/receive';
import type { LinkInfo } from '../platform/types';
import { openTransport } from '../transport';
import { Ipv4SourceTransport } from '../transport/ipv4-source';
import type { TransportCounters, TransportFactory, VrrpTransport } from '../transport/types';

export type { TransportFactory, TransportRequest } from '../transport/types';
import type { Clock } from './clock';
import type { LogFn } from './executor';
import { ReopeningTransport } from './reopening-transport';

/** Raw sockets (IPv4; IPv6 receive through libpcap), IP_HDRINCL for an IPv4 vmac. */
export const rawTransportFactory: TransportFactory = (r) => {
  const opts = { ifname: r.ifname, ifindex: r.ifindex, mac: r.mac, lookup: r.lookup, ownSource: r.source, ...(r.groups ? { groups: r.groups } : {}) };
  return r.source !== undefined && r.family === 4 ? new Ipv4SourceTransport(opts, r.source) : openTransport(r.family, opts);
};

/** The transports of one daemon. */
export class Endpoints {
  private readonly map = new Map<string, ReopeningTransport>();
  /** The multicast groups each transport joins (key "ifname/family"). */
  private readonly groups = new Map<string, readonly string[]>();

  constructor(
    private readonly factory: TransportFactory,
    private readonly clock: Clock,
    private readonly log: LogFn,
    private readonly linkOf: (ifname: string) => LinkInfo | undefined,
    private readonly onPacket: (ifname: string, family: Family, rx: ReceiveResult, receivedAt?: number) => void,
  ) {}

  /** The transport of (ifname, family), if open. */
  get(ifname: string, family: Family): ReopeningTransport | undefined {
    return this.map.get(`${ifname}/${family}`);
  }

  /**
   * Opens the transport of (ifname, family) unless open; `groups`: the multicast groups to join (default
   * the IANA group). An open one whose groups changed (reload) is reopened with the new ones.
   * @throws Error when the first opening fails.
   */
  ensure(ifname: string, family: Family, lookup: InstanceLookup, source?: string, groups?: readonly string[]): ReopeningTransport {
    const k = `${ifname}/${family}`;
    const had = this.map.get(k);
    const before = this.groups.get(k);
    if (groups) this.groups.set(k, [...groups]);
    else this.groups.delete(k);
    if (had) {
      if ((before ?? []).join(' ') !== (groups ?? []).join(' ')) had.reopen(`multicast groups now ${(groups ?? ['default']).join(', ')}`);
      return had;
    }
    const open = (): VrrpTransport => {
      const link = this.linkOf(ifname);
      if (!link) throw new Error(`interface ${ifname} does not exist`);
      if (!link.mac) throw new Error(`interface ${ifname} has no link-layer address`);
      const g = this.groups.get(k);
      return this.factory({ family, ifname, ifindex: link.ifindex, mac: link.mac, lookup, ...(source !== undefined ? { source } : {}), ...(g ? { groups: g } : {}) });
    };
    const t = new ReopeningTransport(family, ifname, open, this.clock, this.log);
    t.on('advert', (_bytes: Buffer, _ip: unknown, rx: ReceiveResult, at?: number) => this.onPacket(ifname, family, rx, at));
    t.on('drop', (_reason: unknown, rx: ReceiveResult, at?: number) => this.onPacket(ifname, family, rx, at));
    t.on('error', (e: Error) => this.log('warn', `transport ${k}: ${e.message}`));
    this.map.set(k, t);
    return t;
  }

  /** Resolves once every transport receives (transports with a `ready` promise: none of the IP ones today). */
  async ready(): Promise<void> {
    await Promise.all([...this.map.values()].map((t) => t.ready));
  }

  /** Reopens the transports on `ifname`. */
  reopen(ifname: string, why: string): void {
    for (const t of this.map.values()) if (t.ifname === ifname) t.reopen(why);
  }

  /** Closes the transports whose key ("ifname/family") is not in `keep`. */
  retain(keep: ReadonlySet<string>): void {
    for (const [k, t] of this.map) {
      if (keep.has(k)) continue;
      t.close();
      this.map.delete(k);
      this.groups.delete(k);
    }
  }

  /** The interfaces the transports are on. */
  interfaces(): string[] {
    return [...new Set([...this.map.values()].map((t) => t.ifname))];
  }

  /** Every transport's counters and reopen count. */
  stats(): Array<{ key: string; reopens: number } & TransportCounters> {
    return [...this.map].map(([key, t]) => ({ key, reopens: t.reopens, ...t.counters() }));
  }

  closeAll(): void {
    for (const t of this.map.values()) t.close();
    this.map.clear();
  }
}
