/**
 * keepalived `vrrp_sync_group` over the simulated LAN: two hosts, each with two instances (VRID 1 and 2)
 * in one sync group. Host 1 has the higher priority on both.
 */
import { RouterConfig } from '../../lib/fsm';
import { SimulatedLan } from '../../lib/sim';

function inst(name: string, host: number, vrid: number, priority: number, intervalCs: number): RouterConfig {
  return {
    name,
    vrid,
    version: 3,
    family: 4,
    priority,
    intervalCs,
    virtualAddresses: [`203.0.113.${100 + vrid}`],
    primaryAddress: `203.0.113.${host}`,
  };
}

function skewMs(p: number, intervalCs: number): number {
  return ((256 - p) * intervalCs * 10) / 256;
}

function mdiMs(p: number, intervalCs: number): number {
  return 3 * intervalCs * 10 + skewMs(p, intervalCs);
}

/** Host 1 (priority 200) and host 2 (priority 100); VI_1 every `i1` cs, VI_2 every `i2` cs. */
function twoHosts(i1 = 50, i2 = 50): SimulatedLan {
  const lan = new SimulatedLan();
  lan.addRouter(inst('h1a', 1, 1, 200, i1));
  lan.addRouter(inst('h1b', 1, 2, 200, i2));
  lan.addRouter(inst('h2a', 2, 1, 100, i1));
  lan.addRouter(inst('h2b', 2, 2, 100, i2));
  lan.addSyncGroup('G1', ['h1a', 'h1b']);
  lan.addSyncGroup('G2', ['h2a', 'h2b']);
  for (const n of lan.routerNames()) lan.startup(n, 0);
  return lan;
}

function last(lan: SimulatedLan, name: string): { t: number; from: string; to: string; reason: string } {
  const e = lan.actionsOf('state-change', name).slice(-1)[0];
  return { t: e.t, from: e.action.from, to: e.action.to, reason: e.action.reason };
}

