/** Starting ./capture-child.js, the process that owns a libpcap capture handle. */
import { ChildProcess, fork } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as path from 'node:path';

/**
 * V8 options of the child: it holds a few frames at a time, so a 1 MiB young generation (Node's default
 * grows to 16 MiB per semi-space) and a small old generation keep its RSS near Node's floor (~42 MiB).
 */
export const CHILD_EXEC_ARGV = ['--max-semi-space-size=1', '--max-old-space-size=32'];

/** Forks the libpcap child and asks it to open `ifname` with `filter`. @throws Error when the build is missing. */
export function forkCaptureChild(ifname: string, filter: string): ChildProcess {
  const script = path.join(__dirname, 'capture-child.js');
  if (!existsSync(script)) throw new Error(`${script} is missing: run npm run build`);
  const child = fork(script, [], { serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'], execArgv: CHILD_EXEC_ARGV });
  child.send({ ifname, filter });
  return child;
}
