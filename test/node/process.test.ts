/**
 * vrrp_track_process on whole nodes (the simulator sets each host's process list): weight 0 holds the
 * instance in FAULT while the quorum is not met, a weight moves the priority, terminate_delay holds the
 * change back; reload keeps the count by name. Sync group trackers (track_process, track_script,
 * track_interface, track_file inside vrrp_sync_group) act on every member, with their weight only under
 * sync_group_tracking_weight.
 */
import type { ProcessEntry } from '../../lib/track';
import { VARIANTS, changesOf, conf, instance, instStatus, lanOf, mdiMs, otherVip, script, stateOf, syncGroup, trackFile } from './helpers';

const v = VARIANTS[0];
const I = v.intervalCs * 10;
const haproxy = (n: number): ProcessEntry[] => Array.from({ length: n }, (_, k) => ({ pid: 100 + k, comm: 'haproxy', argv: ['/usr/sbin/haproxy', '-f', '/etc/haproxy.cfg'] }));

function tp(name: string, body: string[]): string {
  return [`vrrp_track_process ${name} {`, ...body.map((l) => `  ${l}`), '}'].join('\n');
}
const tracking = (names: string[]): string[] => ['track_process {', ...names.map((n) => `  ${n}`), '}'];

describe('node track_process', () => {
  test('weight 0 (the default): FAULT from the start while haproxy is not running; BACKUP, then MASTER, once it runs', () => {
    const { lan, hosts: [lb1] } = lanOf(v, [conf(tp('ha', ['process haproxy']), instance(v, { priority: 150, extra: tracking(['ha']) }))]);
    lan.runUntil(10 * I);
    expect(changesOf(lan, 'lb1')).toEqual([{ t: 0, from: 'INIT', to: 'FAULT', reason: 'fault' }]);
    expect(instStatus(lb1).trackers.find((t) => t.kind === 'process')).toMatchObject({ name: 'ha', weight: 0, fault: true, detail: 'down (0 processes)' });
    lan.schedule(10 * I, () => lb1.setProcesses(haproxy(1)));
    lan.runUntil(10 * I + mdiMs(v, 150) + I);
    expect(changesOf(lan, 'lb1').slice(1).map((c) => [c.t, c.to])).toEqual([[10 * I, 'BACKUP'], [10 * I + mdiMs(v, 150), 'MASTER']]);
    expect(lb1.records.some((r) => r.kind === 'log' && r.message === 'vrrp_track_process ha: up (1 matching, quorum 1..unbounded)')).toBe(true);
  });

  test('weight -60 with quorum 2 and terminate_delay 2: the priority drops 2 s after the second haproxy exits, not before', () => {
    const { lan, hosts: [lb1] } = lanOf(v, [conf(tp('ha', ['process haproxy', 'quorum 2', 'weight -60', 'terminate_delay 2']), instance(v, { priority: 150, extra: tracking(['ha']) }))]);
    lb1.setProcesses(haproxy(2));
    const seen: { t: number; from: number; to: number }[] = [];
    lb1.on('priority-change', (e) => seen.push({ t: lan.now, from: e.from, to: e.to }));
    lan.schedule(5000, () => lb1.setProcesses(haproxy(1)));
    lan.runUntil(6999);
    expect(seen).toEqual([]);
    expect(instStatus(lb1).trackers.find((t) => t.kind === 'process')).toMatchObject({ delta: 0, detail: 'up (1 process, down after its terminate_delay)' });
    lan.runUntil(8000);
    expect(seen).toEqual([{ t: 7000, from: 150, to: 90 }]);
  });

  test('parameters and param_match partial: only the haproxy with that config counts; full_command compares argv[0]', () => {
    const { lan, hosts: [lb1] } = lanOf(v, [conf(
      tp('cfg', ['process /usr/sbin/haproxy -f', 'param_match partial', 'weight 10']),
      tp('other', ['process /usr/sbin/haproxy -f /etc/other.cfg', 'weight 20']),
      tp('name', ['process /usr/sbin/haproxy', 'full_command', 'weight 40']),
      instance(v, { priority: 100, extra: tracking(['cfg', 'other', 'name']) }),
    )]);
    lb1.setProcesses(haproxy(1));
    lan.runUntil(I);
    expect(instStatus(lb1).priority).toEqual({ base: 100, effective: 150 });
  });

  test('reload keeps a tracker by name: the count stays, no FAULT on the way', () => {
    const text = (q: number): string => conf(tp('ha', ['process haproxy', `quorum ${q}`]), instance(v, { priority: 150, extra: tracking(['ha']) }));
    const { lan, hosts: [lb1] } = lanOf(v, [text(1)]);
    lb1.setProcesses(haproxy(2));
    lan.runUntil(mdiMs(v, 150) + I);
    lb1.reload(text(2));
    lan.runUntil(mdiMs(v, 150) + 5 * I);
    expect(changesOf(lan, 'lb1').map((c) => c.to)).toEqual(['BACKUP', 'MASTER']);
    lb1.reload(text(3));
    lan.runUntil(mdiMs(v, 150) + 6 * I);
    expect(stateOf(lb1)).toBe('FAULT');
  });
});

