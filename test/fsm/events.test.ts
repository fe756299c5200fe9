/** ObservedRouter: typed events for the actions a router returns (lib/fsm/events.ts). */
import { ObservedRouter, VirtualRouter } from '../../lib/fsm';

describe('ObservedRouter', () => {
  test('emits state-change, advert-sent, vips-added, announce, priority-change, vips-removed, advert-received and drop for the matching actions', () => {
    const o = new ObservedRouter(
      new VirtualRouter({ name: 'VI', vrid: 1, version: 3, family: 4, priority: 100, intervalCs: 100, virtualAddresses: ['192.0.2.1'], primaryAddress: '192.0.2.2' }),
    );
    const log: string[] = [];
    o.on('state-change', (from, to, reason) => log.push(`state ${from}>${to} ${reason}`));
    o.on('advert-sent', (ad) => log.push(`sent p${ad.priority}`));
    o.on('vips-added', (a) => log.push(`add ${a.join(',')}`));
    o.on('vips-removed', (a) => log.push(`remove ${a.join(',')}`));
    o.on('announce', (a) => log.push(`announce ${a.join(',')}`));
    o.on('priority-change', (from, to) => log.push(`prio ${from}>${to}`));
    o.on('advert-received', (ad, src) => log.push(`recv p${ad.priority} ${src}`));
    o.on('drop', (reason) => log.push(`drop ${reason}`));
    o.startup(0);
    o.timer(o.nextDeadline() ?? NaN);
    o.setTracking(4000, { priorityDelta: -10, fault: false });
    o.receive({ version: 3, family: 4, vrid: 2, priority: 1, intervalCs: 100, addresses: ['192.0.2.1'] }, { src: '192.0.2.3' }, 4001);
    o.receive({ version: 3, family: 4, vrid: 1, priority: 200, intervalCs: 100, addresses: ['192.0.2.1'] }, { src: '192.0.2.3' }, 4002);
    o.shutdown(5000);
    expect(o.state).toBe('INIT');
    expect(log).toEqual([
      'state INIT>BACKUP startup',
      'sent p100',
      'add 192.0.2.1',
      'announce 192.0.2.1',
      'state BACKUP>MASTER master-down-timer',
      'prio 100>90',
      'recv p1 192.0.2.3',
      'drop VRID_NOT_CONFIGURED',
      'recv p200 192.0.2.3',
      'remove 192.0.2.1',
      'state MASTER>BACKUP higher-priority-advert',
      'state BACKUP>INIT shutdown',
    ]);
  });

  test('observe() emits for actions produced elsewhere (a sync group) and returns them unchanged', () => {
    const o = new ObservedRouter(
      new VirtualRouter({ name: 'VI', vrid: 1, version: 3, family: 4, priority: 100, intervalCs: 100, virtualAddresses: ['192.0.2.1'], primaryAddress: '192.0.2.2' }),
    );
    const seen: string[] = [];
    o.on('state-change', (_f, to, reason) => seen.push(`${to} ${reason}`));
    const actions = [{ type: 'state-change' as const, from: 'BACKUP' as const, to: 'MASTER' as const, reason: 'sync-group' as const }];
    expect(o.observe(actions)).toBe(actions);
    expect(seen).toEqual(['MASTER sync-group']);
  });
});
