/**
 * Facts about a network interface of the current namespace, read through iproute2 (`ip -j link`), which
 * is right in any namespace (unlike /sys, which shows the namespace it was mounted in).
 */
import { execFileSync } from 'node:child_process';

/** Index and MAC address of an interface. */
export interface InterfaceInfo {
  ifname: string;
  ifindex: number;
  mac: string;
}

interface IpLinkJson {
  ifindex: number;
  ifname: string;
  address?: string;
}

/**
 * Looks `ifname` up with `ip -j link show dev IFNAME` (synchronous; called once when a transport opens).
 * @throws Error when the interface does not exist or `ip` is missing.
 */
export function interfaceInfo(ifname: string): InterfaceInfo {
  const out = execFileSync('ip', ['-j', 'link', 'show', 'dev', ifname], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const links = JSON.parse(out) as IpLinkJson[];
  const link = links.find((l) => l.ifname === ifname) ?? links[0];
  if (!link) throw new Error(`interface ${ifname} not found`);
  return { ifname, ifindex: link.ifindex, mac: link.address ?? '00:00:00:00:00:00' };
}
