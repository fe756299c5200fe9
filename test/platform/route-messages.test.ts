/**
 * The rtnetlink messages of virtual routes, rules and VIP options (lib/platform/route-messages.ts), encoded
 * through the `netlink` package and parsed back: rtmsg / fib_rule_hdr / ifaddrmsg fields and attributes.
 */
import { AttrStream, rt } from 'netlink';
import { addressMessage, routeMessage, ruleMessage } from '../../lib/platform/route-messages';
import type { RouteSpec, RuleSpec } from '../../lib/platform/types';

const route = (extra: Partial<RouteSpec> = {}): RouteSpec => ({ family: 4, type: 'unicast', dst: '203.0.113.0/24', table: 254, protocol: 18, onlink: false, append: false, metrics: {}, ...extra });

describe('routeMessage', () => {
  test('a gateway route in table 100 with metric, dev, onlink and mtu; protocol 18, scope universe', () => {
    const { data, attrs } = routeMessage(route({ via: '192.0.2.254', dev: 'eth0', table: 100, metric: 7, onlink: true, metrics: { mtu: 1400 } }), () => 3);
    expect(data).toMatchObject({ family: 2, dstLen: 24, table: 100, protocol: 18, scope: 0, type: 1, flags: { __unknown: 4 } });
    const s = new AttrStream();
    s.emit(rt.formatRouteAttrs(attrs));
    const back = rt.parseRouteAttrs(Buffer.concat(s.bufs));
    expect([...(back.dst ?? [])]).toEqual([203, 0, 113, 0]);
    expect([...(back.gateway ?? [])]).toEqual([192, 0, 2, 254]);
    expect(back).toMatchObject({ oif: 3, priority: 7, table: 100 });
    expect(back.metrics?.mtu?.readUInt32LE(0)).toBe(1400);
  });
  test('a direct route gets scope link; a blackhole universe; delete asks scope nowhere and no metrics; a big table goes in RTA_TABLE', () => {
    expect(routeMessage(route({ dev: 'eth0' }), () => 3).data.scope).toBe(253);
    expect(routeMessage(route({ type: 'blackhole' }), () => 0).data).toMatchObject({ scope: 0, type: 6 });
    const del = routeMessage(route({ via: '192.0.2.1', metrics: { mtu: 1400 }, table: 6909 }), () => 0, true);
    expect(del.data).toMatchObject({ scope: 255, table: 252 });
    expect(del.attrs).toMatchObject({ table: 6909 });
    expect(del.attrs.metrics).toBeUndefined();
    expect(routeMessage(route({ dst: '0.0.0.0/0', via: '192.0.2.1' }), () => 0).attrs.dst).toBeUndefined();
  });
});

describe('ruleMessage', () => {
  const rule = (extra: Partial<RuleSpec> = {}): RuleSpec => ({ family: 4, action: 'table', invert: false, l3mdev: false, protocol: 18, ...extra });
  test('from PREFIX table 100 preference 100: FRA_SRC, FRA_TABLE, FRA_PRIORITY, FRA_PROTOCOL', () => {
    const { data, attrs } = ruleMessage(rule({ from: '198.51.100.0/24', table: 100, preference: 100 }));
    expect(data).toMatchObject({ family: 2, srcLen: 24, dstLen: 0, table: 100, action: 1 });
    expect(attrs).toMatchObject({ table: 100, priority: 100, protocol: 18 });
    expect([...(attrs.src ?? [])]).toEqual([198, 51, 100, 0]);
  });
  test('not, fwmark/mask, iif, goto and prohibit', () => {
    expect(ruleMessage(rule({ invert: true, fwmark: 16, fwmask: 255, iif: 'eth0' })).data.flags).toEqual({ __unknown: 2 });
    expect(ruleMessage(rule({ fwmark: 16, fwmask: 255, iif: 'eth0' })).attrs).toMatchObject({ fwmark: 16, fwmask: 255, iifname: 'eth0' });
    expect(ruleMessage(rule({ action: 'goto', goto: 40 }))).toMatchObject({ data: { action: 2, table: 0 }, attrs: { goto: 40 } });
    expect(ruleMessage(rule({ action: 'prohibit' })).data.action).toBe(8);
  });
});

describe('addressMessage', () => {
  test('label, scope, broadcast, flags and preferred lifetime', () => {
    const { data, attrs } = addressMessage(3, 4, '192.0.2.10', 24, { label: 'eth0:1', scope: 253, broadcast: '192.0.2.255', noprefixroute: true, preferredLftS: 0 });
    expect(data).toMatchObject({ family: 2, prefixlen: 24, index: 3, scope: 253 });
    expect(attrs).toMatchObject({ label: 'eth0:1', flags: { noprefixroute: true }, cacheInfo: { ifaPrefered: 0, ifaValid: 0xffffffff } });
    expect([...(attrs.broadcast ?? [])]).toEqual([192, 0, 2, 255]);
  });
  test('a peer: IFA_LOCAL the address, IFA_ADDRESS the peer, its prefix length; IPv6 keeps nodad', () => {
    const { data, attrs } = addressMessage(3, 4, '192.0.2.11', 32, { peer: '192.0.2.99' });
    expect(data.prefixlen).toBe(32);
    expect([...(attrs.local ?? [])]).toEqual([192, 0, 2, 11]);
    expect([...(attrs.address ?? [])]).toEqual([192, 0, 2, 99]);
    expect(addressMessage(3, 6, '2001:db8::1', 64).attrs.flags).toEqual({ nodad: true });
    expect(addressMessage(3, 4, '192.0.2.1', 24).attrs.flags).toBeUndefined();
  });
});
