/**
 * Fuzzing keepalived.conf (bench/fuzz/config-targets.ts): mutations of real configurations (test fixtures,
 * test/fuzz/corpus, keepalived's samples when installed), include graphs through memoryIO, rare huge and deep
 * inputs. The lexer, parser and validator throw ConfigError only (located at a line and column); what
 * checkRunnable accepts, the node core accepts.
 */
import { configCorpus, configTarget, lexerTarget } from '../../bench/fuzz/config-targets';
import { fuzz, FUZZ_RUNS } from '../helpers/fuzz';

test('the seed corpus parses: every seed is a real configuration, not noise', () => {
  const corpus = configCorpus();
  console.log(`config fuzz corpus: ${corpus.length} seeds`);
  expect(corpus.length).toBeGreaterThanOrEqual(6);
});

test(`lexer and parser: ConfigError only (${FUZZ_RUNS} inputs)`, () => {
  const outcomes = fuzz(lexerTarget);
  for (const code of ['ok', 'CONFIG']) expect(outcomes.get(code) ?? 0).toBeGreaterThan(0);
}, Math.max(60_000, FUZZ_RUNS * 3));

test(`parseConfig with includes, checkRunnable and the node core: ConfigError only, and -t OK means the node starts (${FUZZ_RUNS} inputs)`, () => {
  const outcomes = fuzz(configTarget);
  for (const code of ['ok', 'CONFIG']) expect(outcomes.get(code) ?? 0).toBeGreaterThan(0);
}, Math.max(60_000, FUZZ_RUNS * 3));
