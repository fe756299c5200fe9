import fc from 'fast-check';
import { DecodeError } from '../../lib/errors';
import { formatIPv6 } from '../../lib/packet/address';
import { decodeEthernet, ETHERTYPE_IPV6 } from '../../lib/packet/ethernet';
import { decodeIPv6 } from '../../lib/packet/ipv6';
import { buildUnsolicitedNa, decodeNeighborAdvert } from '../../lib/packet/ndisc';
import { bytes, decodeError, encodeError } from '../helpers/bytes';

/**
 * Reference ICMPv6 checksum, written apart from lib/packet/checksum.ts: builds the RFC 8200 §8.1
 * pseudo-header as bytes, then sums 16-bit words with a DataView and folds at the end.
 */
function refIcmpv6Checksum(src: Uint8Array, dst: Uint8Array, message: Uint8Array): number {
  const all = new Uint8Array(40 + message.length + (message.length % 2));
  all.set(src, 0);
  all.set(dst, 16);
  new DataView(all.buffer).setUint32(32, message.length);
  all[39] = 58;
  all.set(message, 40);
  const view = new DataView(all.buffer);
  let sum = 0;
  for (let i = 0; i < all.length; i += 2) sum += view.getUint16(i);
  while (sum > 0xffff) sum = (sum >>> 16) + (sum & 0xffff);
  return ~sum & 0xffff;
}

const FE80_1 = 'fe80 0000 0000 0000 0000 0000 0000 0001';
const FF02_1 = 'ff02 0000 0000 0000 0000 0000 0000 0001';
const TARGET = '2001 0db8 0000 0000 0000 0000 0000 0100';

/** Unsolicited NA for 2001:db8::100 from fe80::1, MAC 00:00:5e:00:02:33 (IPv6 virtual MAC of VRID 51). */
const NA = bytes(
  '33 33 00 00 00 01', //      Ethernet destination: multicast MAC of ff02::1 (RFC 2464 §7)
  '00 00 5e 00 02 33', //      Ethernet source
  '86 dd', //                  EtherType IPv6
  '60 00 00 00', //            version 6, Traffic Class 0, Flow Label 0
  '00 20', //                  Payload Length 32
  '3a', //                     Next Header 58 (ICMPv6)
  'ff', //                     Hop Limit 255 (RFC 4861 §7.1.2)
  FE80_1, //                   source fe80::1
  FF02_1, //                   destination ff02::1 (all nodes)
  '88', //                     type 136 Neighbor Advertisement
  '00', //                     code 0
  '49 31', //                  checksum (computed apart: Python's sum over the pseudo-header, and refIcmpv6Checksum)
  'a0 00 00 00', //            flags R=1 S=0 O=1, reserved
  TARGET, //                   target 2001:db8::100
  '02', //                     option: Target Link-Layer Address
  '01', //                     option length 1 (8 bytes)
  '00 00 5e 00 02 33', //      link-layer address
);
const ICMP_AT = 14 + 40;

describe('buildUnsolicitedNa', () => {
  test('golden frame, with the checksum checked by an independent sum', () => {
    const buf = buildUnsolicitedNa({ srcMac: '00:00:5e:00:02:33', srcIp: 'fe80::1', target: '2001:db8::100' });
    expect(buf).toEqual(NA);
    const zeroed = Buffer.from(NA.subarray(ICMP_AT));
    zeroed.writeUInt16BE(0, 2);
    expect(refIcmpv6Checksum(bytes(FE80_1), bytes(FF02_1), zeroed)).toBe(0x4931);
  });

  test('flags follow the options; S is always clear (RFC 4861 §7.2.6)', () => {
    const flags = (router?: boolean, override?: boolean): number =>
      buildUnsolicitedNa({ srcMac: '00:00:5e:00:02:33', srcIp: 'fe80::1', target: '2001:db8::100', router, override })[ICMP_AT + 4];
    expect(flags()).toBe(0xa0);
    expect(flags(false)).toBe(0x20);
    expect(flags(true, false)).toBe(0x80);
    expect(flags(false, false)).toBe(0x00);
  });

  test('dst picks the multicast MAC; a unicast dst needs dstMac; vlanId tags the frame', () => {
    const base = { srcMac: '00:00:5e:00:02:33', srcIp: 'fe80::1', target: '2001:db8::100' };
    expect(buildUnsolicitedNa({ ...base, dst: 'ff02::1:ff00:100' }).subarray(0, 6)).toEqual(bytes('33 33 ff 00 01 00'));
    expect(encodeError(() => buildUnsolicitedNa({ ...base, dst: 'fe80::2' })).field).toBe('dstMac');
    const uni = buildUnsolicitedNa({ ...base, dst: 'fe80::2', dstMac: '02:00:00:00:00:02' });
    expect(decodeNeighborAdvert(uni, ICMP_AT, uni.length, bytes(FE80_1), bytes('fe80 0000 0000 0000 0000 0000 0000 0002')).checksumOk).toBe(true);
    const tagged = buildUnsolicitedNa({ ...base, vlanId: 7 });
    expect(tagged.length).toBe(NA.length + 4);
    expect(decodeEthernet(tagged)).toMatchObject({ etherType: ETHERTYPE_IPV6, vlanIds: [7], payloadOffset: 18 });
  });

  test('bad input is INVALID_FIELD naming the field', () => {
    const base = { srcMac: '00:00:5e:00:02:33', srcIp: 'fe80::1', target: '2001:db8::100' };
    expect(encodeError(() => buildUnsolicitedNa({ ...base, srcMac: 'zz' })).field).toBe('srcMac');
    expect(encodeError(() => buildUnsolicitedNa({ ...base, srcIp: '192.0.2.1' })).field).toBe('srcIp');
    expect(encodeError(() => buildUnsolicitedNa({ ...base, target: '2001:db8::g' })).field).toBe('target');
    expect(encodeError(() => buildUnsolicitedNa({ ...base, dst: '224.0.0.1' })).field).toBe('dst');
  });
});

