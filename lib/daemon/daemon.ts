/**
 * vrrpd: keepalived.conf -> virtual routers + transports + platform. One RouterDriver per instance, one
 * transport per (interface, family), trackers at the edge, notify scripts, a pid file and a control
 * socket. Start-up removes VIPs of our instances left on the interfaces by an unclean stop; stop sends
 * priority 0 from every MASTER and removes every VIP before it resolves. `use_vmac` instances get their
 * macvlan (vmac.ts) before their transport opens, and lose it on stop.
 */
import type { Server } from 'node:net';
import { toRouterConfig } from '../config/router-config';
import type { KeepalivedConfig, VrrpInstance } from '../config/types';
import { VirtualRouter } from '../fsm/router';
import { canonicalAddress } from '../packet/address';
import { encode } from '../packet/advertisement';
import { VRRP_GROUP_V4, VRRP_GROUP_V6 } from '../packet/constants';
import type { InstanceExpectations } from '../packet/receive';
import { Platform, splitCidr } from '../platform/types';
import type { VrrpTransport } from '../transport/types';
import { Clock } from './clock';
import { startControlSocket } from './control';
import { LogFn, RouterDriver } from './driver';
import { announceConfigOf, expectationsOf, vipCidr } from './instance-config';
import { Notifier } from './notify';
import { InterfaceWatch, vmacRepairs } from './interface-watch';
import { acquirePidFile, releasePidFile } from './pidfile';
import { ReopeningTransport } from './reopening-transport';
import { TrackerHost } from './trackers';
import { vipDeviceOf, vmacOf, xmitInterfaceOf } from './vmac';

export interface DaemonOptions {
  pidFile?: string;
  controlSocket?: string;
  clock: Clock;
  log: LogFn;
  platform: Platform;
  /**
   * Opens the transport of a family on an interface (raw sockets in production, doubles in tests). `source`
   * (`use_vmac`): our address on the base interface; IPv4 must send with it (not the one the kernel picks),
   * IPv6 sends with it (the vmac's link-local) and must tell its own adverts by it, not by the shared MAC.
   */
  openTransport: (family: 4 | 6, ifname: string, lookup: (vrid: number, family: 4 | 6) => InstanceExpectations | undefined, source?: string) => VrrpTransport;
}

interface Running {
  inst: VrrpInstance;
  driver: RouterDriver;
  transport: VrrpTransport;
  primary: string;
  notifier: Notifier;
}

export class Daemon {
  private readonly running: Running[] = [];
  private readonly transports = new Map<string, ReopeningTransport>();
  private trackers: TrackerHost | null = null;
  private control: Server | null = null;
  private stopping: Promise<void> | null = null;

  constructor(private readonly config: KeepalivedConfig, private readonly opts: DaemonOptions) {}

  /** Our source address on `ifname`: mcast/unicast_src_ip, else the first global IPv4 / link-local IPv6. */
  private async primaryOf(inst: VrrpInstance): Promise<string> {
    const configured = inst.unicastSrcIp ?? inst.mcastSrcIp;
    if (configured) return configured;
    const vips = new Set(inst.virtualAddresses.map((v) => v.address));
    const addrs = await this.opts.platform.listAddresses(inst.interface);
    const pick = addrs.find((a) => a.family === inst.family && !vips.has(a.address) && (inst.family === 4 ? a.scope === 'global' : a.scope === 'link'));
    if (!pick) throw new Error(`instance ${inst.name}: interface ${inst.interface} has no ${inst.family === 4 ? 'IPv4' : 'IPv6 link-local'} address to send from`);
    return pick.address;
  }

  private vipsOf(inst: VrrpInstance): Array<{ dev: string; cidr: string }> {
    return [...inst.virtualAddresses, ...inst.virtualAddressesExcluded].map((v) => ({ dev: v.dev ?? vipDeviceOf(inst), cidr: vipCidr(v) }));
  }

