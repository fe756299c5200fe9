/**
 * `vrrp_sync_group NAME { group { INSTANCE ... } track_* { ... } notify_* ... }`.
 */
import { failAt, type Token } from './lexer';
import type { ConfigNode } from './parser';
import { arg, block, boolFlag, closest, extraArgs, flag, loc, noBlock, where, type Warnings } from './context';
import { SYNC_GROUP_FOREIGN } from './foreign';
import { scriptCommand } from './global';
import { applyNotify, parseTrackBlock, type KnownNames } from './tracking';
import type { SyncGroupConfig } from './types';

/** The vrrp_sync_group keywords (for did-you-mean). */
export const SYNC_GROUP_KEYWORDS = [
  'group', 'track_interface', 'track_script', 'track_file', 'track_process', 'notify_master', 'notify_backup', 'notify_fault', 'notify_stop', 'notify',
  'notify_deleted', 'notify_priority_changes', 'global_tracking', 'sync_group_tracking_weight',
];

/**
 * Validates one sync group. `instances` are the names of the instances defined (also those with errors);
 * `taken` maps an instance name to the group (and location) that already claimed it. Errors are recorded
 * in `w`.
 * @throws ConfigError when the group has no name.
 */
export function parseSyncGroup(
  node: ConfigNode,
  instances: ReadonlySet<string>,
  taken: Map<string, { group: string; at: Token }>,
  known: KnownNames,
  w: Warnings,
): SyncGroupConfig {
  extraArgs(node, 1, w);
  const name = arg(node, 0, 'a group name, e.g. `vrrp_sync_group VG_1 {`').text;
  const group: SyncGroupConfig = {
    name, at: loc(node.token), instances: [], notify: {}, trackInterfaces: [], trackScripts: [], trackFiles: [], trackProcesses: [],
    trackingWeight: false, notifyUsers: {},
  };
  let sawGroup = false;
  for (const s of block(node)) {
    w.attempt(() => {
      if (applyNotify(s, group.notify, group.notifyUsers, w)) return;
      const trackers = new Map([['track_interface', group.trackInterfaces], ['track_script', group.trackScripts], ['track_file', group.trackFiles], ['track_process', group.trackProcesses]]);
      const list = trackers.get(s.keyword);
      if (list) {
        for (const r of parseTrackBlock(s, known, w)) list.push(r);
        return;
      }
      switch (s.keyword) {
        case 'group':
          sawGroup = true;
          extraArgs(s, 0, w);
          for (const entry of block(s)) members(entry, name, group, instances, taken, w);
          return;
        case 'sync_group_tracking_weight':
          group.trackingWeight = flag(s, w);
          return;
        case 'global_tracking':
          flag(s, w);
          group.trackingWeight = true;
          w.add(s.token, 'global_tracking is deprecated in keepalived; read as sync_group_tracking_weight (write track_* in the vrrp_sync_group instead)');
          return;
        case 'notify_deleted':
          noBlock(s);
          group.notifyDeleted = s.args[0] ? scriptCommand(s, w) : {};
          // keepalived.conf(5): DELETED is only applicable to instances (a group is never deleted alone).
          w.notYet(s.token, `${s.keyword} in a vrrp_sync_group`, 'report DELETED for a group (keepalived sends DELETED for instances only: write notify_deleted in each vrrp_instance)');
          return;
        case 'notify_priority_changes':
          // The default of the members' notify_priority_changes (an instance's own setting wins).
          group.notifyPriorityChanges = boolFlag(s, w);
          return;
        default: {
          const why = SYNC_GROUP_FOREIGN.get(s.keyword);
          if (why !== undefined) w.add(s.token, `${s.keyword} ${why}`);
          else w.unknown(s.token, 'vrrp_sync_group', SYNC_GROUP_KEYWORDS, 'unknown or unsupported vrrp_sync_group keyword');
        }
      }
    }, undefined);
  }
  if (!sawGroup) w.error(node.token, `vrrp_sync_group ${name} has no group block; add \`group { INSTANCE ... }\``);
  else if (group.instances.length === 0) w.add(node.token, `vrrp_sync_group ${name} has no instances`);
  return group;
}

/** The instance names of one line of a `group` block. */
function members(entry: ConfigNode, name: string, group: SyncGroupConfig, instances: ReadonlySet<string>, taken: Map<string, { group: string; at: Token }>, w: Warnings): void {
  if (entry.children) failAt(entry.token, 'group entries are instance names; remove the braces');
  for (const t of [entry.token, ...entry.args]) {
    w.attempt(() => {
      if (!instances.has(t.text)) {
        const near = closest(t.text, instances);
        failAt(t, `vrrp_sync_group ${name}: no vrrp_instance named '${t.text}'; define it or fix the name${near ? ` (did you mean '${near}'?)` : ''}`);
      }
      const prior = taken.get(t.text);
      if (prior) {
        failAt(t, `vrrp_instance ${t.text} is already in vrrp_sync_group ${prior.group} (${where(prior.at)}); an instance can be in one group only`);
      }
      taken.set(t.text, { group: name, at: t });
      group.instances.push(t.text);
    }, undefined);
  }
}
