/**
 * Advert timing: the gaps between one instance's adverts (VRID 1, IPv4, advert_int 1 s... or 0.1 s as
 * configured) from a master with 1 or 510 VRs, idle and with a CPU hog pinned to the daemon's CPU.
 * Reports p50 / p99 / max of |gap − interval| in ms, from an observer capture filtered to that VRID.
 */
import type { Lan } from '../../test/helpers/netns';
import { confText, manyVrs } from './configs';
import { cpus, Impl, sleep, startDaemon, stopDaemon } from './daemons';
import { observe, quantile } from './observe';

/** One jitter measurement. */
export interface JitterResult {
  impl: Impl;
  vrs: number;
  hog: boolean;
  p50: number;
  p99: number;
  max: number;
  adverts: number;
}

/** Measures for `windowMs` with `count` VRs per family (1: IPv4 only; else IPv4 + IPv6). */
export async function jitterRun(lan: Lan, dir: string, impl: Impl, o: { count: number; hog: boolean; intervalS: number; windowMs: number }): Promise<JitterResult> {
  const [h1, , h3] = lan.hosts;
  const cpu = cpus()[0];
  const families: Array<4 | 6> = o.count === 1 ? [4] : [4, 6];
  const vrs = manyVrs({ ifnames: ['eth0'], count: o.count === 1 ? 1 : Math.ceil(o.count / 2), families, priority: 150, intervalS: o.intervalS });
  const a = await startDaemon(lan, dir, impl, h1, `${impl}-jit-${o.count}-${o.hog ? 'hog' : 'idle'}`, confText(vrs), { cpu });
  const hog = o.hog ? lan.spawn(h1.ns, 'taskset', ['-c', String(cpu), process.execPath, '-e', 'for(;;){}']) : null;
  try {
    await sleep(3000);
    // Only VRID 1 of IPv4 (VRRP header byte 1 after a 20-byte IPv4 header): the capture stays light.
    const obs = await observe(lan, dir, h3, `${impl}-jit-${o.count}-${o.hog}`, `ip proto 112 and ip[21] == 1 and src host ${h1.ipv4}`);
    await sleep(o.windowMs);
    const seen = await obs.stop();
    const times = seen.adverts.map((x) => x.time * 1000);
    const dev = times.slice(1).map((t, i) => Math.abs(t - times[i] - o.intervalS * 1000));
    return { impl, vrs: vrs.length, hog: o.hog, p50: quantile(dev, 0.5), p99: quantile(dev, 0.99), max: Math.max(...dev), adverts: times.length };
  } finally {
    hog?.kill('SIGKILL');
    await stopDaemon(a);
  }
}
