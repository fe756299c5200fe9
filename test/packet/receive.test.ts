/** The receive rules of RFC 9568 §7.1 and RFC 3768 §7.1 (lib/packet/receive.ts): one reason per rule. */
import fc from 'fast-check';
import { Advertisement } from '../../lib/packet/advertisement';
import { buildAdvertFrame } from '../../lib/packet/frame';
import { InstanceExpectations, InstanceLookup, receiveIp, ReceiveResult } from '../../lib/packet/receive';

const V3_4: Advertisement = { version: 3, family: 4, vrid: 52, priority: 150, intervalCs: 100, addresses: ['192.0.2.101'] };
const V3_6: Advertisement = { version: 3, family: 6, vrid: 53, priority: 100, intervalCs: 100, addresses: ['fe80::100', '2001:db8::100'] };
const V2: Advertisement = { version: 2, family: 4, vrid: 51, priority: 150, intervalS: 1, authType: 1, authData: Buffer.from('s3cret\0\0'), addresses: ['192.0.2.100'] };
const MAC = '02:00:00:00:00:0a';

/** The IP packet (frame minus the 14-byte Ethernet header) of an advert. */
function packet(ad: Advertisement, extra: { ttl?: number; checksum?: 'message-only' | 'pseudo-header' } = {}): Buffer {
  return buildAdvertFrame({ srcMac: MAC, src: ad.family === 4 ? '192.0.2.1' : 'fe80::a', advert: ad, ...extra }).subarray(14);
}
const ipHeader = (ad: Advertisement): number => (ad.family === 4 ? 20 : 40);
function patch(buf: Buffer, at: number, value: number): Buffer {
  const b = Buffer.from(buf);
  b[at] = value;
  return b;
}
const only = (vrid: number, family: 4 | 6, e: InstanceExpectations): InstanceLookup => (v, f) => (v === vrid && f === family ? e : undefined);
const verdict = (r: ReceiveResult): [boolean, string | null, string[]] => [r.valid, r.reason, r.warnings];

test('TTL not 255 is dropped', () => {
  expect(verdict(receiveIp(packet(V3_4, { ttl: 254 })))).toEqual([false, 'TTL_NOT_255', []]);
  expect(verdict(receiveIp(packet(V3_4, { ttl: 1 })))).toEqual([false, 'TTL_NOT_255', []]);
  expect(verdict(receiveIp(packet(V3_6, { ttl: 254 })))).toEqual([false, 'TTL_NOT_255', []]);
  expect(receiveIp(packet(V3_4, { ttl: 254 }), 0, undefined, only(52, 4, { version: 3, intervalCs: 100, skipTtlCheck: true })).valid).toBe(true);
});

test('version mismatch is dropped', () => {
  expect(receiveIp(packet(V3_4), 0, undefined, only(52, 4, { version: 2, intervalCs: 100 })).reason).toBe('VERSION_MISMATCH');
  expect(receiveIp(packet(V2), 0, undefined, only(51, 4, { version: 3, intervalCs: 100 })).reason).toBe('VERSION_MISMATCH');
});

test('unknown type is dropped', () => {
  expect(receiveIp(patch(packet(V3_4), 20, 0x32)).reason).toBe('UNKNOWN_TYPE');
});

test('unknown version is dropped', () => {
  expect(receiveIp(patch(packet(V3_4), 20, 0x41)).reason).toBe('UNKNOWN_VERSION');
});

test('truncated packet is dropped', () => {
  const more = patch(packet(V3_4), 23, 2); // Count 2, one address present
  expect(verdict(receiveIp(more))).toEqual([false, 'TRUNCATED', []]);
  expect(receiveIp(more).errorOffset).toBe(more.length);
  const v2 = packet(V2);
  const noAuth = Buffer.from(v2.subarray(0, v2.length - 8));
  noAuth.writeUInt16BE(noAuth.length, 2); // IPv4 total length without the 8 auth bytes
  expect(receiveIp(noAuth).reason).toBe('TRUNCATED');
  const cut = packet(V3_6).subarray(0, 40 + 8 + 16); // IPv6 payload length says 40 bytes, 24 present
  expect(receiveIp(cut).reason).toBe('TRUNCATED');
});

test('bad checksum is dropped', () => {
  for (const [ad, extra] of [[V2, {}], [V3_4, { checksum: 'pseudo-header' }], [V3_4, { checksum: 'message-only' }], [V3_6, {}]] as const) {
    const p = packet(ad, extra);
    const at = ipHeader(ad) + 2; // the priority byte
    expect(verdict(receiveIp(patch(p, at, p[at] ^ 0x01)))).toEqual([false, 'BAD_CHECKSUM', []]);
  }
});

test('both v3/IPv4 checksum forms are accepted and reported', () => {
  expect(receiveIp(packet(V3_4, { checksum: 'pseudo-header' })).checksum).toBe('ok-pseudo-header');
  expect(receiveIp(packet(V3_4, { checksum: 'message-only' })).checksum).toBe('ok-message-only');
  expect(receiveIp(packet(V2)).checksum).toBe('ok');
  expect(receiveIp(packet(V3_6)).checksum).toBe('ok');
});

