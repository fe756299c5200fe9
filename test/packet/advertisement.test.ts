import fc from 'fast-check';
import { DecodeError, EncodeError } from '../../lib/errors';
import { Advertisement, AdvertisementV2, AdvertisementV3, decode, encode, encodingLength } from '../../lib/packet/advertisement';
import { vrrpChecksum } from '../../lib/packet/checksum';
import { parseAddress } from '../../lib/packet/address';
import { FUZZ_RUNS } from '../helpers/fuzz';

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');
const pass = Buffer.from('s3cret\0\0');

// Golden vectors: bytes written out field by field; checksums computed independently (Python, RFC 1071).
const V2_GOLDEN = Buffer.concat([
  hex('21'), // version 2, type 1
  hex('33'), // VRID 51
  hex('96'), // priority 150
  hex('01'), // count 1
  hex('01'), // auth type 1 (simple text)
  hex('01'), // advert interval 1 s
  hex('494b'), // checksum (message only)
  hex('c0000264'), // 192.0.2.100
  hex('7333637265740000'), // auth data "s3cret", zero padded
]);
const V2_AD: AdvertisementV2 = {
  version: 2, family: 4, vrid: 51, priority: 150, intervalS: 1, authType: 1, authData: new Uint8Array(pass),
  addresses: ['192.0.2.100'],
};
// v3 IPv4, VRID 52, priority 150, count 2, Max Adver Int 100 cs, from 192.0.2.1 to 224.0.0.18.
const V3_V4_BODY = '31 34 96 02 0064';
const V3_V4_ADDRS = 'c0000265 c0000266';
const V3_V4_PSEUDO = hex(`${V3_V4_BODY} 1104 ${V3_V4_ADDRS}`);
const V3_V4_MSGONLY = hex(`${V3_V4_BODY} b398 ${V3_V4_ADDRS}`);
const V3_V4_AD: AdvertisementV3 = {
  version: 3, family: 4, vrid: 52, priority: 150, intervalCs: 100, addresses: ['192.0.2.101', '192.0.2.102'],
};
// v3 IPv6, VRID 53, priority 100, count 1, 100 cs, 2001:db8::100, from fe80::a to ff02::12.
const V3_V6_GOLDEN = hex('31 35 64 01 0064 3d84 20010db8000000000000000000000100');
const V3_V6_AD: AdvertisementV3 = { version: 3, family: 6, vrid: 53, priority: 100, intervalCs: 100, addresses: ['2001:db8::100'] };
const V4_CTX = { src: '192.0.2.1', dst: '224.0.0.18' };
const V6_CTX = { src: 'fe80::a', dst: 'ff02::12' };

