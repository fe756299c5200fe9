/**
 * The wire keywords on whole nodes (simulated LAN, virtual time): vrrp_mcast_group4 / mcast_dst_ip (adverts
 * to the group, heard only by hosts that joined it), unicast_ttl (TTL of the unicast adverts; the peers
 * that set it accept them), garp_extra_if (periodic GARP on the other VIP interfaces while MASTER).
 */
import { parseConfigText } from '../../lib/config';
import { nodeSpecOf } from '../../lib/node/from-config';
import { VrrpNode } from '../../lib/node/node';
import type { NodeAction } from '../../lib/node/types';
import { VARIANTS, changesOf, conf, instStatus, instance, lanOf, mdiMs, stateOf } from './helpers';

const V4 = VARIANTS[0];
const V6 = VARIANTS[1];
const I = V4.intervalCs * 10;
const globals = (...lines: string[]): string => ['global_defs {', ...lines.map((l) => `    ${l}`), '}'].join('\n');
type Transmit = Extract<NodeAction, { type: 'transmit' }>;

/** The transmits of a node whose only instance is the address owner (MASTER at once). */
function ownerTransmits(text: string, source: string): Transmit[] {
  const config = parseConfigText(text, 'k.conf').config;
  const node = new VrrpNode(nodeSpecOf(config, new Map([['VI_1', source]])));
  node.setLinks([{ ifname: 'eth0', up: true, addresses: [source] }], 0);
  return node.start(0).filter((a): a is Transmit => a.type === 'transmit');
}

describe('multicast group', () => {
  test('vrrp_mcast_group4: the transmit goes to the group; mcast_dst_ip overrides it; IPv6 uses vrrp_mcast_group6', () => {
    expect(ownerTransmits(conf(globals('vrrp_mcast_group4 224.0.0.19'), instance(V4, { priority: 255 })), '192.0.2.1').map((t) => t.dst)).toEqual(['224.0.0.19']);
    expect(ownerTransmits(conf(globals('vrrp_mcast_group4 224.0.0.19'), instance(V4, { priority: 255, extra: ['mcast_dst_ip 224.0.0.20'] })), '192.0.2.1').map((t) => t.dst)).toEqual(['224.0.0.20']);
    expect(ownerTransmits(conf(globals('vrrp_mcast_group6 ff02::13'), instance(V6, { priority: 255 })), 'fe80::1').map((t) => t.dst)).toEqual(['ff02::13']);
  });

  test('two hosts on 224.0.0.19 elect one MASTER; a host on the IANA group hears neither (and is MASTER of its own)', () => {
    const g19 = (priority: number): string => conf(globals('vrrp_mcast_group4 224.0.0.19'), instance(V4, { priority }));
    const { lan, hosts: [lb1, lb2, lb3] } = lanOf(V4, [g19(150), g19(100), conf(instance(V4, { priority: 50 }))]);
    lan.runUntil(30 * I);
    expect([stateOf(lb1), stateOf(lb2), stateOf(lb3)]).toEqual(['MASTER', 'BACKUP', 'MASTER']);
    expect(changesOf(lan, 'lb1').slice(-1)).toEqual([{ t: mdiMs(V4, 150), from: 'BACKUP', to: 'MASTER', reason: 'master-down-timer' }]);
    expect(instStatus(lb2).counters.advertsReceived).toBeGreaterThan(20);
    expect(instStatus(lb2).master).toBe('192.0.2.1');
    // Neither side's adverts cross: lb3 never joined 224.0.0.19, lb1 / lb2 never joined 224.0.0.18.
    expect(instStatus(lb3).counters.advertsReceived).toBe(0);
    expect(instStatus(lb1).counters.advertsReceived).toBe(0);
  });
});

describe('unicast_ttl', () => {
  const peerOf = (i: number, ttl?: number): string =>
    conf(instance(V4, { priority: i === 1 ? 150 : 100, unicastSrcIp: `192.0.2.${i}`, unicastPeers: [`192.0.2.${3 - i}`], extra: ttl === undefined ? [] : [`unicast_ttl ${ttl}`] }));

  test('the unicast transmit carries the TTL; the multicast one has none (255)', () => {
    const t = ownerTransmits(conf(instance(V4, { priority: 255, unicastSrcIp: '192.0.2.1', unicastPeers: ['192.0.2.2'], extra: ['unicast_ttl 10'] })), '192.0.2.1');
    expect(t.map((x) => [x.dst, x.ttl])).toEqual([['192.0.2.2', 10]]);
    expect(ownerTransmits(conf(instance(V4, { priority: 255, extra: ['unicast_ttl 10'] })), '192.0.2.1').map((x) => x.ttl)).toEqual([undefined]);
  });

  test('a peer with unicast_ttl accepts adverts of TTL 10; one without it drops them (TTL_NOT_255) and takes over too', () => {
    const ok = lanOf(V4, [peerOf(1, 10), peerOf(2, 10)]);
    ok.lan.runUntil(30 * I);
    expect([stateOf(ok.hosts[0]), stateOf(ok.hosts[1])]).toEqual(['MASTER', 'BACKUP']);
    const strict = lanOf(V4, [peerOf(1, 10), peerOf(2)]);
    strict.lan.runUntil(30 * I);
    expect([stateOf(strict.hosts[0]), stateOf(strict.hosts[1])]).toEqual(['MASTER', 'MASTER']);
    expect(instStatus(strict.hosts[1]).counters.dropped.TTL_NOT_255).toBeGreaterThan(20);
  });
});

describe('garp_extra_if', () => {
  test('while MASTER: the VIPs of eth1 announced on eth1 on entering MASTER, then one GARP there every SECS; none on the own interface; none once BACKUP', () => {
    const vips = ['192.0.2.100/24', '198.51.100.1/24 dev eth1', '198.51.100.2/24 dev eth1'];
    const text = (priority: number): string => conf(instance(V4, { priority, vips, extra: ['garp_extra_if 2 all', 'garp_master_delay 0', 'garp_master_repeat 1'] }));
    const { lan, hosts: [lb1] } = lanOf(V4, [text(100)], [], { eth1: ['198.51.100.9/24'] });
    const t0 = mdiMs(V4, 100);
    lan.runUntil(t0 + 7000);
    const extra = lb1.records.filter((r) => r.kind === 'announce' && r.dev === 'eth1').map((r) => [r.t, r.kind === 'announce' ? r.addresses : []]);
    // Entering MASTER announces every VIP on its own device (eth1's from eth1); then one every 2 s.
    expect(extra).toEqual([[t0, ['198.51.100.1/24', '198.51.100.2/24']], ...[2000, 4000, 6000].map((d) => [t0 + d, ['198.51.100.1/24']])]);
    // A higher priority arrives: lb1 goes BACKUP and its refreshes stop.
    const lb2 = lan.addNode('lb2', text(200), { addresses: V4.addresses(2), start: lan.now });
    lan.runUntil(t0 + 20000);
    expect(stateOf(lb1)).toBe('BACKUP');
    expect(stateOf(lb2)).toBe('MASTER');
    const after = lb1.records.filter((r) => r.kind === 'announce' && r.dev === 'eth1' && r.t > t0 + 8000);
    expect(after).toEqual([]);
  });
});
