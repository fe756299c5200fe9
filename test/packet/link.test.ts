import fc from 'fast-check';
import { DecodeError } from '../../lib/errors';
import { ETHERTYPE_ARP, ETHERTYPE_IPV4, ETHERTYPE_IPV6 } from '../../lib/packet/ethernet';
import { decapsulate } from '../../lib/packet/link';
import { bytes, decodeError } from '../helpers/bytes';

const IPV4_START = '45 c0 00 14'; // first bytes of an IPv4 header
const IPV6_START = '6c 00 00 00'; // first bytes of an IPv6 header

const ETHERNET = bytes('01 00 5e 00 00 12', '00 00 5e 00 01 33', '81 00 00 0a', '08 00', IPV4_START);

const SLL = bytes(
  '00 04', //                  packet type 4: sent by us
  '00 01', //                  ARPHRD_ETHER
  '00 06', //                  link-layer address length 6
  '00 00 5e 00 01 33 00 00', // source MAC, padded to 8
  '08 00', //                  protocol: IPv4
  IPV4_START,
);

const SLL_VLAN = bytes('00 02', '00 01', '00 06', '02 00 00 00 00 07 00 00', '81 00', '00 14 08 06', '00 01 08 00');

const SLL2 = bytes(
  '86 dd', //                  protocol: IPv6
  '00 00', //                  reserved
  '00 00 00 02', //            interface index 2
  '00 01', //                  ARPHRD_ETHER
  '02', //                     packet type 2: multicast
  '06', //                     address length 6
  '00 00 5e 00 02 33 00 00', // source MAC, padded to 8
  IPV6_START,
);

describe('decapsulate', () => {
  test('Ethernet (1) with an 802.1Q tag', () => {
    expect(decapsulate(1, ETHERNET)).toEqual({
      etherType: ETHERTYPE_IPV4,
      payloadOffset: 18,
      srcMac: '00:00:5e:00:01:33',
      dstMac: '01:00:5e:00:00:12',
      vlanIds: [10],
    });
  });

  test('Linux SLL (113): protocol at 14, source MAC, packet type', () => {
    expect(decapsulate(113, SLL)).toEqual({ etherType: ETHERTYPE_IPV4, payloadOffset: 16, srcMac: '00:00:5e:00:01:33', vlanIds: [], packetType: 4 });
    expect(decapsulate(113, SLL_VLAN)).toEqual({ etherType: ETHERTYPE_ARP, payloadOffset: 20, srcMac: '02:00:00:00:00:07', vlanIds: [20], packetType: 2 });
  });

  test('Linux SLL2 (276): protocol at 0, 20-byte header', () => {
    expect(decapsulate(276, SLL2)).toEqual({ etherType: ETHERTYPE_IPV6, payloadOffset: 20, srcMac: '00:00:5e:00:02:33', vlanIds: [], packetType: 2 });
  });

  test('cooked captures of non-Ethernet devices carry no MAC', () => {
    const tun = Buffer.from(SLL);
    tun.writeUInt16BE(0xfffe, 2); // ARPHRD_NONE
    expect(decapsulate(113, tun).srcMac).toBeUndefined();
  });

  test('raw IP (101, 12, 14) by version nibble; 228/229 by link type', () => {
    for (const lt of [101, 12, 14]) {
      expect(decapsulate(lt, bytes(IPV4_START))).toEqual({ etherType: ETHERTYPE_IPV4, payloadOffset: 0, vlanIds: [] });
      expect(decapsulate(lt, bytes('00', IPV6_START), 1)).toEqual({ etherType: ETHERTYPE_IPV6, payloadOffset: 1, vlanIds: [] });
      expect(decodeError(() => decapsulate(lt, bytes('00 50'), 1))).toMatchObject({ code: 'BAD_IP_HEADER', offset: 1 });
    }
    expect(decapsulate(228, bytes(IPV4_START)).etherType).toBe(ETHERTYPE_IPV4);
    expect(decapsulate(229, bytes(IPV6_START)).etherType).toBe(ETHERTYPE_IPV6);
  });

  test('BSD loopback (0) in either byte order, OpenBSD loop (108) in network order', () => {
    expect(decapsulate(0, bytes('02 00 00 00', IPV4_START))).toEqual({ etherType: ETHERTYPE_IPV4, payloadOffset: 4, vlanIds: [] });
    expect(decapsulate(0, bytes('00 00 00 02', IPV4_START)).etherType).toBe(ETHERTYPE_IPV4);
    expect(decapsulate(0, bytes('1e 00 00 00', IPV6_START)).etherType).toBe(ETHERTYPE_IPV6); // macOS AF_INET6 30
    expect(decapsulate(0, bytes('00 00 00 1c', IPV6_START)).etherType).toBe(ETHERTYPE_IPV6); // FreeBSD 28
    expect(decapsulate(0, bytes('07 00 00 00', IPV4_START)).etherType).toBe(0);
    expect(decapsulate(108, bytes('00 00 00 18', IPV6_START)).etherType).toBe(ETHERTYPE_IPV6); // OpenBSD 24
  });

  test('an unknown link type is UNSUPPORTED_LINK_TYPE', () => {
    expect(decodeError(() => decapsulate(147, ETHERNET, 2))).toMatchObject({ code: 'UNSUPPORTED_LINK_TYPE', offset: 2 });
  });

  test('truncation at every length of each link header is TRUNCATED at the missing byte', () => {
    const cases: Array<[number, Buffer, number]> = [
      [1, ETHERNET, 18],
      [113, SLL, 16],
      [113, SLL_VLAN, 20],
      [276, SLL2, 20],
      [101, bytes(IPV4_START), 1],
      [0, bytes('02 00 00 00'), 4],
      [108, bytes('00 00 00 02'), 4],
    ];
    for (const [linkType, frame, headerLength] of cases) {
      const buf = Buffer.concat([Buffer.alloc(2), frame]);
      for (let len = 0; len < headerLength; len++) {
        const e = decodeError(() => decapsulate(linkType, buf, 2, 2 + len));
        expect(e.code).toBe('TRUNCATED');
        expect(e.offset).toBe(2 + len);
      }
    }
  });

  test('random bytes only ever throw DecodeError', () => {
    fc.assert(
      fc.property(fc.constantFrom(0, 1, 12, 14, 101, 108, 113, 228, 229, 276, 147), fc.uint8Array({ maxLength: 48 }), (linkType, data) => {
        try {
          const d = decapsulate(linkType, data);
          expect(d.payloadOffset).toBeLessThanOrEqual(Math.max(data.length, 0));
        } catch (e) {
          if (!(e instanceof DecodeError)) throw e;
        }
      }),
      { numRuns: 5000 },
    );
  });
});
