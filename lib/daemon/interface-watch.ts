/**
 * What the daemon learns from each link report of the platform (`watchLinks`), as pure functions of the
 * snapshots:
 * - an interface listed again with another ifindex was deleted and created again: sockets bound to it
 *   are dead and its addresses are gone; one whose MAC changed needs its VIPs announced again
 *   (`InterfaceWatch`);
 * - a vmac we made that is missing, administratively down, or (IPv6) without its link-local address must
 *   be made whole again, as keepalived does (`vmacRepairs`).
 */
import type { LinkInfo } from '../platform/types';

/**
 * A watched interface that changed between two polls: `replaced` = listed again with another ifindex
 * (from/to: ifindex); `mac` = same ifindex, another link-layer address (from/to: MAC), after which a
 * MASTER's earlier gratuitous ARPs / NAs point hosts at a MAC nobody answers to.
 */
export type InterfaceChange =
  | { ifname: string; kind: 'replaced'; from: number; to: number }
  | { ifname: string; kind: 'mac'; from: string; to: string };

/** Remembers the ifindex and MAC of the watched interfaces across polls. */
export class InterfaceWatch {
  private readonly last = new Map<string, { ifindex?: number; mac?: string }>();

  watch(ifname: string): void {
    if (!this.last.has(ifname)) this.last.set(ifname, {});
  }

  /** The watched interfaces that were replaced or changed MAC since the last poll (absent ones are skipped). */
  update(links: readonly LinkInfo[]): InterfaceChange[] {
    const out: InterfaceChange[] = [];
    for (const [ifname, seen] of this.last) {
      const link = links.find((l) => l.ifname === ifname);
      if (link === undefined) continue;
      const mac = link.mac?.toLowerCase();
      if (seen.ifindex !== undefined && link.ifindex !== seen.ifindex) {
        out.push({ ifname, kind: 'replaced', from: seen.ifindex, to: link.ifindex });
      } else if (seen.mac !== undefined && mac !== undefined && mac !== seen.mac) {
        out.push({ ifname, kind: 'mac', from: seen.mac, to: mac });
      }
      this.last.set(ifname, { ifindex: link.ifindex, mac: mac ?? seen.mac });
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
export function vmacRepairs(vmacs: readonly KeptVmac[], links: readonly LinkInfo[]): Array<{ name: string; why: string }> {
  const out: Array<{ name: string; why: string }> = [];
  for (const v of vmacs) {
    const link = links.find((l) => l.ifname === v.name);
    if (!link) out.push({ name: v.name, why: `${v.name} is gone` });
    else if (!link.adminUp) out.push({ name: v.name, why: `${v.name} was set down` });
    else if (v.family === 6 && !link.addresses.some((a) => a.family === 6 && a.scope === 'link')) {
      out.push({ name: v.name, why: `${v.name} lost its link-local address` });
    }
  }
  return out;
}
