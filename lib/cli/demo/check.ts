/**
 * The demo's health check (vrrp_script chk_http): `node check.js HOST PORT` asks http://HOST:PORT/ and exits
 * 0 on a 200 answer, 1 otherwise (refused, timeout, other status). Each router checks its own address:
 * namespaces share the process table, so looking for a process would see the other router's service.
 */
import { get } from 'node:http';

/** How long the check waits for an answer, in milliseconds (below the script's timeout of 1 s). */
export const CHECK_TIMEOUT_MS = 800;

/** Resolves 0 when http://host:port/ answers 200 within CHECK_TIMEOUT_MS, else 1. */
export function check(host: string, port: number): Promise<number> {
  return new Promise((resolve) => {
    const req = get({ host, port, path: '/', agent: false, timeout: CHECK_TIMEOUT_MS }, (res) => {
      res.resume();
      resolve(res.statusCode === 200 ? 0 : 1);
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => resolve(1));
  });
}

if (require.main === module) {
  const [host, port] = process.argv.slice(2);
  void check(host ?? '127.0.0.1', Number(port ?? 8080)).then((code) => process.exit(code));
}
