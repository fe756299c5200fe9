/**
 * The child process that owns every libpcap handle of the daemon (see ./link-pool.ts): the receive captures
 * (one per IPv6 interface, each with its own BPF filter) and the send handles (one per interface). The `cap`
 * addon aborts its process with a native assert when a handle's interface goes down: that ends this child,
 * never the daemon; the pool starts a new one and reopens the captures in it.
 * Protocol (IPC, advanced serialization):
 *   parent -> { capture: id, ifname, filter }           child -> { captured: id } or { captureFailed: id, error }
 *                                                        (a capture that fails leaves the others and the child alone);
 *   child  -> { frames: [{ id, frames: [...], at: [...] }, ...] }
 *                                                        captured frames of one event-loop turn, all captures in one
 *                                                        message (a burst of 255 adverts is one message, not 255),
 *                                                        each stamped with monotonicMs() when the capture gave it;
 *   parent -> { closeCapture: id }                      (no answer: the capture is closed);
 *   parent -> { open: ifname }                          child -> { opened: ifname } or { openFailed: ifname, error };
 *   parent -> { burst: [{ frame, ifname, id }, ...] }   child -> { sent: [id, ...], failed: [{ id, error }, ...] }
 *                                                        (the frames one event-loop turn asked for, sent in order:
 *                                                        a mass takeover's GARPs are one message each way);
 *   parent -> { close: ifname }                         (no answer: the send handle is closed).
 * A send handle is opened on the first message naming its interface and kept.
 */
import { LinkCapture, MATCH_NOTHING } from './capture';
import { ChildMessage, monotonicMs, ParentMessage } from './link-protocol';

const send = (m: ChildMessage): void => {
  process.send?.(m);
};

const senders = new Map<string, LinkCapture>();
const captures = new Map<number, LinkCapture>();
/** Frames captured in this turn of the event loop and when (monotonicMs), per capture id. */
let batch = new Map<number, { frames: Buffer[]; at: number[] }>();
let flushQueued = false;

function flush(): void {
  flushQueued = false;
  if (batch.size === 0) return;
  const frames = [...batch].map(([id, b]) => ({ id, frames: b.frames, at: b.at }));
  batch = new Map();
  send({ frames });
}

function openCapture(id: number, ifname: string, filter: string): void {
  if (!captures.has(id)) {
    let capture: LinkCapture;
    try {
      capture = new LinkCapture({ ifname, filter });
    } catch (e) {
      send({ captureFailed: id, error: (e as Error).message });
      return;
    }
    captures.set(id, capture);
    capture.on('frame', (frame: Buffer) => {
      const at = monotonicMs();
      if (!flushQueued) {
        flushQueued = true;
        setImmediate(flush);
      }
      const b = batch.get(id);
      if (b) {
        b.frames.push(frame);
        b.at.push(at);
      } else batch.set(id, { frames: [frame], at: [at] });
    });
  }
  send({ captured: id });
}

/** The send handle of `ifname` (opened now if needed). @throws Error from libpcap. */
function sender(ifname: string): LinkCapture {
  let h = senders.get(ifname);
  if (!h) {
    h = new LinkCapture({ ifname, filter: MATCH_NOTHING });
    senders.set(ifname, h);
  }
  return h;
}

function onMessage(msg: ParentMessage): void {
  if ('capture' in msg) {
    openCapture(msg.capture, msg.ifname, msg.filter);
  } else if ('closeCapture' in msg) {
    captures.get(msg.closeCapture)?.close();
    captures.delete(msg.closeCapture);
    batch.delete(msg.closeCapture);
  } else if ('close' in msg) {
    senders.get(msg.close)?.close();
    senders.delete(msg.close);
  } else if ('open' in msg) {
    try {
      sender(msg.open);
      send({ opened: msg.open });
    } catch (e) {
      send({ openFailed: msg.open, error: (e as Error).message });
    }
  } else {
    const sent: number[] = [];
    const failed: Array<{ id: number; error: string }> = [];
    for (const f of msg.burst) {
      try {
        sender(f.ifname).sendFrame(f.frame);
        sent.push(f.id);
      } catch (e) {
        failed.push({ id: f.id, error: (e as Error).message });
      }
    }
    send({ sent, failed });
  }
}

process.on('message', onMessage);
process.on('disconnect', () => {
  for (const h of [...senders.values(), ...captures.values()]) h.close();
  process.exit(0);
});
