/**
 * What every receiving transport shares: validation through `receiveIp`, counters, 'advert' / 'drop'
 * events. Subclasses only move bytes.
 */
import { EventEmitter } from 'node:events';
import { errnoError } from './addon';
import type { Family } from '../packet/constants';
import { InstanceLookup, receiveIp } from '../packet/receive';
import { copyCounters, emptyCounters, TransportCounters } from './types';

/** Base of the IP transports; not exported from the package index. */
export abstract class TransportBase extends EventEmitter {
  protected readonly stats: TransportCounters = emptyCounters();
  protected closed = false;

  protected constructor(
    readonly family: Family,
    readonly ifname: string,
    protected readonly lookup: InstanceLookup | undefined,
  ) {
    super();
  }

  /** A snapshot of the counters. */
  counters(): TransportCounters {
    return copyCounters(this.stats);
  }

  /**
   * Validates the IP packet at buf[offset, end) and emits 'advert' (valid) or 'drop', with `receivedAt`
   * when the packet is older than this call (see AdvertListener). Packets of the other family are counted
   * as BAD_IP_HEADER. Never throws for bad input.
   */
  protected deliver(buf: Buffer, offset: number, end: number, receivedAt?: number): void {
    this.stats.received++;
    const rx = receiveIp(buf, offset, end, this.lookup);
    let reason = rx.reason;
    if (reason === null && rx.ip !== null && rx.ip.family !== this.family) reason = 'BAD_IP_HEADER';
    if (reason !== null || rx.ip === null) {
      const r = reason ?? 'BAD_IP_HEADER';
      this.stats.dropped[r] = (this.stats.dropped[r] ?? 0) + 1;
      this.emit('drop', r, rx, receivedAt);
      return;
    }
    this.stats.accepted++;
    // A copy (the receive buffer is read into again), without a view in between.
    const bytes = Buffer.allocUnsafe(rx.ip.payloadEnd - rx.ip.payloadOffset);
    buf.copy(bytes, 0, rx.ip.payloadOffset, rx.ip.payloadEnd);
    this.emit('advert', bytes, rx.ip, rx, receivedAt);
  }

  /**
   * What the addon's poll of a receive socket reported (addon `watch` / `watch4`): a packet of `n` bytes in
   * `buf`, received by the kernel `ageNs` ago (-1: unknown); or a negative errno: a read error (reported), or
   * with `ifindex` -1 a failed poll: the socket is dead, the transport closed, and 'closed' tells the owner
   * to open a new one.
   */
  protected polled(buf: Buffer, n: number, ifindex: number, ageNs: number): void {
    if (n >= 0) {
      this.deliver(buf, 0, n, ageNs >= 0 ? performance.now() - ageNs / 1e6 : undefined);
      return;
    }
    this.emit('error', errnoError(`${this.ifname}: ${ifindex === -1 ? 'poll' : 'recvmsg'}`, n));
    if (ifindex === -1 && !this.closed) {
      this.close();
      this.emit('closed');
    }
  }

  /** Stops sending and receiving (idempotent). */
  abstract close(): void;
}
