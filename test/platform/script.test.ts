import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryPlatform } from '../../lib/platform/memory';
import { ScriptPlatform } from '../../lib/platform/script';

const dir = mkdtempSync(join(tmpdir(), 'vrrp-vip-script-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const hook = join(dir, 'vip-hook');
const log = join(dir, 'calls');
// Records its arguments; refuses 198.51.100.9 with exit 4.
writeFileSync(hook, `#!/bin/sh\necho "$*" >> ${log}\ncase "$*" in *198.51.100.9/*) exit 4;; esac\nexit 0\n`);
chmodSync(hook, 0o755);

test('VIP changes run the user command with the verb, interface and CIDR appended', async () => {
  const p = new ScriptPlatform({ command: `${hook} --site "a b"`, base: new MemoryPlatform({ eth0: [] }) });
  expect(await p.addVip('eth0', '192.0.2.100/24')).toBe(true);
  expect(await p.removeVip('eth0', '192.0.2.100/24')).toBe(true);
  expect(readFileSync(log, 'utf8').trim().split('\n')).toEqual(['--site a b add eth0 192.0.2.100/24', '--site a b del eth0 192.0.2.100/24']);
});

test('a failing or missing command is an error naming it; a hung one is killed at the timeout', async () => {
  const p = new ScriptPlatform({ command: hook, base: new MemoryPlatform({ eth0: [] }) });
  await expect(p.addVip('eth0', '198.51.100.9/24')).rejects.toThrow(`${hook} add eth0 198.51.100.9/24: exit 4`);
  const missing = new ScriptPlatform({ command: join(dir, 'nope'), base: new MemoryPlatform() });
  await expect(missing.addVip('eth0', '192.0.2.1/32')).rejects.toThrow(/ENOENT/);
  const slow = new ScriptPlatform({ command: 'sh -c "sleep 10" hook', base: new MemoryPlatform(), timeoutMs: 200 });
  await expect(slow.removeVip('eth0', '192.0.2.1/32')).rejects.toThrow(/timed out after 200 ms/);
  expect(() => new ScriptPlatform({ command: '   ', base: new MemoryPlatform() })).toThrow(/empty/);
});

test('listing and announcing go to the base platform', async () => {
  const base = new MemoryPlatform({ eth0: ['192.0.2.1/24'] });
  const p = new ScriptPlatform({ command: hook, base });
  expect((await p.listAddresses('eth0')).map((a) => a.cidr)).toEqual(['192.0.2.1/24']);
  expect(await p.announce('eth0', ['192.0.2.100'], '02:00:00:00:00:01')).toBe(1);
});
