/**
 * Accept_Mode (RFC 9568 §6.1, keepalived.conf(5) `accept` / `no_accept`): which VIPs the host must not
 * accept packets for. A MASTER that is not the address owner (priority 255) and has no accept mode must
 * not accept packets addressed to its VIPs (RFC 9568 §6.4.3); keepalived applies this to virtual_ipaddress
 * and virtual_ipaddress_excluded alike. `vrrp_strict` without `accept` clears accept mode (lib/config).
 *
 * The drop set does not depend on the state: a BACKUP (or INIT, FAULT) does not have the VIPs, so the
 * kernel delivers nothing addressed to them locally and the drop matches nothing there. The daemon installs
 * it once at start and again when a reload changes it; a transition does no firewall work.
 */
import { compareAddressBytes, familyOf, formatAddress, isLinkLocalV6Bytes, parseAddress } from '../packet/address';
import type { VipDrops } from '../platform/types';
import type { InstanceSpec, NodeSpec } from './spec';

/** True when `inst` drops packets to its VIPs as MASTER: not the owner and without accept mode. */
export function dropsToVips(inst: InstanceSpec): boolean {
  return inst.router.priority !== 255 && !inst.router.acceptMode;
}

function byAddress(a: string, b: string): number {
  return compareAddressBytes(parseAddress(a), parseAddress(b));
}

type Collector = { v4: Set<string>; v6: Set<string>; ll: Map<string, { address: string; ifname: string }> };

const collector = (): Collector => ({ v4: new Set(), v6: new Set(), ll: new Map() });

/** Adds `address` on `ifname` to the right list of `into`, in canonical text. Unparsable text is skipped. */
function add(into: Collector, address: string, ifname: string): void {
  const family = familyOf(address);
  if (family === null) return;
  const bytes = parseAddress(address, family);
  const text = formatAddress(bytes, 0, family);
  if (family === 4) into.v4.add(text);
  else if (isLinkLocalV6Bytes(bytes)) into.ll.set(`${text}%${ifname}`, { address: text, ifname });
  else into.v6.add(text);
}

/** The union of drop sets (reload: the old and the new, while VIPs move). */
export function unionVipDrops(...sets: readonly VipDrops[]): VipDrops {
  const into = collector();
  for (const s of sets) {
    for (const a of s.ipv4) add(into, a, '');
    for (const a of s.ipv6) add(into, a, '');
    for (const l of s.ipv6LinkLocal) add(into, l.address, l.ifname);
  }
  return finish(into);
}

function finish(into: Collector): VipDrops {
  return {
    ipv4: [...into.v4].sort(byAddress),
    ipv6: [...into.v6].sort(byAddress),
    ipv6LinkLocal: [...into.ll.values()].sort((a, b) => byAddress(a.address, b.address) || (a.ifname < b.ifname ? -1 : a.ifname > b.ifname ? 1 : 0)),
  };
}

/** The VIPs (and excluded VIPs, on their devices) of every instance of `spec` that drops them. Pure. */
export function vipDropsOf(spec: NodeSpec): VipDrops {
  const into = collector();
  for (const inst of spec.instances) {
    if (!dropsToVips(inst)) continue;
    for (const v of inst.vips) add(into, v.cidr.split('/')[0], v.dev);
  }
  return finish(into);
}

/** True when both sets hold the same addresses (both as `vipDropsOf` / `unionVipDrops` give them). */
export function sameVipDrops(a: VipDrops, b: VipDrops): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
