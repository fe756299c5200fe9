/**
 * `Vrrpd`: the daemon as a library class, a thin shell around the node core (lib/node). It reads
 * keepalived.conf, prepares the host through the platform (leftovers, vmacs, source addresses, no_accept
 * drops), opens the transports, feeds the node packets, link changes, script results, tracked files and
 * process snapshots (vrrp_track_process), arms one timer
 * at the node's next deadline, and carries out its actions (executor.ts). `vrrpd -f` is this class plus
 * signals, pid file and control socket (lib/cli/run.ts).
 */
import EventEmitter from 'eventemitter3';
import { readFile } from 'node:fs/promises';
import type { Server } from 'node:net';
import { loadConfig } from '../config/load';
import { parseConfigText } from '../config/parse';
import type { ConfigWarning, KeepalivedConfig } from '../config/types';
import { isMulticastAddress } from '../packet/address';
import { canonicalAddressCached } from '../packet/address-cache';
import { sameVipDrops, unionVipDrops, vipDropsOf } from '../node/accept';
import { VRRP_GROUP_V4, VRRP_GROUP_V6 } from '../packet/constants';
import { nodeSpecOf } from '../node/from-config';
import { VrrpNode } from '../node/node';
import type { NodeSpec } from '../node/spec';
import type { LinkState } from '../node/trackers';
import type { InstanceStatus, NodeEvent, NodeEvents, NodeStatus } from '../node/types';
import { vmacOf } from '../node/vmac-plan';
import { LinuxPlatform } from '../platform/linux';
import { scanProcesses } from '../platform/processes';
import { isEmptyVipDrops, LinkInfo, noVipDrops, Platform, Unsubscribe, VipDrops } from '../platform/types';
import type { Family } from '../packet/constants';
import type { ReceiveResult } from '../packet/receive';
import { Clock, receiveTime, systemClock, TimerHandle } from './clock';
import { runCommand } from './command';
import { claimControlSocket, startControlSocket } from './control';
import { Endpoints, rawTransportFactory, TransportFactory } from './endpoints';
import { CommandRunner, Executor, LogFn } from './executor';
import { applyPromoteSecondaries, applyVipDrops, createVmac, removeLeftovers, sourcesOf } from './host-setup';
import { initTrackFiles } from './init-file';
import { runHostScript, UnknownVridLog } from './host-scripts';
import { InterfaceWatch, vmacRepairs } from './interface-watch';
import { NotifyFifo, fifoLine, notifyFifosOf } from './notify-fifo';
import { acquirePidFile, releasePidFile } from './pidfile';
import { PROCESS_POLL_MS, ProcessPoller } from './process-poll';

/** How long stop waits for the notify_stop / notify STOP scripts, in milliseconds. */
export const STOP_NOTIFY_WAIT_MS = 5000;

/** How often tracked files are read, in milliseconds. */
export const FILE_POLL_MS = 500;

/** Options of `Vrrpd`. Every one has a production default. */
export interface VrrpdOptions {
  /** The host (default LinuxPlatform: rtnetlink, libpcap announcements). */
  platform?: Platform;
  /** Opens transports (default raw sockets). */
  openTransport?: TransportFactory;
  /** Monotonic time and timers (default systemClock: performance.now and a timerfd). */
  clock?: Clock;
  /** One line per event (default: none). */
  log?: LogFn;
  /** Runs scripts and notify commands (default child processes with timeout and process-group kill). */
  runCommand?: CommandRunner;
  /** Held while running; a live holder refuses the start. */
  pidFile?: string;
  /** JSON control socket for `vrrpd status`. */
  controlSocket?: string;
  /**
   * keepalived's config id (`-i ID` / `--config-id ID`) for `@ID` / `@^ID` lines, at start and every reload.
   * Default for a file: the host name up to its first dot (keepalived's); for text: none.
   */
  configId?: string;
  /** Time between two process scans for vrrp_track_process, in ms (default PROCESS_POLL_MS, 1 s). */
  processPollMs?: number;
}

