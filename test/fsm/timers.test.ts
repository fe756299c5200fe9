/** Timer arithmetic (lib/fsm/timers.ts) against literal values from the RFC formulas. */
import { csToMs, deadlineMs, initialMasterWaitCs, masterDownIntervalCs, preemptDelayMs, skewTimeCs } from '../../lib/fsm';

describe('timers', () => {
  test('RFC 9568 §6.1: v3 Skew_Time = ((256 - Priority) * Master_Adver_Interval) / 256 centiseconds, fractions kept', () => {
    // RFC-NOTES example: interval 10 cs, priority 100 -> 156 * 10 / 256 = 6.09375 cs.
    expect(skewTimeCs(3, 100, 10)).toBe(6.09375);
    expect(skewTimeCs(3, 255, 100)).toBe(100 / 256);
    expect(skewTimeCs(3, 1, 4095)).toBe((255 * 4095) / 256);
  });

  test('RFC 9568 §6.1: Master_Down_Interval = 3 * Master_Adver_Interval + Skew_Time', () => {
    expect(masterDownIntervalCs(3, 100, 10)).toBe(36.09375);
    expect(csToMs(masterDownIntervalCs(3, 100, 10))).toBe(360.9375);
    expect(masterDownIntervalCs(3, 200, 100)).toBe(300 + 56 * 100 / 256);
  });

  test('keepalived down_timer_adverts N: Master_Down_Interval = N * Master_Adver_Interval + Skew_Time (3 by default)', () => {
    expect(masterDownIntervalCs(3, 100, 10, 3)).toBe(masterDownIntervalCs(3, 100, 10));
    expect(masterDownIntervalCs(3, 100, 10, 1)).toBe(16.09375);
    expect(masterDownIntervalCs(3, 100, 10, 100)).toBe(1006.09375);
    expect(masterDownIntervalCs(2, 100, 100, 5)).toBe(500 + 60.9375);
  });

  test('RFC 3768 §6.1: v2 Skew_Time = (256 - Priority) / 256 seconds, independent of the interval', () => {
    expect(skewTimeCs(2, 100, 100)).toBe(60.9375);
    expect(skewTimeCs(2, 100, 300)).toBe(60.9375);
    expect(masterDownIntervalCs(2, 100, 300)).toBe(900 + 60.9375);
  });

  test('keepalived state MASTER: the first wait is one interval plus the priority-255 skew', () => {
    expect(initialMasterWaitCs(3, 100)).toBe(100 + 100 / 256);
    expect(initialMasterWaitCs(2, 100)).toBe(100 + 100 / 256);
    expect(initialMasterWaitCs(2, 300)).toBe(300 + 100 / 256);
  });

  test('units: centiseconds inside, milliseconds on the clock', () => {
    expect(csToMs(1)).toBe(10);
    expect(deadlineMs(1000.5, 6.09375)).toBe(1061.4375);
    expect(preemptDelayMs(30000)).toBe(300000);
  });
});
