/**
 * keepalived.conf(5) keywords that change what goes on the wire or on the interface: vrrp_mcast_group4/6 and
 * mcast_dst_ip, unicast_ttl, promote_secondaries, (vrrp_)garp_extra_if and the deprecated vmac_garp_intvl,
 * default_interface. Read with keepalived 2.2.7's meaning and no longer warned as "not yet".
 */
import { parseConfigText, type ParseResult } from '../../lib/config';
import { groupOf, instanceSpecOf, nodeSpecOf } from '../../lib/node/from-config';
import { expectConfigError } from '../helpers/config-error';

const F = 'k.conf';
const conf = (global: string[], body: string[], vip = '192.0.2.100/24'): string =>
  ['global_defs {', ...global.map((l) => `  ${l}`), '}', 'vrrp_instance VI_1 {', '  interface eth0', '  virtual_router_id 51', `  virtual_ipaddress {`, `    ${vip}`, '  }', ...body.map((l) => `  ${l}`), '}', ''].join('\n');
const parse = (text: string): ParseResult => parseConfigText(text, F);
const messages = (r: ParseResult): string[] => r.warnings.map((w) => w.message);
const spec = (r: ParseResult, source = '192.0.2.1'): ReturnType<typeof instanceSpecOf> => instanceSpecOf(r.config.instances[0], r.config, source);

describe('multicast group (vrrp_mcast_group4/6, mcast_dst_ip)', () => {
  test('adverts go to vrrp_mcast_group4; mcast_dst_ip of the instance wins; no warning', () => {
    const g = parse(conf(['vrrp_mcast_group4 224.0.0.19'], []));
    expect(messages(g)).toEqual([]);
    expect(spec(g).destinations).toEqual(['224.0.0.19']);
    const i = parse(conf(['vrrp_mcast_group4 224.0.0.19'], ['mcast_dst_ip 224.0.0.20']));
    expect(messages(i)).toEqual([]);
    expect(spec(i).destinations).toEqual(['224.0.0.20']);
    expect(spec(parse(conf([], []))).destinations).toEqual(['224.0.0.18']);
  });

  test('IPv6: vrrp_mcast_group6 in canonical form for an IPv6 instance, IPv4 instances keep theirs', () => {
    const r = parse(conf(['vrrp_mcast_group6 FF02:0::13', 'vrrp_mcast_group4 224.0.0.19'], [], 'fe80::100/64'));
    expect(messages(r)).toEqual([]);
    expect(groupOf(r.config.instances[0], r.config.global)).toBe('ff02::13');
    expect(spec(r, 'fe80::1').destinations).toEqual(['ff02::13']);
  });

  test('unicast peers replace the group', () => {
    const r = parse(conf(['vrrp_mcast_group4 224.0.0.19'], ['unicast_peer {', '  192.0.2.2', '}']));
    expect(spec(r).destinations).toEqual(['192.0.2.2']);
  });

  test('a group that is not multicast (or IPv6 not link-local scope, or of the other family) is refused at its line', () => {
    expectConfigError(() => parse(conf(['vrrp_mcast_group4 192.0.2.9'], [])), F, 2, 21, "vrrp_mcast_group4 must be an IPv4 multicast address (224.0.0.0/4), got '192.0.2.9'");
    expectConfigError(() => parse(conf(['vrrp_mcast_group6 ff05::12'], [])), F, 2, 21, "vrrp_mcast_group6 must be an IPv6 multicast address of link-local scope (ffX2::), got 'ff05::12'");
    expectConfigError(() => parse(conf([], ['mcast_dst_ip 192.0.2.9'])), F, 9, 16, "mcast_dst_ip must be an IPv4 multicast address (224.0.0.0/4), got '192.0.2.9'");
    expectConfigError(() => parse(conf([], ['mcast_dst_ip ff02::12'])), F, 9, 16, 'ff02::12 is IPv6 but vrrp_instance VI_1 is IPv4; use an IPv4 address');
  });
});

describe('unicast_ttl', () => {
  const peers = ['unicast_peer {', '  192.0.2.2', '}'];
  test('is carried to the spec for unicast instances and relaxes the TTL rule there; no warning', () => {
    const r = parse(conf([], ['unicast_ttl 10', ...peers]));
    expect(messages(r)).toEqual([]);
    expect(spec(r).unicastTtl).toBe(10);
    expect(spec(r).expectations.skipTtlCheck).toBe(true);
  });
  test('without unicast peers it has nothing to act on (multicast leaves with 255): no TTL, rule 1 kept', () => {
    const r = parse(conf([], ['unicast_ttl 10']));
    expect(spec(r).unicastTtl).toBeUndefined();
    expect(spec(r).expectations.skipTtlCheck).toBeUndefined();
    expect(spec(parse(conf([], peers))).expectations.skipTtlCheck).toBeUndefined();
  });
  test('range 0..255', () => {
    expectConfigError(() => parse(conf([], ['unicast_ttl 256'])), F, 9, 15, "unicast_ttl must be an integer 0..255, got '256'");
  });
});

