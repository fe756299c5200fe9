/**
 * Receive-path benchmark: `receiveIp` on valid adverts and on junk (what a flood of malformed packets costs
 * the daemon's loop). Prints operations per second on one core for each shape and its cost relative to a
 * valid advert (valid ops/s ÷ junk ops/s: above 1 means a junk packet costs more than a valid one).
 * Figures only; nothing here asserts a time. Run: `npm run build && taskset -c 0 node dist/bench/receive.js`.
 */
import { Advertisement, encode, encodingLength } from '../lib/packet/advertisement';
import { encodeIPv4 } from '../lib/packet/ipv4';
import { encodeIPv6 } from '../lib/packet/ipv6';
import { receiveIp } from '../lib/packet/receive';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 1);
let sink = 0;

/** Runs `fn(i)` in batches until SECONDS have passed; returns operations per second. */
function rate(fn: (i: number) => unknown): number {
  for (let i = 0; i < 20_000; i++) fn(i);
  const batch = 10_000;
  let ops = 0;
  const start = process.hrtime.bigint();
  const limit = BigInt(Math.round(SECONDS * 1e9));
  let elapsed = 0n;
  while (elapsed < limit) {
    for (let i = 0; i < batch; i++) fn(ops + i);
    ops += batch;
    elapsed = process.hrtime.bigint() - start;
  }
  return ops / (Number(elapsed) / 1e9);
}

function ipPacket(ad: Advertisement, src: string, dst: string, ttl = 255): Buffer {
  const len = encodingLength(ad);
  const hdr = ad.family === 4 ? 20 : 40;
  const buf = Buffer.alloc(hdr + len);
  if (ad.family === 4) encodeIPv4({ src, dst, ttl, protocol: 112, tos: 0xc0 }, len, buf, 0);
  else encodeIPv6({ src, dst, hopLimit: ttl, nextHeader: 112 }, len, buf, 0);
  encode(ad, buf, hdr, { src, dst });
  return buf;
}

/** A deterministic PRNG (xorshift32) so runs are comparable. */
function prng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 0x100000000;
  };
}

const V3: Advertisement = { version: 3, family: 4, vrid: 52, priority: 150, intervalCs: 100, addresses: ['192.0.2.101'] };
const V6: Advertisement = { version: 3, family: 6, vrid: 53, priority: 100, intervalCs: 100, addresses: ['2001:db8::100'] };
const valid4 = ipPacket(V3, '192.0.2.1', '224.0.0.18');
const valid6 = ipPacket(V6, 'fe80::a', 'ff02::12');

const random = prng(0x5eed);
const POOL = 1024;
const randomPool = Array.from({ length: POOL }, () => Buffer.from(Array.from({ length: 20 + Math.floor(random() * 60) }, () => Math.floor(random() * 256))));
/** Random bytes behind a valid IPv4 header carrying protocol 112: junk that reaches the VRRP decoder. */
const randomVrrpPool = randomPool.map((junk) => {
  const b = Buffer.alloc(20 + junk.length);
  encodeIPv4({ src: '192.0.2.9', dst: '224.0.0.18', ttl: 255, protocol: 112 }, junk.length, b, 0);
  junk.copy(b, 20);
  return b;
});
const patched = (b: Buffer, at: number, v: number): Buffer => {
  const c = Buffer.from(b);
  c[at] = v;
  return c;
};
const truncated4 = valid4.subarray(0, 24); // IPv4 header whole, VRRP header cut
const truncatedIp = valid4.subarray(0, 12); // IPv4 header itself cut
const badVersion = patched(valid4, 20, 0x41);
const badChecksum = patched(valid4, 27, valid4[27] ^ 1);
const ttl254 = ipPacket(V3, '192.0.2.1', '224.0.0.18', 254);
const badIpVersion = patched(valid4, 0, 0x75);

const shapes: Array<[string, (i: number) => Buffer]> = [
  ['valid v3 IPv4', () => valid4],
  ['valid v3 IPv6', () => valid6],
  ['junk: random bytes', (i) => randomPool[i & (POOL - 1)]],
  ['junk: random VRRP in good IPv4', (i) => randomVrrpPool[i & (POOL - 1)]],
  ['junk: truncated VRRP', () => truncated4],
  ['junk: truncated IP header', () => truncatedIp],
  ['junk: IP version 7', () => badIpVersion],
  ['junk: VRRP version 4', () => badVersion],
  ['junk: bad VRRP checksum', () => badChecksum],
  ['junk: TTL 254', () => ttl254],
];

function fmt(n: number, w = 12): string {
  return Math.round(n).toLocaleString('en-US').padStart(w);
}

console.log(`vrrp receive-path benchmark: node ${process.version}, ${SECONDS} s per figure, one core (receiveIp calls per second)`);
console.log(`${'shape'.padEnd(34)} ${'ops/s'.padStart(12)} ${'cost vs valid'.padStart(14)}`);
let validRate = 0;
for (const [name, pick] of shapes) {
  const r = rate((i) => {
    const rx = receiveIp(pick(i));
    sink += rx.valid ? 1 : (rx.reason?.length ?? 0);
  });
  if (name === 'valid v3 IPv4') validRate = r;
  console.log(`${name.padEnd(34)} ${fmt(r)} ${(validRate / r).toFixed(2).padStart(13)}x`);
}
console.log(`(fold of all results, kept so the JIT cannot drop the work: ${sink})`);
