import fc from 'fast-check';
import { DecodeError } from '../../lib/errors';
import {
  decodeEthernet,
  encodeEthernet,
  ETHERTYPE_ARP,
  ETHERTYPE_IPV4,
  ETHERTYPE_IPV6,
  formatMac,
  multicastMac,
  parseMac,
  virtualMac,
} from '../../lib/packet/ethernet';
import { bytes, decodeError, encodeError } from '../helpers/bytes';

/** Hex groups (spaces ignored) to bytes. */

const UNTAGGED = bytes(
  '01 00 5e 00 00 12', // destination: IPv4 multicast MAC of 224.0.0.18
  '00 00 5e 00 01 33', // source: VRRP virtual MAC, IPv4, VRID 51
  '08 00', //             EtherType IPv4
);

const QINQ = bytes(
  'ff ff ff ff ff ff', // destination: broadcast
  '02 00 00 00 00 01', // source
  '88 a8 00 64', //       802.1ad S-tag, PCP 0, VID 100
  '81 00 a0 c8', //       802.1Q C-tag, PCP 5, VID 200
  '08 06', //             EtherType ARP
);

describe('MAC addresses', () => {
  test('parseMac accepts ":" and "-" separators in either case', () => {
    expect(parseMac('00:00:5e:00:01:33')).toEqual(bytes('00 00 5e 00 01 33'));
    expect(parseMac('AA-BB-CC-DD-EE-FF')).toEqual(bytes('aa bb cc dd ee ff'));
  });

  test.each(['', '00:00:5e:00:01', '00:00:5e:00:01:33:44', '00:00-5e:00:01:33', '0:0:5e:0:1:33', '00:00:5e:00:01:3g', '0000.5e00.0133'])(
    'parseMac rejects %j with a TypeError',
    (text) => {
      expect(() => parseMac(text)).toThrow(TypeError);
    },
  );

  test('formatMac writes lower case with ":" at an offset', () => {
    expect(formatMac(bytes('ff AA BB CC DD EE 0F'), 1)).toBe('aa:bb:cc:dd:ee:0f');
    expect(() => formatMac(bytes('00 01 02 03 04'), 0)).toThrow(RangeError);
  });

  test('virtualMac follows RFC 9568 §7.3', () => {
    expect(virtualMac(51, 4)).toBe('00:00:5e:00:01:33');
    expect(virtualMac(1, 6)).toBe('00:00:5e:00:02:01');
    expect(virtualMac(255, 6)).toBe('00:00:5e:00:02:ff');
    for (const bad of [0, 256, 1.5, -1]) expect(encodeError(() => virtualMac(bad, 4)).code).toBe('INVALID_FIELD');
  });

  test('multicastMac maps the low 23 bits (IPv4, RFC 1112) and low 32 bits (IPv6, RFC 2464)', () => {
    expect(multicastMac('224.0.0.18')).toBe('01:00:5e:00:00:12');
    expect(multicastMac('239.255.1.2')).toBe('01:00:5e:7f:01:02');
    expect(multicastMac('224.128.0.1')).toBe('01:00:5e:00:00:01');
    expect(multicastMac('ff02::12')).toBe('33:33:00:00:00:12');
    expect(multicastMac('ff02::1')).toBe('33:33:00:00:00:01');
    expect(multicastMac('ff02::1:ff00:100')).toBe('33:33:ff:00:01:00');
    expect(multicastMac(bytes('e0 00 00 12'))).toBe('01:00:5e:00:00:12');
    for (const bad of ['192.0.2.1', 'fe80::1', 'nonsense']) expect(encodeError(() => multicastMac(bad)).code).toBe('INVALID_FIELD');
  });
});

