/** The receive rules of RFC 9568 §7.1 and RFC 3768 §7.1 (lib/packet/receive.ts): one reason per rule. */
import fc from 'fast-check';
import { Advertisement } from '../../lib/packet/advertisement';
import { parseAddress } from '../../lib/packet/address';
import { ChecksumForm, internetChecksum, vrrpChecksum } from '../../lib/packet/checksum';
import { buildAdvertFrame } from '../../lib/packet/frame';
import {
  checksumStatus, DropReason, InstanceExpectations, InstanceLookup, receiveIp, ReceiveResult, ReceiveWarning,
} from '../../lib/packet/receive';

const V3_4: Advertisement = { version: 3, family: 4, vrid: 52, priority: 150, intervalCs: 100, addresses: ['192.0.2.101'] };
const V3_6: Advertisement = { version: 3, family: 6, vrid: 53, priority: 100, intervalCs: 100, addresses: ['fe80::100', '2001:db8::100'] };
const V2: Advertisement = { version: 2, family: 4, vrid: 51, priority: 150, intervalS: 1, authType: 1, authData: Buffer.from('s3cret\0\0'), addresses: ['192.0.2.100'] };
const I3: InstanceExpectations = { version: 3, intervalCs: 100 };
const I2: InstanceExpectations = { version: 2, intervalCs: 100, authType: 1, authData: Buffer.from('s3cret') };
const MAC = '02:00:00:00:00:0a';
type Extra = { ttl?: number; checksum?: ChecksumForm };

function frame(ad: Advertisement, extra: Extra = {}): Buffer {
  return buildAdvertFrame({ srcMac: MAC, src: ad.family === 4 ? '192.0.2.1' : 'fe80::a', advert: ad, ...extra });
}
/** The IP packet of an advert (a copy of the frame after its 14-byte Ethernet header). */
const packet = (ad: Advertisement, extra: Extra = {}): Buffer => Buffer.from(frame(ad, extra).subarray(14));
const at = (p: Buffer): number => (p[0] >> 4 === 6 ? 40 : 20); // where the VRRP message starts
function patch(p: Buffer, i: number, value: number): Buffer {
  const b = Buffer.from(p);
  b[i] = value;
  return b;
}
const flip = (p: Buffer, i: number): Buffer => patch(p, i, p[i] ^ 0x01);
/** Recomputes the IPv4 header checksum of an IP packet whose header fields a test changed (IPv6: as is). */
function ipSum(p: Buffer, offset = 0): Buffer {
  if (p[offset] >> 4 !== 4) return p;
  p.writeUInt16BE(0, offset + 10);
  p.writeUInt16BE(internetChecksum(p, offset, offset + (p[offset] & 0x0f) * 4), offset + 10);
  return p;
}
/** Rewrites the VRRP checksum of an IP packet in the given form. */
function reseal(p: Buffer, form: ChecksumForm): Buffer {
  const s = at(p);
  const [src, dst] = s === 40 ? [p.subarray(8, 24), p.subarray(24, 40)] : [p.subarray(12, 16), p.subarray(16, 20)];
  p.writeUInt16BE(0, s + 6);
  p.writeUInt16BE(vrrpChecksum(p, s, p.length, form, src, dst), s + 6);
  return p;
}
const only = (vrid: number, family: 4 | 6, e: InstanceExpectations): InstanceLookup => (v, f) => (v === vrid && f === family ? e : undefined);
const rx = (p: Uint8Array, lookup?: InstanceLookup): ReceiveResult => receiveIp(p, 0, p.length, lookup);
type Verdict = { valid: boolean; reason: DropReason | null; warnings: ReceiveWarning[]; errorOffset: number | null };
const verdict = (r: ReceiveResult): Verdict => ({ valid: r.valid, reason: r.reason, warnings: r.warnings, errorOffset: r.errorOffset });
const drop = (reason: DropReason, errorOffset: number | null = null, warnings: ReceiveWarning[] = []): Verdict => ({ valid: false, reason, warnings, errorOffset });
const ok = (...warnings: ReceiveWarning[]): Verdict => ({ valid: true, reason: null, warnings, errorOffset: null });

