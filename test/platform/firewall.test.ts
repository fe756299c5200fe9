/**
 * The no_accept firewall (lib/platform/firewall.ts): the nft script is pure text, checked here exactly;
 * `applyVipDrops` is run against stand-in programs (no nft, no root, nothing changed on the host).
 */
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { applyVipDrops, nftVipDropScript } from '../../lib/platform/firewall';
import { noVipDrops, VipDrops } from '../../lib/platform/types';

const full: VipDrops = {
  ipv4: ['192.0.2.100', '198.51.100.7'],
  ipv6: ['2001:db8::100'],
  ipv6LinkLocal: [{ address: 'fe80::100', ifname: 'eth0' }],
};

describe('nftVipDropScript', () => {
  test('replaces the whole table in one transaction: sets of the VIPs, input and output chains that let ND (and MLD out) pass and drop the rest', () => {
    expect(nftVipDropScript(full)).toBe(`table inet vrrpd {}
delete table inet vrrpd
table inet vrrpd {
\tset vips4 {
\t\ttype ipv4_addr
\t\telements = { 192.0.2.100, 198.51.100.7 }
\t}
\tset vips6 {
\t\ttype ipv6_addr
\t\telements = { 2001:db8::100 }
\t}
\tset vips6_link_local {
\t\ttype ipv6_addr . ifname
\t\telements = { fe80::100 . "eth0" }
\t}
\tchain input {
\t\ttype filter hook input priority filter - 1; policy accept;
\t\ticmpv6 type { nd-neighbor-solicit, nd-neighbor-advert } accept
\t\tip daddr @vips4 drop
\t\tip6 daddr @vips6 drop
\t\tip6 daddr . iifname @vips6_link_local drop
\t}
\tchain output {
\t\ttype filter hook output priority filter - 1; policy accept;
\t\ticmpv6 type { nd-neighbor-solicit, nd-neighbor-advert, mld-listener-report, mld2-listener-report } accept
\t\tip saddr @vips4 drop
\t\tip6 saddr @vips6 drop
\t\tip6 saddr . oifname @vips6_link_local drop
\t}
}
`);
  });

  test('an empty set has no elements line', () => {
    const s = nftVipDropScript({ ipv4: ['192.0.2.100'], ipv6: [], ipv6LinkLocal: [] });
    expect(s).toContain('\tset vips6 {\n\t\ttype ipv6_addr\n\t}');
    expect(s.match(/elements/g)).toHaveLength(1);
  });

  test('no drops: the table is removed (or stays absent), nothing else', () => {
    expect(nftVipDropScript(noVipDrops())).toBe('table inet vrrpd {}\ndelete table inet vrrpd\n');
    expect(nftVipDropScript(noVipDrops(), 'keep_alive2')).toBe('table inet keep_alive2 {}\ndelete table inet keep_alive2\n');
  });

  test('refuses what is not an address, an interface name or a table name (nothing reaches nft unchecked)', () => {
    expect(() => nftVipDropScript({ ...noVipDrops(), ipv4: ['192.0.2.1; flush ruleset'] })).toThrow('not an IPv4 address');
    expect(() => nftVipDropScript({ ...noVipDrops(), ipv6: ['192.0.2.1'] })).toThrow('not an IPv6 address');
    expect(() => nftVipDropScript({ ...noVipDrops(), ipv6LinkLocal: [{ address: 'fe80::1', ifname: 'eth0" }' }] })).toThrow('not an interface name');
    expect(() => nftVipDropScript({ ...noVipDrops(), ipv6LinkLocal: [{ address: 'fe80::1', ifname: 'a-very-long-name0' }] })).toThrow('not an interface name');
    expect(() => nftVipDropScript(noVipDrops(), 'x y')).toThrow('not an nftables table name');
  });
});

describe('applyVipDrops', () => {
  let dir: string;
  beforeAll(() => (dir = mkdtempSync(path.join(tmpdir(), 'vrrpt-nft-'))));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** A stand-in for nft that records its arguments and stdin, then exits with `code` (printing `err`). */
  function fakeNft(name: string, code: number, err = ''): { command: string; seen: () => { args: string; stdin: string } } {
    const command = path.join(dir, name);
    writeFileSync(command, `#!/bin/sh\necho "$@" > "${command}.args"\ncat > "${command}.stdin"\nprintf '%s' '${err}' >&2\nexit ${code}\n`);
    chmodSync(command, 0o755);
    return { command, seen: () => ({ args: readFileSync(`${command}.args`, 'utf8').trim(), stdin: readFileSync(`${command}.stdin`, 'utf8') }) };
  }

  test('hands the script to `nft -f -` on stdin', async () => {
    const nft = fakeNft('ok', 0);
    await applyVipDrops(full, { command: nft.command, table: 't1' });
    expect(nft.seen()).toEqual({ args: '-f -', stdin: nftVipDropScript(full, 't1') });
  });

  test('a refusal rejects with nft\'s message', async () => {
    const nft = fakeNft('bad', 1, 'Error: Could not process rule: Operation not permitted');
    await expect(applyVipDrops(full, { command: nft.command })).rejects.toThrow('refused the VIP drop rules (exit 1): Error: Could not process rule: Operation not permitted');
  });

  test('without nft: nothing to remove is done; drops to install are refused, saying what to install', async () => {
    const command = path.join(dir, 'no-such-nft');
    await expect(applyVipDrops(noVipDrops(), { command })).resolves.toBeUndefined();
    await expect(applyVipDrops(full, { command })).rejects.toThrow('needs nftables but');
    await expect(applyVipDrops(full, { command })).rejects.toThrow('Debian package nftables');
  });

  test('a hanging nft is killed after the timeout', async () => {
    const command = path.join(dir, 'hang');
    writeFileSync(command, '#!/bin/sh\nexec sleep 10\n');
    chmodSync(command, 0o755);
    await expect(applyVipDrops(full, { command, timeoutMs: 200 })).rejects.toThrow('killed by SIGKILL after 200 ms');
  });
});
