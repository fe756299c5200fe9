import { spawnSync } from 'child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import fc from 'fast-check';
import { formatIPv6 } from '../../lib/packet/address';
import { Advertisement, decode } from '../../lib/packet/advertisement';
import { buildGratuitousArp } from '../../lib/packet/arp';
import { ChecksumForm, vrrpChecksum } from '../../lib/packet/checksum';
import { advertFrameLength, buildAdvertFrame } from '../../lib/packet/frame';
import { decodeIp } from '../../lib/packet/ip';
import { decodeIPv4 } from '../../lib/packet/ipv4';
import { decapsulate } from '../../lib/packet/link';
import { buildUnsolicitedNa } from '../../lib/packet/ndisc';
import { bytes, encodeError } from '../helpers/bytes';

const V2: Advertisement = { version: 2, family: 4, vrid: 51, priority: 100, intervalS: 1, authType: 0, authData: new Uint8Array(8), addresses: ['192.0.2.100'] };
const V3_4: Advertisement = { version: 3, family: 4, vrid: 51, priority: 100, intervalCs: 100, addresses: ['192.0.2.100'] };
const V3_6: Advertisement = { version: 3, family: 6, vrid: 51, priority: 100, intervalCs: 100, addresses: ['fe80::100', '2001:db8::100'] };

const ETH_V4 = '01 00 5e 00 00 12  00 00 5e 00 01 33  08 00'; // to 01:00:5e:00:00:12 from 00:00:5e:00:01:33, IPv4
const ETH_V6 = '33 33 00 00 00 12  00 00 5e 00 02 33  86 dd'; // to 33:33:00:00:00:12 from 00:00:5e:00:02:33, IPv6

/** VRRPv2 advert: VRID 51, priority 100, 1 s, no auth, 192.0.2.100; from 192.0.2.1. Checksums worked out apart (Python). */
const V2_FRAME = bytes(
  ETH_V4,
  '45 c0 00 28 00 00 00 00 ff 70 18 92', // IPv4: TOS 0xc0, length 40, DF clear, TTL 255, proto 112, cksum 0x1892
  'c0 00 02 01  e0 00 00 12', //            192.0.2.1 -> 224.0.0.18
  '21 33 64 01', //                         v2 type 1, VRID 51, priority 100, count 1
  '00 01 b8 65', //                         auth type 0, interval 1 s, checksum 0xb865 (message only)
  'c0 00 02 64', //                         192.0.2.100
  '00 00 00 00 00 00 00 00', //             auth data
);

/** VRRPv3 over IPv4, same router, interval 100 cs; two checksum forms. */
function v3v4Frame(checksum: string): Buffer {
  return bytes(
    ETH_V4,
    '45 c0 00 20 00 00 00 00 ff 70 18 9a', // IPv4: length 32, cksum 0x189a
    'c0 00 02 01  e0 00 00 12',
    '31 33 64 01', //                         v3 type 1, VRID 51, priority 100, count 1
    `00 64 ${checksum}`, //                   Max Adver Int 100 cs, checksum
    'c0 00 02 64',
  );
}
const V3_4_PSEUDO = v3v4Frame('05 72'); // with the IPv4 pseudo-header (keepalived / FRR default)
const V3_4_MESSAGE_ONLY = v3v4Frame('a8 02'); // RFC 9568 §5.2.8 reading, keepalived v3_checksum_as_v2

/** VRRPv3 over IPv6: from fe80::1, addresses fe80::100 and 2001:db8::100. */
const V3_6_FRAME = bytes(
  ETH_V6,
  '6c 00 00 00 00 28 70 ff', //                           Traffic Class 0xc0, length 40, next header 112, hop limit 255
  'fe80 0000 0000 0000 0000 0000 0000 0001', //           fe80::1
  'ff02 0000 0000 0000 0000 0000 0000 0012', //           ff02::12
  '31 33 64 02  00 64 3d fd', //                          v3, VRID 51, prio 100, count 2, 100 cs, cksum 0x3dfd
  'fe80 0000 0000 0000 0000 0000 0000 0100', //           fe80::100
  '2001 0db8 0000 0000 0000 0000 0000 0100', //           2001:db8::100
);

