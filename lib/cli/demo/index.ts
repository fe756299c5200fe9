/**
 * `vrrpd demo [--auto]`: two vrrpd routers and a client in network namespaces of their own, a failover and
 * a preemption, measured. Refuses to run without CAP_NET_ADMIN and CAP_NET_RAW; removes every namespace
 * and process it started on exit, on Ctrl-C / SIGTERM, on failure and after its global timeout.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { CliIo } from '../io';
import { capsRefusal, NetCaps, processCaps } from './caps';
import { CLIENT, HTTP_PORT, ROUTERS, TIMING, VIP } from './configs';
import { DemoLan, removeNamespaces, staleDemoNamespaces } from './lan';
import { Stage } from './stage';
import { Aborted, Check, EventLines, rel, runStory, snapshot } from './story';
import { DemoView, paint, PlainView, TtyView, useColor } from './view';

export const DEMO_USAGE = 'vrrpd demo [--auto]';

/** The whole demo is given up (and cleaned up) after this long, not counting waits for Enter. */
export const GLOBAL_TIMEOUT_MS = 120_000;
/** One wait for Enter is given up after this long. */
export const ENTER_TIMEOUT_MS = 10 * 60_000;

/** The terminal side of the demo; every field defaults to this process's. */
export interface DemoDeps {
  caps?: () => NetCaps;
  stdout?: { isTTY?: boolean; columns?: number; write(text: string): unknown };
  stdin?: NodeJS.ReadStream;
  env?: NodeJS.ProcessEnv;
  globalTimeoutMs?: number;
}

type Key = 'enter' | 'quit' | 'interrupt';

/** Resolves the next Enter, q or Ctrl-C on a terminal's stdin (raw mode: nothing echoed into the view). */
function nextKey(stdin: NodeJS.ReadStream): { key: Promise<Key>; cancel(): void } {
  const raw = stdin.isTTY === true && typeof stdin.setRawMode === 'function';
  let cancel = (): void => undefined;
  const key = new Promise<Key>((resolve) => {
    const onData = (d: Buffer | string): void => {
      const s = d.toString();
      const k: Key | null = s.includes('\x03') ? 'interrupt' : /q/i.test(s) ? 'quit' : /[\r\n]/.test(s) ? 'enter' : null;
      if (k) {
        cancel();
        resolve(k);
      }
    };
    cancel = () => {
      stdin.off('data', onData);
      if (raw) stdin.setRawMode(false);
      stdin.pause();
    };
    if (raw) stdin.setRawMode(true);
    stdin.on('data', onData);
    stdin.resume();
  });
  return { key, cancel: () => cancel() };
}

