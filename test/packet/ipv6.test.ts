import fc from 'fast-check';
import { DecodeError } from '../../lib/errors';
import { formatIPv6 } from '../../lib/packet/address';
import { decodeIp } from '../../lib/packet/ip';
import { decodeIPv6, encodeIPv6, IPV6_HEADER_LENGTH } from '../../lib/packet/ipv6';
import { bytes, decodeError, encodeError } from '../helpers/bytes';

const FE80_1 = 'fe80 0000 0000 0000 0000 0000 0000 0001';
const FF02_12 = 'ff02 0000 0000 0000 0000 0000 0000 0012';

/** IPv6 header of a VRRPv3 advert with two IPv6 addresses (8 + 2 × 16 = 40 bytes of payload). */
const V3_HEADER = bytes(
  '6c 00 00 00', // version 6, Traffic Class 0xc0, Flow Label 0
  '00 28', //       Payload Length 40
  '70', //          Next Header 112 (VRRP)
  'ff', //          Hop Limit 255
  FE80_1, //        source fe80::1
  FF02_12, //       destination ff02::12
);

describe('decodeIPv6', () => {
  test('golden VRRPv3 header', () => {
    const buf = Buffer.concat([V3_HEADER, Buffer.alloc(40)]);
    const h = decodeIPv6(buf);
    expect(h).toEqual({
      family: 6,
      src: 'fe80::1',
      dst: 'ff02::12',
      srcBytes: new Uint8Array(bytes(FE80_1)),
      dstBytes: new Uint8Array(bytes(FF02_12)),
      ttl: 255,
      protocol: 112,
      payloadOffset: 40,
      payloadEnd: 80,
      truncated: false,
      trafficClass: 0xc0,
      flowLabel: 0,
      payloadLength: 40,
      nextHeader: 112,
    });
    expect(decodeIp(buf)).toEqual(h);
  });

  test('hop-by-hop, routing and destination options are skipped; padding is excluded', () => {
    const payload = bytes(
      '2b 00 01 04 00 00 00 00', //             hop-by-hop: next 43, 8 bytes, PadN
      '3c 01 00 00 00 00 00 00 00 00 00 00 00 00 00 00', // routing: next 60, (1+1)×8 = 16 bytes
      '70 00 01 04 00 00 00 00', //             destination options: next 112, 8 bytes
      '31 01 64 00 00 64 00 00', //             upper-layer message (8 bytes)
    );
    const header = Buffer.from(V3_HEADER);
    header.writeUInt16BE(payload.length, 4);
    header[6] = 0;
    const buf = Buffer.concat([Buffer.alloc(3), header, payload, Buffer.alloc(6)]);
    const h = decodeIPv6(buf, 3);
    expect(h.nextHeader).toBe(0);
    expect(h.protocol).toBe(112);
    expect(h.payloadOffset).toBe(3 + 40 + 32);
    expect(h.payloadEnd).toBe(3 + 40 + 40);
  });

  test('a fragment header stops the walk and is reported as 44', () => {
    const payload = bytes('2c 00 01 04 00 00 00 00', '70 00 00 01 12 34 56 78', '00'.repeat(8)); // hop-by-hop, fragment
    const header = Buffer.from(V3_HEADER);
    header.writeUInt16BE(payload.length, 4);
    header[6] = 0;
    const h = decodeIPv6(Buffer.concat([header, payload]));
    expect(h.protocol).toBe(44);
    expect(h.payloadOffset).toBe(48);
  });

  test('an extension header past Payload Length is BAD_IP_HEADER; bad version too', () => {
    const header = Buffer.from(V3_HEADER);
    header.writeUInt16BE(8, 4);
    header[6] = 60;
    const ext = bytes('70 01 00 00 00 00 00 00', '00'.repeat(8)); // claims 16 bytes, Payload Length says 8
    expect(decodeError(() => decodeIPv6(Buffer.concat([header, ext])))).toMatchObject({ code: 'BAD_IP_HEADER', offset: 40 });
    header.writeUInt16BE(1, 4);
    expect(decodeError(() => decodeIPv6(Buffer.concat([header, ext])))).toMatchObject({ code: 'BAD_IP_HEADER', offset: 40 });
    const v4 = Buffer.concat([V3_HEADER, Buffer.alloc(40)]);
    v4[0] = 0x4c;
    expect(decodeError(() => decodeIPv6(v4))).toMatchObject({ code: 'BAD_IP_HEADER', offset: 0 });
  });

  test('a cut header is TRUNCATED at the missing byte; a cut payload is flagged, payloadEnd clamped', () => {
    const packet = Buffer.concat([V3_HEADER, Buffer.alloc(40)]);
    const buf = Buffer.concat([Buffer.alloc(5, 0x60), packet, Buffer.alloc(5, 0x60)]);
    for (let len = 0; len < packet.length; len++) {
      for (const decoder of [decodeIPv6, decodeIp]) {
        if (len < IPV6_HEADER_LENGTH) {
          const e = decodeError(() => decoder(buf, 5, 5 + len));
          expect(e.code).toBe('TRUNCATED');
          expect(e.offset).toBe(5 + len);
        } else {
          expect(decoder(buf, 5, 5 + len)).toMatchObject({ truncated: true, payloadOffset: 45, payloadEnd: 5 + len, dst: 'ff02::12' });
        }
      }
    }
  });

  test('a cut extension header is TRUNCATED at the missing byte', () => {
    const payload = bytes('3c 01 00 00 00 00 00 00 00 00 00 00 00 00 00 00', '70 00 01 04 00 00 00 00', '00'.repeat(8)); // routing 16, dest opts 8
    const header = Buffer.from(V3_HEADER);
    header.writeUInt16BE(payload.length, 4);
    header[6] = 43;
    const packet = Buffer.concat([header, payload]);
    for (let len = 40; len < 40 + 24; len++) {
      expect(decodeError(() => decodeIPv6(packet, 0, len))).toMatchObject({ code: 'TRUNCATED', offset: len });
    }
    expect(decodeIPv6(packet, 0, 64)).toMatchObject({ protocol: 112, payloadOffset: 64, payloadEnd: 64, truncated: true });
  });

  test('decodeIp rejects other version nibbles', () => {
    expect(decodeError(() => decodeIp(bytes('50 00')))).toMatchObject({ code: 'BAD_IP_HEADER', offset: 0 });
    expect(decodeError(() => decodeIp(bytes('')))).toMatchObject({ code: 'TRUNCATED', offset: 0 });
  });

  test('random bytes only ever throw DecodeError', () => {
    const extNext = fc.constantFrom(0, 43, 44, 60, 112, 58);
    const structured = fc
      .tuple(fc.uint8Array({ minLength: 0, maxLength: 64 }), fc.nat(80), extNext, fc.nat(255))
      .map(([tail, plen, next, mutate]) => {
        const b = Buffer.concat([V3_HEADER, Buffer.from(tail)]);
        b.writeUInt16BE(plen, 4);
        b[6] = next;
        if (tail.length > 0) b[40] = [0, 43, 60, 112][mutate % 4];
        return new Uint8Array(b);
      });
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 120 }), structured), (data) => {
        for (const decoder of [decodeIPv6, decodeIp]) {
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

describe('encodeIPv6', () => {
  test('writes the golden header', () => {
    expect(encodeIPv6({ src: 'fe80::1', dst: 'ff02::12', hopLimit: 255, nextHeader: 112, trafficClass: 0xc0 }, 40)).toEqual(V3_HEADER);
  });

  test('round trip at a non-zero offset, all Traffic Class and Flow Label bits', () => {
    const v6 = fc.uint8Array({ minLength: 16, maxLength: 16 }).map((b) => formatIPv6(b, 0));
    fc.assert(
      fc.property(
        fc.record({ src: v6, dst: v6, hopLimit: fc.nat(255), nextHeader: fc.constantFrom(6, 17, 58, 112, 255), trafficClass: fc.nat(255), flowLabel: fc.nat(0xfffff) }),
        fc.nat(100),
        fc.nat(11),
        (h, payloadLength, offset) => {
          const buf = Buffer.alloc(offset + IPV6_HEADER_LENGTH + payloadLength, 0x99);
          encodeIPv6(h, payloadLength, buf, offset);
          expect(buf.subarray(0, offset).every((b) => b === 0x99)).toBe(true);
          const d = decodeIPv6(buf, offset);
          expect(d).toMatchObject({ src: h.src, dst: h.dst, ttl: h.hopLimit, protocol: h.nextHeader, trafficClass: h.trafficClass, flowLabel: h.flowLabel });
          expect(d.payloadEnd).toBe(buf.length);
        },
      ),
      { numRuns: 1000 },
    );
  });

  test('bad fields and short buffers are EncodeErrors naming the field', () => {
    const ok = { src: 'fe80::1', dst: 'ff02::12', hopLimit: 255, nextHeader: 112 };
    expect(encodeError(() => encodeIPv6({ ...ok, src: '192.0.2.1' }, 0)).field).toBe('src');
    expect(encodeError(() => encodeIPv6({ ...ok, dst: 'fe80::1%eth0' }, 0)).field).toBe('dst');
    expect(encodeError(() => encodeIPv6({ ...ok, hopLimit: 256 }, 0)).field).toBe('hopLimit');
    expect(encodeError(() => encodeIPv6({ ...ok, nextHeader: -1 }, 0)).field).toBe('nextHeader');
    expect(encodeError(() => encodeIPv6({ ...ok, trafficClass: 256 }, 0)).field).toBe('trafficClass');
    expect(encodeError(() => encodeIPv6({ ...ok, flowLabel: 0x100000 }, 0)).field).toBe('flowLabel');
    expect(encodeError(() => encodeIPv6(ok, 65536)).field).toBe('payloadLength');
    expect(encodeError(() => encodeIPv6(ok, 0, Buffer.alloc(40), 1)).code).toBe('BUFFER_TOO_SMALL');
  });
});