describe('golden vectors', () => {
  test('v2 with simple-text auth encodes byte for byte', () => {
    expect(V2_GOLDEN.toString('hex')).toBe('2133960101' + '01494bc0000264' + '7333637265740000');
    expect(encode(V2_AD).toString('hex')).toBe(V2_GOLDEN.toString('hex'));
  });
  test('v2 decodes field by field', () => {
    const ad = decode(V2_GOLDEN) as AdvertisementV2;
    expect(ad).toEqual({ ...V2_AD, authData: new Uint8Array(pass) });
  });
  test('v3/IPv4 pseudo-header form (keepalived 2.2.7, FRR 8.4 default) encodes byte for byte', () => {
    expect(encode(V3_V4_AD, undefined, 0, V4_CTX)).toEqual(V3_V4_PSEUDO);
  });
  test('v3/IPv4 message-only form (RFC 9568 §5.2.8, v3_checksum_as_v2) encodes byte for byte', () => {
    expect(encode(V3_V4_AD, undefined, 0, { checksum: 'message-only' })).toEqual(V3_V4_MSGONLY);
  });
  test('v3/IPv4 decodes field by field; reserved bits are ignored on receive', () => {
    expect(decode(V3_V4_PSEUDO)).toEqual(V3_V4_AD);
    const withReserved = Buffer.from(V3_V4_PSEUDO);
    withReserved[4] |= 0xf0;
    expect(decode(withReserved)).toEqual(V3_V4_AD);
  });
  test('v3/IPv6 with the RFC 8200 pseudo-header encodes and decodes', () => {
    expect(encode(V3_V6_AD, undefined, 0, V6_CTX)).toEqual(V3_V6_GOLDEN);
    expect(decode(V3_V6_GOLDEN, 0, { family: 6 })).toEqual(V3_V6_AD);
  });
  test('the checksum of a golden message verifies to zero in its own form only', () => {
    const src = parseAddress('192.0.2.1');
    const dst = parseAddress('224.0.0.18');
    expect(vrrpChecksum(V3_V4_PSEUDO, 0, V3_V4_PSEUDO.length, 'pseudo-header', src, dst)).toBe(0);
    expect(vrrpChecksum(V3_V4_PSEUDO, 0, V3_V4_PSEUDO.length, 'message-only')).not.toBe(0);
    expect(vrrpChecksum(V3_V4_MSGONLY, 0, V3_V4_MSGONLY.length, 'message-only')).toBe(0);
  });
});

describe('encode -> decode -> encode', () => {
  const cases: Array<[string, Advertisement, object | undefined]> = [
    ['v2', V2_AD, undefined],
    ['v3/IPv4', V3_V4_AD, V4_CTX],
    ['v3/IPv6', V3_V6_AD, V6_CTX],
  ];
  test.each(cases)('%s round-trips and encodingLength matches', (_name, ad, ctx) => {
    const a = encode(ad, undefined, 0, ctx);
    expect(a.length).toBe(encodingLength(ad));
    const back = decode(a, 0, { family: ad.family });
    expect(encode(back, undefined, 0, ctx)).toEqual(a);
  });
  test.each(cases)('%s round-trips at a non-zero offset inside a larger buffer', (_name, ad, ctx) => {
    const buf = Buffer.alloc(encodingLength(ad) + 17, 0xee);
    encode(ad, buf, 9, ctx);
    expect(buf.subarray(0, 9).every((b) => b === 0xee)).toBe(true);
    expect(buf.subarray(9 + encodingLength(ad)).every((b) => b === 0xee)).toBe(true);
    expect(buf.subarray(9, 9 + encodingLength(ad))).toEqual(encode(ad, undefined, 0, ctx));
    expect(decode(buf, 9, { family: ad.family, end: 9 + encodingLength(ad) })).toEqual(decode(encode(ad, undefined, 0, ctx), 0, { family: ad.family }));
  });
});

