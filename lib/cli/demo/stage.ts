/**
 * The demo's cast on its LAN: the namespaces, each router's HTTP service and vrrpd (this package's
 * bin/vrrpd, run by this node), and the client. Every line they print becomes a timeline event; the
 * daemons' states and effective priorities are also polled through their control sockets.
 */
import { ChildProcess } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { controlRequest } from '../../daemon/control';
import type { VrrpdStatus } from '../../daemon/vrrpd';
import { CLIENT, checkCommand, DemoRouter, HTTP_PORT, PREFIX_LEN, routerConf, ROUTERS, TIMING, VIP } from './configs';
import { DemoLan, LanHost } from './lan';
import { DemoEvent, parseClientLine, parseDaemonLine, parseServiceLine, RouterName, Timeline } from './timeline';

/** The package's root (bin/vrrpd, dist/), from dist/lib/cli/demo or lib/cli/demo. */
export function packageRoot(): string {
  for (const up of ['../../../..', '../../..']) {
    const root = resolve(__dirname, up);
    if (existsSync(join(root, 'bin', 'vrrpd')) && existsSync(join(root, 'package.json'))) return root;
  }
  throw new Error(`cannot find bin/vrrpd above ${__dirname}`);
}

/** A compiled helper program of the demo (check, service, client). @throws Error when not built. */
export function helperScript(name: 'check' | 'service' | 'client'): string {
  const here = join(__dirname, `${name}.js`);
  if (existsSync(here)) return here;
  const built = join(packageRoot(), 'dist', 'lib', 'cli', 'demo', `${name}.js`);
  if (existsSync(built)) return built;
  throw new Error(`${built} is missing; run \`npm run build\` in the package directory`);
}

/** One router's processes and paths. */
export interface RouterCast {
  router: DemoRouter;
  host: LanHost;
  conf: string;
  confText: string;
  pidFile: string;
  socket: string;
  service: ChildProcess | null;
  vrrpd: ChildProcess | null;
  /** The daemon's output, kept for a failure report. */
  log: string[];
  status: VrrpdStatus['instances'][number] | null;
  serviceState: 'up' | 'stopped' | 'starting';
}

/** Splits `stream` into lines for `onLine` (one reader per stream: a second one could pause it). */
export function eachLine(stream: NodeJS.ReadableStream | null | undefined, onLine: (line: string) => void): void {
  if (!stream) return;
  let buf = '';
  stream.setEncoding('utf8');
  stream.on('data', (d: string) => {
    buf += d;
    let nl: number;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      onLine(line);
    }
  });
  stream.on('end', () => buf && onLine(buf));
}

/** A child's lines, with waits for one of them. */
class Lines {
  private readonly waiters = new Set<(line: string) => void>();
  constructor(private readonly child: ChildProcess, onLine: (line: string) => void) {
    const each = (l: string): void => {
      onLine(l);
      for (const w of [...this.waiters]) w(l);
    };
    eachLine(child.stdout, each);
    eachLine(child.stderr, each);
  }

  /** Resolves once `pred` accepts a line; rejects on exit or after `timeoutMs`, with the child's last lines. */
  until(what: string, pred: (line: string) => boolean, timeoutMs: number, log: string[]): Promise<void> {
    return new Promise((res, rej) => {
      const said = (): string => (log.length ? `; it said: ${log.slice(-5).join(' | ')}` : '');
      const timer = setTimeout(() => done(new Error(`${what}: nothing within ${timeoutMs} ms${said()}`)), timeoutMs);
      const onExit = (code: number | null, signal: string | null): void => done(new Error(`${what}: exited (${signal ?? `code ${code}`})${said()}`));
      const waiter = (l: string): void => void (pred(l) && done(null));
      const done = (err: Error | null): void => {
        clearTimeout(timer);
        this.waiters.delete(waiter);
        this.child.off('exit', onExit);
        if (err) rej(err);
        else res();
      };
      this.waiters.add(waiter);
      this.child.on('exit', onExit);
    });
  }
}

/** The cast: build with `start()`, then drive the services; `destroy` through the LAN. */
export class Stage {
  readonly timeline = new Timeline();
  readonly routers = new Map<RouterName, RouterCast>();
  client: ChildProcess | null = null;
  requests = 0;
  errors = 0;
  lastError: string | null = null;
  lastAnswer: { by: string; t: number } | null = null;
  private poller: NodeJS.Timeout | null = null;
  private stopping = false;
  private readonly node = process.execPath;

  /** `onEvent` sees every timeline event as it arrives; `onLog` every other line worth showing. */
  constructor(readonly lan: DemoLan, readonly dir: string, private readonly onEvent: (e: DemoEvent) => void, private readonly onLog: (who: string, line: string) => void) {}

