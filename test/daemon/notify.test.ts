/**
 * Notify in a whole `Vrrpd` (MemoryPlatform, memory wire, hand-advanced clock): a transition writes the
 * keepalived FIFO line and the FIFO script runs with the FIFO path; stop writes STOP and removes the FIFO
 * it created; notify scripts run as their user (real processes: as `nobody` when the test runs as root);
 * a reload that removes an instance runs `notify ... DELETED` and notify_deleted.
 */
import { chmodSync, closeSync, constants, existsSync, mkdtempSync, openSync, readFileSync, readSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { runCommand, type CommandOptions, type CommandResult } from '../../lib/daemon/command';
import { Vrrpd } from '../../lib/daemon/vrrpd';
import { MemoryPlatform } from '../../lib/platform/memory';
import { MemoryWire } from '../../lib/sim/wire';
import { FakeClock, flush } from '../helpers/fake-clock';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'vrrpd-notify-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function inst(name: string, vrid: number, prio: number, extra = ''): string {
  return `vrrp_instance ${name} {\n  interface eth0\n  virtual_router_id ${vrid}\n  priority ${prio}\n  advert_int 1\n  virtual_ipaddress {\n    192.0.2.${100 + vrid}/24\n  }\n${extra}}\n`;
}

interface Call {
  argv: string[];
  opts: CommandOptions;
}

function daemon(text: string, run?: (line: string | string[], o: CommandOptions) => Promise<CommandResult>) {
  const clock = new FakeClock();
  const wire = new MemoryWire({ a: { source4: '192.0.2.1', owns: ['192.0.2.1'] } }, () => clock.now());
  const calls: Call[] = [];
  const double = (line: string | string[], opts: CommandOptions): Promise<CommandResult> => {
    calls.push({ argv: Array.isArray(line) ? line : [line], opts });
    return Promise.resolve({ outcome: 'success', code: 0, signal: null, spawnError: null, durationMs: 1 });
  };
  const logs: string[] = [];
  const d = Vrrpd.fromText(text, { platform: new MemoryPlatform({ eth0: ['192.0.2.1/24'] }), clock, openTransport: wire.factory('a'), runCommand: run ?? double, log: (l, m) => void logs.push(`${l} ${m}`) });
  return { clock, d, calls, logs };
}

/** What is buffered in FIFO `p` (a path, or a reader's fd kept open across the FIFO's removal). */
function drain(p: string | number): string {
  const fd = typeof p === 'number' ? p : openSync(p, constants.O_RDONLY | constants.O_NONBLOCK);
  const buf = Buffer.alloc(65536);
  let out = '';
  try {
    for (let n = readSync(fd, buf, 0, buf.length, null); n > 0; n = readSync(fd, buf, 0, buf.length, null)) out += buf.subarray(0, n).toString();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
  } finally {
    if (typeof p !== 'number') closeSync(fd);
  }
  return out;
}

test('Vrrpd: transitions write keepalived\'s FIFO lines, the FIFO script gets the FIFO path, stop writes STOP and removes the FIFO', async () => {
  const fifo = path.join(dir, 'notify.fifo');
  const { clock, d, calls } = daemon(`global_defs {\n  vrrp_notify_fifo ${fifo}\n  vrrp_notify_fifo_script "/usr/local/bin/reader -v"\n}\nvrrp_sync_group G1 {\n  group {\n    VI_1\n  }\n}\n${inst('VI_1', 1, 100)}`);
  await d.start();
  expect(calls[0].argv).toEqual(['/usr/local/bin/reader', '-v', fifo]);
  expect(calls[0].opts.timeoutMs).toBe(Infinity);
  await clock.advanceTo(5000);
  expect(d.states()).toEqual({ VI_1: 'MASTER' });
  expect(drain(fifo)).toBe('INSTANCE "VI_1" BACKUP 100\nGROUP "G1" BACKUP 0\nINSTANCE "VI_1" MASTER 100\nGROUP "G1" MASTER 0\n');
  const reader = openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK);
  await d.stop();
  expect(existsSync(fifo)).toBe(false);
  expect(drain(reader)).toBe('INSTANCE "VI_1" STOP 100\nGROUP "G1" STOP 0\n');
  closeSync(reader);
  expect(d.notifyFifos()).toEqual([]);
});

