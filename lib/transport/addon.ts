/**
 * The package's own native addon (./addon/vrrp_socket.c, built by `npm install` with node-gyp, as raw-socket
 * and cap are): an IPv6 raw socket read with recvmsg (hop limit and destination of each packet) and sent
 * with a chosen source, an IPv4 raw socket read with recvmsg (the kernel's receive time of each packet),
 * an AF_PACKET socket that sends whole frames, and a timerfd polled on the event loop (microsecond timers
 * for lib/daemon/clock). Calls return a negative errno instead of throwing; `errnoError` names it.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { getSystemErrorName } from 'node:util';

/** A poll on a socket (see `watch`). */
export type WatchHandle = object & { readonly __watch: unique symbol };

/** The addon's calls (./addon/vrrp_socket.c has each one's contract). */
export interface VrrpSocketAddon {
  /** A raw IPv6 socket of `protocol`, reporting hop limit, destination, traffic class and receive time. -> fd | -errno */
  socket6(protocol: number): number;
  /** A raw IPv4 socket of `protocol` to receive on, reporting interface index and receive time. -> fd | -errno */
  socket4(protocol: number): number;
  /** An AF_PACKET socket that sends frames and receives nothing. -> fd | -errno */
  packetSocket(): number;
  /** setsockopt with an int or the bytes of a Buffer. -> 0 | -errno */
  setOption(fd: number, level: number, name: number, value: number | Buffer): number;
  /** -> 0 | -errno */
  closeFd(fd: number): number;
  /** sendmsg of buf[0, length) to `dst` (16 bytes) from `src` (16 bytes; null: the kernel picks) out of `ifindex`; hopLimit < 0: the socket's. -> bytes | -errno */
  send6(fd: number, buf: Buffer, length: number, dst: Buffer, src: Buffer | null, ifindex: number, hopLimit: number): number;
  /** Sends frame[0, length) (Ethernet header first) out of `ifindex`. -> bytes | -errno */
  sendFrame(fd: number, ifindex: number, frame: Buffer, length: number): number;
  /**
   * Polls `fd`: each packet is written to `buffer` (40 + 65,535 bytes at least) behind a rebuilt IPv6 header
   * with next header `nextHeader`, then `callback(length, ifindex, ageNs)` runs, `ageNs` the nanoseconds since
   * the kernel received it (SO_TIMESTAMPNS; -1: no stamp); a read error calls `callback(-errno, 0, -1)`, a
   * poll error (the socket is unusable) `callback(-errno, -1, -1)`. -> handle | -errno
   */
  watch(fd: number, buffer: Buffer, nextHeader: number, callback: (length: number, ifindex: number, ageNs: number) => void): WatchHandle | number;
  /**
   * Polls a socket4 socket: each packet is written to `buffer` (65,535 bytes at least) as read, IPv4 header
   * first, then `callback(length, ifindex, ageNs)` runs; errors as for `watch`. -> handle | -errno
   */
  watch4(fd: number, buffer: Buffer, callback: (length: number, ifindex: number, ageNs: number) => void): WatchHandle | number;
  /** Stops a poll (idempotent); the fd stays open. */
  unwatch(handle: WatchHandle): void;
  /** A CLOCK_MONOTONIC timerfd, disarmed. -> fd | -errno */
  timerFd(): number;
  /** Arms the timerfd to expire once `delayNs` (integer > 0) from now; 0 disarms; a pending expiry is dropped. -> 0 | -errno */
  timerSet(fd: number, delayNs: number): number;
  /** Polls a timerfd: `callback(1, 0, -1)` at each expiry, `callback(-errno, -1, -1)` on a poll error. -> handle | -errno */
  watchTimer(fd: number, callback: (status: number, ifindex: number, ageNs: number) => void): WatchHandle | number;
  /** Whether a poll keeps the event loop alive (it does from the start). */
  keepAlive(handle: WatchHandle, on: boolean): void;
}

/** Bytes of the buffer `watch` writes into: the rebuilt IPv6 header and the largest IPv6 payload. */
export const WATCH_BUFFER_BYTES = 40 + 65535;

let addon: VrrpSocketAddon | undefined;

/** Where the build puts the addon, from lib/transport (ts-jest) or dist/lib/transport (the build). */
function addonPath(): string {
  const built = 'addon/build/Release/vrrp_socket.node';
  const candidates = [join(__dirname, built), join(__dirname, '../../../lib/transport', built)];
  return candidates.find((p) => existsSync(p)) ?? candidates[candidates.length - 1];
}

/** The addon, loaded on first use. @throws Error naming the file and the fix when it was not built. */
export function vrrpSocketAddon(): VrrpSocketAddon {
  if (addon) return addon;
  const path = addonPath();
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    addon = require(path) as VrrpSocketAddon;
  } catch (e) {
    throw new Error(`the vrrp_socket addon (${path}) cannot be loaded: ${(e as Error).message}; run "npm rebuild vrrp" (or "npm install" in a checkout)`);
  }
  return addon;
}

/** An Error for a negative errno `rc` of `op`, e.g. "sendmsg: ENETDOWN", with `code` and `errno` set. */
export function errnoError(op: string, rc: number): NodeJS.ErrnoException {
  const name = getSystemErrorName(rc);
  const e: NodeJS.ErrnoException = new Error(`${op}: ${name}`);
  e.code = name;
  e.errno = rc;
  return e;
}

/** A setsockopt on `fd` of `ifname`'s transport that throws the errnoError naming `what` when refused. */
export function optionSetter(addon: VrrpSocketAddon, fd: number, ifname: string): (what: string, level: number, name: number, value: number | Buffer) => void {
  return (what, level, name, value) => {
    check(`${ifname}: setsockopt ${what}`, addon.setOption(fd, level, name, value));
  };
}

/** @throws the errnoError of `op` when `rc` is negative; returns `rc` otherwise. */
export function check(op: string, rc: number): number {
  if (rc < 0) throw errnoError(op, rc);
  return rc;
}
