/**
 * Fixture replay: every capture in fixtures/ decodes to its stored expected decode, and agrees field by
 * field with tshark's independent dissection of the same file (when tshark is installed; CI installs it).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InspectRecord, inspectFrames } from '../../lib/inspect/records';
import { ETHERTYPE_IPV4 } from '../../lib/packet/ethernet';
import { decodeIPv4 } from '../../lib/packet/ipv4';
import { decapsulate } from '../../lib/packet/link';
import { readCapture } from '../../lib/pcap';

const FIXTURES = join(__dirname, '..', '..', 'fixtures');
const captures = readdirSync(FIXTURES).filter((f) => /\.pcap(ng)?$/.test(f)).sort();
const expectedFile = (f: string): string => join(FIXTURES, f.replace(/\.pcap(ng)?$/, '.expected.jsonl'));
const decodeFixture = (f: string): InspectRecord[] => inspectFrames(readCapture(readFileSync(join(FIXTURES, f))).frames);

function hasTshark(): boolean {
  try {
    execFileSync('tshark', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
const TSHARK = hasTshark();
if (!TSHARK) console.warn('fixtures: tshark not installed; skipping the comparison with tshark (apt-get install tshark)');

test('fixtures/ holds captures from keepalived and FRR, each with an expected decode', () => {
  expect(captures.some((f) => f.startsWith('keepalived-'))).toBe(true);
  expect(captures.some((f) => f.startsWith('frr-'))).toBe(true);
  for (const f of captures) expect(existsSync(expectedFile(f))).toBe(true);
});

describe.each(captures)('%s', (file) => {
  const records = decodeFixture(file);

  test('decodes exactly to its expected decode', () => {
    const expected = readFileSync(expectedFile(file), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as InspectRecord);
    expect(JSON.parse(JSON.stringify(records))).toEqual(expected);
  });

  test('holds a priority-0 advert and adverts from a second router after it (shutdown and takeover)', () => {
    const zero = records.findIndex((r) => r.priority === 0);
    expect(zero).toBeGreaterThan(0);
    const after = records.slice(zero + 1).filter((r) => r.priority !== 0);
    expect(after.length).toBeGreaterThan(0);
    expect(after.every((r) => r.src !== records[zero].src)).toBe(true);
    expect(records.every((r) => r.valid)).toBe(true);
  });

  test('real peers\' IPv4 adverts carry a valid header checksum and no fragment bits (none is dropped as BAD_IP_CHECKSUM or IP_FRAGMENT)', () => {
    const frames = readCapture(readFileSync(join(FIXTURES, file))).frames;
    let v4 = 0;
    for (const f of frames) {
      const link = decapsulate(f.linkType, f.data);
      if (link.etherType !== ETHERTYPE_IPV4) continue;
      const ip = decodeIPv4(f.data, link.payloadOffset);
      if (ip.protocol !== 112) continue;
      v4++;
      expect([ip.headerChecksumOk, ip.flags & 1, ip.fragmentOffset]).toEqual([true, 0, 0]);
    }
    expect(v4 > 0).toBe(file.includes('ipv4'));
    expect(records.some((r) => r.error === 'BAD_IP_CHECKSUM' || r.error === 'IP_FRAGMENT')).toBe(false);
  });

  (TSHARK ? test : test.skip)('agrees with tshark field by field', () => {
    const fields = [
      'frame.number', 'vrrp.version', 'vrrp.type', 'vrrp.virt_rtr_id', 'vrrp.prio', 'vrrp.addr_count', 'vrrp.adver_int',
      'vrrp.short_adver_int', 'vrrp.checksum.status', 'vrrp.auth_type', 'vrrp.auth_string', 'vrrp.ip_addr', 'vrrp.ipv6_addr',
      'ip.src', 'ipv6.src', 'ip.ttl', 'ipv6.hlim',
    ];
    const run = (asInV2: boolean): string[][] =>
      execFileSync('tshark', ['-n', '-r', join(FIXTURES, file), '-Y', 'vrrp', '-o', `vrrp.v3_checksum_as_in_v2:${asInV2 ? 'TRUE' : 'FALSE'}`, '-T', 'fields', '-E', 'separator=|', '-E', 'aggregator=,', ...fields.flatMap((f) => ['-e', f])], { encoding: 'utf8' })
        .trim().split('\n').map((l) => l.split('|'));
    const pseudo = run(false);
    const msgOnly = run(true);
    expect(pseudo.map((row) => Number(row[0]))).toEqual(records.map((r) => r.frame));
    records.forEach((r, i) => {
      const [, version, type, vrid, prio, count, advInt, shortInt, , authType, authString, ip4, ip6, src4, src6, ttl4, hlim] = pseudo[i];
      expect(Number(version)).toBe(r.version);
      expect(Number(type)).toBe(r.type);
      expect(Number(vrid)).toBe(r.vrid);
      expect(Number(prio)).toBe(r.priority);
      expect(Number(count)).toBe(r.count);
      expect(r.version === 2 ? Number(advInt) * 100 : Number(shortInt)).toBe(r.intervalCs);
      expect((ip4 || ip6).split(',')).toEqual(r.addresses);
      expect(src4 || src6).toBe(r.src);
      expect(Number(ttl4 || hlim)).toBe(r.ttl);
      if (r.version === 2) {
        expect(Number(authType)).toBe(r.authType);
        expect(authString).toBe(r.authType === 1 ? r.authData : '');
      }
      // tshark's checksum status: 1 = good. It computes v3/IPv4 with the pseudo-header unless told otherwise.
      const good = (row: string[]): boolean => row[8] === '1';
      if (r.checksum === 'ok-message-only') expect([good(pseudo[i]), good(msgOnly[i])]).toEqual([false, true]);
      else if (r.checksum === 'ok-pseudo-header') expect([good(pseudo[i]), good(msgOnly[i])]).toEqual([true, false]);
      else expect(good(pseudo[i])).toBe(r.checksum !== 'bad');
    });
  });
});