describe('decodeEthernet', () => {
  test('golden untagged header', () => {
    expect(decodeEthernet(UNTAGGED)).toEqual({
      dst: '01:00:5e:00:00:12',
      src: '00:00:5e:00:01:33',
      etherType: ETHERTYPE_IPV4,
      vlanIds: [],
      payloadOffset: 14,
    });
  });

  test('golden 802.1ad + 802.1Q header: both tags skipped, VLAN ids outermost first', () => {
    expect(decodeEthernet(QINQ)).toEqual({
      dst: 'ff:ff:ff:ff:ff:ff',
      src: '02:00:00:00:00:01',
      etherType: ETHERTYPE_ARP,
      vlanIds: [100, 200],
      payloadOffset: 22,
    });
  });

  test('truncation at every length is TRUNCATED at the missing byte', () => {
    for (const frame of [UNTAGGED, QINQ]) {
      for (let len = 0; len < frame.length; len++) {
        const buf = Buffer.concat([Buffer.alloc(3, 0xee), frame, Buffer.alloc(4, 0xee)]);
        const e = decodeError(() => decodeEthernet(buf, 3, 3 + len));
        expect(e.code).toBe('TRUNCATED');
        expect(e.offset).toBe(3 + len);
      }
    }
  });

  test('random bytes only ever throw DecodeError', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), fc.nat(8), (data, shift) => {
        const offset = Math.min(shift, data.length);
        try {
          const h = decodeEthernet(data, offset);
          expect(h.payloadOffset).toBeLessThanOrEqual(data.length);
        } catch (e) {
          if (!(e instanceof DecodeError)) throw e;
        }
      }),
      { numRuns: 5000 },
    );
  });
});

describe('encodeEthernet', () => {
  test('writes the golden headers', () => {
    expect(encodeEthernet({ dst: '01:00:5e:00:00:12', src: '00:00:5e:00:01:33', etherType: ETHERTYPE_IPV4 })).toEqual(UNTAGGED);
    expect(encodeEthernet({ dst: '33:33:00:00:00:12', src: '00:00:5e:00:02:33', etherType: ETHERTYPE_IPV6, vlanId: 4095 })).toEqual(
      bytes('33 33 00 00 00 12', '00 00 5e 00 02 33', '81 00 0f ff', '86 dd'),
    );
  });

  test('round trip at a non-zero offset leaves the bytes around untouched', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 6, maxLength: 6 }),
        fc.uint8Array({ minLength: 6, maxLength: 6 }),
        fc.integer({ min: 0, max: 0xffff }).filter((t) => t !== 0x8100 && t !== 0x88a8 && t !== 0x9100),
        fc.option(fc.integer({ min: 0, max: 4095 }), { nil: undefined }),
        fc.nat(9),
        (d, s, etherType, vlanId, offset) => {
          const h = { dst: formatMac(d), src: formatMac(s), etherType, vlanId };
          const buf = Buffer.alloc(offset + 20, 0xaa);
          expect(encodeEthernet(h, buf, offset)).toBe(buf);
          const len = vlanId === undefined ? 14 : 18;
          expect(buf.subarray(0, offset).every((b) => b === 0xaa)).toBe(true);
          expect(buf.subarray(offset + len).every((b) => b === 0xaa)).toBe(true);
          expect(decodeEthernet(buf, offset)).toEqual({ dst: h.dst, src: h.src, etherType, vlanIds: vlanId === undefined ? [] : [vlanId], payloadOffset: offset + len });
        },
      ),
      { numRuns: 1000 },
    );
  });

  test('bad fields and short buffers are EncodeErrors naming the field', () => {
    const ok = { dst: 'ff:ff:ff:ff:ff:ff', src: '00:00:5e:00:01:01', etherType: ETHERTYPE_ARP };
    expect(encodeError(() => encodeEthernet({ ...ok, dst: 'ff:ff' })).field).toBe('dst');
    expect(encodeError(() => encodeEthernet({ ...ok, src: 'x' })).field).toBe('src');
    expect(encodeError(() => encodeEthernet({ ...ok, etherType: 0x10000 })).field).toBe('etherType');
    expect(encodeError(() => encodeEthernet({ ...ok, vlanId: 4096 })).field).toBe('vlanId');
    expect(encodeError(() => encodeEthernet(ok, Buffer.alloc(14), 1)).code).toBe('BUFFER_TOO_SMALL');
    expect(encodeError(() => encodeEthernet({ ...ok, vlanId: 1 }, Buffer.alloc(14))).code).toBe('BUFFER_TOO_SMALL');
  });
});
