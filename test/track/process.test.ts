/**
 * vrrp_track_process as pure code: keepalived's matching (comm, argv[0], param_match exact / partial /
 * initial) and the quorum with fork_delay / terminate_delay as deadlines (keepalived.conf(5) "VRRP track
 * processes").
 */
import { countMatches, ProcessTracker, processMatches, trackerImpact, type ProcessEntry, type ProcessMatchSpec } from '../../lib/track';

const p = (pid: number, comm: string, ...argv: string[]): ProcessEntry => ({ pid, comm, argv });
const byComm = (name: string): ProcessMatchSpec => ({ process: name, params: [], paramMatch: 'none', byCmdline: false });

describe('process matching', () => {
  test('by comm: the exact name, not a substring (pgrep "^ssh$")', () => {
    expect(processMatches(byComm('ssh'), p(1, 'ssh', '/usr/bin/ssh'))).toBe(true);
    expect(processMatches(byComm('ssh'), p(2, 'sshd', '/usr/sbin/sshd'))).toBe(false);
    expect(processMatches(byComm('haproxy'), { pid: 3, comm: 'haproxy' })).toBe(true);
  });

  test('by argv[0] (full_command): the first word of the command line, the comm is not looked at', () => {
    const spec: ProcessMatchSpec = { process: '/usr/sbin/nginx', params: [], paramMatch: 'none', byCmdline: true };
    expect(processMatches(spec, p(1, 'nginx', '/usr/sbin/nginx', '-g', 'daemon off;'))).toBe(true);
    expect(processMatches(spec, p(2, 'nginx', 'nginx'))).toBe(false);
    expect(processMatches(spec, { pid: 3, comm: 'nginx' })).toBe(false);
    expect(processMatches(spec, p(4, 'kworker/0:1'))).toBe(false);
  });

  test('param_match exact (parameters given): exactly these; bare param_match: no parameters at all', () => {
    const spec: ProcessMatchSpec = { process: 'haproxy', params: ['-f', '/etc/h.cfg'], paramMatch: 'exact', byCmdline: true };
    expect(processMatches(spec, p(1, 'haproxy', 'haproxy', '-f', '/etc/h.cfg'))).toBe(true);
    expect(processMatches(spec, p(2, 'haproxy', 'haproxy', '-f', '/etc/h.cfg', '-D'))).toBe(false);
    expect(processMatches(spec, p(3, 'haproxy', 'haproxy', '-f'))).toBe(false);
    const none: ProcessMatchSpec = { process: 'sleep', params: [], paramMatch: 'exact', byCmdline: true };
    expect(processMatches(none, p(4, 'sleep', 'sleep'))).toBe(true);
    expect(processMatches(none, p(5, 'sleep', 'sleep', '10'))).toBe(false);
  });

  test('param_match partial: these first, more allowed; initial: the last one may be longer', () => {
    const partial: ProcessMatchSpec = { process: 'haproxy', params: ['-f', '/etc/h'], paramMatch: 'partial', byCmdline: true };
    expect(processMatches(partial, p(1, 'haproxy', 'haproxy', '-f', '/etc/h', '-D'))).toBe(true);
    expect(processMatches(partial, p(2, 'haproxy', 'haproxy', '-f', '/etc/h.cfg'))).toBe(false);
    const initial: ProcessMatchSpec = { ...partial, paramMatch: 'initial' };
    expect(processMatches(initial, p(3, 'haproxy', 'haproxy', '-f', '/etc/h.cfg', '-D'))).toBe(true);
    expect(processMatches(initial, p(4, 'haproxy', 'haproxy', '-x', '/etc/h.cfg'))).toBe(false);
    expect(processMatches(initial, p(5, 'haproxy', 'haproxy', '-f'))).toBe(false);
  });

  test('countMatches counts every matching process', () => {
    expect(countMatches(byComm('nginx'), [p(1, 'nginx'), p(2, 'nginx'), p(3, 'bash')])).toBe(2);
  });
});

