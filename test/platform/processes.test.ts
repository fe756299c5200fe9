/**
 * The /proc scanner of vrrp_track_process: against the real /proc (it finds this jest worker by its comm
 * 'node' and its pid), and against a made-up proc directory (zombies and vanished pids left out, comm with
 * spaces and parentheses, cmdline split at its NULs).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseCmdline, parseStat, scanProcesses } from '../../lib/platform/processes';
import { countMatches } from '../../lib/track';

describe('scanProcesses on the real /proc', () => {
  test('finds this jest process by comm node, with its argv when asked', async () => {
    const comm = await scanProcesses({ cmdline: false });
    const me = comm.find((p) => p.pid === process.pid);
    expect(me).toEqual({ pid: process.pid, comm: 'node' });
    expect(countMatches({ process: 'node', params: [], paramMatch: 'none', byCmdline: false }, comm)).toBeGreaterThanOrEqual(1);
    const full = await scanProcesses({ cmdline: true });
    const again = full.find((p) => p.pid === process.pid);
    expect(again?.argv?.[0]).toMatch(/(^|\/)node$/);
    expect(again?.argv).toContain(process.argv[1]);
    expect(full.length).toBeGreaterThan(1);
  });
});

describe('scanProcesses on a made-up proc directory', () => {
  let root: string;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'vrrpd-proc-'));
    const add = (pid: string, stat: string, cmdline?: string): void => {
      mkdirSync(join(root, pid));
      writeFileSync(join(root, pid, 'stat'), stat);
      if (cmdline !== undefined) writeFileSync(join(root, pid, 'cmdline'), cmdline);
    };
    add('1', '1 (init) S 0 1 1 0 -1\n', '/sbin/init\0splash\0');
    add('20', '20 (Web (Content) x) R 1 20 20\n', 'firefox\0-contentproc\0');
    add('30', '30 (haproxy) Z 1 30 30\n', '');
    add('40', '40 (kworker/0:1) I 2 0 0\n', '');
    mkdirSync(join(root, '50')); // gone between readdir and read
    mkdirSync(join(root, 'self'));
    writeFileSync(join(root, 'uptime'), '1.0 2.0\n');
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  test('zombies and unreadable pids are left out; comm may hold spaces and parentheses; a kernel thread has no argv', async () => {
    const list = await scanProcesses({ cmdline: true, procRoot: root });
    expect(list.sort((a, b) => a.pid - b.pid)).toEqual([
      { pid: 1, comm: 'init', argv: ['/sbin/init', 'splash'] },
      { pid: 20, comm: 'Web (Content) x', argv: ['firefox', '-contentproc'] },
      { pid: 40, comm: 'kworker/0:1', argv: [] },
    ]);
    expect((await scanProcesses({ cmdline: false, procRoot: root })).map((p) => p.pid).sort((a, b) => a - b)).toEqual([1, 20, 40]);
  });

  test('parseStat and parseCmdline', () => {
    expect(parseStat('7 (a) b) S 1')).toEqual({ comm: 'a) b', state: 'S' });
    expect(parseStat('garbage')).toBeNull();
    expect(parseCmdline('a\0b c\0')).toEqual(['a', 'b c']);
    expect(parseCmdline('nginx: master process /usr/sbin/nginx')).toEqual(['nginx: master process /usr/sbin/nginx']);
    expect(parseCmdline('')).toEqual([]);
  });
});