test('VRID not configured is dropped', () => {
  expect(receiveIp(packet(V3_4), 0, undefined, only(99, 4, { version: 3, intervalCs: 100 })).reason).toBe('VRID_NOT_CONFIGURED');
  expect(receiveIp(packet(V3_6), 0, undefined, only(53, 4, { version: 3, intervalCs: 100 })).reason).toBe('VRID_NOT_CONFIGURED');
  expect(receiveIp(packet(V3_6), 0, undefined, only(53, 6, { version: 3, intervalCs: 100 })).valid).toBe(true);
});

test('v3 interval 0 is dropped', () => {
  expect(receiveIp(packet({ ...V3_4, intervalCs: 0 })).reason).toBe('INTERVAL_ZERO');
});

test('count 0 is dropped', () => {
  expect(receiveIp(packet({ ...V3_4, addresses: [] })).reason).toBe('COUNT_ZERO');
});

test('VRID 0 is dropped', () => {
  expect(receiveIp(packet({ ...V3_4, vrid: 0 })).reason).toBe('VRID_ZERO');
});

test('IPv6 first address not link-local is dropped in strict mode', () => {
  const global = { ...V3_6, addresses: ['2001:db8::100'] };
  const strict = only(53, 6, { version: 3, intervalCs: 100, strictLinkLocal: true });
  expect(verdict(receiveIp(packet(global), 0, undefined, strict))).toEqual([false, 'FIRST_ADDRESS_NOT_LINK_LOCAL', []]);
  expect(verdict(receiveIp(packet(global)))).toEqual([true, null, ['FIRST_ADDRESS_NOT_LINK_LOCAL']]);
  expect(verdict(receiveIp(packet(V3_6), 0, undefined, strict))).toEqual([true, null, []]);
});

test('v3 interval difference is only a warning', () => {
  const mine = { version: 3 as const, intervalCs: 50, addresses: ['192.0.2.101'] };
  expect(verdict(receiveIp(packet(V3_4), 0, undefined, only(52, 4, mine)))).toEqual([true, null, ['V3_INTERVAL_DIFFERS']]);
  expect(verdict(receiveIp(packet(V3_4), 0, undefined, only(52, 4, { ...mine, intervalCs: 100, addresses: ['192.0.2.102'] })))).toEqual([true, null, ['ADDRESS_LIST_DIFFERS']]);
  expect(verdict(receiveIp(packet(V3_4), 0, undefined, only(52, 4, { ...mine, intervalCs: 100, owner: true })))).toEqual([true, null, ['OWNER_RECEIVED']]);
});

test('v2 interval mismatch is dropped', () => {
  expect(receiveIp(packet(V2), 0, undefined, only(51, 4, { version: 2, intervalCs: 200, authType: 1, authData: Buffer.from('s3cret') })).reason).toBe('V2_INTERVAL_MISMATCH');
});

test('v2 auth mismatch is dropped', () => {
  const e = { version: 2 as const, intervalCs: 100 };
  expect(receiveIp(packet(V2), 0, undefined, only(51, 4, { ...e, authType: 0 })).reason).toBe('AUTH_TYPE_MISMATCH');
  expect(receiveIp(packet(V2), 0, undefined, only(51, 4, { ...e, authType: 1, authData: Buffer.from('other') })).reason).toBe('AUTH_MISMATCH');
  expect(receiveIp(packet(V2), 0, undefined, only(51, 4, { ...e, authType: 1, authData: Buffer.from('s3cret') })).valid).toBe(true);
  const none: Advertisement = { ...V2, authType: 0, authData: new Uint8Array(8) };
  expect(receiveIp(packet(none), 0, undefined, only(51, 4, { ...e, authType: 0, authData: Buffer.from('ignored') })).valid).toBe(true);
});

test('not VRRP is dropped', () => {
  const p = Buffer.from(packet(V3_4));
  p[9] = 17; // UDP
  expect(receiveIp(p).reason).toBe('NOT_VRRP');
});

test('malformed IP header is dropped', () => {
  expect(receiveIp(patch(packet(V3_4), 0, 0x44)).reason).toBe('BAD_IP_HEADER'); // IHL 4
});

test('the rules apply in RFC order', () => {
  const p = packet(V3_4, { ttl: 254 });
  expect(receiveIp(patch(p, 22, p[22] ^ 1)).reason).toBe('TTL_NOT_255');
  const q = packet(V3_4);
  expect(receiveIp(patch(q, 22, q[22] ^ 1), 0, undefined, only(99, 4, { version: 3, intervalCs: 100 })).reason).toBe('BAD_CHECKSUM');
});

test('receiveIp never throws on random or mutated input', () => {
  const seeds = [packet(V2), packet(V3_4), packet(V3_6)];
  const lookup = only(52, 4, { version: 3, intervalCs: 100 });
  const check = (b: Uint8Array): void => {
    const r = receiveIp(b, 0, b.length, lookup);
    expect(typeof r.valid).toBe('boolean');
    if (!r.valid) expect(typeof r.reason).toBe('string');
  };
  fc.assert(fc.property(fc.uint8Array({ maxLength: 120 }), check), { numRuns: 10_000 });
  fc.assert(
    fc.property(fc.nat(2), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }), fc.nat(), (i, flips, cut) => {
      const b = Buffer.from(seeds[i]);
      for (const [pos, val] of flips) b[pos % b.length] = val;
      check(b.subarray(0, cut % (b.length + 1)));
    }),
    { numRuns: 10_000 },
  );
});
