/** LinkCache: link and address messages in, `links()` out, addresses in the kernel's order. */
import { CachedAddress, LinkCache, LinkFacts, scopeName } from '../../lib/platform/link-cache';
import fc from 'fast-check';

const eth0: LinkFacts = { ifindex: 2, ifname: 'eth0', adminUp: true, lowerUp: true, mac: '02:00:00:00:00:01', kind: 'veth' };

function addr(cidr: string, opts: { secondary?: boolean; rtScope?: number } = {}): CachedAddress {
  const [address, len] = cidr.split('/');
  const family = address.includes(':') ? 6 : 4;
  const rtScope = opts.rtScope ?? (address.startsWith('fe80') ? 253 : 0);
  return { family, address, prefixLength: Number(len), cidr, scope: scopeName(rtScope), secondary: opts.secondary ?? false, rtScope };
}

const cidrs = (c: LinkCache, ifindex = 2): string[] => c.snapshot().find((l) => l.ifindex === ifindex)?.addresses.map((a) => a.cidr) ?? [];

describe('LinkCache', () => {
  test('a dump gives links by ifindex with up = IFF_UP && IFF_LOWER_UP, IPv4 before IPv6', () => {
    const c = new LinkCache();
    c.reset(
      [eth0, { ifindex: 1, ifname: 'lo', adminUp: true, lowerUp: false, mac: '00:00:00:00:00:00' }, { ifindex: 3, ifname: 'tun0', adminUp: false, lowerUp: false }],
      [{ ifindex: 2, address: addr('fe80::1/64') }, { ifindex: 2, address: addr('192.0.2.1/24') }, { ifindex: 9, address: addr('192.0.2.9/24') }],
    );
    expect(c.snapshot()).toEqual([
      { ifindex: 1, ifname: 'lo', up: false, adminUp: true, mac: '00:00:00:00:00:00', addresses: [] },
      {
        ifindex: 2,
        ifname: 'eth0',
        up: true,
        adminUp: true,
        mac: '02:00:00:00:00:01',
        addresses: [
          { family: 4, address: '192.0.2.1', prefixLength: 24, cidr: '192.0.2.1/24', scope: 'global' },
          { family: 6, address: 'fe80::1', prefixLength: 64, cidr: 'fe80::1/64', scope: 'link' },
        ],
      },
      { ifindex: 3, ifname: 'tun0', up: false, adminUp: false, addresses: [] },
    ]);
  });

  test('link changes: carrier lost, MAC changed, deleted and re-created with a new ifindex; no change reports false', () => {
    const c = new LinkCache();
    c.reset([eth0], [{ ifindex: 2, address: addr('192.0.2.1/24') }]);
    expect(c.apply({ type: 'newlink', link: { ...eth0 } })).toBe(false);
    expect(c.apply({ type: 'newlink', link: { ...eth0, lowerUp: false } })).toBe(true);
    expect(c.snapshot()[0]).toMatchObject({ up: false, adminUp: true, addresses: [{ cidr: '192.0.2.1/24' }] });
    expect(c.apply({ type: 'newlink', link: { ...eth0, mac: '02:00:00:00:02:0a' } })).toBe(true);
    expect(c.byName('eth0')?.mac).toBe('02:00:00:00:02:0a');
    expect(c.apply({ type: 'dellink', ifindex: 2 })).toBe(true);
    expect(c.apply({ type: 'dellink', ifindex: 2 })).toBe(false);
    expect(c.byName('eth0')).toBeUndefined();
    expect(c.apply({ type: 'newlink', link: { ...eth0, ifindex: 7 } })).toBe(true);
    expect(c.snapshot()).toEqual([expect.objectContaining({ ifindex: 7, ifname: 'eth0', addresses: [] })]);
  });

  test('IPv4: a primary goes after the last primary of the same or a narrower scope, a secondary at the end (__inet_insert_ifa)', () => {
    const c = new LinkCache();
    c.reset([eth0], [{ ifindex: 2, address: addr('192.0.2.1/24') }]);
    expect(c.apply({ type: 'newaddr', ifindex: 2, address: addr('192.0.2.100/24', { secondary: true }) })).toBe(true);
    expect(c.apply({ type: 'newaddr', ifindex: 2, address: addr('198.51.100.1/24') })).toBe(true);
    expect(c.apply({ type: 'newaddr', ifindex: 2, address: addr('203.0.113.1/32', { rtScope: 253 }) })).toBe(true);
    // As `ip addr` shows it after the same adds: the scope-link primary first.
    expect(cidrs(c)).toEqual(['203.0.113.1/32', '192.0.2.1/24', '198.51.100.1/24', '192.0.2.100/24']);
    // Same address, other prefix length: another address for IPv4.
    expect(c.apply({ type: 'newaddr', ifindex: 2, address: addr('192.0.2.1/32') })).toBe(true);
    expect(cidrs(c)).toContain('192.0.2.1/32');
  });

  test('IPv4: a secondary promoted to primary moves; a repeated message changes nothing', () => {
    const c = new LinkCache();
    c.reset([eth0], [{ ifindex: 2, address: addr('192.0.2.1/24') }, { ifindex: 2, address: addr('198.51.100.1/24') }, { ifindex: 2, address: addr('192.0.2.100/24', { secondary: true }) }]);
    expect(c.apply({ type: 'newaddr', ifindex: 2, address: addr('192.0.2.100/24', { secondary: true }) })).toBe(false);
    expect(c.apply({ type: 'deladdr', ifindex: 2, address: addr('192.0.2.1/24') })).toBe(true);
    expect(c.apply({ type: 'newaddr', ifindex: 2, address: addr('192.0.2.100/24') })).toBe(true);
    expect(cidrs(c)).toEqual(['198.51.100.1/24', '192.0.2.100/24']);
    expect(c.apply({ type: 'deladdr', ifindex: 2, address: addr('192.0.2.55/24') })).toBe(false);
  });

  test('IPv6: newest first within a scope, global before link-local (ipv6_link_dev_addr); keyed by address', () => {
    const c = new LinkCache();
    c.reset([eth0], [{ ifindex: 2, address: addr('2001:db8::1/64') }, { ifindex: 2, address: addr('fe80::1/64') }]);
    c.apply({ type: 'newaddr', ifindex: 2, address: addr('2001:db8::100/64') });
    c.apply({ type: 'newaddr', ifindex: 2, address: addr('fe80::100/64') });
    expect(cidrs(c)).toEqual(['2001:db8::100/64', '2001:db8::1/64', 'fe80::100/64', 'fe80::1/64']);
    expect(c.apply({ type: 'newaddr', ifindex: 2, address: addr('2001:db8::100/64') })).toBe(false);
    expect(c.apply({ type: 'deladdr', ifindex: 2, address: addr('2001:db8::100/64') })).toBe(true);
    expect(c.hasAddress(2, 6, '2001:db8::100')).toBe(false);
    expect(c.hasAddress(2, 6, 'fe80::100', 64)).toBe(true);
  });

  test('addresses of an unknown link are ignored; snapshot copies cannot change the cache', () => {
    const c = new LinkCache();
    c.reset([eth0], []);
    expect(c.apply({ type: 'newaddr', ifindex: 5, address: addr('192.0.2.5/24') })).toBe(false);
    c.apply({ type: 'newaddr', ifindex: 2, address: addr('192.0.2.1/24') });
    const snap = c.snapshot();
    snap[0].addresses.length = 0;
    snap[0].ifname = 'x';
    expect(cidrs(c)).toEqual(['192.0.2.1/24']);
    expect(c.byName('eth0')).toBeDefined();
  });

  test('scope names as iproute2 prints them', () => {
    expect([0, 200, 253, 254, 7].map(scopeName)).toEqual(['global', 'site', 'link', 'host', '7']);
  });
});

