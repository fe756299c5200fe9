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
  | { frames: Array<{ id: number; frames: Uint8Array[]; at: number[] }> }
  | { opened: string }
  | { openFailed: string; error: string }
  | { sent: number[]; failed: Array<{ id: number; error: string }> };

/**
 * CLOCK_MONOTONIC in milliseconds (libuv's hrtime), one clock for every process of the host: the child
 * stamps each captured frame with it, and the daemon turns the stamp into its own performance.now().
 */
export function monotonicMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

/**
 * monotonicMs() minus performance.now() in this process (both count the same clock from different origins):
 * the reading bracketed most tightly by two performance.now() calls, of a few. The first call of each
 * takes ~2 ms to set itself up, and one reading at load time came out 2 ms off.
 */
function originMs(): number {
  let best = { width: Infinity, origin: 0 };
  for (let k = 0; k < 5; k++) {
    const before = performance.now();
    const mono = monotonicMs();
    const after = performance.now();
    if (after - before < best.width) best = { width: after - before, origin: mono - (before + after) / 2 };
  }
  return best.origin;
}
let origin: number | undefined;

/** This process's performance.now() of a monotonicMs() reading taken in any process of the host. */
export function fromMonotonic(ms: number): number {
  origin ??= originMs();
  return ms - origin;
}
