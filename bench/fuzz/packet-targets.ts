/**
 * Fuzz targets of lib/packet: the advertisement decoder (decode and tryDecode agree; what decodes encodes back
 * to the same fields) and the receive step (receiveIp, receiveVrrp, with and without an instance lookup: never
 * throws, one stable reason per drop). Inputs: random bytes and byte-level mutations of valid adverts in valid
 * IPv4 and IPv6 packets (TTL, checksum form, auth and VRID varied).
 */
import fc from 'fast-check';
import { Advertisement, decode, encode, tryDecode } from '../../lib/packet/advertisement';
import type { Family } from '../../lib/packet/constants';
import { encodeIPv4 } from '../../lib/packet/ipv4';
import { encodeIPv6 } from '../../lib/packet/ipv6';
import { DropReason, InstanceExpectations, InstanceLookup, receiveIp, ReceiveResult, receiveVrrp } from '../../lib/packet/receive';
import { DecodeError, DecodeFailure } from '../../lib/errors';
import { byteMutations, ByteMutation, hexExcerpt, mutateBytes, oneIn } from './mutate';
import { check, Finding, FuzzTarget, typedCode } from './target';

const v4 = fc.tuple(fc.constantFrom(192, 198, 203), fc.nat(255), fc.nat(255), fc.nat(255)).map((a) => a.join('.'));
const v6 = fc.tuple(fc.constantFrom('2001:db8', 'fe80'), fc.array(fc.nat(0xffff), { minLength: 1, maxLength: 3 })).map(([p, a]) => `${p}::${a.map((x) => x.toString(16)).join(':')}`);

/** A valid advertisement of any version and family. */
export const advertArb: fc.Arbitrary<Advertisement> = fc.oneof(
  fc.record({
    version: fc.constant(3 as const), family: fc.constant(4 as const), vrid: fc.nat(255), priority: fc.nat(255), intervalCs: fc.nat(4095),
    addresses: fc.array(v4, { maxLength: 6 }),
  }),
  fc.record({
    version: fc.constant(3 as const), family: fc.constant(6 as const), vrid: fc.nat(255), priority: fc.nat(255), intervalCs: fc.nat(4095),
    addresses: fc.array(v6, { maxLength: 4 }),
  }),
  fc.record({
    version: fc.constant(2 as const), family: fc.constant(4 as const), vrid: fc.nat(255), priority: fc.nat(255), intervalS: fc.nat(255),
    authType: fc.constantFrom(0 as const, 1 as const), authData: fc.uint8Array({ minLength: 8, maxLength: 8 }), addresses: fc.array(v4, { maxLength: 6 }),
  }),
);

/** A valid advert in a valid IP packet: src, dst, TTL and checksum form varied. */
interface PacketSeed {
  advert: Advertisement;
  src: string;
  dst: string;
  ttl: number;
  messageOnly: boolean;
}

const packetSeedArb: fc.Arbitrary<PacketSeed> = advertArb.chain((advert) =>
  fc.record({
    advert: fc.constant(advert),
    src: advert.family === 4 ? v4 : v6,
    dst: advert.family === 4 ? fc.constantFrom('224.0.0.18', '192.0.2.1') : fc.constantFrom('ff02::12', 'fe80::1'),
    ttl: fc.constantFrom(255, 255, 255, 254, 1, 0),
    messageOnly: fc.boolean(),
  }),
);

/** The IP packet of a seed. */
export function packetOf(s: PacketSeed): Buffer {
  const msg = encode(s.advert, undefined, 0, { src: s.src, dst: s.dst, checksum: s.messageOnly ? 'message-only' : 'pseudo-header' });
  const header = s.advert.family === 4
    ? encodeIPv4({ src: s.src, dst: s.dst, ttl: s.ttl, protocol: 112, tos: 0xc0 }, msg.length)
    : encodeIPv6({ src: s.src, dst: s.dst, hopLimit: s.ttl, nextHeader: 112 }, msg.length);
  return Buffer.concat([header, msg]);
}

/** Bytes in a buffer, with a window [offset, offset+len) that may lie partly outside it. */
interface Window {
  bytes: Buffer;
  offset: number;
  /** end = bytes.length - endShort (may go below offset). */
  endShort: number;
}

const windowOf = (bytes: fc.Arbitrary<Buffer>): fc.Arbitrary<Window> =>
  fc.record({ bytes, offset: fc.oneof({ weight: 6, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.nat(70) }), endShort: fc.oneof({ weight: 6, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: -8, max: 40 }) }) });