describe('LinkCache address index', () => {
  // Addresses of a small pool on two links, with a few prefix lengths, in any order of adds, removes,
  // links deleted and re-created, and dumps: hasAddress (the index) answers as a scan of the lists would.
  const pool = ['192.0.2.1', '192.0.2.2', '198.51.100.7', '2001:db8::1', '2001:db8::2', 'fe80::1'];
  const eventArb = fc.oneof(
    fc.record({ type: fc.constantFrom('newaddr' as const, 'deladdr' as const), ifindex: fc.constantFrom(2, 3), address: fc.constantFrom(...pool), prefix: fc.constantFrom(24, 32, 64), secondary: fc.boolean() }),
    fc.record({ type: fc.constantFrom('dellink' as const, 'newlink' as const), ifindex: fc.constantFrom(2, 3) }),
    fc.constant({ type: 'reset' as const }),
  );
  const facts = (ifindex: number): LinkFacts => ({ ifindex, ifname: `eth${ifindex}`, adminUp: true, lowerUp: true });
  const cached = (address: string, prefix: number, secondary: boolean): CachedAddress => {
    const family = address.includes(':') ? 6 : 4;
    const prefixLength = family === 6 ? 64 : prefix;
    return { family, address, prefixLength, cidr: `${address}/${prefixLength}`, scope: address.startsWith('fe80') ? 'link' : 'global', rtScope: address.startsWith('fe80') ? 253 : 0, secondary: family === 4 && secondary };
  };
  test('hasAddress agrees with the links as listed, after any sequence of messages', () => {
    fc.assert(
      fc.property(fc.array(eventArb, { maxLength: 40 }), (events) => {
        const cache = new LinkCache();
        cache.reset([facts(2), facts(3)], []);
        for (const e of events) {
          if (e.type === 'reset') {
            const snap = cache.snapshot();
            cache.reset(snap.map((l) => facts(l.ifindex)), snap.flatMap((l) => l.addresses.map((a) => ({ ifindex: l.ifindex, address: { ...a, rtScope: a.scope === 'link' ? 253 : 0, secondary: false } }))));
          } else if ('address' in e) cache.apply({ type: e.type, ifindex: e.ifindex, address: cached(e.address, e.prefix, e.secondary) });
          else if (e.type === 'dellink') cache.apply({ type: 'dellink', ifindex: e.ifindex });
          else cache.apply({ type: 'newlink', link: facts(e.ifindex) });
        }
        const links = cache.snapshot();
        for (const ifindex of [2, 3]) {
          const listed = links.find((l) => l.ifindex === ifindex)?.addresses ?? [];
          for (const address of pool) {
            const family = address.includes(':') ? 6 : 4;
            expect(cache.hasAddress(ifindex, family, address)).toBe(listed.some((a) => a.address === address));
            for (const p of [24, 32, 64]) expect(cache.hasAddress(ifindex, family, address, p)).toBe(listed.some((a) => a.address === address && a.prefixLength === p));
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});
