/**
 * Reload: how an instance's new spec differs from its running one. `same`: keep everything; `reconfigure`:
 * the router takes the new configuration in place (VirtualRouter.reconfigure); `replace`: what identifies
 * the instance on the wire changed (VRID, family, version, the interface it speaks on, its source
 * address), so it stops (priority 0, VIPs removed) and starts anew.
 */
import type { InstanceSpec } from './spec';

/** The verdict, with the names of the fields that changed. */
export type InstanceDiff = { kind: 'same' } | { kind: 'reconfigure' | 'replace'; changes: string[] };

const IDENTITY = ['vrid', 'family', 'version', 'primaryAddress'] as const;

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Compares two specs of one instance name. */
export function diffInstance(old: InstanceSpec, next: InstanceSpec): InstanceDiff {
  const changes: string[] = [];
  for (const k of Object.keys({ ...old.router, ...next.router }) as Array<keyof InstanceSpec['router']>) {
    if (!same(old.router[k], next.router[k])) changes.push(k);
  }
  for (const k of Object.keys({ ...old, ...next }) as Array<keyof InstanceSpec>) {
    if (k !== 'router' && !same(old[k], next[k])) changes.push(k);
  }
  if (changes.length === 0) return { kind: 'same' };
  const replace = changes.some((c) => (IDENTITY as readonly string[]).includes(c) || c === 'rxInterface' || c === 'interface');
  return { kind: replace ? 'replace' : 'reconfigure', changes };
}