/** Runs the demo; resolves to the exit code (0: every step as expected; 1: not, or a failure; 130/143: signal). */
export async function runDemo(args: string[], io: CliIo, deps: DemoDeps = {}): Promise<number> {
  const { values } = parseArgs({ args, options: { auto: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h', default: false } } });
  if (values.help) {
    io.out(`usage: ${DEMO_USAGE}`);
    return 0;
  }
  const refusal = capsRefusal((deps.caps ?? processCaps)());
  if (refusal) {
    io.err(`vrrpd: ${refusal}`);
    return 1;
  }
  if (process.platform !== 'linux') {
    io.err('vrrpd: vrrpd demo needs Linux network namespaces');
    return 1;
  }
  const env = deps.env ?? process.env;
  const stdout = deps.stdout ?? process.stdout;
  const stdin = deps.stdin ?? process.stdin;
  const tty = stdout.isTTY === true && env.TERM !== 'dumb';
  const p = paint(useColor(tty, env));
  const view: DemoView = tty ? new TtyView({ write: (t) => void stdout.write(t), get columns() { return stdout.columns ?? 80; } }, p) : new PlainView((l) => io.out(l));
  const interactive = !values.auto && stdin.isTTY === true;

  const t0 = Date.now();
  const prefix = `vrrpdemo${process.pid}-`;
  const lan = new DemoLan(prefix);
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const abort = new AbortController();
  let cleaned = false;
  const cleanupSync = (): string[] => {
    if (cleaned) return [];
    cleaned = true;
    const left = lan.destroy();
    rmSync(dir, { recursive: true, force: true });
    return left;
  };
  let exitCode: number | null = null;
  const onSignal = (sig: NodeJS.Signals): void => {
    if (abort.signal.aborted) {
      // A second signal: no more waiting for the daemons' clean stop.
      cleanupSync();
      process.exit(sig === 'SIGINT' ? 130 : 143);
    }
    exitCode = sig === 'SIGINT' ? 130 : 143;
    abort.abort(`interrupted by ${sig}`);
  };
  const onExit = (): void => void cleanupSync();
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('exit', onExit);

  const globalMs = deps.globalTimeoutMs ?? GLOBAL_TIMEOUT_MS;
  let deadline = Date.now() + globalMs;
  let timedOut = false;
  let timer: NodeJS.Timeout | null = null;
  const arm = (): void => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timedOut = true;
      abort.abort(`the demo's global timeout (${globalMs / 1000} s) passed`);
    }, Math.max(0, deadline - Date.now()));
  };
  arm();
  const pending: { key: { cancel(): void } | null } = { key: null };
  const waitEnter = async (prompt: string): Promise<void> => {
    if (!interactive) return;
    const paused = Date.now();
    if (timer) clearTimeout(timer);
    view.step(p.bold(prompt));
    const k = nextKey(stdin);
    pending.key = k;
    let giveUp: NodeJS.Timeout | undefined;
    const aborted = new Promise<Key>((res) => abort.signal.addEventListener('abort', () => res('interrupt'), { once: true }));
    const late = new Promise<Key>((res) => (giveUp = setTimeout(() => res('quit'), ENTER_TIMEOUT_MS)));
    const key = await Promise.race([k.key, aborted, late]);
    clearTimeout(giveUp);
    k.cancel();
    pending.key = null;
    deadline += Date.now() - paused;
    arm();
    if (key === 'interrupt' && !abort.signal.aborted) onSignal('SIGINT');
    if (key === 'quit') abort.abort('quit at the prompt');
    if (abort.signal.aborted) throw new Aborted(String(abort.signal.reason));
  };

  const lines = new EventLines({ view, p, t0 });
  const stage = new Stage(lan, dir, (e) => lines.show(e), (who, line) => view.line(`${rel(Date.now(), t0)}  ${who}: ${line}`));
  const checks: Check[] = [];
  let interrupted = false;
  let failure: string | null = null;
  let ticker: NodeJS.Timeout | null = null;
  let stepText = 'setting up';
  const step = (text: string): void => {
    stepText = text;
    view.step(text);
  };
  try {
    for (const [pid, names] of staleDemoNamespaces()) {
      const left = removeNamespaces(names);
      view.line(`removed namespaces left by an earlier demo (pid ${pid}, no longer running): ${names.join(', ')}${left.length ? `; could not remove ${left.join(', ')}` : ''}`);
    }
    view.line(p.bold(`vrrpd demo: r1 and r2 share VIP ${VIP} with VRRP v3 (advert_int ${TIMING.advertCs / 100} s); a client fetches http://${VIP}:${HTTP_PORT}/ every ${TIMING.clientPeriodMs} ms`));
    view.line(`LAN: network namespaces ${prefix}{sw,r1,r2,client}, a bridge in ${prefix}sw; ${ROUTERS.map((r) => `${r.name} ${r.address}`).join(', ')}, client ${CLIENT.address}`);
    step('building the LAN');
    stage.build();
    for (const c of stage.routers.values()) {
      view.line(`--- ${c.conf} (keepalived.conf of ${c.router.name})`);
      for (const l of c.confText.trimEnd().split('\n')) view.line(l);
    }
    view.line('---');
    step('starting the HTTP services, vrrpd on r1 and r2, and the client');
    if (tty) ticker = setInterval(() => view.update(snapshot(stage, stepText)), 100);
    await stage.startServices();
    if (abort.signal.aborted) throw new Aborted(String(abort.signal.reason));
    await stage.startDaemons();
    stage.startClient();
    await runStory(stage, {
      view: { line: (t) => view.line(t), update: (s) => view.update(s), step, close: () => view.close() },
      p, waitEnter, signal: abort.signal, t0,
    }, checks);
  } catch (e) {
    interrupted = e instanceof Aborted && !timedOut;
    failure = e instanceof Aborted ? e.message : `the demo failed: ${e instanceof Error ? e.message : String(e)}`;
  } finally {
    pending.key?.cancel();
    if (timer) clearTimeout(timer);
    step('cleaning up: stopping vrrpd (priority 0, VIPs removed), the services and the client; removing the namespaces');
    await Promise.race([stage.stop(), new Promise((r) => setTimeout(r, 6000))]);
    if (ticker) clearInterval(ticker);
    if (tty) view.update(snapshot(stage, 'done'));
    const names = [...lan.namespaceNames];
    const left = cleanupSync();
    view.close();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    process.off('exit', onExit);
    io.out(left.length === 0 ? `${rel(Date.now(), t0)}  cleanup: stopped every process, removed ${names.join(', ')}` : `${rel(Date.now(), t0)}  cleanup: could not remove ${left.join(', ')}; remove them with: ip netns del NAME`);
    if (left.length > 0) failure ??= `namespaces left behind: ${left.join(', ')}`;
  }
  const ok = failure === null && checks.length > 0 && checks.every((c) => c.ok);
  for (const c of checks) io.out(`  ${c.ok ? p.ok('ok  ') : p.bad('FAIL')}  ${c.what}`);
  if (!ok && !interrupted) {
    for (const c of stage.routers.values()) {
      if (c.log.length === 0) continue;
      io.out(p.dim(`--- the last lines of vrrpd on ${c.router.name}:`));
      for (const l of c.log.slice(-12)) io.out(p.dim(l));
    }
  }
  if (failure) io.out(p.bad(`result: ${failure}`));
  else if (ok) io.out(p.ok('result: every step happened as expected'));
  else io.out(p.bad(`result: ${checks.filter((c) => !c.ok).length} step(s) did not happen as expected`));
  return exitCode ?? (ok ? 0 : 1);
}
