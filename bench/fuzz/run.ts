/**
 * Long-run fuzzing: every target of bench/fuzz/targets.ts (or one, with --target) for --runs inputs each
 * (default 10,000,000), in chunks of --chunk inputs, each chunk a fast-check run with its own seed derived from
 * --seed (so any chunk can be replayed alone). Records the time of every input (histogram: p50, p99, max), the
 * 10 slowest with their size and an excerpt (each run again 3 times: the fastest rerun tells a slow input from a
 * GC pause or a busy machine), every input over --slow-ms (default 100 ms), the outcome codes,
 * the process's peak RSS and heap after each chunk (and the heap growth of one input, sampled 1 in 1000), and
 * every failure (untyped exception, broken invariant) with its shrunk reproducer and the seed/path to replay it.
 *
 *   npm run build && node --expose-gc dist/bench/fuzz/run.js --runs 10000000 [--target NAME] [--seed N]
 *
 * Prints progress on stderr and the report on stdout; exits 1 when a target failed.
 */
import fc from 'fast-check';
import { parseArgs } from 'node:util';
import { DEFAULT_SEED, FuzzTarget } from './target';
import { target, TARGETS } from './targets';

interface Slow {
  ms: number;
  /** The same input run again 3 times after the target (fastest): tells a slow input from a GC pause or a busy machine. */
  rerunMs?: number;
  size: number;
  excerpt: string;
  input: unknown;
}

interface Failure {
  chunkSeed: number;
  path: string | undefined;
  error: string;
  reproducer: string;
  size: number;
}

interface TargetReport {
  name: string;
  what: string;
  runs: number;
  seconds: number;
  outcomes: Map<string, number>;
  /** Input counts per duration bucket: bucket i holds [2^(i-1), 2^i) µs. */
  histogram: number[];
  maxMs: number;
  slowest: Slow[];
  over: Slow[];
  failures: Failure[];
  peakRssMb: number;
  heapStartMb: number;
  heapEndMb: number;
  maxInputHeapMb: number;
  /** Inputs over --slow-ms that are still over it when run again (the real slow inputs). */
  overAgain: number;
}

const mb = (n: number): number => n / 1048576;

