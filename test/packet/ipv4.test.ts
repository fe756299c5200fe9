import fc from 'fast-check';
import { DecodeError } from '../../lib/errors';
import { decodeIp } from '../../lib/packet/ip';
import { decodeIPv4, encodeIPv4, IPV4_HEADER_LENGTH } from '../../lib/packet/ipv4';
import { bytes, decodeError, encodeError } from '../helpers/bytes';

/** Reference RFC 1071 checksum, written apart from lib/packet/checksum.ts: fold after every add. */
function refChecksum(b: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < b.length; i += 2) {
    sum += b[i] * 256 + (i + 1 < b.length ? b[i + 1] : 0);
    if (sum > 0xffff) sum -= 0xffff;
  }
  return 0xffff - sum;
}

/** IPv4 header of a VRRPv2 advert with one address: 20-byte header + 20-byte VRRP message. */
const V2_HEADER = bytes(
  '45', //          version 4, IHL 5
  'c0', //          TOS: precedence 6, internetwork control
  '00 28', //       Total Length 40
  '00 00', //       Identification 0
  '00 00', //       flags 0 (DF clear), fragment offset 0
  'ff', //          TTL 255
  '70', //          protocol 112 (VRRP)
  '18 92', //       header checksum, worked out by hand below
  'c0 00 02 01', // source 192.0.2.1
  'e0 00 00 12', // destination 224.0.0.18
);
// Header checksum by hand (field zeroed): words 45c0 0028 0000 0000 ff70 0000 c000 0201 e000 0012
// sum to 0x2e76b; folded 0xe76b + 0x2 = 0xe76d; complemented 0x1892.

describe('decodeIPv4', () => {
  test('golden VRRPv2 header', () => {
    const buf = Buffer.concat([V2_HEADER, Buffer.alloc(20)]);
    const h = decodeIPv4(buf);
    expect(h).toEqual({
      family: 4,
      src: '192.0.2.1',
      dst: '224.0.0.18',
      srcBytes: Uint8Array.from([192, 0, 2, 1]),
      dstBytes: Uint8Array.from([224, 0, 0, 18]),
      ttl: 255,
      protocol: 112,
      payloadOffset: 20,
      payloadEnd: 40,
      truncated: false,
      headerLength: 20,
      tos: 0xc0,
      totalLength: 40,
      id: 0,
      flags: 0,
      fragmentOffset: 0,
      headerChecksum: 0x1892,
      headerChecksumOk: true,
    });
    expect(refChecksum(V2_HEADER)).toBe(0);
    expect(decodeIp(buf)).toEqual(h);
  });

  test('address bytes are copies, not views of the input', () => {
    const buf = Buffer.concat([V2_HEADER, Buffer.alloc(20)]);
    const h = decodeIPv4(buf);
    buf[12] = 10;
    expect(h.srcBytes[0]).toBe(192);
  });

  test('options are skipped, Ethernet padding is excluded, flags and fragment offset are read', () => {
    const header = bytes('46 00 00 1c 12 34 5f ff 01 02 00 00 0a 00 00 01 0a 00 00 02', '94 04 00 00'); // IHL 6 + Router Alert
    header.writeUInt16BE(refChecksum(header), 10);
    const buf = Buffer.concat([Buffer.alloc(2), header, bytes('de ad be ef'), Buffer.alloc(10)]); // 10 bytes of padding
    const h = decodeIPv4(buf, 2);
    expect(h.headerLength).toBe(24);
    expect(h.payloadOffset).toBe(2 + 24);
    expect(h.payloadEnd).toBe(2 + 28);
    expect(h.flags).toBe(0b010);
    expect(h.fragmentOffset).toBe(0x1fff);
    expect(h.id).toBe(0x1234);
    expect(h.headerChecksumOk).toBe(true);
    buf[2 + 22] ^= 1;
    expect(decodeIPv4(buf, 2).headerChecksumOk).toBe(false);
  });

  test('bad version, IHL and Total Length are BAD_IP_HEADER at the field', () => {
    const at = (patch: (b: Buffer) => void): DecodeError => {
      const b = Buffer.concat([Buffer.alloc(5), V2_HEADER, Buffer.alloc(20)]);
      patch(b.subarray(5));
      return decodeError(() => decodeIPv4(b, 5));
    };
    expect(at((b) => (b[0] = 0x65))).toMatchObject({ code: 'BAD_IP_HEADER', offset: 5 });
    expect(at((b) => (b[0] = 0x44))).toMatchObject({ code: 'BAD_IP_HEADER', offset: 5 });
    expect(at((b) => b.writeUInt16BE(19, 2))).toMatchObject({ code: 'BAD_IP_HEADER', offset: 7 });
    expect(at((b) => (b[0] = 0x4f))).toMatchObject({ code: 'BAD_IP_HEADER', offset: 7 }); // IHL 15 = 60 > Total Length 40
  });

  test('a cut header is TRUNCATED at the missing byte; a cut payload is flagged, payloadEnd clamped', () => {
    const packet = Buffer.concat([V2_HEADER, Buffer.alloc(20)]);
    const buf = Buffer.concat([Buffer.alloc(7, 0x45), packet, Buffer.alloc(7, 0x45)]);
    for (let len = 0; len < packet.length; len++) {
      for (const decoder of [decodeIPv4, decodeIp]) {
        if (len < IPV4_HEADER_LENGTH) {
          const e = decodeError(() => decoder(buf, 7, 7 + len));
          expect(e.code).toBe('TRUNCATED');
          expect(e.offset).toBe(7 + len);
        } else {
          expect(decoder(buf, 7, 7 + len)).toMatchObject({ truncated: true, payloadOffset: 27, payloadEnd: 7 + len, src: '192.0.2.1' });
        }
      }
    }
    const options = Buffer.concat([V2_HEADER, Buffer.alloc(20)]);
    options[0] = 0x46; // IHL 6: 24-byte header, 22 bytes present
    expect(decodeError(() => decodeIPv4(options, 0, 22))).toMatchObject({ code: 'TRUNCATED', offset: 22 });
  });

  test('random bytes only ever throw DecodeError', () => {
    const mutated = fc
      .tuple(fc.uint8Array({ minLength: 40, maxLength: 40 }), fc.nat(39), fc.nat(255))
      .map(([tail, i, v]) => {
        const b = Buffer.concat([V2_HEADER, tail]);
        b[i] = v;
        return new Uint8Array(b);
      });
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 80 }), mutated), (data) => {
        for (const decoder of [decodeIPv4, decodeIp]) {
          try {
            const h = decoder(data);
            expect(h.payloadOffset).toBeLessThanOrEqual(h.payloadEnd);
            expect(h.payloadEnd).toBeLessThanOrEqual(data.length);
          } catch (e) {
            if (!(e instanceof DecodeError)) throw e;
          }
        }
      }),
      { numRuns: 5000 },
    );
  });
});

