/**
 * What the daemon learns from each interface poll (`ip -j addr show`, see trackers.ts), as pure functions
 * of the snapshots:
 * - an interface listed again with another ifindex was deleted and created again: sockets bound to it
 *   are dead and its addresses are gone (`IfindexWatch`);
 * - a vmac we made that is missing, administratively down, or (IPv6) without its link-local address must
 *   be made whole again, as keepalived does (`vmacRepairs`).
 */
import type { LinkSnapshot } from './trackers';

/** An interface seen with a new ifindex. */
export interface Replacement {
  ifname: string;
  from: number;
  to: number;
}

/** Remembers the ifindex of the watched interfaces across polls. */
export class IfindexWatch {
  private readonly last = new Map<string, number | undefined>();

  watch(ifname: string): void {
    if (!this.last.has(ifname)) this.last.set(ifname, undefined);
  }

  /** The watched interfaces whose ifindex differs from the one last seen (absent ones are skipped). */
  update(links: readonly LinkSnapshot[]): Replacement[] {
    const out: Replacement[] = [];
    for (const [ifname, from] of this.last) {
      const to = links.find((l) => l.ifname === ifname)?.ifindex;
      if (to === undefined) continue;
      this.last.set(ifname, to);
      if (from !== undefined && to !== from) out.push({ ifname, from, to });
    }
    return out;
  }
}

/** A vmac the daemon keeps: its name and whether it must carry an IPv6 link-local address. */
export interface KeptVmac {
  name: string;
  family: 4 | 6;
}

/** The vmacs that need `createVmac` again, with the reason. */
export function vmacRepairs(vmacs: readonly KeptVmac[], links: readonly LinkSnapshot[]): Array<{ name: string; why: string }> {
  const out: Array<{ name: string; why: string }> = [];
  for (const v of vmacs) {
    const link = links.find((l) => l.ifname === v.name);
    if (!link) out.push({ name: v.name, why: `${v.name} is gone` });
    else if (!link.flags?.includes('UP')) out.push({ name: v.name, why: `${v.name} was set down` });
    else if (v.family === 6 && !link.addr_info?.some((a) => a.family === 'inet6' && a.scope === 'link')) {
      out.push({ name: v.name, why: `${v.name} lost its link-local address` });
    }
  }
  return out;
}
