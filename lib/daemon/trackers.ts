/**
 * The I/O edge of the trackers: runs each vrrp_script on its interval (lib/daemon/command.ts), polls the
 * links of tracked interfaces (`ip -j addr`, right in any namespace) and tracked files, and feeds the
 * pure trackers of lib/track. Calls `onChange` whenever any tracker's state changed, and hands every
 * poll's interface list to the `onLinks` listeners (lib/daemon/interface-watch.ts).
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import type { KeepalivedConfig, VrrpInstance } from '../config/types';
import { canonicalAddress } from '../packet/address';
import { FileTracker, InterfaceTracker, ScriptTracker, Tracker, TrackerSet } from '../track';
import { Clock, TimerHandle } from './clock';
import { runCommand } from './command';
import type { LogFn } from './driver';

/** How often links and files are polled, in milliseconds. */
export const POLL_MS = 500;

/** One interface as `ip -j addr show` lists it (the fields used here). */
export interface LinkSnapshot {
  ifindex?: number;
  ifname: string;
  /** Link-layer address (MAC for Ethernet). */
  address?: string;
  flags?: string[];
  addr_info?: Array<{ family?: string; local: string; scope?: string }>;
}

export class TrackerHost {
  private readonly scripts = new Map<string, ScriptTracker>();
  private readonly commands = new Map<string, { line: string; user?: string; group?: string }>();
  private readonly links = new Map<string, InterfaceTracker>();
  private readonly files = new Map<string, { tracker: FileTracker; path: string }>();
  /** Source addresses that must stay on their interface (`${ifname} ${address}` -> tracker). */
  private readonly sources = new Map<string, { ifname: string; address: string; tracker: InterfaceTracker }>();
  private readonly linkListeners: Array<(links: LinkSnapshot[]) => void> = [];
  private timers: TimerHandle[] = [];
  private stopped = false;
  /** False until the first interface poll: what it finds up is the starting state, not news. */
  private polled = false;

  constructor(
    config: KeepalivedConfig,
    private readonly clock: Clock,
    private readonly log: LogFn,
    private readonly onChange: () => void,
  ) {
    const user = config.global.scriptUser;
    for (const s of config.scripts) {
      this.scripts.set(s.name, new ScriptTracker({
        name: s.name, intervalMs: s.intervalMs, timeoutMs: s.timeoutMs, weight: s.weight, reverse: s.weightReverse,
        rise: s.rise, fall: s.fall, initFail: s.initFail,
      }));
      this.commands.set(s.name, { line: s.script, user: (s.user ?? user)?.user, group: (s.user ?? user)?.group });
    }
    for (const f of config.trackFiles) {
      this.files.set(f.name, { tracker: new FileTracker({ name: f.name, weight: f.weight, reverse: f.weightReverse }), path: f.file });
    }
  }

  private link(ifname: string): InterfaceTracker {
    let t = this.links.get(ifname);
    if (!t) this.links.set(ifname, (t = new InterfaceTracker({ ifname, weight: 0 })));
    return t;
  }

  private source(ifname: string, address: string): InterfaceTracker {
    const key = `${ifname} ${address}`;
    let s = this.sources.get(key);
    if (!s) this.sources.set(key, (s = { ifname, address, tracker: new InterfaceTracker({ ifname: key, weight: 0 }) }));
    return s.tracker;
  }

  /**
   * The trackers of one instance with its weight overrides. Its own interface is tracked with weight 0
   * (link down = FAULT), as keepalived does unless `dont_track_primary`. When `source` is given (the
   * address found on the interface at start), its disappearance is a FAULT too: without it the kernel
   * would send our adverts from another address, a VIP even (RFC 9568 §5.1.2.1 wants the link-local).
   */
  trackersOf(inst: VrrpInstance, source?: string): TrackerSet {
    const list: Tracker[] = [];
    if (!inst.dontTrackPrimary) list.push(this.link(inst.interface).forInstance({ weight: 0 }));
    if (source !== undefined) list.push(this.source(inst.interface, source).forInstance({ weight: 0 }));
    for (const r of inst.trackInterfaces) list.push(this.link(r.name).forInstance({ weight: r.weight ?? 0, reverse: r.reverse }));
    for (const r of inst.trackScripts) {
      const s = this.scripts.get(r.name);
      if (s) list.push(s.forInstance({ weight: r.weight, reverse: r.reverse }));
    }
    for (const r of inst.trackFiles) {
      const f = this.files.get(r.name);
      if (f) list.push(f.tracker.forInstance({ weight: r.weight, reverse: r.reverse }));
    }
    return new TrackerSet(list);
  }