test('TTL not 255 is dropped', () => {
  expect(verdict(rx(packet(V3_4, { ttl: 254 })))).toEqual(drop('TTL_NOT_255'));
  expect(verdict(rx(packet(V3_4, { ttl: 1 })))).toEqual(drop('TTL_NOT_255'));
  expect(verdict(rx(packet(V2, { ttl: 254 })))).toEqual(drop('TTL_NOT_255'));
  expect(verdict(rx(packet(V3_6, { ttl: 254 })))).toEqual(drop('TTL_NOT_255'));
  expect(verdict(rx(packet(V3_6)))).toEqual(ok());
  // Unicast relax: only the instance configured with skipTtlCheck accepts it.
  expect(verdict(rx(packet(V3_4, { ttl: 254 }), only(52, 4, { ...I3, skipTtlCheck: true })))).toEqual(ok());
  expect(verdict(rx(packet(V3_4, { ttl: 254 }), only(52, 4, I3)))).toEqual(drop('TTL_NOT_255'));
  expect(verdict(rx(packet(V3_4, { ttl: 254 }), only(99, 4, { ...I3, skipTtlCheck: true })))).toEqual(drop('TTL_NOT_255'));
});

test('version mismatch is dropped', () => {
  expect(verdict(rx(packet(V3_4), only(52, 4, { ...I2, version: 2 })))).toEqual(drop('VERSION_MISMATCH'));
  expect(verdict(rx(packet(V2), only(51, 4, { ...I3, version: 3 })))).toEqual(drop('VERSION_MISMATCH'));
  expect(verdict(rx(packet(V3_4), only(52, 4, I3)))).toEqual(ok());
  expect(verdict(rx(packet(V2), only(51, 4, I2)))).toEqual(ok());
});

test('unknown type is dropped', () => {
  expect(verdict(rx(patch(packet(V3_4), 20, 0x32)))).toEqual(drop('UNKNOWN_TYPE', 20));
  expect(verdict(rx(patch(packet(V3_4), 20, 0x30)))).toEqual(drop('UNKNOWN_TYPE', 20));
  expect(verdict(rx(patch(packet(V2), 20, 0x2f)))).toEqual(drop('UNKNOWN_TYPE', 20));
  expect(verdict(rx(patch(packet(V3_6), 40, 0x32)))).toEqual(drop('UNKNOWN_TYPE', 40));
});

test('unknown version is dropped', () => {
  for (const v of [0x01, 0x11, 0x41, 0xf1]) expect(verdict(rx(patch(packet(V3_4), 20, v)))).toEqual(drop('UNKNOWN_VERSION', 20));
  expect(verdict(rx(patch(packet(V3_6), 40, 0x41)))).toEqual(drop('UNKNOWN_VERSION', 40));
  expect(verdict(rx(patch(packet(V3_6), 40, 0x21)))).toEqual(drop('V2_OVER_IPV6', 40)); // v2 is IPv4 only
});

