/**
 * The demo's service on a router: `node service.js NAME PORT` answers every HTTP request on PORT (all of
 * its namespace's addresses, so the VIP too once the router holds it) with NAME. Its stdin takes `stop`
 * (stop listening, close every connection) and `start` lines; it prints one JSON line per change,
 * `{"t": epoch ms, "event": "listening" | "stopped"}`, and exits when its stdin closes.
 */
import { createServer } from 'node:http';
import { createInterface } from 'node:readline';

/** Runs the service until stdin closes. */
export function serve(name: string, port: number): void {
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain', connection: 'close' });
    res.end(name);
  });
  const say = (event: string, extra: Record<string, unknown> = {}): void => void process.stdout.write(`${JSON.stringify({ t: Date.now(), event, ...extra })}\n`);
  const start = (): void => void server.listen(port, '0.0.0.0', () => say('listening'));
  server.on('error', (e) => say('error', { error: e.message }));
  start();
  createInterface({ input: process.stdin }).on('line', (line) => {
    const cmd = line.trim();
    if (cmd === 'stop' && server.listening) {
      server.close(() => say('stopped'));
      server.closeAllConnections();
    } else if (cmd === 'start' && !server.listening) start();
  }).on('close', () => process.exit(0));
}

if (require.main === module) {
  const [name, port] = process.argv.slice(2);
  serve(name ?? 'service', Number(port ?? 8080));
}
