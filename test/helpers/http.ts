/**
 * HTTP on a namespace LAN for the load-balancer tests: a client that fetches a URL every few ms and logs
 * each try as one JSON line, small node backends answering their name, an own-host health check script
 * for vrrp_script, and the outage arithmetic (first failed try to first answer from the new router).
 */
import { ChildProcess, execFileSync } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { Host, Lan, nsExec, waitForLine } from './netns';
import { hasCommand } from './peers';

/** Gives `host` the address 192.0.2.<n>/24 instead of its LAN default (e.g. a client at .50). */
export function renumber(host: Host, n: number): void {
  const addr = `192.0.2.${n}`;
  // Deleted first: deleting a primary address takes its secondaries with it (promote_secondaries off).
  execFileSync('ip', ['-n', host.ns, 'addr', 'del', `${host.ipv4}/24`, 'dev', 'eth0']);
  execFileSync('ip', ['-n', host.ns, 'addr', 'add', `${addr}/24`, 'dev', 'eth0']);
  host.ipv4 = addr;
}

/** Sets a (namespaced) sysctl inside `host`'s namespace only, e.g. `net.ipv4.ip_nonlocal_bind=1`. */
export function nsSysctl(host: Host, setting: string): void {
  nsExec(host.ns, 'sysctl', ['-q', '-w', setting]);
}

/** One try of the client: `t` its start (ms since the epoch); `host` the body, `via` the X-Router header. */
export interface Try {
  t: number;
  ms: number;
  host?: string;
  via?: string;
  error?: string;
}

const CLIENT = `
const http = require('http');
const [url, everyMs, timeoutMs, maxMs] = [process.argv[1], +process.argv[2], +process.argv[3], +process.argv[4]];
const out = (o) => process.stdout.write(JSON.stringify(o) + '\\n');
const started = Date.now();
const timer = setInterval(() => {
  if (Date.now() - started > maxMs) { clearInterval(timer); return; }
  const t = Date.now();
  const req = http.get(url, { agent: false, timeout: timeoutMs, headers: { connection: 'close' } }, (res) => {
    let body = '';
    res.on('data', (d) => (body += d));
    res.on('end', () => res.statusCode === 200
      ? out({ t, ms: Date.now() - t, host: body.trim(), via: res.headers['x-router'] })
      : out({ t, ms: Date.now() - t, error: 'HTTP ' + res.statusCode }));
    res.on('error', (e) => out({ t, ms: Date.now() - t, error: e.code || e.message }));
  });
  req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'TIMEOUT' })));
  req.on('error', (e) => out({ t, ms: Date.now() - t, error: e.code || e.message }));
}, everyMs);
console.error('client started');
`;

/** A client in its own namespace fetching one URL at a fixed rate; it stops by itself after `maxMs`. */
export class HttpClient {
  private readonly lines: Try[] = [];
  private buf = '';
  private constructor(readonly child: ChildProcess) {
    child.stdout?.on('data', (d: Buffer) => {
      this.buf += d.toString();
      const parts = this.buf.split('\n');
      this.buf = parts.pop() ?? '';
      for (const p of parts) if (p) this.lines.push(JSON.parse(p) as Try);
    });
  }

  /** Starts `node` in `host`'s namespace fetching `url` every `everyMs` (fresh connection each try). */
  static async start(lan: Lan, host: Host, url: string, o: { everyMs?: number; timeoutMs?: number; maxMs?: number } = {}): Promise<HttpClient> {
    const child = lan.spawn(host.ns, process.execPath, ['-e', CLIENT, '--', url, String(o.everyMs ?? 20), String(o.timeoutMs ?? 1000), String(o.maxMs ?? 150000)]);
    const c = new HttpClient(child);
    await waitForLine(child, 'client started', 5000, 'stderr');
    return c;
  }

  /** The tries started at or after `fromMs` (and before `toMs`), in start order. */
  tries(fromMs = 0, toMs = Infinity): Try[] {
    return this.lines.filter((x) => x.t >= fromMs && x.t < toMs).sort((a, b) => a.t - b.t);
  }

  stop(): void {
    this.child.kill('SIGTERM');
  }
}