describe('ProcessTracker quorum and delays', () => {
  test('up while quorum <= count <= quorum_max; the first count takes effect at once', () => {
    const t = new ProcessTracker({ name: 'web', quorum: 2, quorumMax: 3, weight: 10 });
    expect(t.status()).toBe('init');
    expect(t.contribution()).toMatchObject({ delta: 0, pending: false });
    expect(t.update(1, 0)).toBe(true);
    expect(t.status()).toBe('down');
    expect(t.update(2, 10)).toBe(true);
    expect(t.contribution()).toMatchObject({ delta: 10, fault: false, detail: 'up (2 processes)' });
    expect(t.update(3, 20)).toBe(false);
    expect(t.update(4, 30)).toBe(true);
    expect(t.status()).toBe('down');
  });

  test('weight 0: pending until the first count, then FAULT while down; reverse: FAULT while up', () => {
    const t = new ProcessTracker({ name: 'p' });
    expect(trackerImpact([t]).pending).toBe(true);
    t.update(0, 0);
    expect(trackerImpact([t])).toMatchObject({ fault: true, faultReasons: ['process p: down (0 processes)'], pending: false });
    t.update(1, 1);
    expect(trackerImpact([t]).fault).toBe(false);
    const r = new ProcessTracker({ name: 'r', reverse: true });
    r.update(1, 0);
    expect(r.contribution().fault).toBe(true);
  });

  test('quorum_max 0 (quorum 0): up only while no such process runs', () => {
    const t = new ProcessTracker({ name: 'x', quorum: 0, quorumMax: 0 });
    t.update(0, 0);
    expect(t.status()).toBe('up');
    t.update(1, 5);
    expect(t.status()).toBe('down');
  });

  test('terminate_delay: a lost quorum counts after the delay; a restart within it changes nothing', () => {
    const t = new ProcessTracker({ name: 'p', terminateDelayMs: 2000, weight: -20 });
    t.update(1, 0);
    expect(t.update(0, 1000)).toBe(false);
    expect(t.status()).toBe('up');
    expect(t.nextDeadline()).toBe(3000);
    expect(t.update(0, 2000)).toBe(false);
    expect(t.nextDeadline()).toBe(3000);
    expect(t.timer(2999)).toBe(false);
    expect(t.timer(3000)).toBe(true);
    expect(t.status()).toBe('down');
    expect(t.contribution().delta).toBe(-20);
    // A bounce shorter than the delay.
    t.update(1, 4000);
    t.update(0, 5000);
    t.update(1, 5500);
    expect(t.nextDeadline()).toBeNull();
    expect(t.timer(10000)).toBe(false);
    expect(t.status()).toBe('up');
  });

  test('fork_delay: a gained quorum counts after the delay; a fork that exits within it changes nothing', () => {
    const t = new ProcessTracker({ name: 'p', quorumMax: 1, forkDelayMs: 500, weight: 5 });
    t.update(2, 0);
    expect(t.status()).toBe('down');
    t.update(1, 100);
    expect(t.status()).toBe('down');
    expect(t.contribution().detail).toBe('down (1 process, up after its fork_delay)');
    expect(t.nextDeadline()).toBe(600);
    expect(t.timer(600)).toBe(true);
    expect(t.status()).toBe('up');
    t.update(2, 700);
    expect(t.status()).toBe('down');
    t.update(1, 800);
    t.update(2, 900);
    expect(t.timer(2000)).toBe(false);
    expect(t.status()).toBe('down');
  });

  test('instance views share the count with their own weight; inherit keeps state, count and a pending change', () => {
    const t = new ProcessTracker({ name: 'p', weight: 0, terminateDelayMs: 1000 });
    const v = t.forInstance({ weight: 30 });
    t.update(1, 0);
    expect(v.contribution()).toMatchObject({ delta: 30, detail: 'up (1 process)' });
    t.update(0, 100);
    const n = new ProcessTracker({ name: 'p', weight: 0, terminateDelayMs: 1000, quorum: 1 });
    n.inherit(t);
    expect([n.status(), n.count(), n.nextDeadline()]).toEqual(['up', 0, 1100]);
    expect(() => t.forInstance({ weight: 255 })).toThrow(/-254\.\.254/);
  });
});
