/**
 * Address entries: `virtual_ipaddress` lines, `unicast_peer` lines and single address arguments.
 * Syntax checks go through lib/packet/address.ts; which ranges are sensible is not the parser's concern.
 */
import { familyOf } from '../packet/address';
import { failAt, type Token } from './lexer';
import type { ConfigNode } from './parser';
import { block, extraArgs, loc, noBlock, textArg, type Warnings } from './context';
import type { VirtualAddress } from './types';

/** An IPv4 or IPv6 address token. @throws ConfigError naming the keyword when it is neither. */
export function addressOf(t: Token, keyword: string): { address: string; family: 4 | 6 } {
  const family = familyOf(t.text);
  if (family === null) failAt(t, `${keyword}: '${t.text}' is not an IPv4 or IPv6 address`);
  return { address: t.text, family };
}

/** A keyword with one address argument (`unicast_src_ip`, `mcast_src_ip`). */
export function addressArg(node: ConfigNode, w: Warnings): { address: string; family: 4 | 6; at: Token } {
  textArg(node, 'an IPv4 or IPv6 address', w);
  const t = node.args[0];
  return { ...addressOf(t, node.keyword), at: t };
}

/** VIP line options (a Map: `constructor` or `__proto__` is an unknown option, not a prototype member). */
const VIP_OPTIONS = new Map<string, 'dev' | 'label' | 'scope' | 'brd'>([
  ['dev', 'dev'],
  ['label', 'label'],
  ['scope', 'scope'],
  ['brd', 'brd'],
  ['broadcast', 'brd'],
]);

/**
 * One `IP[/len] [dev IF] [label L] [scope S] [brd B]` line; other keepalived options are warned about.
 * @throws ConfigError for a bad address, prefix length or a missing option value.
 */
export function parseVirtualAddress(node: ConfigNode, blockName: string, w: Warnings): VirtualAddress {
  noBlock(node);
  const t = node.token;
  const [text, len, ...rest] = t.text.split('/');
  const family = familyOf(text);
  if (family === null || rest.length > 0) failAt(t, `${blockName}: '${t.text}' is not an IPv4 or IPv6 address (IP or IP/len)`);
  const vip: VirtualAddress = { at: loc(t), address: text, family };
  if (len !== undefined) {
    const max = family === 4 ? 32 : 128;
    const n = /^\d+$/.test(len) ? Number(len) : NaN;
    if (!(n <= max)) failAt(t, `${blockName}: prefix length of '${t.text}' must be 0..${max}`);
    vip.prefixLength = n;
  }
  for (let i = 0; i < node.args.length; i++) {
    const a = node.args[i];
    const opt = VIP_OPTIONS.get(a.text);
    if (opt === undefined) {
      w.add(a, `${blockName}: option '${a.text}' is not supported; ignored`);
      continue;
    }
    const v = node.args[i + 1];
    if (!v) failAt(a, `${blockName}: '${a.text}' needs a value`);
    if (opt === 'brd') addressOf(v, `${blockName} brd`);
    vip[opt] = v.text;
    i++;
  }
  return vip;
}

/** All entries of a `virtual_ipaddress` / `virtual_ipaddress_excluded` block. */
export function parseVirtualAddressBlock(node: ConfigNode, w: Warnings): VirtualAddress[] {
  extraArgs(node, 0, w);
  return block(node).map((entry) => parseVirtualAddress(entry, node.keyword, w));
}

/** The peers of a `unicast_peer` block (per-peer options such as min_ttl are warned about). */
export function parseUnicastPeers(node: ConfigNode, w: Warnings): { address: string; family: 4 | 6; at: Token }[] {
  extraArgs(node, 0, w);
  return block(node).map((entry) => {
    noBlock(entry);
    extraArgs(entry, 0, w);
    return { ...addressOf(entry.token, 'unicast_peer'), at: entry.token };
  });
}
