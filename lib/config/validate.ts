/**
 * Block tree -> KeepalivedConfig: dispatches the top-level sections in dependency order (global_defs,
 * scripts, track files and processes, instances, sync groups) and runs the cross-section checks. Errors
 * are recorded in the Warnings and the next section read; a section with an error is left out of the
 * result (its name still counts, so references to it are not reported again).
 */
import { type Token } from './lexer';
import type { ConfigNode } from './parser';
import { closest, where, type Warnings } from './context';
import { TOP_FOREIGN } from './foreign';
import { applyGlobalDefs, defaultGlobalDefs } from './global';
import { parseInstance } from './instance';
import { assignRulePreferences } from './route-spec';
import { parseScript, parseTrackFile, parseTrackProcess } from './script';
import { parseSyncGroup } from './sync-group';
import type { KeepalivedConfig, SourceLocation, SyncGroupConfig, TrackRef, VrrpInstance } from './types';

/** The top-level keywords vrrpd reads (for did-you-mean). */
const TOP_KEYWORDS = ['global_defs', 'vrrp_script', 'track_file', 'vrrp_track_file', 'vrrp_track_process', 'vrrp_instance', 'vrrp_sync_group'];

/** Items of `items` whose name was defined before: errors; the rest, by name. */
function unique<T extends { name: string; at: SourceLocation }>(items: T[], what: string, w: Warnings): T[] {
  const map = new Map<string, T>();
  for (const item of items) {
    const prior = map.get(item.name);
    if (prior) w.error(item.at, `${what} ${item.name} is already defined at ${where(prior.at)}; rename one of them`);
    else map.set(item.name, item);
  }
  return [...map.values()];
}

/** Parses each node with `parse`; a node with an error is recorded and left out. */
function each<T>(nodes: ConfigNode[], w: Warnings, parse: (n: ConfigNode) => T, names?: Set<string>): T[] {
  const out: T[] = [];
  for (const n of nodes) {
    if (names && n.args[0]) names.add(n.args[0].text);
    const before = w.errors.length;
    const v = w.attempt(() => parse(n), undefined);
    if (v !== undefined && w.errors.length === before) out.push(v);
  }
  return out;
}

/**
 * Builds and validates the typed configuration from the top-level nodes; errors and warnings go to `w`
 * (the caller decides whether to throw).
 */
export function buildConfig(nodes: ConfigNode[], w: Warnings): KeepalivedConfig {
  const global = defaultGlobalDefs();
  const of = (kw: string[]): ConfigNode[] => nodes.filter((n) => kw.includes(n.keyword));
  for (const n of of(['global_defs'])) w.attempt(() => applyGlobalDefs(n, global, w), undefined);

  const scriptNames = new Set<string>();
  const fileNames = new Set<string>();
  const processNames = new Set<string>();
  const scripts = unique(each(of(['vrrp_script']), w, (n) => parseScript(n, w), scriptNames), 'vrrp_script', w);
  const trackFiles = unique(each(of(['track_file', 'vrrp_track_file']), w, (n) => parseTrackFile(n, w), fileNames), 'track_file', w);
  const trackProcesses = unique(each(of(['vrrp_track_process']), w, (n) => parseTrackProcess(n, w), processNames), 'vrrp_track_process', w);
  const known = { scripts: scriptNames, trackFiles: fileNames, processes: processNames };

  const instanceNames = new Set<string>();
  const instances = unique(each(of(['vrrp_instance']), w, (n) => parseInstance(n, global, known, w), instanceNames), 'vrrp_instance', w);
  checkVrids(instances, w);
  for (const { rule, preference } of assignRulePreferences(instances.flatMap((i) => i.virtualRules))) {
    w.add(rule.at, `virtual_rules: this rule has no preference; it gets ${preference}, as keepalived assigns it (16384 down in configuration order), which is probably not what you want: add \`preference N\``);
  }

  const taken = new Map<string, { group: string; at: Token }>();
  const syncGroups = unique(each(of(['vrrp_sync_group']), w, (n) => parseSyncGroup(n, instanceNames, taken, known, w)), 'vrrp_sync_group', w);
  zeroGroupedWeights(instances, syncGroups, { scripts, trackFiles, trackProcesses }, w);

  const handled = new Set(TOP_KEYWORDS);
  for (const n of nodes) {
    if (handled.has(n.keyword)) continue;
    const why = TOP_FOREIGN.get(n.keyword);
    if (why !== undefined) w.add(n.token, `${n.keyword} ${why}`);
    else if (n.keyword.startsWith('~SEQ') || n.keyword.startsWith('~LST')) w.error(n.token, `${n.keyword.replace(/\(.*/, '')} blocks are not supported by vrrpd; write the lines out (or generate them with a script)`);
    else {
      const near = closest(n.keyword, [...TOP_KEYWORDS, ...TOP_FOREIGN.keys()]);
      w.add(n.token, `unknown top-level keyword '${n.keyword}'; ignored${near ? ` (did you mean '${near}'?)` : ''}`);
    }
  }
  for (const s of scripts) {
    const used = instances.some((i) => i.trackScripts.some((r) => r.name === s.name)) || syncGroups.some((g) => g.trackScripts.some((r) => r.name === s.name));
    if (!used) w.add(s.at, `vrrp_script ${s.name} is defined but no vrrp_instance tracks it (track_script); it never changes a priority`);
  }
  return { global, scripts, trackFiles, trackProcesses, instances, syncGroups };
}

