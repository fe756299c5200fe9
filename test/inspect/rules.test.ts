/**
 * `vrrpd inspect` on synthetic captures: each receive-rule violation gives `valid: false` with its reason,
 * frames are counted across non-VRRP frames, and the CLI refuses bad input with one line and no stack.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../lib/cli/main';
import { InspectRecord, inspectFrames } from '../../lib/inspect/records';
import { Advertisement } from '../../lib/packet/advertisement';
import { buildGratuitousArp } from '../../lib/packet/arp';
import { internetChecksum } from '../../lib/packet/checksum';
import { buildAdvertFrame } from '../../lib/packet/frame';
import { LINKTYPE_ETHERNET, readCapture, writePcap } from '../../lib/pcap';

const V4: Advertisement = { version: 3, family: 4, vrid: 52, priority: 150, intervalCs: 100, addresses: ['192.0.2.101'] };
const V6: Advertisement = { version: 3, family: 6, vrid: 53, priority: 100, intervalCs: 100, addresses: ['2001:db8::100'] };
const V2: Advertisement = { version: 2, family: 4, vrid: 51, priority: 150, intervalS: 1, authType: 1, authData: Buffer.from('s3cret\0\0'), addresses: ['192.0.2.100'] };
const MAC = '02:00:00:00:00:0a';
const v4Frame = (ad: Advertisement, extra: object = {}): Buffer => buildAdvertFrame({ srcMac: MAC, src: '192.0.2.1', advert: ad, ...extra });
const v6Frame = (ad: Advertisement, extra: object = {}): Buffer => buildAdvertFrame({ srcMac: MAC, src: 'fe80::a', advert: ad, ...extra });
const VRRP4 = 14 + 20; // VRRP offset in an untagged IPv4 frame
const VRRP6 = 14 + 40;
const patched = (frame: Buffer, at: number, value: number): Buffer => {
  const b = Buffer.from(frame);
  b[at] = value;
  return b;
};

/** An IPv4 frame with its flags/fragment-offset word set and the header checksum recomputed. */
const fragment4 = (word: number): Buffer => {
  const b = Buffer.from(v4Frame(V4));
  b.writeUInt16BE(word, 14 + 6);
  b.writeUInt16BE(0, 14 + 10);
  b.writeUInt16BE(internetChecksum(b, 14, 34), 14 + 10);
  return b;
};
/** An IPv6 frame whose VRRP message sits behind a Fragment header (next header 112, offset in 8-byte units). */
const fragment6 = (offsetUnits: number, more: boolean): Buffer => {
  const f = v6Frame(V6);
  const fh = Buffer.from([112, 0, 0, 0, 0, 0, 0x12, 0x34]);
  fh.writeUInt16BE((offsetUnits << 3) | (more ? 1 : 0), 2);
  const b = Buffer.concat([f.subarray(0, VRRP6), fh, f.subarray(VRRP6)]);
  b.writeUInt16BE(b.length - VRRP6, 14 + 4);
  b[14 + 6] = 44;
  return b;
};