test('truncated packet is dropped', () => {
  const more = patch(packet(V3_4), 23, 2); // Count 2, one address present
  expect(verdict(rx(more))).toEqual(drop('TRUNCATED', more.length));
  const more6 = patch(packet(V3_6), 43, 3); // Count 3, two addresses present
  expect(verdict(rx(more6))).toEqual(drop('TRUNCATED', more6.length));
  const v2 = packet(V2);
  for (const missing of [8, 4, 1]) {
    const noAuth = Buffer.from(v2.subarray(0, v2.length - missing));
    noAuth.writeUInt16BE(noAuth.length, 2); // a consistent IPv4 Total Length, short of the auth bytes
    ipSum(noAuth);
    expect(verdict(rx(noAuth))).toEqual(drop('TRUNCATED', noAuth.length));
  }
  // IP length field beyond the bytes present (a capture's snaplen): the VRRP message decodes, but cannot be trusted.
  const longer = packet(V3_4);
  longer.writeUInt16BE(longer.length + 8, 2);
  const r = rx(ipSum(longer));
  expect(verdict(r)).toEqual(drop('TRUNCATED', longer.length));
  expect([r.checksum, r.advert?.vrid, r.ip?.truncated]).toEqual([null, 52, true]);
  const cut6 = frame(V3_6).subarray(0, 14 + 40 + 8 + 16); // Payload Length 40, 24 present
  expect(verdict(receiveIp(cut6, 14))).toEqual(drop('TRUNCATED', cut6.length)); // offsets are absolute
  const header = packet(V3_4).subarray(0, 24); // IPv4 says 28 bytes, VRRP header half there
  expect(verdict(rx(header))).toEqual(drop('TRUNCATED', 24));
  expect(verdict(rx(packet(V3_4).subarray(0, 10)))).toEqual(drop('TRUNCATED', 10)); // IPv4 header cut
  expect(verdict(rx(packet(V3_6).subarray(0, 39)))).toEqual(drop('TRUNCATED', 39)); // IPv6 header cut
});

test('bad checksum is dropped', () => {
  const cases: [Advertisement, Extra][] = [[V2, {}], [V3_4, { checksum: 'pseudo-header' }], [V3_4, { checksum: 'message-only' }], [V3_6, {}]];
  for (const [ad, extra] of cases) {
    const p = packet(ad, extra);
    const s = at(p);
    for (const i of [s + 2, s + 6, s + 7, s + 8 + 3]) { // priority, both checksum bytes, an address byte
      const r = rx(flip(p, i));
      expect(verdict(r)).toEqual(drop('BAD_CHECKSUM'));
      expect([r.checksum, r.advert?.vrid]).toEqual(['bad', ad.vrid]);
    }
  }
  // The pseudo-header covers the IP source: a changed source breaks v3/IPv6 and pseudo-header v3/IPv4 only.
  expect(verdict(rx(flip(packet(V3_6), 23)))).toEqual(drop('BAD_CHECKSUM'));
  expect(verdict(rx(ipSum(flip(packet(V3_4, { checksum: 'pseudo-header' }), 15))))).toEqual(drop('BAD_CHECKSUM'));
  expect(rx(ipSum(flip(packet(V3_4, { checksum: 'message-only' }), 15))).checksum).toBe('ok-message-only');
  expect(verdict(rx(reseal(packet(V3_6), 'message-only')))).toEqual(drop('BAD_CHECKSUM')); // IPv6 has one form
  expect(verdict(rx(reseal(packet(V2), 'pseudo-header')))).toEqual(drop('BAD_CHECKSUM')); // v2 is message-only
});

test('both v3/IPv4 checksum forms are accepted and reported', () => {
  const pseudo = rx(packet(V3_4, { checksum: 'pseudo-header' }));
  expect([verdict(pseudo), pseudo.checksum]).toEqual([ok(), 'ok-pseudo-header']);
  const message = rx(packet(V3_4, { checksum: 'message-only' }));
  expect([verdict(message), message.checksum]).toEqual([ok(), 'ok-message-only']);
  expect([verdict(rx(packet(V2))), rx(packet(V2)).checksum]).toEqual([ok(), 'ok']);
  expect([verdict(rx(packet(V3_6))), rx(packet(V3_6)).checksum]).toEqual([ok(), 'ok']);
  const p = packet(V3_4, { checksum: 'message-only' });
  expect(checksumStatus(p, 20, p.length, 3, 4, p.subarray(12, 16), p.subarray(16, 20))).toBe('ok-message-only');
  // A frame padded to the Ethernet minimum: the IP length field, not the frame, ends the message.
  const padded = Buffer.concat([frame(V2), Buffer.alloc(6, 0xaa)]);
  expect([verdict(receiveIp(padded, 14)), receiveIp(padded, 14).checksum]).toEqual([ok(), 'ok']);
});

