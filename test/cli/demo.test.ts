/**
 * `vrrpd demo` without namespaces: the refusal without CAP_NET_ADMIN / CAP_NET_RAW (capability check
 * injected), the keepalived.conf it writes (read back by the package's own parser), the parsing of the
 * daemons' and the client's lines, the figures of a switch-over, and the two views.
 */
import { main } from '../../lib/cli/main';
import { capsOfStatus, capsRefusal } from '../../lib/cli/demo/caps';
import { checkCommand, masterDownMs, preemptBoundMs, routerConf, ROUTERS, takeoverBoundMs } from '../../lib/cli/demo/configs';
import { measure } from '../../lib/cli/demo/figures';
import { runDemo } from '../../lib/cli/demo';
import { parseClientLine, parseDaemonLine, parseServiceLine, Timeline } from '../../lib/cli/demo/timeline';
import { blockLines, paint, PlainView, rowsOf, Snapshot, TtyView, useColor } from '../../lib/cli/demo/view';
import { parseConfigText } from '../../lib/config/parse';

function capture(): { io: { out(l: string): void; err(l: string): void }; out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (l) => out.push(l), err: (l) => err.push(l) }, out, err };
}

describe('capabilities', () => {
  test.each([
    ['000001ffffffffff', true, true],
    ['0000000000003000', true, true],
    ['0000000000001000', true, false],
    ['0000000000002000', false, true],
    ['0000000000000000', false, false],
  ])('CapEff %s: NET_ADMIN %s, NET_RAW %s', (hex, netAdmin, netRaw) => {
    expect(capsOfStatus(`Name:\tnode\nCapInh:\t0000000000000000\nCapEff:\t${hex}\nCapBnd:\t000001ffffffffff\n`)).toEqual({ netAdmin, netRaw });
  });

  test('no CapEff line: no capabilities', () => {
    expect(capsOfStatus('Name:\tnode\n')).toEqual({ netAdmin: false, netRaw: false });
    expect(capsRefusal({ netAdmin: true, netRaw: true })).toBeNull();
  });

  test('without them the demo refuses in one line on stderr, exit 1, and builds nothing', async () => {
    const c = capture();
    const code = await runDemo(['--auto'], c.io, { caps: () => ({ netAdmin: true, netRaw: false }) });
    expect(code).toBe(1);
    expect(c.out).toEqual([]);
    expect(c.err).toEqual(['vrrpd: demo needs root: without CAP_NET_RAW it cannot build network namespaces and send VRRP in them; run it with sudo: sudo npx vrrpd demo']);
    const none = capture();
    expect(await runDemo([], none.io, { caps: () => ({ netAdmin: false, netRaw: false }) })).toBe(1);
    expect(none.err[0]).toContain('without CAP_NET_ADMIN and CAP_NET_RAW');
  });

  test('a bad option is a usage error (exit 2), --help prints the usage', async () => {
    const bad = capture();
    expect(await main(['demo', '--bogus'], bad.io)).toBe(2);
    expect(bad.err).toHaveLength(1);
    const help = capture();
    expect(await main(['demo', '--help'], help.io)).toBe(0);
    expect(help.out).toEqual(['usage: vrrpd demo [--auto]']);
  });
});

describe('the routers\' keepalived.conf', () => {
  test('reads back with the package\'s parser, no warnings: MASTER 100 / BACKUP 90, chk_http weight -20 (100 - 20 < 90)', () => {
    for (const r of ROUTERS) {
      const { config, warnings } = parseConfigText(routerConf(r, checkCommand(r, '/usr/bin/node', '/opt/vrrp/dist/lib/cli/demo/check.js')), `${r.name}.conf`);
      expect(warnings).toEqual([]);
      const inst = config.instances[0];
      expect(inst).toMatchObject({ name: 'VI_1', state: r.state, interface: 'eth0', vrid: 51, priority: r.priority, version: 3, advertIntervalCs: 50 });
      expect(inst.virtualAddresses.map((v) => v.address)).toEqual(['192.0.2.100']);
      expect(config.scripts[0]).toMatchObject({ name: 'chk_http', script: `/usr/bin/node /opt/vrrp/dist/lib/cli/demo/check.js ${r.address} 8080`, intervalMs: 1000, timeoutMs: 1000, fall: 2, rise: 2, weight: -20 });
    }
    expect(ROUTERS[0].priority - 20).toBeLessThan(ROUTERS[1].priority);
  });

  test('paths with blanks are quoted for keepalived\'s command splitting; quotes are refused', () => {
    expect(checkCommand(ROUTERS[0], '/usr/bin/node', '/home/a b/check.js')).toBe("/usr/bin/node '/home/a b/check.js' 192.0.2.1 8080");
    expect(() => checkCommand(ROUTERS[0], '/usr/bin/node', "/home/it's/check.js")).toThrow(/quotes/);
  });

  test('bounds: interval x fall/rise + Master_Down_Interval (RFC 9568 §6.1) + margin', () => {
    expect(masterDownMs(90)).toBeCloseTo(1500 + (166 * 500) / 256, 6);
    expect(takeoverBoundMs()).toBeCloseTo(2000 + masterDownMs(90) + 1500, 6);
    expect(preemptBoundMs()).toBeCloseTo(2000 + masterDownMs(100) + 1500, 6);
  });
});

