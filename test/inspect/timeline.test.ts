/**
 * `inspect --timeline`: on the real captures (a master shutting down, a backup taking over) and on
 * synthetic record streams for each anomaly the observer must report.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '../../lib/cli/main';
import { InspectRecord, inspectFrames } from '../../lib/inspect/records';
import { buildTimelines, RouterTimeline } from '../../lib/inspect/timeline';
import { readCapture } from '../../lib/pcap';

const FIXTURES = join(__dirname, '..', '..', 'fixtures');
const captures = readdirSync(FIXTURES).filter((f) => /\.pcap(ng)?$/.test(f)).sort();

describe.each(captures)('timeline of %s', (file) => {
  const records = inspectFrames(readCapture(readFileSync(join(FIXTURES, file))).frames);
  const [tl, ...others] = buildTimelines(records);

  test('one virtual router, two masters in turn, one takeover after priority 0, no anomalies', () => {
    expect(others).toHaveLength(0);
    expect(tl.routers).toHaveLength(2);
    expect(tl.masters.map((m) => m.ended)).toEqual(['priority-0', 'capture-end']);
    expect(tl.masters[0].priority).toBeGreaterThan(tl.masters[1].priority);
    expect(tl.takeovers).toHaveLength(1);
    expect(tl.takeovers[0]).toMatchObject({ from: tl.masters[0].src, to: tl.masters[1].src, cause: 'priority-0' });
    expect(tl.anomalies).toEqual([]);
  });
  test('the takeover came after the priority-0 advert and within Master_Down_Interval', () => {
    const k = tl.takeovers[0];
    expect(k.takeoverMs).toBeGreaterThan(0);
    // Master_Down_Interval for priority 100, interval 1 s: 3 s + 0.609 s.
    expect(k.takeoverMs).toBeLessThan(3609.4);
    if (file.startsWith('keepalived-')) expect(k.withinBound).toBe(true);
  });
});

// Synthetic record streams.
let frame = 0;
function rec(time: number, src: string, priority: number, over: Partial<InspectRecord> = {}): InspectRecord {
  frame++;
  return {
    frame, time, valid: true, error: null, version: 3, type: 1, vrid: 7, priority, count: 1, intervalCs: 100,
    checksum: 'ok-pseudo-header', addresses: ['192.0.2.50'], src, dst: '224.0.0.18', ttl: 255, family: 4,
    srcMac: null, dstMac: null, warnings: [], ...over,
  };
}
const A = '192.0.2.1';
const B = '192.0.2.2';
const one = (rs: InspectRecord[]): RouterTimeline => {
  const t = buildTimelines(rs);
  expect(t).toHaveLength(1);
  return t[0];
};
const kinds = (t: RouterTimeline): string[] => t.anomalies.map((a) => a.kind);

test('a master that falls silent is replaced after Master_Down_Interval: cause silence, within the bound', () => {
  const t = one([rec(0, A, 150), rec(1, A, 150), rec(2, A, 150), rec(5.6, B, 100), rec(6.6, B, 100)]);
  expect(t.takeovers).toEqual([expect.objectContaining({ from: A, to: B, cause: 'silence', lastAdvertOfOld: 2, firstAdvertOfNew: 5.6, withinBound: true })]);
  expect(t.takeovers[0].takeoverMs).toBeCloseTo(3600, 6);
  expect(t.takeovers[0].boundMs).toBeCloseTo(3609.375, 6);
  expect(t.masters.map((m) => m.ended)).toEqual(['silence', 'capture-end']);
});
test('a slow takeover after priority 0 is flagged as exceeding Skew_Time', () => {
  const t = one([rec(0, A, 150), rec(1, A, 0), rec(3, B, 100)]);
  expect(t.takeovers[0]).toMatchObject({ cause: 'priority-0', withinBound: false });
  expect(t.takeovers[0].takeoverMs).toBeCloseTo(2000, 6);
});
test('a higher-priority router that starts advertising preempts the master', () => {
  const t = one([rec(0, B, 100), rec(1, B, 100), rec(1.5, A, 200), rec(2.5, A, 200)]);
  expect(t.takeovers).toEqual([expect.objectContaining({ from: B, to: A, cause: 'preempted' })]);
  expect(t.anomalies).toEqual([]);
});
test('two routers advertising as master at once are reported once as TWO_MASTERS', () => {
  const rs: InspectRecord[] = [];
  for (let i = 0; i < 5; i++) rs.push(rec(i, A, 100), rec(i + 0.5, B, 100));
  const t = one(rs);
  expect(kinds(t)).toEqual(['TWO_MASTERS']);
  expect(t.anomalies[0].detail).toBe(`${A} and ${B} both advertising`);
});
test.each([
  ['INTERVAL_MISMATCH', { intervalCs: 200 }],
  ['ADDRESS_LIST_MISMATCH', { addresses: ['192.0.2.51'] }],
  ['CHECKSUM_FORM_MISMATCH', { checksum: 'ok-message-only' as const }],
])('peers that differ are reported: %s', (kind, over) => {
  const t = one([rec(0, A, 150), rec(0.5, B, 100, over), rec(1, A, 150)]);
  expect(kinds(t)).toEqual([kind]);
});
test('v2 peers with different passwords are reported: AUTH_MISMATCH', () => {
  const v2 = { version: 2, checksum: 'ok' as const, authType: 1, authData: 'one' };
  const t = one([rec(0, A, 150, v2), rec(0.5, B, 100, { ...v2, authData: 'two' })]);
  expect(kinds(t)).toEqual(['AUTH_MISMATCH']);
});
test('TTL not 255 and other invalid adverts are anomalies and do not make a master', () => {
  const t = one([rec(0, A, 150, { valid: false, error: 'TTL_NOT_255', ttl: 64 }), rec(1, B, 100, { valid: false, error: 'BAD_CHECKSUM' })]);
  expect(kinds(t)).toEqual(['TTL_NOT_255', 'INVALID_ADVERT']);
  expect(t.masters).toEqual([]);
});
test('routers are grouped by VRID and family', () => {
  const t = buildTimelines([rec(0, A, 150), rec(0, 'fe80::a', 150, { family: 6, addresses: ['2001:db8::1'] }), rec(0, A, 150, { vrid: 3 })]);
  expect(t.map((x) => [x.vrid, x.family])).toEqual([[3, 4], [7, 4], [7, 6]]);
});

test('the CLI prints the timeline as text and as JSON', async () => {
  const file = join(FIXTURES, 'keepalived-v2-ipv4-auth.pcap');
  const out: string[] = [];
  const io = { out: (l: string) => out.push(l), err: (l: string) => out.push(`ERR ${l}`) };
  expect(await main(['inspect', file, '--timeline'], io)).toBe(0);
  expect(out[0]).toBe('VRID 51 IPv4 (v2), routers: 192.0.2.1, 192.0.2.2');
  expect(out.some((l) => /takeover 192\.0\.2\.1 -> 192\.0\.2\.2 after priority-0: \d+\.\d ms/.test(l))).toBe(true);
  out.length = 0;
  expect(await main(['inspect', file, '--timeline', '--json'], io)).toBe(0);
  expect(JSON.parse(out[0])).toMatchObject({ vrid: 51, family: 4, takeovers: [{ cause: 'priority-0' }] });
});
