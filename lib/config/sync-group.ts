/**
 * `vrrp_sync_group NAME { group { INSTANCE ... } notify_* ... }`.
 */
import { failAt, type Token } from './lexer';
import type { ConfigNode } from './parser';
import { arg, block, extraArgs, loc, where, type Warnings } from './context';
import { applyNotify } from './tracking';
import type { SyncGroupConfig, VrrpInstance } from './types';

/**
 * Validates one sync group. `instances` are the instances defined so far; `taken` maps an instance name to
 * the group (and location) that already claimed it.
 * @throws ConfigError for an unknown instance, an instance in two groups, or a missing `group` block.
 */
export function parseSyncGroup(
  node: ConfigNode,
  instances: ReadonlyMap<string, VrrpInstance>,
  taken: Map<string, { group: string; at: Token }>,
  w: Warnings,
): SyncGroupConfig {
  extraArgs(node, 1, w);
  const name = arg(node, 0, 'a group name, e.g. `vrrp_sync_group VG_1 {`').text;
  const group: SyncGroupConfig = { name, at: loc(node.token), instances: [], notify: {} };
  let sawGroup = false;
  for (const s of block(node)) {
    if (applyNotify(s, group.notify)) continue;
    if (s.keyword !== 'group') {
      w.add(s.token, `unknown or unsupported vrrp_sync_group keyword '${s.keyword}'; ignored`);
      continue;
    }
    sawGroup = true;
    extraArgs(s, 0, w);
    for (const entry of block(s)) {
      if (entry.children) failAt(entry.token, 'group entries are instance names; remove the braces');
      for (const t of [entry.token, ...entry.args]) {
        if (!instances.has(t.text)) {
          failAt(t, `vrrp_sync_group ${name}: no vrrp_instance named '${t.text}'; define it or fix the name`);
        }
        const prior = taken.get(t.text);
        if (prior) {
          failAt(t, `vrrp_instance ${t.text} is already in vrrp_sync_group ${prior.group} (${where(prior.at)}); an instance can be in one group only`);
        }
        taken.set(t.text, { group: name, at: t });
        group.instances.push(t.text);
      }
    }
  }
  if (!sawGroup) failAt(node.token, `vrrp_sync_group ${name} has no group block; add \`group { INSTANCE ... }\``);
  if (group.instances.length === 0) w.add(node.token, `vrrp_sync_group ${name} has no instances`);
  return group;
}