  /** Removes VIPs of our instances that an unclean stop left on the interfaces (before any election). */
  private async removeLeftovers(): Promise<void> {
    for (const inst of this.config.instances) {
      const vmac = vmacOf(inst);
      if (vmac && (await this.removeVmac(vmac.name))) this.opts.log('info', `instance ${inst.name}: removed ${vmac.name}, left by an unclean stop`);
      const onDev = new Map<string, Promise<Set<string>>>();
      for (const { dev, cidr } of this.vipsOf(inst)) {
        if (!onDev.has(dev)) {
          const listed = this.opts.platform.listAddresses(dev).then((l) => new Set(l.map((a) => canonicalAddress(a.address))), () => new Set<string>());
          onDev.set(dev, listed);
        }
        const present = (await onDev.get(dev))?.has(canonicalAddress(splitCidr(cidr).address));
        if (present && (await this.opts.platform.removeVip(dev, cidr).catch(() => false))) {
          this.opts.log('info', `instance ${inst.name}: removed ${cidr} from ${dev}, left by an unclean stop`);
        }
      }
    }
  }

  private removeVmac(name: string): Promise<boolean> {
    const { platform } = this.opts;
    return platform.removeVmac ? platform.removeVmac(name) : Promise.resolve(false);
  }

  /** Creates the vmac of a `use_vmac` instance (keepalived semantics, see vmac.ts); true when it was new. */
  private async createVmac(inst: VrrpInstance): Promise<boolean> {
    const vmac = vmacOf(inst);
    if (!vmac) return false;
    const { platform, log } = this.opts;
    if (!platform.createVmac) throw new Error(`instance ${inst.name}: use_vmac is not supported by this platform`);
    const r = await platform.createVmac(vmac.base, vmac.name, vmac.mac, inst.family);
    for (const w of r.warnings) log('warn', `instance ${inst.name}: ${w}`);
    log('info', `instance ${inst.name}: ${r.created ? 'created' : 'reused'} ${vmac.name} (macvlan private on ${vmac.base}, ${vmac.mac}) in ${r.ms.toFixed(1)} ms`);
    return r.created;
  }

  private transportFor(inst: VrrpInstance, primary: string): VrrpTransport {
    const ifname = xmitInterfaceOf(inst);
    const key = `${ifname}/${inst.family}`;
    let t = this.transports.get(key);
    if (t) return t;
    const byVrid = new Map<number, InstanceExpectations>();
    for (const other of this.config.instances) {
      if (xmitInterfaceOf(other) === ifname && other.family === inst.family) byVrid.set(other.vrid, expectationsOf(other));
    }
    // From a vmac the kernel would pick a VIP as IPv4 source: send from the base's primary address instead.
    // IPv6 sends from the vmac's copy of the base's link-local; the capture tells our adverts by that source.
    const source = ifname !== inst.interface ? primary : undefined;
    const lookup = (vrid: number, family: 4 | 6): InstanceExpectations | undefined => (family === inst.family ? byVrid.get(vrid) : undefined);
    t = new ReopeningTransport(inst.family, ifname, () => this.opts.openTransport(inst.family, ifname, lookup, source), this.opts.clock, this.opts.log);
    t.on('advert', (_bytes, ip, result) => {
      if (!result.advert) return;
      const src = result.ip?.src ?? ip.srcBytes.join('.');
      for (const r of this.running) {
        if (r.transport !== t || r.inst.vrid !== result.advert.vrid) continue;
        if (r.inst.unicastPeers.length > 0 && !r.inst.unicastPeers.includes(src)) {
          r.driver.counters.ignored.UNICAST_PEER_UNKNOWN = (r.driver.counters.ignored.UNICAST_PEER_UNKNOWN ?? 0) + 1;
          continue;
        }
        r.driver.receive(result.advert, src);
      }
    });
    t.on('error', (e) => this.opts.log('warn', `transport ${key}: ${e.message}`));
    this.transports.set(key, t);
    return t;
  }

