/**
 * Address entries: `virtual_ipaddress` lines, `unicast_peer` lines and single address arguments.
 * Syntax checks go through lib/packet/address.ts; which ranges are sensible is not the parser's concern.
 */
import { familyOf } from '../packet/address';
import { failAt, type Token } from './lexer';
import type { ConfigNode } from './parser';
import { block, extraArgs, intOf, loc, noBlock, textArg, type Warnings } from './context';
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

/** `ip address` options keepalived takes on a VIP line besides dev/label/scope/brd: with a value, or flags. */
const VIP_VALUED = new Set(['peer', 'preferred_lft', 'track_group']);
const VIP_FLAGS = new Set(['home', '-nodad', 'nodad', 'mngtmpaddr', 'noprefixroute', 'autojoin', 'no_track', 'use_vmac']);
const SCOPES = new Set(['site', 'link', 'host', 'nowhere', 'global']);

/**
 * One `IP[/len] [dev IF] [label L] [scope S] [brd B] [peer P] [home] ...` line (keepalived 2.2.7). The
 * options other than dev are read into the entry and warned about once per block: vrrpd does not apply
 * them yet. An unknown option is warned about.
 * @throws ConfigError for a bad address, prefix length, scope or a missing option value.
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
    if (VIP_FLAGS.has(a.text)) {
      vip.extra = { ...vip.extra, [a.text]: true };
      continue;
    }
    const opt = VIP_OPTIONS.get(a.text);
    if (opt === undefined && !VIP_VALUED.has(a.text)) {
      w.add(a, `${blockName}: option '${a.text}' is not supported; ignored`);
      continue;
    }
    const v = node.args[i + 1];
    if (!v) failAt(a, `${blockName}: '${a.text}' needs a value`);
    i++;
    if (opt === undefined) {
      if (a.text === 'peer') addressOf(v, `${blockName} peer`);
      if (a.text === 'track_group') w.add(a, `${blockName}: track_group applies to static addresses only (keepalived.conf(5)); ignored`);
      else vip.extra = { ...vip.extra, [a.text]: v.text };
      continue;
    }
    if (opt === 'brd' && v.text !== '-' && v.text !== '+') addressOf(v, `${blockName} brd`);
    if (opt === 'scope' && !SCOPES.has(v.text) && !/^\d+$/.test(v.text)) failAt(v, `${blockName}: scope must be site, link, host, nowhere, global or a number, got '${v.text}'`);
    vip[opt] = v.text;
  }
  return vip;
}

/** All entries of a `virtual_ipaddress` / `virtual_ipaddress_excluded` block. */
export function parseVirtualAddressBlock(node: ConfigNode, w: Warnings): VirtualAddress[] {
  extraArgs(node, 0, w);
  const out: VirtualAddress[] = [];
  for (const entry of block(node)) {
    const v = w.attempt(() => parseVirtualAddress(entry, node.keyword, w), undefined);
    if (v) out.push(v);
  }
  return out;
}

/** One unicast peer: `ADDR [min_ttl 0..255] [max_ttl 0..255]`. */
export interface UnicastPeer {
  address: string;
  family: 4 | 6;
  at: Token;
  minTtl?: number;
  maxTtl?: number;
}

/** The peers of a `unicast_peer` block; a bad line is recorded in `w` and the next one read. */
export function parseUnicastPeers(node: ConfigNode, w: Warnings): UnicastPeer[] {
  extraArgs(node, 0, w);
  const out: UnicastPeer[] = [];
  for (const entry of block(node)) {
    w.attempt(() => {
      noBlock(entry);
      const peer: UnicastPeer = { ...addressOf(entry.token, 'unicast_peer'), at: entry.token };
      for (let i = 0; i < entry.args.length; i += 2) {
        const k = entry.args[i];
        if (k.text !== 'min_ttl' && k.text !== 'max_ttl') failAt(k, `unicast_peer: unknown option '${k.text}'; expected min_ttl or max_ttl`);
        const v = entry.args[i + 1];
        if (!v) failAt(k, `unicast_peer: ${k.text} needs a value 0..255`);
        const n = intOf(v, k.text, 0, 255);
        if (k.text === 'min_ttl') peer.minTtl = n;
        else peer.maxTtl = n;
      }
      out.push(peer);
    }, undefined);
  }
  return out;
}
