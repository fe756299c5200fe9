/** lib/packet/address-cache.ts: memoised address texts and the shared entries of addresses read from packets. */
import { addressAt, canonicalAddressCached, canonicalListCached, CANONICAL_CACHE_SIZE } from '../../lib/packet/address-cache';
import { formatAddress, parseAddress } from '../../lib/packet/address';

describe('addressAt', () => {
  test('the text and bytes of the address at an offset; the same entry for the same bytes anywhere', () => {
    const buf = Buffer.from([0, 192, 0, 2, 1, 192, 0, 2, 1, 192, 0, 2, 2]);
    const a = addressAt(buf, 1, 4);
    expect(a.text).toBe('192.0.2.1');
    expect([...a.bytes]).toEqual([192, 0, 2, 1]);
    expect(a.bytes).toBeInstanceOf(Uint8Array);
    expect(Buffer.isBuffer(a.bytes)).toBe(false);
    expect(addressAt(buf, 5, 4)).toBe(a);
    expect(addressAt(buf, 9, 4).text).toBe('192.0.2.2');
    // A copy: the packet's buffer read into again does not change it.
    buf.fill(0);
    expect(a.text).toBe('192.0.2.1');
    expect([...a.bytes]).toEqual([192, 0, 2, 1]);
  });

  test('IPv6: canonical text (RFC 5952), and addresses that differ in one byte are told apart', () => {
    const x = parseAddress('2001:db8::1', 6);
    const y = parseAddress('2001:db8::101', 6);
    const buf = Buffer.concat([x, y]);
    expect(addressAt(buf, 0, 6).text).toBe('2001:db8::1');
    expect(addressAt(buf, 16, 6).text).toBe('2001:db8::101');
    for (let k = 0; k < 200; k++) {
      const b = parseAddress(`2001:db8::${k.toString(16)}`, 6);
      expect(addressAt(b, 0, 6).text).toBe(formatAddress(b, 0, 6));
    }
  });

  test('bounded: past CANONICAL_CACHE_SIZE distinct addresses it starts over and still answers right', () => {
    const b = Buffer.alloc(4);
    for (let k = 0; k < CANONICAL_CACHE_SIZE + 10; k++) {
      b.writeUInt32BE(0xc6336400 + k); // 198.51.100.0 and up
      expect(addressAt(b, 0, 4).text).toBe(formatAddress(b, 0, 4));
    }
  });
});

describe('canonical caches', () => {
  test('canonicalAddressCached and canonicalListCached give the canonical texts, a list once per list object', () => {
    expect(canonicalAddressCached('2001:DB8:0::1')).toBe('2001:db8::1');
    const list = ['2001:DB8::1', '192.0.2.1'];
    const c = canonicalListCached(list);
    expect(c).toEqual(['2001:db8::1', '192.0.2.1']);
    expect(canonicalListCached(list)).toBe(c);
  });
});
