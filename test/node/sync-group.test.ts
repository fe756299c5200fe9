/**
 * keepalived vrrp_sync_group on whole nodes: two instances per host in one group move together (FAULT,
 * MASTER, BACKUP), with the group's notify records, for v3 IPv4, v3 IPv6 and v2 PASS.
 */
import type { SimHost, SimulatedLan } from '../../lib/sim';
import { VARIANTS, type NodeVariant, changesOf, conf, instance, instStatus, lanOf, lastAdvertAt, mdiMs, otherVip, script, skewMs, stateOf, syncGroup, vipsOf } from './helpers';

/** VI_1 (VRID 51, the variant's VIPs) and VI_2 (VRID 52, another VIP) in group G, VI_1 tracking `chk` when asked. */
function groupConf(v: NodeVariant, priority: number, opts: { track?: boolean; group?: boolean } = {}): string {
  const track = opts.track ? { trackScripts: ['chk'] } : {};
  return conf(
    script('chk'),
    instance(v, { name: 'VI_1', vrid: 51, priority, ...track }),
    instance(v, { name: 'VI_2', vrid: 52, priority, vips: [otherVip(v, 50)] }),
    ...(opts.group === false ? [] : [syncGroup('G', ['VI_1', 'VI_2'])]),
  );
}

function groupNotifies(h: SimHost): { t: number; state: string }[] {
  return h.records.flatMap((r) => (r.kind === 'notify' && r.target === 'GROUP' ? [{ t: r.t, state: r.state }] : []));
}

function both(lan: SimulatedLan, host: string): [ReturnType<typeof changesOf>, ReturnType<typeof changesOf>] {
  return [changesOf(lan, host, 'VI_1'), changesOf(lan, host, 'VI_2')];
}

