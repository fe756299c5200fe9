/**
 * Sends whole Ethernet frames (gratuitous ARP, unsolicited NA) on an AF_PACKET socket of the package's addon
 * (./addon.ts), in the daemon's own process: a frame leaves inside `send`, with no hop to another process,
 * and a link that is down fails the send with ENETDOWN (the libpcap handle of `cap` aborted its process).
 */
import { check, VrrpSocketAddon, vrrpSocketAddon } from './addon';
import { SO_SNDBUFFORCE, SOL_SOCKET } from './native';
import { SendQueue } from './send-queue';

/** Send buffer in bytes: a mass takeover's burst (255 VRs x 2 frames, each ~1 KB of buffer) fits at once. */
export const FRAME_BUFFER_BYTES = 1 << 20;

/** Frame sender on one interface; the interface index is given per frame (it changes when the link is re-created). */
export class PacketSender {
  private readonly addon: VrrpSocketAddon;
  private readonly fd: number;
  private closed = false;
  private readonly counters = { sent: 0, sendErrors: 0 };
  private readonly queue = new SendQueue('sendto', this.counters);

  /** @throws Error when the addon is not built or the socket cannot be opened (CAP_NET_RAW). */
  constructor(readonly ifname: string) {
    this.addon = vrrpSocketAddon();
    this.fd = check('socket(AF_PACKET, SOCK_RAW)', this.addon.packetSocket());
    // A smaller buffer only means a burst waits in the queue.
    this.addon.setOption(this.fd, SOL_SOCKET, SO_SNDBUFFORCE, FRAME_BUFFER_BYTES);
  }

  /** Frames the kernel took. */
  get sent(): number {
    return this.counters.sent;
  }

  /** Frames refused (the errno is the rejection). */
  get sendErrors(): number {
    return this.counters.sendErrors;
  }

  /** Sends `frame` out of interface `ifindex`; resolves when the kernel took it, rejects with the errno. */
  send(frame: Uint8Array, ifindex: number): Promise<void> {
    if (this.closed) return Promise.reject(new Error(`${this.ifname}: frame sender closed`));
    const buf = Buffer.isBuffer(frame) ? frame : Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength);
    return this.queue.send(() => this.addon.sendFrame(this.fd, ifindex, buf, buf.length));
  }

  /** Closes the socket; frames still waiting fail. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.queue.clear(new Error(`${this.ifname}: frame sender closed`));
    this.addon.closeFd(this.fd);
  }
}
