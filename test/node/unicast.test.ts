/**
 * keepalived unicast mode on whole nodes: unicast_src_ip / unicast_peer, adverts from addresses outside
 * unicast_peer dropped and counted (UNICAST_PEER_UNKNOWN), peers matched in canonical form (IPv6 written
 * in upper case), for v3 IPv4, v3 IPv6 and v2 PASS.
 */
import { VARIANTS, type NodeVariant, advertOf, advertsOf, changesOf, conf, heldVips, instStatus, instance, lanOf, mdiMs, skewMs, vipsOf } from './helpers';

/** The unicast address of host `i`: 192.0.2.i, or 2001:db8::i for IPv6. */
const ucast = (v: NodeVariant, i: number): string => (v.family === 4 ? `192.0.2.${i}` : `2001:db8::${i.toString(16)}`);

function unicastConf(v: NodeVariant, i: number, priority: number, peers: string[]): string {
  return conf(instance(v, { priority, unicastSrcIp: ucast(v, i), unicastPeers: peers }));
}

describe.each(VARIANTS)('node unicast ($label)', (v) => {
  const I = v.intervalCs * 10;

  test('unicast_src_ip / unicast_peer: the pair elects the higher priority, adverts go to the peer only (a multicast third host hears none)', () => {
    const { lan, hosts: [lb1, lb2, lb3] } = lanOf(v, [
      unicastConf(v, 1, 150, [ucast(v, 2)]),
      unicastConf(v, 2, 100, [ucast(v, 1)]),
      conf(instance(v, { priority: 50 })),
    ]);
    lan.runUntil(30 * I);
    expect(lb1.node.instanceSpec('VI_1').destinations).toEqual([ucast(v, 2)]);
    expect(instStatus(lb1).source).toBe(ucast(v, 1));
    expect(changesOf(lan, 'lb1').slice(-1)).toEqual([{ t: mdiMs(v, 150), from: 'BACKUP', to: 'MASTER', reason: 'master-down-timer' }]);
    expect(changesOf(lan, 'lb2')).toEqual([{ t: 0, from: 'INIT', to: 'BACKUP', reason: 'startup' }]);
    const sent = advertsOf(lan, 'lb1').length;
    expect(instStatus(lb2).counters.advertsReceived).toBe(sent);
    expect(instStatus(lb2).master).toBe(ucast(v, 1));
    // lb3 (multicast, not a peer) never hears lb1: it becomes MASTER too after its own Master_Down_Interval ...
    expect(changesOf(lan, 'lb3').slice(-1)).toEqual([{ t: mdiMs(v, 50), from: 'BACKUP', to: 'MASTER', reason: 'master-down-timer' }]);
    expect(instStatus(lb3).counters.advertsReceived).toBe(0);
    // ... and its multicast adverts reach the unicast pair, which drops every one as from an unknown peer.
    const fromLb3 = advertsOf(lan, 'lb3').length;
    expect(fromLb3).toBeGreaterThan(10);
    for (const h of [lb1, lb2]) {
      expect(instStatus(h).counters.dropped).toEqual({ UNICAST_PEER_UNKNOWN: fromLb3 });
      expect(instStatus(h).counters.advertsReceived).toBe(h === lb2 ? sent : 0);
    }
    expect(vipsOf(lb1)).toEqual(heldVips(v));
    expect(vipsOf(lb2)).toEqual([]);
  });

  test('an advert from an address not in unicast_peer is dropped and counted (dropped.UNICAST_PEER_UNKNOWN), even with a higher priority; one from the peer is obeyed', () => {
    const { lan, hosts: [lb1, lb2] } = lanOf(v, [unicastConf(v, 1, 150, [ucast(v, 2)]), unicastConf(v, 2, 100, [ucast(v, 1)])]);
    const dropped: { instance: string | null; reason: string; src: string | null }[] = [];
    lb1.on('advert-dropped', (e) => dropped.push({ instance: e.instance, reason: e.reason, src: e.src }));
    const ti = 10 * I + 3;
    lan.inject(ucast(v, 9), advertOf(v, 200), { at: ti });
    lan.runUntil(20 * I);
    expect(dropped).toEqual([{ instance: 'VI_1', reason: 'UNICAST_PEER_UNKNOWN', src: ucast(v, 9) }]);
    for (const h of [lb1, lb2]) expect(instStatus(h).counters.dropped).toEqual({ UNICAST_PEER_UNKNOWN: 1 });
    expect(changesOf(lan, 'lb1').slice(-1)).toEqual([{ t: mdiMs(v, 150), from: 'BACKUP', to: 'MASTER', reason: 'master-down-timer' }]);
    // The same advert from lb2's address (a listed peer) makes lb1 step down at once.
    const tp = 20 * I + 3;
    lan.inject(ucast(v, 2), advertOf(v, 200), { at: tp });
    lan.runUntil(tp);
    expect(changesOf(lan, 'lb1').slice(-1)).toEqual([{ t: tp, from: 'MASTER', to: 'BACKUP', reason: 'higher-priority-advert' }]);
  });

  test('unicast: host.stop() sends priority 0 to the peer, which takes over after Skew_Time', () => {
    const { lan, hosts: [lb1, lb2] } = lanOf(v, [unicastConf(v, 1, 150, [ucast(v, 2)]), unicastConf(v, 2, 100, [ucast(v, 1)])]);
    const ts = 10 * I + 3;
    lan.schedule(ts, () => lb1.stop());
    lan.runUntil(20 * I);
    expect(changesOf(lan, 'lb2').slice(-1)).toEqual([{ t: ts + skewMs(v, 100), from: 'BACKUP', to: 'MASTER', reason: 'priority-zero' }]);
    expect(instStatus(lb2).counters.priorityZeroReceived).toBe(1);
    expect(vipsOf(lb2)).toEqual(heldVips(v));
  });
});

