/**
 * keepalived's per-instance counters and the peer warnings on whole nodes: address-list differences
 * (one warning per peer and cause, every advert counted), v2 PASS authentication (wrong password, UTF-8
 * passwords cut at 8 bytes on both sides), TTL errors, priority 0 sent and received.
 */
import type { PeerWarningEvent } from '../../lib/node';
import type { SimHost } from '../../lib/sim';
import { VARIANTS, type NodeVariant, advertOf, advertsOf, changesOf, conf, heldVips, instStatus, instance, lanOf, mdiMs, otherVip, skewMs, vipsOf } from './helpers';

/** A VIP list of its own for host `k` (IPv6 keeps a link-local first, RFC 9568 §5.2.9). */
const vipList = (v: NodeVariant, k: number): string[] => (v.family === 4 ? [otherVip(v, k)] : ['fe80::100/64', otherVip(v, k)]);

function warnings(h: SimHost): PeerWarningEvent[] {
  const out: PeerWarningEvent[] = [];
  h.on('warning', (e) => out.push(e));
  return out;
}

describe.each(VARIANTS)('node counters and warnings ($label)', (v) => {
  const I = v.intervalCs * 10;

  test('a peer with another virtual_ipaddress list: one warning per peer and cause, addressListErrors counts every advert, nothing is dropped', () => {
    const { lan, hosts: [lb1, lb2, lb3] } = lanOf(v, [
      conf(instance(v, { priority: 150, vips: vipList(v, 1) })),
      conf(instance(v, { priority: 100, vips: vipList(v, 2) })),
      conf(instance(v, { priority: 50, vips: vipList(v, 3) })),
    ]);
    const w2 = warnings(lb2);
    const w3 = warnings(lb3);
    const ts = 20 * I + 3;
    lan.schedule(ts, () => lb1.stop());
    lan.runUntil(ts + 30 * I);
    expect(changesOf(lan, 'lb2').slice(-1)).toEqual([{ t: ts + skewMs(v, 100), from: 'BACKUP', to: 'MASTER', reason: 'priority-zero' }]);
    expect(w3.map((e) => ({ peer: e.peer, cause: e.cause }))).toEqual([
      { peer: v.addr(1), cause: 'ADDRESS_LIST_DIFFERS' },
      { peer: v.addr(2), cause: 'ADDRESS_LIST_DIFFERS' },
    ]);
    expect(w3[0]).toMatchObject({ instance: 'VI_1', message: `instance VI_1: peer ${v.addr(1)}: its virtual addresses differ from ours` });
    expect(w2.map((e) => ({ peer: e.peer, cause: e.cause }))).toEqual([{ peer: v.addr(1), cause: 'ADDRESS_LIST_DIFFERS' }]);
    const c3 = instStatus(lb3).counters;
    const heard = advertsOf(lan, 'lb1').length + advertsOf(lan, 'lb2').length;
    expect(heard).toBeGreaterThan(40);
    expect(c3.advertsReceived).toBe(heard);
    expect(c3.addressListErrors).toBe(heard);
    expect(c3.dropped).toEqual({});
    expect(instStatus(lb2).counters.addressListErrors).toBe(advertsOf(lan, 'lb1').length);
    expect(vipsOf(lb2)).toEqual([...vipList(v, 2)].sort());
  });

  test('host.stop(): priorityZeroSent on the stopping MASTER, priorityZeroReceived on each BACKUP, become/release counted', () => {
    const { lan, hosts: [lb1, lb2, lb3] } = lanOf(v, [conf(instance(v, { priority: 150 })), conf(instance(v, { priority: 100 })), conf(instance(v, { priority: 50 }))]);
    const ts = 10 * I + 3;
    lan.schedule(ts, () => lb1.stop());
    lan.runUntil(ts + 10 * I);
    expect(instStatus(lb1).counters).toMatchObject({ priorityZeroSent: 1, priorityZeroReceived: 0, becomeMaster: 1, releaseMaster: 1, advertsSent: advertsOf(lan, 'lb1').length });
    expect(instStatus(lb2).counters).toMatchObject({ priorityZeroSent: 0, priorityZeroReceived: 1, becomeMaster: 1, releaseMaster: 0 });
    expect(instStatus(lb3).counters).toMatchObject({ priorityZeroSent: 0, priorityZeroReceived: 1, becomeMaster: 0 });
    expect(changesOf(lan, 'lb2').slice(-1)[0].t).toBe(ts + skewMs(v, 100));
    expect(vipsOf(lb2)).toEqual(heldVips(v));
  });

  test('an advert with TTL 254 is dropped and counted as ttlErrors on the instance of its VRID; states stay', () => {
    const { lan, hosts: [lb1, lb2] } = lanOf(v, [conf(instance(v, { priority: 150 })), conf(instance(v, { priority: 100 }))]);
    const dropped: string[] = [];
    lb2.on('advert-dropped', (e) => dropped.push(`${e.instance} ${e.reason} ${e.src}`));
    lan.inject(v.addr(9), advertOf(v, 200), { at: 10 * I + 3, ttl: 254 });
    lan.runUntil(20 * I);
    for (const h of [lb1, lb2]) expect(instStatus(h).counters).toMatchObject({ ttlErrors: 1, dropped: { TTL_NOT_255: 1 } });
    expect(dropped).toEqual([`VI_1 TTL_NOT_255 ${v.addr(9)}`]);
    expect(lan.drops.get('TTL_NOT_255')).toBe(2);
    expect(changesOf(lan, 'lb1').slice(-1)).toEqual([{ t: mdiMs(v, 150), from: 'BACKUP', to: 'MASTER', reason: 'master-down-timer' }]);
  });
});

