/**
 * An independent second opinion on observer captures: Wireshark's dissector (tshark 4.0) judges our
 * adverts (checksum, TTL / hop limit, malformed) and lists VIP announcements (gratuitous ARP, NA), so the
 * integration tests do not rely only on our own decoder (lib/inspect).
 */
import { execFileSync } from 'node:child_process';
import { hasCommand } from './peers';

/** tshark's verdict on one VRRP advert. */
export interface TsharkVerdict {
  frame: number;
  src: string;
  /** IPv4 TTL or IPv6 hop limit; NaN when tshark gave none. */
  ttl: number;
  /** vrrp.checksum.status == 1 (good). */
  checksumGood: boolean;
  /** tshark flagged the frame as malformed (_ws.malformed present). */
  malformed: boolean;
}

/** A gratuitous ARP or Neighbor Advertisement for a VIP, as tshark read it. */
export interface TsharkAnnouncement {
  frame: number;
  kind: 'arp' | 'na';
  /** Capture time in seconds since the epoch (frame.time_epoch). */
  time: number;
  srcMac: string;
  /** For NAs: icmpv6.checksum.status == 1; always true for ARP (no checksum). */
  checksumGood: boolean;
}

/** Why tshark checks cannot run here, or null when they can. Print it and skip only that check. */
export function tsharkSkipReason(): string | null {
  return hasCommand('tshark') ? null : 'tshark not installed: independent dissector check skipped';
}

/** Runs tshark on `pcapFile` with a display filter and returns one array of field values per frame. */
function fields(pcapFile: string, filter: string, names: string[]): string[][] {
  const out = execFileSync('tshark', ['-n', '-r', pcapFile, '-Y', filter, '-T', 'fields', '-E', 'separator=|', '-E', 'occurrence=f',
    ...names.flatMap((n) => ['-e', n])], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 60000, maxBuffer: 64 << 20 });
  return out.split('\n').filter((l) => l.length > 0).map((l) => l.split('|'));
}

/**
 * tshark's verdict on every VRRP frame of `pcapFile` whose IP source is one of `sources` (IPv4 address or
 * IPv6 link-local, as tshark prints them).
 */
export function tsharkVerdicts(pcapFile: string, sources: string[]): TsharkVerdict[] {
  const rows = fields(pcapFile, 'vrrp', ['frame.number', 'ip.src', 'ipv6.src', 'ip.ttl', 'ipv6.hlim', 'vrrp.checksum.status', '_ws.malformed']);
  return rows.map(([frame, src4, src6, ttl, hlim, status, malformed]) => ({
    frame: Number(frame),
    src: src4 || src6,
    ttl: Number(ttl || hlim || NaN),
    checksumGood: status === '1',
    malformed: (malformed ?? '') !== '',
  })).filter((r) => sources.includes(r.src));
}

/**
 * ARP frames whose sender IP is `vip` and ICMPv6 Neighbor Advertisements whose target is `vip`, in capture
 * order; with `mac`, only those sent from that Ethernet source.
 */
export function announcementsAfter(pcapFile: string, vip: string, mac?: string): TsharkAnnouncement[] {
  const six = vip.includes(':');
  const filter = six ? `icmpv6.type == 136 && icmpv6.nd.na.target_address == ${vip}` : `arp.src.proto_ipv4 == ${vip}`;
  const rows = fields(pcapFile, filter, ['frame.number', 'frame.time_epoch', 'eth.src', 'icmpv6.checksum.status']);
  return rows.map(([frame, time, srcMac, status]) => ({
    frame: Number(frame),
    kind: six ? 'na' as const : 'arp' as const,
    time: Number(time),
    srcMac: srcMac.toLowerCase(),
    checksumGood: six ? status === '1' : true,
  })).filter((a) => mac === undefined || a.srcMac === mac.toLowerCase());
}
