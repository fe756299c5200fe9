/** Test helper: asserts a ConfigError at an exact file:line:col with an exact message. */
import { ConfigError } from '../../lib/errors';

/** Runs `fn` and asserts it throws a ConfigError at file:line:col with exactly `message`. */
export function expectConfigError(fn: () => unknown, file: string, line: number, col: number, message: string): void {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(ConfigError);
  const e = caught as ConfigError;
  expect({ file: e.file, line: e.line, col: e.col, message: e.message }).toEqual({
    file,
    line,
    col,
    message: `${file}:${line}:${col}: ${message}`,
  });
}
