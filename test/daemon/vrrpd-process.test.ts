/**
 * `Vrrpd` in memory with vrrp_track_process (the MemoryPlatform's process list, scanned every
 * processPollMs) and track_file init_file (written at start in a temporary directory).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Vrrpd } from '../../lib/daemon/vrrpd';
import { PROCESS_POLL_MS } from '../../lib/daemon/process-poll';
import { MemoryPlatform } from '../../lib/platform/memory';
import { MemoryWire } from '../../lib/sim/wire';
import { FakeClock, flush } from '../helpers/fake-clock';

function daemon(text: string, processPollMs?: number): { d: Vrrpd; p: MemoryPlatform; clock: FakeClock; log: string[] } {
  const clock = new FakeClock();
  const wire = new MemoryWire({ a: { source4: '192.0.2.1', owns: ['192.0.2.1'] } }, () => clock.now());
  const p = new MemoryPlatform({ eth0: ['192.0.2.1/24', 'fe80::1/64'] });
  const log: string[] = [];
  const d = Vrrpd.fromText(text, { platform: p, clock, openTransport: wire.factory('a'), log: (_l, m) => log.push(m), ...(processPollMs ? { processPollMs } : {}) });
  return { d, p, clock, log };
}

const inst = (extra: string): string => `vrrp_instance VI_1 {
  interface eth0
  virtual_router_id 51
  priority 150
  advert_int 1
  version 3
  virtual_ipaddress {
    192.0.2.100/24
  }
${extra}}
`;
const haproxy = { pid: 4242, comm: 'haproxy', argv: ['/usr/sbin/haproxy', '-f', '/etc/haproxy/haproxy.cfg'] };

describe('Vrrpd vrrp_track_process', () => {
  test('weight 0: FAULT while haproxy is not in the process list; it is seen at the next scan (1 s) and the instance goes on to MASTER', async () => {
    const { d, p, clock } = daemon(`vrrp_track_process ha {\n  process haproxy\n}\n${inst('  track_process {\n    ha\n  }\n')}`);
    await d.start();
    await clock.advanceTo(3000);
    expect(d.states()).toEqual({ VI_1: 'FAULT' });
    expect(p.processScans).toBe(4); // at start, then every second
    p.procs = [haproxy];
    await clock.advanceTo(3000 + PROCESS_POLL_MS);
    expect(d.states()).toEqual({ VI_1: 'BACKUP' });
    expect(d.status().instances[0].trackers.find((t) => t.kind === 'process')).toMatchObject({ name: 'ha', fault: false, detail: 'up (1 process)' });
    await clock.advanceTo(9000);
    expect(d.states()).toEqual({ VI_1: 'MASTER' });
    await d.stop();
  });

  test('param_match reads the command line; a reload without tracked processes stops the scans; processPollMs sets the interval', async () => {
    const tracked = `vrrp_track_process ha {\n  process /usr/sbin/haproxy -f\n  param_match partial\n  weight 20\n}\n${inst('  track_process {\n    ha\n  }\n')}`;
    const { d, p, clock } = daemon(tracked, 250);
    p.procs = [haproxy, { pid: 7, comm: 'haproxy', argv: ['/usr/sbin/haproxy', '-x'] }];
    await d.start();
    await flush();
    expect(d.status().instances[0].priority).toEqual({ base: 150, effective: 170 });
    await clock.advanceTo(1000);
    expect(p.processScans).toBe(5);
    await d.reload(inst(''));
    const after = p.processScans;
    await clock.advanceTo(3000);
    expect(p.processScans).toBe(after);
    await d.stop();
  });

  test('terminate_delay 2: haproxy exiting lowers the priority two seconds after the scan that missed it', async () => {
    const { d, p, clock } = daemon(`vrrp_track_process ha {\n  process haproxy\n  weight -50\n  terminate_delay 2\n}\n${inst('  track_process {\n    ha\n  }\n')}`);
    p.procs = [haproxy];
    await d.start();
    const prio: Array<[number, number]> = [];
    d.on('priority-change', (e) => prio.push([clock.now(), e.to]));
    await clock.advanceTo(1500);
    p.procs = [];
    await clock.advanceTo(3999);
    expect(prio).toEqual([]);
    await clock.advanceTo(5000);
    expect(prio).toEqual([[4000, 100]]);
    await d.stop();
  });
});

describe('Vrrpd track_file init_file', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'vrrpd-init-file-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const tf = (path: string, init: string): string => `track_file tf {\n  file ${path}\n  weight 3\n  init_file ${init}\n}\n${inst('  track_file {\n    tf\n  }\n')}`;

  test('a missing file is created with VALUE at start (the tracker reads it at once); an existing one is kept without overwrite', async () => {
    const path = join(dir, 'missing');
    const { d, log } = daemon(tf(path, '7'));
    await d.start();
    expect(readFileSync(path, 'utf8')).toBe('7\n');
    expect(log).toContain(`track_file tf: init_file wrote 7 to ${path}`);
    expect(d.status().instances[0].priority.effective).toBe(171);
    await d.stop();
    const kept = join(dir, 'kept');
    writeFileSync(kept, '2\n');
    const other = daemon(tf(kept, '9'));
    await other.d.start();
    expect(readFileSync(kept, 'utf8')).toBe('2\n');
    await other.d.stop();
  });

  test('overwrite replaces an existing file at start but not on reload', async () => {
    const path = join(dir, 'f');
    writeFileSync(path, '5\n');
    const { d } = daemon(tf(path, '1 overwrite'));
    await d.start();
    expect(readFileSync(path, 'utf8')).toBe('1\n');
    writeFileSync(path, '4\n');
    await d.reload(tf(path, '1 overwrite'));
    expect(readFileSync(path, 'utf8')).toBe('4\n');
    await d.stop();
  });
});