/** Status of a running daemon: the node's, with wall-clock transition times, and the transports. */
export interface VrrpdStatus extends NodeStatus {
  pid: number;
  /** The daemon process's memory (bytes, process.memoryUsage); its libpcap children are separate processes. */
  memory: { rss: number; heapUsed: number; heapTotal: number; external: number; arrayBuffers: number };
  instances: Array<InstanceStatus & { lastTransitionTime: string | null; ioErrors: Record<string, number> }>;
  transports: ReturnType<Endpoints['stats']>;
}

/** The parse options of `options` (only a given config id overrides loadConfig's default). */
function idOf(options: VrrpdOptions): { configId?: string } {
  return options.configId === undefined ? {} : { configId: options.configId };
}

/** Where the configuration came from (what `reload()` without an argument reads again). */
type Source = { path: string } | { text: string; file: string };

/**
 * The multicast groups the instances on (ifname, family) send to, when other than the IANA group alone
 * (`vrrp_mcast_group4/6`, `mcast_dst_ip`); undefined: the transport's default.
 */
function multicastGroupsOn(node: VrrpNode, ifname: string, family: 4 | 6): string[] | undefined {
  const groups = new Set<string>();
  for (const n of node.instanceNames()) {
    const s = node.instanceSpec(n);
    if (s.rxInterface === ifname && s.router.family === family) for (const d of s.destinations) if (isMulticastAddress(d)) groups.add(d);
  }
  const list = [...groups].sort();
  return list.length === 0 || (list.length === 1 && list[0] === (family === 4 ? VRRP_GROUP_V4 : VRRP_GROUP_V6)) ? undefined : list;
}

function linkStates(links: readonly LinkInfo[]): LinkState[] {
  return links.map((l) => ({ ifname: l.ifname, up: l.up, addresses: l.addresses.map((a) => canonicalAddressCached(a.address)) }));
}

/** The daemon. Events: 'state-change', 'priority-change', 'advert-dropped', 'warning' (lib/node/types.ts). */
export class Vrrpd extends EventEmitter<NodeEvents> {
  /** Warnings of the configuration last loaded (file:line:col). */
  warnings: ConfigWarning[];
  private config: KeepalivedConfig;
  private readonly platform: Platform;
  private readonly clock: Clock;
  private readonly log: LogFn;
  private readonly exec: Executor;
  private readonly endpoints: Endpoints;
  private node: VrrpNode | null = null;
  private links: LinkInfo[] = [];
  private timer: TimerHandle | null = null;
  private timerAt: number | null = null;
  private fileTimer: TimerHandle | null = null;
  /** vrrp_startup_delay: the instances' start, while it is pending. */
  private startTimer: TimerHandle | null = null;
  private readonly unknownVrids: UnknownVridLog;
  private unwatch: Unsubscribe | null = null;
  private control: Server | null = null;
  private stopping: Promise<void> | null = null;
  private readonly watch = new InterfaceWatch();
  private readonly repairing = new Set<string>();
  private fifos: NotifyFifo[] = [];
  private readonly run: CommandRunner;
  private readonly processes: ProcessPoller;
  /** The no_accept drops the platform holds (null: not set by this daemon). */
  private drops: VipDrops | null = null;