describe('timeline and figures', () => {
  const iso = (ms: number): string => new Date(ms).toISOString();
  const T = Date.parse('2026-12-01T09:30:00.000Z');

  test('the daemon\'s state and priority lines, the service\'s and the client\'s JSON lines', () => {
    expect(parseDaemonLine('r2', `${iso(T)} info: instance VI_1: BACKUP -> MASTER (preempted), priority 90`)).toEqual({ kind: 'state', t: T, router: 'r2', from: 'BACKUP', to: 'MASTER', reason: 'preempted', priority: 90 });
    expect(parseDaemonLine('r1', `${iso(T)} info: instance VI_1: BACKUP -> FAULT (fault: chk_http), priority 80`)).toMatchObject({ to: 'FAULT', reason: 'fault' });
    expect(parseDaemonLine('r1', `${iso(T)} info: instance VI_1: effective priority 100 -> 80`)).toEqual({ kind: 'priority', t: T, router: 'r1', from: 100, to: 80 });
    expect(parseDaemonLine('r1', `${iso(T)} info: started 1 instance(s)`)).toBeNull();
    expect(parseServiceLine('r1', JSON.stringify({ t: T, event: 'stopped' }))).toEqual({ kind: 'service', t: T, router: 'r1', event: 'stopped' });
    expect(parseClientLine(JSON.stringify({ t: T, by: 'r2' }))).toEqual({ kind: 'answer', t: T, by: 'r2' });
    expect(parseClientLine(JSON.stringify({ t: T, error: 'ECONNREFUSED' }))).toEqual({ kind: 'client-error', t: T, error: 'ECONNREFUSED' });
    expect(parseClientLine('not json')).toBeNull();
  });

  test('a takeover split into detection, protocol and data plane; the client\'s gap and errors', () => {
    const tl = new Timeline();
    for (let t = T; t < T + 100; t += 20) tl.add({ kind: 'answer', t, by: 'r1' });
    tl.add({ kind: 'service', t: T + 100, router: 'r1', event: 'stopped' });
    for (let t = T + 110; t < T + 3300; t += 20) tl.add({ kind: 'client-error', t, error: 'ECONNREFUSED' });
    tl.add({ kind: 'priority', t: T + 1600, router: 'r1', from: 100, to: 80 });
    tl.add({ kind: 'state', t: T + 3200, router: 'r2', from: 'BACKUP', to: 'MASTER', reason: 'preempted', priority: 90 });
    tl.add({ kind: 'state', t: T + 3205, router: 'r1', from: 'MASTER', to: 'BACKUP', reason: 'higher-priority-advert', priority: 80 });
    for (let t = T + 3310; t < T + 3400; t += 20) tl.add({ kind: 'answer', t, by: 'r2' });
    const f = measure(tl, { service: 'r1', serviceEvent: 'stopped', from: 'r1', to: 'r2', after: T + 90 });
    expect(f).toMatchObject({ detectionMs: 1500, protocolMs: 1600, dataPlaneMs: 110, totalMs: 3210, clientGapMs: 3310 - 80, clientErrors: 160, masterReason: 'preempted' });
    expect(tl.stateOf('r1')).toBe('BACKUP');
    expect(tl.answeredBy('r2', T + 90, 3)).toBe(true);
    expect(tl.answeredBy('r1', T + 90, 3)).toBe(false);
    expect(measure(tl, { service: 'r1', serviceEvent: 'listening', from: 'r2', to: 'r1', after: T + 90 })).toEqual({ missing: "r1's HTTP service did not report listening" });
  });
});

describe('views', () => {
  const snap: Snapshot = {
    routers: [
      { name: 'r1', address: '192.0.2.1', state: 'BACKUP', effective: 80, base: 100, service: 'stopped' },
      { name: 'r2', address: '192.0.2.2', state: 'MASTER', effective: 90, base: 90, service: 'up' },
    ],
    lastAnswer: { by: 'r2', t: Date.parse('2026-12-01T09:30:01.234Z') }, lastError: 'ECONNREFUSED', errors: 12, requests: 400, step: '2/3 ...',
  };

  test('NO_COLOR (non-empty) and a pipe turn colours off', () => {
    expect(useColor(true, {})).toBe(true);
    expect(useColor(true, { NO_COLOR: '1' })).toBe(false);
    expect(useColor(true, { NO_COLOR: '' })).toBe(true);
    expect(useColor(false, {})).toBe(false);
    expect(blockLines(snap, paint(false)).join('\n')).not.toContain('\x1b');
  });

  test('the live block: states, effective and base priority, last answer, errors, step', () => {
    const lines = blockLines(snap, paint(false));
    expect(lines[0]).toMatch(/r1 192\.0\.2\.1 +BACKUP +priority 80 \(base 100\) +http stopped/);
    expect(lines[1]).toMatch(/r2 192\.0\.2\.2 +MASTER +priority 90 +http up/);
    expect(lines[2]).toContain('last answer: r2 at 09:30:01.234');
    expect(lines[3]).toContain('requests 400, errors 12 (last: ECONNREFUSED)');
    expect(lines[4]).toBe('  step: 2/3 ...');
  });

  test('plain: one line per event and step, nothing redrawn; terminal: lines above a block redrawn in place', () => {
    const plain: string[] = [];
    const pv = new PlainView((l) => plain.push(l));
    pv.update();
    pv.step('1/3 waiting');
    pv.line('  0.800 s  r1  BACKUP -> MASTER');
    expect(plain).toEqual(['== 1/3 waiting', '  0.800 s  r1  BACKUP -> MASTER']);

    let screen = '';
    const tv = new TtyView({ write: (t) => void (screen += t), columns: 200 }, paint(false));
    tv.update(snap);
    tv.line('an event');
    expect(screen.startsWith('  r1 ')).toBe(true);
    expect(screen).toContain('\x1b[5F\x1b[Jan event\n  r1 ');
    expect(rowsOf('\x1b[1mabc\x1b[0m', 2)).toBe(2);
  });
});
