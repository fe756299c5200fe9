/** The IPC messages between ./link-pool.ts (parent) and ./link-child.ts; see the protocol there. */

/** Messages from the parent (./link-pool.ts). */
export type ParentMessage =
  | { capture: number; ifname: string; filter: string }
  | { closeCapture: number }
  | { open: string }
  | { close: string }
  | { burst: Array<{ frame: Uint8Array; ifname: string; id: number }> };

/** Messages to the parent. */
export type ChildMessage =
  | { captured: number }
  | { captureFailed: number; error: string }
  | { frames: Array<{ id: number; frames: Uint8Array[] }> }
  | { opened: string }
  | { openFailed: string; error: string }
  | { sent: number[]; failed: Array<{ id: number; error: string }> };
