/**
 * Fuzzing the wire side (bench/fuzz/packet-targets.ts): the advertisement decoder and the receive step, each on
 * VRRP_FUZZ_RUNS inputs (default 10,000) from a fixed seed. Decoders throw DecodeError only; the receive step
 * never throws and names one drop reason. `node dist/bench/fuzz/run.js` runs the same targets for millions.
 */
import { advertTarget, receiveTarget } from '../../bench/fuzz/packet-targets';
import { fuzz, FUZZ_RUNS } from '../helpers/fuzz';

const TIMEOUT = Math.max(60_000, FUZZ_RUNS * 3);

test(`advert decoder: decode throws DecodeError only, agrees with tryDecode, and what decodes encodes back (${FUZZ_RUNS} inputs)`, () => {
  const outcomes = fuzz(advertTarget);
  // The mix reaches both decoded adverts and every structural failure class.
  for (const code of ['ok', 'TRUNCATED', 'UNKNOWN_VERSION', 'UNKNOWN_TYPE', 'V2_OVER_IPV6']) expect(outcomes.get(code) ?? 0).toBeGreaterThan(0);
}, TIMEOUT);

test(`receive step: receiveIp / receiveVrrp never throw, with and without a lookup (${FUZZ_RUNS} inputs)`, () => {
  const outcomes = fuzz(receiveTarget);
  for (const code of ['ok', 'TTL_NOT_255', 'BAD_CHECKSUM', 'BAD_IP_HEADER', 'TRUNCATED', 'VRID_NOT_CONFIGURED']) expect(outcomes.get(code) ?? 0).toBeGreaterThan(0);
}, TIMEOUT);
