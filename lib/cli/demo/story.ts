/**
 * The demo's story on a running stage: r1 MASTER and serving; r1's HTTP service stops -> its health check
 * fails, its priority drops below r2's, r2 takes the VIP; the service comes back -> r1 preempts r2. Each
 * switch-over is measured from the daemons' log lines and the client's answers, and checked against a
 * bound derived from the configuration.
 */
import { masterDownMs, preemptBoundMs, ROUTERS, takeoverBoundMs, TIMING, VIP } from './configs';
import { SwitchFigures, measure } from './figures';
import { addressesIn } from './lan';
import type { Stage } from './stage';
import type { DemoEvent, RouterName } from './timeline';
import type { DemoView, Paint, Snapshot } from './view';

/** One expectation of the story and whether it held. */
export interface Check {
  ok: boolean;
  what: string;
}

/** What the story needs from its runner. */
export interface StoryIo {
  view: DemoView;
  p: Paint;
  /** Resolves when the user wants the next step (at once when unattended). */
  waitEnter(prompt: string): Promise<void>;
  /** Aborted on Ctrl-C, SIGTERM or the global timeout (its reason says which). */
  signal: AbortSignal;
  /** The demo's start (epoch ms), for relative times. */
  t0: number;
}

/** Thrown when the run is aborted (Ctrl-C, SIGTERM, timeout). */
export class Aborted extends Error {}

/** Polls `cond` every 20 ms: true once it holds, false after `timeoutMs`. @throws Aborted when aborted. */
export async function until(cond: () => boolean, timeoutMs: number, signal: AbortSignal): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    if (signal.aborted) throw new Aborted(String(signal.reason));
    if (cond()) return true;
    if (Date.now() >= end) return false;
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** `t` as seconds since the demo's start, e.g. `  3.214 s`. */
export function rel(t: number, t0: number): string {
  return `${((t - t0) / 1000).toFixed(3).padStart(7)} s`;
}

/** Turns the timeline's events into lines: state and priority changes, services, the client's changes. */
export class EventLines {
  private clientIs: string | null = null;
  constructor(private readonly io: Pick<StoryIo, 'view' | 'p' | 't0'>) {}

  /** The line for `e`, or null when it changes nothing worth a line. */
  describe(e: DemoEvent): string | null {
    const { p } = this.io;
    switch (e.kind) {
      case 'state':
        return `${e.router}  ${e.from} -> ${p.state(e.to)} (${e.reason}), priority ${e.priority}`;
      case 'priority':
        return `${e.router}  effective priority ${e.from} -> ${e.to} (chk_http ${e.to < e.from ? `failed ${TIMING.fall} times: weight ${TIMING.weight}` : `succeeded ${TIMING.rise} times`})`;
      case 'service':
        return `${e.router}  HTTP service ${e.event === 'listening' ? 'listening on :8080' : 'stopped'}`;
      case 'answer':
        if (this.clientIs === e.by) return null;
        this.clientIs = e.by;
        return `client  answered by ${p.bold(e.by)}`;
      case 'client-error':
        if (this.clientIs === 'error') return null;
        this.clientIs = 'error';
        return `client  ${p.bad('requests fail')} (${e.error})`;
      default:
        return assertNever(e);
    }
  }

  /** Prints the line for `e`, if any. */
  show(e: DemoEvent): void {
    const text = this.describe(e);
    if (text !== null) this.io.view.line(`${rel(e.t, this.io.t0)}  ${text}`);
  }
}

function assertNever(x: never): never {
  throw new Error(`unexpected ${JSON.stringify(x)}`);
}

/** The live block's figures from the stage. */
export function snapshot(stage: Stage, step: string): Snapshot {
  return {
    routers: [...stage.routers.values()].map((c) => ({
      name: c.router.name,
      address: c.router.address,
      state: stage.timeline.stateOf(c.router.name),
      effective: c.status?.priority.effective ?? null,
      base: c.status?.priority.base ?? c.router.priority,
      service: c.serviceState,
    })),
    lastAnswer: stage.lastAnswer,
    lastError: stage.lastError,
    errors: stage.errors,
    requests: stage.requests,
    step,
  };
}