test('VRID not configured is dropped', () => {
  const r = rx(packet(V3_4), only(99, 4, I3));
  expect([verdict(r), r.checksum, r.advert?.vrid]).toEqual([drop('VRID_NOT_CONFIGURED'), 'ok-pseudo-header', 52]);
  expect(verdict(rx(packet(V3_4), () => undefined))).toEqual(drop('VRID_NOT_CONFIGURED'));
  const calls: [number, number][] = [];
  const v4only: InstanceLookup = (vrid, family) => (calls.push([vrid, family]), family === 4 && vrid === 53 ? I3 : undefined);
  expect(verdict(rx(packet(V3_6), v4only))).toEqual(drop('VRID_NOT_CONFIGURED'));
  expect(calls).toEqual([[53, 6]]);
  expect(verdict(rx(packet(V3_6), only(53, 6, I3)))).toEqual(ok());
  expect(verdict(rx(packet(V3_4)))).toEqual(ok()); // no lookup: the configuration-free rules only (inspect)
});

test('v3 interval 0 is dropped', () => {
  expect(verdict(rx(packet({ ...V3_4, intervalCs: 0 })))).toEqual(drop('INTERVAL_ZERO'));
  expect(verdict(rx(packet({ ...V3_6, intervalCs: 0 }), only(53, 6, I3)))).toEqual(drop('INTERVAL_ZERO'));
  // The 4 reserved bits are not part of the interval: 0xf000 is still 0.
  expect(verdict(rx(reseal(patch(packet({ ...V3_4, intervalCs: 0 }), 24, 0xf0), 'pseudo-header')))).toEqual(drop('INTERVAL_ZERO'));
  expect(verdict(rx(packet({ ...V3_4, intervalCs: 1 })))).toEqual(ok());
});

test('count 0 is dropped', () => {
  expect(verdict(rx(packet({ ...V3_4, addresses: [] })))).toEqual(drop('COUNT_ZERO'));
  expect(verdict(rx(packet({ ...V3_6, addresses: [] }), only(53, 6, { ...I3, strictLinkLocal: true })))).toEqual(drop('COUNT_ZERO'));
  expect(verdict(rx(packet({ ...V2, addresses: [] }), only(51, 4, I2)))).toEqual(drop('COUNT_ZERO'));
});

test('VRID 0 is dropped', () => {
  expect(verdict(rx(packet({ ...V3_4, vrid: 0 }), only(0, 4, I3)))).toEqual(drop('VRID_ZERO'));
  expect(verdict(rx(packet({ ...V3_6, vrid: 0 })))).toEqual(drop('VRID_ZERO'));
  expect(verdict(rx(packet({ ...V2, vrid: 0 }), only(0, 4, I2)))).toEqual(drop('VRID_ZERO'));
});

test('IPv6 first address not link-local is dropped in strict mode', () => {
  const global = packet({ ...V3_6, addresses: ['2001:db8::100', 'fe80::100'] });
  const strict = only(53, 6, { ...I3, strictLinkLocal: true });
  expect(verdict(rx(global, strict))).toEqual(drop('FIRST_ADDRESS_NOT_LINK_LOCAL'));
  expect(verdict(rx(global))).toEqual(ok('FIRST_ADDRESS_NOT_LINK_LOCAL'));
  expect(verdict(rx(global, only(53, 6, { ...I3, strictLinkLocal: false })))).toEqual(ok('FIRST_ADDRESS_NOT_LINK_LOCAL'));
  expect(verdict(rx(global, only(99, 6, I3)))).toEqual(drop('VRID_NOT_CONFIGURED', null, ['FIRST_ADDRESS_NOT_LINK_LOCAL']));
  expect(verdict(rx(packet(V3_6), strict))).toEqual(ok());
  expect(verdict(rx(packet({ ...V3_6, addresses: ['febf::1'] }), strict))).toEqual(ok()); // fe80::/10 upper end
  expect(verdict(rx(packet({ ...V3_6, addresses: ['fec0::1'] }), strict))).toEqual(drop('FIRST_ADDRESS_NOT_LINK_LOCAL'));
});

