/**
 * Accept_Mode (RFC 9568 §6.1, keepalived.conf(5) accept / no_accept / vrrp_strict): which VIPs the host
 * drops, derived from whole keepalived.conf texts through nodeSpecOf.
 */
import { parseConfigText } from '../../lib/config/parse';
import { unionVipDrops, vipDropsOf } from '../../lib/node/accept';
import { nodeSpecOf } from '../../lib/node/from-config';
import type { VipDrops } from '../../lib/platform/types';

function inst(name: string, vrid: number, lines: string[], vips: string[], excluded: string[] = []): string {
  const ex = excluded.length ? `  virtual_ipaddress_excluded {\n${excluded.map((v) => `    ${v}\n`).join('')}  }\n` : '';
  return `vrrp_instance ${name} {\n  interface eth0\n  virtual_router_id ${vrid}\n${lines.map((l) => `  ${l}\n`).join('')}  virtual_ipaddress {\n${vips.map((v) => `    ${v}\n`).join('')}  }\n${ex}}\n`;
}

function drops(text: string): VipDrops {
  const { config } = parseConfigText(text, 'k.conf');
  const sources = new Map(config.instances.map((i) => [i.name, i.family === 4 ? '192.0.2.1' : 'fe80::1']));
  return vipDropsOf(nodeSpecOf(config, sources));
}

const none: VipDrops = { ipv4: [], ipv6: [], ipv6LinkLocal: [] };

describe('vipDropsOf', () => {
  test('keepalived default (accept on): nothing is dropped', () => {
    expect(drops(inst('A', 1, ['priority 100'], ['192.0.2.100/24']))).toEqual(none);
  });

  test('no_accept on a non-owner: its VIPs and excluded VIPs, in canonical form, sorted, each once', () => {
    const text = inst('A', 1, ['priority 100', 'no_accept'], ['192.0.2.100/24', '192.0.2.9/24'], ['198.51.100.7/32'])
      + inst('B', 2, ['priority 100', 'no_accept', 'version 3'], ['2001:DB8:0::100/64', 'fe80::100/64 dev eth1'])
      + inst('C', 3, ['priority 50', 'no_accept'], ['192.0.2.100/24']);
    expect(drops(text)).toEqual({
      ipv4: ['192.0.2.9', '192.0.2.100', '198.51.100.7'],
      ipv6: ['2001:db8::100'],
      ipv6LinkLocal: [{ address: 'fe80::100', ifname: 'eth1' }],
    });
  });

  test('the address owner (priority 255) accepts even with no_accept; `accept` accepts', () => {
    expect(drops(inst('A', 1, ['priority 255', 'no_accept'], ['192.0.2.100/24']))).toEqual(none);
    expect(drops(inst('A', 1, ['priority 100', 'accept'], ['192.0.2.100/24']))).toEqual(none);
  });

  test('vrrp_strict: accept mode off unless written (v3), owner only by default; v2 accept is reset so it drops', () => {
    const strict = 'global_defs {\n  vrrp_strict\n  vrrp_version 3\n}\n';
    expect(drops(strict + inst('A', 1, ['priority 100'], ['192.0.2.100/24'])).ipv4).toEqual(['192.0.2.100']);
    expect(drops(strict + inst('A', 1, ['priority 100', 'accept'], ['192.0.2.100/24']))).toEqual(none);
    expect(drops(strict + inst('A', 1, ['priority 255'], ['192.0.2.100/24']))).toEqual(none);
    expect(drops('global_defs {\n  vrrp_strict\n}\n' + inst('A', 1, ['priority 100', 'version 2', 'accept'], ['192.0.2.100/24'])).ipv4).toEqual(['192.0.2.100']);
  });

  test('a link-local VIP is dropped on its device: the vmac under use_vmac, the interface otherwise', () => {
    const v6 = (extra: string[]): VipDrops => drops(inst('A', 7, ['priority 100', 'no_accept', 'version 3', ...extra], ['fe80::7/64', '2001:db8::7/64']));
    expect(v6([]).ipv6LinkLocal).toEqual([{ address: 'fe80::7', ifname: 'eth0' }]);
    expect(v6(['use_vmac vrrp6.7']).ipv6LinkLocal).toEqual([{ address: 'fe80::7', ifname: 'vrrp6.7' }]);
  });
});

test('unionVipDrops: every address of either set once, in order', () => {
  const a: VipDrops = { ipv4: ['192.0.2.100'], ipv6: ['2001:db8::1'], ipv6LinkLocal: [{ address: 'fe80::1', ifname: 'eth0' }] };
  const b: VipDrops = { ipv4: ['192.0.2.9', '192.0.2.100'], ipv6: [], ipv6LinkLocal: [{ address: 'fe80::1', ifname: 'eth1' }, { address: 'fe80::1', ifname: 'eth0' }] };
  expect(unionVipDrops(a, b)).toEqual({
    ipv4: ['192.0.2.9', '192.0.2.100'],
    ipv6: ['2001:db8::1'],
    ipv6LinkLocal: [{ address: 'fe80::1', ifname: 'eth0' }, { address: 'fe80::1', ifname: 'eth1' }],
  });
  expect(unionVipDrops()).toEqual(none);
});