const cases: Array<[string, Buffer, string | null]> = [
  ['a good v3/IPv4 advert', v4Frame(V4), null],
  ['a good v3/IPv4 advert in the message-only checksum form', v4Frame(V4, { checksum: 'message-only' }), null],
  ['a good v3/IPv6 advert', v6Frame(V6), null],
  ['a good v2 advert', v4Frame(V2), null],
  ['TTL 254', v4Frame(V4, { ttl: 254 }), 'TTL_NOT_255'],
  ['hop limit 254', v6Frame(V6, { ttl: 254 }), 'TTL_NOT_255'],
  ['Count 0', v4Frame({ ...V4, addresses: [] }), 'COUNT_ZERO'],
  ['Max Adver Int 0', v4Frame({ ...V4, intervalCs: 0 }), 'INTERVAL_ZERO'],
  ['VRID 0', v4Frame({ ...V4, vrid: 0 }), 'VRID_ZERO'],
  ['v2 over IPv6', patched(v6Frame(V6), VRRP6, 0x21), 'V2_OVER_IPV6'],
  ['version 4', patched(v4Frame(V4), VRRP4, 0x41), 'UNKNOWN_VERSION'],
  ['type 2', patched(v4Frame(V4), VRRP4, 0x32), 'UNKNOWN_TYPE'],
  ['a flipped checksum bit', patched(v4Frame(V4), VRRP4 + 7, v4Frame(V4)[VRRP4 + 7] ^ 1), 'BAD_CHECKSUM'],
  ['a flipped address bit (v3/IPv6)', patched(v6Frame(V6), VRRP6 + 23, v6Frame(V6)[VRRP6 + 23] ^ 0x80), 'BAD_CHECKSUM'],
  ['Count 2 with one address present', (() => {
    const f = patched(v4Frame(V4), VRRP4 + 3, 2);
    return f;
  })(), 'TRUNCATED'],
  ['v2 auth type 2 (AH)', patched(v4Frame(V2), VRRP4 + 4, 2), 'AUTH_AH_UNSUPPORTED'],
  ['an IPv4 first fragment (MF set)', fragment4(0x2000), 'IP_FRAGMENT'],
  ['an IPv4 later fragment (Fragment Offset 1)', fragment4(0x0001), 'IP_FRAGMENT'],
  ['an IPv4 fragment with DF and MF', fragment4(0x6000), 'IP_FRAGMENT'],
  ['a wrong IPv4 header checksum', patched(v4Frame(V4), 14 + 11, v4Frame(V4)[14 + 11] ^ 1), 'BAD_IP_CHECKSUM'],
  ['a changed IPv4 source, header checksum not updated', patched(v4Frame(V4), 14 + 15, 9), 'BAD_IP_CHECKSUM'],
  ['an IPv6 first fragment (Fragment header, M set)', fragment6(0, true), 'IP_FRAGMENT'],
  ['an IPv6 atomic fragment (Fragment header, offset 0, M clear)', fragment6(0, false), 'IP_FRAGMENT'],
  ['an IPv6 later fragment', fragment6(3, false), 'IP_FRAGMENT'],
];

describe('inspect reports each receive-rule violation with its reason', () => {
  const frames = [buildGratuitousArp({ senderMac: MAC, ip: '192.0.2.100' }), ...cases.map((c) => c[1])];
  const capture = readCapture(writePcap(frames.map((data, i) => ({ data, seconds: 1_700_000_000 + i })), { linkType: LINKTYPE_ETHERNET }));
  const records = inspectFrames(capture.frames);

  test('one record per VRRP frame; frame numbers count every frame (the ARP is frame 1)', () => {
    expect(records.map((r) => r.frame)).toEqual(cases.map((_, i) => i + 2));
  });
  test.each(cases.map((c, i) => [c[0], i, c[2]] as const))('%s', (_name, i, reason) => {
    const r: InspectRecord = records[i];
    expect(r.valid).toBe(reason === null);
    expect(r.error).toBe(reason);
  });
  test('the v3/IPv4 checksum form is reported', () => {
    expect(records[0].checksum).toBe('ok-pseudo-header');
    expect(records[1].checksum).toBe('ok-message-only');
    expect(records[2].checksum).toBe('ok');
    expect(records[3].checksum).toBe('ok');
  });
  test('v2 records carry authType and authData; header fields survive an undecodable body', () => {
    expect(records[3]).toMatchObject({ version: 2, authType: 1, authData: 's3cret', intervalCs: 100, vrid: 51, priority: 150, count: 1 });
    const v4 = records[cases.findIndex((c) => c[0] === 'version 4')];
    expect(v4).toMatchObject({ version: 4, type: 1, vrid: 52, priority: 150, count: 1, addresses: null, checksum: null });
  });
  test('fragments show the VRRP header of a first fragment only; a bad header checksum keeps the raw fields', () => {
    const rec = (name: string): InspectRecord => records[cases.findIndex((c) => c[0] === name)];
    expect(rec('an IPv4 first fragment (MF set)')).toMatchObject({ vrid: 52, priority: 150, version: 3, addresses: null, checksum: null });
    expect(rec('an IPv6 first fragment (Fragment header, M set)')).toMatchObject({ vrid: 53, priority: 100, version: 3, family: 6, addresses: null });
    for (const later of ['an IPv4 later fragment (Fragment Offset 1)', 'an IPv6 later fragment']) {
      expect(rec(later)).toMatchObject({ valid: false, error: 'IP_FRAGMENT', version: null, type: null, vrid: null, priority: null, count: null });
    }
    expect(rec('a wrong IPv4 header checksum')).toMatchObject({ vrid: 52, priority: 150, src: '192.0.2.1', checksum: null });
  });
  test('fragments of other protocols are not VRRP frames', () => {
    const udp6 = fragment6(0, true);
    udp6[VRRP6] = 17;
    const udp4 = fragment4(0x2000);
    udp4[14 + 9] = 17;
    udp4.writeUInt16BE(0, 14 + 10);
    udp4.writeUInt16BE(internetChecksum(udp4, 14, 34), 14 + 10);
    const cap = readCapture(writePcap([{ data: udp6 }, { data: udp4 }], { linkType: LINKTYPE_ETHERNET }));
    expect(inspectFrames(cap.frames)).toEqual([]);
  });
  test('a frame cut short by the capture snaplen is reported TRUNCATED', () => {
    const full = v4Frame(V4);
    const cut = readCapture(writePcap([{ data: full.subarray(0, full.length - 2), originalLength: full.length }], { linkType: LINKTYPE_ETHERNET }));
    const [r] = inspectFrames(cut.frames);
    expect(r).toMatchObject({ valid: false, error: 'TRUNCATED', vrid: 52 });
  });
});

