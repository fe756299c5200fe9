/** SendQueue: sends at once, keeps refused ones (EAGAIN / ENOBUFS) in order, gives up after GIVE_UP_MS. */
import { constants } from 'node:os';
import { GIVE_UP_MS, SendQueue } from '../../lib/transport/send-queue';

const EAGAIN = -constants.errno.EAGAIN;
const ENOBUFS = -constants.errno.ENOBUFS;
const ENETDOWN = -constants.errno.ENETDOWN;

describe('SendQueue', () => {
  afterEach(() => jest.useRealTimers());

  test('a send the kernel takes resolves inside the call and is counted', async () => {
    const counters = { sent: 0, sendErrors: 0 };
    const q = new SendQueue('sendto', counters);
    let calls = 0;
    const p = q.send(() => (calls++, 60));
    expect(calls).toBe(1);
    expect(counters).toEqual({ sent: 1, sendErrors: 0 });
    await expect(p).resolves.toBeUndefined();
  });

  test('another errno fails that send alone, named by op and errno', async () => {
    const counters = { sent: 0, sendErrors: 0 };
    const q = new SendQueue('sendto', counters);
    await expect(q.send(() => ENETDOWN)).rejects.toMatchObject({ message: 'sendto: ENETDOWN', code: 'ENETDOWN' });
    await expect(q.send(() => 1)).resolves.toBeUndefined();
    expect(counters).toEqual({ sent: 1, sendErrors: 1 });
  });

  test('refused sends wait in order, followers behind them, and leave once there is room', async () => {
    jest.useFakeTimers();
    const counters = { sent: 0, sendErrors: 0 };
    const q = new SendQueue('sendmsg', counters);
    let room = false;
    const order: string[] = [];
    const attempt = (name: string) => (): number => {
      if (!room) return name === 'a' ? EAGAIN : ENOBUFS;
      order.push(name);
      return 1;
    };
    const a = q.send(attempt('a'));
    const b = q.send(attempt('b')); // not tried while a waits
    expect(q.length).toBe(2);
    jest.advanceTimersByTime(5);
    expect(order).toEqual([]);
    room = true;
    jest.advanceTimersByTime(1);
    await Promise.all([a, b]);
    expect(order).toEqual(['a', 'b']);
    expect(counters).toEqual({ sent: 2, sendErrors: 0 });
    expect(q.length).toBe(0);
  });

  test('a send refused for GIVE_UP_MS fails with its errno; the next is tried then', async () => {
    let t = 0;
    jest.useFakeTimers();
    const counters = { sent: 0, sendErrors: 0 };
    const q = new SendQueue('sendmsg', counters, () => t);
    const a = q.send(() => EAGAIN);
    const b = q.send(() => 1);
    const failed = expect(a).rejects.toMatchObject({ code: 'EAGAIN' });
    for (; t <= GIVE_UP_MS; t += 10) jest.advanceTimersByTime(1);
    await failed;
    await expect(b).resolves.toBeUndefined();
    expect(counters).toEqual({ sent: 1, sendErrors: 1 });
  });

  test('clear fails what waits', async () => {
    jest.useFakeTimers();
    const counters = { sent: 0, sendErrors: 0 };
    const q = new SendQueue('sendto', counters);
    const a = q.send(() => EAGAIN);
    q.clear(new Error('closed'));
    await expect(a).rejects.toThrow('closed');
    expect(counters).toEqual({ sent: 0, sendErrors: 1 });
    expect(q.length).toBe(0);
  });
});
