/**
 * keepalived trackers on whole nodes: vrrp_script weights (negative, positive, 0), init_fail, rise/fall,
 * track_interface (host.setLink), track_file (host.setFile), and a weight-0 script that has not reported
 * yet holding its instance in INIT. Times are exact, from the RFC formulas.
 */
import { parseConfigText } from '../../lib/config/parse';
import { nodeSpecOf, VrrpNode, type NodeAction } from '../../lib/node';
import type { SimHost } from '../../lib/sim';
import { VARIANTS, advertsOf, changesOf, conf, heldVips, instStatus, instance, lanOf, lastAdvertAt, mdiMs, script, skewMs, stateOf, trackFile, vipsOf } from './helpers';

function priorityChanges(h: SimHost): { from: number; to: number }[] {
  const out: { from: number; to: number }[] = [];
  h.on('priority-change', (e) => out.push({ from: e.from, to: e.to }));
  return out;
}

describe.each(VARIANTS)('node trackers ($label)', (v) => {
  const I = v.intervalCs * 10;

  test('vrrp_script weight -60 failing lowers the MASTER to 90 at once; the BACKUP (100) preempts one Master_Down_Interval after the last 150 advert', () => {
    const { lan, hosts: [lb1, lb2] } = lanOf(v, [conf(script('chk', { weight: -60 }), instance(v, { priority: 150, trackScripts: ['chk'] })), conf(instance(v, { priority: 100 }))]);
    const seen = priorityChanges(lb1);
    lan.schedule(9500, () => lb1.setScriptResult('chk', 'failure'));
    const tf = 10000; // the first failing run
    lan.runUntil(tf + 20 * I);
    expect(seen).toEqual([{ from: 150, to: 90 }]);
    const last150 = lastAdvertAt(lan, 'lb1', tf);
    const tp = last150 + mdiMs(v, 100);
    expect(new Set(advertsOf(lan, 'lb1', 'VI_1', tf, tp).map((a) => a.priority))).toEqual(new Set([90]));
    expect(changesOf(lan, 'lb2').slice(-1)).toEqual([{ t: tp, from: 'BACKUP', to: 'MASTER', reason: 'preempted' }]);
    expect(changesOf(lan, 'lb1').slice(-1)).toEqual([{ t: tp, from: 'MASTER', to: 'BACKUP', reason: 'higher-priority-advert' }]);
    expect(instStatus(lb1).priority).toEqual({ base: 150, effective: 90 });
    expect(instStatus(lb1).trackers.find((t) => t.kind === 'script')).toMatchObject({ name: 'chk', weight: -60, delta: -60, fault: false, detail: 'down' });
    expect(vipsOf(lb2)).toEqual(heldVips(v));
  });

  test('vrrp_script weight +60 succeeding raises a BACKUP (100) to 160 over the MASTER (150): it preempts one Master_Down_Interval after the last advert it accepted', () => {
    const { lan, hosts: [lb1] } = lanOf(v, [conf(script('chk', { weight: 60 }), instance(v, { priority: 100, trackScripts: ['chk'] })), conf(instance(v, { priority: 150 }))]);
    lb1.setScriptResult('chk', 'failure');
    const seen = priorityChanges(lb1);
    lan.schedule(9500, () => lb1.setScriptResult('chk', 'success'));
    const ts = 10000;
    lan.runUntil(ts + 20 * I);
    expect(seen).toEqual([{ from: 100, to: 160 }]);
    // Its Master_Down_Timer was last reset (with priority 100) by the last advert before its rise.
    const tp = lastAdvertAt(lan, 'lb2', ts) + mdiMs(v, 100);
    expect(changesOf(lan, 'lb1')).toEqual([
      { t: 0, from: 'INIT', to: 'BACKUP', reason: 'startup' },
      { t: tp, from: 'BACKUP', to: 'MASTER', reason: 'preempted' },
    ]);
    expect(changesOf(lan, 'lb2').slice(-1)).toEqual([{ t: tp, from: 'MASTER', to: 'BACKUP', reason: 'higher-priority-advert' }]);
    expect(new Set(advertsOf(lan, 'lb1').map((a) => a.priority))).toEqual(new Set([160]));
  });

  test('init_fail, weight 0, failing: FAULT from the start, no advert ever sent; the peer is MASTER after its Master_Down_Interval', () => {
    const { lan, hosts: [lb1] } = lanOf(v, [conf(script('chk', { initFail: true }), instance(v, { priority: 150, trackScripts: ['chk'] })), conf(instance(v, { priority: 100 }))]);
    lb1.setScriptResult('chk', 'failure');
    lan.runUntil(30 * I);
    expect(changesOf(lan, 'lb1')).toEqual([{ t: 0, from: 'INIT', to: 'FAULT', reason: 'fault' }]);
    expect(instStatus(lb1).counters.advertsSent).toBe(0);
    expect(lan.trace.filter((e) => e.router === 'lb1/VI_1' && e.action.type === 'send-advert')).toEqual([]);
    expect(changesOf(lan, 'lb2').slice(-1)).toEqual([{ t: mdiMs(v, 100), from: 'BACKUP', to: 'MASTER', reason: 'master-down-timer' }]);
    expect(vipsOf(lb1)).toEqual([]);
    expect(lb1.records.filter((r) => r.kind === 'notify').map((r) => r.kind === 'notify' && r.state)).toEqual(['FAULT']);
  });

  test('init_fail, weight 0, rise 2: FAULT from the start until the second success, then BACKUP and it preempts', () => {
    const { lan, hosts: [lb1] } = lanOf(v, [conf(script('chk', { initFail: true, rise: 2 }), instance(v, { priority: 150, trackScripts: ['chk'] })), conf(instance(v, { priority: 100 }))]);
    lan.runUntil(1000 + 30 * I);
    // Runs at 0 (1st success: still down) and 1000 (2nd: up).
    expect(changesOf(lan, 'lb1')).toEqual([
      { t: 0, from: 'INIT', to: 'FAULT', reason: 'fault' },
      { t: 1000, from: 'FAULT', to: 'BACKUP', reason: 'fault-cleared' },
      { t: 1000 + mdiMs(v, 150), from: 'BACKUP', to: 'MASTER', reason: 'preempted' },
    ]);
    expect(advertsOf(lan, 'lb1', 'VI_1', -Infinity, 1000 + mdiMs(v, 150) - 0.001)).toEqual([]);
    expect(stateOf(lb1)).toBe('MASTER');
  });

  test('init_fail, weight -60, failing: the instance starts at 90, so the peer (100) wins the first election and it never becomes MASTER', () => {
    const { lan, hosts: [lb1] } = lanOf(v, [conf(script('chk', { weight: -60, initFail: true }), instance(v, { priority: 150, trackScripts: ['chk'] })), conf(instance(v, { priority: 100 }))]);
    lb1.setScriptResult('chk', 'failure');
    lan.runUntil(30 * I);
    expect(changesOf(lan, 'lb1')).toEqual([{ t: 0, from: 'INIT', to: 'BACKUP', reason: 'startup' }]);
    expect(changesOf(lan, 'lb2').slice(-1)).toEqual([{ t: mdiMs(v, 100), from: 'BACKUP', to: 'MASTER', reason: 'master-down-timer' }]);
    expect(instStatus(lb1).priority).toEqual({ base: 150, effective: 90 });
    expect(instStatus(lb1).counters).toMatchObject({ advertsSent: 0, becomeMaster: 0 });
    expect(lan.trace.some((e) => e.router === 'lb1/VI_1' && e.action.type === 'priority-change')).toBe(true);
  });

  test('rise 2 / fall 2: a single failure changes nothing; two in a row lower the priority (the peer preempts); one success does not restore it, two do (it preempts back)', () => {
    const { lan, hosts: [lb1] } = lanOf(v, [conf(script('chk', { weight: -60, rise: 2, fall: 2 }), instance(v, { priority: 150, trackScripts: ['chk'] })), conf(instance(v, { priority: 100 }))]);
    const seen = priorityChanges(lb1);
    lan.schedule(10500, () => lb1.setScriptResult('chk', 'failure')); // run at 11000 fails
    lan.schedule(11500, () => lb1.setScriptResult('chk', 'success'));
    lan.runUntil(15000);
    expect(seen).toEqual([]);
    expect(changesOf(lan, 'lb1').slice(-1)[0]).toMatchObject({ to: 'MASTER', t: mdiMs(v, 150) });
    expect(new Set(advertsOf(lan, 'lb1').map((a) => a.priority))).toEqual(new Set([150]));

    lan.schedule(15500, () => lb1.setScriptResult('chk', 'failure')); // runs at 16000, 17000
    lan.schedule(25500, () => lb1.setScriptResult('chk', 'success')); // runs at 26000 (still down), 27000 (up)
    lan.schedule(26500, () => expect(seen).toEqual([{ from: 150, to: 90 }]));
    lan.runUntil(27000 + 20 * I);
    expect(seen).toEqual([{ from: 150, to: 90 }, { from: 90, to: 150 }]);
    const tDown = lastAdvertAt(lan, 'lb1', 17000) + mdiMs(v, 100);
    // Back at 150 it discards lb2's adverts; its timer was last reset, with priority 90, before 27000.
    const tBack = lastAdvertAt(lan, 'lb2', 27000) + mdiMs(v, 90);
    expect(changesOf(lan, 'lb2').slice(-2)).toEqual([
      { t: tDown, from: 'BACKUP', to: 'MASTER', reason: 'preempted' },
      { t: tBack, from: 'MASTER', to: 'BACKUP', reason: 'higher-priority-advert' },
    ]);
    expect(changesOf(lan, 'lb1').slice(-2)).toEqual([
      { t: tDown, from: 'MASTER', to: 'BACKUP', reason: 'higher-priority-advert' },
      { t: tBack, from: 'BACKUP', to: 'MASTER', reason: 'preempted' },
    ]);
  });

  test('a timed-out weight-0 script counts as a failure: FAULT, priority 0 sent, the peer takes over after Skew_Time', () => {
    const { lan, hosts: [lb1] } = lanOf(v, [conf(script('chk'), instance(v, { priority: 150, trackScripts: ['chk'] })), conf(instance(v, { priority: 100 }))]);
    lan.schedule(9500, () => lb1.setScriptResult('chk', 'timeout'));
    lan.runUntil(10000 + 10 * I);
    expect(changesOf(lan, 'lb1').slice(-1)).toEqual([{ t: 10000, from: 'MASTER', to: 'FAULT', reason: 'fault' }]);
    expect(advertsOf(lan, 'lb1', 'VI_1', 10000)).toEqual([{ t: 10000, priority: 0 }]);
    expect(changesOf(lan, 'lb2').slice(-1)).toEqual([{ t: 10000 + skewMs(v, 100), from: 'BACKUP', to: 'MASTER', reason: 'priority-zero' }]);
  });

  test('track_interface eth1 (weight 0): link down puts the MASTER in FAULT (priority 0, peer after Skew_Time); link up: BACKUP, then it preempts', () => {
    const { lan, hosts: [lb1, lb2] } = lanOf(v, [conf(instance(v, { priority: 150, trackInterfaces: ['eth1'] })), conf(instance(v, { priority: 100 }))], [], { eth1: [] });
    const td = 10 * I + 3;
    const tu = 20 * I + 7;
    lan.schedule(td, () => lb1.setLink('eth1', false));
    lan.schedule(tu, () => lb1.setLink('eth1', true));
    lan.runUntil(tu + 20 * I);
    expect(changesOf(lan, 'lb1').slice(-3)).toEqual([
      { t: td, from: 'MASTER', to: 'FAULT', reason: 'fault' },
      { t: tu, from: 'FAULT', to: 'BACKUP', reason: 'fault-cleared' },
      { t: tu + mdiMs(v, 150), from: 'BACKUP', to: 'MASTER', reason: 'preempted' },
    ]);
    expect(lan.actionsOf('state-change', 'lb1/VI_1').find((e) => e.t === td)?.action.detail).toBe('interface eth1: down');
    expect(changesOf(lan, 'lb2').slice(-2)).toEqual([
      { t: td + skewMs(v, 100), from: 'BACKUP', to: 'MASTER', reason: 'priority-zero' },
      { t: tu + mdiMs(v, 150), from: 'MASTER', to: 'BACKUP', reason: 'higher-priority-advert' },
    ]);
    expect(vipsOf(lb1)).toEqual(heldVips(v));
    expect(vipsOf(lb2)).toEqual([]);
  });

  test('track_interface eth1 weight -60: link down lowers the MASTER to 90 and the peer preempts; no FAULT', () => {
    const { lan, hosts: [lb1] } = lanOf(v, [conf(instance(v, { priority: 150, trackInterfaces: ['eth1 weight -60'] })), conf(instance(v, { priority: 100 }))], [], { eth1: [] });
    const td = 10 * I + 3;
    lan.schedule(td, () => lb1.setLink('eth1', false));
    lan.runUntil(td + 20 * I);
    const tp = lastAdvertAt(lan, 'lb1', td) + mdiMs(v, 100);
    expect(changesOf(lan, 'lb1').slice(-1)).toEqual([{ t: tp, from: 'MASTER', to: 'BACKUP', reason: 'higher-priority-advert' }]);
    expect(changesOf(lan, 'lb2').slice(-1)).toEqual([{ t: tp, from: 'BACKUP', to: 'MASTER', reason: 'preempted' }]);
    expect(instStatus(lb1).priority.effective).toBe(90);
    expect(changesOf(lan, 'lb1').some((c) => c.to === 'FAULT')).toBe(false);
  });

  test('track_file weight 0: a non-zero value is FAULT (priority 0, peer after Skew_Time), 0 clears it', () => {
    const { lan, hosts: [lb1] } = lanOf(v, [conf(trackFile('maint', 0), instance(v, { priority: 150, trackFiles: ['maint'] })), conf(instance(v, { priority: 100 }))]);
    const tf = 10 * I + 3;
    const tc = 20 * I + 7;
    lan.schedule(tf, () => lb1.setFile('maint', '1\n'));
    lan.schedule(tc, () => lb1.setFile('maint', '0\n'));
    lan.runUntil(tc + 20 * I);
    expect(changesOf(lan, 'lb1').slice(-3)).toEqual([
      { t: tf, from: 'MASTER', to: 'FAULT', reason: 'fault' },
      { t: tc, from: 'FAULT', to: 'BACKUP', reason: 'fault-cleared' },
      { t: tc + mdiMs(v, 150), from: 'BACKUP', to: 'MASTER', reason: 'preempted' },
    ]);
    expect(changesOf(lan, 'lb2').slice(-2).map((c) => c.t)).toEqual([tf + skewMs(v, 100), tc + mdiMs(v, 150)]);
  });

  test('track_file weight 0 never written (missing file reads as 0, as keepalived): the instance starts and is elected', () => {
    const { lan, hosts: [lb1] } = lanOf(v, [conf(trackFile('maint', 0), instance(v, { priority: 150, trackFiles: ['maint'] })), conf(instance(v, { priority: 100 }))]);
    lan.runUntil(20 * I);
    expect(changesOf(lan, 'lb1')).toEqual([
      { t: 0, from: 'INIT', to: 'BACKUP', reason: 'startup' },
      { t: mdiMs(v, 150), from: 'BACKUP', to: 'MASTER', reason: 'master-down-timer' },
    ]);
    expect(instStatus(lb1).trackers.find((t) => t.kind === 'file')).toMatchObject({ name: 'maint', detail: 'no value (counts as 0)', fault: false });
  });

  test('track_file weight -10: value 6 lowers the MASTER by 60 to 90 and the peer preempts', () => {
    const { lan, hosts: [lb1] } = lanOf(v, [conf(trackFile('load', -10), instance(v, { priority: 150, trackFiles: ['load'] })), conf(instance(v, { priority: 100 }))]);
    const tf = 10 * I + 3;
    lan.schedule(tf, () => lb1.setFile('load', '6'));
    lan.runUntil(tf + 20 * I);
    expect(instStatus(lb1).priority.effective).toBe(90);
    const tp = lastAdvertAt(lan, 'lb1', tf) + mdiMs(v, 100);
    expect(changesOf(lan, 'lb2').slice(-1)).toEqual([{ t: tp, from: 'BACKUP', to: 'MASTER', reason: 'preempted' }]);
  });
});