describe('decodeNeighborAdvert', () => {
  test('golden NA through Ethernet and IPv6 decode', () => {
    const eth = decodeEthernet(NA);
    const ip = decodeIPv6(NA, eth.payloadOffset);
    expect(ip).toMatchObject({ protocol: 58, ttl: 255, payloadOffset: ICMP_AT, payloadEnd: NA.length });
    expect(decodeNeighborAdvert(NA, ip.payloadOffset, ip.payloadEnd, ip.srcBytes, ip.dstBytes)).toEqual({
      router: true,
      solicited: false,
      override: true,
      target: '2001:db8::100',
      targetMac: '00:00:5e:00:02:33',
      checksumOk: true,
      checksum: 0x4931,
    });
    expect(decodeNeighborAdvert(NA, ICMP_AT).checksumOk).toBe(false); // no pseudo-header, nothing verified
  });

  test('a flipped bit fails the checksum; options of other types are skipped', () => {
    const bad = Buffer.from(NA);
    bad[ICMP_AT + 20] ^= 0x01;
    expect(decodeNeighborAdvert(bad, ICMP_AT, bad.length, bytes(FE80_1), bytes(FF02_1)).checksumOk).toBe(false);
    const msg = Buffer.concat([bytes('88 00 00 00 40 00 00 00', TARGET), bytes('0e 01 00 00 00 00 00 00')]); // nonce option only
    expect(decodeNeighborAdvert(msg)).toEqual({
      router: false,
      solicited: true,
      override: false,
      target: '2001:db8::100',
      checksumOk: false,
      checksum: 0,
    });
  });

  test('wrong type or code, or an option of length 0, is BAD_IP_HEADER', () => {
    const msg = Buffer.from(NA.subarray(ICMP_AT));
    msg[0] = 135;
    expect(decodeError(() => decodeNeighborAdvert(msg))).toMatchObject({ code: 'BAD_IP_HEADER', offset: 0 });
    msg[0] = 136;
    msg[1] = 1;
    expect(decodeError(() => decodeNeighborAdvert(msg))).toMatchObject({ code: 'BAD_IP_HEADER', offset: 0 });
    msg[1] = 0;
    msg[25] = 0;
    expect(decodeError(() => decodeNeighborAdvert(msg))).toMatchObject({ code: 'BAD_IP_HEADER', offset: 25 });
  });

  test('truncation at every length but the option boundary is TRUNCATED at the missing byte', () => {
    const message = NA.subarray(ICMP_AT);
    const buf = Buffer.concat([Buffer.alloc(9), message, Buffer.alloc(9)]);
    for (let len = 0; len < message.length; len++) {
      if (len === 24) {
        expect(decodeNeighborAdvert(buf, 9, 9 + len).targetMac).toBeUndefined(); // options are optional
        continue;
      }
      const e = decodeError(() => decodeNeighborAdvert(buf, 9, 9 + len));
      expect(e.code).toBe('TRUNCATED');
      expect(e.offset).toBe(9 + len);
    }
  });

  test('round trip at a non-zero offset', () => {
    const v6 = fc.uint8Array({ minLength: 16, maxLength: 16 }).map((b) => formatIPv6(b, 0));
    const mac = fc.uint8Array({ minLength: 6, maxLength: 6 }).map((b) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join(':'));
    fc.assert(
      fc.property(mac, v6, v6, fc.boolean(), fc.boolean(), fc.nat(12), (srcMac, srcIp, target, router, override, shift) => {
        const frame = buildUnsolicitedNa({ srcMac, srcIp, target, router, override });
        const buf = Buffer.concat([Buffer.alloc(shift, 0x88), frame, Buffer.alloc(4)]);
        const ip = decodeIPv6(buf, decodeEthernet(buf, shift).payloadOffset);
        expect(decodeNeighborAdvert(buf, ip.payloadOffset, ip.payloadEnd, ip.srcBytes, ip.dstBytes)).toMatchObject({
          router,
          solicited: false,
          override,
          target,
          targetMac: srcMac,
          checksumOk: true,
        });
      }),
      { numRuns: 1000 },
    );
  });

  test('random bytes only ever throw DecodeError', () => {
    const message = NA.subarray(ICMP_AT);
    const mutated = fc.tuple(fc.nat(message.length - 1), fc.nat(255), fc.nat(message.length)).map(([i, v, cut]) => {
      const b = Buffer.from(message);
      b[i] = v;
      return new Uint8Array(b.subarray(0, Math.max(cut, 24)));
    });
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 64 }), mutated), (data) => {
        try {
          decodeNeighborAdvert(data, 0, data.length, bytes(FE80_1), bytes(FF02_1));
        } catch (e) {
          if (!(e instanceof DecodeError)) throw e;
        }
      }),
      { numRuns: 5000 },
    );
  });
});
