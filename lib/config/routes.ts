/**
 * `virtual_routes` and `virtual_rules` entries: the `ip route add` / `ip rule add` syntax keepalived takes
 * (keepalived.conf(5) "Static routes/addresses/rules"; full option names only, no abbreviations).
 */
import { familyOf } from '../packet/address';
import { failAt, type Token } from './lexer';
import type { ConfigNode } from './parser';
import { block, extraArgs, loc, type Warnings } from './context';
import type { VirtualRoute, VirtualRule } from './types';

const ROUTE_TYPES = new Set(['unicast', 'local', 'broadcast', 'multicast', 'throw', 'unreachable', 'prohibit', 'blackhole', 'nat']);
/** Route options followed by a value. */
const ROUTE_VALUED = new Set([
  'src', 'via', 'gw', 'or', 'dev', 'oif', 'scope', 'table', 'metric', 'priority', 'preference', 'protocol', 'proto', 'tos', 'dsfield', 'mtu', 'advmss',
  'rtt', 'rttvar', 'reordering', 'window', 'cwnd', 'ssthresh', 'realms', 'rto_min', 'initcwnd', 'initrwnd', 'hoplimit', 'features', 'pref', 'congctl',
  'fastopen_no_cookie', 'quickack', 'expires', 'vrf', 'track_group', 'to', 'encap', 'nhid', 'ttl-propagate',
]);
/** Route options without a value. */
const ROUTE_FLAGS = new Set(['onlink', 'append', 'lock', 'inet6', 'inet', 'no_track', 'pervasive']);
/** nexthop options. */
const NEXTHOP_VALUED = new Set(['via', 'gw', 'dev', 'weight', 'realms', 'encap']);
const NEXTHOP_FLAGS = new Set(['onlink']);

/** An address or prefix (`ADDR[/LEN]`), its family; null when it is neither. */
function prefixFamily(text: string): 4 | 6 | null {
  const [addr, len, ...rest] = text.split('/');
  if (rest.length) return null;
  const f = familyOf(addr);
  if (f === null) return null;
  if (len !== undefined && !(/^\d+$/.test(len) && Number(len) <= (f === 4 ? 32 : 128))) return null;
  return f;
}

function addr(t: Token | undefined, after: Token, what: string): { text: string; family: 4 | 6 } {
  if (!t) failAt(after, `${after.text} needs ${what}`);
  const f = prefixFamily(t.text);
  if (f === null) failAt(t, `${after.text}: '${t.text}' is not an IPv4 or IPv6 ${what}`);
  return { text: t.text, family: f };
}

/** One `virtual_routes` line. @throws ConfigError for an unknown option, a missing value or a bad address. */
export function parseRoute(node: ConfigNode): VirtualRoute {
  const words = [node.token, ...node.args];
  if (node.children) failAt(node.token, 'a route does not take a { } block; remove the braces');
  const r: Partial<VirtualRoute> & { options: Record<string, string>; flags: string[]; nexthops: string[][]; noTrack: boolean } = { options: {}, flags: [], nexthops: [], noTrack: false };
  const families: { f: 4 | 6; t: Token }[] = [];
  let inet6 = false;
  for (let i = 0; i < words.length; i++) {
    const t = words[i];
    const k = t.text;
    if (r.to === undefined && ROUTE_TYPES.has(k) && i === 0) {
      r.type = k;
      continue;
    }
    if (k === 'nexthop') {
      const hop: string[] = [];
      let j = i + 1;
      while (j < words.length && words[j].text !== 'nexthop' && (NEXTHOP_VALUED.has(words[j].text) || NEXTHOP_FLAGS.has(words[j].text))) {
        const o = words[j];
        hop.push(o.text);
        if (NEXTHOP_VALUED.has(o.text)) {
          const v = words[j + 1];
          if (!v) failAt(o, `nexthop ${o.text} needs a value`);
          if (o.text === 'via' || o.text === 'gw') families.push({ f: addr(v, o, 'gateway address').family, t: v });
          hop.push(v.text);
          j++;
        }
        j++;
      }
      if (hop.length === 0) failAt(t, 'nexthop needs via, dev or weight');
      r.nexthops.push(hop);
      i = j - 1;
      continue;
    }
    if (ROUTE_FLAGS.has(k)) {
      if (k === 'no_track') r.noTrack = true;
      else if (k === 'inet6') inet6 = true;
      else r.flags.push(k);
      continue;
    }
    if (ROUTE_VALUED.has(k)) {
      const v = words[i + 1];
      if (!v) failAt(t, `route option '${k}' needs a value`);
      i++;
      switch (k) {
        case 'to': {
          const a = v.text === 'default' ? null : addr(v, t, 'destination');
          r.to = v.text;
          if (a) families.push({ f: a.family, t: v });
          break;
        }
        case 'src': r.src = addr(v, t, 'source address').text; families.push({ f: prefixFamily(v.text) as 4 | 6, t: v }); break;
        case 'via':
        case 'gw': {
          // `via inet6 ADDR` is ip route's form for another family's gateway.
          const a = v.text === 'inet' || v.text === 'inet6' ? addr(words[++i], v, 'gateway address') : addr(v, t, 'gateway address');
          r.via = a.text;
          if (v.text !== 'inet' && v.text !== 'inet6') families.push({ f: a.family, t: v });
          break;
        }
        case 'or': r.or = addr(v, t, 'gateway address').text; break;
        case 'dev':
        case 'oif': r.dev = v.text; break;
        case 'scope': r.scope = v.text; break;
        case 'table': r.table = v.text; break;
        case 'metric':
        case 'priority':
        case 'preference': r.metric = v.text; break;
        case 'track_group': failAt(t, 'track_group applies to static routes only (keepalived.conf(5)); remove it');
        // eslint-disable-next-line no-fallthrough -- failAt never returns
        default: r.options[k] = v.text;
      }
      continue;
    }
    if (r.to === undefined) {
      if (k === 'default') r.to = k;
      else {
        const f = prefixFamily(k);
        if (f === null) failAt(t, `virtual_routes: '${k}' is neither a destination (ADDR[/LEN] or default) nor a route option; write it as \`ip route add\` takes it`);
        r.to = k;
        families.push({ f, t });
      }
      continue;
    }
    failAt(t, `virtual_routes: unknown route option '${k}' (keepalived takes ip route's full option names)`);
  }
  if (r.to === undefined) failAt(node.token, 'a route needs a destination (ADDR[/LEN] or default)');
  const family = families[0]?.f ?? (inet6 ? 6 : 4);
  for (const x of families) {
    if (x.f !== family) failAt(x.t, `virtual_routes: '${x.t.text}' is IPv${x.f} but the route is IPv${family}; use one family per route`);
  }
  return { ...r, at: loc(node.token), family, to: r.to } as VirtualRoute;
}

