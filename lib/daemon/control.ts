/**
 * The control socket: a Unix stream socket answering one JSON request per line with one JSON line.
 * Requests: {"cmd":"status"} -> the instances' state, priority and counters. `vrrpd status` uses it.
 *
 * Access: root only, by file mode. The socket is created 0600 (umask 0177 while it is bound, then chmod),
 * and refused in a directory anyone may write to without the sticky bit (someone could swap the socket).
 * Node has no SO_PEERCRED API, so the peer's uid cannot be checked per connection; the mode is the check.
 */
import { createServer, Server, Socket } from 'node:net';
import { chmodSync, lstatSync, Stats, statSync, unlinkSync } from 'node:fs';
import * as path from 'node:path';
import { UsageError } from '../errors';

export type ControlHandler = (request: { cmd: string }) => unknown;

/** Mode bits of the socket file: read and write for its owner (root) only. */
export const CONTROL_SOCKET_MODE = 0o600;

function kindOf(st: Stats): string {
  if (st.isFile()) return 'a regular file';
  if (st.isDirectory()) return 'a directory';
  if (st.isSymbolicLink()) return 'a symbolic link';
  if (st.isFIFO()) return 'a FIFO';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device';
  return 'not a socket';
}

/** True when a process accepts connections on the Unix socket at `file`; false when refused (stale). */
function answers(file: string, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const sock = new Socket();
    const timer = setTimeout(() => {
      sock.destroy();
      resolve(true); // accepted into the backlog but silent: someone holds it
    }, timeoutMs);
    sock.once('connect', () => {
      clearTimeout(timer);
      sock.destroy();
      resolve(true);
    });
    sock.once('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      if (e.code === 'ECONNREFUSED') resolve(false);
      else reject(e);
    });
    sock.connect(file);
  });
}

/**
 * Makes `file` free for our control socket: nothing there, or a stale socket nobody answers on (removed).
 * @throws UsageError (code IO), one line naming the path and what to do, when a live process answers on it,
 *   when something other than a socket is there (regular file, directory, symlink: never removed), or when
 *   its directory is missing or writable by anyone without the sticky bit.
 */
export async function claimControlSocket(file: string): Promise<void> {
  const fail = (why: string): never => {
    throw new UsageError(`control socket ${file}: ${why}`, 'IO');
  };
  const dir = path.dirname(path.resolve(file));
  let d: Stats;
  try {
    d = statSync(dir);
  } catch (e) {
    return fail(`its directory ${dir} cannot be used (${(e as NodeJS.ErrnoException).code ?? String(e)}); create it or use --control-socket`);
  }
  if (!d.isDirectory()) fail(`${dir} is not a directory; use --control-socket`);
  if ((d.mode & 0o002) !== 0 && (d.mode & 0o1000) === 0) {
    fail(`its directory ${dir} is writable by anyone (mode ${(d.mode & 0o7777).toString(8)}); use a directory only root can write, e.g. /run`);
  }
  let st: Stats;
  try {
    st = lstatSync(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    return fail(`cannot be examined (${(e as NodeJS.ErrnoException).code ?? String(e)}); use --control-socket`);
  }
  if (!st.isSocket()) fail(`the path exists and is ${kindOf(st)}, not a socket; remove it or use --control-socket`);
  let live: boolean;
  try {
    live = await answers(file, 1000);
  } catch (e) {
    return fail(`cannot be examined (${(e as NodeJS.ErrnoException).code ?? String(e)}); use --control-socket`);
  }
  if (live) fail('another process (a running vrrpd?) answers on it; stop it, or give this one its own --control-socket');
  try {
    unlinkSync(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') fail(`a stale socket is there and cannot be removed (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
}

/**
 * Listens on `file` after `claimControlSocket` (a stale socket is replaced; anything else there is refused),
 * with mode 0600; resolves once listening. @throws UsageError (code IO) as claimControlSocket, or when the
 * bind fails.
 */
export async function startControlSocket(file: string, handle: ControlHandler): Promise<Server> {
  await claimControlSocket(file);
  const server = createServer((sock: Socket) => {
    let buf = '';
    sock.setEncoding('utf8');
    sock.on('error', () => sock.destroy());
    sock.on('data', (chunk: string) => {
      buf += chunk;
      if (buf.length > 65536) return void sock.destroy();
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        let reply: unknown;
        try {
          const req = JSON.parse(line) as { cmd?: unknown };
          reply = typeof req.cmd === 'string' ? handle({ cmd: req.cmd }) : { error: 'request needs a "cmd" string' };
        } catch (e) {
          reply = { error: `bad request: ${(e as Error).message}` };
        }
        sock.write(JSON.stringify(reply) + '\n');
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    const onError = (e: NodeJS.ErrnoException): void => {
      reject(new UsageError(`control socket ${file}: cannot listen (${e.code ?? e.message}); use --control-socket`, 'IO'));
    };
    server.once('error', onError);
    // The bind happens inside listen(): the socket file is born 0600, never briefly open to others.
    const old = process.umask(0o177);
    try {
      server.listen(file, () => {
        server.off('error', onError);
        resolve();
      });
    } finally {
      process.umask(old);
    }
  });
  chmodSync(file, CONTROL_SOCKET_MODE);
  return server;
}

/** Sends one request to the control socket at `path` and resolves with the parsed reply. */
export function controlRequest(path: string, request: { cmd: string }, timeoutMs = 2000): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const sock = new Socket();
    let buf = '';
    const timer = setTimeout(() => {
      sock.destroy();
      reject(new Error(`no answer from ${path} within ${timeoutMs} ms`));
    }, timeoutMs);
    sock.setEncoding('utf8');
    sock.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    sock.on('data', (c: string) => {
      buf += c;
      const nl = buf.indexOf('\n');
      if (nl >= 0) {
        clearTimeout(timer);
        sock.end();
        try {
          resolve(JSON.parse(buf.slice(0, nl)));
        } catch (e) {
          reject(e);
        }
      }
    });
    sock.connect(path, () => sock.write(JSON.stringify(request) + '\n'));
  });
}