  private constructor(private source: Source, parsed: { config: KeepalivedConfig; warnings: ConfigWarning[] }, private readonly opts: VrrpdOptions) {
    super();
    this.config = parsed.config;
    this.warnings = parsed.warnings;
    this.platform = opts.platform ?? new LinuxPlatform();
    this.clock = opts.clock ?? systemClock;
    this.log = opts.log ?? (() => undefined);
    const base = opts.runCommand ?? runCommand;
    // enable_script_security, read at each run (a reload applies it): scripts and notify commands whose
    // file or directories others can write are refused (command.ts checkScriptSecure).
    const run: CommandRunner = (line, o) => base(line, { ...o, secure: this.config.global.enableScriptSecurity });
    this.run = run;
    this.unknownVrids = new UnknownVridLog(this.log);
    this.exec = new Executor({
      platform: this.platform,
      log: this.log,
      runCommand: run,
      transport: (ifname, family) => this.endpoints.get(ifname, family),
      scriptDone: (script, outcome) => this.feed((n, now) => n.scriptResult(script, outcome, now)),
      event: (e) => this.onEvent(e),
      fifo: (line) => {
        for (const f of this.fifos) f.write(line);
      },
    });
    this.processes = new ProcessPoller({
      clock: this.clock,
      intervalMs: opts.processPollMs ?? PROCESS_POLL_MS,
      wanted: () => this.node?.processScan() ?? null,
      scan: (o) => (this.platform.processes ? this.platform.processes(o) : scanProcesses(o)),
      feed: (list) => this.feed((n, now) => n.setProcesses(list, now)),
      log: this.log,
    });
    this.endpoints = new Endpoints(opts.openTransport ?? rawTransportFactory, this.clock, this.log, (ifname) => this.links.find((l) => l.ifname === ifname), (ifname, family, rx, at) =>
      this.received(ifname, family, rx, at),
    );
  }

  /** A daemon for the keepalived.conf at `path`. @throws ConfigError (file:line:col) when it is invalid. */
  static fromFile(path: string, options: VrrpdOptions = {}): Vrrpd {
    return new Vrrpd({ path }, loadConfig(path, idOf(options)), options);
  }

  /** A daemon for keepalived.conf `text` (named `file` in messages). @throws ConfigError when invalid. */
  static fromText(text: string, options: VrrpdOptions = {}, file = 'keepalived.conf'): Vrrpd {
    return new Vrrpd({ text, file }, parseConfigText(text, file, {}, idOf(options)), options);
  }

  /** The configuration running now. */
  get configuration(): KeepalivedConfig {
    return this.config;
  }

  /** The last time given to the node (ms). */
  private fedAt = -Infinity;

  /** Feeds the node (when running) at now, or at a packet's `receivedAt` (see receiveTime), and performs what it returns. */
  private feed(fn: (node: VrrpNode, now: number) => ReturnType<VrrpNode['timer']>, receivedAt?: number): void {
    if (!this.node || this.stopping) return;
    const now = this.feedTime(receivedAt);
    this.exec.run(fn(this.node, now));
    this.arm();
  }

  /** `feed` of a received packet, without a closure per packet (5,100 a second at 510 VRs). */
  private received(ifname: string, family: Family, rx: ReceiveResult, receivedAt?: number): void {
    if (!this.node || this.stopping) return;
    const now = this.feedTime(receivedAt);
    this.exec.run(this.node.receive(ifname, family, rx.ip?.src ?? null, rx, now));
    this.arm();
  }

  /** The time to feed the node at (see receiveTime), kept as the last time given. */
  private feedTime(receivedAt: number | undefined): number {
    this.fedAt = receiveTime(receivedAt, this.clock.now(), this.fedAt);
    return this.fedAt;
  }

  /**
   * One timer, at the node's next deadline. An armed timer that is earlier stays (a backup's deadline
   * moves later with every advert it hears: no cancel and re-create per advert); when it fires with
   * nothing due the node does nothing and the timer is set again.
   */
  private arm(): void {
    const at = this.node?.nextDeadline() ?? null;
    if (at === this.timerAt) return;
    if (at !== null && this.timerAt !== null && at > this.timerAt && this.timer) return;
    this.timer?.cancel();
    this.timer = null;
    this.timerAt = at;
    if (at === null || this.stopping) return;
    this.timer = this.clock.at(at, () => {
      this.timer = null;
      this.timerAt = null;
      this.feed((n, now) => n.timer(now));
    });
  }

