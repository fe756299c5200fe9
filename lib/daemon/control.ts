/**
 * The control socket: a Unix stream socket answering one JSON request per line with one JSON line.
 * Requests: {"cmd":"status"} -> the instances' state, priority and counters. `vrrpd status` uses it.
 */
import { createServer, Server, Socket } from 'node:net';
import { unlinkSync } from 'node:fs';

export type ControlHandler = (request: { cmd: string }) => unknown;

/** Listens on `path` (a stale socket file is replaced); resolves once listening. */
export function startControlSocket(path: string, handle: ControlHandler): Promise<Server> {
  try {
    unlinkSync(path);
  } catch {
    /* none there */
  }
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
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
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
