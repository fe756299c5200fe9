/** RawSocketTransport (and TransportBase under it) without sockets: what reaches 'advert', what is counted under which reason. */
import { Advertisement, encode } from '../../lib/packet/advertisement';
import { buildAdvertFrame } from '../../lib/packet/frame';
import { ETHERNET_HEADER_LENGTH } from '../../lib/packet/ethernet';
import { InstanceLookup } from '../../lib/packet/receive';
import { RawSocketTransport } from '../../lib/transport/raw-socket-transport';
import type { RawSocket } from '../../lib/transport/native';

class FakeTransport extends RawSocketTransport {
  readonly sentTo: string[] = [];
  /** Every setsockopt (level, name, value) and every send with the TTL then in force. */
  readonly options: number[][] = [];
  readonly sentTtl: number[] = [];
  private ttl = 255;
  protected readonly unicastTtlOption = [0, 2] as const;
  protected readonly socket = {
    send: (_b: Buffer, _o: number, _l: number, dst: string, before: (() => void) | null, cb: (e: Error | null) => void) => {
      before?.();
      this.sentTo.push(dst);
      this.sentTtl.push(this.ttl);
      cb(dst === '192.0.2.255' ? new Error('EACCES') : null);
    },
    setOption: (level: number, name: number, value: number) => {
      this.options.push([level, name, value]);
      this.ttl = value;
    },
  } as unknown as RawSocket;
  constructor(family: 4 | 6, lookup?: InstanceLookup) {
    super(family, 'eth0', lookup);
  }
  push(packet: Buffer): void {
    this.deliver(packet, 0, packet.length);
  }
  close(): void {
    this.closed = true;
  }
}

const V3_4: Advertisement = { version: 3, family: 4, vrid: 51, priority: 100, intervalCs: 100, addresses: ['192.0.2.100'] };
const ipPacket = (ttl = 255, advert: Advertisement = V3_4): Buffer =>
  buildAdvertFrame({ srcMac: '00:00:5e:00:01:33', src: advert.family === 4 ? '192.0.2.1' : 'fe80::1', advert, ttl }).subarray(ETHERNET_HEADER_LENGTH);

describe('RawSocketTransport', () => {
  test('a valid advert is emitted with its message bytes and IP facts', () => {
    const t = new FakeTransport(4);
    const seen: { bytes: Buffer; ttl: number }[] = [];
    t.on('advert', (bytes: Buffer, ip: { ttl: number }) => seen.push({ bytes, ttl: ip.ttl }));
    t.push(ipPacket());
    expect(seen).toHaveLength(1);
    expect(seen[0].ttl).toBe(255);
    expect(seen[0].bytes).toEqual(encode(V3_4, undefined, 0, { src: '192.0.2.1', dst: '224.0.0.18' }));
    expect(t.counters()).toEqual({ received: 1, accepted: 1, dropped: {}, sent: 0, sendErrors: 0 });
  });

  test('drops are counted by reason and emitted as drop, never thrown', () => {
    const t = new FakeTransport(4, () => undefined);
    const reasons: string[] = [];
    t.on('drop', (r: string) => reasons.push(r));
    t.push(ipPacket(254));
    t.push(ipPacket(64));
    t.push(ipPacket()); // no instance for VRID 51
    t.push(Buffer.from([0x45, 0x00]));
    const bad = ipPacket();
    bad[bad.length - 1] ^= 0xff;
    t.push(bad);
    expect(reasons).toEqual(['TTL_NOT_255', 'TTL_NOT_255', 'VRID_NOT_CONFIGURED', 'TRUNCATED', 'BAD_CHECKSUM']);
    expect(t.counters().dropped).toEqual({ TTL_NOT_255: 2, VRID_NOT_CONFIGURED: 1, TRUNCATED: 1, BAD_CHECKSUM: 1 });
    expect(t.counters()).toMatchObject({ received: 5, accepted: 0 });
  });

  test('a packet of the other family is dropped as BAD_IP_HEADER', () => {
    const t = new FakeTransport(6);
    t.push(ipPacket());
    expect(t.counters().dropped).toEqual({ BAD_IP_HEADER: 1 });
  });

  test('counters() returns a copy', () => {
    const t = new FakeTransport(4);
    t.counters().dropped.TTL_NOT_255 = 9;
    expect(t.counters().dropped).toEqual({});
  });
});

test('send goes to the family\'s VRRP group by default, to a unicast peer when given, and counts errors', async () => {
  const t4 = new FakeTransport(4);
  const t6 = new FakeTransport(6);
  await t4.send(Buffer.alloc(8));
  await t4.send(Buffer.alloc(8), '192.0.2.2');
  await expect(t4.send(Buffer.alloc(8), '192.0.2.255')).rejects.toThrow('EACCES');
  await t6.send(Buffer.alloc(8));
  expect([t4.sentTo, t6.sentTo]).toEqual([['224.0.0.18', '192.0.2.2', '192.0.2.255'], ['ff02::12']]);
  expect(t4.counters()).toMatchObject({ sent: 2, sendErrors: 1 });
});

test('unicast_ttl: a unicast send carries its TTL (one setsockopt per change), multicast keeps 255', async () => {
  const t = new FakeTransport(4);
  await t.send(Buffer.alloc(8), '192.0.2.2', 10);
  await t.send(Buffer.alloc(8), '192.0.2.3', 10);
  await t.send(Buffer.alloc(8), '224.0.0.19', 10);
  await t.send(Buffer.alloc(8), '192.0.2.2');
  expect(t.sentTtl).toEqual([10, 10, 10, 255]);
  // IP_TTL does not act on multicast (IP_MULTICAST_TTL does): no change is made for the group.
  expect(t.options).toEqual([[0, 2, 10], [0, 2, 255]]);
});
