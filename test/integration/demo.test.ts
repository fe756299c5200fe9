/**
 * `vrrpd demo --auto` as a user runs it: the built bin/vrrpd as a child, output to a pipe (plain lines).
 * It must exit 0, print both keepalived.conf files and the figures of the takeover and the preemption (the
 * split adds up, the total within the printed bound), and leave no `vrrpdemo*` namespace behind. Without
 * CAP_NET_RAW (setpriv) it refuses in one line. Timing figures are printed by the demo, not asserted
 * tighter than its own bound.
 */
import { execFileSync, spawn } from 'node:child_process';
import * as path from 'node:path';
import { collect, netnsSkipReason, REPO_ROOT } from '../helpers/netns';
import { hasCommand } from '../helpers/peers';

const skip = netnsSkipReason();
if (skip) console.log(`vrrpd demo: ${skip}`);
const d = skip ? describe.skip : describe;

const BIN = path.join(REPO_ROOT, 'bin', 'vrrpd');

function demoNamespaces(): string[] {
  return execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' }).split('\n').map((l) => l.split(' ')[0]).filter((n) => n.startsWith('vrrpdemo'));
}

interface Figures {
  detection: number;
  protocol: number;
  dataPlane: number;
  total: number;
  bound: number;
}

function figuresOf(out: string, kind: 'takeover' | 'preemption'): Figures {
  const at = out.indexOf(`\n${kind} `);
  expect(at).toBeGreaterThan(0);
  const block = out.slice(at, at + 2000);
  const num = (re: RegExp): number => {
    const m = re.exec(block);
    if (!m) throw new Error(`no ${re} in ${block}`);
    return Number(m[1]);
  };
  return {
    detection: num(/detection +(\d+) ms/),
    protocol: num(/protocol +(\d+) ms/),
    dataPlane: num(/data plane +(\d+) ms/),
    total: num(/total +(\d+) ms/),
    bound: num(/total +\d+ ms +bound (\d+) ms/),
  };
}

d('vrrpd demo --auto', () => {
  const before = skip ? [] : demoNamespaces();

  test('runs the story unattended, exit 0, with the figures, and removes every namespace', async () => {
    const child = spawn(process.execPath, [BIN, 'demo', '--auto'], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
    const r = await collect(child, 110_000);
    if (r.code !== 0) console.log(`--- vrrpd demo --auto (exit ${r.code} ${r.signal ?? ''})\n${r.stdout}\n${r.stderr}`);
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain('\x1b');
    expect(r.stdout).toMatch(/keepalived\.conf of r1\)\n# vrrpd demo: r1/);
    expect(r.stdout).toMatch(/vrrp_script chk_http \{\n {2}script ".+check\.js 192\.0\.2\.1 8080"/);
    expect(r.stdout).toMatch(/keepalived\.conf of r2\)\n# vrrpd demo: r2/);
    expect(r.stdout).toMatch(/r1 {2}BACKUP -> MASTER .*priority 100/);
    expect(r.stdout).toMatch(/r1 {2}effective priority 100 -> 80/);
    expect(r.stdout).toMatch(/r2 {2}BACKUP -> MASTER .*priority 90/);
    expect(r.stdout).toMatch(/r1 {2}effective priority 80 -> 100/);
    for (const kind of ['takeover', 'preemption'] as const) {
      const f = figuresOf(r.stdout, kind);
      console.log(`vrrpd demo: ${kind}: detection ${f.detection} ms, protocol ${f.protocol} ms, data plane ${f.dataPlane} ms, total ${f.total} ms (bound ${f.bound} ms)`);
      expect(Math.abs(f.detection + f.protocol + f.dataPlane - f.total)).toBeLessThanOrEqual(2);
      expect(f.total).toBeLessThanOrEqual(f.bound);
      expect(f.detection).toBeGreaterThan(0);
      expect(f.protocol).toBeGreaterThan(0);
    }
    expect(r.stdout).toContain('result: every step happened as expected');
    expect(r.stdout).not.toContain('FAIL');
    expect(r.stdout).toMatch(/cleanup: stopped every process, removed vrrpdemo\d+-sw/);
    expect(demoNamespaces().filter((n) => !before.includes(n))).toEqual([]);
  }, 120_000);

  (hasCommand('setpriv') ? test : test.skip)('without CAP_NET_RAW (root, bounding set reduced) it refuses in one line, exit 1', async () => {
    const child = spawn('setpriv', ['--bounding-set', '-net_raw', process.execPath, BIN, 'demo', '--auto'], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    const r = await collect(child, 20_000);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('vrrpd: demo needs root: without CAP_NET_RAW it cannot build network namespaces and send VRRP in them; run it with sudo: sudo npx vrrpd demo\n');
    expect(demoNamespaces().filter((n) => !before.includes(n))).toEqual([]);
  });

  test('SIGINT in the middle: the demo stops, removes its namespaces and exits 130', async () => {
    const child = spawn(process.execPath, [BIN, 'demo', '--auto'], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let seen = '';
    child.stdout?.on('data', (b: Buffer) => {
      seen += b.toString();
      if (seen.includes("r1's HTTP service stopped") && !child.killed) child.kill('SIGINT');
    });
    const r = await collect(child, 60_000);
    expect(r.code).toBe(130);
    expect(seen).toContain('result: interrupted by SIGINT');
    expect(seen).toMatch(/cleanup: stopped every process, removed vrrpdemo\d+-sw/);
    expect(demoNamespaces().filter((n) => !before.includes(n))).toEqual([]);
  }, 70_000);
});