/**
 * keepalived.conf(5): "when instances are grouped, any track scripts/files configured against member VRRP
 * instances must have their tracking weights unset (i.e. equal to zero)" (unless the group sets
 * sync_group_tracking_weight): a weight that would have counted is set to 0 with a warning, on the
 * members' trackers and on the group's own track_script / track_file / track_process / track_interface.
 */
function zeroGroupedWeights(
  instances: VrrpInstance[], groups: SyncGroupConfig[],
  trackers: { scripts: { name: string; weight: number }[]; trackFiles: { name: string; weight: number }[]; trackProcesses: { name: string; weight: number }[] },
  w: Warnings,
): void {
  const own = (list: { name: string; weight: number }[], name: string): number => list.find((x) => x.name === name)?.weight ?? 0;
  for (const g of groups) {
    if (g.trackingWeight) continue;
    const zero = (refs: TrackRef[], list: { name: string; weight: number }[], kind: string, inst?: string): void => {
      for (const r of refs) {
        const weight = r.weight ?? own(list, r.name);
        if (weight === 0) continue;
        const why = inst ? `vrrp_instance ${inst} has weight ${weight}, but ${inst} is in vrrp_sync_group ${g.name}` : `vrrp_sync_group ${g.name} has weight ${weight}, but the group has no sync_group_tracking_weight`;
        w.add(r.at, `${kind} ${r.name} of ${why}: its weight is set to 0 (a failure means FAULT), as keepalived does; add sync_group_tracking_weight to the group to keep it`);
        r.weight = 0;
      }
    };
    for (const inst of instances.filter((i) => g.instances.includes(i.name))) {
      zero(inst.trackScripts, trackers.scripts, 'track_script', inst.name);
      zero(inst.trackFiles, trackers.trackFiles, 'track_file', inst.name);
      zero(inst.trackProcesses, trackers.trackProcesses, 'track_process', inst.name);
    }
    zero(g.trackScripts, trackers.scripts, 'track_script');
    zero(g.trackFiles, trackers.trackFiles, 'track_file');
    zero(g.trackProcesses, trackers.trackProcesses, 'track_process');
    zero(g.trackInterfaces, [], 'track_interface');
  }
}

/** Two instances with the same VRID on the same interface and family would fight over one virtual MAC. */
function checkVrids(instances: VrrpInstance[], w: Warnings): void {
  const seen = new Map<string, VrrpInstance>();
  for (const inst of instances) {
    const key = `${inst.interface}|${inst.family}|${inst.vrid}`;
    const prior = seen.get(key);
    if (prior) {
      w.error(inst.vridAt, `virtual_router_id ${inst.vrid} on ${inst.interface} (IPv${inst.family}) is already used by vrrp_instance ${prior.name} at ${where(prior.vridAt)}; choose another VRID`);
    } else seen.set(key, inst);
  }
}
