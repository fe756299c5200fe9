/**
 * What the daemon does on the host before the node core runs: removes what an unclean stop left behind
 * (VIPs of our instances, their vmacs), makes the vmacs of `use_vmac` instances, finds each instance's
 * source address on its interface, and installs the no_accept drop rules. All through the platform.
 */
import type { KeepalivedConfig, VrrpInstance } from '../config/types';
import { dropsToVips } from '../node/accept';
import { configuredSource, routingOf, vipSpecsOf } from '../node/from-config';
import type { NodeSpec } from '../node/spec';
import { vmacOf } from '../node/vmac-plan';
import { routeText, ruleText } from '../platform/route-text';
import { canonicalAddress } from '../packet/address';
import { isEmptyVipDrops, LinkInfo, Platform, splitCidr, VipDrops } from '../platform/types';
import type { LogFn } from './executor';

/**
 * Removes the VIPs of `instances` that are on their interfaces now (and their vmacs), and their virtual rules and
 * routes, before any election. A route or rule is deleted with all its configured attributes and protocol 18
 * (keepalived), so only an exact match of a configured one goes (as keepalived also does at start).
 */
export async function removeLeftovers(instances: readonly VrrpInstance[], platform: Platform, log: LogFn): Promise<void> {
  for (const inst of instances) {
    const vmac = vmacOf(inst);
    if (vmac && platform.removeVmac && (await platform.removeVmac(vmac.name).catch(() => false))) log('info', `instance ${inst.name}: removed ${vmac.name}, left by an unclean stop`);
  }
  for (const inst of instances) {
    const { routes, rules } = routingOf(inst);
    const left = (what: string): void => log('info', `instance ${inst.name}: removed ${what}, left by an unclean stop`);
    for (const r of rules) if (platform.removeRule && (await platform.removeRule(r).catch(() => false))) left(`rule ${ruleText(r)}`);
    for (const r of routes) if (platform.removeRoute && (await platform.removeRoute(r).catch(() => false))) left(`route ${routeText(r)}`);
  }
  const links = new Map((await platform.links()).map((l) => [l.ifname, l]));
  for (const inst of instances) {
    for (const { dev, cidr, options } of vipSpecsOf(inst)) {
      const present = links.get(dev)?.addresses.some((a) => canonicalAddress(a.address) === canonicalAddress(splitCidr(cidr).address));
      if (present && (await platform.removeVip(dev, cidr, options).catch(() => false))) log('info', `instance ${inst.name}: removed ${cidr} from ${dev}, left by an unclean stop`);
    }
  }
}

/** Creates the vmac of a `use_vmac` instance (keepalived semantics, see platform/vmac.ts); true when new. */
export async function createVmac(inst: VrrpInstance, platform: Platform, log: LogFn): Promise<boolean> {
  const vmac = vmacOf(inst);
  if (!vmac) return false;
  if (!platform.createVmac) throw new Error(`instance ${inst.name}: use_vmac is not supported by this platform`);
  const r = await platform.createVmac(vmac.base, vmac.name, vmac.mac, inst.family);
  for (const w of r.warnings) log('warn', `instance ${inst.name}: ${w}`);
  log('info', `instance ${inst.name}: ${r.created ? 'created' : 'reused'} ${vmac.name} (macvlan private on ${vmac.base}, ${vmac.mac}) in ${r.ms.toFixed(1)} ms`);
  return r.created;
}

/** The interface whose promote_secondaries an instance holds (none with use_vmac: the vmac has it already). */
function promotedOn(inst: VrrpInstance): string | null {
  return inst.promoteSecondaries && inst.family === 4 && !vmacOf(inst) ? inst.interface : null;
}

/** The platform's holder name of an instance's host settings. */
const holderOf = (inst: VrrpInstance): string => `instance ${inst.name}`;

/**
 * keepalived `promote_secondaries`: sets net.ipv4.conf.IFACE.promote_secondaries=1 on the interface of
 * each instance of `next` that has it, and releases (puts back) it for those of `previous` that no longer
 * hold it there (reload; at stop `next` is empty). A platform without it, or an interface without the
 * setting, gets a warning: the instance runs, but removing a VIP may remove the subnet's other addresses.
 */