describe('node trackers: a weight-0 script that has not reported yet (node core driven directly)', () => {
  const v = VARIANTS[0];
  const text = conf(script('chk'), instance(v, { priority: 150, trackScripts: ['chk'] }));
  const make = (): VrrpNode => {
    const { config } = parseConfigText(text, 'lb1.conf');
    const node = new VrrpNode(nodeSpecOf(config, new Map([['VI_1', '192.0.2.1']])));
    node.setLinks([{ ifname: 'eth0', up: true, addresses: ['192.0.2.1'] }], 0);
    return node;
  };
  const states = (actions: NodeAction[]): string[] =>
    actions.flatMap((a) => (a.type === 'event' && a.event.kind === 'state-change' ? [`${a.event.data.from}->${a.event.data.to}`] : []));

  test('keeps the instance in INIT (pending) until the first result, which starts it then (success: BACKUP with a full Master_Down_Interval)', () => {
    const node = make();
    const started = node.start(0);
    expect(started.filter((a) => a.type === 'run-script').map((a) => a.type === 'run-script' && a.script)).toEqual(['chk']);
    expect(states(started)).toEqual([]);
    expect(node.status().instances[0].state).toBe('INIT');
    expect(node.status().instances[0].trackers.find((t) => t.kind === 'script')).toMatchObject({ detail: 'no result yet', fault: false });
    // Nothing to wake for while the script runs: no router timer, no advert.
    expect(node.nextDeadline()).toBeNull();
    expect(node.timer(5000).filter((a) => a.type === 'transmit')).toEqual([]);
    const t = 2500;
    const out = node.scriptResult('chk', 'success', t);
    expect(states(out)).toEqual(['INIT->BACKUP']);
    expect(node.router('VI_1').nextDeadline()).toBe(t + mdiMs(v, 150));
  });

  test('a first failure starts it straight in FAULT', () => {
    const node = make();
    node.start(0);
    expect(states(node.scriptResult('chk', 'failure', 1200))).toEqual(['INIT->FAULT']);
    expect(node.status().instances[0].lastTransition).toEqual({ from: 'INIT', to: 'FAULT', reason: 'fault', atMs: 1200 });
  });
});

