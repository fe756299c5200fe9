/**
 * A host of the simulated LAN: the node core (lib/node) on the LAN's virtual clock, with in-memory stand-ins
 * for what the daemon does with sockets, rtnetlink and processes: VIPs in a set, announcements and notify
 * runs in lists, scripts answered from outcomes the test sets, links the test sets up or down, the process
 * list the test sets (vrrp_track_process).
 */
import { routeText, ruleText } from '../platform/route-text';
import EventEmitter from 'eventemitter3';
import { parseConfigText } from '../config/parse';
import type { KeepalivedConfig } from '../config/types';
import type { RouterConfig } from '../fsm/types';
import { canonicalAddress } from '../packet/address';
import { nodeSpecOf, configuredSource } from '../node/from-config';
import { VrrpNode } from '../node/node';
import type { InstanceSpec, NodeSpec } from '../node/spec';
import type { LinkState } from '../node/trackers';
import type { NodeAction, NodeEvents, NodeStatus, NotifyState, RouterActionObserver } from '../node/types';
import { VRRP_GROUP_V4, VRRP_GROUP_V6 } from '../packet/constants';
import type { ProcessEntry, ScriptOutcome } from '../track';
import { DEFAULT_ANNOUNCE } from '../node/announce';

/** What a simulated host was asked to do besides sending: one entry per announce or notify action. */
export type SimRecord =
  | { t: number; kind: 'announce'; instance: string; dev: string; addresses: string[]; mac?: string }
  | { t: number; kind: 'notify'; target: 'INSTANCE' | 'GROUP'; name: string; state: NotifyState; priority: number }
  | { t: number; kind: 'script'; script: string; outcome: ScriptOutcome }
  | { t: number; kind: 'log'; level: 'info' | 'warn'; message: string };

/** The LAN side a host needs: the clock, the event queue and packet delivery. */
export interface SimHostLan {
  readonly now: number;
  schedule(at: number, fn: () => void): void;
  transmit(from: SimHost, action: Extract<NodeAction, { type: 'transmit' }>): void;
  vipsChanged(host: SimHost, instance: string, cidrs: string[], on: boolean): void;
  reschedule(host: SimHost): void;
}

/** Source address of each instance: the configured one, else the first address of its family on its interface. */
function sourcesOf(config: KeepalivedConfig, addresses: Readonly<Record<string, readonly string[]>>): Map<string, string> {
  const out = new Map<string, string>();
  for (const inst of config.instances) {
    const given = configuredSource(inst);
    const found = (addresses[inst.interface] ?? []).map((c) => c.split('/')[0]).find((a) => (inst.family === 4 ? !a.includes(':') : a.toLowerCase().startsWith('fe80:')));
    const src = given ?? found;
    if (src === undefined) throw new TypeError(`instance ${inst.name}: interface ${inst.interface} has no IPv${inst.family} ${inst.family === 6 ? 'link-local ' : ''}address in this node's addresses`);
    out.set(inst.name, src);
  }
  return out;
}

/** The spec of one bare RouterConfig on eth0 (the simulator's router-level API). */
export function routerSpec(config: RouterConfig, port: string): InstanceSpec {
  const group = config.family === 4 ? VRRP_GROUP_V4 : VRRP_GROUP_V6;
  return {
    router: config, interface: 'eth0', rxInterface: 'eth0', destinations: [group], unicastPeers: [], checksum: 'pseudo-header',
    expectations: {
      version: config.version, intervalCs: config.intervalCs, authType: config.auth?.type ?? 0,
      ...(config.auth ? { authData: config.auth.data } : {}), owner: config.priority === 255,
    },
    vips: config.virtualAddresses.map((a) => ({ dev: 'eth0', cidr: `${a}/${config.family === 4 ? 32 : 128}` })),
    routes: [], rules: [],
    announceDev: 'eth0', announce: { ...DEFAULT_ANNOUNCE, delayMs: 0, repeat: 1 }, trackInterfaces: [], trackScripts: [], trackFiles: [], notify: {}, port,
  };
}

/** One host of the simulated LAN. Events and `status()` are those of `Vrrpd`. */
export class SimHost extends EventEmitter<NodeEvents> {
  readonly node: VrrpNode;
  /** Announcements, notify runs, script runs and log lines, oldest first. */
  readonly records: SimRecord[] = [];
  /** Addresses the host owns (unicast adverts to them reach it). */
  readonly addresses: Set<string>;
  dead = false;
  private readonly outcomes = new Map<string, ScriptOutcome>();
  private readonly links = new Map<string, LinkState>();
  /** Tracked file contents the test set (a file never set is missing: null). */
  private readonly files = new Map<string, string | null>();
  /** The processes running on the host, as the test set them (none at first). */
  private procs: ProcessEntry[] = [];
  /** The deadline the LAN has queued a timer event for. */
  scheduled: number | null = null;

  constructor(readonly name: string, spec: NodeSpec, private readonly lan: SimHostLan, interfaces: Readonly<Record<string, readonly string[]>>, observer?: RouterActionObserver) {
    super();
    this.node = new VrrpNode(spec, observer);
    this.addresses = new Set(Object.values(interfaces).flat().map((c) => canonicalAddress(c.split('/')[0])));
    for (const [ifname, list] of Object.entries(interfaces)) this.links.set(ifname, { ifname, up: true, addresses: list.map((c) => canonicalAddress(c.split('/')[0])) });
  }