describe('keepalived vrrp_sync_group', () => {
  test('keepalived vrrp_sync_group: the group comes up with host 1 MASTER on every member', () => {
    const lan = twoHosts();
    lan.runUntil(10_000);
    expect(lan.masters()).toEqual(['h1a', 'h1b']);
  });

  test('keepalived vrrp_sync_group: when one member faults every member goes FAULT (each MASTER sends priority 0 first) and the peer group takes over together after Skew_Time', () => {
    const lan = twoHosts();
    lan.runUntil(10_000);
    const tf = 10_000.5;
    lan.setTracking('h1a', { priorityDelta: 0, fault: true, reason: 'eth1 down' }, tf);
    lan.runUntil(20_000);
    expect(last(lan, 'h1a')).toEqual({ t: tf, from: 'MASTER', to: 'FAULT', reason: 'fault' });
    expect(last(lan, 'h1b')).toEqual({ t: tf, from: 'MASTER', to: 'FAULT', reason: 'sync-group' });
    for (const n of ['h1a', 'h1b']) {
      const types = lan.trace.filter((e) => e.router === n && e.t === tf).map((e) => e.action.type);
      expect(types).toEqual(['send-advert', 'remove-vips', 'state-change']);
    }
    const takeover = tf + skewMs(100, 50);
    expect(last(lan, 'h2a').t).toBe(takeover);
    expect(last(lan, 'h2b').t).toBe(takeover);
    expect(lan.masters()).toEqual(['h2a', 'h2b']);
  });

  test('keepalived vrrp_sync_group: the group leaves FAULT only when no member has a fault of its own, then every member goes BACKUP together', () => {
    const lan = twoHosts();
    lan.runUntil(10_000);
    lan.setTracking('h1a', { priorityDelta: 0, fault: true }, 10_001);
    lan.setTracking('h1b', { priorityDelta: 0, fault: true }, 10_002);
    lan.setTracking('h1a', { priorityDelta: 0, fault: false }, 12_000);
    lan.runUntil(14_000);
    expect(lan.stateOf('h1a')).toBe('FAULT');
    expect(lan.stateOf('h1b')).toBe('FAULT');
    const tc = 14_000.25;
    lan.setTracking('h1b', { priorityDelta: 0, fault: false }, tc);
    lan.runUntil(tc);
    expect(last(lan, 'h1a')).toEqual({ t: tc, from: 'FAULT', to: 'BACKUP', reason: 'fault-cleared' });
    expect(last(lan, 'h1b')).toEqual({ t: tc, from: 'FAULT', to: 'BACKUP', reason: 'fault-cleared' });
    lan.runUntil(30_000);
    // Both preempt together once their Master_Down_Timers have run out.
    expect(last(lan, 'h1a').t).toBe(tc + mdiMs(200, 50));
    expect(last(lan, 'h1b').t).toBe(tc + mdiMs(200, 50));
    expect(lan.masters()).toEqual(['h1a', 'h1b']);
  });

  test('keepalived vrrp_sync_group: a member becomes MASTER only when every member wants MASTER, then all move together', () => {
    const lan = twoHosts(50, 100);
    lan.runUntil(10_000);
    lan.crash('h1a', 10_000.5);
    lan.crash('h1b', 10_000.5);
    lan.runUntil(20_000);
    const lastA = lan.actionsOf('send-advert', 'h1a').map((e) => e.t).filter((t) => t <= 10_000.5).pop() ?? NaN;
    const lastB = lan.actionsOf('send-advert', 'h1b').map((e) => e.t).filter((t) => t <= 10_000.5).pop() ?? NaN;
    const aFires = lastA + mdiMs(100, 50);
    const bFires = lastB + mdiMs(100, 100);
    expect(aFires).toBeLessThan(bFires);
    // h2a's timer fired first but h2b still heard its Master: h2a waited; both moved when h2b's fired.
    expect(last(lan, 'h2b')).toEqual({ t: bFires, from: 'BACKUP', to: 'MASTER', reason: 'master-down-timer' });
    expect(last(lan, 'h2a')).toEqual({ t: bFires, from: 'BACKUP', to: 'MASTER', reason: 'sync-group' });
    expect(lan.holders('203.0.113.101')).toEqual(['h2a']);
    expect(lan.holders('203.0.113.102')).toEqual(['h2b']);
  });

  test('keepalived vrrp_sync_group: a member whose Master went silent stays BACKUP while another member still hears its Master (no thrashing)', () => {
    const lan = twoHosts();
    lan.runUntil(10_000);
    lan.schedule(10_000.5, () => lan.link.partition([['h1a'], ['h2a', 'h1b', 'h2b']]));
    lan.runUntil(60_000);
    expect(lan.stateOf('h2a')).toBe('BACKUP');
    expect(lan.router('h2a').wantsMaster).toBe(true);
    expect(lan.stateOf('h2b')).toBe('BACKUP');
    expect(lan.actionsOf('state-change', 'h2a', 10_000)).toEqual([]);
  });

  test('keepalived vrrp_sync_group: when a MASTER member drops to BACKUP every member drops to BACKUP', () => {
    const lan = twoHosts(50, 100);
    lan.runUntil(10_000);
    lan.shutdown('h1a', 10_001);
    lan.shutdown('h1b', 10_001);
    lan.runUntil(20_000);
    expect(lan.masters()).toEqual(['h2a', 'h2b']);
    lan.startup('h1a', 20_000.5);
    lan.startup('h1b', 20_000.5);
    lan.runUntil(40_000);
    // h1b's timer (VI_2, 100 cs) fires last; host 1 moves to MASTER then. h2b hears h1b first and steps
    // down; h2a follows through its sync group before it hears h1a.
    const t = 20_000.5 + mdiMs(200, 100);
    expect(last(lan, 'h1b')).toEqual({ t, from: 'BACKUP', to: 'MASTER', reason: 'preempted' });
    expect(last(lan, 'h1a')).toEqual({ t, from: 'BACKUP', to: 'MASTER', reason: 'sync-group' });
    expect(last(lan, 'h2b')).toEqual({ t, from: 'MASTER', to: 'BACKUP', reason: 'higher-priority-advert' });
    expect(last(lan, 'h2a')).toEqual({ t, from: 'MASTER', to: 'BACKUP', reason: 'sync-group' });
    expect(lan.masters()).toEqual(['h1a', 'h1b']);
  });
});
