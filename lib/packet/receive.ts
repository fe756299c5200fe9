/**
 * The receive rules of RFC 9568 §7.1 (with errata 8299–8301) and RFC 3768 §7.1 as one validation step.
 * Input is bytes as they came off the wire; output is a verdict with one stable reason code per rule,
 * the decoded fields (as far as they could be decoded) and log-only warnings. Never throws on bad input.
 */
import { DecodeFailure } from '../errors';
import { Advertisement, intervalCsOf, tryDecode } from './advertisement';
import { isLinkLocalV6Bytes } from './address';
import { canonicalAddressCached, canonicalListCached } from './address-cache';
import { vrrpChecksum } from './checksum';
import { Family, IPPROTO_VRRP, VRRP_TTL } from './constants';
import { IpHeader, tryDecodeIp } from './ip';
import { IPV4_FLAG_MF } from './ipv4';
import { IPV6_EXT_FRAGMENT } from './ipv6';

/** Why a packet was dropped: one code per receive rule (stable; used in counters, logs and `inspect`). */
export type DropReason =
  | 'BAD_IP_HEADER' // the IPv4/IPv6 header is malformed
  | 'BAD_IP_CHECKSUM' // RFC 791: the IPv4 header checksum is wrong (the kernel drops these before a raw socket)
  | 'IP_FRAGMENT' // an IPv4 fragment (MF set or Fragment Offset != 0) or an IPv6 Fragment header (RFC 8200 §4.5):
  //               the kernel reassembles before a raw socket, so a fragment that reaches us is hostile
  | 'NOT_VRRP' // IP protocol / next header is not 112
  | 'TTL_NOT_255' // §7.1 rule 1: TTL / hop limit must be 255
  | 'TTL_OUT_OF_RANGE' // keepalived unicast_peer min_ttl / max_ttl: the peer's TTL / hop limit is outside its range
  | 'TRUNCATED' // §7.1: shorter than the header plus Count addresses (+8 auth bytes for v2)
  | 'UNKNOWN_VERSION' // §7.1: version is neither 2 nor 3
  | 'UNKNOWN_TYPE' // §5.2.2: type is not 1 (ADVERTISEMENT)
  | 'V2_OVER_IPV6' // RFC 3768: v2 is IPv4 only
  | 'AUTH_AH_UNSUPPORTED' // v2 auth type 2 (IP AH) is refused
  | 'UNKNOWN_AUTH_TYPE' // v2 auth type other than 0, 1, 2
  | 'BAD_CHECKSUM' // §7.1: checksum wrong (both v3/IPv4 forms tried)
  | 'VRID_ZERO' // VRID 0 is not a valid virtual router
  | 'COUNT_ZERO' // erratum 8300: Count must be at least 1
  | 'INTERVAL_ZERO' // erratum 8300: v3 Max Adver Int 0 is invalid
  | 'VERSION_MISMATCH' // version differs from the instance's configured version
  | 'VRID_NOT_CONFIGURED' // §7.1: no instance with this VRID on this interface and family
  | 'V2_INTERVAL_MISMATCH' // RFC 3768 §7.1: v2 advert interval differs from ours
  | 'AUTH_TYPE_MISMATCH' // RFC 3768 §5.3.6: auth type differs from ours
  | 'AUTH_MISMATCH' // RFC 3768 §5.3.6.1: password differs from ours
  | 'FIRST_ADDRESS_NOT_LINK_LOCAL'; // erratum 8300, strict mode only: IPv6 first address must be link-local

/** Log-only observations (RFC 9568 §7.1: "log, do not drop"); rate-limit before logging. */
export type ReceiveWarning =
  | 'V3_INTERVAL_DIFFERS' // a Backup learns the Master's interval; worth a log line
  | 'ADDRESS_LIST_DIFFERS' // the advert's address list is not ours (misconfiguration)
  | 'OWNER_RECEIVED' // we are the address owner (priority 255) and still received an advert
  | 'FIRST_ADDRESS_NOT_LINK_LOCAL'; // IPv6 first address not link-local (non-strict mode)

/** Result of checking a VRRP checksum. v3/IPv4 reports which of its two forms matched. */
export type ChecksumStatus = 'ok' | 'ok-pseudo-header' | 'ok-message-only' | 'bad';

/** What a local instance expects of adverts for its VRID (the configuration-dependent rules). */
export interface InstanceExpectations {
  version: 2 | 3;
  /** Our advert interval in centiseconds (v2 compares it; v3 only warns). */
  intervalCs: number;
  /** Our virtual addresses, for the address-list warning (omit to skip the check). */
  addresses?: readonly string[];
  /** v2 auth type and the 8 bytes of auth data we expect (type 0: data ignored). */
  authType?: 0 | 1;
  authData?: Uint8Array;
  /** We are the address owner (priority 255). */
  owner?: boolean;
  /** Erratum 8300 strict mode: drop IPv6 adverts whose first address is not link-local. */
  strictLinkLocal?: boolean;
  /** Unicast mode may accept TTL != 255 when configured (keepalived `unicast_ttl`-style relax). */
  skipTtlCheck?: boolean;
  /**
   * keepalived `unicast_peer { ADDR min_ttl N max_ttl M }`: the TTL / hop limit an advert from that source
   * must have (inclusive) instead of 255. Sources not listed keep the 255 rule.
   */
  ttlRanges?: readonly TtlRange[];
}