  /** Builds the namespaces and writes each router's keepalived.conf (not started yet). */
  build(): void {
    this.lan.buildSwitch();
    const check = helperScript('check');
    ROUTERS.forEach((router, i) => {
      const host = this.lan.addHost(router.name, router.address, PREFIX_LEN, router.mac, `p${i + 1}`);
      const conf = join(this.dir, `${router.name}.conf`);
      const confText = routerConf(router, checkCommand(router, this.node, check));
      writeFileSync(conf, confText);
      this.routers.set(router.name, {
        router, host, conf, confText, pidFile: join(this.dir, `${router.name}.pid`), socket: join(this.dir, `${router.name}.sock`),
        service: null, vrrpd: null, log: [], status: null, serviceState: 'starting',
      });
    });
    this.lan.addHost(CLIENT.name, CLIENT.address, PREFIX_LEN, CLIENT.mac, 'p9');
  }

  private cast(name: RouterName): RouterCast {
    const c = this.routers.get(name);
    if (!c) throw new Error(`no router ${name}`);
    return c;
  }

  private add(e: DemoEvent | null): void {
    if (!this.timeline.add(e) || !e) return;
    if (e.kind === 'answer') {
      this.requests++;
      this.lastAnswer = { by: e.by, t: e.t };
    } else if (e.kind === 'client-error') {
      this.requests++;
      this.errors++;
      this.lastError = e.error;
    } else if (e.kind === 'service') {
      this.cast(e.router).serviceState = e.event === 'listening' ? 'up' : 'stopped';
    }
    this.onEvent(e);
  }

  /** Starts each router's HTTP service; resolves once both listen. */
  async startServices(): Promise<void> {
    await Promise.all([...this.routers.values()].map(async (c) => {
      const child = this.lan.spawn(c.host.ns, this.node, [helperScript('service'), c.router.name, String(HTTP_PORT)]);
      c.service = child;
      const out = new Lines(child, (l) => {
        const e = parseServiceLine(c.router.name, l);
        if (e) this.add(e);
        else this.onLog(`${c.router.name} http`, l);
      });
      await out.until(`${c.router.name}'s HTTP service`, (l) => l.includes('"listening"'), 10000, c.log);
    }));
  }

  /** Starts vrrpd on each router (r1 first); resolves once each logged its start. */
  async startDaemons(): Promise<void> {
    for (const c of this.routers.values()) {
      const child = this.lan.spawn(c.host.ns, this.node, [join(packageRoot(), 'bin', 'vrrpd'), '-f', c.conf, '--pid-file', c.pidFile, '--control-socket', c.socket]);
      c.vrrpd = child;
      const out = new Lines(child, (l) => {
        c.log.push(l);
        if (c.log.length > 400) c.log.shift();
        const e = parseDaemonLine(c.router.name, l);
        if (e) this.add(e);
        else if (/ warn: |warning|error/i.test(l)) this.onLog(`vrrpd ${c.router.name}`, l);
      });
      child.on('exit', (code, sig) => void (this.stopping || this.onLog(`vrrpd ${c.router.name}`, `exited unexpectedly (${sig ?? `code ${code}`})`)));
      await out.until(`vrrpd on ${c.router.name}`, (l) => / info: started /.test(l), 15000, c.log);
    }
    this.poller = setInterval(() => void this.poll(), 200);
  }

  /** Starts the client fetching http://VIP:8080/ every 20 ms. */
  startClient(): void {
    const host = this.lan.hosts.get(CLIENT.name);
    if (!host) throw new Error('no client host');
    this.client = this.lan.spawn(host.ns, this.node, [helperScript('client'), `http://${VIP}:${HTTP_PORT}/`, String(TIMING.clientPeriodMs), String(TIMING.clientTimeoutMs)]);
    eachLine(this.client.stdout, (l) => this.add(parseClientLine(l)));
    eachLine(this.client.stderr, (l) => this.onLog('client', l));
  }

  /** Tells `router`'s service to stop listening or to listen again. */
  service(router: RouterName, cmd: 'stop' | 'start'): void {
    const c = this.cast(router);
    c.service?.stdin?.write(`${cmd}\n`);
    if (cmd === 'start') c.serviceState = 'starting';
  }

  private async poll(): Promise<void> {
    await Promise.all([...this.routers.values()].map(async (c) => {
      try {
        const s = (await controlRequest(c.socket, { cmd: 'status' }, 1000)) as VrrpdStatus;
        c.status = Array.isArray(s.instances) ? (s.instances[0] ?? null) : null;
      } catch {
        // not up yet or going away: the last status stays
      }
    }));
  }

  /** Stops the poller, the client and services (stdin closed), then the daemons (SIGTERM: priority 0, VIPs removed). */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.poller) clearInterval(this.poller);
    this.poller = null;
    const quiet = [this.client, ...[...this.routers.values()].map((c) => c.service)].filter((c): c is ChildProcess => c !== null);
    for (const c of quiet) c.stdin?.end();
    await Promise.all([
      ...quiet.map((c) => this.lan.stop(c, 'SIGTERM', 1000)),
      ...[...this.routers.values()].map((c) => (c.vrrpd ? this.lan.stop(c.vrrpd, 'SIGTERM', 4000) : Promise.resolve())),
    ]);
  }
}
