/** Starting ./link-child.js, the process that owns the libpcap handles (see ./link-pool.ts). */
import { ChildProcess, fork } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as path from 'node:path';

/**
 * V8 options of the child: it holds a few frames at a time, so a 1 MiB young generation (Node's default
 * grows to 16 MiB per semi-space) and a small old generation keep its RSS near Node's floor (~42 MiB);
 * baseline code from the first call (as bin/vrrpd): its send path runs only at takeovers, interpreted.
 */
export const CHILD_EXEC_ARGV = ['--max-semi-space-size=1', '--max-old-space-size=32', '--always-sparkplug'];

/** Forks the link-layer child (IPC with advanced serialization). @throws Error when the build is missing. */
export function forkLinkChild(): ChildProcess {
  const script = path.join(__dirname, 'link-child.js');
  if (!existsSync(script)) throw new Error(`${script} is missing: run npm run build`);
  return fork(script, [], { serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'], execArgv: CHILD_EXEC_ARGV });
}
