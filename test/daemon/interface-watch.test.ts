/** InterfaceWatch and vmacRepairs on hand-made platform link snapshots. */
import { InterfaceWatch, vmacRepairs } from '../../lib/daemon/interface-watch';
import type { LinkInfo } from '../../lib/platform/types';

const link = (ifname: string, ifindex: number, o: Partial<LinkInfo> = {}): LinkInfo => ({ ifname, ifindex, up: true, adminUp: true, addresses: [], ...o });

test('InterfaceWatch reports an interface listed again with another ifindex, also after a poll without it', () => {
  const w = new InterfaceWatch();
  w.watch('eth0');
  w.watch('eth1');
  expect(w.update([link('eth0', 2), link('eth1', 3)])).toEqual([]);
  expect(w.update([link('eth0', 2), link('eth1', 3)])).toEqual([]);
  expect(w.update([link('eth1', 3)])).toEqual([]); // eth0 gone for a poll
  expect(w.update([link('eth0', 9), link('eth1', 3)])).toEqual([{ ifname: 'eth0', kind: 'replaced', from: 2, to: 9 }]);
  expect(w.update([link('eth0', 9), link('eth1', 3), link('eth2', 4)])).toEqual([]);
});

test('InterfaceWatch reports a new MAC on the same ifindex once', () => {
  const w = new InterfaceWatch();
  w.watch('eth0');
  expect(w.update([link('eth0', 2, { mac: '02:00:00:00:00:01' })])).toEqual([]);
  expect(w.update([link('eth0', 2, { mac: '02:00:00:00:00:01' })])).toEqual([]);
  expect(w.update([link('eth0', 2, { mac: '02:00:00:00:00:AA' })])).toEqual([{ ifname: 'eth0', kind: 'mac', from: '02:00:00:00:00:01', to: '02:00:00:00:00:aa' }]);
  expect(w.update([link('eth0', 2, { mac: '02:00:00:00:00:aa' })])).toEqual([]);
  expect(w.update([link('eth0', 2)])).toEqual([]); // listed without an address: the last one stays
  expect(w.update([link('eth0', 2, { mac: '02:00:00:00:00:aa' })])).toEqual([]);
  // Replaced with another MAC: one change, a replacement (which announces anyway); the new MAC is the base.
  expect(w.update([link('eth0', 7, { mac: '02:00:00:00:00:bb' })])).toEqual([{ ifname: 'eth0', kind: 'replaced', from: 2, to: 7 }]);
  expect(w.update([link('eth0', 7, { mac: '02:00:00:00:00:bb' })])).toEqual([]);
});

test('vmacRepairs: missing, set down, or an IPv6 vmac without its link-local', () => {
  const ll = { addresses: [{ family: 6 as const, address: 'fe80::1', prefixLength: 64, cidr: 'fe80::1/64', scope: 'link' }] };
  const kept = [{ name: 'vrrp.71', family: 4 as const }, { name: 'vrrp.72', family: 6 as const }];
  expect(vmacRepairs(kept, [link('vrrp.71', 5), link('vrrp.72', 6, ll)])).toEqual([]);
  expect(vmacRepairs(kept, [link('vrrp.72', 6, ll)])).toEqual([{ name: 'vrrp.71', why: 'vrrp.71 is gone' }]);
  expect(vmacRepairs(kept, [link('vrrp.71', 5, { adminUp: false, up: false }), link('vrrp.72', 6, { addresses: [{ family: 6, address: '2001:db8::172', prefixLength: 64, cidr: '2001:db8::172/64', scope: 'global' }] })])).toEqual([
    { name: 'vrrp.71', why: 'vrrp.71 was set down' },
    { name: 'vrrp.72', why: 'vrrp.72 lost its link-local address' },
  ]);
});
