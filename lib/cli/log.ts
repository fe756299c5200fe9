/**
 * The daemon's log lines: `--log-format text` (ISO time, level, message) or `json` (one object per line:
 * time, level, msg), and `--log-level` (error < warn < info < debug; default info) deciding what is written.
 */
import { UsageError } from '../errors';
import type { CliIo } from './io';

export const LOG_LEVELS = ['error', 'warn', 'info', 'debug'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
export const LOG_FORMATS = ['text', 'json'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

/** One log line's writer: `level` is one of LOG_LEVELS. */
export type Logger = (level: LogLevel, message: string) => void;

/** `value` as one of `allowed`. @throws UsageError naming the option and the allowed values. */
export function oneOf<T extends string>(option: string, value: string | undefined, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new UsageError(`${option} ${JSON.stringify(value)}: expected one of ${allowed.join(', ')}`);
}

/** A logger writing lines of `format` at `level` and more severe through `io.out`; `now` for tests. */
export function makeLogger(format: LogFormat, level: LogLevel, io: CliIo, now: () => Date = () => new Date()): Logger {
  const max = LOG_LEVELS.indexOf(level);
  return (l, message) => {
    if (LOG_LEVELS.indexOf(l) > max) return;
    const time = now().toISOString();
    io.out(format === 'json' ? JSON.stringify({ time, level: l, msg: message }) : `${time} ${l}: ${message}`);
  };
}
