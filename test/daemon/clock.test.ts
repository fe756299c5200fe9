/** receiveTime (lib/daemon/clock.ts): which time a received packet is fed to the node at. */
import { MAX_RECEIVE_AGE_MS, receiveTime } from '../../lib/daemon/clock';

describe('receiveTime', () => {
  test('a stamp a little before now is the packet time; none, a future one or a stale one is now', () => {
    expect(receiveTime(999.2, 1000, 0)).toBe(999.2);
    expect(receiveTime(undefined, 1000, 0)).toBe(1000);
    expect(receiveTime(1000.5, 1000, 0)).toBe(1000);
    expect(receiveTime(1000 - MAX_RECEIVE_AGE_MS - 1, 1000, 0)).toBe(1000);
    expect(receiveTime(Number.NaN, 1000, 0)).toBe(1000);
  });
  test('never before the last time the node was given', () => {
    expect(receiveTime(999.2, 1000, 999.6)).toBe(999.6);
  });
});
