/**
 * Platform on Linux through iproute2 (`ip addr`), acting in whatever network namespace the process runs
 * in, and libpcap for the announcements (in a child process per interface: see ForkedSender). Needs
 * CAP_NET_ADMIN (addresses) and CAP_NET_RAW (announce).
 */
import { execFile } from 'node:child_process';
import { buildGratuitousArp } from '../packet/arp';
import { buildUnsolicitedNa } from '../packet/ndisc';
import { ForkedSender } from '../transport/forked-sender';
import { InterfaceAddress, Platform, splitCidr, VmacResult } from './types';
import { createVmac, removeVmac } from './vmac';

/** Something that sends whole Ethernet frames on one interface (ForkedSender, or a test double). */
export interface FrameSender {
  /** Sends one frame; a returned promise settles once the frame was handed to the driver. */
  send(frame: Uint8Array): Promise<void> | void;
  close(): Promise<void> | void;
}

/** Options of `LinuxPlatform`. */
export interface LinuxPlatformOptions {
  /** Path or name of the iproute2 binary; default "ip". */
  ipCommand?: string;
  /** Opens a frame sender on an interface; default a ForkedSender (libpcap in a child process). */
  openSender?: (ifname: string) => FrameSender;
  /** Timeout of one `ip` run in milliseconds; default 5000. */
  timeoutMs?: number;
}

interface IpAddrJson {
  ifname: string;
  /** Link-layer address. */
  address?: string;
  addr_info?: { family: string; local: string; prefixlen: number; scope: string }[];
}

/** Result of one `ip` run. */
interface IpRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** `ip addr add` of an address that is already there (older iproute2: EEXIST text; newer: extack message). */
const EXISTS = /File exists|address already assigned/i;
/** `ip addr del` of an address that is not there (EADDRNOTAVAIL text, or the extack message). */
const ABSENT = /Cannot assign requested address|address not found/i;

/** Linux implementation of `Platform` (see the module comment). */
export class LinuxPlatform implements Platform {
  private readonly ipCommand: string;
  private readonly openSender: (ifname: string) => FrameSender;
  private readonly timeoutMs: number;
  private readonly senders = new Map<string, FrameSender>();

  constructor(opts: LinuxPlatformOptions = {}) {
    this.ipCommand = opts.ipCommand ?? 'ip';
    this.openSender = opts.openSender ?? ((ifname) => new ForkedSender(ifname));
    this.timeoutMs = opts.timeoutMs ?? 5000;
  }

  private run(args: string[]): Promise<IpRun> {
    return new Promise((resolve, reject) => {
      execFile(this.ipCommand, args, { timeout: this.timeoutMs, encoding: 'utf8' }, (err, stdout, stderr) => {
        if (err && typeof err.code !== 'number') {
          reject(new Error(`${this.ipCommand} ${args.join(' ')}: ${err.message}`));
          return;
        }
        resolve({ code: err ? Number(err.code) : 0, stdout, stderr });
      });
    });
  }

  private failure(args: string[], r: IpRun): Error {
    return new Error(`${this.ipCommand} ${args.join(' ')} failed (exit ${r.code}): ${r.stderr.trim()}`);
  }

  /** `ip addr add CIDR dev IF` (IPv6 with `nodad`: a VIP must be usable at once, as keepalived does). */
  async addVip(ifname: string, cidr: string): Promise<boolean> {
    const { address, prefixLength, family } = splitCidr(cidr);
    const args = ['addr', 'add', `${address}/${prefixLength}`, 'dev', ifname];
    if (family === 6) args.push('nodad');
    const r = await this.run(args);
    if (r.code === 0) return true;
    if (EXISTS.test(r.stderr)) return false;
    throw this.failure(args, r);
  }

  /** `ip addr del CIDR dev IF`. */
  async removeVip(ifname: string, cidr: string): Promise<boolean> {
    const { address, prefixLength } = splitCidr(cidr);
    const args = ['addr', 'del', `${address}/${prefixLength}`, 'dev', ifname];
    const r = await this.run(args);
    if (r.code === 0) return true;
    if (ABSENT.test(r.stderr)) return false;
    throw this.failure(args, r);
  }