describe('node vrrp_sync_group trackers', () => {
  const members = (extra: string[]): string[] => [
    instance(v, { name: 'VI_1', vrid: 51, priority: 150 }),
    instance(v, { name: 'VI_2', vrid: 52, priority: 150, vips: [otherVip(v, 50)] }),
    syncGroup('G', ['VI_1', 'VI_2']).replace(/}$/, [...extra, '}'].join('\n')),
  ];

  test('a track_process of the group puts every member in FAULT while it is down, and lets them go together', () => {
    const { lan, hosts: [lb1] } = lanOf(v, [conf(tp('ha', ['process haproxy']), ...members(['  track_process {', '    ha', '  }']))]);
    lan.runUntil(5 * I);
    expect([stateOf(lb1, 'VI_1'), stateOf(lb1, 'VI_2')]).toEqual(['FAULT', 'FAULT']);
    expect(instStatus(lb1, 'VI_2').trackers.map((t) => [t.kind, t.name])).toEqual([['interface', 'eth0'], ['source', 'eth0 192.0.2.1'], ['process', 'ha']]);
    lb1.setProcesses(haproxy(1));
    lan.runUntil(5 * I + mdiMs(v, 150) + I);
    expect([stateOf(lb1, 'VI_1'), stateOf(lb1, 'VI_2')]).toEqual(['MASTER', 'MASTER']);
  });

  test('group track_script / track_file weights apply to each member with sync_group_tracking_weight; without it they are 0 (FAULT)', () => {
    const body = ['  track_script {', '    chk weight -30', '  }', '  track_file {', '    tf', '  }'];
    const withWeight = lanOf(v, [conf(script('chk'), trackFile('tf', 2), ...members([...body, '  sync_group_tracking_weight']))]);
    const h = withWeight.hosts[0];
    h.setScriptResult('chk', 'failure');
    h.setFile('tf', '5');
    withWeight.lan.runUntil(5 * I);
    for (const m of ['VI_1', 'VI_2']) expect(instStatus(h, m).priority).toEqual({ base: 150, effective: 150 - 30 + 10 });
    const zeroed = lanOf(v, [conf(script('chk'), trackFile('tf', 2), ...members(body))]);
    const z = zeroed.hosts[0];
    z.setScriptResult('chk', 'failure');
    zeroed.lan.runUntil(5 * I);
    expect([stateOf(z, 'VI_1'), stateOf(z, 'VI_2')]).toEqual(['FAULT', 'FAULT']);
    expect(instStatus(z, 'VI_1').trackers.filter((t) => t.kind !== 'interface' && t.kind !== 'source').map((t) => [t.name, t.weight])).toEqual([['chk', 0], ['tf', 0]]);
  });

  test('a group track_interface going down puts both members in FAULT', () => {
    const { lan, hosts: [lb1] } = lanOf(v, [conf(...members(['  track_interface {', '    eth1', '  }']))], [], { eth1: ['198.51.100.1/24'] });
    lan.runUntil(mdiMs(v, 150) + I);
    expect([stateOf(lb1, 'VI_1'), stateOf(lb1, 'VI_2')]).toEqual(['MASTER', 'MASTER']);
    lb1.setLink('eth1', false);
    lan.runUntil(mdiMs(v, 150) + 2 * I);
    expect([stateOf(lb1, 'VI_1'), stateOf(lb1, 'VI_2')]).toEqual(['FAULT', 'FAULT']);
  });
});
