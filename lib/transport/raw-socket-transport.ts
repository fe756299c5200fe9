/**
 * The IPv4 transports' raw-socket half (raw-socket's IP raw socket): a synchronous send when nothing is
 * queued, the per-send unicast TTL, and the socket's errors and self-close.
 */
import { isMulticastAddress } from '../packet/address';
import { VRRP_GROUP_V4, VRRP_GROUP_V6, VRRP_TTL } from '../packet/constants';
import { TransportBase } from './base';
import type { RawSocket } from './native';
import { SENT } from './types';

/** What raw-socket keeps inside its Socket and we use for a synchronous send (see `send`). */
interface RawSocketInternals {
  wrap?: { send(buf: Buffer, offset: number, length: number, address: string, cb: (bytes: number) => void): void };
  requests?: unknown[];
}

/** sendto errors that mean "try later" (the queued path waits for the socket to be writable). */
const TRY_AGAIN = /temporarily unavailable|would block|No buffer space/i;

const noop = (): void => undefined;

/** A transport on a raw-socket socket; not exported from the package index. */
export abstract class RawSocketTransport extends TransportBase {
  /** The raw socket adverts leave by and arrive on. */
  protected abstract readonly socket: RawSocket;
  /** setsockopt level and name of the unicast TTL (IP_TTL / IPV6_UNICAST_HOPS); null: the TTL is in our header. */
  protected abstract readonly unicastTtlOption: readonly [number, number] | null;
  /** The unicast TTL the socket has now (set to VRRP_TTL when it was opened). */
  private unicastTtl = VRRP_TTL;

  /**
   * Forwards the socket's errors, and emits 'closed' when the socket closes without our `close()`
   * (raw-socket closes a socket after a poll error). Subclasses call it once the socket is set up.
   */
  protected watchSocket(): void {
    this.socket.on('error', (err) => this.emit('error', err));
    this.socket.on('close', () => {
      if (this.closed) return;
      this.closed = true;
      this.emit('closed');
    });
  }

  /**
   * Sets the socket's unicast TTL to `ttl` unless it has it (one setsockopt per change: instances of one
   * endpoint may differ in unicast_ttl). Runs right before the sendto, so a queued send gets its own TTL.
   */
  private applyTtl(ttl: number): void {
    if (ttl === this.unicastTtl || this.unicastTtlOption === null) return;
    this.socket.setOption(this.unicastTtlOption[0], this.unicastTtlOption[1], ttl);
    this.unicastTtl = ttl;
  }

  /**
   * Sends one VRRP message to `dst` (default the VRRP group of the family) with TTL / hop limit 255, or
   * `ttl` (unicast_ttl) to a unicast `dst`. Resolves when the kernel took it; rejects with the socket error.
   */
  send(message: Uint8Array, dst: string = this.family === 4 ? VRRP_GROUP_V4 : VRRP_GROUP_V6, ttl: number = VRRP_TTL): Promise<void> {
    if (this.closed) return Promise.reject(new Error('transport closed'));
    // No copy of a Buffer: the node's encoded adverts are kept and never written again.
    const buf = Buffer.isBuffer(message) ? message : Buffer.from(message);
    // Multicast leaves with IP_MULTICAST_TTL / IPV6_MULTICAST_HOPS (255); IP_TTL only acts on unicast.
    // The groups' texts compared first: parsing the address per advert was garbage.
    const multicast = dst === VRRP_GROUP_V4 || dst === VRRP_GROUP_V6 || isMulticastAddress(dst);
    const want = multicast ? this.unicastTtl : ttl;
    // sendto at once when nothing is queued: raw-socket's own send queues every packet for a writable
    // poll, one event-loop turn per packet (and an Array.shift), which at 5,100 adverts/s (510 VRs at
    // 0.1 s) delayed adverts past the peers' Master_Down_Interval. A full socket buffer falls back to it.
    const direct = (this.socket as unknown as RawSocketInternals);
    if (direct.wrap && (direct.requests?.length ?? 0) === 0) {
      try {
        this.applyTtl(want);
        direct.wrap.send(buf, 0, buf.length, dst, noop);
        this.stats.sent++;
        return SENT;
      } catch (e) {
        if (!TRY_AGAIN.test((e as Error).message)) {
          this.stats.sendErrors++;
          return Promise.reject(e);
        }
      }
    }
    return new Promise((resolve, reject) => {
      const before = (): void => {
        try {
          this.applyTtl(want);
        } catch (e) {
          this.emit('error', e as Error);
        }
      };
      this.socket.send(buf, 0, buf.length, dst, before, (err) => this.settle(err, resolve, reject));
    });
  }

  /** Counts a send outcome and settles the promise of `send`. */
  protected settle(err: Error | null, resolve: () => void, reject: (e: Error) => void): void {
    if (err) {
      this.stats.sendErrors++;
      reject(err);
    } else {
      this.stats.sent++;
      resolve();
    }
  }
}
