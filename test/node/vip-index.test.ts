/**
 * vipsOf (lib/node/vip-index.ts) against the rule it keeps: a VIP of the adverts comes when its address is
 * listed (in any spelling); an excluded VIP (virtual_ipaddress_excluded) only with the whole list.
 */
import fc from 'fast-check';
import { parseConfigText } from '../../lib/config/parse';
import { nodeSpecOf } from '../../lib/node';
import { vipsOf } from '../../lib/node/vip-index';

const spec = (vips: string[], excluded: string[], family: 4 | 6 = 4) => {
  const ex = excluded.length > 0 ? `  virtual_ipaddress_excluded {\n${excluded.map((v) => `    ${v}\n`).join('')}  }\n` : '';
  const text = `vrrp_instance VI_1 {\n  interface eth0\n  virtual_router_id 1\n  priority 100\n  advert_int 1\n${family === 6 ? '  version 3\n' : ''}  virtual_ipaddress {\n${vips.map((v) => `    ${v}\n`).join('')}  }\n${ex}}\n`;
  const { config } = parseConfigText(text, 'vips.conf');
  return nodeSpecOf(config, new Map([['VI_1', family === 4 ? '192.0.2.1' : 'fe80::1']])).instances[0];
};

test('a listed address brings its VIP; the excluded come only with every address of the adverts', () => {
  const s = spec(['192.0.2.10/24', '192.0.2.11/32'], ['198.51.100.7/32']);
  expect(vipsOf(s, ['192.0.2.11']).map((v) => v.cidr)).toEqual(['192.0.2.11/32']);
  expect(vipsOf(s, ['192.0.2.10', '192.0.2.11']).map((v) => v.cidr)).toEqual(['192.0.2.10/24', '192.0.2.11/32', '198.51.100.7/32']);
  expect(vipsOf(s, [])).toEqual([]);
});

test('IPv6 addresses match in any spelling', () => {
  const s = spec(['fe80::100/64', '2001:db8:0:0::a/64'], ['2001:db8::1:2/128'], 6);
  expect(vipsOf(s, ['2001:DB8::A']).map((v) => v.cidr)).toEqual(['2001:db8:0:0::a/64']);
  expect(vipsOf(s, ['fe80:0::100', '2001:db8::a']).map((v) => v.cidr)).toHaveLength(3);
});

test('property: for any subset of the advert addresses, exactly their VIPs, plus the excluded when all are listed', () => {
  const adv = ['192.0.2.10/32', '192.0.2.11/32', '192.0.2.12/32', '192.0.2.13/32'];
  const s = spec(adv, ['203.0.113.5/32', '203.0.113.6/32']);
  fc.assert(
    fc.property(fc.subarray(adv.map((c) => c.split('/')[0])), (listed) => {
      const got = vipsOf(s, listed).map((v) => v.cidr);
      const want = adv.filter((c) => listed.includes(c.split('/')[0]));
      if (listed.length === adv.length) want.push('203.0.113.5/32', '203.0.113.6/32');
      expect(got).toEqual(want);
    }),
  );
});
