import { VrrpError } from '../../lib/errors';
import { IFF_RUNNING, IFF_UP, InterfaceTracker, linkUpFromFlags } from '../../lib/track/interface';

// Expected values reproduce keepalived 2.2.7 run in a network namespace, priority 100, tracked veth downed.
const at = (weight: number | undefined, reverse: boolean, up: boolean): ReturnType<InterfaceTracker['contribution']> => {
  const t = new InterfaceTracker({ ifname: 'eth1', weight, reverse });
  t.linkChanged(up);
  return t.contribution();
};

describe('track_interface', () => {
  test('weight 0 (the default): a down tracked interface puts the instance in FAULT', () => {
    expect(at(undefined, false, false)).toMatchObject({ fault: true, delta: 0, detail: 'down' });
    expect(at(undefined, false, true)).toMatchObject({ fault: false, delta: 0 });
  });

  test('weight 0 reverse: FAULT while the interface is up', () => {
    expect(at(0, true, true).fault).toBe(true);
    expect(at(0, true, false).fault).toBe(false);
  });

  test('positive weight adds while the interface is up', () => {
    expect(at(10, false, true).delta).toBe(10);
    expect(at(10, false, false).delta).toBe(0);
  });

  test('negative weight subtracts while the interface is down', () => {
    expect(at(-10, false, false).delta).toBe(-10);
    expect(at(-10, false, true).delta).toBe(0);
  });

  test('reverse: positive weight subtracts while up', () => {
    expect(at(10, true, true).delta).toBe(-10);
    expect(at(10, true, false).delta).toBe(0);
  });

  test('reverse: negative weight adds |W| while down', () => {
    expect(at(-10, true, false).delta).toBe(10);
    expect(at(-10, true, true).delta).toBe(0);
  });

  test('no link report yet: nothing applied; weight 0 keeps the instance pending', () => {
    const t = new InterfaceTracker({ ifname: 'eth1' });
    expect(t.status()).toBe('init');
    expect(t.contribution()).toMatchObject({ fault: false, pending: true, delta: 0 });
    expect(new InterfaceTracker({ ifname: 'eth1', weight: 5 }).contribution()).toMatchObject({ pending: false, delta: 0 });
  });

  test('linkChanged reports whether the state changed', () => {
    const t = new InterfaceTracker({ ifname: 'eth1' });
    expect(t.linkChanged(true)).toBe(true);
    expect(t.linkChanged(true)).toBe(false);
    expect(t.linkChanged(false)).toBe(true);
    expect(t.status()).toBe('down');
  });

  test('a link counts as up only with IFF_UP and IFF_RUNNING (keepalived IF_FLAGS_UP)', () => {
    expect(linkUpFromFlags(IFF_UP | IFF_RUNNING | 0x1000)).toBe(true);
    expect(linkUpFromFlags(IFF_UP)).toBe(false);
    expect(linkUpFromFlags(IFF_RUNNING)).toBe(false);
  });

  test('per-instance views share the link state', () => {
    const t = new InterfaceTracker({ ifname: 'eth1' });
    const plus = t.forInstance({ weight: 5 });
    const minus = t.forInstance({ weight: -5 });
    t.linkChanged(false);
    expect([t.contribution().fault, plus.contribution().delta, minus.contribution().delta]).toEqual([true, 0, -5]);
    expect(plus.name).toBe('eth1');
  });

  test('weight out of -253..253 is refused', () => {
    expect(() => new InterfaceTracker({ ifname: 'eth1', weight: 254 })).toThrow(VrrpError);
    expect(() => new InterfaceTracker({ ifname: 'eth1' }).forInstance({ weight: -254 })).toThrow(VrrpError);
  });
});
