/**
 * Reload (`host.reload(text)`) of whole nodes, one kind of change at a time, for v3 IPv4, v3 IPv6 and v2
 * PASS: unchanged text, a bad config, a MASTER's priority lowered, its VIP list changed, an instance
 * removed or added, a sync group added and removed. What must hold: no flap where nothing changed, the
 * RFC's takeover times where something did.
 */
import { ConfigError } from '../../lib/errors';
import type { SimHost, SimulatedLan } from '../../lib/sim';
import { VARIANTS, type NodeVariant, advertsOf, changesOf, conf, heldVips, instStatus, instance, lanOf, lastAdvertAt, mdiMs, otherVip, script, skewMs, stateOf, syncGroup, vipsOf } from './helpers';

const announcements = (h: SimHost, since: number): { t: number; addresses: string[] }[] =>
  h.records.flatMap((r) => (r.kind === 'announce' && r.t >= since ? [{ t: r.t, addresses: r.addresses }] : []));

/** Every state change on the LAN from `since`. */
const changesSince = (lan: SimulatedLan, since: number): string[] =>
  lan.actionsOf('state-change', undefined, since).map((e) => `${e.t} ${e.router} ${e.action.to}`);

/** The variant's VIPs with the last one replaced by another (IPv6 keeps its link-local first). */
const changedVips = (v: NodeVariant): string[] => [...v.vipLines.slice(0, -1), otherVip(v, 1)];