test('v3 interval difference is only a warning', () => {
  const mine: InstanceExpectations = { ...I3, addresses: ['192.0.2.101'] };
  const with4 = (e: Partial<InstanceExpectations>): Verdict => verdict(rx(packet(V3_4), only(52, 4, { ...mine, ...e })));
  expect(with4({})).toEqual(ok());
  expect(with4({ intervalCs: 50 })).toEqual(ok('V3_INTERVAL_DIFFERS'));
  expect(with4({ addresses: ['192.0.2.102'] })).toEqual(ok('ADDRESS_LIST_DIFFERS'));
  expect(with4({ addresses: ['192.0.2.101', '192.0.2.102'] })).toEqual(ok('ADDRESS_LIST_DIFFERS'));
  expect(with4({ owner: true })).toEqual(ok('OWNER_RECEIVED'));
  expect(with4({ intervalCs: 4095, addresses: [], owner: true })).toEqual(ok('V3_INTERVAL_DIFFERS', 'ADDRESS_LIST_DIFFERS', 'OWNER_RECEIVED'));
  const reordered = only(53, 6, { ...I3, addresses: ['2001:db8::100', 'fe80::100'] });
  expect(verdict(rx(packet(V3_6), reordered))).toEqual(ok()); // a set, not a sequence
  expect(verdict(rx(packet(V2), only(51, 4, { ...I2, owner: true, addresses: ['192.0.2.9'] })))).toEqual(ok('ADDRESS_LIST_DIFFERS', 'OWNER_RECEIVED'));
});

// The address lists are compared as sets of canonical addresses: a repeated address is not the missing one,
// and the configuration's spelling (upper case, zeros) does not matter.
test('an advert repeating one of our addresses instead of listing the other is an address-list difference', () => {
  const e = only(52, 4, { ...I3, addresses: ['192.0.2.101', '192.0.2.102'] });
  expect(verdict(rx(packet({ ...V3_4, addresses: ['192.0.2.101', '192.0.2.101'] }), e))).toEqual(ok('ADDRESS_LIST_DIFFERS'));
  const spelled = only(53, 6, { ...I3, addresses: ['FE80::100', '2001:DB8:0:0::100'] });
  expect(verdict(rx(packet(V3_6), spelled))).toEqual(ok());
});

test('v2 interval mismatch is dropped', () => {
  expect(verdict(rx(packet(V2), only(51, 4, { ...I2, intervalCs: 200 })))).toEqual(drop('V2_INTERVAL_MISMATCH'));
  expect(verdict(rx(packet(V2), only(51, 4, { ...I2, intervalCs: 150 })))).toEqual(drop('V2_INTERVAL_MISMATCH'));
  expect(verdict(rx(packet({ ...V2, intervalS: 2 }), only(51, 4, I2)))).toEqual(drop('V2_INTERVAL_MISMATCH'));
  expect(verdict(rx(packet({ ...V2, intervalS: 2 }), only(51, 4, { ...I2, intervalCs: 200 })))).toEqual(ok());
});