describe('promote_secondaries', () => {
  test('read without a warning', () => {
    const r = parse(conf([], ['promote_secondaries']));
    expect(messages(r)).toEqual([]);
    expect(r.config.instances[0].promoteSecondaries).toBe(true);
  });
});

describe('garp_extra_if', () => {
  const vips = (lines: string[]): string[] => ['virtual_ipaddress_excluded {', ...lines.map((l) => `  ${l}`), '}'];
  test('SECS and `all` in either order; instance overrides global; vmac_garp_intvl is the deprecated spelling', () => {
    const a = parse(conf(['vrrp_garp_extra_if 100 all'], []));
    expect(messages(a)).toEqual([]);
    expect(a.config.global.garpExtraIf).toEqual({ all: true, intervalMs: 100000 });
    expect(parse(conf(['vrrp_garp_extra_if all 100'], [])).config.global.garpExtraIf).toEqual({ all: true, intervalMs: 100000 });
    const i = parse(conf(['vrrp_garp_extra_if 100 all'], ['garp_extra_if 30']));
    expect(i.config.instances[0].garpExtraIf).toEqual({ all: false, intervalMs: 30000 });
    const d = parse(conf(['vrrp_vmac_garp_intvl 50'], ['vmac_garp_intvl 40 all']));
    expect(messages(d)).toEqual([
      'k.conf:2:3: vrrp_vmac_garp_intvl is deprecated in keepalived; write vrrp_garp_extra_if',
      'k.conf:10:3: vmac_garp_intvl is deprecated in keepalived; write garp_extra_if',
    ]);
    expect(d.config.instances[0].garpExtraIf).toEqual({ all: true, intervalMs: 40000 });
  });

  test('global 0 is refused (keepalived ignores it); an instance 0 turns the global one off', () => {
    expectConfigError(() => parse(conf(['vrrp_garp_extra_if 0'], [])), F, 2, 22, 'vrrp_garp_extra_if needs seconds 1..86400 in global_defs (0 is only valid in a vrrp_instance, where it turns garp_extra_if off)');
    const r = parse(conf(['vrrp_garp_extra_if 100 all'], ['garp_extra_if 0', ...vips(['192.0.2.200/24 dev eth1'])]));
    expect(spec(r).announce.extra).toBeUndefined();
  });

  test('targets: with `all` the VIP interfaces other than the instance\'s, one address each; without `all` only a vmac', () => {
    const extra = ['192.0.2.200/24 dev eth1', '192.0.2.201/24 dev eth1', '198.51.100.1/24 dev eth2', '192.0.2.202/24'];
    const all = parse(conf([], ['garp_extra_if 60 all', ...vips(extra)]));
    expect(spec(all).announce.extra).toEqual({ intervalMs: 60000, targets: [{ dev: 'eth1', addresses: ['192.0.2.200/24'] }, { dev: 'eth2', addresses: ['198.51.100.1/24'] }] });
    const noAll = parse(conf([], ['garp_extra_if 60', ...vips(extra)]));
    expect(spec(noAll).announce.extra).toBeUndefined();
    expect(messages(noAll)).toEqual(['k.conf:9:3: (VI_1) garp_extra_if without `all` only refreshes VMAC interfaces (keepalived.conf(5)) and this instance has no use_vmac: it sends nothing; add `all` for the interfaces of VIPs with `dev`']);
    // use_vmac: the vmac is "ours"; it gets the refreshes only with vmac_xmit_base (adverts then leave from eth0).
    const vmac = parse(conf([], ['use_vmac', 'vmac_xmit_base', 'garp_extra_if 60']));
    expect(spec(vmac).announce.extra).toEqual({ intervalMs: 60000, targets: [{ dev: 'vrrp.51', mac: '00:00:5e:00:01:33', addresses: ['192.0.2.100/24'] }] });
    expect(spec(parse(conf([], ['use_vmac', 'garp_extra_if 60']))).announce.extra).toBeUndefined();
  });
});

describe('default_interface', () => {
  test('read with the reason it changes nothing for instances; an instance without `interface` is still refused, as keepalived 2.2.7 does', () => {
    const r = parse(conf(['default_interface eth1'], []));
    expect(messages(r)).toEqual(['k.conf:2:3: default_interface is read, but it only names the interface of static_ipaddress / static_routes, which vrrpd does not manage; a vrrp_instance still needs `interface` (as in keepalived 2.2.7)']);
    expect(nodeSpecOf(r.config, new Map([['VI_1', '192.0.2.1']])).instances[0].interface).toBe('eth0');
    expectConfigError(() => parse('global_defs {\n  default_interface eth1\n}\nvrrp_instance X {\n  virtual_router_id 1\n}\n'), F, 4, 1,
      'vrrp_instance X has no interface; add `interface IFNAME` (default_interface eth1 does not apply to a vrrp_instance: keepalived 2.2.7 refuses it too)');
  });
});