  private async startInstance(inst: VrrpInstance): Promise<void> {
    const primary = await this.primaryOf(inst);
    await this.createVmac(inst);
    const transport = this.transportFor(inst, primary);
    const router = new VirtualRouter(toRouterConfig(inst, this.config.global, primary));
    const { platform, log } = this.opts;
    const vips = this.vipsOf(inst);
    // use_vmac: GARP / NA leave from the vmac with the virtual MAC (also with vmac_xmit_base, as keepalived).
    const vmac = vmacOf(inst);
    const announceDev = vmac?.name ?? inst.interface;
    // Without a vmac the platform reads the interface's MAC at each announcement (it may change under us).
    const mac = vmac?.mac;
    const peers = inst.unicastPeers.length ? inst.unicastPeers : [inst.family === 4 ? VRRP_GROUP_V4 : VRRP_GROUP_V6];
    const checksum = inst.v3ChecksumAsV2 ? 'message-only' : 'pseudo-header';
    const driver = new RouterDriver(router, {
      sendAdvert: async (advert) => {
        for (const dst of peers) await transport.send(encode(advert, undefined, 0, { src: primary, dst, checksum }), dst);
      },
      addVips: async () => {
        for (const v of vips) await platform.addVip(v.dev, v.cidr);
      },
      removeVips: async () => {
        for (const v of vips) await platform.removeVip(v.dev, v.cidr);
      },
      announce: async (addresses) => void (await platform.announce(announceDev, addresses, mac)),
    }, this.opts.clock, announceConfigOf(inst, this.config.global), log);
    const notifier = new Notifier('INSTANCE', inst.name, inst.notify, log);
    driver.on('state-change', (_from, to, _reason, priority) => void notifier.changed(to, priority));
    this.running.push({ inst, driver, transport, primary, notifier });
  }

  /** Pid file, leftover VIPs, transports, routers, trackers, control socket; then the elections start. */
  async start(): Promise<void> {
    if (this.opts.pidFile) acquirePidFile(this.opts.pidFile);
    await this.removeLeftovers();
    for (const inst of this.config.instances) await this.startInstance(inst);
    // IPv6 receive runs in a capture child: wait until it listens (a failure to open ends the start-up).
    await Promise.all([...this.transports.values()].map((t) => t.ready));
    const sets = new Map(this.running.map((r) => [r, null as ReturnType<TrackerHost['trackersOf']> | null]));
    const onChange = (): void => {
      for (const [r, set] of sets) {
        const change = set?.update();
        if (change) r.driver.setTracking({ priorityDelta: change.current.priorityDelta, fault: change.current.fault, reason: change.current.faultReasons.join('; ') });
      }
    };
    this.trackers = new TrackerHost(this.config, this.opts.clock, this.opts.log, onChange);
    this.watchInterfaces(this.trackers);
    for (const r of this.running) {
      const autoSource = r.inst.unicastSrcIp === undefined && r.inst.mcastSrcIp === undefined;
      sets.set(r, this.trackers.trackersOf(r.inst, autoSource ? canonicalAddress(r.primary) : undefined));
    }
    for (const r of this.running) r.driver.start();
    this.trackers.start();
    if (this.opts.controlSocket) this.control = await startControlSocket(this.opts.controlSocket, (req) => this.handle(req.cmd));
    this.opts.log('info', `started ${this.running.length} instance(s): ${this.running.map((r) => `${r.inst.name} (VRID ${r.inst.vrid}, IPv${r.inst.family}, v${r.inst.version}, ${r.inst.interface}, from ${r.primary})`).join(', ')}`);
  }

  /** The control socket's answers. */
  private handle(cmd: string): unknown {
    if (cmd !== 'status') return { error: `unknown command ${cmd}` };
    return {
      pid: process.pid,
      instances: this.running.map((r) => ({
        name: r.inst.name, vrid: r.inst.vrid, family: r.inst.family, version: r.inst.version, interface: r.inst.interface,
        state: r.driver.router.state, priority: r.driver.router.priority, basePriority: r.inst.priority,
        masterAddress: r.driver.router.masterAddress, source: r.primary, counters: r.driver.counters, ioErrors: r.driver.ioErrors,
      })),
      transports: [...this.transports].map(([key, t]) => ({ key, reopens: t.reopens, ...t.counters() })),
    };
  }