describe('buildAdvertFrame', () => {
  test('golden VRRPv2 / IPv4 frame', () => {
    expect(buildAdvertFrame({ srcMac: '00:00:5e:00:01:33', src: '192.0.2.1', advert: V2 })).toEqual(V2_FRAME);
  });

  test('golden VRRPv3 / IPv4 frames in both checksum forms', () => {
    expect(buildAdvertFrame({ srcMac: '00:00:5e:00:01:33', src: '192.0.2.1', advert: V3_4 })).toEqual(V3_4_PSEUDO);
    expect(buildAdvertFrame({ srcMac: '00:00:5e:00:01:33', src: '192.0.2.1', advert: V3_4, checksum: 'message-only' })).toEqual(V3_4_MESSAGE_ONLY);
  });

  test('golden VRRPv3 / IPv6 frame', () => {
    expect(buildAdvertFrame({ srcMac: '00:00:5e:00:02:33', src: 'fe80::1', advert: V3_6 })).toEqual(V3_6_FRAME);
  });

  test('options: ttl, tos, id, VLAN tag, unicast destination', () => {
    const buf = buildAdvertFrame({ srcMac: '02:00:00:00:00:01', dstMac: '02:00:00:00:00:02', src: '192.0.2.1', dst: '192.0.2.2', ttl: 64, tos: 0, id: 7, advert: V2, vlanId: 10 });
    expect(buf.length).toBe(advertFrameLength({ advert: V2, vlanId: 10 }));
    const link = decapsulate(1, buf);
    expect(link).toMatchObject({ dstMac: '02:00:00:00:00:02', vlanIds: [10], payloadOffset: 18 });
    expect(decodeIPv4(buf, link.payloadOffset)).toMatchObject({ dst: '192.0.2.2', ttl: 64, tos: 0, id: 7, flags: 0, headerChecksumOk: true });
  });

  test('a unicast dst needs dstMac; addresses must match the advert family', () => {
    expect(encodeError(() => buildAdvertFrame({ srcMac: '02:00:00:00:00:01', src: '192.0.2.1', dst: '192.0.2.2', advert: V2 })).field).toBe('dstMac');
    expect(encodeError(() => buildAdvertFrame({ srcMac: '02:00:00:00:00:01', src: 'fe80::1', advert: V2 })).code).toBe('INVALID_FIELD');
    expect(encodeError(() => buildAdvertFrame({ srcMac: '02:00:00:00:00:01', src: '192.0.2.1', dst: 'ff02::12', advert: V2 })).code).toBe('INVALID_FIELD');
    expect(encodeError(() => buildAdvertFrame({ srcMac: 'nope', src: '192.0.2.1', advert: V2 })).field).toBe('src');
    expect(encodeError(() => buildAdvertFrame({ srcMac: '02:00:00:00:00:01', src: '192.0.2.1', advert: V2, ttl: 300 })).field).toBe('ttl');
  });

  test('frames decode back through decapsulate, decodeIp and the advert codec, with Ethernet padding', () => {
    const v4 = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((a) => a.join('.'));
    const v6 = fc.uint8Array({ minLength: 16, maxLength: 16 }).map((b) => formatIPv6(b, 0));
    const common = { vrid: fc.integer({ min: 1, max: 255 }), priority: fc.nat(255) };
    const v2 = fc.record({
      version: fc.constant(2 as const),
      family: fc.constant(4 as const),
      ...common,
      intervalS: fc.nat(255),
      authType: fc.constantFrom(0 as const, 1 as const),
      authData: fc.uint8Array({ minLength: 8, maxLength: 8 }),
      addresses: fc.array(v4, { minLength: 1, maxLength: 8 }),
    });
    const v3v4 = fc.record({ version: fc.constant(3 as const), family: fc.constant(4 as const), ...common, intervalCs: fc.integer({ min: 1, max: 4095 }), addresses: fc.array(v4, { minLength: 1, maxLength: 8 }) });
    const v3v6 = fc.record({ version: fc.constant(3 as const), family: fc.constant(6 as const), ...common, intervalCs: fc.integer({ min: 1, max: 4095 }), addresses: fc.array(v6, { minLength: 1, maxLength: 4 }) });
    const forms: ChecksumForm[] = ['pseudo-header', 'message-only'];
    fc.assert(
      fc.property(fc.oneof(v2, v3v4, v3v6), fc.constantFrom(...forms), fc.option(fc.nat(4095), { nil: undefined }), (advert: Advertisement, checksum, vlanId) => {
        const src = advert.family === 4 ? '192.0.2.1' : 'fe80::1';
        const frame = buildAdvertFrame({ srcMac: '00:00:5e:00:01:01', src, advert, checksum, vlanId });
        const buf = Buffer.concat([frame, Buffer.alloc(Math.max(0, 60 - frame.length))]); // padded as on the wire
        const link = decapsulate(1, buf);
        const ip = decodeIp(buf, link.payloadOffset);
        expect(ip).toMatchObject({ family: advert.family, protocol: 112, ttl: 255, src, payloadEnd: frame.length });
        const got = decode(buf, ip.payloadOffset, { family: advert.family, end: ip.payloadEnd });
        const norm = (a: Advertisement): unknown => (a.version === 2 ? { ...a, authData: Array.from(a.authData) } : a);
        expect(norm(got)).toEqual(norm(advert));
        const form: ChecksumForm = advert.version === 2 ? 'message-only' : advert.family === 6 ? 'pseudo-header' : checksum;
        expect(vrrpChecksum(buf, ip.payloadOffset, ip.payloadEnd, form, ip.srcBytes, ip.dstBytes)).toBe(0);
      }),
      { numRuns: 1000 },
    );
  });
});

