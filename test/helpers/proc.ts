/** CPU of a process tree from /proc (for figures printed by tests; nothing asserts on them). */
import { readFileSync } from 'node:fs';

const HZ = 100;

function children(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/** `pid` and its descendants, parents first. */
export function processTree(pid: number): number[] {
  const out = [pid];
  for (let i = 0; i < out.length; i++) out.push(...children(out[i]));
  return out;
}

/**
 * CPU seconds (user + system) used so far by `pid`'s tree: each live process's own time plus, for `pid`, the
 * time of its children that already exited and were waited for (cutime + cstime).
 */
export function treeCpuSeconds(pid: number): number {
  let ticks = 0;
  for (const p of processTree(pid)) {
    try {
      const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(f[11]) + Number(f[12]) + (p === pid ? Number(f[13]) + Number(f[14]) : 0);
    } catch {
      // exited between the listing and the read
    }
  }
  return ticks / HZ;
}
