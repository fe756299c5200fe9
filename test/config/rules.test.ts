/**
 * The keepalived receive / timer keywords read into their typed config and the fsm / node settings, with no
 * notYet warning: skip_check_adv_addr, check_unicast_src, unicast_peer min_ttl / max_ttl, down_timer_adverts,
 * higher_prio_send_advert, garp_lower_prio_*, track_src_ip, unicast_fault_no_peer (and strict mode's resets).
 */
import { parseConfigText, toRouterConfig, type ParseResult } from '../../lib/config';
import { instanceSpecOf } from '../../lib/node/from-config';

const F = 'k.conf';
const text = (global: string[], body: string[]): string =>
  [...(global.length ? ['global_defs {', ...global.map((g) => `  ${g}`), '}'] : []), 'vrrp_instance VI_1 {', '  interface eth0', '  virtual_router_id 51',
    ...body.map((b) => `  ${b}`), '  virtual_ipaddress {', '    192.0.2.100', '  }', '}', ''].join('\n');
const parse = (global: string[], body: string[]): ParseResult => parseConfigText(text(global, body), F);
const messages = (r: ParseResult): string[] => r.warnings.map((w) => w.message);

describe('keepalived receive and timer keywords in the config', () => {
  it('none of them is warned about as not implemented', () => {
    const r = parse(
      ['vrrp_check_unicast_src', 'vrrp_skip_check_adv_addr', 'vrrp_garp_lower_prio_delay 3', 'vrrp_garp_lower_prio_repeat 2', 'vrrp_down_timer_adverts 4', 'vrrp_higher_prio_send_advert'],
      ['unicast_src_ip 192.0.2.1', 'unicast_peer {', '  192.0.2.2 min_ttl 250', '}', 'track_src_ip', 'check_unicast_src', 'unicast_fault_no_peer', 'skip_check_adv_addr',
        'garp_lower_prio_delay 1', 'garp_lower_prio_repeat 1', 'down_timer_adverts 5', 'higher_prio_send_advert'],
    );
    expect(messages(r)).toEqual([]);
  });

  it('instance settings override the global ones; the global ones are the defaults', () => {
    const g = parse(['vrrp_skip_check_adv_addr', 'vrrp_garp_lower_prio_delay 3', 'vrrp_garp_lower_prio_repeat 2', 'vrrp_down_timer_adverts 4', 'vrrp_higher_prio_send_advert'], []);
    const gi = g.config.instances[0];
    expect(toRouterConfig(gi, g.config.global, '192.0.2.1')).toMatchObject({ downTimerAdverts: 4, higherPrioSendAdvert: true });
    const gs = instanceSpecOf(gi, g.config, '192.0.2.1');
    expect(gs.announce).toMatchObject({ lowerPrioRepeat: 2, lowerPrioDelayMs: 3000 });
    expect(gs.skipCheckAdvAddr).toBe(true);
    const i = parse(['vrrp_skip_check_adv_addr', 'vrrp_down_timer_adverts 4', 'vrrp_higher_prio_send_advert', 'vrrp_garp_lower_prio_repeat 2'],
      ['skip_check_adv_addr off', 'down_timer_adverts 6', 'higher_prio_send_advert false', 'garp_lower_prio_repeat 0']);
    const ii = i.config.instances[0];
    const rc = toRouterConfig(ii, i.config.global, '192.0.2.1');
    expect(rc.downTimerAdverts).toBe(6);
    expect(rc.higherPrioSendAdvert).toBeUndefined();
    const is = instanceSpecOf(ii, i.config, '192.0.2.1');
    expect(is.skipCheckAdvAddr).toBeUndefined();
    expect(is.announce).toMatchObject({ lowerPrioRepeat: 0, lowerPrioDelayMs: 5000 });
  });

  it('garp_lower_prio_* default to the global vrrp_garp_master_repeat / _delay (not the instance garp_master_*), as keepalived does', () => {
    const r = parse(['vrrp_garp_master_repeat 3', 'vrrp_garp_master_delay 7'], ['garp_master_repeat 1', 'garp_master_delay 2']);
    expect(instanceSpecOf(r.config.instances[0], r.config, '192.0.2.1').announce).toMatchObject({ repeat: 1, delayMs: 2000, lowerPrioRepeat: 3, lowerPrioDelayMs: 7000 });
  });

  it('strict mode: garp_lower_prio_* and down_timer_adverts are reset with a warning; the global ones are not applied', () => {
    const r = parse([], ['strict_mode', 'garp_lower_prio_repeat 2', 'down_timer_adverts 5', 'higher_prio_send_advert']);
    expect(messages(r)).toEqual([
      'k.conf:7:3: (VI_1) strict mode requires higher_prio_send_advert to be clear; cleared, as keepalived does',
      'k.conf:5:3: (VI_1) strict mode requires no repeat GARPs: garp_lower_prio_repeat / garp_lower_prio_delay reset to 0, as keepalived does',
      'k.conf:6:3: (VI_1) down_timer_adverts is incompatible with strict mode; reset, as keepalived does',
    ]);
    const g = parse(['vrrp_strict', 'vrrp_down_timer_adverts 5', 'vrrp_higher_prio_send_advert', 'vrrp_garp_lower_prio_repeat 2'], []);
    const rc = toRouterConfig(g.config.instances[0], g.config.global, '192.0.2.1');
    expect(rc.downTimerAdverts).toBeUndefined();
    expect(rc.higherPrioSendAdvert).toBeUndefined();
    expect(instanceSpecOf(g.config.instances[0], g.config, '192.0.2.1').announce).toMatchObject({ lowerPrioRepeat: 0, lowerPrioDelayMs: 0 });
  });

  it('unicast_peer min_ttl / max_ttl become the receive step\'s TTL ranges (an unset bound is 0 or 255)', () => {
    const r = parse([], ['unicast_src_ip 192.0.2.1', 'unicast_peer {', '  192.0.2.2 min_ttl 250', '  192.0.2.3 max_ttl 254', '  192.0.2.4', '}']);
    const s = instanceSpecOf(r.config.instances[0], r.config, '192.0.2.1');
    expect(s.expectations.ttlRanges?.map((x) => [[...x.src].join('.'), x.min, x.max])).toEqual([['192.0.2.2', 250, 255], ['192.0.2.3', 0, 254]]);
    expect(s.checkUnicastSrc).toBe(true);
    expect(instanceSpecOf(parse([], []).config.instances[0], parse([], []).config, '192.0.2.1').expectations.ttlRanges).toBeUndefined();
  });

  it('track_src_ip tracks the configured source; without it only a found source is tracked', () => {
    const on = parse([], ['unicast_src_ip 192.0.2.1', 'track_src_ip']);
    expect(instanceSpecOf(on.config.instances[0], on.config, '192.0.2.1').trackSource).toBe('192.0.2.1');
    const off = parse([], ['mcast_src_ip 192.0.2.1']);
    expect(instanceSpecOf(off.config.instances[0], off.config, '192.0.2.1').trackSource).toBeUndefined();
  });

  it('unicast_fault_no_peer without unicast_peer: one warning (the instance stays in FAULT); with a peer, none', () => {
    const r = parse([], ['unicast_src_ip 192.0.2.1', 'unicast_fault_no_peer']);
    expect(messages(r)).toEqual(['k.conf:5:3: (VI_1) unicast_fault_no_peer and no unicast_peer: the instance stays in FAULT (it sends no adverts, multicast or unicast)']);
    expect(instanceSpecOf(r.config.instances[0], r.config, '192.0.2.1').faultNoPeer).toBe(true);
    const p = parse([], ['unicast_fault_no_peer', 'unicast_peer {', '  192.0.2.2', '}']);
    expect(messages(p)).toEqual([]);
    expect(instanceSpecOf(p.config.instances[0], p.config, '192.0.2.1').faultNoPeer).toBeUndefined();
  });
});
