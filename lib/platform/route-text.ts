/**
 * Routes and rules as one line of ip-route(8) / ip-rule(8) text, for log lines, error messages and the
 * in-memory platform's listing. Pure.
 */
import type { RouteSpec, RuleSpec } from './types';

const TABLES: Record<number, string> = { 253: 'default', 254: 'main', 255: 'local' };
const table = (t: number): string => TABLES[t] ?? String(t);

/** e.g. "203.0.113.0/24 via 192.0.2.1 dev eth0 table 100 proto 18"; the type first unless unicast. */
export function routeText(r: RouteSpec): string {
  const parts: string[] = [];
  if (r.type !== 'unicast') parts.push(r.type);
  parts.push(r.dst);
  if (r.src !== undefined) parts.push('src', r.src);
  if (r.via !== undefined) parts.push('via', r.via);
  if (r.dev !== undefined) parts.push('dev', r.dev);
  if (r.scope !== undefined) parts.push('scope', String(r.scope));
  if (r.table !== 254) parts.push('table', table(r.table));
  if (r.metric !== undefined) parts.push('metric', String(r.metric));
  if (r.tos !== undefined) parts.push('tos', String(r.tos));
  parts.push('proto', String(r.protocol));
  for (const [k, v] of Object.entries(r.metrics)) parts.push(k, String(v));
  if (r.onlink) parts.push('onlink');
  return parts.join(' ');
}

/** e.g. "from 198.51.100.0/24 lookup 100 pref 100 proto 18". */
export function ruleText(r: RuleSpec): string {
  const parts: string[] = [];
  if (r.invert) parts.push('not');
  const all = (p: string | undefined): boolean => p === undefined || p.endsWith('/0');
  parts.push('from', all(r.from) ? 'all' : (r.from as string));
  if (!all(r.to)) parts.push('to', r.to as string);
  if (r.tos !== undefined) parts.push('tos', String(r.tos));
  if (r.fwmark !== undefined) parts.push('fwmark', r.fwmask !== undefined ? `${r.fwmark}/${r.fwmask}` : String(r.fwmark));
  if (r.iif !== undefined) parts.push('iif', r.iif);
  if (r.oif !== undefined) parts.push('oif', r.oif);
  if (r.l3mdev) parts.push('l3mdev');
  if (r.uidRange) parts.push('uidrange', `${r.uidRange[0]}-${r.uidRange[1]}`);
  if (r.ipProto !== undefined) parts.push('ipproto', String(r.ipProto));
  if (r.sport) parts.push('sport', `${r.sport[0]}-${r.sport[1]}`);
  if (r.dport) parts.push('dport', `${r.dport[0]}-${r.dport[1]}`);
  if (r.action === 'table') parts.push('lookup', table(r.table ?? 254));
  else if (r.action === 'goto') parts.push('goto', String(r.goto));
  else parts.push(r.action);
  if (r.suppressPrefixLength !== undefined) parts.push('suppress_prefixlength', String(r.suppressPrefixLength));
  if (r.preference !== undefined) parts.push('pref', String(r.preference));
  parts.push('proto', String(r.protocol));
  return parts.join(' ');
}