describe('encodeIPv4', () => {
  test('writes the golden header with its checksum', () => {
    const buf = encodeIPv4({ src: '192.0.2.1', dst: '224.0.0.18', ttl: 255, protocol: 112, tos: 0xc0 }, 20);
    expect(buf).toEqual(V2_HEADER);
  });

  test('dontFragment sets DF; defaults are TOS 0, id 0', () => {
    const buf = encodeIPv4({ src: '10.0.0.1', dst: '10.0.0.2', ttl: 64, protocol: 6, id: 0xbeef, dontFragment: true }, 0);
    expect(buf.subarray(0, 8)).toEqual(bytes('45 00 00 14 be ef 40 00'));
    expect(refChecksum(buf)).toBe(0);
  });

  test('round trip at a non-zero offset', () => {
    const v4 = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((a) => a.join('.'));
    fc.assert(
      fc.property(
        fc.record({ src: v4, dst: v4, ttl: fc.nat(255), protocol: fc.nat(255), tos: fc.nat(255), id: fc.nat(0xffff), dontFragment: fc.boolean() }),
        fc.nat(100),
        fc.nat(13),
        (h, payloadLength, offset) => {
          const buf = Buffer.alloc(offset + IPV4_HEADER_LENGTH + payloadLength, 0x77);
          encodeIPv4(h, payloadLength, buf, offset);
          expect(buf.subarray(0, offset).every((b) => b === 0x77)).toBe(true);
          const d = decodeIPv4(buf, offset);
          expect(d).toMatchObject({ src: h.src, dst: h.dst, ttl: h.ttl, protocol: h.protocol, tos: h.tos, id: h.id });
          expect(d.flags).toBe(h.dontFragment ? 0b010 : 0);
          expect(d.headerChecksumOk).toBe(true);
          expect(d.payloadOffset).toBe(offset + 20);
          expect(d.payloadEnd).toBe(buf.length);
        },
      ),
      { numRuns: 1000 },
    );
  });

  test('bad fields and short buffers are EncodeErrors naming the field', () => {
    const ok = { src: '192.0.2.1', dst: '224.0.0.18', ttl: 255, protocol: 112 };
    expect(encodeError(() => encodeIPv4({ ...ok, src: '2001:db8::1' }, 0)).field).toBe('src');
    expect(encodeError(() => encodeIPv4({ ...ok, dst: '1.2.3.400' }, 0)).field).toBe('dst');
    expect(encodeError(() => encodeIPv4({ ...ok, ttl: 256 }, 0)).field).toBe('ttl');
    expect(encodeError(() => encodeIPv4({ ...ok, protocol: -1 }, 0)).field).toBe('protocol');
    expect(encodeError(() => encodeIPv4({ ...ok, tos: 1.5 }, 0)).field).toBe('tos');
    expect(encodeError(() => encodeIPv4({ ...ok, id: 0x10000 }, 0)).field).toBe('id');
    expect(encodeError(() => encodeIPv4(ok, 65516)).field).toBe('payloadLength');
    expect(encodeIPv4(ok, 65515).readUInt16BE(2)).toBe(0xffff);
    expect(encodeError(() => encodeIPv4(ok, 0, Buffer.alloc(25), 6)).code).toBe('BUFFER_TOO_SMALL');
  });
});
