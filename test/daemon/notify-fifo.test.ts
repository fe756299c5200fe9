/**
 * The notify FIFO writer against real FIFOs in a temporary directory: keepalived's line format, creation
 * and removal, non-blocking writes with no reader (a full FIFO drops and counts), the FIFO script with the
 * path as its last argument, and notifyFifosOf's reading of global_defs.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, chmodSync, existsSync, openSync, readSync, closeSync, constants } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { parseConfigText } from '../../lib/config/parse';
import { runCommand } from '../../lib/daemon/command';
import type { CommandRunner, LogFn } from '../../lib/daemon/executor';
import { NotifyFifo, fifoLine, notifyFifosOf } from '../../lib/daemon/notify-fifo';

let dir: string;
const logs: string[] = [];
const log: LogFn = (level, m) => void logs.push(`${level} ${m}`);
const run: CommandRunner = (line, o) => runCommand(line, o);

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'vrrpd-fifo-'));
  logs.length = 0;
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Reads what is buffered in FIFO `p` now, without blocking. */
function drain(p: string): string {
  const fd = openSync(p, constants.O_RDONLY | constants.O_NONBLOCK);
  const buf = Buffer.alloc(1 << 20);
  let out = '';
  try {
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, null);
      if (n <= 0) break;
      out += buf.subarray(0, n).toString();
    }
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
  } finally {
    closeSync(fd);
  }
  return out;
}

test('fifoLine: TYPE "NAME" STATE PRIORITY and a newline, as keepalived writes it', () => {
  expect(fifoLine('INSTANCE', 'VI_1', 'MASTER', 100)).toBe('INSTANCE "VI_1" MASTER 100\n');
  expect(fifoLine('GROUP', 'G1', 'BACKUP', 0)).toBe('GROUP "G1" BACKUP 0\n');
  expect(fifoLine('INSTANCE', 'VI_1', 'MASTER_PRIORITY', 90)).toBe('INSTANCE "VI_1" MASTER_PRIORITY 90\n');
});

test('creates a missing FIFO (mode 0600), writes lines a reader gets, removes the FIFO it created at close', async () => {
  const p = path.join(dir, 'notify');
  const f = new NotifyFifo({ path: p, log, runCommand: run });
  await f.open();
  const st = statSync(p);
  expect(st.isFIFO()).toBe(true);
  expect(st.mode & 0o777).toBe(0o600);
  expect(f.write(fifoLine('INSTANCE', 'VI_1', 'BACKUP', 100))).toBe(true);
  expect(f.write(fifoLine('INSTANCE', 'VI_1', 'MASTER', 100))).toBe(true);
  expect(f.write(fifoLine('GROUP', 'G1', 'MASTER', 0))).toBe(true);
  expect(drain(p)).toBe('INSTANCE "VI_1" BACKUP 100\nINSTANCE "VI_1" MASTER 100\nGROUP "G1" MASTER 0\n');
  expect(f.written).toBe(3);
  await f.close();
  expect(existsSync(p)).toBe(false);
});

test('an existing FIFO (made with mkfifo) is used and left in place at close', async () => {
  const p = path.join(dir, 'existing');
  execFileSync('mkfifo', [p]);
  const f = new NotifyFifo({ path: p, log, runCommand: run });
  await f.open();
  f.write(fifoLine('INSTANCE', 'VI_1', 'FAULT', 100));
  expect(drain(p)).toBe('INSTANCE "VI_1" FAULT 100\n');
  await f.close();
  expect(statSync(p).isFIFO()).toBe(true);
});

test('with no reader a write never blocks: once the pipe buffer is full lines are dropped and counted, one warning', async () => {
  const p = path.join(dir, 'full');
  const f = new NotifyFifo({ path: p, log, runCommand: run });
  await f.open();
  const line = fifoLine('INSTANCE', 'VI_1', 'MASTER_PRIORITY', 90);
  const started = Date.now();
  for (let k = 0; k < 20_000; k++) f.write(line); // 20k * 34 bytes > the 64 KiB pipe buffer
  expect(Date.now() - started).toBeLessThan(5000); // it returned at all: no write blocked
  expect(f.dropped).toBeGreaterThan(0);
  expect(f.written + f.dropped).toBe(20_000);
  expect(logs.filter((l) => l.includes('line dropped'))).toHaveLength(1);
  // What was written is whole lines only.
  const got = drain(p);
  expect(got.length).toBe(f.written * line.length);
  expect(new Set(got.split('\n').filter(Boolean))).toEqual(new Set([line.trim()]));
  await f.close();
});