function vipHolders(stage: Stage): RouterName[] {
  const out: RouterName[] = [];
  for (const c of stage.routers.values()) {
    try {
      if (addressesIn(c.host.ns).some((a) => a.startsWith(`${VIP}/`))) out.push(c.router.name);
    } catch {
      // namespace going away
    }
  }
  return out;
}

function ms(n: number): string {
  return `${String(Math.round(n)).padStart(5)} ms`;
}

/** The figures of a switch-over as lines, and whether its total is within `boundMs`. */
export function figureLines(kind: 'takeover' | 'preemption', f: SwitchFigures, from: RouterName, to: RouterName, boundMs: number, boundText: string, p: Paint): { lines: string[]; ok: boolean } {
  const ok = f.totalMs <= boundMs;
  const change = kind === 'takeover' ? 'stopped' : 'restored';
  const peer = ROUTERS.find((r) => r.name === to);
  const other = ROUTERS.find((r) => r.name === from);
  const mdi = masterDownMs(peer?.priority ?? 0);
  const lines = [
    p.bold(`${kind} ${from} -> ${to} (r1's HTTP service ${change} at ${new Date(f.serviceAt).toISOString().slice(11, 23)}):`),
    `  detection     ${ms(f.detectionMs)}  service ${change} -> r1's effective priority ${f.priority.from} -> ${f.priority.to} (chk_http: interval ${TIMING.scriptIntervalMs / 1000} s, ${kind === 'takeover' ? `fall ${TIMING.fall}` : `rise ${TIMING.rise}`})`,
    `  protocol      ${ms(f.protocolMs)}  -> ${to} MASTER (${f.masterReason}: ${to} ignores ${from}'s adverts at ${kind === 'takeover' ? f.priority.to : other?.priority} < ${peer?.priority} and waits out its Master_Down_Interval ${Math.round(mdi)} ms)`,
    `  data plane    ${ms(f.dataPlaneMs)}  -> the client's first answer from ${to}`,
    `  total         ${ms(f.totalMs)}  bound ${Math.round(boundMs)} ms = ${boundText}: ${ok ? p.ok('ok') : p.bad('over the bound')}`,
    `  client outage ${ms(f.clientGapMs)}  last answer from ${from} -> first from ${to}, ${f.clientErrors} failed request(s)`,
  ];
  return { lines, ok };
}

/**
 * Runs the story, adding every expectation with its outcome to `checks` as it is decided (all ok: exit 0);
 * returns `checks`. @throws Aborted (the expectations decided so far stay in `checks`).
 */
