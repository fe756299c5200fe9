/**
 * Child process that owns one libpcap capture handle (see ./forked-capture.ts). The `cap` addon aborts its
 * process with a native assert when the handle's interface goes down; here that ends only this child.
 * Protocol (IPC, advanced serialization), in order:
 *   parent -> { ifname, filter }            child -> { ready: true } once the handle is open,
 *                                                    or { error: string } before exiting;
 *   child  -> { frames: Uint8Array[] }       captured frames, batched per event-loop turn (a burst of 255
 *                                            adverts is one message, not 255).
 * (Frames are sent by ./sender-child.ts, one child for every interface.)
 */
import { LinkCapture } from './capture';

interface OpenRequest {
  ifname: string;
  filter: string;
}

let capture: LinkCapture | null = null;

function open(msg: OpenRequest): void {
  if (capture) return;
  try {
    capture = new LinkCapture({ ifname: msg.ifname, filter: msg.filter });
  } catch (e) {
    process.send?.({ error: (e as Error).message }, () => process.exit(1));
    return;
  }
  let batch: Buffer[] = [];
  const flush = (): void => {
    const frames = batch;
    batch = [];
    process.send?.({ frames });
  };
  capture.on('frame', (frame: Buffer) => {
    if (batch.push(frame) === 1) setImmediate(flush);
  });
  process.send?.({ ready: true });
}

process.on('message', (msg: OpenRequest) => open(msg));
process.on('disconnect', () => {
  capture?.close();
  process.exit(0);
});
