/**
 * What a client sees: HTTP servers on h1 and h2 (node, port 8080, answering their name), a client on h3
 * fetching http://VIP:8080/ every 20 ms. h1 (MASTER) loses its link (eth0 down: the host is gone for the
 * LAN); h2 takes over. Per trial: the client's outage (its first failed try after the cut to its first
 * answer from h2) and the part of it after h2's first advert as MASTER (seen by the client host).
 * Then h1's link comes back and it preempts.
 */
import { execFileSync } from 'node:child_process';
import type { Lan } from '../../test/helpers/netns';
import { confText } from './configs';
import { Impl, sleep, startDaemon, stopDaemon } from './daemons';
import { observe } from './observe';

/** On the client's subnet (192.0.2.0/24): the namespaces have no routes beyond their own. */
const VIP = '192.0.2.80';

const SERVER = `require('http').createServer((q, s) => s.end(process.argv[1])).listen(8080, '0.0.0.0');`;
const CLIENT = `
const http = require('http');
const tick = () => {
  const t = Date.now();
  const req = http.get({ host: process.argv[1], port: 8080, path: '/', timeout: 100, agent: false }, (res) => {
    let b = ''; res.on('data', (d) => (b += d)); res.on('end', () => console.log(JSON.stringify({ t, ok: b })));
  });
  req.on('timeout', () => req.destroy(new Error('timeout')));
  req.on('error', (e) => console.log(JSON.stringify({ t, err: e.message })));
};
setInterval(tick, 20);
`;

/** Per-trial figures in ms. */
export interface HttpResult {
  impl: Impl;
  outage: number[];
  afterAdvert: number[];
}

/** `trials` link cuts of the master with a client fetching through the VIP. */
export async function httpRun(lan: Lan, dir: string, impl: Impl, trials: number): Promise<HttpResult> {
  const [h1, h2, h3] = lan.hosts;
  const conf = (p: number): string => confText([{ name: 'VI_1', vrid: 80, family: 4, ifname: 'eth0', priority: p, intervalS: 0.1, vip: `${VIP}/24` }]);
  const s1 = lan.spawn(h1.ns, process.execPath, ['-e', SERVER, 'h1']);
  const s2 = lan.spawn(h2.ns, process.execPath, ['-e', SERVER, 'h2']);
  const a = await startDaemon(lan, dir, impl, h1, `${impl}-http-a`, conf(150));
  const b = await startDaemon(lan, dir, impl, h2, `${impl}-http-b`, conf(100));
  await sleep(2000);
  const obs = await observe(lan, dir, h3, `${impl}-http`, 'ip proto 112');
  const client = lan.spawn(h3.ns, process.execPath, ['-e', CLIENT, VIP]);
  let lines = '';
  client.stdout?.on('data', (d: Buffer) => (lines += d.toString()));
  const cuts: number[] = [];
  try {
    await sleep(1500);
    for (let i = 0; i < trials; i++) {
      cuts.push(Date.now());
      execFileSync('ip', ['-n', h1.ns, 'link', 'set', 'eth0', 'down']);
      await sleep(2500);
      execFileSync('ip', ['-n', h1.ns, 'link', 'set', 'eth0', 'up']);
      await sleep(3500);
    }
  } finally {
    client.kill('SIGKILL');
    s1.kill('SIGKILL');
    s2.kill('SIGKILL');
    await stopDaemon(a);
    await stopDaemon(b);
  }
  const seen = await obs.stop();
  const tries = lines.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { t: number; ok?: string; err?: string });
  const out: HttpResult = { impl, outage: [], afterAdvert: [] };
  for (const cut of cuts) {
    const failed = tries.find((x) => x.t >= cut && !x.ok);
    const back = tries.find((x) => x.t >= cut && x.ok === 'h2');
    const advert = seen.adverts.find((x) => x.src === h2.ipv4 && x.time * 1000 >= cut);
    if (!back || !advert) continue;
    out.outage.push(failed ? back.t - failed.t : 0);
    out.afterAdvert.push(back.t - advert.time * 1000);
  }
  return out;
}
