/**
 * Host faults around scripts (lib/daemon/command.ts): a hanging track script is killed at its timeout with its
 * whole process group (no grandchild left, no zombie) and counted as a failure by the daemon; keepalived's
 * `enable_script_security` at run time (`secure: true`): a script, or a directory above it, writable by
 * someone other than root (or owned by another user) is refused with a one-line reason, also when it became so
 * after the start.
 */
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkScriptSecure, runCommand } from '../../lib/daemon/command';
import { Vrrpd } from '../../lib/daemon/vrrpd';
import { MemoryPlatform } from '../../lib/platform/memory';
import { MemoryWire } from '../../lib/sim/wire';
import { FakeClock, flush } from '../helpers/fake-clock';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const rootOnly = isRoot ? test : test.skip;
if (!isRoot) console.log('command faults: not root: the ownership cases of enable_script_security are skipped');

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'vrrp-cmdf-'));
  chmodSync(dir, 0o755);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** State letter of /proc/PID/stat, or null when the process is gone. */
function procState(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  } catch {
    return null;
  }
}

/** A script that writes its pid and its sleeping grandchild's, then hangs. */
function hangingScript(name: string): { script: string; pids: string } {
  const pids = join(dir, `${name}.pids`);
  const script = join(dir, `${name}.sh`);
  writeFileSync(script, `#!/bin/sh\nsleep 300 &\necho "$$ $!" > ${pids}\nwait\n`, { mode: 0o755 });
  return { script, pids };
}

test('a hanging script with a sleeping grandchild: killed at its timeout with its process group; both gone, no zombie, outcome timeout', async () => {
  const { script, pids } = hangingScript('hang');
  const started = Date.now();
  const r = await runCommand(script, { timeoutMs: 500 });
  const took = Date.now() - started;
  expect(r.outcome).toBe('timeout');
  expect(r.signal).toBe('SIGKILL');
  expect(took).toBeLessThan(5000);
  const [child, grandchild] = readFileSync(pids, 'utf8').trim().split(' ').map(Number);
  expect(child).toBeGreaterThan(1);
  expect(grandchild).toBeGreaterThan(1);
  // The grandchild (reparented when its parent died) is reaped by the init of this pid namespace; allow it time.
  for (let i = 0; i < 40 && (procState(child) !== null || procState(grandchild) !== null); i++) await sleep(50);
  console.log(`hanging script: timeout after ${took} ms; /proc state now: script ${procState(child) ?? 'gone'}, grandchild ${procState(grandchild) ?? 'gone'}`);
  expect(procState(child)).toBeNull();
  expect(procState(grandchild)).toBeNull();
});

test('the daemon counts a script killed at its timeout as a failure: with fall 1 the instance goes FAULT, and its tracker says so', async () => {
  const { script } = hangingScript('track');
  const clock = new FakeClock();
  const wire = new MemoryWire({ a: { source4: '192.0.2.1', owns: ['192.0.2.1'] } }, () => clock.now());
  const platform = new MemoryPlatform({ eth0: ['192.0.2.1/24'] });
  const conf = `vrrp_script chk {\n  script "${script}"\n  interval 5\n  timeout 1\n  fall 1\n  rise 1\n}\n`
    + 'vrrp_instance VI_1 {\n  interface eth0\n  virtual_router_id 51\n  priority 150\n  advert_int 1\n  version 3\n'
    + '  virtual_ipaddress {\n    192.0.2.100/24\n  }\n  track_script {\n    chk\n  }\n}\n';
  // The real runCommand: a real process group, a real 1 s timeout; the daemon's own timers on the fake clock.
  const d = Vrrpd.fromText(conf, { platform, clock, openTransport: wire.factory('a') });
  await d.start();
  try {
    await clock.advanceTo(100);
    const deadline = Date.now() + 8000;
    while (d.states().VI_1 !== 'FAULT' && Date.now() < deadline) {
      await sleep(100);
      await flush();
    }
    const s = d.status().instances[0];
    console.log(`tracked hanging script: state ${s.state}, trackers ${JSON.stringify(s.trackers)}`);
    expect(s.state).toBe('FAULT');
    expect(s.trackers.find((t) => t.kind === 'script')?.detail).toMatch(/down|fail|timeout/i);
  } finally {
    await d.stop();
  }
}, 20000);

describe('enable_script_security at run time (secure: true)', () => {
  test('a root-owned script in root-owned 0755 directories runs; a relative path or one not on PATH is refused', async () => {
    const ok = join(dir, 'ok.sh');
    writeFileSync(ok, '#!/bin/sh\nexit 0\n', { mode: 0o755 });
    if (isRoot) expect(checkScriptSecure(ok)).toBeNull();
    expect(checkScriptSecure('true')).toBeNull(); // found on PATH (/usr/bin/true, root-owned)
    expect(checkScriptSecure('./ok.sh')).toMatch(/relative path/);
    expect(checkScriptSecure('no-such-program-vrrp')).toMatch(/not found on PATH/);
    if (isRoot) expect((await runCommand(ok, { timeoutMs: 5000, secure: true })).outcome).toBe('success');
  });

  rootOnly('a script that became group- or world-writable after the start is refused at its next run, with a one-line reason', async () => {
    const s = join(dir, 'later.sh');
    writeFileSync(s, '#!/bin/sh\nexit 0\n', { mode: 0o755 });
    expect((await runCommand(s, { timeoutMs: 5000, secure: true })).outcome).toBe('success');
    chmodSync(s, 0o757);
    const world = await runCommand(s, { timeoutMs: 5000, secure: true });
    expect(world).toMatchObject({ outcome: 'failure', code: null });
    expect(world.spawnError).toBe(`refused by enable_script_security: ${s} is writable by everyone (mode 0757)`);
    chownSync(s, 0, 65534);
    chmodSync(s, 0o775);
    expect((await runCommand(s, { timeoutMs: 5000, secure: true })).spawnError).toBe(`refused by enable_script_security: ${s} is writable by group 65534 (mode 0775)`);
    // Without `secure` the same file runs (the check is keepalived's opt-in).
    expect((await runCommand(s, { timeoutMs: 5000 })).outcome).toBe('success');
  });

  rootOnly('a directory above the script that is writable or owned by another user, or a symlink into one, is refused', async () => {
    const sub = join(dir, 'sub');
    mkdirSync(sub, { mode: 0o755 });
    const s = join(sub, 'chk.sh');
    writeFileSync(s, '#!/bin/sh\nexit 0\n', { mode: 0o755 });
    expect(checkScriptSecure(s)).toBeNull();
    chmodSync(sub, 0o777);
    expect(checkScriptSecure(s)).toBe(`${sub} is writable by everyone (mode 0777)`);
    chmodSync(sub, 0o1777); // sticky, as /tmp: others cannot rename a root-owned file in it
    expect(checkScriptSecure(s)).toBeNull();
    chmodSync(sub, 0o755);
    chownSync(sub, 65534, 65534);
    expect(checkScriptSecure(s)).toBe(`${sub} is owned by uid 65534, not root`);
    // ... unless the script runs as that very user (it could do anything the script does anyway).
    expect(checkScriptSecure(s, 65534)).toBeNull();
    const link = join(dir, 'link.sh');
    symlinkSync(s, link);
    expect(checkScriptSecure(link)).toBe(`${sub} is owned by uid 65534, not root (running ${link})`);
    const r = await runCommand(link, { timeoutMs: 5000, secure: true });
    expect(r.spawnError).toMatch(/^refused by enable_script_security: /);
    expect(existsSync(s)).toBe(true);
  });
});