test('v2 auth mismatch is dropped', () => {
  const v2 = (e: Partial<InstanceExpectations>, ad: Advertisement = V2): Verdict => verdict(rx(packet(ad), only(51, 4, { ...I2, ...e })));
  expect(v2({ authType: 0 })).toEqual(drop('AUTH_TYPE_MISMATCH'));
  expect(v2({ authType: undefined, authData: undefined })).toEqual(drop('AUTH_TYPE_MISMATCH')); // default: none
  const none: Advertisement = { ...V2, authType: 0, authData: Buffer.from('garbage!') };
  expect(v2({}, none)).toEqual(drop('AUTH_TYPE_MISMATCH'));
  expect(v2({ authData: Buffer.from('other') })).toEqual(drop('AUTH_MISMATCH'));
  expect(v2({ authData: Buffer.from('s3cre') })).toEqual(drop('AUTH_MISMATCH'));
  expect(v2({ authData: undefined })).toEqual(drop('AUTH_MISMATCH'));
  expect(v2({}, { ...V2, authData: Buffer.from('s3cret\0x') })).toEqual(drop('AUTH_MISMATCH')); // padding is compared
  expect(v2({})).toEqual(ok()); // 's3cret' matches the zero-padded wire form
  expect(v2({ authData: Buffer.from('s3cret\0\0') })).toEqual(ok());
  expect(v2({ authType: 0, authData: Buffer.from('ignored') }, none)).toEqual(ok());
  expect(verdict(rx(patch(packet(V2), 24, 2)))).toEqual(drop('AUTH_AH_UNSUPPORTED', 24));
  expect(verdict(rx(patch(packet(V2), 24, 3)))).toEqual(drop('UNKNOWN_AUTH_TYPE', 24));
});

test('not VRRP is dropped', () => {
  const r = rx(ipSum(patch(packet(V3_4), 9, 17))); // UDP
  expect([verdict(r), r.ip?.protocol, r.advert]).toEqual([drop('NOT_VRRP'), 17, null]);
  expect(verdict(rx(patch(packet(V3_6), 6, 58)))).toEqual(drop('NOT_VRRP')); // ICMPv6
  // Hop-by-hop options are skipped to reach VRRP; a fragment header stops the walk (and is IP_FRAGMENT).
  const p6 = packet(V3_6);
  const hbh = Buffer.concat([p6.subarray(0, 40), Buffer.from([112, 0, 1, 4, 0, 0, 0, 0]), p6.subarray(40)]);
  hbh.writeUInt16BE(hbh.length - 40, 4);
  hbh[6] = 0;
  expect(verdict(rx(hbh))).toEqual(ok());
  expect(verdict(rx(patch(hbh, 6, 44)))).toEqual(drop('IP_FRAGMENT', 40));
});

test('malformed IP header is dropped', () => {
  expect(verdict(rx(patch(packet(V3_4), 0, 0x44)))).toEqual(drop('BAD_IP_HEADER', 0)); // IHL 4
  expect(verdict(rx(patch(packet(V3_4), 0, 0x55)))).toEqual(drop('BAD_IP_HEADER', 0)); // version 5
  expect(verdict(rx(patch(packet(V3_4), 3, 19)))).toEqual(drop('BAD_IP_HEADER', 2)); // Total Length < header
  const ext = patch(packet(V3_6), 6, 0); // "hop-by-hop" header (the VRRP bytes) of (len 1 + 1) * 8 > 40 bytes
  expect(verdict(rx(patch(ext, 41, 5)))).toEqual(drop('BAD_IP_HEADER', 40));
});

test('the rules apply in RFC order', () => {
  const ttl = packet(V3_4, { ttl: 254 });
  expect(verdict(rx(flip(ttl, 22)))).toEqual(drop('TTL_NOT_255')); // TTL before checksum
  expect(verdict(rx(patch(ttl, 23, 2)))).toEqual(drop('TTL_NOT_255')); // TTL before completeness
  const p = packet(V3_4);
  expect(verdict(rx(flip(p, 22), only(99, 4, I3)))).toEqual(drop('BAD_CHECKSUM')); // checksum before VRID lookup
  expect(verdict(rx(flip(packet({ ...V3_4, vrid: 0 }), 22)))).toEqual(drop('BAD_CHECKSUM'));
  expect(verdict(rx(packet({ ...V3_4, vrid: 0, addresses: [], intervalCs: 0 })))).toEqual(drop('VRID_ZERO'));
  expect(verdict(rx(packet({ ...V3_4, addresses: [], intervalCs: 0 })))).toEqual(drop('COUNT_ZERO'));
  expect(verdict(rx(packet(V3_4), only(99, 4, { ...I2, version: 2 })))).toEqual(drop('VRID_NOT_CONFIGURED'));
  expect(verdict(rx(packet({ ...V2, intervalS: 3 }), only(51, 4, { ...I2, version: 2, authType: 0 })))).toEqual(drop('V2_INTERVAL_MISMATCH'));
});

