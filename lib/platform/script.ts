/**
 * A platform that hands VIP changes to the user's own command (for hosts where addresses are managed by
 * something else: a cloud API, a routing daemon, a firewall). vrrpd runs `COMMAND add IFNAME CIDR` and
 * `COMMAND del IFNAME CIDR` (no shell, own process group, killed after the timeout); exit 0 is success,
 * anything else an error the daemon logs and counts. Links, listing, announcing and the no_accept drops are
 * left to `base`.
 */
import { runCommand, splitCommand } from '../daemon/command';
import { InterfaceAddress, isEmptyVipDrops, LinkInfo, Platform, Unsubscribe, VipDrops } from './types';

export interface ScriptPlatformOptions {
  /** The command line, e.g. "/usr/local/sbin/vip-hook --site a"; the verb, interface and CIDR are appended. */
  command: string;
  /** Where listing and GARP/NA go (normally a LinuxPlatform). */
  base: Platform;
  /** Milliseconds one run may take; default 10 000. */
  timeoutMs?: number;
}

export class ScriptPlatform implements Platform {
  private readonly argv: string[];
  private readonly timeoutMs: number;

  /** @throws Error when the command line has an unclosed quote or is empty. */
  constructor(private readonly opts: ScriptPlatformOptions) {
    this.argv = splitCommand(opts.command);
    if (this.argv.length === 0) throw new Error('the VIP script command is empty');
    this.timeoutMs = opts.timeoutMs ?? 10_000;
  }

  private async run(verb: 'add' | 'del', ifname: string, cidr: string): Promise<boolean> {
    const r = await runCommand([...this.argv, verb, ifname, cidr], { timeoutMs: this.timeoutMs });
    if (r.outcome === 'success') return true;
    const why = r.spawnError ?? (r.outcome === 'timeout' ? `timed out after ${this.timeoutMs} ms` : `exit ${r.code ?? r.signal}`);
    throw new Error(`${this.argv[0]} ${verb} ${ifname} ${cidr}: ${why}`);
  }

  addVip(ifname: string, cidr: string): Promise<boolean> {
    return this.run('add', ifname, cidr);
  }

  removeVip(ifname: string, cidr: string): Promise<boolean> {
    return this.run('del', ifname, cidr);
  }

  links(): Promise<LinkInfo[]> {
    return this.opts.base.links();
  }

  watchLinks(listener: (links: LinkInfo[]) => void): Promise<Unsubscribe> {
    return this.opts.base.watchLinks(listener);
  }

  listAddresses(ifname: string): Promise<InterfaceAddress[]> {
    return this.opts.base.listAddresses(ifname);
  }

  announce(ifname: string, addresses: readonly string[], mac?: string): Promise<number> {
    return this.opts.base.announce(ifname, addresses, mac);
  }

  recover(): Promise<string[]> {
    return this.opts.base.recover?.() ?? Promise.resolve([]);
  }

  /** The host's firewall stays the base's (an error when it has none and `drops` is not empty). */
  setVipDrops(drops: VipDrops): Promise<void> {
    if (this.opts.base.setVipDrops) return this.opts.base.setVipDrops(drops);
    return isEmptyVipDrops(drops) ? Promise.resolve() : Promise.reject(new Error('the base platform cannot drop packets to VIPs (no_accept)'));
  }

  prepareAnnounce(ifname: string): Promise<void> {
    return this.opts.base.prepareAnnounce?.(ifname) ?? Promise.resolve();
  }

  close(): Promise<void> {
    return this.opts.base.close();
  }
}
