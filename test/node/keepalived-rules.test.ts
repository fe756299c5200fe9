/**
 * keepalived.conf(5) receive and timer keywords on whole nodes: skip_check_adv_addr, check_unicast_src (vrrpd
 * always checks; one note where keepalived would not), unicast_peer min_ttl / max_ttl, down_timer_adverts,
 * higher_prio_send_advert, garp_lower_prio_delay / _repeat, track_src_ip and unicast_fault_no_peer.
 */
import { parseConfigText } from '../../lib/config/parse';
import { nodeSpecOf, VrrpNode, type NodeAction } from '../../lib/node';
import type { SimHost } from '../../lib/sim';
import { VARIANTS, type NodeVariant, advertOf, advertsOf, changesOf, conf, instStatus, instance, lanOf, mdiMs, otherVip, skewMs, stateOf } from './helpers';

const ucast = (v: NodeVariant, i: number): string => (v.family === 4 ? `192.0.2.${i}` : `2001:db8::${i.toString(16)}`);
const announcements = (h: SimHost, since = -Infinity): number[] => h.records.flatMap((r) => (r.kind === 'announce' && r.t >= since ? [r.t] : []));
const warnLogs = (h: SimHost): string[] => h.records.flatMap((r) => (r.kind === 'log' && r.level === 'warn' ? [r.message] : []));

describe.each(VARIANTS)('keepalived receive and timer keywords ($label)', (v) => {
  const I = v.intervalCs * 10;

  test.each([
    ['no keyword', [], '', false],
    ['skip_check_adv_addr', ['skip_check_adv_addr'], '', true],
    ['global vrrp_skip_check_adv_addr', [], 'vrrp_skip_check_adv_addr', true],
    ['skip_check_adv_addr off overrides the global one', ['skip_check_adv_addr false'], 'vrrp_skip_check_adv_addr', false],
  ])('%s: a BACKUP whose VIPs differ from its master counts addressListErrors %#', (_label, extra, global, skip) => {
    const backup = instance(v, { priority: 100, vips: [...v.vipLines, otherVip(v)], extra });
    const text = global ? conf(backup).replace('router_id test', `router_id test\n    ${global}`) : conf(backup);
    const { lan, hosts: [, lb2] } = lanOf(v, [conf(instance(v, { priority: 150 })), text]);
    lan.runUntil(30 * I);
    const c = instStatus(lb2).counters;
    expect(c.advertsReceived).toBeGreaterThan(20);
    // keepalived: the list of an advert from the master already followed is not checked; its first advert is.
    expect(c.addressListErrors).toBe(skip ? 1 : c.advertsReceived);
  });

  test('an advert from outside unicast_peer is dropped with or without check_unicast_src; without it, one note per source says keepalived would accept it', () => {
    const peers = (i: number, extra: string[] = []): string => conf(instance(v, { priority: 100 + i, unicastSrcIp: ucast(v, i), unicastPeers: [ucast(v, 3 - i)], extra }));
    const { lan, hosts: [lb1, lb2] } = lanOf(v, [peers(1), peers(2, ['check_unicast_src'])]);
    for (const at of [10 * I + 3, 12 * I + 3]) lan.inject(ucast(v, 9), advertOf(v, 200), { at });
    lan.runUntil(20 * I);
    for (const h of [lb1, lb2]) expect(instStatus(h).counters.dropped).toEqual({ UNICAST_PEER_UNKNOWN: 2 });
    expect(warnLogs(lb1)).toEqual([`instance VI_1: adverts from ${ucast(v, 9)} are dropped: it is not in unicast_peer (vrrpd always checks the source; keepalived does only with check_unicast_src). If it is one of the routers, add it to unicast_peer`]);
    expect(warnLogs(lb2)).toEqual([]);
  });

  test('unicast_peer min_ttl / max_ttl: the peer\'s adverts must have a TTL in range (240 accepted, 230 dropped as TTL_OUT_OF_RANGE); without a range 255 is required', () => {
    const { lan, hosts: [lb1, lb2] } = lanOf(v, [
      conf(instance(v, { priority: 150, unicastSrcIp: ucast(v, 1), unicastPeers: [`${ucast(v, 2)} min_ttl 240 max_ttl 255`] })),
      conf(instance(v, { priority: 100, unicastSrcIp: ucast(v, 2), unicastPeers: [ucast(v, 1)] })),
    ]);
    const t1 = 10 * I + 3;
    lan.inject(ucast(v, 2), advertOf(v, 50), { at: t1, ttl: 230, to: ['lb1'] });
    lan.inject(ucast(v, 1), advertOf(v, 200), { at: t1, ttl: 240, to: ['lb2'] });
    lan.runUntil(t1 + 1);
    expect(instStatus(lb1).counters.dropped).toEqual({ TTL_OUT_OF_RANGE: 1 });
    expect(instStatus(lb1).counters.ttlErrors).toBe(1);
    expect(instStatus(lb2).counters.dropped).toEqual({ TTL_NOT_255: 1 });
    expect(stateOf(lb1)).toBe('MASTER');
    const t2 = 12 * I + 3;
    lan.inject(ucast(v, 2), advertOf(v, 200), { at: t2, ttl: 240, to: ['lb1'] });
    lan.runUntil(t2);
    expect(changesOf(lan, 'lb1').slice(-1)).toEqual([{ t: t2, from: 'MASTER', to: 'BACKUP', reason: 'higher-priority-advert' }]);
  });

  test.each([
    ['down_timer_adverts 5', ['down_timer_adverts 5'], '', 5],
    ['global vrrp_down_timer_adverts 1', [], 'vrrp_down_timer_adverts 1', 1],
    ['down_timer_adverts 5 under strict_mode (reset to 3)', ['down_timer_adverts 5', 'strict_mode'], '', 3],
  ])('%s: a lone BACKUP takes over after N × interval + Skew_Time; after the master dies, N × interval + Skew_Time after its last advert', (_label, extra, global, n) => {
    const text = conf(instance(v, { priority: 100, extra })).replace('router_id test', `router_id test\n    ${global}`);
    const { lan } = lanOf(v, [text]);
    lan.runUntil(20 * I);
    expect(changesOf(lan, 'lb1').slice(-1)).toEqual([{ t: n * I + skewMs(v, 100), from: 'BACKUP', to: 'MASTER', reason: 'master-down-timer' }]);
    expect(mdiMs(v, 100)).toBe(3 * I + skewMs(v, 100));
  });

  test.each([[true], [false]])('higher_prio_send_advert %s: a MASTER hearing a higher priority sends one advert of its own first', (on) => {
    const { lan } = lanOf(v, [conf(instance(v, { priority: 150, extra: on ? ['higher_prio_send_advert'] : [] }))]);
    const ti = 10 * I + 3;
    lan.inject(v.addr(9), advertOf(v, 200), { at: ti });
    lan.runUntil(ti);
    expect(changesOf(lan, 'lb1').slice(-1)).toEqual([{ t: ti, from: 'MASTER', to: 'BACKUP', reason: 'higher-priority-advert' }]);
    expect(advertsOf(lan, 'lb1', 'VI_1', ti, ti)).toEqual(on ? [{ t: ti, priority: 150 }] : []);
  });

  test.each([
    ['default (the global garp_master repeat 5 and delay 5 s)', [], '', 5, 5000],
    ['garp_lower_prio_repeat 2, garp_lower_prio_delay 3', ['garp_lower_prio_repeat 2', 'garp_lower_prio_delay 3'], '', 2, 3000],
    ['global vrrp_garp_lower_prio_repeat 1, delay 0', [], 'vrrp_garp_lower_prio_repeat 1\n    vrrp_garp_lower_prio_delay 0', 1, 0],
    ['garp_lower_prio_repeat 0', ['garp_lower_prio_repeat 0'], '', 0, 0],
    ['strict_mode', ['strict_mode'], '', 0, 0],
  ])('garp_lower_prio: %s: a MASTER hearing a lower priority announces its VIPs again', (_label, extra, global, repeat, delayMs) => {
    const text = conf(instance(v, { priority: 150, extra })).replace('router_id test', `router_id test\n    ${global}`);
    const { lan, hosts: [lb1] } = lanOf(v, [text]);
    const ti = 30 * I + 3; // after the second burst of entering MASTER
    lan.inject(v.addr(9), advertOf(v, 50), { at: ti });
    lan.runUntil(ti + 10000);
    expect(stateOf(lb1)).toBe('MASTER');
    const expected = [...Array(repeat).fill(ti), ...(delayMs > 0 ? Array(repeat).fill(ti + delayMs) : [])];
    expect(announcements(lb1, ti)).toEqual(expected);
  });
});