  private onEvent(e: NodeEvent): void {
    switch (e.kind) {
      case 'state-change': {
        const d = e.data;
        this.log('info', `instance ${d.instance}: ${d.from} -> ${d.to} (${d.reason}${d.detail ? `: ${d.detail}` : ''}), priority ${d.priority}`);
        this.emit('state-change', d);
        return;
      }
      case 'priority-change':
        this.log('info', `instance ${e.data.instance}: effective priority ${e.data.from} -> ${e.data.to}`);
        this.emit('priority-change', e.data);
        return;
      case 'advert-dropped':
        if (e.data.reason === 'VRID_NOT_CONFIGURED' && this.config.global.logUnknownVrids) this.unknownVrids.seen(e.data.ifname, e.data.family, e.data.vrid, e.data.src, this.clock.now());
        this.emit('advert-dropped', e.data);
        return;
      case 'warning':
        this.log('warn', e.data.message);
        this.emit('warning', e.data);
        return;
    }
  }

  /** Opens the transports the node needs (and closes those it no longer needs). */
  private openEndpoints(node: VrrpNode): void {
    const keep = new Set<string>();
    for (const { ifname, family } of node.endpoints()) {
      keep.add(`${ifname}/${family}`);
      // From a vmac the kernel would pick a VIP as IPv4 source: send from the base's address instead.
      const on = node.instanceNames().map((n) => node.instanceSpec(n)).find((s) => s.rxInterface === ifname && s.router.family === family);
      const source = on && on.rxInterface !== on.interface ? on.router.primaryAddress : undefined;
      this.endpoints.ensure(ifname, family, node.lookup(ifname), source, multicastGroupsOn(node, ifname, family));
      this.watch.watch(ifname);
    }
    this.endpoints.retain(keep);
    for (const n of node.instanceNames()) {
      const s = node.instanceSpec(n);
      this.watch.watch(s.interface);
      for (const v of s.vips) this.watch.watch(v.dev);
    }
  }

  /** Pid file, leftovers, vmacs, transports, node; then the elections start. @throws Error when it cannot start. */
  async start(): Promise<void> {
    if (this.node) return;
    if (this.opts.pidFile) acquirePidFile(this.opts.pidFile);
    try {
      if (this.config.instances.length === 0) throw new Error('no vrrp_instance is configured');
      // Before touching the host: a path another live daemon answers on is refused here, not after this
      // one has removed that daemon's VIPs as "left by an unclean stop".
      if (this.opts.controlSocket) await claimControlSocket(this.opts.controlSocket);
      for (const file of (await this.platform.recover?.()) ?? []) this.log('info', `put back ${file}, left changed by an unclean stop`);
      await runHostScript('startup', this.config.global, this.run, this.log);
      await removeLeftovers(this.config.instances, this.platform, this.log);
      await this.openFifos(this.config);
      for (const inst of this.config.instances) await createVmac(inst, this.platform, this.log);
      await applyPromoteSecondaries([], this.config.instances, this.platform, this.log);
      this.links = await this.platform.links();
      const spec = nodeSpecOf(this.config, sourcesOf(this.config, this.links));
      // Before any election, and also when empty (it replaces a table a killed daemon left): no VIP is
      // ever up without its drop. Static: a BACKUP has no VIP to drop packets for (lib/node/accept.ts).
      await this.setDrops(vipDropsOf(spec), spec);
      const node = new VrrpNode(spec);
      this.openEndpoints(node);
      // Announcers ready before any election: the first GARP after a takeover must not wait for a process.
      const devs = new Set(node.instanceNames().map((n) => node.instanceSpec(n).announceDev));
      await Promise.all([this.endpoints.ready(), ...[...devs].map((d) => this.platform.prepareAnnounce?.(d))]);
      this.node = node;
      this.watch.update(this.links);
      this.feed((n, now) => n.setLinks(linkStates(this.links), now));
      this.unwatch = await this.platform.watchLinks((links) => this.onLinks(links));
      await initTrackFiles(this.config.trackFiles, false, this.log);
      await this.pollFiles();
      // Counted before the instances start, as keepalived reads /proc first (no pending weight-0 tracker).
      await this.processes.poll();
      // vrrp_startup_delay: sockets, trackers and status are up at once; the instances wait (INIT).
      const delayMs = this.config.global.startupDelayMs ?? 0;
      if (delayMs > 0) {
        this.log('info', `vrrp_startup_delay: the instances start in ${(delayMs / 1000).toFixed(1)} s`);
        this.startTimer = this.clock.at(this.clock.now() + delayMs, () => {
          this.startTimer = null;
          this.feed((n, now) => n.start(now));
        });
      } else {
        this.feed((n, now) => n.start(now));
      }
      if (this.opts.controlSocket) this.control = await startControlSocket(this.opts.controlSocket, (req) => this.handle(req.cmd));
    } catch (e) {
      await this.stop().catch(() => undefined);
      throw e;
    }
    const s = this.node.status();
    this.log('info', `started ${s.instances.length} instance(s): ${s.instances.map((i) => `${i.name} (VRID ${i.vrid}, IPv${i.family}, v${i.version}, ${i.interface}, from ${i.source})`).join(', ')}`);
  }