describe.each(VARIANTS)('node vrrp_sync_group ($label)', (v) => {
  const I = v.intervalCs * 10;
  const vip2 = otherVip(v, 50);

  test('the group comes up with the higher host MASTER on both members at once, each holding its VIPs', () => {
    const { lan, hosts: [lb1, lb2] } = lanOf(v, [groupConf(v, 150), groupConf(v, 100)]);
    lan.runUntil(20 * I);
    for (const inst of ['VI_1', 'VI_2']) {
      expect(changesOf(lan, 'lb1', inst).slice(-1)[0]).toMatchObject({ t: mdiMs(v, 150), to: 'MASTER' });
      expect(stateOf(lb2, inst)).toBe('BACKUP');
    }
    expect(vipsOf(lb1)).toEqual([...v.vipLines, vip2].sort());
    expect(vipsOf(lb2)).toEqual([]);
    expect(lb1.status().syncGroups).toEqual([{ name: 'G', state: 'MASTER', members: ['VI_1', 'VI_2'] }]);
    expect(lb2.status().syncGroups).toEqual([{ name: 'G', state: 'BACKUP', members: ['VI_1', 'VI_2'] }]);
    expect(groupNotifies(lb1)).toEqual([{ t: 0, state: 'BACKUP' }, { t: mdiMs(v, 150), state: 'MASTER' }]);
  });

  test("one member's weight-0 script fails: both members of that host leave MASTER for FAULT together (priority 0 each), the peer's members become MASTER together after Skew_Time; recovery preempts back together", () => {
    const { lan, hosts: [lb1, lb2] } = lanOf(v, [groupConf(v, 150, { track: true }), groupConf(v, 100, { track: true })]);
    // The script runs every second from the start; the run at 10 s is the first to fail.
    lan.schedule(9500, () => lb1.setScriptResult('chk', 'failure'));
    lan.schedule(19500, () => lb1.setScriptResult('chk', 'success'));
    const tf = 10000;
    const tr = 20000;
    lan.runUntil(tr + 20 * I);
    const [a1, a2] = both(lan, 'lb1');
    for (const c of [a1, a2]) {
      expect(c.filter((x) => x.t >= tf)).toEqual([
        { t: tf, from: 'MASTER', to: 'FAULT', reason: c === a1 ? 'fault' : 'sync-group' },
        { t: tr, from: 'FAULT', to: 'BACKUP', reason: 'fault-cleared' },
        // VI_1's timer fires first and waits for VI_2 (the group gate); VI_2's then preempts and brings VI_1 along.
        { t: tr + mdiMs(v, 150), from: 'BACKUP', to: 'MASTER', reason: c === a1 ? 'sync-group' : 'preempted' },
      ]);
    }
    for (const inst of ['VI_1', 'VI_2']) {
      expect(lan.actionsOf('send-advert', `lb1/${inst}`, tf).filter((e) => e.t === tf).map((e) => e.action.advert.priority)).toEqual([0]);
      expect(changesOf(lan, 'lb2', inst).filter((x) => x.t >= tf).map(({ t, to }) => ({ t, to }))).toEqual([
        { t: tf + skewMs(v, 100), to: 'MASTER' },
        { t: tr + mdiMs(v, 150), to: 'BACKUP' },
      ]);
    }
    expect(vipsOf(lb1)).toEqual([...v.vipLines, vip2].sort());
    expect(vipsOf(lb2)).toEqual([]);
    expect(groupNotifies(lb1).filter((n) => n.t >= tf)).toEqual([
      { t: tf, state: 'FAULT' },
      { t: tr, state: 'BACKUP' },
      { t: tr + mdiMs(v, 150), state: 'MASTER' },
    ]);
    expect(groupNotifies(lb2).filter((n) => n.t >= tf)).toEqual([
      { t: tf + skewMs(v, 100), state: 'MASTER' },
      { t: tr + mdiMs(v, 150), state: 'BACKUP' },
    ]);
    // VI_2's tracker never failed: it shows no fault of its own while the group held it.
    expect(instStatus(lb1, 'VI_2').trackers.every((t) => !t.fault)).toBe(true);
  });

  test('a member hearing a higher priority drops the whole group to BACKUP (VIPs released, no priority 0); the peer takes both', () => {
    const t2 = 10 * I + 3;
    // lb2 ungrouped: VI_1 at 200 preempts; its VI_2 (100) takes over once lb1's VI_2 falls silent.
    const lb2Conf = conf(instance(v, { name: 'VI_1', vrid: 51, priority: 200 }), instance(v, { name: 'VI_2', vrid: 52, priority: 100, vips: [vip2] }));
    const { lan, hosts: [lb1, lb2] } = lanOf(v, [groupConf(v, 150), lb2Conf], [0, t2]);
    lan.runUntil(t2 + 30 * I);
    const tp = t2 + mdiMs(v, 200);
    expect(changesOf(lan, 'lb2', 'VI_1').slice(-1)).toEqual([{ t: tp, from: 'BACKUP', to: 'MASTER', reason: 'preempted' }]);
    expect(changesOf(lan, 'lb1', 'VI_1').slice(-1)).toEqual([{ t: tp, from: 'MASTER', to: 'BACKUP', reason: 'higher-priority-advert' }]);
    expect(changesOf(lan, 'lb1', 'VI_2').slice(-1)).toEqual([{ t: tp, from: 'MASTER', to: 'BACKUP', reason: 'sync-group' }]);
    expect(lan.actionsOf('send-advert', 'lb1/VI_2', tp).filter((e) => e.action.advert.priority === 0)).toEqual([]);
    const last = lastAdvertAt(lan, 'lb1', tp, 'VI_2');
    expect(changesOf(lan, 'lb2', 'VI_2').slice(-1)).toEqual([{ t: last + mdiMs(v, 100), from: 'BACKUP', to: 'MASTER', reason: 'master-down-timer' }]);
    expect(vipsOf(lb1)).toEqual([]);
    expect(vipsOf(lb2)).toEqual([...v.vipLines, vip2].sort());
    // lb1's VI_2 outranks lb2's and wants MASTER, but VI_1 hears lb2's 200: the group gate keeps both BACKUP.
    expect(lb1.node.router('VI_2').wantsMaster).toBe(true);
    expect(stateOf(lb1, 'VI_2')).toBe('BACKUP');
    expect(lb1.status().syncGroups[0].state).toBe('BACKUP');
    expect(groupNotifies(lb1).slice(-1)).toEqual([{ t: tp, state: 'BACKUP' }]);
  });
});
