/**
 * The link model of the simulated LAN: per directed pair loss probability and delay, and partitions.
 * Loss draws come from one seeded generator, so a run is reproducible from its seed.
 */
import { mulberry32 } from './prng';

/** Outcome of sending one packet over one directed link. */
export type LinkVerdict = { delivered: true; delayMs: number } | { delivered: false; why: 'partitioned' | 'lost' };

/** Loss, delay and partitions between named nodes. */
export class LinkModel {
  private readonly random: () => number;
  private defaultLoss = 0;
  private defaultDelayMs: number;
  private readonly loss = new Map<string, number>();
  private readonly delay = new Map<string, number>();
  private island = new Map<string, number>();

  /** `seed` drives the loss draws; `delayMs` is the default one-way delay. */
  constructor(seed: number, delayMs: number) {
    this.random = mulberry32(seed);
    this.defaultDelayMs = delayMs;
  }

  /** Loss probability 0..1 from `from` to `to`, or for every link without its own value when both are omitted. */
  setLoss(probability: number, from?: string, to?: string): void {
    if (!(probability >= 0 && probability <= 1)) throw new RangeError(`loss must be 0..1, got ${probability}`);
    if (from === undefined || to === undefined) {
      this.defaultLoss = probability;
      this.loss.clear();
    } else this.loss.set(key(from, to), probability);
  }

  /** One-way delay (ms) from `from` to `to`, or the default for every link when both are omitted. */
  setDelay(delayMs: number, from?: string, to?: string): void {
    if (!(delayMs >= 0)) throw new RangeError(`delay must be >= 0, got ${delayMs}`);
    if (from === undefined || to === undefined) {
      this.defaultDelayMs = delayMs;
      this.delay.clear();
    } else this.delay.set(key(from, to), delayMs);
  }

  /**
   * Splits the LAN into islands: nodes in different lists cannot hear each other; nodes in no list
   * form one more island together. Replaces any earlier partition.
   */
  partition(islands: readonly (readonly string[])[]): void {
    this.island = new Map();
    islands.forEach((names, i) => names.forEach((n) => this.island.set(n, i)));
  }

  /** Removes every partition (loss and delay settings stay). */
  heal(): void {
    this.island = new Map();
  }

  /** Whether `a` and `b` are on the same island. */
  connected(a: string, b: string): boolean {
    return (this.island.get(a) ?? -1) === (this.island.get(b) ?? -1);
  }

  /** Decides the fate of one packet from `from` to `to` (draws from the generator only when loss > 0). */
  send(from: string, to: string): LinkVerdict {
    if (!this.connected(from, to)) return { delivered: false, why: 'partitioned' };
    const k = key(from, to);
    const p = this.loss.get(k) ?? this.defaultLoss;
    if (p > 0 && this.random() < p) return { delivered: false, why: 'lost' };
    return { delivered: true, delayMs: this.delay.get(k) ?? this.defaultDelayMs };
  }
}

function key(from: string, to: string): string {
  return `${from}\u0000${to}`;
}
