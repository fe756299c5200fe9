/** Human-readable form of `inspect --timeline`: per virtual router, masters, takeovers and anomalies. */
import { RouterTimeline } from './timeline';

const secs = (t: number, t0: number): string => (t - t0).toFixed(3);

/** The timelines as lines; times are seconds from `t0` (the capture's first VRRP frame). */
export function formatTimelines(timelines: readonly RouterTimeline[], t0: number): string[] {
  const lines: string[] = [];
  for (const tl of timelines) {
    const versions = tl.versions.map((v) => `v${v}`).join('/') || 'v?';
    const o = tl.omitted;
    const moreRouters = o && o.routers > 0 ? ` ... and ${o.routers}${o.routersAtLeast ? '+' : ''} more` : '';
    lines.push(`VRID ${tl.vrid} IPv${tl.family} (${versions}), routers: ${tl.routers.join(', ') || 'none'}${moreRouters}`);
    for (const m of tl.masters) {
      lines.push(`  MASTER ${m.src.padEnd(24)} ${secs(m.from, t0).padStart(9)} s .. ${secs(m.to, t0).padStart(9)} s  priority ${m.priority}, ${m.adverts} adverts, ended: ${m.ended}`);
    }
    if (o && o.masters > 0) lines.push(`  ... and ${o.masters} more MASTER periods`);
    for (const k of tl.takeovers) {
      const bound = k.cause === 'preempted' ? '' : ` (RFC bound ${k.boundMs.toFixed(1)} ms${k.withinBound ? '' : ', EXCEEDED'})`;
      lines.push(`  takeover ${k.from} -> ${k.to} after ${k.cause}: ${k.takeoverMs.toFixed(1)} ms from the old master's last advert${bound}`);
    }
    if (o && o.takeovers > 0) lines.push(`  ... and ${o.takeovers} more takeovers`);
    if (tl.anomalies.length === 0) lines.push('  anomalies: none');
    for (const a of tl.anomalies) {
      const again = a.count > 1 ? ` (${a.count} times, last at frame ${a.lastFrame} (${secs(a.lastTime, t0)} s))` : '';
      lines.push(`  anomaly ${a.kind} at frame ${a.frame} (${secs(a.time, t0)} s): ${a.detail}${again}`);
    }
    if (o && o.anomalies > 0) {
      const kinds = Object.entries(o.anomalyKinds).map(([k, n]) => `${k} ${n}`).join(', ');
      lines.push(`  ... and ${o.anomalies} more anomaly occurrences without an entry of their own (${kinds})`);
    }
  }
  if (timelines.length === 0) lines.push('no VRRP frames');
  return lines;
}
