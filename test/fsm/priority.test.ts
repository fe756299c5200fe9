/** Priority arithmetic and the election order (lib/fsm/priority.ts). */
import { outranks } from '../../lib/fsm';
import { effectivePriority } from '../../lib/track';

describe('priority', () => {
  test('RFC 9568 §5.2.4: the address owner keeps priority 255 whatever the tracker weights', () => {
    expect(effectivePriority(255, -100)).toBe(255);
    expect(effectivePriority(255, 100)).toBe(255);
  });

  test('keepalived weights: a non-owner effective priority is base + delta clamped to 1..254', () => {
    expect(effectivePriority(100, 20)).toBe(120);
    expect(effectivePriority(100, -99)).toBe(1);
    expect(effectivePriority(100, -200)).toBe(1);
    expect(effectivePriority(200, 100)).toBe(254);
  });

  test('RFC 9568 §6.4.3: higher priority wins; equal priority is broken by the higher primary address as an unsigned integer in network byte order', () => {
    expect(outranks(101, '10.0.0.1', 100, '10.0.0.2')).toBe(true);
    expect(outranks(99, '10.0.0.9', 100, '10.0.0.2')).toBe(false);
    expect(outranks(100, '10.0.0.1', 100, '9.255.255.255')).toBe(true); // text order would say otherwise
    expect(outranks(100, '9.255.255.255', 100, '10.0.0.1')).toBe(false);
    expect(outranks(100, 'fe80::10', 100, 'fe80::9')).toBe(true);
    expect(outranks(100, 'fe80::9', 100, 'fe80::a')).toBe(false);
    expect(outranks(100, 'fe80::1', 100, 'fe80::1')).toBe(false);
  });
});