describe('encode refuses what cannot go on the wire', () => {
  const bad: Array<[string, Advertisement, string]> = [
    ['vrid 256', { ...V3_V4_AD, vrid: 256 }, 'vrid'],
    ['priority -1', { ...V3_V4_AD, priority: -1 }, 'priority'],
    ['interval 4096 cs', { ...V3_V4_AD, intervalCs: 4096 }, 'intervalCs'],
    ['v2 interval 256 s', { ...V2_AD, intervalS: 256 }, 'intervalS'],
    ['256 addresses', { ...V3_V4_AD, addresses: new Array(256).fill('192.0.2.1') }, 'addresses.length'],
    ['an IPv6 address in an IPv4 advert', { ...V3_V4_AD, addresses: ['2001:db8::1'] }, 'addresses[0]'],
    ['a malformed address', { ...V3_V4_AD, addresses: ['192.0.2.300'] }, 'addresses[0]'],
    ['auth type 2 (AH)', { ...V2_AD, authType: 2 as unknown as 0 }, 'authType'],
    ['auth data of 9 bytes', { ...V2_AD, authData: new Uint8Array(9) }, 'authData'],
    ['v2 over IPv6', { ...V2_AD, family: 6 as unknown as 4 }, 'family'],
  ];
  test.each(bad)('%s: INVALID_FIELD naming the field', (_name, ad, field) => {
    const ctx = ad.family === 6 ? V6_CTX : V4_CTX;
    expect(() => encode(ad, undefined, 0, ctx)).toThrow(EncodeError);
    try {
      encode(ad, undefined, 0, ctx);
    } catch (e) {
      expect((e as EncodeError).code).toBe('INVALID_FIELD');
      expect((e as EncodeError).field).toBe(field);
    }
  });
  test('a pseudo-header checksum without src/dst is CHECKSUM_CONTEXT_REQUIRED', () => {
    expect(() => encode(V3_V6_AD)).toThrow(expect.objectContaining({ code: 'CHECKSUM_CONTEXT_REQUIRED' }));
    expect(() => encode(V3_V4_AD)).toThrow(expect.objectContaining({ code: 'CHECKSUM_CONTEXT_REQUIRED' }));
  });
  test('a buffer too small at the offset is BUFFER_TOO_SMALL', () => {
    expect(() => encode(V2_AD, Buffer.alloc(20), 1)).toThrow(expect.objectContaining({ code: 'BUFFER_TOO_SMALL' }));
  });
});

describe('decode errors carry a stable code and the offset', () => {
  const expectDecodeError = (f: () => unknown, code: string, offset: number): void => {
    let err: unknown;
    try {
      f();
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DecodeError);
    expect((err as DecodeError).code).toBe(code);
    expect((err as DecodeError).offset).toBe(offset);
  };
  test('every truncation of a v2 advert is TRUNCATED at the end of the bytes present', () => {
    for (let n = 0; n < V2_GOLDEN.length; n++) expectDecodeError(() => decode(V2_GOLDEN.subarray(0, n)), 'TRUNCATED', n);
  });
  test('every truncation of a v3/IPv6 advert is TRUNCATED', () => {
    for (let n = 0; n < V3_V6_GOLDEN.length; n++) {
      expectDecodeError(() => decode(V3_V6_GOLDEN, 0, { family: 6, end: n }), 'TRUNCATED', n);
    }
  });
  test('truncation is measured from a non-zero offset', () => {
    const buf = Buffer.concat([Buffer.alloc(5), V3_V4_PSEUDO.subarray(0, 12)]);
    expectDecodeError(() => decode(buf, 5), 'TRUNCATED', 17);
  });
  test('version 4 is UNKNOWN_VERSION at the first byte', () => {
    const b = Buffer.from(V3_V4_PSEUDO);
    b[0] = 0x41;
    expectDecodeError(() => decode(b), 'UNKNOWN_VERSION', 0);
  });
  test('type 2 is UNKNOWN_TYPE', () => {
    const b = Buffer.from(V3_V4_PSEUDO);
    b[0] = 0x32;
    expectDecodeError(() => decode(b), 'UNKNOWN_TYPE', 0);
  });
  test('v2 over IPv6 is V2_OVER_IPV6', () => {
    expectDecodeError(() => decode(V2_GOLDEN, 0, { family: 6 }), 'V2_OVER_IPV6', 0);
  });
  test('v2 auth type 2 (IP AH) is recognised and refused: AUTH_AH_UNSUPPORTED at byte 4', () => {
    const b = Buffer.from(V2_GOLDEN);
    b[4] = 2;
    expectDecodeError(() => decode(b), 'AUTH_AH_UNSUPPORTED', 4);
  });
  test('v2 auth type 3 is UNKNOWN_AUTH_TYPE', () => {
    const b = Buffer.from(V2_GOLDEN);
    b[4] = 3;
    expectDecodeError(() => decode(b), 'UNKNOWN_AUTH_TYPE', 4);
  });
});