export async function runStory(stage: Stage, io: StoryIo, checks: Check[] = []): Promise<Check[]> {
  const { view, p, signal } = io;
  const tl = stage.timeline;
  const expect = (ok: boolean, what: string): boolean => {
    checks.push({ ok, what });
    if (!ok) view.line(`${p.bad('FAILED')}: ${what}`);
    return ok;
  };
  const vipOn = async (router: RouterName, what: string): Promise<void> => {
    let held: RouterName[] = [];
    await until(() => sameList((held = vipHolders(stage)), [router]), 2000, signal);
    expect(sameList(held, [router]), `VIP ${VIP} ${what} (held by: ${held.join(', ') || 'none'})`);
  };
  const settled = (master: RouterName, backup: RouterName, after: number) => (): boolean =>
    tl.stateOf(master) === 'MASTER' && tl.stateOf(backup) === 'BACKUP' && tl.answeredBy(master, after, 5);

  // 1. r1 becomes MASTER.
  view.step('1/3 waiting for r1 to become MASTER and the client to be answered by r1');
  const up = await until(settled('r1', 'r2', 0), 15000, signal);
  const firstMaster = tl.first('state', 0, (e) => e.to === 'MASTER');
  if (!expect(up && firstMaster?.router === 'r1', `r1 MASTER first, r2 BACKUP, the client answered by r1 (within 15 s of the start)${firstMaster && firstMaster.router !== 'r1' ? `; ${firstMaster.router} became MASTER first` : ''}`)) return checks;
  await vipOn('r1', 'on r1 only');
  view.line(`${rel(Date.now(), io.t0)}  ${p.bold('r1 is MASTER and serves the VIP')}; r2 is BACKUP`);

  // 2. r1's service fails: r2 takes over.
  await io.waitEnter("press Enter to stop r1's HTTP service (q to quit)");
  let mark = Date.now();
  stage.service('r1', 'stop');
  view.step(`2/3 r1's HTTP service stopped: chk_http fails ${TIMING.fall} times, r1 drops to ${ROUTERS[0].priority + TIMING.weight} < ${ROUTERS[1].priority}, r2 takes over`);
  const takeoverBound = takeoverBoundMs();
  const moved = await until(settled('r2', 'r1', mark), takeoverBound + 5000, signal);
  if (!expect(moved, `after r1's service stopped: r2 MASTER, r1 BACKUP and the client answered by r2 within ${Math.round(takeoverBound + 5000)} ms (r1 ${tl.stateOf('r1')}, r2 ${tl.stateOf('r2')}, last answer ${stage.lastAnswer?.by ?? 'none'})`)) return checks;
  await vipOn('r2', 'moved to r2 only');
  const down = measure(tl, { service: 'r1', serviceEvent: 'stopped', from: 'r1', to: 'r2', after: mark });
  if ('missing' in down) {
    expect(false, down.missing);
  } else {
    const text = `interval ${TIMING.scriptIntervalMs} ms x fall ${TIMING.fall} + Master_Down_Interval ${Math.round(masterDownMs(ROUTERS[1].priority))} ms + margin ${TIMING.marginMs} ms`;
    const f = figureLines('takeover', down, 'r1', 'r2', takeoverBound, text, p);
    for (const l of f.lines) view.line(l);
    expect(f.ok, `takeover outage ${Math.round(down.totalMs)} ms within its bound ${Math.round(takeoverBound)} ms`);
  }

  // 3. The service is back: r1 preempts r2.
  await io.waitEnter("press Enter to start r1's HTTP service again (q to quit)");
  mark = Date.now();
  stage.service('r1', 'start');
  view.step(`3/3 r1's HTTP service restored: chk_http succeeds ${TIMING.rise} times, r1 back to ${ROUTERS[0].priority} > ${ROUTERS[1].priority}, r1 preempts r2`);
  const preemptBound = preemptBoundMs();
  const back = await until(settled('r1', 'r2', mark), preemptBound + 5000, signal);
  if (!expect(back, `after r1's service came back: r1 MASTER, r2 BACKUP and the client answered by r1 within ${Math.round(preemptBound + 5000)} ms (r1 ${tl.stateOf('r1')}, r2 ${tl.stateOf('r2')}, last answer ${stage.lastAnswer?.by ?? 'none'})`)) return checks;
  await vipOn('r1', 'back on r1 only');
  const up2 = measure(tl, { service: 'r1', serviceEvent: 'listening', from: 'r2', to: 'r1', after: mark });
  if ('missing' in up2) {
    expect(false, up2.missing);
  } else {
    const text = `interval ${TIMING.scriptIntervalMs} ms x rise ${TIMING.rise} + Master_Down_Interval ${Math.round(masterDownMs(ROUTERS[0].priority))} ms + margin ${TIMING.marginMs} ms`;
    const f = figureLines('preemption', up2, 'r2', 'r1', preemptBound, text, p);
    for (const l of f.lines) view.line(l);
    expect(f.ok, `preemption back to r1 ${Math.round(up2.totalMs)} ms within its bound ${Math.round(preemptBound)} ms`);
  }
  return checks;
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