test('receiveIp never throws on random or mutated input', () => {
  const REASONS = new Set<string>(['BAD_IP_HEADER', 'BAD_IP_CHECKSUM', 'IP_FRAGMENT', 'NOT_VRRP', 'TTL_NOT_255', 'TRUNCATED', 'UNKNOWN_VERSION', 'UNKNOWN_TYPE',
    'V2_OVER_IPV6', 'AUTH_AH_UNSUPPORTED', 'UNKNOWN_AUTH_TYPE', 'BAD_CHECKSUM', 'VRID_ZERO', 'COUNT_ZERO', 'INTERVAL_ZERO',
    'VERSION_MISMATCH', 'VRID_NOT_CONFIGURED', 'V2_INTERVAL_MISMATCH', 'AUTH_TYPE_MISMATCH', 'AUTH_MISMATCH', 'FIRST_ADDRESS_NOT_LINK_LOCAL']);
  const seeds = [frame(V2), frame(V3_4), frame(V3_4, { checksum: 'message-only' }), frame(V3_6)];
  const lookup: InstanceLookup = (vrid) => (vrid === 51 ? I2 : vrid === 52 ? I3 : vrid === 53 ? { ...I3, strictLinkLocal: true } : undefined);
  const sane = (b: Uint8Array, offset: number, end: number, withLookup: boolean): boolean => {
    const r = receiveIp(b, offset, end, withLookup ? lookup : undefined);
    return typeof r.valid === 'boolean' && r.valid === (r.reason === null) && (r.valid || (typeof r.reason === 'string' && REASONS.has(r.reason)));
  };
  // Random bytes, some behind an IPv4 / IPv6 header of a real advert so the VRRP rules are reached.
  const prefix = fc.constantFrom(new Uint8Array(0), seeds[1].subarray(14, 34), seeds[3].subarray(14, 54));
  fc.assert(
    fc.property(prefix, fc.uint8Array({ maxLength: 120 }), fc.boolean(), (head, tail, withLookup) => {
      const b = Buffer.concat([head, tail]);
      return sane(b, 0, b.length, withLookup);
    }),
    { numRuns: 20_000 },
  );
  const flips = fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 6 });
  fc.assert(
    fc.property(fc.nat(seeds.length - 1), flips, fc.nat(), fc.boolean(), (i, changes, cut, withLookup) => {
      const b = Buffer.from(seeds[i]);
      for (const [pos, value] of changes) b[14 + (pos % (b.length - 14))] = value;
      return sane(b, 14, 14 + (cut % (b.length - 13)), withLookup) && sane(b.subarray(14), 0, b.length - 14, withLookup);
    }),
    { numRuns: 20_000 },
  );
});

