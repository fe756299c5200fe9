/**
 * The receive path's non-throwing decoders (`tryDecode`, `tryDecodeIp`, `tryDecodeIPv4`, `tryDecodeIPv6`):
 * for every input they return what the throwing decoders return, or a DecodeFailure carrying the exact code,
 * offset and message of the DecodeError those throw; and `receiveIp` never goes through an exception.
 */
import fc from 'fast-check';
import { DecodeError, DecodeFailure } from '../../lib/errors';
import { Advertisement, decode, DecodeOptions, tryDecode } from '../../lib/packet/advertisement';
import { buildAdvertFrame } from '../../lib/packet/frame';
import { decodeIp, tryDecodeIp } from '../../lib/packet/ip';
import { decodeIPv4, tryDecodeIPv4 } from '../../lib/packet/ipv4';
import { decodeIPv6, tryDecodeIPv6 } from '../../lib/packet/ipv6';
import { receiveIp } from '../../lib/packet/receive';

const V3_4: Advertisement = { version: 3, family: 4, vrid: 52, priority: 150, intervalCs: 100, addresses: ['192.0.2.101', '192.0.2.102'] };
const V3_6: Advertisement = { version: 3, family: 6, vrid: 53, priority: 100, intervalCs: 100, addresses: ['fe80::100', '2001:db8::100'] };
const V2: Advertisement = { version: 2, family: 4, vrid: 51, priority: 150, intervalS: 1, authType: 1, authData: Buffer.from('s3cret\0\0'), addresses: ['192.0.2.100'] };
const MAC = '02:00:00:00:00:0a';
/** IP packets of real adverts (the Ethernet header removed). */
const seeds = [V2, V3_4, V3_6].map((ad) => Buffer.from(buildAdvertFrame({ srcMac: MAC, src: ad.family === 4 ? '192.0.2.1' : 'fe80::a', advert: ad }).subarray(14)));

type Outcome = { value: unknown } | { code: string; offset: number; message: string };
function thrown(fn: () => unknown): Outcome {
  try {
    return { value: fn() };
  } catch (e) {
    if (!(e instanceof DecodeError)) throw e;
    return { code: e.code, offset: e.offset, message: e.message };
  }
}
function returned(fn: () => unknown): Outcome {
  const r = fn();
  if (r instanceof DecodeFailure) {
    const e = r.toError();
    return { code: r.code, offset: r.offset, message: e.message };
  }
  return { value: r };
}

/** Each decoder pair on one input: the outcomes must be equal (value, or code + offset + message). */
function agree(b: Uint8Array, offset: number, end: number, family: 4 | 6): void {
  const opts: DecodeOptions = { family, end };
  expect(returned(() => tryDecode(b, offset, opts))).toEqual(thrown(() => decode(b, offset, opts)));
  expect(returned(() => tryDecodeIp(b, offset, end))).toEqual(thrown(() => decodeIp(b, offset, end)));
  expect(returned(() => tryDecodeIPv4(b, offset, end))).toEqual(thrown(() => decodeIPv4(b, offset, end)));
  expect(returned(() => tryDecodeIPv6(b, offset, end))).toEqual(thrown(() => decodeIPv6(b, offset, end)));
}

test('on random bytes the non-throwing decoders give the throwing ones\' code, offset and message', () => {
  // Prefixes that get past the IP version nibble and the VRRP version/type so the deeper checks are reached.
  const head = fc.constantFrom(new Uint8Array(0), Uint8Array.of(0x45), Uint8Array.of(0x60), Uint8Array.of(0x31), Uint8Array.of(0x21));
  fc.assert(
    fc.property(head, fc.uint8Array({ maxLength: 96 }), fc.nat(8), fc.nat(120), fc.constantFrom<4 | 6>(4, 6), (h, tail, offset, end, family) => {
      const b = Buffer.concat([Buffer.alloc(offset), h, tail]);
      agree(b, offset, Math.max(offset, Math.min(end, b.length)), family);
      agree(b, offset, b.length, family);
    }),
    { numRuns: 5_000 },
  );
});

test('on mutated and cut valid adverts the non-throwing decoders agree with the throwing ones', () => {
  const changes = fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 6 });
  fc.assert(
    fc.property(fc.nat(seeds.length - 1), changes, fc.nat(), fc.boolean(), (i, edits, cut, atVrrp) => {
      const b = Buffer.from(seeds[i]);
      for (const [pos, value] of edits) b[pos % b.length] = value;
      const family = seeds[i][0] >> 4 === 6 ? 6 : 4;
      const offset = atVrrp ? (family === 4 ? 20 : 40) : 0;
      agree(b, offset, offset + (cut % (b.length - offset + 1)), family);
      agree(b, offset, b.length, family);
    }),
    { numRuns: 5_000 },
  );
});

test('receiveIp raises no DecodeError for junk: the failures come back as values', () => {
  const toError = jest.spyOn(DecodeFailure.prototype, 'toError');
  try {
    let dropped = 0;
    fc.assert(
      fc.property(fc.nat(seeds.length - 1), fc.array(fc.tuple(fc.nat(), fc.nat(255)), { maxLength: 4 }), fc.nat(), (i, edits, cut) => {
        const b = Buffer.from(seeds[i]);
        for (const [pos, value] of edits) b[pos % b.length] = value;
        const r = receiveIp(b, 0, cut % (b.length + 1));
        if (!r.valid) dropped++;
      }),
      { numRuns: 5_000 },
    );
    expect(dropped).toBeGreaterThan(1_000);
    expect(toError).not.toHaveBeenCalled();
    // The spy works: the throwing form goes through it.
    expect(() => decode(Buffer.alloc(3))).toThrow(DecodeError);
    expect(toError).toHaveBeenCalledTimes(1);
  } finally {
    toError.mockRestore();
  }
});
