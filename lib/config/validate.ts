/**
 * Block tree -> KeepalivedConfig: dispatches the top-level sections in dependency order (global_defs,
 * scripts and track files, instances, sync groups) and runs the cross-instance checks.
 */
import { failAt, type Token } from './lexer';
import type { ConfigNode } from './parser';
import { where, type Warnings } from './context';
import { applyGlobalDefs, defaultGlobalDefs } from './global';
import { parseInstance } from './instance';
import { parseScript, parseTrackFile } from './script';
import { parseSyncGroup } from './sync-group';
import type { KeepalivedConfig, SourceLocation, TrackFile, VrrpInstance, VrrpScript } from './types';

/** Top-level blocks keepalived knows that have nothing to do with VRRP here (warned about once each). */
const FOREIGN = new Set(['virtual_server', 'virtual_server_group', 'static_ipaddress', 'static_routes', 'static_rules', 'linkbeat_interfaces', 'vrrp_track_process', 'garp_group', 'bfd_instance']);

function unique<T extends { name: string; at: SourceLocation }>(items: T[], what: string): Map<string, T> {
  const map = new Map<string, T>();
  for (const item of items) {
    const prior = map.get(item.name);
    if (prior) failAt(item.at, `${what} ${item.name} is already defined at ${where(prior.at)}; rename one of them`);
    map.set(item.name, item);
  }
  return map;
}

/**
 * Builds and validates the typed configuration from the top-level nodes.
 * @throws ConfigError (file:line:col) for the first error; warnings are added to `w`.
 */
export function buildConfig(nodes: ConfigNode[], w: Warnings): KeepalivedConfig {
  const global = defaultGlobalDefs();
  const of = (kw: string[]): ConfigNode[] => nodes.filter((n) => kw.includes(n.keyword));
  for (const n of of(['global_defs'])) applyGlobalDefs(n, global, w);

  const scripts: VrrpScript[] = of(['vrrp_script']).map((n) => parseScript(n, w));
  const trackFiles: TrackFile[] = of(['track_file', 'vrrp_track_file']).map((n) => parseTrackFile(n, w));
  unique(scripts, 'vrrp_script');
  unique(trackFiles, 'track_file');
  const known = { scripts: new Set(scripts.map((s) => s.name)), trackFiles: new Set(trackFiles.map((t) => t.name)) };

  const instances: VrrpInstance[] = of(['vrrp_instance']).map((n) => parseInstance(n, global, known, w));
  const byName = unique(instances, 'vrrp_instance');
  checkVrids(instances);

  const taken = new Map<string, { group: string; at: Token }>();
  const syncGroups = of(['vrrp_sync_group']).map((n) => parseSyncGroup(n, byName, taken, w));
  unique(syncGroups, 'vrrp_sync_group');

  const handled = new Set(['global_defs', 'vrrp_script', 'track_file', 'vrrp_track_file', 'vrrp_instance', 'vrrp_sync_group']);
  for (const n of nodes) {
    if (handled.has(n.keyword)) continue;
    if (FOREIGN.has(n.keyword)) w.add(n.token, `${n.keyword} is not supported by vrrpd; ignored`);
    else w.add(n.token, `unknown top-level keyword '${n.keyword}'; ignored`);
  }
  return { global, scripts, trackFiles, instances, syncGroups };
}

/** Two instances with the same VRID on the same interface and family would fight over one virtual MAC. */
function checkVrids(instances: VrrpInstance[]): void {
  const seen = new Map<string, VrrpInstance>();
  for (const inst of instances) {
    const key = `${inst.interface}|${inst.family}|${inst.vrid}`;
    const prior = seen.get(key);
    if (prior) {
      failAt(inst.vridAt, `virtual_router_id ${inst.vrid} on ${inst.interface} (IPv${inst.family}) is already used by vrrp_instance ${prior.name} at ${where(prior.vridAt)}; choose another VRID`);
    }
    seen.set(key, inst);
  }
}