describe.each(VARIANTS)('node reload ($label)', (v) => {
  const I = v.intervalCs * 10;
  // After the MASTER's second GARP burst (garp_master_delay 5 s), off the advert grid.
  const tr = 12003;

  test('unchanged text: no state change, no announcement, no extra advert: the advert times stay on their grid (no gap)', () => {
    const text1 = conf(instance(v, { priority: 150 }));
    const text2 = conf(instance(v, { priority: 100 }));
    const { lan, hosts: [lb1, lb2] } = lanOf(v, [text1, text2]);
    const router = lb1.node.router('VI_1');
    lan.schedule(tr, () => {
      lb1.reload(text1);
      lb2.reload(text2);
    });
    lan.runUntil(tr + 20 * I);
    expect(changesSince(lan, 1)).toEqual([`${mdiMs(v, 150)} lb1/VI_1 MASTER`]);
    const sent = advertsOf(lan, 'lb1').map((a) => a.t);
    expect(sent).toEqual(Array.from({ length: sent.length }, (_, k) => mdiMs(v, 150) + k * I));
    expect(announcements(lb1, tr)).toEqual([]);
    expect(lb1.node.router('VI_1')).toBe(router);
    expect(lb1.records.filter((r) => r.kind === 'log' && r.t === tr)).toEqual([]);
    // The BACKUP's Master_Down_Timer was not restarted either: a crash right after the reload is seen on time.
    lan.crash('lb1', tr + 20 * I + 1);
    lan.runUntil(tr + 40 * I);
    const last = lastAdvertAt(lan, 'lb1', tr + 20 * I + 1);
    expect(changesOf(lan, 'lb2').slice(-1)).toEqual([{ t: last + mdiMs(v, 100), from: 'BACKUP', to: 'MASTER', reason: 'master-down-timer' }]);
  });

  test('a bad config throws ConfigError and the running configuration keeps going unchanged', () => {
    const text1 = conf(instance(v, { priority: 150 }));
    const { lan, hosts: [lb1] } = lanOf(v, [text1, conf(instance(v, { priority: 100 }))]);
    const bad = [
      text1.replace('virtual_router_id 51', 'virtual_router_id 300'),
      text1.replace('priority 150', 'priority 150\n    track_script {\n        missing\n    }'),
      conf(instance(v, { priority: 90 }), syncGroup('G', ['VI_1', 'VI_9'])),
    ];
    lan.schedule(tr, () => {
      for (const text of bad) expect(() => lb1.reload(text)).toThrow(ConfigError);
    });
    lan.runUntil(tr + 20 * I);
    expect(changesSince(lan, 1)).toEqual([`${mdiMs(v, 150)} lb1/VI_1 MASTER`]);
    expect(instStatus(lb1).priority).toEqual({ base: 150, effective: 150 });
    expect(new Set(advertsOf(lan, 'lb1').map((a) => a.priority))).toEqual(new Set([150]));
    const sent = advertsOf(lan, 'lb1').map((a) => a.t);
    expect(sent).toEqual(Array.from({ length: sent.length }, (_, k) => mdiMs(v, 150) + k * I));
    expect(vipsOf(lb1)).toEqual(heldVips(v));
  });

  test("the MASTER's priority lowered below the backup's: it advertises 90 at once, the backup discards it and preempts one Master_Down_Interval after the last 150 advert", () => {
    const { lan, hosts: [lb1, lb2] } = lanOf(v, [conf(instance(v, { priority: 150 })), conf(instance(v, { priority: 100 }))]);
    const last150 = mdiMs(v, 150) + Math.floor((tr - mdiMs(v, 150)) / I) * I;
    lan.schedule(tr, () => lb1.reload(conf(instance(v, { priority: 90 }))));
    lan.runUntil(tr + 20 * I);
    expect(lastAdvertAt(lan, 'lb1', tr - 0.001)).toBe(last150);
    expect(advertsOf(lan, 'lb1', 'VI_1', tr, tr)).toEqual([{ t: tr, priority: 90 }]);
    const tp = last150 + mdiMs(v, 100);
    expect(changesOf(lan, 'lb2').slice(-1)).toEqual([{ t: tp, from: 'BACKUP', to: 'MASTER', reason: 'preempted' }]);
    expect(changesOf(lan, 'lb1').slice(-1)).toEqual([{ t: tp, from: 'MASTER', to: 'BACKUP', reason: 'higher-priority-advert' }]);
    expect(instStatus(lb1).priority).toEqual({ base: 90, effective: 90 });
    expect(instStatus(lb1).counters).toMatchObject({ becomeMaster: 1, releaseMaster: 1 });
    expect(instStatus(lb2).counters).toMatchObject({ becomeMaster: 1, releaseMaster: 0 });
    expect(vipsOf(lb1)).toEqual([]);
    expect(vipsOf(lb2)).toEqual(heldVips(v));
  });

  test('the VIP list changed on the MASTER (both hosts reloaded): the removed VIP goes, the new one is added and announced, no state change, no warning', () => {
    const { lan, hosts: [lb1, lb2] } = lanOf(v, [conf(instance(v, { priority: 150 })), conf(instance(v, { priority: 100 }))]);
    const warned: string[] = [];
    lb2.on('warning', (e) => warned.push(e.message));
    const next = changedVips(v);
    lan.schedule(tr, () => {
      lb1.reload(conf(instance(v, { priority: 150, vips: next })));
      lb2.reload(conf(instance(v, { priority: 100, vips: next })));
    });
    lan.runUntil(tr + 6000);
    expect(changesSince(lan, 1)).toEqual([`${mdiMs(v, 150)} lb1/VI_1 MASTER`]);
    expect(vipsOf(lb1)).toEqual([...next].sort());
    expect(lan.holders(otherVip(v, 1).split('/')[0])).toEqual(['lb1']);
    expect(lan.holders(v.vips[v.vips.length - 1])).toEqual([]);
    // Only the new address is announced, on keepalived's schedule (garp_master_repeat 5, again after 5 s).
    const added = [otherVip(v, 1)];
    expect(announcements(lb1, tr)).toEqual([...Array(5).fill({ t: tr, addresses: added }), ...Array(5).fill({ t: tr + 5000, addresses: added })]);
    // The advert carries the new list at once; the BACKUP, reloaded too, has no complaint.
    const first = lan.actionsOf('send-advert', 'lb1/VI_1', tr)[0];
    expect(first.t).toBe(tr);
    expect(first.action.advert.addresses).toEqual(next.map((c) => c.split('/')[0]));
    expect(warned).toEqual([]);
    expect(instStatus(lb2).counters.addressListErrors).toBe(0);
  });

  test('an instance removed: it sends priority 0 and releases its VIPs, the peer takes over after Skew_Time; the other instance runs on untouched', () => {
    const vi2 = instance(v, { name: 'VI_2', vrid: 52, priority: 150, vips: [otherVip(v, 50)] });
    const { lan, hosts: [lb1, lb2] } = lanOf(v, [conf(instance(v, { priority: 150 }), vi2), conf(instance(v, { priority: 100 }))]);
    lan.schedule(tr, () => lb1.reload(conf(vi2)));
    lan.runUntil(tr + 20 * I);
    expect(changesOf(lan, 'lb1').slice(-1)).toEqual([{ t: tr, from: 'MASTER', to: 'INIT', reason: 'shutdown' }]);
    expect(advertsOf(lan, 'lb1', 'VI_1', tr)).toEqual([{ t: tr, priority: 0 }]);
    expect(changesOf(lan, 'lb2').slice(-1)).toEqual([{ t: tr + skewMs(v, 100), from: 'BACKUP', to: 'MASTER', reason: 'priority-zero' }]);
    expect(vipsOf(lb1)).toEqual([otherVip(v, 50)]);
    expect(vipsOf(lb2)).toEqual(heldVips(v));
    expect(lb1.status().instances.map((i) => i.name)).toEqual(['VI_2']);
    const sent2 = advertsOf(lan, 'lb1', 'VI_2').map((a) => a.t);
    expect(sent2).toEqual(Array.from({ length: sent2.length }, (_, k) => mdiMs(v, 150) + k * I));
    expect(changesOf(lan, 'lb1', 'VI_2')).toHaveLength(2);
  });

  test('an instance added: it starts BACKUP at the reload and is elected (preempting the lower peer) one Master_Down_Interval later', () => {
    const vi2 = (p: number): string => instance(v, { name: 'VI_2', vrid: 52, priority: p, vips: [otherVip(v, 50)] });
    const { lan, hosts: [lb1, lb2] } = lanOf(v, [conf(instance(v, { priority: 150 })), conf(instance(v, { priority: 100 }), vi2(100))]);
    lan.schedule(tr, () => lb1.reload(conf(instance(v, { priority: 150 }), vi2(150))));
    lan.runUntil(tr + 20 * I);
    expect(changesOf(lan, 'lb1', 'VI_2')).toEqual([
      { t: tr, from: 'INIT', to: 'BACKUP', reason: 'startup' },
      { t: tr + mdiMs(v, 150), from: 'BACKUP', to: 'MASTER', reason: 'preempted' },
    ]);
    expect(changesOf(lan, 'lb2', 'VI_2').slice(-1)).toEqual([{ t: tr + mdiMs(v, 150), from: 'MASTER', to: 'BACKUP', reason: 'higher-priority-advert' }]);
    expect(changesOf(lan, 'lb1', 'VI_1')).toHaveLength(2);
    expect(vipsOf(lb1)).toEqual([...v.vipLines, otherVip(v, 50)].sort());
    expect(vipsOf(lb2)).toEqual([]);
  });

  test('a sync group added by reload takes the running members as they are (MASTER, no flap) and then moves them together; removed, a member it held in FAULT is free again', () => {
    const body = (p: number): string[] => [
      script('chk'),
      instance(v, { name: 'VI_1', vrid: 51, priority: p, trackScripts: ['chk'] }),
      instance(v, { name: 'VI_2', vrid: 52, priority: p, vips: [otherVip(v, 50)] }),
    ];
    const plain = conf(...body(150));
    const grouped = conf(...body(150), syncGroup('G', ['VI_1', 'VI_2']));
    const { lan, hosts: [lb1] } = lanOf(v, [plain, conf(...body(100))]);
    const tAdd = tr;
    const tFail = 15000; // the first failing run of chk
    const tRemove = 20003;
    lan.schedule(tAdd, () => lb1.reload(grouped));
    lan.schedule(tAdd, () => expect(lb1.status().syncGroups).toEqual([{ name: 'G', state: 'MASTER', members: ['VI_1', 'VI_2'] }]));
    lan.schedule(14500, () => lb1.setScriptResult('chk', 'failure'));
    lan.schedule(tRemove, () => lb1.reload(plain));
    lan.runUntil(tRemove + 20 * I);
    expect(changesSince(lan, 1).filter((c) => Number(c.split(' ')[0]) < tFail)).toEqual([`${mdiMs(v, 150)} lb1/VI_1 MASTER`, `${mdiMs(v, 150)} lb1/VI_2 MASTER`]);
    expect(changesOf(lan, 'lb1', 'VI_1').slice(-1)).toEqual([{ t: tFail, from: 'MASTER', to: 'FAULT', reason: 'fault' }]);
    expect(changesOf(lan, 'lb1', 'VI_2').slice(-3)).toEqual([
      { t: tFail, from: 'MASTER', to: 'FAULT', reason: 'sync-group' },
      { t: tRemove, from: 'FAULT', to: 'BACKUP', reason: 'fault-cleared' },
      { t: tRemove + mdiMs(v, 150), from: 'BACKUP', to: 'MASTER', reason: 'preempted' },
    ]);
    expect(changesOf(lan, 'lb2', 'VI_2').map(({ t, to }) => ({ t, to })).slice(-2)).toEqual([
      { t: tFail + skewMs(v, 100), to: 'MASTER' },
      { t: tRemove + mdiMs(v, 150), to: 'BACKUP' },
    ]);
    expect(stateOf(lb1, 'VI_1')).toBe('FAULT');
    expect(lb1.status().syncGroups).toEqual([]);
    expect(instStatus(lb1, 'VI_2').syncGroup).toBeNull();
  });
});

