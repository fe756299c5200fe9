/** ReopeningTransport: reopens on a self-closed socket or on request, keeps listeners, sums counters, retries. */
import { EventEmitter } from 'node:events';
import { REOPEN_RETRY_MS, ReopeningTransport } from '../../lib/daemon/reopening-transport';
import { emptyCounters, TransportCounters, VrrpTransport } from '../../lib/transport/types';
import { FakeClock } from '../helpers/fake-clock';

/** A transport double: counts sends, can play a received advert or a closed socket. */
class FakeTransport extends EventEmitter {
  readonly family = 4 as const;
  readonly ifname = 'eth0';
  readonly stats: TransportCounters = emptyCounters();
  closedByUs = false;
  constructor(readonly id: number) {
    super();
  }
  send(): Promise<void> {
    if (this.closedByUs) return Promise.reject(new Error('closed'));
    this.stats.sent++;
    return Promise.resolve();
  }
  counters(): TransportCounters {
    return { ...this.stats, dropped: { ...this.stats.dropped } };
  }
  close(): void {
    this.closedByUs = true;
  }
  /** Plays an advert arriving. */
  hear(): void {
    this.stats.received++;
    this.stats.accepted++;
    this.emit('advert', Buffer.alloc(0), {}, { id: this.id });
  }
}

function setup(failOpens: number[] = []): { t: ReopeningTransport; opened: FakeTransport[]; logs: string[]; clock: FakeClock } {
  const opened: FakeTransport[] = [];
  const logs: string[] = [];
  const clock = new FakeClock();
  let attempt = 0;
  const t = new ReopeningTransport(4, 'eth0', () => {
    attempt++;
    if (failOpens.includes(attempt)) throw new Error('No such device');
    const f = new FakeTransport(attempt);
    opened.push(f);
    return f as unknown as VrrpTransport;
  }, clock, (level, m) => logs.push(`${level} ${m}`));
  return { t, opened, logs, clock };
}

test('a socket that closes itself is replaced; listeners stay; only the current transport is heard', async () => {
  const { t, opened, logs } = setup();
  const heard: number[] = [];
  t.on('advert', (_b, _ip, rx) => heard.push((rx as unknown as { id: number }).id));
  opened[0].hear();
  await t.send(new Uint8Array(8));
  opened[0].emit('closed');
  expect(opened).toHaveLength(2);
  expect(opened[0].closedByUs).toBe(true);
  opened[0].hear(); // a late frame from the old one is not passed on
  opened[1].hear();
  await t.send(new Uint8Array(8));
  expect(heard).toEqual([1, 2]);
  expect(t.reopens).toBe(1);
  // Counted up to its retirement: the late frame is not.
  expect(t.counters()).toMatchObject({ sent: 2, received: 2, accepted: 2 });
  expect(logs).toEqual(['info transport eth0/IPv4 reopened: its socket closed']);
});

test('an open that fails is retried every REOPEN_RETRY_MS; sends are refused meanwhile', async () => {
  const { t, opened, logs, clock } = setup([2, 3]);
  t.reopen('eth0 was replaced (ifindex 3 -> 7)');
  expect(opened).toHaveLength(1);
  await expect(t.send(new Uint8Array(8))).rejects.toThrow('being reopened');
  t.reopen('again'); // a retry is already scheduled: no extra attempt
  await clock.advanceTo(REOPEN_RETRY_MS - 1);
  expect(opened).toHaveLength(1);
  await clock.advanceTo(REOPEN_RETRY_MS);
  expect(opened).toHaveLength(1); // attempt 3 failed too
  await clock.advanceTo(2 * REOPEN_RETRY_MS);
  expect(opened).toHaveLength(2);
  await t.send(new Uint8Array(8));
  expect(opened[1].stats.sent).toBe(1);
  expect(logs.filter((l) => l.startsWith('warn'))).toHaveLength(2);
  expect(logs[logs.length - 1]).toBe('info transport eth0/IPv4 reopened: eth0 was replaced (ifindex 3 -> 7)');
});

test('close stops the retries and closes the current transport', async () => {
  const { t, opened, clock } = setup([2]);
  t.reopen('test');
  t.close();
  await clock.advanceTo(5 * REOPEN_RETRY_MS);
  expect(opened).toHaveLength(1);
  await expect(t.send(new Uint8Array(8))).rejects.toThrow('closed');
  t.reopen('after close');
  expect(opened).toHaveLength(1);
});