describe('IP-layer rules before the VRRP ones', () => {
  // The kernel reassembles fragments and verifies the IPv4 header checksum before a raw socket sees a packet,
  // so a fragment or a bad header checksum that reaches the receive step is hostile (or corrupt).
  const frag = (word: number): Buffer => {
    const p = packet(V3_4);
    p.writeUInt16BE(word, 6);
    return ipSum(p);
  };
  test('an IPv4 fragment (MF set, or Fragment Offset not 0) is dropped as IP_FRAGMENT at the flags word', () => {
    expect(verdict(rx(frag(0x2000)))).toEqual(drop('IP_FRAGMENT', 6)); // MF, offset 0: a first fragment
    expect(verdict(rx(frag(0x0001)))).toEqual(drop('IP_FRAGMENT', 6)); // offset 8 bytes: the last fragment
    expect(verdict(rx(frag(0x2000 | 0x1fff)))).toEqual(drop('IP_FRAGMENT', 6));
    expect(verdict(rx(frag(0x4000)))).toEqual(ok()); // DF alone is not a fragment
    expect(verdict(receiveIp(Buffer.concat([Buffer.alloc(3), frag(0x2000)]), 3))).toEqual(drop('IP_FRAGMENT', 9)); // absolute
    expect(rx(frag(0x2000)).advert).toBeNull();
  });
  test('an IPv6 Fragment header (next header 44) is dropped as IP_FRAGMENT at the Fragment header', () => {
    const p6 = packet(V3_6);
    const fh = Buffer.concat([p6.subarray(0, 40), Buffer.from([112, 0, 0, 1, 0, 0, 0, 7]), p6.subarray(40)]);
    fh.writeUInt16BE(fh.length - 40, 4);
    fh[6] = 44;
    expect(verdict(rx(fh))).toEqual(drop('IP_FRAGMENT', 40));
    // Behind a hop-by-hop header, too.
    const hbh = Buffer.concat([fh.subarray(0, 40), Buffer.from([44, 0, 1, 4, 0, 0, 0, 0]), fh.subarray(40)]);
    hbh.writeUInt16BE(hbh.length - 40, 4);
    hbh[6] = 0;
    expect(verdict(rx(hbh))).toEqual(drop('IP_FRAGMENT', 48));
  });
  test('a wrong IPv4 header checksum is dropped as BAD_IP_CHECKSUM at the checksum field, before anything else', () => {
    expect(verdict(rx(flip(packet(V3_4), 10)))).toEqual(drop('BAD_IP_CHECKSUM', 10));
    expect(verdict(rx(flip(packet(V2), 11)))).toEqual(drop('BAD_IP_CHECKSUM', 10));
    expect(verdict(rx(flip(packet(V3_4), 15)))).toEqual(drop('BAD_IP_CHECKSUM', 10)); // a changed source address
    expect(verdict(rx(flip(packet(V3_4, { ttl: 254 }), 10)))).toEqual(drop('BAD_IP_CHECKSUM', 10)); // before TTL
    expect(verdict(rx(flip(frag(0x2000), 10)))).toEqual(drop('BAD_IP_CHECKSUM', 10)); // before the fragment rule
    expect(verdict(rx(patch(packet(V3_4), 9, 17)))).toEqual(drop('BAD_IP_CHECKSUM', 10)); // before the protocol
    expect(verdict(rx(ipSum(flip(packet(V3_4), 10))))).toEqual(ok());
  });
});

test('keepalived unicast_peer min_ttl / max_ttl: the source with a range is checked against it (inclusive), other sources keep the 255 rule', () => {
  const range = { ...I3, ttlRanges: [{ src: Buffer.from([192, 0, 2, 1]), min: 240, max: 254 }] };
  expect(verdict(rx(packet(V3_4, { ttl: 240 }), only(52, 4, range)))).toEqual(ok());
  expect(verdict(rx(packet(V3_4, { ttl: 254 }), only(52, 4, range)))).toEqual(ok());
  expect(verdict(rx(packet(V3_4, { ttl: 239 }), only(52, 4, range)))).toEqual(drop('TTL_OUT_OF_RANGE'));
  expect(verdict(rx(packet(V3_4), only(52, 4, range)))).toEqual(drop('TTL_OUT_OF_RANGE'));
  const other = { ...I3, ttlRanges: [{ src: Buffer.from([192, 0, 2, 9]), min: 0, max: 255 }] };
  expect(verdict(rx(packet(V3_4, { ttl: 240 }), only(52, 4, other)))).toEqual(drop('TTL_NOT_255'));
  const v6 = { version: 3 as const, intervalCs: 100, ttlRanges: [{ src: parseAddress('fe80::a', 6), min: 64, max: 255 }] };
  expect(verdict(rx(packet(V3_6, { ttl: 64 }), only(53, 6, v6)))).toEqual(ok());
  expect(verdict(rx(packet(V3_6, { ttl: 63 }), only(53, 6, v6)))).toEqual(drop('TTL_OUT_OF_RANGE'));
});
