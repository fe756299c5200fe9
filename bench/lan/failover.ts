/**
 * Takeover timing, measured by an observer (h3): h1 MASTER (priority 150) and h2 BACKUP (100), one VR, v3,
 * advert_int 0.1 s. Hard failover: h1's daemon is killed (SIGKILL, its whole process tree); the figure is
 * the time from h1's last advert to h2's first, beyond Master_Down_Interval (3 × 100 ms + Skew_Time =
 * 360.9 ms), and the time from h2's first advert to its first gratuitous ARP / unsolicited NA. Graceful
 * handover: SIGTERM, h1 sends priority 0; the figure is the same gap beyond Skew_Time (60.9 ms). After each
 * trial the VIP a SIGKILL left on h1 is removed and h1 starts again and preempts.
 */
import type { Lan } from '../../test/helpers/netns';
import { confText } from './configs';
import { Daemon, Impl, removeStrays, sleep, startDaemon, stopDaemon } from './daemons';
import { observe, SeenAdvert } from './observe';

/** Master_Down_Interval and Skew_Time of the backup (priority 100) at 0.1 s, in ms (RFC 9568 §6.1). */
export const SKEW_MS = ((256 - 100) * 10 * 10) / 256;
export const MDI_MS = 3 * 100 + SKEW_MS;

/** Per-trial figures in ms. */
export interface FailoverResult {
  impl: Impl;
  family: 4 | 6;
  /** Hard failover: beyond Master_Down_Interval. */
  beyondMdi: number[];
  /** Hard failover: first announcement after the new master's first advert. */
  garp: number[];
  /** Graceful: beyond Skew_Time. */
  beyondSkew: number[];
}

const VRID = 51;

function vip(family: 4 | 6): string {
  return family === 4 ? '198.51.100.51/32' : '2001:db8:1::51/128';
}

function conf(family: 4 | 6, priority: number): string {
  return confText([{ name: 'VI_1', vrid: VRID, family, ifname: 'eth0', priority, intervalS: 0.1, vip: vip(family) }]);
}

/** Gap from the last advert of `from` before `t` to the first advert of `to` after it (ms), or NaN. */
function gapAt(adverts: readonly SeenAdvert[], from: string, to: string, t: number): { gap: number; t1: number } {
  const last = adverts.filter((a) => a.src === from && a.vrid === VRID && a.time <= t).pop();
  const first = adverts.find((a) => a.src === to && a.vrid === VRID && a.priority === 100 && a.time > (last?.time ?? t));
  if (!last || !first) return { gap: NaN, t1: NaN };
  return { gap: (first.time - last.time) * 1000, t1: first.time };
}

/** Runs `trials` hard failovers and `trials` graceful handovers of `impl` for `family`. */
export async function failoverRun(lan: Lan, dir: string, impl: Impl, family: 4 | 6, trials: number): Promise<FailoverResult> {
  const [h1, h2, h3] = lan.hosts;
  const src1 = family === 4 ? h1.ipv4 : h1.linkLocal;
  const src2 = family === 4 ? h2.ipv4 : h2.linkLocal;
  const own1 = [h1.ipv4, h1.ipv6, h1.linkLocal];
  const vipAddr = vip(family).split('/')[0];
  const obs = await observe(lan, dir, h3, `${impl}-fo${family}`);
  const kills: Array<{ kind: 'hard' | 'graceful'; t: number }> = [];
  const b = await startDaemon(lan, dir, impl, h2, `${impl}-fo${family}-b`, conf(family, 100));
  let a: Daemon | null = null;
  try {
    for (let i = 0; i < 2 * trials; i++) {
      a = await startDaemon(lan, dir, impl, h1, `${impl}-fo${family}-a${i}`, conf(family, 150));
      await sleep(2500);
      const kind = i % 2 === 0 ? 'hard' : 'graceful';
      kills.push({ kind, t: Date.now() / 1000 });
      await stopDaemon(a, kind === 'hard' ? 'SIGKILL' : 'SIGTERM');
      a = null;
      await sleep(1500);
      removeStrays(h1, own1);
    }
  } finally {
    if (a) await stopDaemon(a);
    await stopDaemon(b);
  }
  const seen = await obs.stop();
  const out: FailoverResult = { impl, family, beyondMdi: [], garp: [], beyondSkew: [] };
  for (const k of kills) {
    // h1 is silent from its stop until its restart 1.5 s later: its last advert before t+1 s is the one
    // the gap starts at (the priority-0 advert of a graceful stop).
    const { gap, t1 } = gapAt(seen.adverts, src1, src2, k.t + 1);
    if (Number.isNaN(gap)) continue;
    if (k.kind === 'hard') {
      out.beyondMdi.push(gap - MDI_MS);
      const g = seen.announces.find((x) => x.ip === vipAddr && x.srcMac === h2.mac && x.time >= t1 - 0.5);
      if (g) out.garp.push((g.time - t1) * 1000);
    } else {
      out.beyondSkew.push(gap - SKEW_MS);
    }
  }
  return out;
}
