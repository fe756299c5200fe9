/**
 * Cross-checks against Wireshark's tools, on files made by our writers (no capture, no network):
 * tshark must read what we write, and we must read what editcap writes.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FrameToWrite, readCapture, writePcap, writePcapng } from '../../lib/pcap';

function have(tool: string): boolean {
  try {
    execFileSync(tool, ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const frames: FrameToWrite[] = [
  { data: Buffer.alloc(60, 1), seconds: 1700000000, nanos: 123456789, originalLength: 100 },
  { data: Buffer.alloc(3, 2), seconds: 1700000001, nanos: 5 },
  { data: Buffer.alloc(42, 3), seconds: 4000000000, nanos: 999999999 },
];
const usNanos = (n: number | undefined): number => Math.floor((n ?? 0) / 1000) * 1000;

let dir = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'vrrp-pcap-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const run = (tool: string, args: string[]): string => execFileSync(tool, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });

const tshark = have('tshark');
(tshark ? describe : describe.skip)(tshark ? 'tshark reads our files' : 'tshark cross-check skipped: tshark is not installed', () => {
  for (const format of ['pcap', 'pcapng'] as const) {
    for (const byteOrder of ['LE', 'BE'] as const) {
      for (const nanosecond of [false, true]) {
        it(`${format} ${byteOrder} ${nanosecond ? 'ns' : 'µs'}`, () => {
          const file = join(dir, `w-${byteOrder}-${nanosecond}.${format}`);
          const write = format === 'pcap' ? writePcap : writePcapng;
          writeFileSync(file, write(frames, { linkType: 1, nanosecond, byteOrder }));
          const out = run('tshark', ['-r', file, '-T', 'fields', '-e', 'frame.number', '-e', 'frame.len', '-e', 'frame.cap_len', '-e', 'frame.time_epoch']);
          const rows = out.trim().split('\n').map((line) => {
            const [n, len, capLen, epoch] = line.split('\t');
            const [s, frac = ''] = epoch.split('.');
            return [Number(n), Number(len), Number(capLen), Number(s), Number(frac.padEnd(9, '0'))];
          });
          expect(rows).toEqual(
            frames.map((f, i) => [i + 1, f.originalLength ?? f.data.length, f.data.length, f.seconds, nanosecond ? f.nanos : usNanos(f.nanos)]),
          );
        });
      }
    }
  }
});

const editcap = have('editcap');
(editcap ? describe : describe.skip)(editcap ? 'we read what editcap writes' : 'editcap cross-check skipped: editcap is not installed', () => {
  const convert = (input: Buffer, args: string[]): Buffer => {
    const src = join(dir, 'in');
    const dst = join(dir, 'out');
    writeFileSync(src, input);
    run('editcap', [...args, src, dst]);
    return readFileSync(dst);
  };
  const summary = (buf: Buffer): Array<[number, number, number, number, number, number, string]> =>
    readCapture(buf).frames.map((f) => [f.index, f.linkType, f.seconds, f.nanos, f.originalLength, f.interfaceId, f.data.toString('hex')]);
  const expected = (nanosecond: boolean, linkType: number): Array<[number, number, number, number, number, number, string]> =>
    frames.map((f, i) => [i + 1, linkType, f.seconds ?? 0, nanosecond ? (f.nanos ?? 0) : usNanos(f.nanos), f.originalLength ?? f.data.length, 0, f.data.toString('hex')]);

  it('pcapng (BE, ns) -> pcap (µs)', () => {
    const out = convert(writePcapng(frames, { linkType: 1, nanosecond: true, byteOrder: 'BE' }), ['-F', 'pcap']);
    expect(readCapture(out).format).toBe('pcap');
    expect(summary(out)).toEqual(expected(false, 1));
  });
  it('pcapng (LE, ns) -> nanosecond pcap', () => {
    const out = convert(writePcapng(frames, { linkType: 1, nanosecond: true }), ['-F', 'nsecpcap']);
    expect(out.readUInt32LE(0)).toBe(0xa1b23c4d);
    expect(summary(out)).toEqual(expected(true, 1));
  });
  it('pcap (BE, µs) -> pcapng with SHB and IDB options, relabelled Linux SLL', () => {
    const out = convert(writePcap(frames, { linkType: 1, byteOrder: 'BE' }), ['-F', 'pcapng', '-T', 'linux-sll']);
    expect(readCapture(out).format).toBe('pcapng');
    expect(summary(out)).toEqual(expected(false, 113));
  });
  it('pcap (ns) -> pcapng keeps nanoseconds', () => {
    const out = convert(writePcap(frames, { linkType: 1, nanosecond: true }), ['-F', 'pcapng']);
    expect(summary(out)).toEqual(expected(true, 1));
  });
  it('a cut-short editcap file reads with allowTruncatedTail', () => {
    const out = convert(writePcap(frames, { linkType: 1 }), ['-F', 'pcapng']);
    const cap = readCapture(out.subarray(0, out.length - 10), { allowTruncatedTail: true });
    expect([cap.truncated, cap.frames.length]).toEqual([true, 2]);
  });
});