/** Rule selectors and actions with a value. */
const RULE_VALUED = new Set([
  'from', 'to', 'table', 'lookup', 'preference', 'priority', 'order', 'iif', 'dev', 'oif', 'tos', 'dsfield', 'fwmark', 'realms', 'goto', 'uidrange',
  'ip_proto', 'ipproto', 'sport', 'dport', 'protocol', 'suppress_prefixlength', 'suppress_ifgroup', 'track_group', 'tun_id',
]);
const RULE_FLAGS = new Set(['l3mdev', 'not', 'blackhole', 'unreachable', 'prohibit', 'nop', 'inet6', 'inet', 'no_track']);

/** One `virtual_rules` line. @throws ConfigError for an unknown selector, a missing value or a bad address. */
export function parseRule(node: ConfigNode): VirtualRule {
  const words = [node.token, ...node.args];
  if (node.children) failAt(node.token, 'a rule does not take a { } block; remove the braces');
  const r: VirtualRule = { at: loc(node.token), family: 4, options: {}, flags: [], noTrack: false };
  const families: { f: 4 | 6; t: Token }[] = [];
  let inet6 = false;
  for (let i = 0; i < words.length; i++) {
    const t = words[i];
    const k = t.text;
    if (RULE_FLAGS.has(k)) {
      if (k === 'no_track') r.noTrack = true;
      else if (k === 'inet6') inet6 = true;
      else if (k !== 'inet') r.flags.push(k);
      continue;
    }
    if (!RULE_VALUED.has(k)) failAt(t, `virtual_rules: unknown rule selector '${k}' (keepalived takes ip rule's full names: from, to, table, preference, iif, oif, fwmark, ...)`);
    const v = words[i + 1];
    if (!v) failAt(t, `rule selector '${k}' needs a value`);
    i++;
    if (k === 'from' || k === 'to') {
      if (v.text !== 'all') {
        const a = addr(v, t, 'prefix');
        families.push({ f: a.family, t: v });
      }
      r[k] = v.text;
    } else if (k === 'table' || k === 'lookup') r.table = v.text;
    else if (k === 'preference' || k === 'priority' || k === 'order') r.preference = v.text;
    else if (k === 'track_group') failAt(t, 'track_group applies to static rules only (keepalived.conf(5)); remove it');
    else r.options[k] = v.text;
  }
  r.family = families[0]?.f ?? (inet6 ? 6 : 4);
  for (const x of families) {
    if (x.f !== r.family) failAt(x.t, `virtual_rules: '${x.t.text}' is IPv${x.f} but the rule is IPv${r.family}; use one family per rule`);
  }
  return r;
}

/** The entries of a `virtual_routes` or `virtual_rules` block; a bad line is recorded and the next read. */
export function parseRouteBlock<T>(node: ConfigNode, parse: (n: ConfigNode) => T, w: Warnings): T[] {
  extraArgs(node, 0, w);
  const out: T[] = [];
  for (const entry of block(node)) {
    const v = w.attempt(() => parse(entry), undefined);
    if (v !== undefined) out.push(v);
  }
  return out;
}