function mutated<T>(seed: fc.Arbitrary<T>, toBytes: (t: T) => Buffer): fc.Arbitrary<Buffer> {
  return fc.tuple(seed, byteMutations(4)).map(([s, m]: [T, ByteMutation[]]) => mutateBytes(toBytes(s), m));
}

const randomBytes = fc.uint8Array({ maxLength: 400 }).map((a) => Buffer.from(a));

/** Input of the advert decoder target. */
export interface AdvertInput extends Window {
  family: Family;
}

function sameFields(a: Advertisement, b: Advertisement): boolean {
  if (a.version !== b.version || a.family !== b.family || a.vrid !== b.vrid || a.priority !== b.priority) return false;
  if (a.addresses.join(',') !== b.addresses.join(',')) return false;
  if (a.version === 3 && b.version === 3) return a.intervalCs === b.intervalCs;
  if (a.version === 2 && b.version === 2) return a.intervalS === b.intervalS && a.authType === b.authType && Buffer.compare(Buffer.from(a.authData), Buffer.from(b.authData)) === 0;
  return false;
}

export const advertTarget: FuzzTarget<AdvertInput> = {
  name: 'advert',
  what: 'lib/packet/advertisement decode/tryDecode on random bytes and mutated valid v2/v3 adverts, both families, odd offsets and ends',
  arbitrary: () =>
    fc.tuple(
      windowOf(fc.oneof(randomBytes, mutated(advertArb, (a) => encode(a, undefined, 0, { src: a.family === 4 ? '192.0.2.1' : 'fe80::1', dst: a.family === 4 ? '224.0.0.18' : 'ff02::12' })))),
      fc.constantFrom(4 as const, 6 as const),
    ).map(([w, family]) => ({ ...w, family })),
  run({ bytes, offset, endShort, family }) {
    const end = bytes.length - endShort;
    const r = tryDecode(bytes, offset, { family, end });
    let thrown: unknown = null;
    let decoded: Advertisement | null = null;
    try {
      decoded = decode(bytes, offset, { family, end });
    } catch (e) {
      typedCode(e);
      thrown = e;
    }
    if (r instanceof DecodeFailure) {
      check(thrown instanceof DecodeError && thrown.code === r.code && thrown.offset === r.offset, () => `tryDecode says ${r.code}@${r.offset}, decode ${String(thrown)}`);
      check(Number.isInteger(r.offset) && r.offset >= 0 && r.offset <= Math.max(bytes.length, offset), () => `offset ${r.offset} outside the buffer`);
      return r.code;
    }
    check(decoded !== null && sameFields(decoded, r), () => 'decode and tryDecode disagree');
    // What decodes must encode back to the same fields.
    const again = encode(r, undefined, 0, { src: family === 4 ? '192.0.2.1' : 'fe80::1', dst: family === 4 ? '224.0.0.18' : 'ff02::12' });
    const back = decode(again, 0, { family });
    check(sameFields(back, r), () => 'encode(decode(x)) decodes to other fields');
    return 'ok';
  },
  size: (x) => x.bytes.length,
  excerpt: (x) => `family ${x.family} offset ${x.offset} endShort ${x.endShort} ${hexExcerpt(x.bytes)}`,
};

/** What the lookup of a receive input answers: expectations for some VRIDs. */
interface LookupSpec {
  vrids: number[];
  expect: InstanceExpectations;
}

const expectationsArb: fc.Arbitrary<InstanceExpectations> = fc.record(
  {
    version: fc.constantFrom(2 as const, 3 as const),
    intervalCs: fc.constantFrom(0, 1, 10, 100, 4095, 25500),
    addresses: fc.array(fc.oneof(v4, v6), { maxLength: 3 }),
    authType: fc.constantFrom(0 as const, 1 as const),
    authData: fc.uint8Array({ maxLength: 10 }),
    owner: fc.boolean(),
    strictLinkLocal: fc.boolean(),
    skipTtlCheck: fc.boolean(),
  },
  { requiredKeys: ['version', 'intervalCs'] },
);

/** An instance lookup two times in three. */
const lookupArb: fc.Arbitrary<LookupSpec | null> = fc.option(fc.record({ vrids: fc.array(fc.nat(255), { minLength: 1, maxLength: 3 }), expect: expectationsArb }), { freq: 3 });

function lookupOf(spec: LookupSpec | null): InstanceLookup | undefined {
  if (!spec) return undefined;
  return (vrid) => (spec.vrids.includes(vrid) ? spec.expect : undefined);
}