function gc(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

function quantileMs(h: number[], q: number): number {
  const total = h.reduce((a, b) => a + b, 0);
  let seen = 0;
  for (let i = 0; i < h.length; i++) {
    seen += h[i];
    if (seen >= q * total) return i === 0 ? 0.001 : 2 ** i / 1000;
  }
  return Infinity;
}

function runTarget(t: FuzzTarget, runs: number, chunk: number, seed: number, slowMs: number, maxFailures: number): TargetReport {
  gc();
  const r: TargetReport = {
    name: t.name, what: t.what, runs: 0, seconds: 0, outcomes: new Map(), histogram: new Array<number>(40).fill(0), maxMs: 0, slowest: [], over: [], failures: [],
    peakRssMb: mb(process.memoryUsage.rss()), heapStartMb: mb(process.memoryUsage().heapUsed), heapEndMb: 0, maxInputHeapMb: 0, overAgain: 0,
  };
  const started = process.hrtime.bigint();
  let minSlow = 0;
  for (let c = 0; r.runs < runs && r.failures.length < maxFailures; c++) {
    const n = Math.min(chunk, runs - r.runs);
    const chunkSeed = (seed + c * 7919) | 0;
    let count = 0;
    const property = fc.property(t.arbitrary(), (input) => {
      const sample = count++ % 1000 === 0;
      const heap0 = sample ? process.memoryUsage().heapUsed : 0;
      const t0 = process.hrtime.bigint();
      let outcome: string;
      try {
        outcome = t.run(input);
      } finally {
        const ms = Number(process.hrtime.bigint() - t0) / 1e6;
        if (sample) r.maxInputHeapMb = Math.max(r.maxInputHeapMb, mb(process.memoryUsage().heapUsed - heap0));
        const us = ms * 1000;
        r.histogram[us < 1 ? 0 : Math.min(39, Math.floor(Math.log2(us)) + 1)]++;
        if (ms > r.maxMs) r.maxMs = ms;
        if (ms > minSlow || r.slowest.length < 10) {
          r.slowest.push({ ms, size: t.size(input), excerpt: t.excerpt(input), input });
          r.slowest.sort((a, b) => b.ms - a.ms);
          r.slowest.length = Math.min(10, r.slowest.length);
          minSlow = r.slowest[r.slowest.length - 1].ms;
        }
        if (ms > slowMs && r.over.length < 50) r.over.push({ ms, size: t.size(input), excerpt: t.excerpt(input), input });
      }
      r.outcomes.set(outcome, (r.outcomes.get(outcome) ?? 0) + 1);
    });
    const details = fc.check(property, { seed: chunkSeed, numRuns: n });
    r.runs += details.numRuns;
    if (details.failed) {
      const input = details.counterexample?.[0];
      const err = details.errorInstance as Error | undefined;
      r.failures.push({
        chunkSeed, path: details.counterexamplePath ?? undefined,
        error: err ? `${err.name}: ${err.message.split('\n')[0]}${err.stack ? ` @ ${err.stack.split('\n').slice(1, 3).map((l) => l.trim()).join(' <- ')}` : ''}` : 'unknown',
        reproducer: input === undefined ? '' : t.excerpt(input as never), size: input === undefined ? 0 : t.size(input as never),
      });
    }
    r.peakRssMb = Math.max(r.peakRssMb, mb(process.memoryUsage.rss()));
    const elapsed = Number(process.hrtime.bigint() - started) / 1e9;
    process.stderr.write(`${t.name}: ${r.runs}/${runs} inputs, ${(r.runs / elapsed).toFixed(0)}/s, rss ${mb(process.memoryUsage.rss()).toFixed(0)} MB, heap ${mb(process.memoryUsage().heapUsed).toFixed(0)} MB, failures ${r.failures.length}\n`);
  }
  r.seconds = Number(process.hrtime.bigint() - started) / 1e9;
  for (const s of [...r.slowest, ...r.over]) {
    let best = Infinity;
    for (let k = 0; k < 3; k++) {
      const t0 = process.hrtime.bigint();
      try {
        t.run(s.input as never);
      } catch {
        /* reported as a failure already */
      }
      best = Math.min(best, Number(process.hrtime.bigint() - t0) / 1e6);
    }
    s.rerunMs = best;
    s.input = null;
  }
  const overAgain = r.over.filter((s) => (s.rerunMs ?? 0) > slowMs).length;
  r.overAgain = overAgain;
  gc();
  r.heapEndMb = mb(process.memoryUsage().heapUsed);
  return r;
}

function print(r: TargetReport, slowMs: number): string[] {
  const out: string[] = [];
  const outcomes = [...r.outcomes].sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${v}`).join(', ');
  out.push(`## ${r.name}: ${r.runs.toLocaleString('en')} inputs in ${r.seconds.toFixed(1)} s (${(r.runs / r.seconds).toFixed(0)}/s) — ${r.failures.length === 0 ? 'no failure' : `${r.failures.length} FAILURE(S)`}`);
  out.push(`   ${r.what}`);
  out.push(`   time per input: mean ${((r.seconds * 1000) / r.runs).toFixed(3)} ms, p50 ≤ ${quantileMs(r.histogram, 0.5)} ms, p99 ≤ ${quantileMs(r.histogram, 0.99)} ms, p99.99 ≤ ${quantileMs(r.histogram, 0.9999)} ms, max ${r.maxMs.toFixed(1)} ms; over ${slowMs} ms: ${r.over.length} (still over when run again: ${r.overAgain})`);
  out.push(`   memory: peak RSS ${r.peakRssMb.toFixed(0)} MB; heap ${r.heapStartMb.toFixed(1)} MB before, ${r.heapEndMb.toFixed(1)} MB after (GC); largest heap growth in one input (1 in 1000 sampled) ${r.maxInputHeapMb.toFixed(1)} MB`);
  out.push(`   outcomes: ${outcomes}`);
  out.push('   slowest (first run; fastest of 3 reruns):');
  for (const s of r.slowest) out.push(`     ${s.ms.toFixed(1).padStart(8)} ms; ${(s.rerunMs ?? NaN).toFixed(1).padStart(6)} ms  ${String(s.size).padStart(7)} B  ${s.excerpt.slice(0, 150)}`);
  for (const s of r.over.filter((x) => (x.rerunMs ?? 0) > slowMs).slice(0, 5)) out.push(`   still over ${slowMs} ms when run again: ${s.ms.toFixed(1)} ms / ${(s.rerunMs ?? NaN).toFixed(1)} ms, ${s.size} B: ${s.excerpt.slice(0, 200)}`);
  for (const f of r.failures) out.push(`   FAILURE (replay: seed ${f.chunkSeed}, path ${f.path}): ${f.error}\n     reproducer (${f.size} B): ${f.reproducer.slice(0, 400)}`);
  return out;
}

function main(): number {
  const { values } = parseArgs({
    options: {
      runs: { type: 'string', default: '10000000' },
      target: { type: 'string', multiple: true },
      seed: { type: 'string', default: String(process.env.VRRP_FUZZ_SEED ?? DEFAULT_SEED) },
      chunk: { type: 'string', default: '100000' },
      'slow-ms': { type: 'string', default: '100' },
      'max-failures': { type: 'string', default: '5' },
    },
  });
  const runs = Number(values.runs);
  const seed = Number(values.seed);
  const chunk = Number(values.chunk);
  const slowMs = Number(values['slow-ms']);
  const targets = values.target ? values.target.map(target) : TARGETS;
  const started = new Date();
  const reports = targets.map((t) => runTarget(t, runs, chunk, seed, slowMs, Number(values['max-failures'])));
  const lines = [
    `# vrrp fuzz: ${runs.toLocaleString('en')} inputs per target, seed ${seed}, chunks of ${chunk}, node ${process.version}, started ${started.toISOString()}`,
    ...reports.flatMap((r) => print(r, slowMs)),
  ];
  process.stdout.write(lines.join('\n') + '\n');
  return reports.some((r) => r.failures.length > 0) ? 1 : 0;
}

process.exitCode = main();
