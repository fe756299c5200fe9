import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { controlRequest, startControlSocket } from '../../lib/daemon/control';
import { acquirePidFile, releasePidFile } from '../../lib/daemon/pidfile';

const dir = mkdtempSync(join(tmpdir(), 'vrrp-ctl-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('the control socket answers a status request and refuses a malformed one', async () => {
  const path = join(dir, 'ctl.sock');
  // A stale socket from an unclean stop (its process SIGKILLed: nobody answers) is replaced.
  spawnSync(process.execPath, ['-e', `require('net').createServer().listen(${JSON.stringify(path)}, () => process.kill(process.pid, 'SIGKILL'))`]);
  const server = await startControlSocket(path, (req) => (req.cmd === 'status' ? { instances: [{ name: 'VI_1', state: 'MASTER' }] } : { error: `unknown command ${req.cmd}` }));
  try {
    expect(await controlRequest(path, { cmd: 'status' })).toEqual({ instances: [{ name: 'VI_1', state: 'MASTER' }] });
    expect(await controlRequest(path, { cmd: 'reboot' })).toEqual({ error: 'unknown command reboot' });
  } finally {
    await new Promise((r) => server.close(r));
  }
});

test('a pid file held by a live process is refused; ours is removed on release', () => {
  const path = join(dir, 'vrrpd.pid');
  writeFileSync(path, '1\n'); // pid 1 is alive
  expect(() => acquirePidFile(path)).toThrow(/belongs to running process 1/);
  writeFileSync(path, '999999999\n'); // no such process: stale
  acquirePidFile(path);
  releasePidFile(path);
  expect(existsSync(path)).toBe(false);
});