describe('node unicast (v3 IPv6): peers are compared in canonical form', () => {
  const v = VARIANTS[1];

  test('unicast_peer { 2001:DB8::2 } in upper case (and 2001:DB8:0:0:0:0:0:1 on the other side) matches adverts from 2001:db8::2 both ways: no drops, the tie goes to the higher address', () => {
    const { lan, hosts: [lb1, lb2] } = lanOf(v, [
      conf(instance(v, { priority: 100, unicastSrcIp: '2001:db8::1', unicastPeers: ['2001:DB8::2'] })),
      conf(instance(v, { priority: 100, unicastSrcIp: '2001:db8::2', unicastPeers: ['2001:DB8:0:0:0:0:0:1'] })),
    ]);
    lan.runUntil(30 * v.intervalCs * 10);
    // Both time out together; each must accept the other's advert for the tie-break to happen (RFC 9568 §6.4.3).
    const t = mdiMs(v, 100);
    expect(changesOf(lan, 'lb1')).toEqual([
      { t: 0, from: 'INIT', to: 'BACKUP', reason: 'startup' },
      { t, from: 'BACKUP', to: 'MASTER', reason: 'master-down-timer' },
      { t, from: 'MASTER', to: 'BACKUP', reason: 'higher-priority-advert' },
    ]);
    expect(changesOf(lan, 'lb2').slice(-1)).toEqual([{ t, from: 'BACKUP', to: 'MASTER', reason: 'master-down-timer' }]);
    expect(lb1.node.instanceSpec('VI_1').unicastPeers).toEqual(['2001:db8::2']);
    expect(instStatus(lb1).master).toBe('2001:db8::2');
    for (const h of [lb1, lb2]) expect(instStatus(h).counters.dropped).toEqual({});
    expect(instStatus(lb1).counters.advertsReceived).toBe(advertsOf(lan, 'lb2').length);
    expect(instStatus(lb2).counters.advertsReceived).toBe(1);
    expect(vipsOf(lb2)).toEqual(heldVips(v));
  });
});