  /** A host from keepalived.conf text; `addresses`: interface -> its addresses ("192.0.2.1/24", "fe80::1/64"). */
  static fromConfig(name: string, text: string, addresses: Readonly<Record<string, readonly string[]>>, lan: SimHostLan, observer?: RouterActionObserver): SimHost {
    const { config } = parseConfigText(text, `${name}.conf`);
    const spec = nodeSpecOf(config, sourcesOf(config, addresses));
    for (const i of spec.instances) i.port = name;
    const host = new SimHost(name, spec, lan, addresses, observer);
    host.perform(host.node.setLinks([...host.links.values()], lan.now));
    host.readFiles();
    host.readProcesses();
    return host;
  }

  /** The outcome the next runs of script `name` report (default success). */
  setScriptResult(name: string, outcome: ScriptOutcome): void {
    this.outcomes.set(name, outcome);
  }

  /** Sets link `ifname` up or down now (its trackers react at once). */
  setLink(ifname: string, up: boolean): void {
    const l = this.links.get(ifname) ?? { ifname, up, addresses: [] };
    this.links.set(ifname, { ...l, up });
    this.perform(this.node.setLinks([...this.links.values()], this.lan.now));
  }

  /** The content of tracked file `name` now (null: unreadable). */
  setFile(name: string, text: string | null): void {
    this.files.set(name, text);
    this.perform(this.node.fileText(name, text, this.lan.now));
  }

  /** The processes running now (vrrp_track_process counts them at once, delays on the LAN's clock). */
  setProcesses(list: readonly ProcessEntry[]): void {
    this.procs = [...list];
    this.readProcesses();
  }

  /** Feeds the process list, as the daemon scans /proc before start, after reload and every second. */
  private readProcesses(): void {
    if (this.node.processScan()) this.perform(this.node.setProcesses(this.procs, this.lan.now));
  }

  /** Feeds every tracked file's content (null: missing), as the daemon reads them before start and after reload. */
  private readFiles(): void {
    for (const f of this.node.trackedFiles()) this.perform(this.node.fileText(f.name, this.files.get(f.name) ?? null, this.lan.now));
  }

  /** Starts every instance. */
  start(): void {
    this.perform(this.node.start(this.lan.now));
  }

  /** Graceful stop: priority 0 from every MASTER, VIPs removed. */
  stop(): void {
    this.perform(this.node.shutdown(this.lan.now));
  }

  /**
   * Reload with new keepalived.conf text (parsed and validated first: an error throws and the running
   * configuration stays).
   */
  reload(text: string): void {
    const { config } = parseConfigText(text, `${this.name}.conf`);
    const ifaces = Object.fromEntries([...this.links.values()].map((l) => [l.ifname, l.addresses]));
    const spec = nodeSpecOf(config, sourcesOf(config, ifaces));
    for (const i of spec.instances) i.port = this.name;
    this.perform(this.node.apply(spec, this.lan.now));
    this.readFiles();
    this.readProcesses();
  }

  /** The node's status (the shape of `vrrpd status --json`). */
  status(): NodeStatus {
    return this.node.status();
  }

  /** The VIPs this host holds now ("address/len"). */
  readonly vips = new Set<string>();
  /** The virtual routes and rules this host has installed now, as ip-route / ip-rule text (route-text.ts). */
  readonly routes = new Set<string>();
  readonly rules = new Set<string>();

  /** Carries out the node's actions. */
  perform(actions: readonly NodeAction[]): void {
    if (this.dead) return;
    const t = this.lan.now;
    for (const a of actions) {
      switch (a.type) {
        case 'transmit':
          this.lan.transmit(this, a);
          break;
        case 'add-vips':
        case 'remove-vips': {
          const on = a.type === 'add-vips';
          for (const v of a.vips) if (on) this.vips.add(v.cidr); else this.vips.delete(v.cidr);
          this.lan.vipsChanged(this, a.instance, a.vips.map((v) => v.cidr), on);
          break;
        }
        case 'add-routes':
        case 'remove-routes': {
          const on = a.type === 'add-routes';
          for (const r of a.routes) if (on) this.routes.add(routeText(r)); else this.routes.delete(routeText(r));
          for (const r of a.rules) if (on) this.rules.add(ruleText(r)); else this.rules.delete(ruleText(r));
          break;
        }
        case 'announce':
          this.records.push({ t, kind: 'announce', instance: a.instance, dev: a.dev, addresses: a.addresses, ...(a.mac ? { mac: a.mac } : {}) });
          break;
        case 'run-script': {
          const outcome = this.outcomes.get(a.script) ?? 'success';
          this.lan.schedule(t, () => {
            if (this.dead) return;
            this.records.push({ t: this.lan.now, kind: 'script', script: a.script, outcome });
            this.perform(this.node.scriptResult(a.script, outcome, this.lan.now));
          });
          break;
        }
        case 'notify':
          this.records.push({ t, kind: 'notify', target: a.kind, name: a.name, state: a.state, priority: a.priority });
          break;
        case 'event':
          switch (a.event.kind) {
            case 'state-change': this.emit('state-change', a.event.data); break;
            case 'priority-change': this.emit('priority-change', a.event.data); break;
            case 'advert-dropped': this.emit('advert-dropped', a.event.data); break;
            case 'warning': this.emit('warning', a.event.data); break;
          }
          break;
        case 'log':
          this.records.push({ t, kind: 'log', level: a.level, message: a.message });
          break;
      }
    }
    this.lan.reschedule(this);
  }
}
