/**
 * An in-memory Platform for tests: links and addresses live in maps, announcements in a list; link changes
 * made through `setLink` / `replaceLink` / `addVip` reach `watchLinks` listeners as Linux's would.
 */
import { formatAddress, parseAddress } from '../packet/address';
import type { ProcessEntry } from '../track/process-match';
import { routeText, ruleText } from './route-text';
import { InterfaceAddress, LinkInfo, Platform, RouteSpec, RuleSpec, splitCidr, Unsubscribe, VipDrops, VipOptions, VmacResult } from './types';

/** One `announce` call as recorded by MemoryPlatform. */
export interface Announcement {
  ifname: string;
  addresses: string[];
  /** The MAC asked for; undefined = the interface's own. */
  mac?: string;
}

function normalize(cidr: string): InterfaceAddress {
  const { address, prefixLength, family } = splitCidr(cidr);
  const text = formatAddress(parseAddress(address, family), 0, family);
  const scope = family === 6 && text.startsWith('fe80:') ? 'link' : 'global';
  return { family, address: text, prefixLength, cidr: `${text}/${prefixLength}`, scope };
}

/**
 * Platform double. Interfaces exist once named in the constructor or touched by `addVip`;
 * `failNext` makes the next add/remove (or vmac, drop-set) call reject, to test error paths.
 */
export class MemoryPlatform implements Platform {
  private readonly addresses = new Map<string, InterfaceAddress[]>();
  /** Every announce call, oldest first. */
  readonly announcements: Announcement[] = [];
  /** When set, the next addVip/removeVip rejects with this error (then it is cleared). */
  failNext: Error | null = null;
  /** The processes `processes()` reports (tests set them; none at first). */
  procs: ProcessEntry[] = [];
  /** Number of `processes()` calls. */
  processScans = 0;

  private readonly state = new Map<string, { ifindex: number; up: boolean; adminUp: boolean; mac: string }>();
  private readonly listeners = new Set<(links: LinkInfo[]) => void>();
  private nextIndex = 2;

  constructor(interfaces: Record<string, readonly string[]> = {}) {
    for (const [ifname, list] of Object.entries(interfaces)) {
      this.addresses.set(ifname, list.map(normalize));
      this.ensureLink(ifname);
    }
  }

  private ensureLink(ifname: string): { ifindex: number; up: boolean; adminUp: boolean; mac: string } {
    let l = this.state.get(ifname);
    if (!l) {
      const i = this.nextIndex++;
      l = { ifindex: i, up: true, adminUp: true, mac: `02:00:00:00:${(i >> 8).toString(16).padStart(2, '0')}:${(i & 255).toString(16).padStart(2, '0')}` };
      this.state.set(ifname, l);
    }
    return l;
  }

  private changed(): void {
    const links = this.snapshot();
    for (const l of this.listeners) l(links);
  }

  private snapshot(): LinkInfo[] {
    return [...this.state].map(([ifname, l]) => ({ ifname, ...l, addresses: (this.addresses.get(ifname) ?? []).map((a) => ({ ...a })) }));
  }

  /** The processes the test set, argv left out unless `cmdline`. */
  async processes(options: { cmdline: boolean }): Promise<ProcessEntry[]> {
    this.processScans++;
    return this.procs.map((p) => (options.cmdline ? { ...p } : { pid: p.pid, comm: p.comm }));
  }

  async links(): Promise<LinkInfo[]> {
    return this.snapshot();
  }

  async watchLinks(listener: (links: LinkInfo[]) => void): Promise<Unsubscribe> {
    this.listeners.add(listener);
    listener(this.snapshot());
    return () => void this.listeners.delete(listener);
  }

  /** Sets link `ifname` up (carrier and admin) or down; listeners hear of it. */
  setLink(ifname: string, up: boolean): void {
    const l = this.ensureLink(ifname);
    l.up = up;
    l.adminUp = up;
    this.changed();
  }

  /** Deletes and re-creates `ifname` (new ifindex, its addresses gone), optionally with another MAC. */
  replaceLink(ifname: string, mac?: string): void {
    const old = this.ensureLink(ifname);
    this.state.set(ifname, { ...old, ifindex: this.nextIndex++, mac: mac ?? old.mac });
    this.addresses.set(ifname, []);
    this.changed();
  }

  /** Adds or removes an address as someone else would (not a VIP of ours); listeners hear of it. */
  setAddress(ifname: string, cidr: string, present: boolean): void {
    if (present) void this.addVip(ifname, cidr);
    else void this.removeVip(ifname, cidr);
  }

  private take(): void {
    const err = this.failNext;
    if (err) {
      this.failNext = null;
      throw err;
    }
  }

  /** The options each VIP was added with, by "ifname address". */
  readonly vipOptions = new Map<string, VipOptions>();
  /** Installed routes and rules, by their ip-route / ip-rule text (route-text.ts), in the order added. */
  readonly routes = new Map<string, RouteSpec>();
  readonly rules = new Map<string, RuleSpec>();

