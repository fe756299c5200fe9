/**
 * Runs a bench/fuzz target under jest: fc.assert with a fixed seed (VRRP_FUZZ_SEED) and VRRP_FUZZ_RUNS inputs
 * (default 10,000, the CI size), so a failure is reproducible and shrunk. Inputs slower than 100 ms are printed
 * (timing is reported, not asserted: the machines are shared).
 */
import fc from 'fast-check';
import { DEFAULT_SEED, FuzzTarget } from '../../bench/fuzz/target';

export const FUZZ_RUNS = Number(process.env.VRRP_FUZZ_RUNS ?? 10_000);
export const FUZZ_SEED = Number(process.env.VRRP_FUZZ_SEED ?? DEFAULT_SEED);

/** fc.assert over `t` with FUZZ_RUNS inputs; returns the outcome counts and prints the slow inputs. */
export function fuzz<T>(t: FuzzTarget<T>): Map<string, number> {
  const outcomes = new Map<string, number>();
  const slow: string[] = [];
  let maxMs = 0;
  const started = Date.now();
  fc.assert(
    fc.property(t.arbitrary(), (input) => {
      const t0 = performance.now();
      const outcome = t.run(input);
      const ms = performance.now() - t0;
      maxMs = Math.max(maxMs, ms);
      if (ms > 100 && slow.length < 10) slow.push(`${ms.toFixed(0)} ms, ${t.size(input)} B: ${t.excerpt(input).slice(0, 160)}`);
      outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
    }),
    { seed: FUZZ_SEED, numRuns: FUZZ_RUNS },
  );
  const top = [...outcomes].sort((a, b) => b[1] - a[1]).slice(0, 8).map(([k, v]) => `${k} ${v}`).join(', ');
  console.log(`fuzz ${t.name}: ${FUZZ_RUNS} inputs (seed ${FUZZ_SEED}) in ${((Date.now() - started) / 1000).toFixed(1)} s, slowest ${maxMs.toFixed(1)} ms; ${top}${slow.length ? `\n  over 100 ms:\n  ${slow.join('\n  ')}` : ''}`);
  return outcomes;
}
