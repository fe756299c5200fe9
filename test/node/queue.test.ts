import fc from 'fast-check';
import { EventQueue } from '../../lib/node/queue';

/**
 * EventQueue against a plain reference list: pushes, pops and retimeTop (the top's time changed) in any
 * order come out as a sorted list would give them, by time then the order pushed (or retimed), with
 * slots reused across pops.
 */
describe('EventQueue', () => {
  type E = { t: number; id: number };
  const op = fc.oneof(
    fc.record({ kind: fc.constant('push' as const), t: fc.integer({ min: 0, max: 20 }) }),
    fc.record({ kind: fc.constant('pop' as const) }),
    fc.record({ kind: fc.constant('retime' as const), t: fc.integer({ min: 0, max: 20 }) }),
  );

  test('push, pop and retimeTop give what a sorted list gives', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 200 }), (ops) => {
        const q = new EventQueue<E>();
        // Reference: [item, seq] kept sorted by (t, seq).
        const ref: Array<{ e: E; seq: number }> = [];
        let seq = 0;
        let id = 0;
        const sort = (): void => void ref.sort((a, b) => a.e.t - b.e.t || a.seq - b.seq);
        for (const o of ops) {
          if (o.kind === 'push') {
            const e = { t: o.t, id: id++ };
            q.push(e);
            ref.push({ e, seq: seq++ });
            sort();
          } else if (o.kind === 'pop') {
            expect(q.pop()).toBe(ref.shift()?.e);
          } else {
            const top = q.peek();
            expect(top).toBe(ref[0]?.e);
            if (top === undefined) continue;
            top.t = o.t;
            q.retimeTop();
            ref[0].seq = seq++;
            sort();
          }
          expect(q.size).toBe(ref.length);
          expect(q.peek()).toBe(ref[0]?.e);
        }
      }),
    );
  });

  test('a retimed top later than others goes behind them; ties keep the retime order', () => {
    const q = new EventQueue<E>();
    const a = { t: 1, id: 1 };
    const b = { t: 2, id: 2 };
    const c = { t: 3, id: 3 };
    q.push(a);
    q.push(b);
    q.push(c);
    a.t = 3;
    q.retimeTop();
    expect([q.pop(), q.pop(), q.pop(), q.pop()]).toEqual([b, c, a, undefined]);
  });
});
