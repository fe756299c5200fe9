import fc from 'fast-check';
import { DecodeError } from '../../lib/errors';
import { ARP_LENGTH, buildGratuitousArp, decodeArp } from '../../lib/packet/arp';
import { decodeEthernet, ETHERTYPE_ARP } from '../../lib/packet/ethernet';
import { bytes, decodeError, encodeError } from '../helpers/bytes';

/** Gratuitous ARP (RFC 5227 §3 announcement) for 192.0.2.100 from the IPv4 virtual MAC of VRID 51. */
const GARP = bytes(
  'ff ff ff ff ff ff', // Ethernet destination: broadcast
  '00 00 5e 00 01 33', // Ethernet source: 00:00:5e:00:01:33
  '08 06', //             EtherType ARP
  '00 01', //             hardware type Ethernet
  '08 00', //             protocol type IPv4
  '06', //                hardware address length
  '04', //                protocol address length
  '00 01', //             operation: request
  '00 00 5e 00 01 33', // sender hardware address
  'c0 00 02 64', //       sender protocol address 192.0.2.100
  '00 00 00 00 00 00', // target hardware address: zero (RFC 5227 §2.3)
  'c0 00 02 64', //       target protocol address 192.0.2.100
);

describe('buildGratuitousArp', () => {
  test('golden request (announcement)', () => {
    expect(buildGratuitousArp({ senderMac: '00:00:5e:00:01:33', ip: '192.0.2.100' })).toEqual(GARP);
  });

  test('reply form: op 2, target MAC = sender MAC (RFC 5944 §4.6)', () => {
    const buf = buildGratuitousArp({ senderMac: '00:00:5e:00:01:33', ip: '192.0.2.100', reply: true });
    expect(buf.subarray(20, 22)).toEqual(bytes('00 02'));
    expect(buf.subarray(32, 38)).toEqual(bytes('00 00 5e 00 01 33'));
    expect(buf.subarray(0, 6)).toEqual(bytes('ff ff ff ff ff ff'));
  });

  test('targetMac reproduces the keepalived / FRR form (request with target ff:ff:ff:ff:ff:ff)', () => {
    const buf = buildGratuitousArp({ senderMac: '00:00:5e:00:01:33', ip: '192.0.2.100', targetMac: 'ff:ff:ff:ff:ff:ff' });
    const expected = Buffer.from(GARP);
    expected.fill(0xff, 32, 38);
    expect(buf).toEqual(expected);
  });

  test('vlanId adds an 802.1Q tag', () => {
    const buf = buildGratuitousArp({ senderMac: '00:00:5e:00:01:33', ip: '192.0.2.100', vlanId: 42 });
    expect(buf.length).toBe(46);
    expect(buf.subarray(12, 18)).toEqual(bytes('81 00 00 2a 08 06'));
    expect(buf.subarray(18)).toEqual(GARP.subarray(14));
  });

  test('bad input is INVALID_FIELD naming the field', () => {
    expect(encodeError(() => buildGratuitousArp({ senderMac: '00:00:5e:00:01', ip: '192.0.2.1' })).field).toBe('senderMac');
    expect(encodeError(() => buildGratuitousArp({ senderMac: '00:00:5e:00:01:01', ip: '2001:db8::1' })).field).toBe('ip');
    expect(encodeError(() => buildGratuitousArp({ senderMac: '00:00:5e:00:01:01', ip: '192.0.2.1', targetMac: 'x' })).field).toBe('targetMac');
    expect(encodeError(() => buildGratuitousArp({ senderMac: '00:00:5e:00:01:01', ip: '192.0.2.1', vlanId: 5000 })).field).toBe('vlanId');
  });
});

describe('decodeArp', () => {
  test('golden request', () => {
    const eth = decodeEthernet(GARP);
    expect(eth.etherType).toBe(ETHERTYPE_ARP);
    expect(decodeArp(GARP, eth.payloadOffset)).toEqual({
      op: 1,
      senderMac: '00:00:5e:00:01:33',
      senderIp: '192.0.2.100',
      targetMac: '00:00:00:00:00:00',
      targetIp: '192.0.2.100',
      hardwareType: 1,
    });
  });

  test('round trip through a padded frame at a non-zero offset', () => {
    const v4 = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((a) => a.join('.'));
    const mac = fc.uint8Array({ minLength: 6, maxLength: 6 }).map((b) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join(':'));
    fc.assert(
      fc.property(mac, v4, fc.boolean(), fc.option(fc.nat(4095), { nil: undefined }), fc.nat(16), (senderMac, ip, reply, vlanId, shift) => {
        const frame = buildGratuitousArp({ senderMac, ip, reply, vlanId });
        const buf = Buffer.concat([Buffer.alloc(shift, 0xcc), frame, Buffer.alloc(18)]); // 18 bytes of Ethernet padding
        const eth = decodeEthernet(buf, shift);
        expect(decodeArp(buf, eth.payloadOffset)).toEqual({
          op: reply ? 2 : 1,
          senderMac,
          senderIp: ip,
          targetMac: reply ? senderMac : '00:00:00:00:00:00',
          targetIp: ip,
          hardwareType: 1,
        });
      }),
      { numRuns: 1000 },
    );
  });

  test('non-IPv4 or odd address lengths are BAD_IP_HEADER', () => {
    const arp = Buffer.from(GARP.subarray(14));
    arp.writeUInt16BE(0x86dd, 2);
    expect(decodeError(() => decodeArp(arp))).toMatchObject({ code: 'BAD_IP_HEADER', offset: 2 });
    const long = Buffer.concat([GARP.subarray(14), Buffer.alloc(8)]);
    long[4] = 8; // hardware length 8 with the bytes present
    expect(decodeError(() => decodeArp(long))).toMatchObject({ code: 'BAD_IP_HEADER', offset: 2 });
  });

  test('truncation at every length is TRUNCATED at the missing byte', () => {
    const buf = Buffer.concat([Buffer.alloc(4), GARP.subarray(14), Buffer.alloc(4)]);
    for (let len = 0; len < ARP_LENGTH; len++) {
      const e = decodeError(() => decodeArp(buf, 4, 4 + len));
      expect(e.code).toBe('TRUNCATED');
      expect(e.offset).toBe(4 + len);
    }
  });

  test('random bytes only ever throw DecodeError', () => {
    const mutated = fc.tuple(fc.nat(ARP_LENGTH - 1), fc.nat(255)).map(([i, v]) => {
      const b = Buffer.from(GARP.subarray(14));
      b[i] = v;
      return new Uint8Array(b);
    });
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 60 }), mutated), (data) => {
        try {
          decodeArp(data);
        } catch (e) {
          if (!(e instanceof DecodeError)) throw e;
        }
      }),
      { numRuns: 5000 },
    );
  });
});
