/**
 * An in-memory Ethernet segment for whole `Vrrpd` daemons (embedding tests, examples): each daemon's transport factory opens
 * a port on the wire; a sent advert reaches every other port of the same interface name and family (or
 * only the owner of a unicast destination), through the real receive step with the receiver's lookup.
 */
import { EventEmitter } from 'node:events';
import { isMulticastAddress, parseAddress } from '../packet/address';
import { IPPROTO_VRRP, VRRP_GROUP_V4, VRRP_GROUP_V6, VRRP_TTL } from '../packet/constants';
import type { IpHeader } from '../packet/ip';
import { receiveVrrp } from '../packet/receive';
import { emptyCounters, TransportCounters, TransportFactory, TransportRequest, VrrpTransport } from '../transport/types';

/** One daemon's port on the wire (a VrrpTransport). */
class WirePort extends EventEmitter implements VrrpTransport {
  readonly family: 4 | 6;
  readonly ifname: string;
  private readonly stats: TransportCounters = emptyCounters();
  closed = false;

  constructor(private readonly wire: MemoryWire, readonly host: string, readonly req: TransportRequest) {
    super();
    this.family = req.family;
    this.ifname = req.ifname;
  }

  async send(message: Uint8Array, dst?: string, ttl?: number): Promise<void> {
    if (this.closed) throw new Error('transport closed');
    this.stats.sent++;
    const to = dst ?? (this.family === 4 ? VRRP_GROUP_V4 : VRRP_GROUP_V6);
    this.wire.carry(this, Buffer.from(message), to, isMulticastAddress(to) ? VRRP_TTL : ttl ?? VRRP_TTL);
  }

  /** Delivers a packet to this port through the receive step. */
  hear(bytes: Buffer, src: string, dst: string, ttl: number): void {
    if (this.closed) return;
    this.stats.received++;
    const family = this.family;
    const ip: IpHeader = {
      family, src, dst, srcBytes: parseAddress(src, family), dstBytes: parseAddress(dst, family), ttl, protocol: IPPROTO_VRRP,
      payloadOffset: 0, payloadEnd: bytes.length, truncated: false,
    };
    const rx = receiveVrrp(bytes, 0, bytes.length, ip, this.req.lookup, ip);
    if (rx.valid) {
      this.stats.accepted++;
      this.emit('advert', bytes, ip, rx);
    } else {
      const r = rx.reason ?? 'BAD_IP_HEADER';
      this.stats.dropped[r] = (this.stats.dropped[r] ?? 0) + 1;
      this.emit('drop', r, rx);
    }
  }

  counters(): TransportCounters {
    return { ...this.stats, dropped: { ...this.stats.dropped } };
  }

  close(): void {
    this.closed = true;
  }
}

/** The segment. `hosts` maps a host name to the addresses it owns (for unicast and the IP source). */
export class MemoryWire {
  /** Every port opened, in order. */
  readonly ports: WirePort[] = [];
  /** Every packet carried: sender host, destination, TTL, the VRRP message. */
  readonly sent: Array<{ t: number; host: string; src: string; dst: string; ttl: number; bytes: Buffer }> = [];

  /** `now`: the clock the daemons run on (sent packets are stamped with it). */
  constructor(private readonly hosts: Record<string, { source4?: string; source6?: string; owns: string[] }>, private readonly now: () => number = () => 0) {}

  /** The transport factory of host `name`. */
  factory(name: string): TransportFactory {
    return (req) => {
      const p = new WirePort(this, name, req);
      this.ports.push(p);
      return p;
    };
  }

  /** Injects a packet from outside (e.g. an attacker) to every open port of `ifname` and `family`. */
  inject(src: string, bytes: Buffer, opts: { family: 4 | 6; ifname?: string; ttl?: number; dst?: string }): void {
    const dst = opts.dst ?? (opts.family === 4 ? VRRP_GROUP_V4 : VRRP_GROUP_V6);
    for (const p of this.ports) if (!p.closed && p.family === opts.family && p.ifname === (opts.ifname ?? 'eth0')) p.hear(bytes, src, dst, opts.ttl ?? VRRP_TTL);
  }

  /**
   * Carries one packet from `from` to the other ports (internal to the ports): a multicast one to the ports
   * that joined its group (TransportRequest.groups, default the IANA group), a unicast one to its owner.
   */
  carry(from: WirePort, bytes: Buffer, dst: string, ttl: number = VRRP_TTL): void {
    const h = this.hosts[from.host];
    const src = (from.family === 4 ? h?.source4 : h?.source6) ?? (from.req.source as string);
    this.sent.push({ t: this.now(), host: from.host, src, dst, ttl, bytes });
    const group = isMulticastAddress(dst);
    for (const p of this.ports) {
      if (p === from || p.closed || p.family !== from.family || p.ifname !== from.ifname || p.host === from.host) continue;
      if (group && !(p.req.groups ?? [p.family === 4 ? VRRP_GROUP_V4 : VRRP_GROUP_V6]).includes(dst)) continue;
      if (!group && !this.hosts[p.host]?.owns.includes(dst)) continue;
      p.hear(bytes, src, dst, ttl);
    }
  }
}
