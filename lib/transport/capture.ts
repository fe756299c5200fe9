/**
 * Link-layer I/O over libpcap (`cap`): a capture that emits whole Ethernet frames matching a BPF filter,
 * and a sender of prebuilt frames (gratuitous ARP, unsolicited NA, adverts from a virtual MAC).
 */
import { EventEmitter } from 'node:events';
import { CapHandle, newCap } from './native';

/**
 * libpcap kernel buffer for a capture, in bytes. In immediate mode libpcap's ring has one slot per frame
 * sized for `cap`'s fixed snaplen of 65535 (about 64 KiB each): 1 MiB held 15 frames, and a burst of 255
 * adverts (255 VRs at one instant, keepalived or vrrpd) lost a quarter of them and the backup flapped
 * (bench/lan). 16 MiB holds about 250. The ring is mapped into the process, so it counts in its RSS.
 */
export const CAPTURE_BUFFER_BYTES = 16 * 1024 * 1024;
/** Buffer of a send-only handle (its filter matches nothing): libpcap's smallest useful ring. */
export const SEND_BUFFER_BYTES = 256 * 1024;
/** Largest frame captured (snaplen of `cap` is 65535). */
const FRAME_BYTES = 65535;
/** A BPF filter no frame matches: a send-only handle must not copy traffic to user space. */
export const MATCH_NOTHING = 'less 1';

/** Options of `LinkCapture`. */
export interface LinkCaptureOptions {
  ifname: string;
  /** pcap-filter(7) expression, e.g. `inbound and ip6 and ip6[6] == 112`. */
  filter: string;
}

/**
 * A live capture on one interface (promiscuous, immediate mode). Emits 'frame' (frame: Buffer, a copy)
 * and 'error'. Needs CAP_NET_RAW. @throws Error from libpcap when the device or filter is refused.
 */
export class LinkCapture extends EventEmitter {
  private readonly cap: CapHandle;
  private readonly buffer = Buffer.alloc(FRAME_BYTES);
  private closed = false;
  /** Frames libpcap reported as cut by the snaplen (not emitted). */
  truncated = 0;

  constructor(readonly opts: LinkCaptureOptions) {
    super();
    this.cap = newCap();
    this.cap.open(opts.ifname, opts.filter, opts.filter === MATCH_NOTHING ? SEND_BUFFER_BYTES : CAPTURE_BUFFER_BYTES, this.buffer);
    this.cap.on('packet', (nbytes, truncated) => {
      if (truncated) {
        this.truncated++;
        return;
      }
      this.emit('frame', Buffer.from(this.buffer.subarray(0, nbytes)));
    });
  }

  /** Sends one whole Ethernet frame on the capture's interface. @throws Error from libpcap. */
  sendFrame(frame: Uint8Array): void {
    if (this.closed) throw new Error('capture closed');
    const buf = Buffer.from(frame);
    this.cap.send(buf, buf.length);
  }

  /** Stops the capture; idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.cap.removeAllListeners('packet');
    this.cap.close();
  }
}

/**
 * Sends prebuilt Ethernet frames on one interface, with any source MAC (the virtual MAC of RFC 9568
 * §7.3 included). Counts what it sent. Needs CAP_NET_RAW.
 */
export class LinkSender {
  private readonly capture: LinkCapture;
  /** Frames handed to the driver. */
  sent = 0;
  /** Frames the driver refused. */
  sendErrors = 0;

  constructor(readonly ifname: string) {
    this.capture = new LinkCapture({ ifname, filter: MATCH_NOTHING });
  }

  /** Sends one frame. @throws Error from libpcap (the failure is counted first). */
  send(frame: Uint8Array): void {
    try {
      this.capture.sendFrame(frame);
      this.sent++;
    } catch (e) {
      this.sendErrors++;
      throw e;
    }
  }

  /** Closes the handle; idempotent. */
  close(): void {
    this.capture.close();
  }
}
