/**
 * keepalived FAULT state driven by tracker impact (`setTracking`), over the simulated LAN, for v3 IPv4,
 * v3 IPv6 and v2.
 */
import { RouterConfig } from '../../lib/fsm';
import { SimulatedLan } from '../../lib/sim';
import { type Variant, changes, mdiMs, routerCfg, skewMs, variants } from '../helpers/sim';

const VARIANTS = variants(['192.0.2.100']);

const cfg = (v: Variant, name: string, i: number, priority: number, extra: Partial<RouterConfig> = {}): RouterConfig =>
  routerCfg(v, 3, name, i, priority, extra);

const FAULT = { priorityDelta: 0, fault: true, reason: 'eth1 down' };
const CLEAR = { priorityDelta: 0, fault: false };

describe.each(VARIANTS)('keepalived FAULT ($label)', (v) => {
  const I = v.intervalCs * 10;

  test('keepalived FAULT: a MASTER whose tracker faults sends priority 0 first, releases the VIPs, enters FAULT, and the Backup takes over after Skew_Time', () => {
    const lan = new SimulatedLan();
    lan.addRouter(cfg(v, 'master', 1, 150));
    lan.addRouter(cfg(v, 'backup', 2, 100));
    lan.startup('master', 0);
    lan.startup('backup', 0);
    const tf = 20 * I + 3;
    lan.setTracking('master', FAULT, tf);
    lan.runUntil(40 * I);
    const at = lan.trace.filter((e) => e.router === 'master' && e.t === tf).map((e) => e.action);
    expect(at.map((a) => a.type)).toEqual(['send-advert', 'remove-vips', 'state-change']);
    expect(at[0].type === 'send-advert' && at[0].advert.priority).toBe(0);
    expect(at[2]).toEqual({ type: 'state-change', from: 'MASTER', to: 'FAULT', reason: 'fault', detail: 'eth1 down' });
    expect(changes(lan, 'backup').slice(-1)).toEqual([{ t: tf + skewMs(v, 100), from: 'BACKUP', to: 'MASTER', reason: 'priority-zero' }]);
    expect(lan.holders(v.vips[0])).toEqual(['backup']);
  });

  test('keepalived FAULT: in FAULT the router ignores adverts and sends nothing', () => {
    const lan = new SimulatedLan();
    const m = lan.addRouter(cfg(v, 'master', 1, 150));
    lan.addRouter(cfg(v, 'backup', 2, 100));
    lan.startup('master', 0);
    lan.startup('backup', 0);
    const tf = 20 * I + 3;
    lan.setTracking('master', FAULT, tf);
    lan.runUntil(100 * I);
    expect(m.state).toBe('FAULT');
    expect(m.nextDeadline()).toBeNull();
    expect(lan.actionsOf('send-advert', 'master', tf + 0.001)).toEqual([]);
    const ignored = lan.actionsOf('drop', 'master', tf);
    expect(ignored.length).toBeGreaterThan(50);
    expect(new Set(ignored.map((e) => e.action.reason))).toEqual(new Set(['STATE_FAULT']));
  });

  test('keepalived FAULT: when the fault clears a non-owner goes BACKUP with a full Master_Down_Interval, then preempts the lower Master', () => {
    const lan = new SimulatedLan();
    lan.addRouter(cfg(v, 'master', 1, 150));
    lan.addRouter(cfg(v, 'backup', 2, 100));
    lan.startup('master', 0);
    lan.startup('backup', 0);
    lan.setTracking('master', FAULT, 20 * I + 3);
    const tc = 40 * I + 5;
    lan.setTracking('master', CLEAR, tc);
    lan.runUntil(80 * I);
    expect(changes(lan, 'master').slice(-2)).toEqual([
      { t: tc, from: 'FAULT', to: 'BACKUP', reason: 'fault-cleared' },
      { t: tc + mdiMs(v, 150), from: 'BACKUP', to: 'MASTER', reason: 'preempted' },
    ]);
    expect(changes(lan, 'backup').slice(-1)[0]).toEqual({ t: tc + mdiMs(v, 150), from: 'MASTER', to: 'BACKUP', reason: 'higher-priority-advert' });
  });

  test('keepalived FAULT: when the fault clears the address owner becomes MASTER at once', () => {
    const lan = new SimulatedLan();
    lan.addRouter(cfg(v, 'owner', 1, 255));
    lan.addRouter(cfg(v, 'backup', 2, 100));
    lan.startup('owner', 0);
    lan.startup('backup', 0);
    lan.setTracking('owner', FAULT, 10 * I + 3);
    const tc = 30 * I + 5;
    lan.setTracking('owner', CLEAR, tc);
    lan.runUntil(40 * I);
    expect(changes(lan, 'owner').slice(-1)).toEqual([{ t: tc, from: 'FAULT', to: 'MASTER', reason: 'fault-cleared' }]);
    expect(changes(lan, 'backup').slice(-1)).toEqual([{ t: tc, from: 'MASTER', to: 'BACKUP', reason: 'higher-priority-advert' }]);
  });

  test('keepalived FAULT: a BACKUP whose tracker faults enters FAULT and does not take over from a dead Master until the fault clears', () => {
    const lan = new SimulatedLan();
    lan.addRouter(cfg(v, 'master', 1, 150));
    lan.addRouter(cfg(v, 'backup', 2, 100));
    lan.startup('master', 0);
    lan.startup('backup', 0);
    lan.setTracking('backup', FAULT, 10 * I + 1);
    lan.crash('master', 12 * I);
    const tc = 40 * I + 5;
    lan.setTracking('backup', CLEAR, tc);
    lan.runUntil(60 * I);
    expect(changes(lan, 'backup')).toEqual([
      { t: 0, from: 'INIT', to: 'BACKUP', reason: 'startup' },
      { t: 10 * I + 1, from: 'BACKUP', to: 'FAULT', reason: 'fault' },
      { t: tc, from: 'FAULT', to: 'BACKUP', reason: 'fault-cleared' },
      { t: tc + mdiMs(v, 100), from: 'BACKUP', to: 'MASTER', reason: 'master-down-timer' },
    ]);
    expect(lan.actionsOf('send-advert', 'backup').filter((e) => e.t < tc)).toEqual([]);
  });

  test('keepalived FAULT: an instance faulted before start-up enters FAULT at start-up', () => {
    const lan = new SimulatedLan();
    lan.addRouter(cfg(v, 'r', 1, 255));
    lan.setTracking('r', FAULT, 0);
    lan.startup('r', 0);
    lan.runUntil(10 * I);
    expect(changes(lan, 'r')).toEqual([{ t: 0, from: 'INIT', to: 'FAULT', reason: 'fault' }]);
    expect(lan.actionsOf('send-advert', 'r')).toEqual([]);
  });
});
