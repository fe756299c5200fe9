/**
 * Codec benchmark: prints encode and decode rates (operations per second on one core) for the
 * advertisement shapes seen in practice, and for the whole receive step on an IPv4/IPv6 packet.
 * Figures only; nothing here asserts a time. Run: `npm run bench` (or `node dist/bench/codec.js`).
 */
import { Advertisement, decode, encode, encodingLength } from '../lib/packet/advertisement';
import { encodeIPv4 } from '../lib/packet/ipv4';
import { encodeIPv6 } from '../lib/packet/ipv6';
import { receiveIp } from '../lib/packet/receive';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 1);
/** Results are folded into this sink so the JIT cannot drop the work as dead code. */
let sink = 0;

/** Runs `fn` in batches until SECONDS have passed; returns operations per second. */
function rate(fn: () => unknown): number {
  for (let i = 0; i < 20_000; i++) fn(); // warm-up for the JIT
  const batch = 10_000;
  let ops = 0;
  const start = process.hrtime.bigint();
  const limit = BigInt(Math.round(SECONDS * 1e9));
  let elapsed = 0n;
  while (elapsed < limit) {
    for (let i = 0; i < batch; i++) fn();
    ops += batch;
    elapsed = process.hrtime.bigint() - start;
  }
  return ops / (Number(elapsed) / 1e9);
}

function ipPacket(ad: Advertisement, ctx: { src: string; dst: string }): Buffer {
  const len = encodingLength(ad);
  const hdr = ad.family === 4 ? 20 : 40;
  const buf = Buffer.alloc(hdr + len);
  if (ad.family === 4) encodeIPv4({ src: ctx.src, dst: ctx.dst, ttl: 255, protocol: 112, tos: 0xc0 }, len, buf, 0);
  else encodeIPv6({ src: ctx.src, dst: ctx.dst, hopLimit: 255, nextHeader: 112 }, len, buf, 0);
  encode(ad, buf, hdr, ctx);
  return buf;
}

const v4 = { src: '192.0.2.1', dst: '224.0.0.18' };
const v6 = { src: 'fe80::a', dst: 'ff02::12' };
const cases: Array<{ name: string; ad: Advertisement; ctx: { src: string; dst: string } }> = [
  { name: 'v2 IPv4, 1 address, PASS auth', ctx: v4, ad: { version: 2, family: 4, vrid: 51, priority: 150, intervalS: 1, authType: 1, authData: Buffer.from('s3cret\0\0'), addresses: ['192.0.2.100'] } },
  { name: 'v3 IPv4, 1 address', ctx: v4, ad: { version: 3, family: 4, vrid: 52, priority: 150, intervalCs: 100, addresses: ['192.0.2.101'] } },
  { name: 'v3 IPv4, 8 addresses', ctx: v4, ad: { version: 3, family: 4, vrid: 52, priority: 150, intervalCs: 100, addresses: Array.from({ length: 8 }, (_, i) => `192.0.2.${100 + i}`) } },
  { name: 'v3 IPv6, 1 address', ctx: v6, ad: { version: 3, family: 6, vrid: 53, priority: 100, intervalCs: 100, addresses: ['2001:db8::100'] } },
];

function fmt(n: number): string {
  return Math.round(n).toLocaleString('en-US').padStart(12);
}

console.log(`vrrp codec benchmark: node ${process.version}, ${SECONDS} s per figure, one core (operations per second)`);
console.log(`${'case'.padEnd(32)} ${'decode'.padStart(12)} ${'encode'.padStart(12)} ${'receive(IP)'.padStart(12)}`);
for (const c of cases) {
  const bytes = encode(c.ad, undefined, 0, c.ctx);
  const out = Buffer.alloc(bytes.length);
  const pkt = ipPacket(c.ad, c.ctx);
  const opts = { family: c.ad.family };
  const dec = rate(() => {
    const ad = decode(bytes, 0, opts);
    sink += ad.priority + ad.addresses[ad.addresses.length - 1].length;
  });
  const enc = rate(() => {
    sink += encode(c.ad, out, 0, c.ctx)[7];
  });
  const rx = rate(() => {
    const r = receiveIp(pkt);
    if (!r.valid || !r.advert) throw new Error(`bench packet invalid: ${r.reason}`);
    sink += r.advert.addresses[0].length;
  });
  console.log(`${c.name.padEnd(32)} ${fmt(dec)} ${fmt(enc)} ${fmt(rx)}`);
}
console.log(`(fold of all results, kept so the JIT cannot drop the work: ${sink})`);