  /** `ip -j addr show dev IF`, IPv4 and IPv6 addresses only. */
  async listAddresses(ifname: string): Promise<InterfaceAddress[]> {
    return (await this.showLink(ifname)).addresses;
  }

  /** `ip -j addr show dev IF`: the link-layer address and the IPv4 and IPv6 addresses. */
  private async showLink(ifname: string): Promise<{ mac?: string; addresses: InterfaceAddress[] }> {
    const args = ['-j', 'addr', 'show', 'dev', ifname];
    const r = await this.run(args);
    if (r.code !== 0) throw this.failure(args, r);
    const links = JSON.parse(r.stdout) as IpAddrJson[];
    const addresses: InterfaceAddress[] = [];
    for (const link of links) {
      for (const a of link.addr_info ?? []) {
        if (a.family !== 'inet' && a.family !== 'inet6') continue;
        const family = a.family === 'inet' ? 4 : 6;
        addresses.push({ family, address: a.local, prefixLength: a.prefixlen, cidr: `${a.local}/${a.prefixlen}`, scope: a.scope });
      }
    }
    return { mac: links[0]?.address, addresses };
  }

  /**
   * Sends a gratuitous ARP (request form, RFC 5227 §3) per IPv4 address and an unsolicited NA from the
   * interface's link-local address per IPv6 address, from `mac` or else the interface's MAC as it is now
   * (one `ip -j addr show` run finds both). @throws Error when an IPv6 address is to be announced and the
   * interface has no link-local address, the interface has no MAC, or the frame cannot be sent.
   */
  async announce(ifname: string, addresses: readonly string[], mac?: string): Promise<number> {
    const targets = addresses.map((a) => splitCidr(a));
    const needsIpv6 = targets.some((t) => t.family === 6);
    const link = mac === undefined || needsIpv6 ? await this.showLink(ifname) : undefined;
    const srcMac = mac ?? link?.mac;
    if (srcMac === undefined) throw new Error(`${ifname} has no link-layer address to announce from`);
    let linkLocal: string | undefined;
    if (needsIpv6) {
      linkLocal = link?.addresses.find((a) => a.family === 6 && a.scope === 'link')?.address;
      if (linkLocal === undefined) throw new Error(`${ifname} has no IPv6 link-local address to send NAs from`);
    }
    // One sender per interface, kept open; its libpcap handle lives in a child process, which the `cap`
    // addon's abort on a link going down ends instead of the daemon (the next send starts a new child).
    let sender = this.senders.get(ifname);
    if (!sender) {
      sender = this.openSender(ifname);
      this.senders.set(ifname, sender);
    }
    const frames = targets.map((t) =>
      t.family === 4
        ? buildGratuitousArp({ senderMac: srcMac, ip: t.address })
        : buildUnsolicitedNa({ srcMac, srcIp: linkLocal as string, target: t.address }),
    );
    const s = sender;
    await Promise.all(frames.map((f) => s.send(f)));
    return targets.length;
  }

  /** `use_vmac`: a private-mode macvlan through iproute2 (see vmac.ts). */
  createVmac(base: string, name: string, mac: string, family: 4 | 6): Promise<VmacResult> {
    return createVmac(base, name, mac, family, { ipCommand: this.ipCommand, timeoutMs: this.timeoutMs });
  }

  /** `ip link del dev NAME`; false when there was no such interface. */
  removeVmac(name: string): Promise<boolean> {
    return removeVmac(name, { ipCommand: this.ipCommand, timeoutMs: this.timeoutMs });
  }

  /** Closes the frame senders; resolves once their child processes have exited. */
  async close(): Promise<void> {
    const senders = [...this.senders.values()];
    this.senders.clear();
    await Promise.all(senders.map((s) => s.close()));
  }
}