test('a path that exists and is not a FIFO is refused and left alone', async () => {
  const p = path.join(dir, 'regular');
  writeFileSync(p, 'keep me');
  const f = new NotifyFifo({ path: p, log, runCommand: run });
  await expect(f.open()).rejects.toThrow(`notify FIFO ${p} exists and is not a FIFO`);
  expect(readFileSync(p, 'utf8')).toBe('keep me');
});

test('a FIFO in a missing directory cannot be created: the error names it', async () => {
  const p = path.join(dir, 'no', 'such', 'fifo');
  await expect(new NotifyFifo({ path: p, log, runCommand: run }).open()).rejects.toThrow(`cannot create notify FIFO ${p}`);
});

test('the FIFO script runs with the FIFO path as its last argument, reads the lines, and gets SIGTERM at close', async () => {
  const p = path.join(dir, 'scripted');
  const out = path.join(dir, 'got');
  const script = path.join(dir, 'reader.sh');
  // Records its arguments, then copies each line it reads from the FIFO ($2, the last argument).
  writeFileSync(script, `#!/bin/sh\necho "args: $*" > ${out}\nwhile read -r line; do echo "$line" >> ${out}; done < "$2"\n`);
  chmodSync(script, 0o755);
  const f = new NotifyFifo({ path: p, script: { command: `${script} first` }, log, runCommand: run });
  await f.open();
  f.write(fifoLine('INSTANCE', 'VI_1', 'MASTER', 100));
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline && !(existsSync(out) && readFileSync(out, 'utf8').includes('MASTER'))) await new Promise((r) => setTimeout(r, 20));
  expect(readFileSync(out, 'utf8')).toBe(`args: first ${p}\nINSTANCE "VI_1" MASTER 100\n`);
  await f.close();
  expect(logs.filter((l) => l.includes('ended'))).toEqual([]); // stopped by us: not reported as a failure
  expect(existsSync(p)).toBe(false);
});

test('notifyFifosOf: notify_fifo and vrrp_notify_fifo with their scripts; script_user runs a script without its own user', () => {
  const text = `global_defs {
  script_user nobody
  notify_fifo ${dir}/all
  notify_fifo_script "/bin/reader a"
  vrrp_notify_fifo ${dir}/vrrp root root
  vrrp_notify_fifo_script /bin/vreader root
}
vrrp_instance VI_1 {
  interface eth0
  virtual_router_id 51
  priority 100
  virtual_ipaddress {
    192.0.2.100/24
  }
}
`;
  const { config, warnings } = parseConfigText(text, 'k.conf');
  expect(warnings.map((w) => w.message).filter((m) => /fifo|FIFO/.test(m))).toEqual([]);
  const fifos = notifyFifosOf(config.global, log, run);
  expect(fifos.map((f) => f.path)).toEqual([`${dir}/all`, `${dir}/vrrp`]);
  const opts = fifos.map((f) => (f as unknown as { opts: { owner?: unknown; script?: unknown } }).opts);
  expect(opts[0].script).toEqual({ command: '/bin/reader a', user: 'nobody' });
  expect(opts[0].owner).toBeUndefined();
  expect(opts[1].owner).toEqual({ user: 'root', group: 'root' });
  expect(opts[1].script).toEqual({ command: '/bin/vreader', user: 'root' });
});

test('one FIFO when notify_fifo and vrrp_notify_fifo name the same path', () => {
  const { config } = parseConfigText(`global_defs {\n  notify_fifo ${dir}/x\n  vrrp_notify_fifo ${dir}/x\n}\n`, 'k.conf');
  expect(notifyFifosOf(config.global, log, run).map((f) => f.path)).toEqual([`${dir}/x`]);
});

