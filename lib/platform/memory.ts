/** An in-memory Platform for tests and the simulated LAN: addresses live in a map, announcements in a list. */
import { formatAddress, parseAddress } from '../packet/address';
import { InterfaceAddress, Platform, splitCidr, VmacResult } from './types';

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
 * `failNext` makes the next add/remove reject, to test error paths.
 */
export class MemoryPlatform implements Platform {
  private readonly addresses = new Map<string, InterfaceAddress[]>();
  /** Every announce call, oldest first. */
  readonly announcements: Announcement[] = [];
  /** When set, the next addVip/removeVip rejects with this error (then it is cleared). */
  failNext: Error | null = null;

  constructor(interfaces: Record<string, readonly string[]> = {}) {
    for (const [ifname, list] of Object.entries(interfaces)) this.addresses.set(ifname, list.map(normalize));
  }

  private take(): void {
    const err = this.failNext;
    if (err) {
      this.failNext = null;
      throw err;
    }
  }

  async addVip(ifname: string, cidr: string): Promise<boolean> {
    this.take();
    const a = normalize(cidr);
    const list = this.addresses.get(ifname) ?? [];
    this.addresses.set(ifname, list);
    if (list.some((x) => x.address === a.address)) return false;
    list.push(a);
    return true;
  }

  async removeVip(ifname: string, cidr: string): Promise<boolean> {
    this.take();
    const a = normalize(cidr);
    const list = this.addresses.get(ifname) ?? [];
    const i = list.findIndex((x) => x.address === a.address && x.prefixLength === a.prefixLength);
    if (i < 0) return false;
    list.splice(i, 1);
    return true;
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
    if (created) this.addresses.set(name, []);
    return { created, ms: 0, warnings: [] };
  }

  async removeVmac(name: string): Promise<boolean> {
    this.take();
    if (!this.vmacs.delete(name)) return false;
    this.addresses.delete(name);
    return true;
  }

  /** Nothing to release. */
  close(): Promise<void> {
    return Promise.resolve();
  }
}
