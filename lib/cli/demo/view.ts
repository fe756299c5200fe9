/**
 * The demo's output. On a terminal: event lines scroll above a live block of a few lines redrawn in place
 * (ANSI cursor movement): each router's state and effective priority, which router answered the client
 * last and its error count, the current step. Elsewhere (a pipe, a file, TERM=dumb): plain lines, one per
 * event or step. Colours only on a terminal and never with NO_COLOR set.
 */

/** Where the view writes. */
export interface ViewOutput {
  write(text: string): void;
  /** The terminal's width (for lines that wrap); 80 when unknown. */
  columns?: number;
}

/** Rows `line` takes on a terminal `columns` wide (its SGR codes take none). */
export function rowsOf(line: string, columns: number): number {
  // eslint-disable-next-line no-control-regex
  const visible = line.replace(/\x1b\[[0-9;]*[A-Za-z]/g, '').length;
  return Math.max(1, Math.ceil(visible / Math.max(1, columns)));
}

/** One router as the live block shows it. */
export interface RouterView {
  name: string;
  address: string;
  state: string;
  effective: number | null;
  base: number | null;
  service: 'up' | 'stopped' | 'starting';
}

/** Everything the live block shows. */
export interface Snapshot {
  routers: RouterView[];
  lastAnswer: { by: string; t: number } | null;
  lastError: string | null;
  errors: number;
  requests: number;
  step: string;
}

export interface DemoView {
  /** A permanent line (scrolls). */
  line(text: string): void;
  /** New live figures (a terminal redraws; plain output prints nothing). */
  update(s: Snapshot): void;
  /** The current step (plain output prints it as a line). */
  step(text: string): void;
  /** Leaves the terminal clean: the last block stays, the cursor below it. */
  close(): void;
}

/** SGR styles, or nothing without colour. */
export interface Paint {
  bold(s: string): string;
  state(s: string): string;
  dim(s: string): string;
  ok(s: string): string;
  bad(s: string): string;
}

/** Colours for a terminal, or identity when `color` is false. */
export function paint(color: boolean): Paint {
  const sgr = (code: string) => (s: string): string => (color ? `\x1b[${code}m${s}\x1b[0m` : s);
  const green = sgr('32;1');
  const yellow = sgr('33');
  const red = sgr('31;1');
  return {
    bold: sgr('1'),
    dim: sgr('2'),
    ok: green,
    bad: red,
    state: (s) => (s === 'MASTER' ? green(s) : s === 'BACKUP' ? yellow(s) : s === 'FAULT' ? red(s) : s),
  };
}

/** Whether to use colour: a terminal, and NO_COLOR unset or empty (https://no-color.org). */
export function useColor(tty: boolean, env: NodeJS.ProcessEnv = process.env): boolean {
  return tty && !(env.NO_COLOR !== undefined && env.NO_COLOR !== '') && env.TERM !== 'dumb';
}

function clock(t: number): string {
  return new Date(t).toISOString().slice(11, 23);
}

/** The live block's lines for `s`. */
export function blockLines(s: Snapshot, p: Paint): string[] {
  const lines = s.routers.map((r) => {
    const prio = r.effective === null ? '-' : r.base !== null && r.base !== r.effective ? `${r.effective} (base ${r.base})` : String(r.effective);
    return `  ${p.bold(r.name)} ${r.address.padEnd(11)} ${p.state(r.state.padEnd(6))}  priority ${prio.padEnd(13)} http ${r.service === 'up' ? p.ok('up') : r.service === 'stopped' ? p.bad('stopped') : r.service}`;
  });
  const last = s.lastAnswer ? `${p.bold(s.lastAnswer.by)} at ${clock(s.lastAnswer.t)}` : 'none yet';
  const err = s.errors === 0 ? '0' : p.bad(`${s.errors}${s.lastError ? ` (last: ${s.lastError})` : ''}`);
  lines.push(`  ${p.bold('client')} 192.0.2.50 -> http://192.0.2.100:8080/  last answer: ${last}`);
  lines.push(`         requests ${s.requests}, errors ${err}`);
  lines.push(`  ${p.dim('step:')} ${s.step}`);
  return lines;
}

/** Plain lines: events and steps, nothing redrawn. */
export class PlainView implements DemoView {
  constructor(private readonly out: (line: string) => void) {}
  line(text: string): void {
    this.out(text);
  }
  update(): void {}
  step(text: string): void {
    this.out(`== ${text}`);
  }
  close(): void {}
}

/** A terminal: lines scroll above a live block redrawn in place. */
export class TtyView implements DemoView {
  private shown = 0;
  private snap: Snapshot | null = null;
  private stepText = '';
  private closed = false;

  constructor(private readonly out: ViewOutput, private readonly p: Paint) {}

  private erase(): void {
    if (this.shown > 0) this.out.write(`\x1b[${this.shown}F\x1b[J`);
    this.shown = 0;
  }

  private draw(): void {
    if (!this.snap || this.closed) return;
    const lines = blockLines({ ...this.snap, step: this.stepText || this.snap.step }, this.p);
    this.out.write(lines.map((l) => `${l}\x1b[K\n`).join(''));
    const columns = this.out.columns ?? 80;
    this.shown = lines.reduce((n, l) => n + rowsOf(l, columns), 0);
  }

  line(text: string): void {
    if (this.closed) return void this.out.write(`${text}\n`);
    this.erase();
    this.out.write(`${text}\n`);
    this.draw();
  }

  update(s: Snapshot): void {
    this.snap = s;
    if (this.closed) return;
    this.erase();
    this.draw();
  }

  step(text: string): void {
    this.stepText = text;
    if (this.snap && !this.closed) {
      this.erase();
      this.draw();
    }
  }

  close(): void {
    this.closed = true;
  }
}