describe('node counters: v2 PASS authentication', () => {
  const v = VARIANTS[2];
  const I = v.intervalCs * 10;

  test('a wrong auth_pass: every advert dropped and counted as authFailure; both become MASTER (split brain, as keepalived)', () => {
    const { lan, hosts: [lb1, lb2] } = lanOf(v, [conf(instance(v, { priority: 150, authPass: 'secret1' })), conf(instance(v, { priority: 100, authPass: 'secret2' }))]);
    lan.runUntil(20 * I);
    expect(changesOf(lan, 'lb1').slice(-1)).toEqual([{ t: mdiMs(v, 150), from: 'BACKUP', to: 'MASTER', reason: 'master-down-timer' }]);
    expect(changesOf(lan, 'lb2').slice(-1)).toEqual([{ t: mdiMs(v, 100), from: 'BACKUP', to: 'MASTER', reason: 'master-down-timer' }]);
    for (const [h, peer] of [[lb1, 'lb2'], [lb2, 'lb1']] as const) {
      const n = advertsOf(lan, peer).length;
      expect(instStatus(h).counters).toMatchObject({ authFailure: n, advertsReceived: 0, dropped: { AUTH_MISMATCH: n } });
    }
    expect(lan.holders(v.vips[0])).toEqual(['lb1', 'lb2']);
  });

  test('a non-ASCII auth_pass "pässwörd" (10 bytes in UTF-8) on both peers: both send its first 8 bytes, one MASTER, no auth drops', () => {
    const { lan, hosts: [, lb2] } = lanOf(v, [conf(instance(v, { priority: 150, authPass: 'pässwörd' })), conf(instance(v, { priority: 100, authPass: 'pässwörd' }))]);
    lan.runUntil(20 * I);
    const wire = lan.actionsOf('send-advert', 'lb1/VI_1')[0].action.advert;
    expect(wire.version === 2 && Buffer.from(wire.authData).equals(Buffer.from('pässwö', 'utf8'))).toBe(true);
    expect(changesOf(lan, 'lb2')).toEqual([{ t: 0, from: 'INIT', to: 'BACKUP', reason: 'startup' }]);
    expect(lan.holders(v.vips[0])).toEqual(['lb1']);
    expect(instStatus(lb2).counters).toMatchObject({ authFailure: 0, dropped: {}, advertsReceived: advertsOf(lan, 'lb1').length });
  });

  test('passwords that differ only after their 8th UTF-8 byte match (both sides cut at 8 bytes); one that differs before does not', () => {
    const same = lanOf(v, [conf(instance(v, { priority: 150, authPass: 'pässwörd' })), conf(instance(v, { priority: 100, authPass: 'pässwöXY' }))]);
    same.lan.runUntil(20 * I);
    expect(same.lan.holders(v.vips[0])).toEqual(['lb1']);
    expect(instStatus(same.hosts[1]).counters.authFailure).toBe(0);
    const other = lanOf(v, [conf(instance(v, { priority: 150, authPass: 'pässwörd' })), conf(instance(v, { priority: 100, authPass: 'passwörd' }))]);
    other.lan.runUntil(20 * I);
    expect(other.lan.holders(v.vips[0])).toEqual(['lb1', 'lb2']);
    expect(instStatus(other.hosts[1]).counters.authFailure).toBe(advertsOf(other.lan, 'lb1').length);
  });

  test('a v2 peer with another advert_int: every advert dropped and counted as intervalErrors (RFC 3768 §7.1)', () => {
    const { lan, hosts: [, lb2] } = lanOf(v, [conf(instance(v, { priority: 150 })), conf(instance({ ...v, advertInt: '2' }, { priority: 100 }))]);
    lan.runUntil(20 * I);
    const n = advertsOf(lan, 'lb1').length;
    expect(instStatus(lb2).counters).toMatchObject({ intervalErrors: n, advertsReceived: 0, dropped: { V2_INTERVAL_MISMATCH: n } });
    expect(lan.holders(v.vips[0])).toEqual(['lb1', 'lb2']);
  });
});