// Property tests: FUZZ_RUNS random and as many mutated inputs through the decoder (the fuzz targets' knob,
// VRRP_FUZZ_RUNS; `npm run fuzz` is the long run).
const RUNS = FUZZ_RUNS;

const arbV4 = fc.tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 })).map((b) => b.join('.'));
const arbV6 = fc.uint8Array({ minLength: 16, maxLength: 16 }).map((b) => {
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((b[i] << 8) | b[i + 1]).toString(16));
  return groups.join(':');
});
const arbV2: fc.Arbitrary<Advertisement> = fc.record({
  version: fc.constant(2 as const), family: fc.constant(4 as const), vrid: fc.integer({ min: 0, max: 255 }),
  priority: fc.integer({ min: 0, max: 255 }), intervalS: fc.integer({ min: 0, max: 255 }),
  authType: fc.constantFrom(0 as const, 1 as const), authData: fc.uint8Array({ minLength: 8, maxLength: 8 }),
  addresses: fc.array(arbV4, { maxLength: 20 }),
});
const arbV3 = (family: 4 | 6): fc.Arbitrary<Advertisement> => fc.record({
  version: fc.constant(3 as const), family: fc.constant(family), vrid: fc.integer({ min: 0, max: 255 }),
  priority: fc.integer({ min: 0, max: 255 }), intervalCs: fc.integer({ min: 0, max: 4095 }),
  addresses: fc.array(family === 4 ? arbV4 : arbV6, { maxLength: 20 }),
});
const arbAd = fc.oneof(arbV2, arbV3(4), arbV3(6));
const ctxOf = (ad: Advertisement): object => (ad.family === 6 ? V6_CTX : V4_CTX);
// Addresses are canonicalised by decode (RFC 5952 text); compare through a second encode.
const canon = (ad: Advertisement): Advertisement => decode(encode(ad, undefined, 0, ctxOf(ad)), 0, { family: ad.family });

describe('properties (fast-check)', () => {
  test('every valid advertisement round-trips: decode(encode(x)) re-encodes to the same bytes, at any offset', () => {
    fc.assert(
      fc.property(arbAd, fc.nat(40), (ad, offset) => {
        const bytes = encode(ad, undefined, 0, ctxOf(ad));
        const buf = Buffer.alloc(offset + bytes.length + 3);
        encode(ad, buf, offset, ctxOf(ad));
        const back = decode(buf, offset, { family: ad.family, end: offset + bytes.length });
        expect(encode(back, undefined, 0, ctxOf(ad))).toEqual(bytes);
        expect(back).toEqual(canon(ad));
        expect(bytes.length).toBe(encodingLength(ad));
      }),
      { numRuns: 2000 },
    );
  });

  const onlyDecodeErrors = (buf: Uint8Array, family: 4 | 6): void => {
    try {
      decode(buf, 0, { family });
    } catch (e) {
      if (!(e instanceof DecodeError)) throw e;
      expect(e.offset).toBeGreaterThanOrEqual(0);
      expect(e.offset).toBeLessThanOrEqual(buf.length);
    }
  };
  test(`random bytes only ever produce a DecodeError (${RUNS} runs)`, () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 120 }), fc.constantFrom(4 as const, 6 as const), (buf, family) => onlyDecodeErrors(buf, family)),
      { numRuns: RUNS },
    );
  });
  test(`mutated valid advertisements only ever produce a DecodeError (${RUNS} runs)`, () => {
    const mutation = fc.record({
      flips: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }),
      cut: fc.option(fc.nat()),
    });
    fc.assert(
      fc.property(arbAd, mutation, (ad, m) => {
        let buf = encode(ad, undefined, 0, ctxOf(ad));
        for (const [pos, val] of m.flips) if (buf.length) buf[pos % buf.length] = val;
        if (m.cut !== null) buf = buf.subarray(0, m.cut % (buf.length + 1));
        onlyDecodeErrors(buf, ad.family);
      }),
      { numRuns: RUNS },
    );
  });
});
