/**
 * The command line's manners: user errors are one line and a non-zero exit, never a rejected promise (which
 * bin/vrrpd would print as "internal error" with a stack trace, exit 70).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../lib/cli/main';
import { startControlSocket } from '../../lib/daemon/control';

async function run(argv: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out, err };
}

const dir = mkdtempSync(join(tmpdir(), 'vrrpd-cli-'));

test('vrrpd status with no daemon: one line naming the socket, exit 1 (was a rejected promise: internal error, exit 70)', async () => {
  const r = await run(['status', '--control-socket', join(dir, 'none.sock')]);
  expect(r.code).toBe(1);
  expect(r.err).toEqual([`vrrpd: no daemon answers on ${join(dir, 'none.sock')}: no such socket (is vrrpd running? see --control-socket)`]);
});

test('vrrpd -f with a bad configuration: one line with file:line:col, exit 1, no stack trace', async () => {
  const file = join(dir, 'bad.conf');
  writeFileSync(file, 'vrrp_instance VI_1 {\n  interface eth0\n  virtual_router_id 51\n  priority 900\n  virtual_ipaddress {\n    192.0.2.100\n  }\n}\n');
  const r = await run(['-f', file, '--pid-file', join(dir, 'p.pid'), '--control-socket', join(dir, 'c.sock')]);
  expect(r.code).toBe(1);
  expect(r.err).toHaveLength(1);
  expect(r.err[0]).toMatch(new RegExp(`^vrrpd: ${file.replace(/[.]/g, '\\.')}:4:\\d+: `));
});

test('vrrpd status prints a table of the instances with base/effective priority, master and VIPs', async () => {
  const sock = join(dir, 'fake.sock');
  const reply = {
    pid: 42,
    instances: [{
      name: 'VI_1', state: 'BACKUP', vrid: 51, family: 4, version: 3, interface: 'eth0', priority: { base: 100, effective: 98 }, master: '192.0.2.1',
      vips: ['192.0.2.100/24'], lastTransition: { from: 'INIT', to: 'BACKUP', reason: 'startup', atMs: 1 }, lastTransitionTime: '2026-12-01T00:00:00.000Z',
    }],
    syncGroups: [],
  };
  const server = await startControlSocket(sock, () => reply);
  try {
    const r = await run(['status', '--control-socket', sock]);
    expect(r.code).toBe(0);
    expect(r.out[0]).toBe('vrrpd pid 42');
    expect(r.out[1].split(/\s{2,}/)).toEqual(['INSTANCE', 'STATE', 'PRIORITY', 'VRID', 'IP', 'INTERFACE', 'MASTER', 'VIPS', 'SINCE']);
    expect(r.out[2].split(/\s{2,}/)).toEqual(['VI_1', 'BACKUP', '98 (base 100)', '51', 'v3/IPv4', 'eth0', '192.0.2.1', '192.0.2.100/24', '2026-12-01T00:00:00.000Z (startup)']);
    const j = await run(['status', '--control-socket', sock, '--json']);
    expect(JSON.parse(j.out[0])).toEqual(reply);
  } finally {
    await new Promise<void>((res) => server.close(() => res()));
  }
});

test('vrrpd -t -i ID: @ID lines apply for that id only, @^ID for every other (keepalived -i / --config-id)', async () => {
  const file = join(dir, 'conditional.conf');
  writeFileSync(file, [
    'vrrp_instance VI_1 {', '  interface eth0', '  virtual_router_id 51',
    '@lb1 priority 100', '@lb2 priority 900', '@^lb1 bogus_keyword', '  virtual_ipaddress {', '    192.0.2.100', '  }', '}', '',
  ].join('\n'));
  const lb1 = await run(['-t', '-f', file, '-i', 'lb1']);
  expect(lb1.code).toBe(0);
  expect(lb1.err.join('\n')).not.toMatch(/bogus_keyword|900/);
  const lb2 = await run(['-t', '-f', file, '--config-id', 'lb2']);
  expect(lb2.code).toBe(1);
  expect(lb2.err.join('\n')).toMatch(new RegExp(`${file.replace(/[.]/g, '\\.')}:5:\\d+: .*900`));
  expect(lb2.err.join('\n')).toMatch(/:6:\d+: .*bogus_keyword/);
  const empty = await run(['-t', '-f', file, '-i', '']);
  expect(empty.code).toBe(2);
});