/** Input of the receive target. */
export interface ReceiveInput extends Window {
  lookup: LookupSpec | null;
  /** receiveVrrp directly on the bytes, with these IP facts, instead of receiveIp. */
  direct: { family: Family; src: Uint8Array; dst: Uint8Array; ttl: number } | null;
}

const DROP_REASONS = new Set<DropReason>([
  'BAD_IP_HEADER', 'BAD_IP_CHECKSUM', 'IP_FRAGMENT', 'NOT_VRRP', 'TTL_NOT_255', 'TRUNCATED', 'UNKNOWN_VERSION', 'UNKNOWN_TYPE', 'V2_OVER_IPV6',
  'AUTH_AH_UNSUPPORTED', 'UNKNOWN_AUTH_TYPE', 'BAD_CHECKSUM', 'VRID_ZERO', 'COUNT_ZERO', 'INTERVAL_ZERO', 'VERSION_MISMATCH', 'VRID_NOT_CONFIGURED',
  'V2_INTERVAL_MISMATCH', 'AUTH_TYPE_MISMATCH', 'AUTH_MISMATCH', 'FIRST_ADDRESS_NOT_LINK_LOCAL',
]);

function checkVerdict(r: ReceiveResult, len: number, offset: number): string {
  check(r.valid === (r.reason === null), () => `valid ${r.valid} with reason ${r.reason}`);
  check(r.reason === null || DROP_REASONS.has(r.reason), () => `unknown reason ${r.reason}`);
  check(r.errorOffset === null || (Number.isInteger(r.errorOffset) && r.errorOffset >= 0 && r.errorOffset <= Math.max(len, offset)), () => `errorOffset ${r.errorOffset}`);
  if (r.valid) check(r.advert !== null && r.checksum !== null && r.checksum !== 'bad', () => 'valid without an advert or with a bad checksum');
  return r.reason ?? 'ok';
}

export const receiveTarget: FuzzTarget<ReceiveInput> = {
  name: 'receive',
  what: 'lib/packet/receive receiveIp/receiveVrrp on random bytes and mutated IPv4/IPv6 VRRP packets, with and without an instance lookup',
  arbitrary: () =>
    fc.record({
      w: windowOf(fc.oneof({ weight: 1, arbitrary: randomBytes }, { weight: 4, arbitrary: mutated(packetSeedArb, packetOf) }, { weight: 1, arbitrary: packetSeedArb.map(packetOf) })),
      lookup: lookupArb,
      // One input in four goes to receiveVrrp directly, with IP facts of its own.
      direct: oneIn(4,
        fc.constantFrom(4 as const, 6 as const).chain((family) =>
          fc.record({ family: fc.constant(family), src: fc.uint8Array({ minLength: family === 4 ? 4 : 16, maxLength: family === 4 ? 4 : 16 }), dst: fc.uint8Array({ minLength: family === 4 ? 4 : 16, maxLength: family === 4 ? 4 : 16 }), ttl: fc.constantFrom(255, 254, 0) }),
        ),
      ),
    }).map(({ w, lookup, direct }) => ({ ...w, lookup, direct })),
  run(x) {
    const end = x.bytes.length - x.endShort;
    const lookup = lookupOf(x.lookup);
    if (x.direct) {
      const ip = { family: x.direct.family, srcBytes: x.direct.src, dstBytes: x.direct.dst, ttl: x.direct.ttl };
      return checkVerdict(receiveVrrp(x.bytes, x.offset, end, ip, lookup), x.bytes.length, x.offset);
    }
    const without = receiveIp(x.bytes, x.offset, end);
    const withLookup = receiveIp(x.bytes, x.offset, end, lookup);
    checkVerdict(without, x.bytes.length, x.offset);
    // The lookup only adds rules (or relaxes TTL for skipTtlCheck): a packet valid with it is valid without it,
    // unless TTL was relaxed.
    if (withLookup.valid && !without.valid && !(without.reason === 'TTL_NOT_255' && x.lookup?.expect.skipTtlCheck)) {
      throw new Finding(`valid with a lookup but ${without.reason} without`);
    }
    return checkVerdict(withLookup, x.bytes.length, x.offset);
  },
  size: (x) => x.bytes.length,
  excerpt: (x) => `offset ${x.offset} endShort ${x.endShort}${x.lookup ? ` lookup vrids ${x.lookup.vrids.join(',')} v${x.lookup.expect.version}` : ''}${x.direct ? ` direct v${x.direct.family} ttl ${x.direct.ttl}` : ''} ${hexExcerpt(x.bytes)}`,
};
