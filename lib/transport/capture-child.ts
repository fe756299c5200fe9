/**
 * Child process that owns one libpcap capture (see ./forked-capture.ts). The `cap` addon aborts its
 * process with a native assert when the capture's interface goes down; here that ends only this child.
 * Protocol (IPC, advanced serialization): parent -> { ifname, filter }; child -> { ready: true } once the
 * capture is open, then { frame: Uint8Array } per frame, or { error: string } before exiting.
 */
import { LinkCapture } from './capture';

interface OpenRequest {
  ifname: string;
  filter: string;
}

let capture: LinkCapture | null = null;

process.on('message', (msg: OpenRequest) => {
  if (capture) return;
  try {
    capture = new LinkCapture({ ifname: msg.ifname, filter: msg.filter });
  } catch (e) {
    process.send?.({ error: (e as Error).message }, () => process.exit(1));
    return;
  }
  capture.on('frame', (frame: Buffer) => process.send?.({ frame }));
  process.send?.({ ready: true });
});
process.on('disconnect', () => {
  capture?.close();
  process.exit(0);
});