export async function applyPromoteSecondaries(previous: readonly VrrpInstance[], next: readonly VrrpInstance[], platform: Platform, log: LogFn): Promise<void> {
  const wanted = new Map(next.map((i) => [holderOf(i), promotedOn(i)]));
  for (const inst of previous) {
    const dev = promotedOn(inst);
    if (dev !== null && wanted.get(holderOf(inst)) !== dev) await platform.releasePromoteSecondaries?.(holderOf(inst)).catch((e: Error) => log('warn', `instance ${inst.name}: restoring promote_secondaries: ${e.message}`));
  }
  for (const inst of next) {
    const dev = promotedOn(inst);
    if (dev === null) continue;
    if (!platform.promoteSecondaries) {
      log('warn', `instance ${inst.name}: promote_secondaries is not supported by this platform; removing a VIP may remove the other addresses of its subnet`);
      continue;
    }
    await platform.promoteSecondaries(dev, holderOf(inst)).catch((e: Error) => log('warn', `instance ${inst.name}: cannot set promote_secondaries on ${dev}: ${e.message}`));
  }
}

/**
 * The source address of `inst`: mcast_src_ip / unicast_src_ip, else the first global IPv4 (not one of its
 * VIPs) or the link-local IPv6 address on its interface. @throws Error naming the instance when none.
 */
export function sourceOf(inst: VrrpInstance, links: readonly LinkInfo[]): string {
  const configured = configuredSource(inst);
  if (configured) return configured;
  const vips = new Set(inst.virtualAddresses.map((v) => canonicalAddress(v.address)));
  const link = links.find((l) => l.ifname === inst.interface);
  if (!link) throw new Error(`instance ${inst.name}: interface ${inst.interface} does not exist`);
  const pick = link.addresses.find((a) => a.family === inst.family && !vips.has(canonicalAddress(a.address)) && (inst.family === 4 ? a.scope === 'global' : a.scope === 'link'));
  if (!pick) throw new Error(`instance ${inst.name}: interface ${inst.interface} has no ${inst.family === 4 ? 'IPv4' : 'IPv6 link-local'} address to send from`);
  return pick.address;
}

/** Source addresses of every instance of `config`. @throws Error for the first instance without one. */
export function sourcesOf(config: KeepalivedConfig, links: readonly LinkInfo[]): Map<string, string> {
  return new Map(config.instances.map((i) => [i.name, sourceOf(i, links)]));
}

/**
 * Makes the platform drop exactly `drops` (lib/node/accept.ts; replacing what a killed daemon left), and
 * logs what is dropped when it changed from `before` (null: unknown, at start). A platform without
 * `setVipDrops` is refused when `drops` is not empty, naming the instances of `spec` that need it; with
 * nothing to drop before or after, a refusal is only a warning. @throws Error when the platform cannot or refuses.
 */
export async function applyVipDrops(platform: Platform, drops: VipDrops, before: VipDrops | null, spec: NodeSpec, log: LogFn): Promise<void> {
  const names = spec.instances.filter(dropsToVips).map((i) => i.router.name);
  if (!platform.setVipDrops) {
    if (isEmptyVipDrops(drops)) return;
    throw new Error(`instance ${names.join(', ')}: no_accept (or vrrp_strict without accept) needs a platform that drops packets to the VIPs; this one cannot (set \`accept\`)`);
  }
  try {
    await platform.setVipDrops(drops);
  } catch (e) {
    // Nothing to drop: a host without nf_tables (or nft) must still run accept-mode instances.
    if (!isEmptyVipDrops(drops) || (before !== null && !isEmptyVipDrops(before))) throw e;
    log('warn', `no_accept: cannot remove drop rules an unclean stop may have left: ${(e as Error).message}`);
    return;
  }
  if (before !== null && JSON.stringify(before) === JSON.stringify(drops)) return;
  const all = [...drops.ipv4, ...drops.ipv6, ...drops.ipv6LinkLocal.map((l) => `${l.address}%${l.ifname}`)];
  if (all.length > 0) log('info', `no_accept: packets to ${all.join(', ')} are dropped (instance ${names.join(', ')}, not the address owner and without accept)`);
  else if (before !== null) log('info', 'no_accept: no VIP is dropped any more');
}
