/**
 * The child process that owns the libpcap send handles of every interface (see ./sender-pool.ts). The `cap`
 * addon aborts its process with a native assert when a handle's interface goes down: that ends this
 * child, never the daemon; the pool starts a new one for the next frame.
 * Protocol (IPC, advanced serialization):
 *   parent -> { open: ifname }                          child -> { opened: ifname } or { openFailed: ifname, error };
 *   parent -> { burst: [{ frame, ifname, id }, ...] }   child -> { sent: [id, ...], failed: [{ id, error }, ...] }
 *                                                        (the frames one event-loop turn asked for, sent in order:
 *                                                        a mass takeover's GARPs are one message each way);
 *   parent -> { close: ifname }                         (no answer: the handle is closed).
 * A handle is opened on the first message naming its interface and kept.
 */
import { LinkCapture, MATCH_NOTHING } from './capture';

const handles = new Map<string, LinkCapture>();

/** The send handle of `ifname` (opened now if needed). @throws Error from libpcap. */
function handle(ifname: string): LinkCapture {
  let h = handles.get(ifname);
  if (!h) {
    h = new LinkCapture({ ifname, filter: MATCH_NOTHING });
    handles.set(ifname, h);
  }
  return h;
}

type Message = { open: string } | { close: string } | { burst: Array<{ frame: Uint8Array; ifname: string; id: number }> };

process.on('message', (msg: Message) => {
  if ('close' in msg) {
    handles.get(msg.close)?.close();
    handles.delete(msg.close);
    return;
  }
  if ('open' in msg) {
    try {
      handle(msg.open);
      process.send?.({ opened: msg.open });
    } catch (e) {
      process.send?.({ openFailed: msg.open, error: (e as Error).message });
    }
    return;
  }
  const sent: number[] = [];
  const failed: Array<{ id: number; error: string }> = [];
  for (const f of msg.burst) {
    try {
      handle(f.ifname).sendFrame(f.frame);
      sent.push(f.id);
    } catch (e) {
      failed.push({ id: f.id, error: (e as Error).message });
    }
  }
  process.send?.({ sent, failed });
});
process.on('disconnect', () => {
  for (const h of handles.values()) h.close();
  process.exit(0);
});