  private async pollFiles(): Promise<void> {
    if (!this.node || this.stopping) return;
    for (const f of this.node.trackedFiles()) {
      const text = await readFile(f.path, 'utf8').catch(() => null);
      this.feed((n, now) => n.fileText(f.name, text, now));
    }
    if (this.node.trackedFiles().length > 0 && !this.stopping) {
      this.fileTimer = this.clock.at(this.clock.now() + FILE_POLL_MS, () => void this.pollFiles());
    }
  }

  /**
   * A link report from the platform: trackers first; then an interface deleted and created again (new
   * ifindex) gets new sockets and a MASTER puts back the VIPs that went with it; a new MAC gets the VIPs
   * announced again (the sockets stay: none depends on the MAC); a vmac of ours that is
   * gone, down or without its link-local is made again, as keepalived does.
   */
  private onLinks(links: LinkInfo[]): void {
    if (this.stopping || !this.node) return;
    this.links = links;
    this.feed((n, now) => n.setLinks(linkStates(links), now));
    for (const change of this.watch.update(links)) {
      const { ifname } = change;
      if (change.kind === 'replaced') {
        const why = `${ifname} was replaced (ifindex ${change.from} -> ${change.to})`;
        this.log('info', `${why}: new sockets; a MASTER adds its VIPs back and announces them`);
        this.endpoints.reopen(ifname, why);
        this.feed((n, now) => n.reinstate(ifname, now));
      } else {
        const why = `${ifname} changed its MAC (${change.from} -> ${change.to})`;
        this.log('info', `${why}: a MASTER announces its VIPs again`);
        this.feed((n, now) => n.reinstate(ifname, now, true));
      }
    }
    const kept = new Map(this.config.instances.filter((i) => vmacOf(i)).map((i) => [vmacOf(i)?.name as string, i]));
    for (const { name, why } of vmacRepairs([...kept].map(([n, i]) => ({ name: n, family: i.family })), links)) {
      const inst = kept.get(name);
      if (!inst || this.repairing.has(name)) continue;
      this.repairing.add(name);
      this.log('warn', `instance ${inst.name}: ${why}; making it again`);
      void createVmac(inst, this.platform, this.log)
        .then((created) => void (created || this.feed((n, now) => n.reinstate(name, now))))
        .catch((e: Error) => this.log('warn', `instance ${inst.name}: cannot make ${name} again: ${e.message}`))
        .finally(() => this.repairing.delete(name));
    }
  }