/** A classic pcap file (LINKTYPE_ETHERNET, microsecond timestamps) holding `frames`, written by hand. */
function pcapFile(frames: Buffer[]): Buffer {
  const header = Buffer.alloc(24);
  header.writeUInt32LE(0xa1b2c3d4, 0); // magic, little-endian file
  header.writeUInt16LE(2, 4); // version 2.4
  header.writeUInt16LE(4, 6);
  header.writeUInt32LE(65535, 16); // snaplen
  header.writeUInt32LE(1, 20); // LINKTYPE_ETHERNET
  const parts: Buffer[] = [header];
  frames.forEach((frame, i) => {
    const record = Buffer.alloc(16);
    record.writeUInt32LE(1700000000 + i, 0);
    record.writeUInt32LE(frame.length, 8); // captured length
    record.writeUInt32LE(frame.length, 12); // original length
    parts.push(record, frame);
  });
  return Buffer.concat(parts);
}

const FIELDS = ['frame.protocols', 'ip.checksum.status', 'icmpv6.checksum.status', 'vrrp.checksum.status', 'vrrp.version', 'arp.isgratuitous', 'vlan.id', '_ws.malformed'];

/** Runs tshark over `frames` and returns, per frame, the FIELDS values (status 1 = good, 0 = bad). */
function tsharkFields(frames: Buffer[], v3ChecksumAsV2: boolean): Array<Record<string, string>> {
  const dir = mkdtempSync(join(tmpdir(), 'vrrp-tshark-'));
  try {
    const file = join(dir, 'frames.pcap');
    writeFileSync(file, pcapFile(frames));
    const args = ['-r', file, '-n', '-o', 'ip.check_checksum:TRUE', '-o', `vrrp.v3_checksum_as_in_v2:${v3ChecksumAsV2 ? 'TRUE' : 'FALSE'}`];
    args.push('-T', 'fields', '-E', 'separator=|', ...FIELDS.flatMap((f) => ['-e', f]));
    const run = spawnSync('tshark', args, { encoding: 'utf8' });
    if (run.status !== 0) throw new Error(`tshark failed: ${run.stderr}`);
    return run.stdout
      .trim()
      .split('\n')
      .map((line) => Object.fromEntries(line.split('|').map((v, i) => [FIELDS[i], v])));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const haveTshark = spawnSync('tshark', ['-v'], { stdio: 'ignore' }).status === 0;
const tsharkTest = haveTshark ? test : test.skip;

describe('cross-check with tshark', () => {
  tsharkTest(haveTshark ? 'tshark parses our frames with good checksums' : 'tshark cross-check: tshark is not installed', () => {
    const badV2 = Buffer.from(V2_FRAME);
    badV2[41] ^= 0xff; // negative control: VRRP checksum broken
    const frames = [
      buildGratuitousArp({ senderMac: '00:00:5e:00:01:33', ip: '192.0.2.100' }),
      buildUnsolicitedNa({ srcMac: '00:00:5e:00:02:33', srcIp: 'fe80::1', target: '2001:db8::100' }),
      buildAdvertFrame({ srcMac: '00:00:5e:00:01:33', src: '192.0.2.1', advert: V2 }),
      buildAdvertFrame({ srcMac: '00:00:5e:00:01:33', src: '192.0.2.1', advert: V3_4 }),
      buildAdvertFrame({ srcMac: '00:00:5e:00:02:33', src: 'fe80::1', advert: V3_6 }),
      buildAdvertFrame({ srcMac: '00:00:5e:00:01:33', src: '192.0.2.1', advert: V3_4, vlanId: 10 }),
      badV2,
    ];
    const rows = tsharkFields(frames, false);
    expect(rows).toEqual([
      expect.objectContaining({ 'frame.protocols': 'eth:ethertype:arp', 'arp.isgratuitous': '1', '_ws.malformed': '' }),
      expect.objectContaining({ 'frame.protocols': 'eth:ethertype:ipv6:icmpv6', 'icmpv6.checksum.status': '1', '_ws.malformed': '' }),
      expect.objectContaining({ 'frame.protocols': 'eth:ethertype:ip:vrrp', 'ip.checksum.status': '1', 'vrrp.version': '2', 'vrrp.checksum.status': '1', '_ws.malformed': '' }),
      expect.objectContaining({ 'frame.protocols': 'eth:ethertype:ip:vrrp', 'ip.checksum.status': '1', 'vrrp.version': '3', 'vrrp.checksum.status': '1', '_ws.malformed': '' }),
      expect.objectContaining({ 'frame.protocols': 'eth:ethertype:ipv6:vrrp', 'vrrp.version': '3', 'vrrp.checksum.status': '1', '_ws.malformed': '' }),
      expect.objectContaining({ 'frame.protocols': 'eth:ethertype:vlan:ethertype:ip:vrrp', 'ip.checksum.status': '1', 'vlan.id': '10', 'vrrp.checksum.status': '1', '_ws.malformed': '' }),
      expect.objectContaining({ 'vrrp.version': '2', 'vrrp.checksum.status': '0' }),
    ]);
    const messageOnly = buildAdvertFrame({ srcMac: '00:00:5e:00:01:33', src: '192.0.2.1', advert: V3_4, checksum: 'message-only' });
    expect(tsharkFields([messageOnly], true)).toEqual([expect.objectContaining({ 'ip.checksum.status': '1', 'vrrp.checksum.status': '1' })]);
    expect(tsharkFields([messageOnly], false)).toEqual([expect.objectContaining({ 'vrrp.checksum.status': '0' })]);
  });
});
