/**
 * The link-layer pool's batching (lib/transport/link-pool.ts), with a stand-in for the child: the first
 * frame of a quiet turn goes to the child inside `send`, the turn's other frames follow as one message in
 * its check phase, in chunks of BURST_FRAMES, in order, and each send settles with the child's answer.
 */
import type { ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { BURST_FRAMES, LinkPool } from '../../lib/transport/link-pool';
import type { ParentMessage } from '../../lib/transport/link-protocol';

type Burst = Array<{ frame: Uint8Array; ifname: string; id: number }>;

/** A child that records every burst it is sent and answers none until told. */
function standIn(): { fork: () => ChildProcess; bursts: Burst[]; answer(ids: number[]): void } {
  const bursts: Burst[] = [];
  const child = Object.assign(new EventEmitter(), {
    connected: true,
    pid: 4242,
    exitCode: null,
    signalCode: null,
    send(m: ParentMessage, cb?: (err: Error | null) => void): boolean {
      if ('burst' in m) bursts.push(m.burst);
      cb?.(null);
      return true;
    },
    disconnect(): void {
      child.connected = false;
    },
    kill(): boolean {
      return true;
    },
  });
  return { fork: () => child as unknown as ChildProcess, bursts, answer: (ids) => child.emit('message', { sent: ids, failed: [] }) };
}

const frame = (k: number): Uint8Array => Uint8Array.of(k & 0xff, k >> 8);
const nextTurn = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('LinkPool batching', () => {
  test("a quiet turn's first frame leaves inside send; the turn's others follow as one message in its check phase", async () => {
    const c = standIn();
    const pool = new LinkPool(c.fork);
    const sends = [0, 1, 2].map((k) => pool.send('eth0', frame(k), 1000));
    expect(c.bursts.map((b) => b.map((f) => f.frame[0]))).toEqual([[0]]);
    await nextTurn();
    expect(c.bursts.map((b) => b.map((f) => f.frame[0]))).toEqual([[0], [1, 2]]);
    c.answer(c.bursts.flat().map((f) => f.id));
    await expect(Promise.all(sends)).resolves.toEqual([undefined, undefined, undefined]);
    // The next quiet turn starts over: its first frame leaves at once again.
    void pool.send('eth0', frame(3), 1000);
    expect(c.bursts).toHaveLength(3);
    c.answer([c.bursts[2][0].id]);
  });

  test('a frame the child does not answer fails after its own timeout; answered ones resolve, and nothing fails twice', async () => {
    const c = standIn();
    const pool = new LinkPool(c.fork);
    const t0 = performance.now();
    const outcome = (p: Promise<void>): Promise<string> => p.then(() => `ok ${Math.round(performance.now() - t0)}`, (e: Error) => `${e.message} @${Math.round(performance.now() - t0)}`);
    const late = outcome(pool.send('eth0', frame(0), 120));
    const answered = outcome(pool.send('eth0', frame(1), 40));
    const early = outcome(pool.send('eth0', frame(2), 40));
    await nextTurn();
    c.answer([c.bursts[1][0].id]);
    const [l, a, e] = await Promise.all([late, answered, early]);
    expect(a).toMatch(/^ok /);
    expect(e).toMatch(/^no answer from the link-layer child in 40 ms @/);
    expect(l).toMatch(/^no answer from the link-layer child in 120 ms @/);
    expect(Number(e.split('@')[1])).toBeGreaterThanOrEqual(39);
    expect(Number(l.split('@')[1])).toBeGreaterThanOrEqual(119);
    c.answer([c.bursts[0][0].id]); // too late: already failed, stays failed
  });

  test(`a large turn leaves in chunks of ${BURST_FRAMES}, one per later turn, every frame once and in order`, async () => {
    const c = standIn();
    const pool = new LinkPool(c.fork);
    const n = 2 * BURST_FRAMES + 5;
    const sends = Array.from({ length: n }, (_, k) => pool.send('eth0', frame(k), 1000));
    expect(c.bursts.map((b) => b.length)).toEqual([1]);
    for (let t = 0; t < 4; t++) await nextTurn();
    expect(c.bursts.map((b) => b.length)).toEqual([1, BURST_FRAMES, BURST_FRAMES, 4]);
    const order = c.bursts.flat().map((f) => f.frame[0] | (f.frame[1] << 8));
    expect(order).toEqual(Array.from({ length: n }, (_, k) => k));
    c.answer(c.bursts.flat().map((f) => f.id));
    await Promise.all(sends);
  });
});
