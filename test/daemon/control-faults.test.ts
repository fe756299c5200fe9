/**
 * Host faults at the daemon's own paths: the control socket (mode 0600, root only; a live daemon's socket, a
 * regular file, a directory or a symlink at the path is refused, never replaced; a stale one is) and the pid
 * file (directory missing, read-only, symlink). Each gives one line and a non-zero exit from `vrrpd -f`
 * (namespace tests, as root). Node has no SO_PEERCRED API: access is by the socket file's mode, and a
 * non-root user (setpriv nobody) is shown unable to connect.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { controlRequest, startControlSocket } from '../../lib/daemon/control';
import { acquirePidFile } from '../../lib/daemon/pidfile';
import { UsageError } from '../../lib/errors';
import { collect, Lan, netnsSkipReason, REPO_ROOT } from '../helpers/netns';
import { hasCommand, PeerSet } from '../helpers/peers';

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'vrrp-ctlf-'));
  chmodSync(dir, 0o755); // traversable by others: the socket's own mode is what keeps them out
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const answer = (req: { cmd: string }): unknown => ({ pid: process.pid, cmd: req.cmd });
const close = (s: Server): Promise<void> => new Promise((r) => s.close(() => r()));

async function refusal(path: string): Promise<string> {
  try {
    const s = await startControlSocket(path, answer);
    await close(s);
  } catch (e) {
    expect(e).toBeInstanceOf(UsageError);
    expect((e as UsageError).code).toBe('IO');
    return (e as Error).message;
  }
  throw new Error(`startControlSocket(${path}) did not refuse`);
}

describe('control socket', () => {
  test('is created with mode 0600 and answers', async () => {
    const p = join(dir, 'mode.sock');
    const s = await startControlSocket(p, answer);
    try {
      expect(lstatSync(p).isSocket()).toBe(true);
      expect(statSync(p).mode & 0o777).toBe(0o600);
      expect(await controlRequest(p, { cmd: 'status' })).toEqual({ pid: process.pid, cmd: 'status' });
    } finally {
      await close(s);
    }
  });

  test('a socket another process answers on is refused and keeps answering; a stale one is replaced', async () => {
    const p = join(dir, 'live.sock');
    const first = await startControlSocket(p, answer);
    try {
      expect(await refusal(p)).toBe(`control socket ${p}: another process (a running vrrpd?) answers on it; stop it, or give this one its own --control-socket`);
      expect(await controlRequest(p, { cmd: 'status' })).toEqual({ pid: process.pid, cmd: 'status' });
    } finally {
      await close(first);
    }
    const stale = join(dir, 'stale.sock');
    spawnSync(process.execPath, ['-e', `require('net').createServer().listen(${JSON.stringify(stale)}, () => process.kill(process.pid, 'SIGKILL'))`]);
    expect(lstatSync(stale).isSocket()).toBe(true);
    const s = await startControlSocket(stale, answer);
    expect(await controlRequest(stale, { cmd: 'x' })).toEqual({ pid: process.pid, cmd: 'x' });
    await close(s);
  });

  test('a regular file, a directory or a symlink at the path is refused and left as it was', async () => {
    const file = join(dir, 'file.sock');
    writeFileSync(file, 'precious');
    expect(await refusal(file)).toBe(`control socket ${file}: the path exists and is a regular file, not a socket; remove it or use --control-socket`);
    expect(readFileSync(file, 'utf8')).toBe('precious');
    const d = join(dir, 'dir.sock');
    mkdirSync(d);
    expect(await refusal(d)).toBe(`control socket ${d}: the path exists and is a directory, not a socket; remove it or use --control-socket`);
    const link = join(dir, 'link.sock');
    symlinkSync(file, link);
    expect(await refusal(link)).toBe(`control socket ${link}: the path exists and is a symbolic link, not a socket; remove it or use --control-socket`);
    expect(readFileSync(file, 'utf8')).toBe('precious');
  });

  test('a directory anyone may write to (no sticky bit) is refused; a missing one is named', async () => {
    const open = join(dir, 'open');
    mkdirSync(open);
    chmodSync(open, 0o777);
    expect(await refusal(join(open, 'c.sock'))).toBe(`control socket ${join(open, 'c.sock')}: its directory ${open} is writable by anyone (mode 777); use a directory only root can write, e.g. /run`);
    expect(await refusal(join(dir, 'nope', 'c.sock'))).toBe(`control socket ${join(dir, 'nope', 'c.sock')}: its directory ${join(dir, 'nope')} cannot be used (ENOENT); create it or use --control-socket`);
  });

  (isRoot && hasCommand('setpriv') ? test : test.skip)('a non-root user (setpriv nobody) cannot connect: EACCES; root can', async () => {
    const p = join(dir, 'root-only.sock');
    const s = await startControlSocket(p, answer);
    try {
      const script = `require('net').connect(${JSON.stringify(p)}).on('connect', () => { console.log('CONNECTED'); process.exit(0); }).on('error', (e) => { console.log(e.code); process.exit(0); })`;
      const out = execFileSync('setpriv', ['--reuid=nobody', '--regid=nogroup', '--clear-groups', process.execPath, '-e', script], { encoding: 'utf8', timeout: 10000 }).trim();
      console.log(`control socket as nobody: ${out}`);
      expect(out).toBe('EACCES');
      expect(await controlRequest(p, { cmd: 'status' })).toEqual({ pid: process.pid, cmd: 'status' });
    } finally {
      await close(s);
    }
  });
});

describe('pid file', () => {
  test('a missing directory, a symlink and a directory at the path each give one line naming what to change', () => {
    const missing = join(dir, 'nodir', 'v.pid');
    expect(() => acquirePidFile(missing)).toThrow(`cannot write pid file ${missing}: its directory ${join(dir, 'nodir')} does not exist; create it or use --pid-file`);
    const target = join(dir, 'victim');
    writeFileSync(target, 'root-owned file\n');
    const link = join(dir, 'link.pid');
    symlinkSync(target, link);
    expect(() => acquirePidFile(link)).toThrow(`cannot write pid file ${link}: it is a symbolic link (refused, not followed); remove it or use --pid-file`);
    expect(readFileSync(target, 'utf8')).toBe('root-owned file\n');
    const d = join(dir, 'd.pid');
    mkdirSync(d);
    expect(() => acquirePidFile(d)).toThrow(`cannot write pid file ${d}: it is a directory; use --pid-file with a file path`);
  });
});

const skip = netnsSkipReason();
if (skip) console.log(`control and pid faults (vrrpd -f): ${skip}`);
(skip ? describe.skip : describe)('vrrpd -f refuses with one line and exit 1 (namespace LAN)', () => {
  let lan: Lan;
  let peers: PeerSet;
  beforeAll(() => {
    lan = new Lan('ctlf', 2);
    peers = new PeerSet(lan);
  });
  afterAll(() => {
    lan?.destroy();
    peers?.cleanup();
  });
  const conf = (prio: number): string => `vrrp_instance VI_1 {\n  state BACKUP\n  interface eth0\n  virtual_router_id 91\n  priority ${prio}\n  advert_int 1\n  virtual_ipaddress {\n    192.0.2.191/24\n  }\n}\n`;
  const vrrpd = (ns: string, name: string, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> => {
    const file = join(peers.dir, `${name}.conf`);
    writeFileSync(file, conf(100));
    return collect(lan.spawn(ns, process.execPath, [join(REPO_ROOT, 'bin', 'vrrpd'), '-f', file, ...args]), 15000);
  };
  const oneLine = (stderr: string): string => {
    const lines = stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(stderr).not.toMatch(/\n\s+at /); // no stack trace
    return lines[0];
  };

  test('a control socket a live vrrpd answers on: the second daemon exits 1 with one line; the first keeps answering', async () => {
    const [h1, h2] = lan.hosts;
    await peers.vrrpd(h1, 'live', conf(150));
    const sock = join(peers.dir, 'live.sock');
    const r = await vrrpd(h2.ns, 'second', ['--pid-file', join(peers.dir, 'second.pid'), '--control-socket', sock]);
    expect(r.code).toBe(1);
    expect(oneLine(r.stderr)).toBe(`vrrpd: control socket ${sock}: another process (a running vrrpd?) answers on it; stop it, or give this one its own --control-socket`);
    const pid = Number(readFileSync(join(peers.dir, 'live.pid'), 'utf8'));
    expect(peers.status<{ pid: number }>(h1, 'live').pid).toBe(pid);
  }, 40000);

  test('a regular file at the control socket path: exit 1, one line, the file untouched', async () => {
    const [, h2] = lan.hosts;
    const file = join(peers.dir, 'taken.sock');
    writeFileSync(file, 'not a socket');
    const r = await vrrpd(h2.ns, 'file', ['--pid-file', join(peers.dir, 'file.pid'), '--control-socket', file]);
    expect(r.code).toBe(1);
    expect(oneLine(r.stderr)).toBe(`vrrpd: control socket ${file}: the path exists and is a regular file, not a socket; remove it or use --control-socket`);
    expect(readFileSync(file, 'utf8')).toBe('not a socket');
  }, 30000);

  test('a pid-file directory that does not exist, or is read-only (a read-only bind mount, in a mount namespace of its own): exit 1, one line', async () => {
    const [, h2] = lan.hosts;
    const missing = join(peers.dir, 'gone', 'v.pid');
    const r1 = await vrrpd(h2.ns, 'nodir', ['--pid-file', missing, '--control-socket', join(peers.dir, 'nodir.sock')]);
    expect(r1.code).toBe(1);
    expect(oneLine(r1.stderr)).toBe(`vrrpd: cannot write pid file ${missing}: its directory ${join(peers.dir, 'gone')} does not exist; create it or use --pid-file`);
    if (!hasCommand('unshare')) return void console.log('pid file: no unshare, the read-only case is skipped');
    const ro = join(peers.dir, 'ro');
    mkdirSync(ro);
    const file = join(peers.dir, 'ro.conf');
    writeFileSync(file, conf(100));
    const vrrpdCmd = [process.execPath, join(REPO_ROOT, 'bin', 'vrrpd'), '-f', file, '--pid-file', join(ro, 'v.pid'), '--control-socket', join(peers.dir, 'ro.sock')].map((a) => `'${a}'`).join(' ');
    const r2 = await collect(lan.spawn(h2.ns, 'unshare', ['-m', 'sh', '-c', `mount --bind '${ro}' '${ro}' && mount -o remount,bind,ro '${ro}' && exec ${vrrpdCmd}`]), 15000);
    expect(r2.code).toBe(1);
    expect(oneLine(r2.stderr)).toBe(`vrrpd: cannot write pid file ${join(ro, 'v.pid')}: its directory ${ro} is on a read-only file system (EROFS); use --pid-file with a writable directory`);
    expect(existsSync(join(ro, 'v.pid'))).toBe(false);
  }, 40000);
});
