/**
 * The trackers of one host (lib/track, pure) and what feeds them: script results, link states, file
 * contents and process snapshots reported by the shell, the script schedule (which script is due when) and
 * the process trackers' delays. Shared trackers, per-instance views with their own weights
 * (keepalived.conf(5) track_script / track_interface / track_file / track_process). Reload keeps the state
 * of every tracker by name (a changed script's schedule and rise/fall streak start again).
 */
import { countMatches, FileTracker, InterfaceTracker, ProcessEntry, ProcessTracker, ScriptOutcome, ScriptTracker, Tracker } from '../track';
import { noPeerFault } from './config-fault';
import type { FileSpec, InstanceSpec, NodeSpec, ProcessSpec, ScriptSpec } from './spec';
import type { NodeAction, TrackerStatus } from './types';

/** The state of one link as the shell reports it: up (admin up and carrier) and its addresses (canonical). */
export interface LinkState {
  ifname: string;
  up: boolean;
  addresses: readonly string[];
}

/** One instance's tracker views, and what status shows of each. */
export interface InstanceTrackers {
  views: Tracker[];
  status(): TrackerStatus[];
}

function same<T>(a: T, b: T): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** All trackers of a node. */
export class NodeTrackers {
  private readonly scripts = new Map<string, { spec: ScriptSpec; tracker: ScriptTracker }>();
  private readonly files = new Map<string, { spec: FileSpec; tracker: FileTracker }>();
  /** Process trackers some instance tracks (keepalived counts no other). */
  private readonly processes = new Map<string, { spec: ProcessSpec; tracker: ProcessTracker }>();
  private readonly links = new Map<string, InterfaceTracker>();
  /** `${ifname} ${address}` -> tracker of a source address that must stay on its interface. */
  private readonly sources = new Map<string, { ifname: string; address: string; tracker: InterfaceTracker }>();
  /** Scripts some instance tracks (keepalived runs no other). */
  private readonly used = new Set<string>();
  private lastLinks: readonly LinkState[] | null = null;

  /** Builds the trackers of `spec`, taking over the state of `previous`'s unchanged ones (reload). */
  constructor(spec: NodeSpec, previous?: NodeTrackers) {
    for (const s of spec.scripts) {
      const old = previous?.scripts.get(s.name);
      let tracker = old?.tracker;
      if (!old || !same(old.spec, s)) {
        tracker = new ScriptTracker({
          name: s.name, intervalMs: s.intervalMs, timeoutMs: s.timeoutMs, weight: s.weight, reverse: s.reverse, rise: s.rise, fall: s.fall, initFail: s.initFail,
        });
        // A same-named script keeps its state across reload, as keepalived does.
        if (old) tracker.inherit(old.tracker);
      }
      this.scripts.set(s.name, { spec: s, tracker: tracker as ScriptTracker });
    }
    for (const f of spec.files) {
      const old = previous?.files.get(f.name);
      const tracker = old && same(old.spec, f) ? old.tracker : new FileTracker({ name: f.name, weight: f.weight, reverse: f.reverse });
      this.files.set(f.name, { spec: f, tracker });
    }
    const tracked = new Set(spec.instances.flatMap((i) => (i.trackProcesses ?? []).map((r) => r.name)));
    for (const p of spec.processes ?? []) {
      if (!tracked.has(p.name)) continue;
      const old = previous?.processes.get(p.name);
      let tracker = old?.tracker;
      if (!old || !same(old.spec, p)) {
        tracker = new ProcessTracker({ name: p.name, quorum: p.quorum, quorumMax: p.quorumMax, forkDelayMs: p.forkDelayMs, terminateDelayMs: p.terminateDelayMs, weight: p.weight, reverse: p.reverse });
        if (old) tracker.inherit(old.tracker);
      }
      this.processes.set(p.name, { spec: p, tracker: tracker as ProcessTracker });
    }
    for (const inst of spec.instances) {
      for (const r of inst.trackScripts) if (this.scripts.has(r.name)) this.used.add(r.name);
      for (const r of inst.trackInterfaces) this.link(r.name, previous);
      if (inst.trackSource !== undefined) this.source(inst.interface, inst.trackSource, previous);
    }
    if (previous?.lastLinks) this.setLinks(previous.lastLinks);
  }

  private link(ifname: string, previous?: NodeTrackers): InterfaceTracker {
    let t = this.links.get(ifname);
    if (!t) this.links.set(ifname, (t = previous?.links.get(ifname) ?? new InterfaceTracker({ ifname, weight: 0 })));
    return t;
  }

  private source(ifname: string, address: string, previous?: NodeTrackers): InterfaceTracker {
    const key = `${ifname} ${address}`;
    let s = this.sources.get(key);
    if (!s) this.sources.set(key, (s = previous?.sources.get(key) ?? { ifname, address, tracker: new InterfaceTracker({ ifname: key, weight: 0 }) }));
    return s.tracker;
  }

  /** The views of one instance (its own interface, its source address, then track_* in config order). */
  forInstance(inst: InstanceSpec): InstanceTrackers {
    const views: Tracker[] = [];
    const kinds: TrackerStatus['kind'][] = [];
    const add = (t: Tracker, kind: TrackerStatus['kind']): void => {
      views.push(t);
      kinds.push(kind);
    };
    for (const r of inst.trackInterfaces) add(this.link(r.name).forInstance({ weight: r.weight, reverse: r.reverse }), 'interface');
    if (inst.trackSource !== undefined) add(this.source(inst.interface, inst.trackSource).forInstance({ weight: 0 }), 'source');
    if (inst.faultNoPeer) add(noPeerFault(), 'config');
    for (const r of inst.trackScripts) {
      const s = this.scripts.get(r.name);
      if (s) add(s.tracker.forInstance({ weight: r.weight, reverse: r.reverse }), 'script');
    }
    for (const r of inst.trackFiles) {
      const f = this.files.get(r.name);
      if (f) add(f.tracker.forInstance({ weight: r.weight, reverse: r.reverse }), 'file');
    }
    for (const r of inst.trackProcesses ?? []) {
      const p = this.processes.get(r.name);
      if (p) add(p.tracker.forInstance({ weight: r.weight, reverse: r.reverse }), 'process');
    }
    return {
      views,
      status: () => views.map((v, i) => {
        const c = v.contribution();
        return { kind: kinds[i], name: v.name, weight: v.weight, reverse: v.reverse, detail: c.detail, delta: c.delta, fault: c.fault };
      }),
    };
  }