describe('node trackers: the source address found at start (node core driven directly)', () => {
  const v = VARIANTS[1];
  const text = conf(instance(v, { priority: 150 }));

  test('gone from its interface (link still up): the instance enters FAULT, sends nothing; back: BACKUP with a full Master_Down_Interval', () => {
    const { config } = parseConfigText(text, 'lb1.conf');
    const node = new VrrpNode(nodeSpecOf(config, new Map([['VI_1', 'fe80::1']])));
    const states = (actions: NodeAction[]): string[] =>
      actions.flatMap((a) => (a.type === 'event' && a.event.kind === 'state-change' ? [`${a.event.data.from}->${a.event.data.to}`] : []));
    node.setLinks([{ ifname: 'eth0', up: true, addresses: ['fe80::1', '2001:db8::1'] }], 0);
    expect(states(node.start(0))).toEqual(['INIT->BACKUP']);
    const lost = node.setLinks([{ ifname: 'eth0', up: true, addresses: ['2001:db8::1'] }], 1000);
    expect(states(lost)).toEqual(['BACKUP->FAULT']);
    expect(lost.some((a) => a.type === 'log' && a.message === 'source address fe80::1 is gone from eth0')).toBe(true);
    expect(node.timer(10000).filter((a) => a.type === 'transmit')).toEqual([]);
    expect(states(node.setLinks([{ ifname: 'eth0', up: true, addresses: ['fe80::1', '2001:db8::1'] }], 12000))).toEqual(['FAULT->BACKUP']);
    expect(node.router('VI_1').nextDeadline()).toBe(12000 + mdiMs(v, 150));
  });
});