  /** Calls `listener` with the interface list of every poll (after the trackers were fed). */
  onLinks(listener: (links: LinkSnapshot[]) => void): void {
    this.linkListeners.push(listener);
  }

  /** Starts the script loops and the link / file polls (a first poll runs at once). */
  start(): void {
    for (const [name, tracker] of this.scripts) this.scheduleScript(name, tracker);
    const poll = (): void => {
      if (this.stopped) return;
      void Promise.all([this.pollInterfaces(), this.pollFiles()]).then(() => {
        if (!this.stopped) this.timers.push(this.clock.at(this.clock.now() + POLL_MS, poll));
      });
    };
    poll();
  }

  stop(): void {
    this.stopped = true;
    for (const t of this.timers) t.cancel();
    this.timers = [];
  }

  private scheduleScript(name: string, tracker: ScriptTracker): void {
    const run = (): void => {
      if (this.stopped) return;
      const cmd = this.commands.get(name);
      if (!cmd) return;
      tracker.started(this.clock.now());
      void runCommand(cmd.line, { timeoutMs: tracker.timeoutMs, user: cmd.user, group: cmd.group }).then((r) => {
        if (this.stopped) return;
        if (r.spawnError) this.log('warn', `vrrp_script ${name}: cannot run ${JSON.stringify(cmd.line)}: ${r.spawnError}`);
        if (tracker.result(r.outcome, this.clock.now())) {
          this.log('info', `vrrp_script ${name}: ${tracker.status()} (${r.outcome}${r.code !== null ? `, exit ${r.code}` : ''})`);
          this.onChange();
        }
        this.timers.push(this.clock.at(Math.max(tracker.nextRunAt(), this.clock.now()), run));
      });
    };
    this.timers.push(this.clock.at(this.clock.now(), run));
  }

  /**
   * One `ip -j addr show` per poll feeds the link trackers (UP and LOWER_UP flags), the source address
   * trackers (the address still on its interface) and the `onLinks` listeners.
   */
  private pollInterfaces(): Promise<void> {
    if (this.links.size === 0 && this.sources.size === 0 && this.linkListeners.length === 0) return Promise.resolve();
    return new Promise((resolve) => {
      execFile('ip', ['-j', 'addr', 'show'], { encoding: 'utf8', timeout: 2000 }, (err, stdout) => {
        if (!err && !this.stopped) {
          let changed = false;
          try {
            const links = JSON.parse(stdout) as LinkSnapshot[];
            // Only news is logged: a link found up (an address found present) at the first poll is not.
            const first = !this.polled;
            this.polled = true;
            for (const [ifname, t] of this.links) {
              const l = links.find((x) => x.ifname === ifname);
              const up = !!l && !!l.flags?.includes('UP') && !!l.flags?.includes('LOWER_UP');
              if (t.linkChanged(up)) {
                if (!(first && up)) this.log('info', `track_interface ${ifname}: ${up ? 'up' : 'down'}`);
                changed = true;
              }
            }
            for (const src of this.sources.values()) {
              const link = links.find((l) => l.ifname === src.ifname);
              const present = !!link?.addr_info?.some((a) => canonicalAddress(a.local) === src.address);
              if (src.tracker.linkChanged(present)) {
                if (!(first && present)) this.log('info', `source address ${src.address} ${present ? 'is back on' : 'is gone from'} ${src.ifname}`);
                changed = true;
              }
            }
            for (const listener of this.linkListeners) listener(links);
          } catch (e) {
            this.log('warn', `cannot read interfaces: ${(e as Error).message}`);
          }
          if (changed) this.onChange();
        }
        resolve();
      });
    });
  }

  private async pollFiles(): Promise<void> {
    let changed = false;
    for (const { tracker, path } of this.files.values()) {
      const text = await readFile(path, 'utf8').catch(() => null);
      if (tracker.updateText(text)) changed = true;
    }
    if (changed && !this.stopped) this.onChange();
  }
}