  /**
   * Reload without flap: the new configuration (the same file again, or `source`: a path, or text when it
   * holds a newline or a brace) is parsed and validated first; when it is bad this rejects with the error
   * (file:line:col) and the running configuration stays. Then unchanged instances keep state, timers and
   * VIPs; changed ones are reconfigured; removed ones stop (priority 0, VIPs removed); added ones start.
   */
  async reload(source?: string): Promise<void> {
    if (!this.node || this.stopping) throw new Error('vrrpd is not running');
    const next: Source = source === undefined ? this.source : /[\n{]/.test(source) ? { text: source, file: 'keepalived.conf' } : { path: source };
    const parsed = 'path' in next ? loadConfig(next.path, idOf(this.opts)) : parseConfigText(next.text, next.file, {}, idOf(this.opts));
    if (parsed.config.instances.length === 0) throw new Error('no vrrp_instance is configured');
    const old = new Map(this.config.instances.map((i) => [i.name, i]));
    for (const inst of parsed.config.instances) if (!old.has(inst.name) || JSON.stringify(vmacOf(old.get(inst.name) as never)) !== JSON.stringify(vmacOf(inst))) await createVmac(inst, this.platform, this.log);
    this.links = await this.platform.links();
    const spec = nodeSpecOf(parsed.config, sourcesOf(parsed.config, this.links));
    const fifoConf = (c: KeepalivedConfig): string => JSON.stringify([c.global.notifyFifo, c.global.vrrpNotifyFifo, c.global.scriptUser]);
    if (fifoConf(parsed.config) !== fifoConf(this.config)) {
      await this.closeFifos();
      await this.openFifos(parsed.config);
    }
    await initTrackFiles(parsed.config.trackFiles, true, this.log);
    // The union of the old and the new drops while VIPs move (a refusal leaves the running configuration),
    // the new ones once they have moved.
    const drops = vipDropsOf(spec);
    const during = unionVipDrops(this.drops ?? noVipDrops(), drops);
    if (!this.drops || !sameVipDrops(during, this.drops)) await this.setDrops(during, spec);
    this.exec.run(this.node.apply(spec, this.clock.now()));
    this.arm();
    await this.processes.poll();
    this.openEndpoints(this.node);
    const node = this.node;
    await Promise.all([...new Set(node.instanceNames().map((n) => node.instanceSpec(n).announceDev))].map((d) => this.platform.prepareAnnounce?.(d)));
    await this.exec.settled();
    if (!this.drops || !sameVipDrops(drops, this.drops)) await this.setDrops(drops, spec).catch((e: Error) => this.log('warn', `no_accept: ${e.message}`));
    const kept = new Set(parsed.config.instances.map((i) => vmacOf(i)?.name).filter((n) => n !== undefined));
    for (const inst of this.config.instances) {
      const v = vmacOf(inst);
      if (v && !kept.has(v.name) && this.platform.removeVmac) await this.platform.removeVmac(v.name).catch(() => false);
    }
    await applyPromoteSecondaries(this.config.instances, parsed.config.instances, this.platform, this.log);
    this.source = next;
    this.config = parsed.config;
    this.warnings = parsed.warnings;
    if (parsed.config.global.fifoWriteStatesOnReload) this.writeStates();
    this.log('info', `reloaded: ${spec.instances.length} instance(s)`);
  }

  /** Opens the notify FIFOs of `config` (one that cannot be opened is logged and left out). */
  private async openFifos(config: KeepalivedConfig): Promise<void> {
    for (const f of notifyFifosOf(config.global, this.log, this.run)) {
      try {
        await f.open();
        this.fifos.push(f);
      } catch (e) {
        this.log('warn', `${(e as Error).message}; notify events are not written to it`);
      }
    }
  }

  private async closeFifos(): Promise<void> {
    const fifos = this.fifos;
    this.fifos = [];
    await Promise.all(fifos.map((f) => f.close()));
  }

  /** `fifo_write_vrrp_states_on_reload`: every instance's and sync group's state, as notify lines. */
  private writeStates(): void {
    const s = this.node?.status();
    if (!s) return;
    const word = (state: string): string => (state === 'INIT' ? 'STOP' : state);
    for (const i of s.instances) for (const f of this.fifos) f.write(fifoLine('INSTANCE', i.name, word(i.state), i.priority.effective));
    for (const g of s.syncGroups) for (const f of this.fifos) f.write(fifoLine('GROUP', g.name, word(g.state), 0));
  }

  /** The notify FIFOs open now, with their counters (lines written, dropped). */
  notifyFifos(): Array<{ path: string; written: number; dropped: number }> {
    return this.fifos.map((f) => ({ path: f.path, written: f.written, dropped: f.dropped }));
  }

  /** Has the platform drop exactly `drops` (see host-setup.ts applyVipDrops) and remembers them. */
  private async setDrops(drops: VipDrops, spec: NodeSpec): Promise<void> {
    await applyVipDrops(this.platform, drops, this.drops, spec, this.log);
    if (this.platform.setVipDrops) this.drops = drops;
  }

  /** Status: one object per instance (see InstanceStatus), sync groups, unclaimed drops, transports. */
  status(): VrrpdStatus {
    const base = this.node?.status() ?? { instances: [], syncGroups: [], unclaimed: {} };
    const wallOffset = Date.now() - this.clock.now();
    const m = process.memoryUsage();
    return {
      pid: process.pid,
      memory: { rss: m.rss, heapUsed: m.heapUsed, heapTotal: m.heapTotal, external: m.external, arrayBuffers: m.arrayBuffers },
      ...base,
      instances: base.instances.map((i) => ({
        ...i,
        lastTransitionTime: i.lastTransition ? new Date(wallOffset + i.lastTransition.atMs).toISOString() : null,
        ioErrors: { ...(this.exec.ioErrors.get(i.name) ?? {}) },
      })),
      transports: this.endpoints.stats(),
    };
  }

  /** Current states by instance name. */
  states(): Record<string, string> {
    return Object.fromEntries((this.node?.status().instances ?? []).map((i) => [i.name, i.state]));
  }

  private handle(cmd: string): unknown {
    if (cmd === 'status') return this.status();
    return { error: `unknown command ${cmd}` };
  }

  /** Priority 0 from every MASTER, every VIP removed, then its drop rules, sockets closed, vmacs removed, pid file released. Idempotent. */
  stop(): Promise<void> {
    if (!this.stopping) {
      this.stopping = (async () => {
        this.unwatch?.();
        this.fileTimer?.cancel();
        this.startTimer?.cancel();
        this.processes.stop();
        this.timer?.cancel();
        if (this.node) this.exec.run(this.node.shutdown(this.clock.now()));
        await this.exec.settled();
        // notify_stop and notify ... STOP run before the daemon goes (bounded: a hung script cannot hold it).
        let waited: NodeJS.Timeout | undefined;
        await Promise.race([this.exec.notified(), new Promise((res) => (waited = setTimeout(res, STOP_NOTIFY_WAIT_MS)))]);
        clearTimeout(waited);
        await this.closeFifos();
        // Let the priority-0 adverts leave before the sockets close.
        await new Promise((res) => setTimeout(res, 50));
        this.endpoints.closeAll();
        // The VIPs are gone: now their drop rules can go.
        if (this.drops && !isEmptyVipDrops(this.drops) && this.platform.setVipDrops) {
          await this.platform.setVipDrops(noVipDrops()).catch((e: Error) => this.log('warn', `no_accept: removing the drop rules: ${e.message}`));
          this.drops = null;
        }
        // Vmacs before the platform's handles close (removeVmac closes the frame sender on the vmac first).
        for (const inst of this.config.instances) {
          const v = vmacOf(inst);
          if (v && this.platform.removeVmac) await this.platform.removeVmac(v.name).catch((e: Error) => this.log('warn', `instance ${inst.name}: removing ${v.name}: ${e.message}`));
        }
        await applyPromoteSecondaries(this.config.instances, [], this.platform, this.log);
        if (this.node) await runHostScript('shutdown', this.config.global, this.run, this.log);
        await this.platform.close();
        await new Promise<void>((res) => (this.control ? this.control.close(() => res()) : res()));
        if (this.opts.pidFile) releasePidFile(this.opts.pidFile);
      })();
    }
    return this.stopping;
  }
}