describe('track_src_ip and unicast_fault_no_peer (node core driven directly)', () => {
  const v = VARIANTS[0];
  const states = (actions: NodeAction[]): string[] =>
    actions.flatMap((a) => (a.type === 'event' && a.event.kind === 'state-change' ? [`${a.event.data.from}->${a.event.data.to}`] : []));
  const nodeOf = (extra: string[], peers?: string[]): VrrpNode => {
    const { config } = parseConfigText(conf(instance(v, { priority: 150, unicastSrcIp: '192.0.2.1', unicastPeers: peers, extra })), 'lb1.conf');
    return new VrrpNode(nodeSpecOf(config, new Map([['VI_1', '192.0.2.1']])));
  };
  const up = (addresses: string[]) => [{ ifname: 'eth0', up: true, addresses }];

  test.each([[true], [false]])('track_src_ip %s: the configured unicast_src_ip gone from the interface means FAULT (without it, nothing changes)', (on) => {
    const node = nodeOf(on ? ['track_src_ip'] : [], ['192.0.2.2']);
    node.setLinks(up(['192.0.2.1']), 0);
    expect(states(node.start(0))).toEqual(['INIT->BACKUP']);
    expect(states(node.setLinks(up(['192.0.2.7']), 1000))).toEqual(on ? ['BACKUP->FAULT'] : []);
    expect(states(node.setLinks(up(['192.0.2.1']), 2000))).toEqual(on ? ['FAULT->BACKUP'] : []);
  });

  test('unicast_fault_no_peer without unicast_peer: FAULT from the start, no advert; with a peer: a normal election', () => {
    const lone = nodeOf(['unicast_fault_no_peer']);
    lone.setLinks(up(['192.0.2.1']), 0);
    expect(states(lone.start(0))).toEqual(['INIT->FAULT']);
    expect(lone.timer(100000).filter((a) => a.type === 'transmit')).toEqual([]);
    expect(lone.status().instances[0].trackers.filter((t) => t.kind === 'config')).toEqual([
      { kind: 'config', name: 'unicast_peer', weight: 0, reverse: false, detail: 'none configured (unicast_fault_no_peer)', delta: 0, fault: true },
    ]);
    const paired = nodeOf(['unicast_fault_no_peer'], ['192.0.2.2']);
    paired.setLinks(up(['192.0.2.1']), 0);
    expect(states(paired.start(0))).toEqual(['INIT->BACKUP']);
    // Without the keyword, unicast_src_ip and no peer is multicast, as keepalived does.
    const multicast = nodeOf([]);
    expect(multicast.instanceSpec('VI_1').destinations).toEqual(['224.0.0.18']);
  });
});
