/**
 * What an observer host on the LAN sees: tcpdump (immediate mode) into a pcap file, read back with this
 * package's decoders: adverts (time, source, VRID, priority) and gratuitous ARPs / unsolicited NAs.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { inspectFrames } from '../../lib/inspect/records';
import { readCapture } from '../../lib/pcap';
import { announcements } from '../../test/helpers/announcements';
import { Host, Lan } from '../../test/helpers/netns';
import { sleep } from './daemons';

/** One advert seen on the wire. */
export interface SeenAdvert {
  time: number;
  src: string;
  vrid: number;
  priority: number;
}

/** One announcement seen on the wire (time in seconds since the epoch). */
export interface SeenAnnounce {
  time: number;
  srcMac: string;
  ip: string;
}

/** A running capture; `stop()` ends it and reads what it saw. */
export interface Observer {
  stop(): Promise<{ adverts: SeenAdvert[]; announces: SeenAnnounce[] }>;
}

/** Starts tcpdump on `host`'s eth0 with BPF `filter` (default: VRRP, ARP and ICMPv6). */
export async function observe(lan: Lan, dir: string, host: Host, name: string, filter = 'ip proto 112 or ip6 proto 112 or arp or icmp6'): Promise<Observer> {
  const file = path.join(dir, `${name}.pcap`);
  const child = lan.spawn(host.ns, 'tcpdump', ['--immediate-mode', '-U', '-n', '-B', '8192', '-i', 'eth0', '-w', file, filter]);
  let err = '';
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  const deadline = Date.now() + 5000;
  while (!err.includes('listening on')) {
    if (Date.now() > deadline) throw new Error(`tcpdump did not start: ${err}`);
    await sleep(20);
  }
  return {
    stop: () => new Promise((resolve) => {
      child.once('exit', () => {
        const frames = readCapture(readFileSync(file)).frames;
        const adverts = inspectFrames(frames).filter((r) => r.valid && r.vrid !== null && r.priority !== null)
          .map((r) => ({ time: r.time, src: r.src, vrid: r.vrid as number, priority: r.priority as number }));
        resolve({ adverts, announces: announcements(frames).map((a) => ({ time: a.time, srcMac: a.srcMac, ip: a.ip })) });
      });
      child.kill('SIGINT');
    }),
  };
}

/** Median and max of a list (NaN when empty). */
export function stats(xs: readonly number[]): { median: number; max: number; n: number } {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return { median: NaN, max: NaN, n: 0 };
  const mid = s.length >> 1;
  return { median: s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2, max: s[s.length - 1], n: s.length };
}

/** The p-quantile (0..1) of a list (nearest rank). */
export function quantile(xs: readonly number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s[Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1))];
}