/*
 * keepalived keeps the state of a same-named vrrp_script across reload (clear_diff_script), also when its
 * definition (interval, rise, fall, timeout...) changed: its instance's tracker impact must not be undone.
 */
describe('node reload: a vrrp_script whose definition changed keeps its state (keepalived clear_diff_script)', () => {
  const v = VARIANTS[0];

  test('a succeeding weight +60 script with a new interval: the MASTER keeps 160, no priority change', () => {
    const text = (interval: number): string => conf(script('chk', { interval, weight: 60 }), instance(v, { priority: 100, trackScripts: ['chk'] }));
    const { lan, hosts: [lb1] } = lanOf(v, [text(1), conf(instance(v, { priority: 150 }))], [0, 3000]);
    const seen: string[] = [];
    lb1.on('priority-change', (e) => seen.push(`${lan.now} ${e.from}->${e.to}`));
    lan.schedule(8003, () => lb1.reload(text(2)));
    lan.runUntil(12000);
    expect(seen).toEqual(['0 100->160']);
  });

  test('a failing weight-0 script with a new interval: the instance stays in FAULT (no FAULT -> BACKUP -> FAULT, no notify)', () => {
    const text = (interval: number): string => conf(script('chk', { interval }), instance(v, { priority: 150, trackScripts: ['chk'] }));
    const { lan, hosts: [lb1] } = lanOf(v, [text(1), conf(instance(v, { priority: 100 }))]);
    lan.schedule(4500, () => lb1.setScriptResult('chk', 'failure'));
    lan.schedule(8003, () => lb1.reload(text(2)));
    lan.runUntil(12000);
    expect(changesOf(lan, 'lb1').slice(-1)).toEqual([{ t: 5000, from: 'MASTER', to: 'FAULT', reason: 'fault' }]);
    expect(lb1.records.filter((r) => r.kind === 'notify' && r.t >= 8003)).toEqual([]);
  });
});
