/**
 * keepalived's notify semantics in the node core: `notify` arguments (INSTANCE|GROUP, name, state,
 * priority; 0 for a group), who runs each script (own user, else script_user), STOP for every instance
 * and then every group at shutdown, FAULT (or DELETED with notify_deleted) for an instance a reload
 * removes, and MASTER_PRIORITY / BACKUP_PRIORITY with notify_priority_changes.
 */
import { parseConfigText } from '../../lib/config/parse';
import { nodeSpecOf } from '../../lib/node/from-config';
import { VrrpNode } from '../../lib/node/node';
import type { NodeAction } from '../../lib/node/types';

function inst(name: string, vrid: number, prio: number, extra = ''): string {
  return `vrrp_instance ${name} {\n  interface eth0\n  virtual_router_id ${vrid}\n  priority ${prio}\n  advert_int 1\n  virtual_ipaddress {\n    192.0.2.${100 + vrid}/24\n  }\n${extra}}\n`;
}

function nodeOf(text: string) {
  const { config } = parseConfigText(text, 'k.conf');
  const spec = nodeSpecOf(config, new Map(config.instances.map((i) => [i.name, '192.0.2.1'])));
  return spec;
}

const notifies = (acts: NodeAction[]) => acts.flatMap((a) => (a.type === 'notify' ? [`${a.kind} ${a.name} ${a.state} ${a.priority}`] : []));

function started(text: string): { node: VrrpNode; acts: NodeAction[] } {
  const node = new VrrpNode(nodeOf(text));
  const acts = [...node.setLinks([{ ifname: 'eth0', up: true, addresses: ['192.0.2.1'] }], 0), ...node.start(0)];
  acts.push(...node.timer(10_000));
  return { node, acts };
}

const GLOBAL = 'global_defs {\n  script_user nobody\n}\n';
const GROUP = 'vrrp_sync_group G1 {\n  group {\n    VI_1\n    VI_2\n  }\n  notify /bin/gany\n  notify_stop /bin/gstop root\n}\n';

test('notify gets INSTANCE|GROUP, name, state and priority (0 for a group); each script runs as its own user, else script_user', () => {
  const { acts } = started(`${GLOBAL}${GROUP}${inst('VI_1', 1, 100, '  notify /bin/any\n  notify_master "/bin/m x" alice staff\n')}${inst('VI_2', 2, 90)}`);
  expect(notifies(acts)).toEqual(['INSTANCE VI_1 BACKUP 100', 'GROUP G1 BACKUP 0', 'INSTANCE VI_2 BACKUP 90', 'INSTANCE VI_2 MASTER 90', 'INSTANCE VI_1 MASTER 100', 'GROUP G1 MASTER 0']);
  const m = acts.find((a) => a.type === 'notify' && a.name === 'VI_1' && a.state === 'MASTER');
  expect(m).toMatchObject({ commands: { any: '/bin/any', master: '/bin/m x' }, users: { any: { user: 'nobody' }, master: { user: 'alice', group: 'staff' } } });
  const g = acts.find((a) => a.type === 'notify' && a.kind === 'GROUP');
  expect(g).toMatchObject({ commands: { any: '/bin/gany', stop: '/bin/gstop' }, users: { any: { user: 'nobody' }, stop: { user: 'root' } } });
});

test('without script_user or a user of its own a notify script runs as the daemon (no users)', () => {
  const { acts } = started(inst('VI_1', 1, 100, '  notify /bin/any\n'));
  const a = acts.find((x) => x.type === 'notify');
  expect(a).toBeDefined();
  expect(a && 'users' in a ? a.users : undefined).toBeUndefined();
});

test('shutdown: STOP for every instance (an INIT one too), then for every sync group, nothing in between', () => {
  const { node } = started(`${GROUP}${inst('VI_1', 1, 100)}${inst('VI_2', 2, 90)}`);
  expect(notifies(node.shutdown(20_000))).toEqual(['INSTANCE VI_1 STOP 100', 'INSTANCE VI_2 STOP 90', 'GROUP G1 STOP 0']);
});

test('reload: a removed instance reports FAULT; with notify_deleted it reports DELETED and its notify_deleted script runs', () => {
  const text = (deleted: string) => `${GLOBAL}${inst('VI_1', 1, 100)}${inst('VI_2', 2, 90, `  notify /bin/any\n  notify_fault /bin/fault\n${deleted}`)}`;
  for (const [deleted, word] of [['', 'FAULT'], ['  notify_deleted "/bin/del x" alice\n', 'DELETED'], ['  notify_deleted\n', 'DELETED']] as const) {
    const { node } = started(text(deleted));
    const acts = node.apply(nodeOf(`${GLOBAL}${inst('VI_1', 1, 100)}`), 20_000);
    expect(notifies(acts)).toEqual([`INSTANCE VI_2 ${word} 90`]);
    const a = acts.find((x) => x.type === 'notify');
    if (deleted.includes('/bin/del')) expect(a).toMatchObject({ commands: { deleted: '/bin/del x' }, users: { deleted: { user: 'alice' } } });
    expect(acts.some((x) => x.type === 'remove-vips' && x.instance === 'VI_2')).toBe(true);
  }
});

test('notify_priority_changes (or global vrrp_notify_priority_changes, or the sync group\'s): MASTER_PRIORITY / BACKUP_PRIORITY', () => {
  const script = 'vrrp_script chk {\n  script /bin/chk\n  interval 1\n  weight -10\n}\n';
  const track = '  track_script {\n    chk\n  }\n';
  for (const [global, extra, on] of [['', '', false], ['', '  notify_priority_changes\n', true], ['global_defs {\n  vrrp_notify_priority_changes\n}\n', '', true], ['global_defs {\n  vrrp_notify_priority_changes\n}\n', '  notify_priority_changes off\n', false]] as const) {
    const { node } = started(`${global}${script}${inst('VI_1', 1, 100, `${track}${extra}`)}`);
    const acts = node.scriptResult('chk', 'failure', 11_000);
    const fifo = acts.flatMap((a) => (a.type === 'notify-priority' ? [`${a.instance} ${a.state} ${a.priority}`] : []));
    expect(fifo).toEqual(on ? ['VI_1 MASTER_PRIORITY 90'] : []);
  }
});