/** What the client saw after an event at `sinceMs` until `newRouter` answered. */
export interface Outage {
  /** First failed try to first answer from `newRouter`, ms (0 when no try failed before it). */
  outageMs: number;
  failed: number;
  /** First answer from `newRouter`, ms after the event; null if it never answered. */
  newAfterMs: number | null;
  /** Last answer from another router after the event, ms after it (null: none). */
  lastOldAfterMs: number | null;
}

/** Outage after an event at `sinceMs`: `routerOf` names the router that gave an answer. */
export function outageAfter(tries: Try[], sinceMs: number, newRouter: string, routerOf: (x: Try) => string | undefined): Outage {
  const after = tries.filter((x) => x.t >= sinceMs);
  const firstNew = after.find((x) => !x.error && routerOf(x) === newRouter);
  const before = firstNew ? after.filter((x) => x.t < firstNew.t) : after;
  const failedTries = before.filter((x) => x.error);
  const old = before.filter((x) => !x.error);
  return {
    outageMs: firstNew && failedTries.length > 0 ? firstNew.t - failedTries[0].t : 0,
    failed: failedTries.length,
    newAfterMs: firstNew ? firstNew.t - sinceMs : null,
    lastOldAfterMs: old.length > 0 ? old[old.length - 1].t - sinceMs : null,
  };
}

/** One line for the test output. */
export function describeOutage(o: Outage): string {
  return `${o.outageMs} ms outage (${o.failed} failed tries), first answer from the new router ${o.newAfterMs ?? 'never'} ms after the event, last from the old ${o.lastOldAfterMs ?? '-'} ms`;
}

const BACKEND = `
const http = require('http');
const [addr, port, name] = [process.argv[1], +process.argv[2], process.argv[3]];
http.createServer((req, res) => res.end(name + '\\n')).listen(port, addr, () => console.log('listening ' + name));
`;

/** A node HTTP server on `host`'s address answering `name` to every request; resolves once it listens. */
export async function startBackend(lan: Lan, host: Host, name: string, port = 80): Promise<ChildProcess> {
  const child = lan.spawn(host.ns, process.execPath, ['-e', BACKEND, '--', host.ipv4, String(port), name]);
  await waitForLine(child, `listening ${name}`, 5000);
  return child;
}

/**
 * Writes an executable health check `file` that exits 0 when `url` (the router's own address) answers 200
 * within 800 ms: curl when installed, else node (process.execPath).
 */
export function ownHostCheck(file: string, url: string): string {
  const body = hasCommand('curl')
    ? `exec curl -sf -o /dev/null --max-time 0.8 ${url}\n`
    : `exec ${process.execPath} -e "require('http').get('${url}',{timeout:800},r=>process.exit(r.statusCode===200?0:1)).on('timeout',()=>process.exit(1)).on('error',()=>process.exit(1))"\n`;
  writeFileSync(file, `#!/bin/sh\n# Exit 0 when this host's own service answers (see the test for why not ps/killall).\n${body}`);
  chmodSync(file, 0o755);
  return file;
}

/** True when `url` answers 200 from inside `host`'s namespace (one request, 2 s at most). */
export function answers(host: Host, url: string): boolean {
  try {
    nsExec(host.ns, process.execPath, ['-e', `require('http').get(${JSON.stringify(url)},{timeout:1500},r=>process.exit(r.statusCode===200?0:1)).on('timeout',()=>process.exit(1)).on('error',()=>process.exit(1))`], 2500);
    return true;
  } catch {
    return false;
  }
}

/** Pids of the processes in `host`'s namespace whose command name is `comm` (by namespace, not by name). */
export function pidsIn(host: Host, comm: string): number[] {
  const pids = execFileSync('ip', ['netns', 'pids', host.ns], { encoding: 'utf8' }).split(/\s+/).filter(Boolean).map(Number);
  return pids.filter((p) => {
    try {
      return readFileSync(`/proc/${p}/comm`, 'utf8').trim() === comm;
    } catch {
      return false;
    }
  });
}

/** The tail of a log file, for an error message. */
export function tail(file: string, lines = 20): string {
  return existsSync(file) ? readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n') : `(no ${path.basename(file)})`;
}
