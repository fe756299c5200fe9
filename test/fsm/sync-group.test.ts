/** The sync group coordinator driven by hand (lib/fsm/sync-group.ts). */
import { Action, RouterConfig, SyncGroup, VirtualRouter } from '../../lib/fsm';

function member(vrid: number, priority = 100): VirtualRouter {
  const c: RouterConfig = { name: `VI_${vrid}`, vrid, version: 3, family: 4, priority, intervalCs: 100, virtualAddresses: [`192.0.2.${vrid}`], primaryAddress: '192.0.2.200' };
  return new VirtualRouter(c);
}

function masterNow(r: VirtualRouter, g: SyncGroup, now: number): void {
  const actions = r.timer(now);
  g.process(now, r, actions);
}

describe('SyncGroup', () => {
  test('keepalived vrrp_sync_group: a MASTER member dropping to BACKUP moves the other MASTER members to BACKUP (VIPs released, no priority 0)', () => {
    const a = member(1);
    const b = member(2);
    const g = new SyncGroup('G', [a, b]);
    g.process(0, a, a.startup(0));
    g.process(0, b, b.startup(0));
    a.timer(3609.375);
    const extra = g.process(3609.375, b, b.timer(3609.375));
    expect(extra.map((m) => [m.router.config.name, m.actions.map((x) => x.type)])).toEqual([['VI_1', ['send-advert', 'add-vips', 'announce', 'state-change']]]);
    expect(g.state).toBe('MASTER');
    const step = a.receive({ version: 3, family: 4, vrid: 1, priority: 200, intervalCs: 100, addresses: ['192.0.2.1'] }, { src: '192.0.2.9' }, 5000);
    const out = g.process(5000, a, step);
    expect(out).toHaveLength(1);
    expect(out[0].router).toBe(b);
    expect(out[0].actions).toEqual<Action[]>([
      { type: 'remove-vips', addresses: ['192.0.2.2'] },
      { type: 'state-change', from: 'MASTER', to: 'BACKUP', reason: 'sync-group' },
    ]);
    expect(b.nextDeadline()).toBe(5000 + 3609.375);
    expect(g.state).toBe('BACKUP');
  });

  test('keepalived vrrp_sync_group: the master gate holds a member in BACKUP until every member wants MASTER', () => {
    const a = member(1);
    const b = member(2);
    const g = new SyncGroup('G', [a, b]);
    a.startup(0);
    b.startup(1000);
    expect(a.timer(3609.375)).toEqual([]);
    expect(a.wantsMaster).toBe(true);
    expect(a.nextDeadline()).toBe(3609.375 * 2);
    masterNow(b, g, 4609.375);
    expect([a.state, b.state]).toEqual(['MASTER', 'MASTER']);
    g.dispose();
  });

  test('keepalived vrrp_sync_group: a fault lifted on one member is held while another member still has its own fault; process() with no actions re-evaluates', () => {
    const a = member(1);
    const b = member(2);
    const g = new SyncGroup('G', [a, b]);
    g.process(0, a, a.startup(0));
    g.process(0, b, b.startup(0));
    g.process(10, a, a.setTracking(10, { priorityDelta: 0, fault: true }));
    expect([a.state, b.state, g.state]).toEqual(['FAULT', 'FAULT', 'FAULT']);
    g.process(20, b, b.setTracking(20, { priorityDelta: 0, fault: true }));
    expect(g.process(30, a, a.setTracking(30, { priorityDelta: 0, fault: false }))).toEqual([]);
    expect([a.state, b.state]).toEqual(['FAULT', 'FAULT']);
    const lifted = g.process(40, b, b.setTracking(40, { priorityDelta: 0, fault: false }));
    expect(lifted.map((m) => m.router.config.name)).toEqual(['VI_1', 'VI_2']);
    expect([a.state, b.state, g.state]).toEqual(['BACKUP', 'BACKUP', 'BACKUP']);
  });

  test('a router listed twice is refused; dispose() removes the gates', () => {
    const a = member(1);
    expect(() => new SyncGroup('G', [a, a])).toThrow(TypeError);
    const g = new SyncGroup('G', [a, member(2)]);
    g.dispose();
    a.startup(0);
    expect(a.timer(3609.375).some((x) => x.type === 'state-change')).toBe(true);
  });
});
