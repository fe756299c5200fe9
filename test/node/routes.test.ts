/**
 * virtual_routes and virtual_rules through the node core (keepalived.conf(5): "routes add|del when changing
 * to MASTER, to BACKUP"): the MASTER installs them after its VIPs (routes, then rules), leaving MASTER and
 * stopping delete them before the VIPs (rules, then routes), a reload on a MASTER applies a changed list.
 * Over the simulated LAN and on a VrrpNode's actions.
 */
import { parseConfigText } from '../../lib/config';
import { nodeSpecOf } from '../../lib/node/from-config';
import { VrrpNode } from '../../lib/node/node';
import type { NodeAction } from '../../lib/node/types';
import { SimulatedLan } from '../../lib/sim';

const conf = (priority: number, routes: string[] = ['203.0.113.0/24 via 192.0.2.254'], rules: string[] = ['from 198.51.100.0/24 table 100 preference 100']): string => [
  'vrrp_instance VI_1 {', '  interface eth0', '  virtual_router_id 51', `  priority ${priority}`, '  advert_int 1',
  '  virtual_ipaddress {', '    192.0.2.100/24', '  }',
  '  virtual_routes {', ...routes.map((r) => `    ${r}`), '  }',
  '  virtual_rules {', ...rules.map((r) => `    ${r}`), '  }', '}', ''].join('\n');

function lan(): { lan: SimulatedLan; hosts: ReturnType<SimulatedLan['addNode']>[] } {
  const l = new SimulatedLan();
  const hosts = [200, 100].map((p, k) => l.addNode(`lb${k + 1}`, conf(p), { addresses: { eth0: [`192.0.2.${k + 1}/24`] } }));
  return { lan: l, hosts };
}

describe('virtual_routes / virtual_rules with the MASTER state', () => {
  test('the MASTER holds the routes and rules, the BACKUP none; the MASTER stopping removes them and the BACKUP taking over adds them', () => {
    const { lan: l, hosts: [a, b] } = lan();
    l.runUntil(10_000);
    expect(a.routes).toEqual(new Set(['203.0.113.0/24 via 192.0.2.254 proto 18']));
    expect(a.rules).toEqual(new Set(['from 198.51.100.0/24 lookup 100 pref 100 proto 18']));
    expect(b.routes.size + b.rules.size).toBe(0);
    a.stop();
    expect(a.routes.size + a.rules.size).toBe(0);
    l.runUntil(20_000);
    expect(b.routes).toEqual(new Set(['203.0.113.0/24 via 192.0.2.254 proto 18']));
    expect(b.rules.size).toBe(1);
  });

  test('order: VIPs, then routes and rules on becoming MASTER; routes and rules, then VIPs on leaving it', () => {
    const { config } = parseConfigText(conf(255), 'k.conf');
    const node = new VrrpNode(nodeSpecOf(config, new Map([['VI_1', '192.0.2.1']])));
    const kinds = (xs: NodeAction[]): string[] => xs.map((x) => x.type).filter((t) => t.endsWith('-vips') || t.endsWith('-routes'));
    const up = [...node.setLinks([{ ifname: 'eth0', up: true, addresses: ['192.0.2.1'] }], 0), ...node.start(0), ...node.timer(0), ...node.timer(10_000)];
    expect(kinds(up)).toEqual(['add-vips', 'add-routes']);
    const add = up.find((x): x is Extract<NodeAction, { type: 'add-routes' }> => x.type === 'add-routes');
    expect(add?.routes).toHaveLength(1);
    expect(add?.rules).toHaveLength(1);
    expect(kinds(node.shutdown(20_000))).toEqual(['remove-routes', 'remove-vips']);
  });

  test('a BACKUP (a higher priority appears) deletes them', () => {
    const l = new SimulatedLan();
    const low = l.addNode('lb1', conf(100), { addresses: { eth0: ['192.0.2.1/24'] } });
    l.runUntil(10_000);
    expect(low.routes.size).toBe(1);
    l.addNode('lb2', conf(200), { addresses: { eth0: ['192.0.2.2/24'] }, start: 10_000 });
    l.runUntil(20_000);
    expect(low.routes.size + low.rules.size).toBe(0);
  });

  test('reload on a MASTER: a route gone is deleted, a new one added, an unchanged one kept', () => {
    const { lan: l, hosts: [a] } = lan();
    l.runUntil(10_000);
    a.reload(conf(200, ['198.51.100.0/24 dev eth0 metric 7', '203.0.113.0/24 via 192.0.2.254'], ['from 198.51.100.0/24 table 101 preference 100']));
    expect([...a.routes].sort()).toEqual(['198.51.100.0/24 dev eth0 metric 7 proto 18', '203.0.113.0/24 via 192.0.2.254 proto 18']);
    expect([...a.rules]).toEqual(['from 198.51.100.0/24 lookup 101 pref 100 proto 18']);
  });
});
