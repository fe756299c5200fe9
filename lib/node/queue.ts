/** A binary min-heap of timed events, ordered by time then insertion order (deterministic ties). */

/** An entry of the queue: `t` is the virtual time in milliseconds. */
export interface Timed {
  t: number;
}

interface Slot<T> {
  t: number;
  seq: number;
  item: T;
}

/** Priority queue of `T` by time; equal times come out by `tie` (negative: `a` first), then in the order pushed. */
export class EventQueue<T extends Timed> {
  private heap: Slot<T>[] = [];
  private seq = 0;
  /**
   * Slots of popped events, reused by push: a slot lives as long as its event is queued (a MASTER's next
   * advert, 0.1 s), long enough to be promoted out of the young generation; one per advert was old-space
   * garbage (510 VRs at 0.1 s, bench/lan). At most as many as the queue held at once.
   */
  private spare: Slot<T>[] = [];

  constructor(private readonly tie?: (a: T, b: T) => number) {}

  /** Number of queued events. */
  get size(): number {
    return this.heap.length;
  }

  /** Adds `item` at time `item.t`. */
  push(item: T): void {
    const slot = this.spare.pop() ?? { t: 0, seq: 0, item };
    slot.t = item.t;
    slot.seq = this.seq++;
    slot.item = item;
    this.heap.push(slot);
    let i = this.heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(i, parent)) break;
      this.swap(i, parent);
      i = parent;
    }
  }

  /** The earliest event without removing it, or undefined when empty. */
  peek(): T | undefined {
    return this.heap[0]?.item;
  }

  /** Removes and returns the earliest event, or undefined when empty. */
  pop(): T | undefined {
    const top = this.heap[0];
    if (top === undefined) return undefined;
    const last = this.heap.pop() as Slot<T>;
    if (this.heap.length > 0) {
      this.heap[0] = last;
      this.siftDown();
    }
    const item = top.item;
    top.item = undefined as unknown as T; // a spare slot keeps no event alive
    this.spare.push(top);
    return item;
  }

  /**
   * The earliest event moves to `item.t` (its time changed, later or not): the same as a pop and a push
   * of it, without either's work.
   */
  retimeTop(): void {
    const top = this.heap[0];
    if (top === undefined) return;
    top.t = top.item.t;
    top.seq = this.seq++;
    this.siftDown();
  }

  /** Restores the heap order below the root. */
  private siftDown(): void {
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < this.heap.length && this.less(l, m)) m = l;
      if (r < this.heap.length && this.less(r, m)) m = r;
      if (m === i) return;
      this.swap(i, m);
      i = m;
    }
  }

  private less(a: number, b: number): boolean {
    const x = this.heap[a];
    const y = this.heap[b];
    if (x.t !== y.t) return x.t < y.t;
    const k = this.tie?.(x.item, y.item) ?? 0;
    return k !== 0 ? k < 0 : x.seq < y.seq;
  }

  private swap(a: number, b: number): void {
    const tmp = this.heap[a];
    this.heap[a] = this.heap[b];
    this.heap[b] = tmp;
  }
}
