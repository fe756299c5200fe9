/**
 * `vrrpd inspect`: turns the frames of a capture into one record per frame that carries IP protocol 112,
 * with the receive verdict of lib/packet/receive.ts. Pure: bytes in, records out.
 */
import { DecodeError } from '../errors';
import { intervalCsOf } from '../packet/advertisement';
import { ETHERTYPE_IPV4, ETHERTYPE_IPV6 } from '../packet/ethernet';
import { decapsulate } from '../packet/link';
import { ChecksumStatus, DropReason, receiveIp, ReceiveWarning } from '../packet/receive';
import { IPPROTO_VRRP } from '../packet/constants';
import type { IpHeader } from '../packet/ip';
import type { IPv4Header } from '../packet/ipv4';
import { CapturedFrame } from '../pcap';

/** One VRRP frame as `inspect --json` prints it. Fields that could not be decoded are null. */
export interface InspectRecord {
  /** 1-based index of the frame in the file, counting every frame. */
  frame: number;
  /** Capture timestamp, seconds since the Unix epoch (microsecond precision or better). */
  time: number;
  valid: boolean;
  /** Stable reason code when not valid (see DropReason). */
  error: DropReason | null;
  version: number | null;
  type: number | null;
  vrid: number | null;
  priority: number | null;
  count: number | null;
  /** v3: Max Adver Int as on the wire (centiseconds); v2: Adver Int seconds × 100. */
  intervalCs: number | null;
  checksum: ChecksumStatus | null;
  addresses: string[] | null;
  /** v2 only. */
  authType?: number | null;
  /** v2 only: the password text (trailing NULs removed), or 0x-hex when not printable. */
  authData?: string | null;
  src: string;
  dst: string;
  /** IPv4 TTL or IPv6 hop limit. */
  ttl: number;
  family: 4 | 6;
  srcMac: string | null;
  dstMac: string | null;
  warnings: ReceiveWarning[];
}

/** Text of v2 auth bytes: printable ASCII up to the NUL padding, else 0x-hex. */
export function authDataText(data: Uint8Array): string {
  let end = data.length;
  while (end > 0 && data[end - 1] === 0) end--;
  const body = data.subarray(0, end);
  const printable = body.every((b) => b >= 0x20 && b < 0x7f);
  return printable ? Buffer.from(body).toString('latin1') : `0x${Buffer.from(data).toString('hex')}`;
}

/**
 * The record of one captured frame, or null when the frame does not carry IP protocol 112
 * (or its link or IP header cannot be read far enough to tell).
 */
export function inspectFrame(frame: CapturedFrame): InspectRecord | null {
  const data = frame.data;
  let etherType: number;
  let payloadOffset: number;
  let srcMac: string | null = null;
  let dstMac: string | null = null;
  try {
    const link = decapsulate(frame.linkType, data, 0, data.length);
    etherType = link.etherType;
    payloadOffset = link.payloadOffset;
    srcMac = link.srcMac ?? null;
    dstMac = link.dstMac ?? null;
  } catch (e) {
    if (e instanceof DecodeError) return null;
    throw e;
  }
  if (etherType !== ETHERTYPE_IPV4 && etherType !== ETHERTYPE_IPV6) return null;
  const rx = receiveIp(data, payloadOffset, data.length);
  const ip = rx.ip;
  if (!ip) return null;
  const vrrpEnd = Math.min(ip.payloadEnd, data.length);
  let vrrpAt = ip.payloadOffset;
  if (rx.reason === 'IP_FRAGMENT') {
    // A fragment of a VRRP packet is reported (dropped); its VRRP header is readable in the first fragment only.
    const at = fragmentedVrrp(data, ip, vrrpEnd);
    if (at === null) return null;
    vrrpAt = at;
  } else if (ip.protocol !== IPPROTO_VRRP) {
    return null;
  }
  const ad = rx.advert;
  const raw = (i: number): number | null => (vrrpAt + i < vrrpEnd ? data[vrrpAt + i] : null);
  const first = raw(0);
  const record: InspectRecord = {
    frame: frame.index,
    time: frame.seconds + frame.nanos / 1e9,
    valid: rx.valid,
    error: rx.reason,
    version: ad ? ad.version : first === null ? null : first >> 4,
    type: ad ? 1 : first === null ? null : first & 0x0f,
    vrid: ad ? ad.vrid : raw(1),
    priority: ad ? ad.priority : raw(2),
    count: ad ? ad.addresses.length : raw(3),
    intervalCs: ad ? intervalCsOf(ad) : null,
    checksum: rx.checksum,
    addresses: ad ? ad.addresses : null,
    src: ip.src,
    dst: ip.dst,
    ttl: ip.ttl,
    family: ip.family,
    srcMac,
    dstMac,
    warnings: rx.warnings,
  };
  if (ad?.version === 2) {
    record.authType = ad.authType;
    record.authData = authDataText(ad.authData);
  } else if (!ad && first !== null && first >> 4 === 2) {
    record.authType = raw(4);
    record.authData = null;
  }
  return record;
}

/**
 * Where the VRRP header of a fragment of a VRRP packet starts: IPv4 (protocol 112), the payload of a first
 * fragment; IPv6, after the Fragment header (RFC 8200 §4.5) whose Next Header is 112, in a first fragment.
 * Infinity for a later fragment (no VRRP header in it: every VRRP field is null); null when the fragment
 * does not carry VRRP (or its Fragment header is cut before it says).
 */
function fragmentedVrrp(data: Uint8Array, ip: IpHeader, end: number): number | null {
  const at = ip.payloadOffset;
  if (ip.family === 4) {
    if (ip.protocol !== IPPROTO_VRRP) return null;
    return (ip as IPv4Header).fragmentOffset === 0 ? at : Infinity;
  }
  if (end - at < 4 || data[at] !== IPPROTO_VRRP) return null;
  const offsetUnits = ((data[at + 2] << 8) | data[at + 3]) >> 3;
  return offsetUnits === 0 ? at + 8 : Infinity;
}

/** Records of every VRRP frame of a capture, in file order. */
export function inspectFrames(frames: Iterable<CapturedFrame>): InspectRecord[] {
  const out: InspectRecord[] = [];
  for (const f of frames) {
    const r = inspectFrame(f);
    if (r) out.push(r);
  }
  return out;
}
