/**
 * What happened during the demo, on this machine's wall clock (epoch ms): the daemons' log lines (ISO times
 * with milliseconds), the services' and the client's JSON lines, parsed into events. Pure.
 */

export type RouterName = 'r1' | 'r2';

/** One thing that happened. */
export type DemoEvent =
  | { kind: 'state'; t: number; router: RouterName; from: string; to: string; reason: string; priority: number }
  | { kind: 'priority'; t: number; router: RouterName; from: number; to: number }
  | { kind: 'service'; t: number; router: RouterName; event: 'listening' | 'stopped' }
  | { kind: 'answer'; t: number; by: string }
  | { kind: 'client-error'; t: number; error: string };

const STATE_LINE = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z) \w+: instance \S+: (\w+) -> (\w+) \(([^):]+)(?::[^)]*)?\), priority (\d+)/;
const PRIORITY_LINE = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z) \w+: instance \S+: effective priority (\d+) -> (\d+)/;

/** The event in a vrrpd log line of `router` (a state or effective-priority change), or null. */
export function parseDaemonLine(router: RouterName, line: string): DemoEvent | null {
  let m = STATE_LINE.exec(line);
  if (m) return { kind: 'state', t: Date.parse(m[1]), router, from: m[2], to: m[3], reason: m[4], priority: Number(m[5]) };
  m = PRIORITY_LINE.exec(line);
  if (m) return { kind: 'priority', t: Date.parse(m[1]), router, from: Number(m[2]), to: Number(m[3]) };
  return null;
}

function record(line: string): Record<string, unknown> | null {
  try {
    const v: unknown = JSON.parse(line);
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** The event in a JSON line of the service of `router`, or null. */
export function parseServiceLine(router: RouterName, line: string): DemoEvent | null {
  const r = record(line);
  if (!r || typeof r.t !== 'number' || (r.event !== 'listening' && r.event !== 'stopped')) return null;
  return { kind: 'service', t: r.t, router, event: r.event };
}

/** The event in a JSON line of the client, or null. */
export function parseClientLine(line: string): DemoEvent | null {
  const r = record(line);
  if (!r || typeof r.t !== 'number') return null;
  if (typeof r.by === 'string') return { kind: 'answer', t: r.t, by: r.by };
  if (typeof r.error === 'string') return { kind: 'client-error', t: r.t, error: r.error };
  return null;
}

/** The events so far, in arrival order, with the queries the story needs. */
export class Timeline {
  readonly events: DemoEvent[] = [];

  add(e: DemoEvent | null): DemoEvent | null {
    if (e) this.events.push(e);
    return e;
  }

  /** The earliest event at or after `after` (ms) that `pred` accepts. */
  first<K extends DemoEvent['kind']>(kind: K, after: number, pred: (e: Extract<DemoEvent, { kind: K }>) => boolean = () => true): Extract<DemoEvent, { kind: K }> | undefined {
    let best: Extract<DemoEvent, { kind: K }> | undefined;
    for (const e of this.events) {
      if (e.kind !== kind || e.t < after) continue;
      const k = e as Extract<DemoEvent, { kind: K }>;
      if (pred(k) && (!best || k.t < best.t)) best = k;
    }
    return best;
  }

  /** The latest event before `before` (ms) that `pred` accepts. */
  last<K extends DemoEvent['kind']>(kind: K, before: number, pred: (e: Extract<DemoEvent, { kind: K }>) => boolean = () => true): Extract<DemoEvent, { kind: K }> | undefined {
    let best: Extract<DemoEvent, { kind: K }> | undefined;
    for (const e of this.events) {
      if (e.kind !== kind || e.t >= before) continue;
      const k = e as Extract<DemoEvent, { kind: K }>;
      if (pred(k) && (!best || k.t > best.t)) best = k;
    }
    return best;
  }

  /** How many events of `kind` lie in [from, to). */
  count(kind: DemoEvent['kind'], from: number, to: number): number {
    return this.events.filter((e) => e.kind === kind && e.t >= from && e.t < to).length;
  }

  /** The state `router` last logged (INIT before any). */
  stateOf(router: RouterName): string {
    let s: { t: number; to: string } | undefined;
    for (const e of this.events) if (e.kind === 'state' && e.router === router && (!s || e.t >= s.t)) s = e;
    return s?.to ?? 'INIT';
  }

  /** The last `n` client answers (or errors) are all from `by`, at or after `after`. */
  answeredBy(by: string, after: number, n = 3): boolean {
    const client = this.events.filter((e) => (e.kind === 'answer' || e.kind === 'client-error') && e.t >= after);
    const tail = client.slice(-n);
    return tail.length === n && tail.every((e) => e.kind === 'answer' && e.by === by);
  }
}
