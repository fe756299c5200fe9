/**
 * track_file (vrrp_track_file is keepalived's deprecated synonym): an integer read from a file, fed by the
 * file watcher at the edge. keepalived.conf(5) "Track files"; behaviour checked against keepalived 2.2.7.
 */
import { assertNever } from '../assert';
import {
  checkInteger,
  type Contribution,
  type Tracker,
  TrackerView,
  type WeightOverride,
} from './tracker';

/** Values read from the file are clamped to -254..254 before the weight is applied (keepalived). */
export const TRACK_FILE_VALUE_MIN = -254;
/** See {@link TRACK_FILE_VALUE_MIN}. */
export const TRACK_FILE_VALUE_MAX = 254;
/** value × weight is clamped to -254..253; -254 (or less) means FAULT. */
export const TRACK_FILE_FAULT_AT = -254;
/** Largest single adjustment a file can make. */
export const TRACK_FILE_DELTA_MAX = 253;
/** keepalived reads at most this many bytes of the file. */
export const TRACK_FILE_READ_BYTES = 127;
/** Weight range of a `track_file` block (the block serves real servers too). */
export const TRACK_FILE_WEIGHT_LIMIT = 2147483647;
/** Weight range of an instance's `track_file { NAME weight W }` entry: -254..254. */
export const TRACK_FILE_INSTANCE_WEIGHT_LIMIT = 254;

/**
 * Parses file content as keepalived does (C `strtol` with base 0 on the first 127 bytes): optional leading
 * whitespace and sign, then `0x`/`0X` hex, a leading `0` for octal (`010` is 8, `08` is 0), or decimal;
 * anything after the number is ignored (` 7xyz` is 7). Not clamped.
 * @returns the integer, or null when the text does not start with a number (keepalived then uses 0).
 */
export function parseTrackFileContent(text: string): number | null {
  const m = /^[ \t\n\v\f\r]*([+-]?)(?:0[xX]([0-9a-fA-F]+)|(0[0-7]*)|([1-9][0-9]*))/.exec(
    text.slice(0, TRACK_FILE_READ_BYTES),
  );
  if (m === null) return null;
  const [, sign, hex, octal, decimal] = m;
  let magnitude: number;
  if (hex !== undefined) magnitude = parseInt(hex, 16);
  else if (octal !== undefined) magnitude = parseInt(octal, 8);
  else magnitude = Number(decimal);
  if (magnitude === 0) return 0;
  return sign === '-' ? -magnitude : magnitude;
}

/**
 * Contribution of a file value (null: file missing, unreadable or not a number, which keepalived treats
 * as 0), keepalived's rule:
 * - weight 0: a non-zero value is FAULT, 0 is OK (with `reverse`: 0 is FAULT);
 * - otherwise value × weight (negated with `reverse`), clamped to -254..253, is added to the priority,
 *   and -254 means FAULT (e.g. value -127 with weight 2).
 */
export function fileContribution(value: number | null, weight: number, reverse: boolean): Contribution {
  const v = clampValue(value ?? 0);
  const detail = value === null ? 'no value (counts as 0)' : `value ${v}`;
  if (weight === 0) {
    const fault = (v !== 0) !== reverse;
    return { delta: 0, fault, pending: false, detail: reverse ? `${detail} (weight 0 reverse)` : detail };
  }
  const product = v * weight * (reverse ? -1 : 1);
  if (product <= TRACK_FILE_FAULT_AT) {
    return { delta: 0, fault: true, pending: false, detail: `${detail} × weight ${weight} <= -254` };
  }
  const delta = product === 0 ? 0 : Math.min(product, TRACK_FILE_DELTA_MAX);
  return { delta, fault: false, pending: false, detail };
}

/** A `track_file` block. */
export interface FileTrackerConfig {
  readonly name: string;
  /** Multiplier of the value; default 1; 0 turns the file into an OK (0) / FAULT (non-zero) switch. */
  readonly weight?: number;
  /** Negate value × weight; with weight 0, a zero value is FAULT. */
  readonly reverse?: boolean;
}

/**
 * One tracked file. Before the first {@link update} it adjusts nothing and, with weight 0, keeps the
 * instance pending (the edge reads every file at startup, as keepalived does).
 */
export class FileTracker implements Tracker {
  readonly kind = 'file' as const;
  readonly name: string;
  readonly weight: number;
  readonly reverse: boolean;
  private read = false;
  private reading: number | null = null;