/** One unicast peer's accepted TTL / hop limit range, its address as raw bytes (4 or 16). */
export interface TtlRange {
  src: Uint8Array;
  min: number;
  max: number;
}

/** Finds the instance configured for a VRID on the receiving interface and family, if any. */
export type InstanceLookup = (vrid: number, family: Family) => InstanceExpectations | undefined;

/** The IP facts validation needs: family, raw source and destination, TTL / hop limit. */
export interface IpInfo {
  family: Family;
  srcBytes: Uint8Array;
  dstBytes: Uint8Array;
  ttl: number;
}

/** Outcome of the receive step. `advert` is set whenever the VRRP message could be decoded. */
export interface ReceiveResult {
  valid: boolean;
  reason: DropReason | null;
  /**
   * Byte offset of a structural failure, when that is the reason: where the decoder stopped, or the IP header
   * field at fault (IPv4 checksum field for BAD_IP_CHECKSUM; flags word or IPv6 Fragment header for IP_FRAGMENT).
   */
  errorOffset: number | null;
  ip: IpHeader | null;
  advert: Advertisement | null;
  checksum: ChecksumStatus | null;
  warnings: ReceiveWarning[];
}

/**
 * Verifies the checksum of the VRRP message buf[start, end). v2: message only (RFC 3768 §5.3.8).
 * v3/IPv6: RFC 8200 pseudo-header. v3/IPv4: pseudo-header first (what keepalived 2.2.7 and FRR 8.4
 * send), then message-only (RFC 9568 §5.2.8), and says which matched.
 */
export function checksumStatus(
  buf: Uint8Array,
  start: number,
  end: number,
  version: 2 | 3,
  family: Family,
  srcBytes: Uint8Array,
  dstBytes: Uint8Array,
): ChecksumStatus {
  if (version === 2) return vrrpChecksum(buf, start, end, 'message-only') === 0 ? 'ok' : 'bad';
  if (family === 6) return vrrpChecksum(buf, start, end, 'pseudo-header', srcBytes, dstBytes) === 0 ? 'ok' : 'bad';
  if (vrrpChecksum(buf, start, end, 'pseudo-header', srcBytes, dstBytes) === 0) return 'ok-pseudo-header';
  if (vrrpChecksum(buf, start, end, 'message-only') === 0) return 'ok-message-only';
  return 'bad';
}

