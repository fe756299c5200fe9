/**
 * What a fuzz target is, and the one rule every target checks: whatever a decoder or parser throws on bad
 * input is a VrrpError (DecodeError, ConfigError, EncodeError, UsageError) carrying its stable `code`. Any
 * other exception (TypeError, RangeError, a plain Error) or a broken invariant is a finding.
 */
import fc from 'fast-check';
import { VrrpError } from '../../lib/errors';

/** One fuzz target: how inputs are made, what is run on each, and how to print one. */
export interface FuzzTarget<T = unknown> {
  name: string;
  /** One line: what is fuzzed and how. */
  what: string;
  arbitrary(): fc.Arbitrary<T>;
  /**
   * Runs the code under test on `input`; returns the outcome ('ok' or the error code it ended with).
   * @throws Finding (or the untyped exception itself) when the rule or an invariant is broken.
   */
  run(input: T): string;
  /** Size of the input in bytes (or characters). */
  size(input: T): number;
  /** A short hex or text excerpt of the input. */
  excerpt(input: T): string;
}

/** A broken invariant (the untyped exceptions found are rethrown as they are). */
export class Finding extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'Finding';
  }
}

/** Throws a Finding with `message` unless `cond`. */
export function check(cond: boolean, message: () => string): void {
  if (!cond) throw new Finding(message());
}

/** The code of a typed error; rethrows anything else (the finding). */
export function typedCode(e: unknown): string {
  if (e instanceof VrrpError && typeof e.code === 'string' && e.code.length > 0) return e.code;
  throw e;
}

/** Seed of every fuzz run unless VRRP_FUZZ_SEED says otherwise (fixed: CI runs are reproducible). */
export const DEFAULT_SEED = 0x5eed112;
