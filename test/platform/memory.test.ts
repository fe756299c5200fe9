/** MemoryPlatform, the Platform double, and the LinuxPlatform announce path with a fake frame sender. */
import { decodeArp } from '../../lib/packet/arp';
import { ETHERNET_HEADER_LENGTH, formatMac } from '../../lib/packet/ethernet';
import { LinuxPlatform } from '../../lib/platform/linux';
import { MemoryPlatform } from '../../lib/platform/memory';
import { splitCidr } from '../../lib/platform/types';

describe('MemoryPlatform', () => {
  test('add, list, add again, remove, remove again', async () => {
    const p = new MemoryPlatform({ eth0: ['192.0.2.1/24'] });
    expect(await p.addVip('eth0', '192.0.2.100/24')).toBe(true);
    expect(await p.addVip('eth0', '192.0.2.100/24')).toBe(false);
    expect(await p.addVip('eth0', '2001:DB8:0::100/64')).toBe(true);
    expect((await p.listAddresses('eth0')).map((a) => a.cidr)).toEqual(['192.0.2.1/24', '192.0.2.100/24', '2001:db8::100/64']);
    expect(await p.removeVip('eth0', '192.0.2.100/24')).toBe(true);
    expect(await p.removeVip('eth0', '192.0.2.100/24')).toBe(false);
    expect((await p.listAddresses('eth0')).map((a) => a.address)).toEqual(['192.0.2.1', '2001:db8::100']);
  });

  test('unknown interface, injected failure, announcements recorded', async () => {
    const p = new MemoryPlatform();
    await expect(p.listAddresses('eth9')).rejects.toThrow('eth9');
    p.failNext = new Error('EPERM');
    await expect(p.addVip('eth0', '192.0.2.100')).rejects.toThrow('EPERM');
    expect(await p.addVip('eth0', '192.0.2.100')).toBe(true);
    expect((await p.listAddresses('eth0'))[0]).toEqual({ family: 4, address: '192.0.2.100', prefixLength: 32, cidr: '192.0.2.100/32', scope: 'global' });
    expect(await p.announce('eth0', ['192.0.2.100'], '00:00:5e:00:01:33')).toBe(1);
    expect(p.announcements).toEqual([{ ifname: 'eth0', addresses: ['192.0.2.100'], mac: '00:00:5e:00:01:33' }]);
  });
});

describe('splitCidr', () => {
  test('defaults and errors', () => {
    expect(splitCidr('192.0.2.1')).toEqual({ address: '192.0.2.1', prefixLength: 32, family: 4 });
    expect(splitCidr('2001:db8::1/64')).toEqual({ address: '2001:db8::1', prefixLength: 64, family: 6 });
    expect(() => splitCidr('192.0.2.1/33')).toThrow('not an address');
    expect(() => splitCidr('192.0.2.1/24/1')).toThrow('not an address');
  });
});

describe('LinuxPlatform.announce (fake sender)', () => {
  test('one GARP per IPv4 address from the given MAC; the sender is opened once and closed', async () => {
    const frames: Uint8Array[] = [];
    let opened = 0;
    let closed = 0;
    const p = new LinuxPlatform({
      openSender: () => {
        opened++;
        return {
          send: (f) => void frames.push(f),
          close: () => void closed++,
        };
      },
    });
    expect(await p.announce('eth0', ['192.0.2.100/24', '192.0.2.101'], '00:00:5e:00:01:33')).toBe(2);
    expect(await p.announce('eth0', ['192.0.2.100/24'], '00:00:5e:00:01:33')).toBe(1);
    expect(opened).toBe(1);
    expect(frames.map((f) => decodeArp(f, ETHERNET_HEADER_LENGTH).targetIp)).toEqual(['192.0.2.100', '192.0.2.101', '192.0.2.100']);
    expect(formatMac(frames[0], 6)).toBe('00:00:5e:00:01:33');
    await p.close();
    expect(closed).toBe(1);
  });
});