  /** The file trackers' paths, for the shell that reads them. */
  filePaths(): Array<{ name: string; path: string }> {
    return [...this.files.values()].map((f) => ({ name: f.spec.name, path: f.spec.path }));
  }

  /**
   * What the shell must scan for the process trackers: null when none is tracked; `cmdline` when one
   * compares argv (keepalived reads /proc/PID/cmdline only then).
   */
  processScan(): { cmdline: boolean } | null {
    if (this.processes.size === 0) return null;
    return { cmdline: [...this.processes.values()].some((p) => p.spec.byCmdline) };
  }

  /**
   * The processes running now (the whole list, zombies left out): every process tracker counts its matches
   * at `now`. Returns whether a tracker changed now and one line per change (a change waiting for its
   * fork_delay / terminate_delay is reported when it takes effect, by {@link processTimer}).
   */
  setProcesses(list: readonly ProcessEntry[], now: number): { changed: boolean; lines: string[] } {
    const lines: string[] = [];
    let changed = false;
    for (const { spec, tracker } of this.processes.values()) {
      const first = tracker.status() === 'init';
      const before = tracker.count();
      if (!tracker.update(countMatches(spec, list), now)) {
        // The count shows in status and fault reasons: a new count is news even on the same side.
        changed ||= tracker.count() !== before;
        continue;
      }
      changed = true;
      if (!(first && tracker.status() === 'up')) lines.push(processLine(spec.name, tracker));
    }
    return { changed, lines };
  }

  /** Applies the process trackers' delays that are due at `now`; one line per tracker that changed. */
  processTimer(now: number): string[] {
    const lines: string[] = [];
    for (const { spec, tracker } of this.processes.values()) if (tracker.timer(now)) lines.push(processLine(spec.name, tracker));
    return lines;
  }

  /** Earliest process tracker delay (ms), or null. */
  nextProcessAt(): number | null {
    let at: number | null = null;
    for (const { tracker } of this.processes.values()) {
      const d = tracker.nextDeadline();
      if (d !== null && (at === null || d < at)) at = d;
    }
    return at;
  }

  /** Earliest time (ms) a tracked script that is not running is due, or null. */
  nextScriptAt(): number | null {
    let at: number | null = null;
    for (const name of this.used) {
      const t = this.scripts.get(name)?.tracker;
      if (t && !t.running() && (at === null || t.nextRunAt() < at)) at = t.nextRunAt();
    }
    return at;
  }

  /** Starts every due script: one `run-script` action each. */
  startDue(now: number): NodeAction[] {
    const out: NodeAction[] = [];
    for (const name of this.used) {
      const s = this.scripts.get(name);
      if (!s || !s.tracker.due(now)) continue;
      s.tracker.started(now);
      out.push({ type: 'run-script', script: name, command: s.spec.command, timeoutMs: s.spec.timeoutMs, ...(s.spec.user ? { user: s.spec.user } : {}), ...(s.spec.group ? { group: s.spec.group } : {}) });
    }
    return out;
  }

  /** A script run ended; returns the tracker's new state when it changed, else null. */
  scriptResult(name: string, outcome: ScriptOutcome, now: number): string | null {
    const t = this.scripts.get(name)?.tracker;
    if (!t) return null;
    return t.result(outcome, now) ? t.status() : null;
  }

  /** The content of a tracked file (null: unreadable); true when the tracker changed. */
  fileText(name: string, text: string | null): boolean {
    return this.files.get(name)?.tracker.updateText(text) ?? false;
  }

  /**
   * The links as they are now (every link of the host, or at least every tracked one): a tracked link
   * not listed is down, a source address not listed on its link is gone. Returns whether any tracker
   * changed (its first report included) and one line per change worth logging.
   */
  setLinks(links: readonly LinkState[]): { changed: boolean; lines: string[] } {
    this.lastLinks = links;
    const byName = new Map(links.map((l) => [l.ifname, l]));
    const lines: string[] = [];
    let changed = false;
    for (const [ifname, t] of this.links) {
      const up = byName.get(ifname)?.up ?? false;
      const first = t.status() === 'init';
      if (!t.linkChanged(up)) continue;
      changed = true;
      if (!(first && up)) lines.push(`track_interface ${ifname}: ${up ? 'up' : 'down'}`);
    }
    for (const s of this.sources.values()) {
      const present = byName.get(s.ifname)?.addresses.includes(s.address) ?? false;
      const first = s.tracker.status() === 'init';
      if (!s.tracker.linkChanged(present)) continue;
      changed = true;
      if (!(first && present)) lines.push(`source address ${s.address} ${present ? 'is back on' : 'is gone from'} ${s.ifname}`);
    }
    return { changed, lines };
  }
}

function processLine(name: string, t: ProcessTracker): string {
  return `vrrp_track_process ${name}: ${t.status()} (${t.count()} matching, quorum ${t.quorum}..${t.quorumMax ?? 'unbounded'})`;
}