function result(
  reason: DropReason | null,
  ip: IpHeader | null,
  advert: Advertisement | null,
  checksum: ChecksumStatus | null,
  warnings: ReceiveWarning[],
  errorOffset: number | null = null,
): ReceiveResult {
  return { valid: reason === null, reason, errorOffset, ip, advert, checksum, warnings };
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * True when both lists hold the same set of addresses (order and spelling aside). `theirs` comes from the
 * decoder, canonical already; ours is made canonical once per configured list (address-cache.ts). The
 * common case, the same list in the same order, needs no sets and no lookups.
 */
function sameAddressSet(ours: readonly string[], theirs: readonly string[]): boolean {
  const mine = canonicalListCached(ours);
  if (mine.length === theirs.length) {
    let k = 0;
    while (k < mine.length && mine[k] === theirs[k]) k++;
    if (k === mine.length) return true;
  }
  const a = new Set(mine);
  const b = new Set(theirs.map(canonicalAddressCached));
  return a.size === b.size && [...a].every((x) => b.has(x));
}

/**
 * Applies the receive rules to the VRRP message buf[start, end) carried in an IP packet described by
 * `ip` (from a parsed header, or from socket ancillary data when the kernel strips the IPv6 header).
 * Rules without `lookup` are the ones that need no configuration (what `vrrpd inspect` checks).
 */
export function receiveVrrp(
  buf: Uint8Array,
  start: number,
  end: number,
  ip: IpInfo,
  lookup?: InstanceLookup,
  header: IpHeader | null = null,
): ReceiveResult {
  const advert = tryDecode(buf, start, { family: ip.family, end });
  if (advert instanceof DecodeFailure) {
    // Rule 1 (TTL) comes before the structural rules in RFC 9568 §7.1.
    if (ip.ttl !== VRRP_TTL) return result('TTL_NOT_255', header, null, null, []);
    return result(advert.code as DropReason, header, null, null, [], advert.offset);
  }
  const checksum = checksumStatus(buf, start, end, advert.version, ip.family, ip.srcBytes, ip.dstBytes);
  const instance = lookup?.(advert.vrid, ip.family);
  // No closure and no warnings array per packet unless there is a warning (5,100 adverts a second).
  scratch.length = 0;
  const reason = ruleVerdict(buf, start, ip, advert, checksum, scratch, lookup !== undefined, instance);
  return result(reason, header, advert, checksum, scratch.length === 0 ? NO_WARNINGS : scratch.slice());
}

/** The warnings of a packet without any (shared, frozen: nothing adds to a result's warnings). */
const NO_WARNINGS = Object.freeze([]) as unknown as ReceiveWarning[];
/** Where ruleVerdict collects a packet's warnings (copied into its result when there are some). */
const scratch: ReceiveWarning[] = [];

/** The receive rules past decoding (RFC 9568 §7.1, RFC 3768 §7.1, keepalived's): the drop reason or null; warnings pushed. */
function ruleVerdict(
  buf: Uint8Array,
  start: number,
  ip: IpInfo,
  advert: Advertisement,
  checksum: ChecksumStatus,
  warnings: ReceiveWarning[],
  configured: boolean,
  instance: InstanceExpectations | undefined,
): DropReason | null {
  const range = instance?.ttlRanges?.find((r) => sameBytes(r.src, ip.srcBytes));
  if (range) {
    if (ip.ttl < range.min || ip.ttl > range.max) return 'TTL_OUT_OF_RANGE';
  } else if (ip.ttl !== VRRP_TTL && !instance?.skipTtlCheck) return 'TTL_NOT_255';
  if (checksum === 'bad') return 'BAD_CHECKSUM';
  if (advert.vrid === 0) return 'VRID_ZERO';
  if (advert.addresses.length === 0) return 'COUNT_ZERO';
  if (advert.version === 3 && advert.intervalCs === 0) return 'INTERVAL_ZERO';
  if (ip.family === 6 && !isLinkLocalFirst(buf, start)) {
    if (instance?.strictLinkLocal) return 'FIRST_ADDRESS_NOT_LINK_LOCAL';
    warnings.push('FIRST_ADDRESS_NOT_LINK_LOCAL');
  }
  if (!configured) return null;
  if (!instance) return 'VRID_NOT_CONFIGURED';
  if (advert.version !== instance.version) return 'VERSION_MISMATCH';
  if (advert.version === 2) {
    if (advert.intervalS * 100 !== instance.intervalCs) return 'V2_INTERVAL_MISMATCH';
    const authType = instance.authType ?? 0;
    if (advert.authType !== authType) return 'AUTH_TYPE_MISMATCH';
    if (authType === 1 && !sameBytes(advert.authData, padAuth(instance.authData))) return 'AUTH_MISMATCH';
  } else if (intervalCsOf(advert) !== instance.intervalCs) {
    warnings.push('V3_INTERVAL_DIFFERS');
  }
  if (instance.addresses && !sameAddressSet(instance.addresses, advert.addresses)) warnings.push('ADDRESS_LIST_DIFFERS');
  if (instance.owner) warnings.push('OWNER_RECEIVED');
  return null;
}

/** Pads a password to the 8 auth bytes as they appear on the wire (RFC 3768 §5.3.10). */
export function padAuth(data: Uint8Array | undefined): Uint8Array {
  const out = new Uint8Array(8);
  if (data) out.set(data.subarray(0, 8));
  return out;
}

function isLinkLocalFirst(buf: Uint8Array, start: number): boolean {
  return isLinkLocalV6Bytes(buf, start + 8);
}

/**
 * Parses the IP packet at buf[offset, end) and applies every receive rule (`receiveVrrp`), after the IP
 * layer's own: a malformed header (BAD_IP_HEADER, TRUNCATED), a wrong IPv4 header checksum
 * (BAD_IP_CHECKSUM), a fragment (IP_FRAGMENT), then protocol 112 (NOT_VRRP). Never throws on malformed
 * input and raises no exception inside (a junk flood costs no more than valid adverts): the reason says
 * what was wrong.
 */
export function receiveIp(buf: Uint8Array, offset = 0, end = buf.length, lookup?: InstanceLookup): ReceiveResult {
  const ip = tryDecodeIp(buf, offset, end);
  if (ip instanceof DecodeFailure) {
    return result(ip.code === 'TRUNCATED' ? 'TRUNCATED' : 'BAD_IP_HEADER', null, null, null, [], ip.offset);
  }
  if (ip.family === 4) {
    if (!ip.headerChecksumOk) return result('BAD_IP_CHECKSUM', ip, null, null, [], offset + 10);
    if ((ip.flags << 13) & IPV4_FLAG_MF || ip.fragmentOffset !== 0) return result('IP_FRAGMENT', ip, null, null, [], offset + 6);
  } else if (ip.protocol === IPV6_EXT_FRAGMENT) {
    return result('IP_FRAGMENT', ip, null, null, [], ip.payloadOffset);
  }
  if (ip.protocol !== IPPROTO_VRRP) return result('NOT_VRRP', ip, null, null, []);
  const rx = receiveVrrp(buf, ip.payloadOffset, ip.payloadEnd, ip, lookup, ip);
  // Fewer bytes than the IP length field says (a capture's snaplen): the checksum cannot be verified.
  if (ip.truncated && (rx.valid || rx.reason === 'BAD_CHECKSUM')) return result('TRUNCATED', ip, rx.advert, null, rx.warnings, ip.payloadEnd);
  return rx;
}
