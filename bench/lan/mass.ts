/**
 * Simultaneous takeovers: h1 MASTER (priority 150) of `count` IPv4 VRs at 0.1 s, h2 BACKUP (100) of the
 * same, h3 observing. h1's daemon is killed (SIGKILL, whole tree): every backup instance's
 * Master_Down_Interval ends at nearly the same moment, and h2 must add `count` VIPs and announce them at
 * once. Per VRID the observer gives h2's first advert and its first gratuitous ARP for that VIP; reported:
 * the spread of the first adverts, the spread of the first GARPs (first to last), and per VRID the time
 * from its first advert to its first GARP (median and max) — what batching the VIP changes and the frames
 * shortens.
 */
import type { Lan } from '../../test/helpers/netns';
import { confText, manyVrs } from './configs';
import { Impl, sleep, startDaemon, stopDaemon } from './daemons';
import { observe } from './observe';
import { stats } from './observe';

/** What one mass takeover measured (ms). */
export interface MassResult {
  impl: Impl;
  count: number;
  /** VRIDs h2 advertised for / announced after the kill. */
  advertised: number;
  announced: number;
  /** Last first-advert minus first first-advert. */
  advertSpreadMs: number;
  /** Last first-GARP minus first first-GARP. */
  garpSpreadMs: number;
  /** Per VRID, first GARP minus first advert. */
  garpAfterAdvertMs: number[];
}

/** One mass takeover of `count` IPv4 VRs. */
export async function massRun(lan: Lan, dir: string, impl: Impl, count: number): Promise<MassResult> {
  const [h1, h2, h3] = lan.hosts;
  const vrs = (priority: number) => manyVrs({ ifnames: ['eth0'], count, families: [4], priority, intervalS: 0.1 });
  // The observer first: started after two daemons of 255 VRs, tcpdump missed its start deadline (CI).
  const obs = await observe(lan, dir, h3, `${impl}-mass`, 'ip proto 112 or arp');
  const b = await startDaemon(lan, dir, impl, h2, `${impl}-mass-b`, confText(vrs(100)));
  const a = await startDaemon(lan, dir, impl, h1, `${impl}-mass-m`, confText(vrs(150)));
  let killedAt = 0;
  try {
    await sleep(6000);
    killedAt = Date.now() / 1000;
    await stopDaemon(a, 'SIGKILL');
    await sleep(2500);
  } finally {
    await stopDaemon(b);
  }
  const seen = await obs.stop();
  const firstAdvert = new Map<number, number>();
  for (const x of seen.adverts) if (x.src === h2.ipv4 && x.time > killedAt && x.priority === 100 && !firstAdvert.has(x.vrid)) firstAdvert.set(x.vrid, x.time);
  const firstGarp = new Map<number, number>();
  for (const x of seen.announces) {
    const vrid = Number(x.ip.startsWith('198.51.100.') ? x.ip.split('.')[3] : NaN);
    if (x.srcMac === h2.mac && x.time > killedAt && firstAdvert.has(vrid) && !firstGarp.has(vrid)) firstGarp.set(vrid, x.time);
  }
  const spread = (m: Map<number, number>): number => (m.size === 0 ? NaN : (Math.max(...m.values()) - Math.min(...m.values())) * 1000);
  return {
    impl,
    count,
    advertised: firstAdvert.size,
    announced: firstGarp.size,
    advertSpreadMs: spread(firstAdvert),
    garpSpreadMs: spread(firstGarp),
    garpAfterAdvertMs: [...firstGarp].map(([vrid, t]) => (t - (firstAdvert.get(vrid) as number)) * 1000),
  };
}

/** "median (max)" of the per-VRID GARP delays. */
export function massDelay(r: MassResult): { median: number; max: number } {
  const s = stats(r.garpAfterAdvertMs);
  return { median: s.median, max: s.max };
}
