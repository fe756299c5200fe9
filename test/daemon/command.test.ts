import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCommand, splitCommand } from '../../lib/daemon/command';

test('splitCommand groups quoted words and honours escapes', () => {
  expect(splitCommand(`/usr/bin/curl -s "http://192.0.2.1/health check" 'a b'  c\\ d`)).toEqual(['/usr/bin/curl', '-s', 'http://192.0.2.1/health check', 'a b', 'c d']);
  expect(splitCommand('  ')).toEqual([]);
  expect(splitCommand('""')).toEqual(['']);
  expect(() => splitCommand('echo "open')).toThrow(/unclosed " quote/);
});

test('exit 0 is success, anything else failure (no shell: "exit" is not a program)', async () => {
  expect((await runCommand('true', { timeoutMs: 5000 })).outcome).toBe('success');
  const f = await runCommand(['sh', '-c', 'exit 3'], { timeoutMs: 5000 });
  expect([f.outcome, f.code]).toEqual(['failure', 3]);
  const missing = await runCommand('/nonexistent/check', { timeoutMs: 5000 });
  expect([missing.outcome, missing.spawnError]).toEqual(['failure', 'ENOENT']);
});

test('a timeout kills the whole process group and counts as timeout', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vrrp-cmd-'));
  try {
    const marker = join(dir, 'grandchild-survived');
    // The script's own child would create the marker after 1.5 s unless the group is killed.
    const r = await runCommand(['sh', '-c', `(sleep 1.5; touch ${marker}) & sleep 10`], { timeoutMs: 300 });
    expect(r.outcome).toBe('timeout');
    expect(r.signal).toBe('SIGKILL');
    expect(r.durationMs).toBeLessThan(5000);
    await new Promise((res) => setTimeout(res, 2000));
    expect(existsSync(marker)).toBe(false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('an unknown user is a failure that names it, not a crash', async () => {
  const r = await runCommand('true', { timeoutMs: 1000, user: 'no-such-user-vrrp' });
  expect(r.outcome).toBe('failure');
  expect(r.spawnError).toMatch(/unknown user/);
});
