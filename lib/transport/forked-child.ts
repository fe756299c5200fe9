/** Starting ./capture-child.js, the process that owns a libpcap handle (shared by capture and sender). */
import { ChildProcess, fork } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as path from 'node:path';

/** Forks the libpcap child and asks it to open `ifname` with `filter`. @throws Error when the build is missing. */
export function forkCaptureChild(ifname: string, filter: string): ChildProcess {
  const script = path.join(__dirname, 'capture-child.js');
  if (!existsSync(script)) throw new Error(`${script} is missing: run npm run build`);
  const child = fork(script, [], { serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  child.send({ ifname, filter });
  return child;
}
