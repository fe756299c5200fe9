/**
 * The demo's client: `node client.js URL PERIOD_MS TIMEOUT_MS` fetches URL every PERIOD_MS (one request at
 * a time, each on a new connection, given up after TIMEOUT_MS) and prints one JSON line per result:
 * `{"t": epoch ms of the answer or error, "by": body}` or `{"t", "error": code}`. Exits when stdin closes,
 * and after MAX_RUN_MS in any case.
 */
import { get } from 'node:http';

/** The client stops on its own after this long, in milliseconds. */
export const MAX_RUN_MS = 15 * 60 * 1000;

/** One request: resolves the body or the error code (e.g. ECONNREFUSED, TIMEOUT). */
export function fetchOnce(url: string, timeoutMs: number): Promise<{ by: string } | { error: string }> {
  return new Promise((resolve) => {
    const req = get(url, { agent: false, timeout: timeoutMs }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve(res.statusCode === 200 ? { by: body.trim() } : { error: `HTTP ${res.statusCode}` }));
      res.on('error', (e: NodeJS.ErrnoException) => resolve({ error: e.code ?? e.message }));
    });
    req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'TIMEOUT' })));
    req.on('error', (e: NodeJS.ErrnoException) => resolve({ error: e.code ?? e.message }));
  });
}

async function loop(url: string, periodMs: number, timeoutMs: number): Promise<void> {
  const end = Date.now() + MAX_RUN_MS;
  while (Date.now() < end) {
    const started = Date.now();
    const r = await fetchOnce(url, timeoutMs);
    process.stdout.write(`${JSON.stringify({ t: Date.now(), ...r })}\n`);
    await new Promise((res) => setTimeout(res, Math.max(0, started + periodMs - Date.now())));
  }
  process.exit(0);
}

if (require.main === module) {
  const [url, period, timeout] = process.argv.slice(2);
  process.stdin.on('end', () => process.exit(0)).resume();
  void loop(url ?? 'http://192.0.2.100:8080/', Number(period ?? 20), Number(timeout ?? 150));
}