describe('the CLI', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vrrp-inspect-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const run = async (argv: string[]): Promise<{ code: number; out: string[]; err: string[] }> => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await main(argv, { out: (l) => out.push(l), err: (l) => err.push(l) });
    return { code, out, err };
  };
  const file = join(dir, 'two.pcap');
  writeFileSync(file, writePcap([{ data: v4Frame(V4) }, { data: v4Frame(V4, { ttl: 1 }) }], { linkType: LINKTYPE_ETHERNET }));

  test('--json prints one JSON object per VRRP frame', async () => {
    const { code, out } = await run(['inspect', file, '--json']);
    expect(code).toBe(0);
    expect(out.map((l) => JSON.parse(l).valid)).toEqual([true, false]);
    expect(JSON.parse(out[1]).error).toBe('TTL_NOT_255');
  });
  test('the table has a header, a line per frame and a summary', async () => {
    const { code, out } = await run(['inspect', file]);
    expect(code).toBe(0);
    expect(out[0]).toMatch(/^ *frame/);
    expect(out[2]).toMatch(/INVALID TTL_NOT_255/);
    expect(out[3]).toBe('2 VRRP frames of 2 (1 invalid)');
  });
  test.each([
    [['inspect', join(dir, 'missing.pcap')], 1, /cannot read .*missing\.pcap: no such file/],
    [['inspect', dir], 1, /is a directory/],
    [['inspect', __filename], 1, /not a readable pcap or pcapng capture/],
    [['inspect'], 2, /usage: vrrpd inspect FILE/],
    [['inspect', file, '--bogus'], 2, /Unknown option '--bogus'/],
    [['frobnicate'], 2, /unknown command "frobnicate"/],
  ])('%j exits %d with one line', async (argv, code, message) => {
    const r = await run(argv as string[]);
    expect(r.code).toBe(code);
    expect(r.err).toHaveLength(1);
    expect(r.err[0]).toMatch(message);
    expect(r.err[0]).not.toMatch(/\n\s+at /);
  });
  test('bin/vrrpd (the built binary) prints no stack trace for a missing file', () => {
    const bin = join(__dirname, '..', '..', 'bin', 'vrrpd');
    const r = spawnSync(process.execPath, [bin, 'inspect', join(dir, 'missing.pcap')], { encoding: 'utf8' });
    expect(r.stderr).not.toMatch(/not built yet/); // `npm test` builds dist/ first
    expect(r.status).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(execFileSync(process.execPath, [bin, '--version'], { encoding: 'utf8' })).toMatch(/^vrrpd \d+\.\d+\.\d+/);
  });
});