  /**
   * Acts on each interface poll: an interface deleted and created again (new ifindex) gets new sockets,
   * and a MASTER puts back the VIPs that went with it; a vmac of ours that is gone, down or (IPv6) without
   * its link-local is made again (keepalived does the same), one repair at a time per vmac.
   */
  private watchInterfaces(trackers: TrackerHost): void {
    const watch = new InterfaceWatch();
    for (const t of this.transports.values()) watch.watch(t.ifname);
    for (const r of this.running) {
      watch.watch(r.inst.interface);
      watch.watch(vipDeviceOf(r.inst));
    }
    /** Our vmacs by name, with the instance each belongs to. */
    const kept = new Map<string, VrrpInstance>();
    for (const r of this.running) {
      const vmac = vmacOf(r.inst);
      if (vmac) kept.set(vmac.name, r.inst);
    }
    const repairing = new Set<string>();
    const reinstate = (ifname: string, why: string): void => {
      for (const r of this.running) if (r.inst.interface === ifname || vipDeviceOf(r.inst) === ifname) r.driver.reinstate(why);
    };
    trackers.onLinks((links) => {
      if (this.stopping) return;
      for (const change of watch.update(links)) {
        const { ifname } = change;
        if (change.kind === 'replaced') {
          const why = `${ifname} was replaced (ifindex ${change.from} -> ${change.to})`;
          for (const t of this.transports.values()) if (t.ifname === ifname) t.reopen(why);
          reinstate(ifname, why);
        } else {
          // Hosts still send to the old MAC: announce the VIPs again from the new one (a vmac keeps its own).
          // The IPv6 capture tells our own frames by MAC: it gets a new filter (the router would drop
          // them anyway, as OWN_ADVERT).
          const why = `${ifname} changed its MAC (${change.from} -> ${change.to})`;
          for (const t of this.transports.values()) if (t.ifname === ifname && t.family === 6) t.reopen(why);
          for (const r of this.running) if (r.inst.interface === ifname && !vmacOf(r.inst)) r.driver.reinstate(why);
        }
      }
      for (const { name, why } of vmacRepairs([...kept].map(([n, inst]) => ({ name: n, family: inst.family })), links)) {
        const inst = kept.get(name);
        if (!inst || repairing.has(name)) continue;
        repairing.add(name);
        this.opts.log('warn', `instance ${inst.name}: ${why}; making it again`);
        // A new interface is picked up by the ifindex watch at the next poll; a repaired one is reinstated here.
        void this.createVmac(inst)
          .then((created) => void (created || reinstate(name, why)))
          .catch((e: Error) => this.opts.log('warn', `instance ${inst.name}: cannot make ${name} again: ${e.message}`))
          .finally(() => repairing.delete(name));
      }
    });
  }

  /** Priority 0 from every MASTER, every VIP removed, sockets closed, pid file released. Idempotent. */
  stop(): Promise<void> {
    if (!this.stopping) {
      this.stopping = (async () => {
        this.trackers?.stop();
        await Promise.all(this.running.map((r) => r.driver.stop()));
        // Let the priority-0 adverts leave before the sockets close.
        await new Promise((res) => setTimeout(res, 50));
        for (const t of this.transports.values()) t.close();
        // Frame senders first: their libpcap handles must not outlive the vmac interfaces.
        await this.opts.platform.close();
        for (const r of this.running) {
          const vmac = vmacOf(r.inst);
          if (vmac) await this.removeVmac(vmac.name).catch((e: Error) => this.opts.log('warn', `instance ${r.inst.name}: removing ${vmac.name}: ${e.message}`));
        }
        await new Promise<void>((res) => (this.control ? this.control.close(() => res()) : res()));
        if (this.opts.pidFile) releasePidFile(this.opts.pidFile);
      })();
    }
    return this.stopping;
  }

  /** Current states, for tests and `status`. */
  states(): Record<string, string> {
    return Object.fromEntries(this.running.map((r) => [r.inst.name, r.driver.router.state]));
  }
}