  /** @throws VrrpError `CONFIG` when the weight is not an integer within ±2147483647. */
  constructor(config: FileTrackerConfig) {
    this.name = config.name;
    this.weight = checkInteger(
      `track_file ${config.name}: weight`,
      config.weight ?? 1,
      -TRACK_FILE_WEIGHT_LIMIT,
      TRACK_FILE_WEIGHT_LIMIT,
    );
    this.reverse = config.reverse ?? false;
  }

  /** Last value fed, clamped to -254..254; null if missing/unreadable or nothing fed yet. */
  value(): number | null {
    return this.reading;
  }

  /** False until the first {@link update}. */
  hasValue(): boolean {
    return this.read;
  }

  /**
   * Feeds a value: an integer (any size; clamped to -254..254), or null when the file is missing,
   * unreadable or holds no number (keepalived treats a deleted file as 0).
   * @returns true when the effective value changed (missing and 0 are the same), or on the first update.
   */
  update(value: number | null): boolean {
    const clamped = value === null || Number.isNaN(value) ? null : clampValue(Math.trunc(value));
    const changed = !this.read || (clamped ?? 0) !== (this.reading ?? 0);
    this.read = true;
    this.reading = clamped;
    return changed;
  }

  /** {@link update} with the file's text (null when missing or unreadable), parsed by `parseTrackFileContent`. */
  updateText(text: string | null): boolean {
    return this.update(text === null ? null : parseTrackFileContent(text));
  }

  /** This file's effect with its own weight and reverse (see {@link fileContribution}). */
  contribution(): Contribution {
    return this.compute(this.weight, this.reverse);
  }

  /**
   * A view with an instance's `track_file { NAME weight W [reverse|noreverse] }` override, sharing the value.
   * @throws VrrpError `CONFIG` when the weight is out of -254..254.
   */
  forInstance(override: WeightOverride): Tracker {
    const weight = checkInteger(
      `track_file ${this.name}: weight`,
      override.weight ?? this.weight,
      -TRACK_FILE_INSTANCE_WEIGHT_LIMIT,
      TRACK_FILE_INSTANCE_WEIGHT_LIMIT,
    );
    const reverse = override.reverse ?? this.reverse;
    return new TrackerView('file', this.name, weight, reverse, (w, r) => this.compute(w, r));
  }

  private compute(weight: number, reverse: boolean): Contribution {
    if (!this.read) {
      return { delta: 0, fault: false, pending: weight === 0, detail: 'not read yet' };
    }
    return fileContribution(this.reading, weight, reverse);
  }
}

/** keepalived's `init_file [VALUE] [overwrite]` in a track_file block. */
export interface TrackFileInit {
  /** Value written; default 0. */
  readonly value?: number;
  /** Write even if the file exists (but never on reload, and never over a non-regular file). */
  readonly overwrite?: boolean;
}

/** What the file writer at the edge finds at the track file's path. */
export type TrackFilePresence = 'missing' | 'regular' | 'other';

/** What the edge should do about `init_file` at startup or reload. */
export type TrackFileInitAction =
  | { readonly action: 'none' }
  | { readonly action: 'write'; readonly content: string }
  | { readonly action: 'refuse'; readonly reason: string };

/**
 * Decides the `init_file` action, as keepalived does: without `overwrite`, write `VALUE\n` only when the
 * file is missing; with `overwrite`, also replace an existing regular file, except on reload; never write
 * over something that is not a regular file (a config error).
 */
export function trackFileInitAction(
  init: TrackFileInit | undefined,
  presence: TrackFilePresence,
  reload: boolean,
): TrackFileInitAction {
  if (init === undefined) return { action: 'none' };
  const content = `${Math.trunc(init.value ?? 0)}\n`;
  switch (presence) {
    case 'missing':
      return { action: 'write', content };
    case 'regular':
      return init.overwrite === true && !reload ? { action: 'write', content } : { action: 'none' };
    case 'other':
      return init.overwrite === true
        ? { action: 'refuse', reason: 'cannot initialise track file: it is not a regular file' }
        : { action: 'none' };
    default:
      return assertNever(presence);
  }
}

function clampValue(v: number): number {
  return Math.min(TRACK_FILE_VALUE_MAX, Math.max(TRACK_FILE_VALUE_MIN, v));
}