  /** Adds at once; `sent` is called when the add was carried out (as Linux's after its sendmsg), not when it fails. */
  async addVip(ifname: string, cidr: string, options?: VipOptions, sent?: () => void): Promise<boolean> {
    this.take();
    const a = normalize(cidr);
    if (options && Object.keys(options).length > 0) this.vipOptions.set(`${ifname} ${a.address}`, { ...options });
    const list = this.addresses.get(ifname) ?? [];
    this.addresses.set(ifname, list);
    this.ensureLink(ifname);
    const added = !list.some((x) => x.address === a.address);
    if (added) {
      list.push(a);
      this.changed();
    }
    sent?.();
    return added;
  }

  async removeVip(ifname: string, cidr: string): Promise<boolean> {
    this.take();
    const a = normalize(cidr);
    const list = this.addresses.get(ifname) ?? [];
    const i = list.findIndex((x) => x.address === a.address && x.prefixLength === a.prefixLength);
    if (i < 0) return false;
    list.splice(i, 1);
    this.vipOptions.delete(`${ifname} ${a.address}`);
    this.changed();
    return true;
  }

  /** Adds `route` under its text; false when that text is there (EEXIST). A `dev` must exist. */
  async addRoute(route: RouteSpec): Promise<boolean> {
    this.take();
    if (route.dev !== undefined && !this.state.has(route.dev)) throw new Error(`rtnetlink: cannot add route ${routeText(route)}: ENODEV`);
    const k = routeText(route);
    if (this.routes.has(k)) return false;
    this.routes.set(k, { ...route });
    return true;
  }

  async removeRoute(route: RouteSpec): Promise<boolean> {
    this.take();
    return this.routes.delete(routeText(route));
  }

  async addRule(rule: RuleSpec): Promise<boolean> {
    this.take();
    const k = ruleText(rule);
    if (this.rules.has(k)) return false;
    this.rules.set(k, { ...rule });
    return true;
  }

  async removeRule(rule: RuleSpec): Promise<boolean> {
    this.take();
    return this.rules.delete(ruleText(rule));
  }

  async listAddresses(ifname: string): Promise<InterfaceAddress[]> {
    const list = this.addresses.get(ifname);
    if (!list) throw new Error(`interface ${ifname} not found`);
    return list.map((a) => ({ ...a }));
  }

  async announce(ifname: string, addresses: readonly string[], mac?: string): Promise<number> {
    this.announcements.push({ ifname, addresses: [...addresses], mac });
    return addresses.length;
  }

  /** Vmacs created through `createVmac`: name -> base interface and MAC. */
  readonly vmacs = new Map<string, { base: string; mac: string }>();

  async createVmac(base: string, name: string, mac: string): Promise<VmacResult> {
    this.take();
    if (!this.addresses.has(base)) throw new Error(`interface ${base} not found`);
    const same = this.vmacs.get(name);
    const created = !(same && same.base === base && same.mac === mac);
    this.vmacs.set(name, { base, mac });
    if (created) {
      this.addresses.set(name, []);
      this.ensureLink(name);
      this.changed();
    }
    return { created, ms: 0, warnings: [] };
  }

  async removeVmac(name: string): Promise<boolean> {
    this.take();
    if (!this.vmacs.delete(name)) return false;
    this.addresses.delete(name);
    this.state.delete(name);
    this.changed();
    return true;
  }

  /** The no_accept drops as last set (null: never set), and every `setVipDrops` call, oldest first. */
  vipDrops: VipDrops | null = null;
  readonly vipDropCalls: VipDrops[] = [];

  async setVipDrops(drops: VipDrops): Promise<void> {
    this.take();
    const copy: VipDrops = { ipv4: [...drops.ipv4], ipv6: [...drops.ipv6], ipv6LinkLocal: drops.ipv6LinkLocal.map((l) => ({ ...l })) };
    this.vipDropCalls.push(copy);
    this.vipDrops = copy;
  }

  /** `promote_secondaries` held: interface -> holders (the setting is on while the set is not empty). */
  readonly promoted = new Map<string, Set<string>>();

  async promoteSecondaries(ifname: string, holder: string): Promise<void> {
    if (!this.addresses.has(ifname)) throw new Error(`interface ${ifname} not found`);
    const h = this.promoted.get(ifname) ?? new Set<string>();
    h.add(holder);
    this.promoted.set(ifname, h);
  }

  async releasePromoteSecondaries(holder: string): Promise<void> {
    for (const [ifname, h] of this.promoted) if (h.delete(holder) && h.size === 0) this.promoted.delete(ifname);
  }

  /** Nothing to release. */
  close(): Promise<void> {
    return Promise.resolve();
  }
}
