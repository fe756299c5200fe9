/** Exhaustiveness check for `switch` over string-literal unions: unreachable when every case is handled. */
export function assertNever(value: never): never {
  throw new Error(`unexpected value ${String(value)}`);
}
