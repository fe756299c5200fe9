/**
 * A protocol-112 flood from inside a test namespace (a node child using raw-socket with IP_HDRINCL, so TTL and
 * source are ours): random bytes, bad checksums, TTL 254, VRRPv2 with a wrong password, truncations, unknown
 * versions, Count 0, adverts for other VRIDs ('junk' mix, to 224.0.0.18), or valid VRRPv3 adverts with priority
 * 254 from an address no unicast_peer lists ('unlisted', unicast to the routers). Documentation addresses only:
 * sources 192.0.2.100-249. Stops on its own after `seconds`; prints one JSON line {sent, errors, kinds, pps, seconds}: `sent` counts
 * the packets the kernel took (raw-socket's send callbacks), at most 2000 queued at a time.
 */
import { Host, Lan, RunResult } from './netns';

export interface FloodOptions {
  mix: 'junk' | 'unlisted';
  /** The VRID under attack. */
  vrid: number;
  pps: number;
  seconds: number;
  /** Unicast destinations ('unlisted'); 'junk' goes to 224.0.0.18. */
  targets?: string[];
}

export interface FloodResult {
  sent: number;
  errors: number;
  kinds: Record<string, number>;
  /** Packets handed to the kernel per second, over `seconds` (first to last send). */
  pps: number;
  seconds: number;
  firstError?: string;
}

const SCRIPT = String.raw`
const raw = require('raw-socket');
const fs = require('fs');
const { encode } = require('./dist/lib/packet/advertisement');
const { encodeIPv4 } = require('./dist/lib/packet/ipv4');
const o = JSON.parse(process.argv[1]);
const sock = raw.createSocket({ addressFamily: raw.AddressFamily.IPv4, protocol: 112, bufferSize: 65535 });
sock.setOption(0, 3, 1); // IP_HDRINCL
const dev = Buffer.from('eth0\0');
sock.setOption(1, 25, dev, dev.length); // SO_BINDTODEVICE
const ifindex = Number(fs.readFileSync('/sys/class/net/eth0/ifindex', 'utf8'));
const mreqn = Buffer.alloc(12);
Buffer.from([224, 0, 0, 18]).copy(mreqn, 0);
mreqn.writeInt32LE(ifindex, 8);
sock.setOption(0, 32, mreqn, mreqn.length); // IP_MULTICAST_IF
sock.on('error', () => undefined);
let seed = 0x112;
const rnd = (n) => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed % n; };
const GROUP = '224.0.0.18';
const v3 = (vrid, priority, src, dst, addresses) => encode({ version: 3, family: 4, vrid, priority, intervalCs: 10, addresses }, undefined, 0, { src, dst });
const v2 = (vrid, priority, pass) => { const auth = Buffer.alloc(8); auth.write(pass); return encode({ version: 2, family: 4, vrid, priority, intervalS: 1, authType: 1, authData: auth, addresses: ['192.0.2.151'] }); };
const JUNK = ['random', 'bad-checksum', 'ttl-254', 'v2-wrong-password', 'truncated', 'other-vrid', 'unknown-version', 'count-zero'];
function packet(i) {
  const src = '192.0.2.' + (100 + rnd(150));
  let kind, msg, ttl = 255, dst = GROUP;
  if (o.mix === 'unlisted') {
    kind = 'unlisted-priority-254';
    dst = o.targets[i % o.targets.length];
    msg = v3(o.vrid, 254, '192.0.2.200', dst, ['192.0.2.151']);
    return { kind, bytes: wrap(msg, '192.0.2.200', dst, ttl), dst };
  }
  kind = JUNK[i % JUNK.length];
  switch (kind) {
    case 'random': msg = Buffer.alloc(rnd(60)); for (let j = 0; j < msg.length; j++) msg[j] = rnd(256); break;
    case 'bad-checksum': msg = v3(o.vrid, 254, src, dst, ['192.0.2.151']); msg[6] ^= 0x5a; break;
    case 'ttl-254': msg = v3(o.vrid, 254, src, dst, ['192.0.2.151']); ttl = 254; break;
    case 'v2-wrong-password': msg = v2(o.vrid, 254, 'wrongpw'); break;
    case 'truncated': msg = v3(o.vrid, 254, src, dst, ['192.0.2.151']).subarray(0, 4 + rnd(4)); break;
    case 'other-vrid': { let v = 1 + rnd(255); if (v === o.vrid) v = (v % 255) + 1; msg = v3(v, 254, src, dst, ['192.0.2.' + v]); break; }
    case 'unknown-version': msg = v3(o.vrid, 254, src, dst, ['192.0.2.151']); msg[0] = 0x41; break;
    case 'count-zero': msg = v3(o.vrid, 254, src, dst, []); break;
  }
  return { kind, bytes: wrap(msg, src, dst, ttl), dst };
}
function wrap(msg, src, dst, ttl) {
  const p = Buffer.alloc(20 + msg.length);
  encodeIPv4({ src, dst, ttl, protocol: 112, tos: 0xc0 }, msg.length, p, 0);
  msg.copy(p, 20);
  return p;
}
const res = { sent: 0, errors: 0, kinds: {}, pps: 0, seconds: 0 };
const start = Date.now();
let last = start;
let i = 0;
let inFlight = 0;
const tickMs = 5;
const MAX_IN_FLIGHT = 2000; // what raw-socket has queued and not yet handed to the kernel: the rate is real
const finish = () => { res.seconds = (last - start) / 1000; res.pps = Math.round(res.sent / res.seconds); console.log(JSON.stringify(res)); sock.close(); process.exit(0); };
const timer = setInterval(() => {
  const elapsed = Date.now() - start;
  if (elapsed >= o.seconds * 1000) {
    clearInterval(timer);
    const wait = setInterval(() => { if (inFlight === 0 || Date.now() - start > o.seconds * 1000 + 3000) { clearInterval(wait); finish(); } }, 20);
    return;
  }
  // Catch up to the schedule (timers on a busy machine fire late), within the in-flight bound.
  const due = Math.floor((elapsed + tickMs) * o.pps / 1000);
  for (; i < due && inFlight < MAX_IN_FLIGHT; i++) {
    const p = packet(i);
    res.kinds[p.kind] = (res.kinds[p.kind] || 0) + 1;
    inFlight++;
    sock.send(p.bytes, 0, p.bytes.length, p.dst, null, (err) => { inFlight--; last = Date.now(); if (err) { res.errors++; res.firstError = res.firstError || String(err.message); } else res.sent++; });
  }
}, tickMs);
`;

/** Runs the flood from `host`; resolves when it stopped (by itself, after `seconds`). */
export async function flood(lan: Lan, host: Host, o: FloodOptions): Promise<FloodResult> {
  const r: RunResult = await lan.runNode(host.ns, SCRIPT, [JSON.stringify(o)], (o.seconds + 20) * 1000);
  const line = r.stdout.trim().split('\n').pop() ?? '';
  try {
    return JSON.parse(line) as FloodResult;
  } catch {
    throw new Error(`the flood printed no result (code ${r.code}, signal ${r.signal}): ${r.stdout.slice(-300)} ${r.stderr.slice(-500)}`);
  }
}
