/**
 * Fuzzing captures (bench/fuzz/capture-target.ts): pcap/pcapng files written by lib/pcap's writers, holding
 * valid and mutated VRRP frames, mutated; read in memory and (1 in 16) streamed through `vrrpd inspect`.
 * readCapture throws DecodeError only; inspect's records, timeline and table never throw.
 */
import { captureTarget } from '../../bench/fuzz/capture-target';
import { fuzz, FUZZ_RUNS } from '../helpers/fuzz';

test(`capture reader and inspect: DecodeError only, streamed reads agree with in-memory ones (${FUZZ_RUNS} inputs)`, () => {
  const outcomes = fuzz(captureTarget);
  for (const code of ['ok', 'BAD_CAPTURE', 'TRUNCATED']) expect(outcomes.get(code) ?? 0).toBeGreaterThan(0);
}, Math.max(60_000, FUZZ_RUNS * 5));
