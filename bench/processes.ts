/**
 * /proc scan benchmark (vrrp_track_process): the cost of one `scanProcesses` with and without cmdline, with
 * `EXTRA` (default 400) idle `sleep` children started so the table holds about 500 processes. Figures only.
 * Run: `npm run build && node dist/bench/processes.js`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { scanProcesses } from '../lib/platform/processes';

const EXTRA = Number(process.env.EXTRA ?? 400);
const ROUNDS = Number(process.env.ROUNDS ?? 50);

async function main(): Promise<void> {
  const kids: ChildProcess[] = [];
  for (let i = 0; i < EXTRA; i++) kids.push(spawn('sleep', ['60'], { stdio: 'ignore' }));
  await new Promise((res) => setTimeout(res, 500));
  try {
    for (const cmdline of [false, true]) {
      await scanProcesses({ cmdline });
      let n = 0;
      const t0 = performance.now();
      const c0 = process.cpuUsage();
      for (let i = 0; i < ROUNDS; i++) n = (await scanProcesses({ cmdline })).length;
      const c = process.cpuUsage(c0);
      const ms = (performance.now() - t0) / ROUNDS;
      const cpu = (c.user + c.system) / 1000 / ROUNDS;
      console.log(`scanProcesses cmdline=${cmdline}: ${n} processes, ${ms.toFixed(2)} ms wall and ${cpu.toFixed(2)} ms CPU per scan (${((cpu * 1000) / n).toFixed(1)} us CPU per process)`);
    }
  } finally {
    for (const k of kids) k.kill();
  }
}

void main();