test('Vrrpd: vrrp_notify_priority_changes writes MASTER_PRIORITY when a tracker lowers the priority; fifo_write_vrrp_states_on_reload writes the states', async () => {
  const fifo = path.join(dir, 'prio.fifo');
  const g = `global_defs {\n  notify_fifo ${fifo}\n  vrrp_notify_priority_changes\n  fifo_write_vrrp_states_on_reload\n}\n`;
  const script = 'vrrp_script chk {\n  script /usr/local/bin/chk\n  interval 1\n  weight -10\n}\n';
  let fail = false;
  const run = (line: string | string[]): Promise<CommandResult> => {
    const bad = fail && (Array.isArray(line) ? line.join(' ') : line) === '/usr/local/bin/chk';
    return Promise.resolve({ outcome: bad ? 'failure' : 'success', code: bad ? 1 : 0, signal: null, spawnError: null, durationMs: 1 });
  };
  const text = `${g}${script}${inst('VI_1', 1, 100, '  track_script {\n    chk\n  }\n')}`;
  const { clock, d } = daemon(text, run);
  await d.start();
  await clock.advanceTo(5000);
  drain(fifo);
  fail = true;
  await clock.advanceTo(8000);
  expect(drain(fifo)).toBe('INSTANCE "VI_1" MASTER_PRIORITY 90\n');
  await d.reload(text);
  expect(drain(fifo)).toBe('INSTANCE "VI_1" MASTER 90\n');
  await d.stop();
});

test('Vrrpd: a reload that removes an instance runs notify with DELETED and its notify_deleted script (as script_user)', async () => {
  const extra = '  notify "/usr/local/bin/any x"\n  notify_deleted /usr/local/bin/deleted\n  notify_fault /usr/local/bin/fault\n';
  const g = 'global_defs {\n  script_user nobody\n}\n';
  const { clock, d, calls } = daemon(`${g}${inst('VI_1', 1, 100)}${inst('VI_2', 2, 90, extra)}`);
  await d.start();
  await clock.advanceTo(5000);
  calls.length = 0;
  await d.reload(`${g}${inst('VI_1', 1, 100)}`);
  await flush();
  expect(calls.map((c) => [c.argv.join(' '), c.opts.user])).toEqual([['/usr/local/bin/deleted', 'nobody'], ['/usr/local/bin/any x INSTANCE VI_2 DELETED 90', 'nobody']]);
  await d.stop();
});

test('Vrrpd: at stop notify_stop and notify ... STOP run (and stop waits for them)', async () => {
  const { clock, d, calls } = daemon(inst('VI_1', 1, 100, '  notify /usr/local/bin/any\n  notify_stop /usr/local/bin/stop\n'));
  await d.start();
  await clock.advanceTo(5000);
  calls.length = 0;
  await d.stop();
  expect(calls.map((c) => c.argv.join(' '))).toEqual(['/usr/local/bin/stop', '/usr/local/bin/any INSTANCE VI_1 STOP 100']);
});

const root = process.getuid?.() === 0;
(root ? test : test.skip)('Vrrpd: notify_master CMD nobody runs the script as nobody (real process; `id -u` into a file)', async () => {
  chmodSync(dir, 0o777);
  const out = path.join(dir, 'uid');
  const script = path.join(dir, 'master.sh');
  // Written whole with a rename: the shell's redirect creates the file before `id` writes into it.
  writeFileSync(script, `#!/bin/sh\nid -u > ${out}.tmp && mv ${out}.tmp ${out}\n`);
  chmodSync(script, 0o755);
  const { clock, d, logs } = daemon(inst('VI_1', 1, 100, `  notify_master ${script} nobody\n`), runCommand);
  await d.start();
  await clock.advanceTo(5000);
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline && !existsSync(out)) await new Promise((r) => setTimeout(r, 20));
  const nobody = readFileSync('/etc/passwd', 'utf8').split('\n').find((l) => l.startsWith('nobody:'))?.split(':')[2];
  expect(readFileSync(out, 'utf8').trim()).toBe(nobody);
  expect(logs.filter((l) => l.startsWith('warn') && l.includes('notify'))).toEqual([]);
  await d.stop();
});
if (!root) console.log('notify as another user: skipped (needs root to switch user)');
