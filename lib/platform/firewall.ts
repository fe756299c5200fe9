/**
 * Accept_Mode on Linux (RFC 9568 §6.1; keepalived.conf(5) `no_accept`): a non-owner MASTER without accept
 * mode must not accept packets addressed to its VIPs. One nftables table of our own, `table inet vrrpd`,
 * holds a set of those addresses per family and an input and an output base chain (priority filter - 1,
 * before the usual filter chains, as keepalived's) that drop packets to and from them. ICMPv6 neighbour
 * solicitations and advertisements pass (others must still resolve the VIP, and NUD probes are addressed to
 * it; MLD reports pass on output); ARP is not IP and never reaches an inet table.
 *
 * The table is written whole with one `nft -f -` run per change (start, a reload that changes it, stop),
 * never on a state transition: the `netlink` package has no nfnetlink (NFNL_SUBSYS_NFTABLES) support, and
 * hand-encoding nf_tables rule expressions is not worth a spawn at start. The script first creates and
 * deletes the table, so it replaces a table left by a daemon killed with SIGKILL in one transaction.
 */
import { spawn } from 'node:child_process';
import { isIPv4, isIPv6 } from '../packet/address';
import { isEmptyVipDrops, VipDrops } from './types';

/** Name of our table (family inet) unless the platform is told another. */
export const DEFAULT_NFT_TABLE = 'vrrpd';

/** ICMPv6 types that pass in either direction: neighbour discovery for the VIPs (RFC 4861 §7). */
const ND_TYPES = 'nd-neighbor-solicit, nd-neighbor-advert';
/** And on output the MLD reports of their solicited-node groups (RFC 3810), which may leave from a link-local VIP. */
const OUT_ICMPV6_TYPES = `${ND_TYPES}, mld-listener-report, mld2-listener-report`;

function checkTable(table: string): void {
  if (!/^[A-Za-z][A-Za-z0-9_]{0,63}$/.test(table)) throw new Error(`not an nftables table name: ${JSON.stringify(table)}`);
}

function elements(list: readonly string[]): string[] {
  return list.length === 0 ? [] : [`\t\telements = { ${list.join(', ')} }`];
}

function set(name: string, type: string, list: readonly string[]): string[] {
  return [`\tset ${name} {`, `\t\ttype ${type}`, ...elements(list), '\t}'];
}

/**
 * The nft script that makes `table inet TABLE` hold exactly `drops` (an empty `drops`: the table is
 * removed, or stays absent). Pure. @throws Error on an address or interface name that is not one (nothing
 * from the configuration reaches nft unchecked).
 */
export function nftVipDropScript(drops: VipDrops, table = DEFAULT_NFT_TABLE): string {
  checkTable(table);
  for (const a of drops.ipv4) if (!isIPv4(a)) throw new Error(`not an IPv4 address: ${JSON.stringify(a)}`);
  for (const a of [...drops.ipv6, ...drops.ipv6LinkLocal.map((l) => l.address)]) if (!isIPv6(a)) throw new Error(`not an IPv6 address: ${JSON.stringify(a)}`);
  for (const { ifname } of drops.ipv6LinkLocal) {
    if (!/^[^\s"\\/:]{1,15}$/.test(ifname)) throw new Error(`not an interface name: ${JSON.stringify(ifname)}`);
  }
  const head = [`table inet ${table} {}`, `delete table inet ${table}`];
  if (isEmptyVipDrops(drops)) return `${head.join('\n')}\n`;
  const chain = (name: 'input' | 'output', dir: 'daddr' | 'saddr', ifKey: 'iifname' | 'oifname', icmp: string): string[] => [
    `\tchain ${name} {`,
    `\t\ttype filter hook ${name} priority filter - 1; policy accept;`,
    `\t\ticmpv6 type { ${icmp} } accept`,
    `\t\tip ${dir} @vips4 drop`,
    `\t\tip6 ${dir} @vips6 drop`,
    `\t\tip6 ${dir} . ${ifKey} @vips6_link_local drop`,
    '\t}',
  ];
  return [
    ...head,
    `table inet ${table} {`,
    ...set('vips4', 'ipv4_addr', drops.ipv4),
    ...set('vips6', 'ipv6_addr', drops.ipv6),
    ...set('vips6_link_local', 'ipv6_addr . ifname', drops.ipv6LinkLocal.map((l) => `${l.address} . "${l.ifname}"`)),
    ...chain('input', 'daddr', 'iifname', ND_TYPES),
    ...chain('output', 'saddr', 'oifname', OUT_ICMPV6_TYPES),
    '}',
    '',
  ].join('\n');
}

/** Options of `applyVipDrops`. */
export interface NftOptions {
  /** Table name (family inet); default "vrrpd". */
  table?: string;
  /** The nft program; default "nft" (on PATH). */
  command?: string;
  /** Milliseconds the run may take before it is killed; default 5000. */
  timeoutMs?: number;
}

/** Runs `command -f -` with `script` on stdin; resolves the exit code and stderr, or the spawn error code. */
function runNft(command: string, script: string, timeoutMs: number): Promise<{ code: number | null; stderr: string; spawnError?: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, ['-f', '-'], { stdio: ['pipe', 'ignore', 'pipe'] });
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdin.on('error', () => undefined); // EPIPE when nft is gone; the exit reports it
    child.on('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      resolve({ code: null, stderr, spawnError: e.code ?? e.message });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, stderr: signal ? `${stderr}killed by ${signal} after ${timeoutMs} ms` : stderr });
    });
    child.stdin.end(script);
  });
}

/**
 * Makes the network namespace of this process drop exactly `drops` (see the module comment). Without nft
 * installed an empty `drops` is done (no table can be there); otherwise it rejects.
 * @throws Error naming nft and its message when it is missing (and needed) or refuses the script.
 */
export async function applyVipDrops(drops: VipDrops, opts: NftOptions = {}): Promise<void> {
  const command = opts.command ?? 'nft';
  const r = await runNft(command, nftVipDropScript(drops, opts.table), opts.timeoutMs ?? 5000);
  if (r.spawnError === 'ENOENT') {
    if (isEmptyVipDrops(drops)) return;
    throw new Error(`no_accept (or vrrp_strict without accept) needs nftables but ${command} is not installed (Debian package nftables); install it, or set \`accept\` on the instance`);
  }
  if (r.spawnError !== undefined) throw new Error(`${command} -f -: ${r.spawnError}`);
  if (r.code !== 0) throw new Error(`${command} -f - refused the VIP drop rules (exit ${r.code ?? 'none'}): ${r.stderr.trim().split('\n').slice(0, 3).join(' / ')}`);
}
