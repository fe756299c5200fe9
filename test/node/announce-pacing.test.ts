/**
 * A node's announcement rounds are handed out ANNOUNCE_ROUNDS_PER_CALL at a time (lib/node/node.ts): the
 * second round of many MASTERs (garp_master_delay after they took over) comes in several timer calls at
 * the same time instead of one, none lost, the adverts due with it not kept waiting behind it.
 */
import { parseConfigText } from '../../lib/config/parse';
import { ANNOUNCE_ROUNDS_PER_CALL, nodeSpecOf, VrrpNode, type NodeAction } from '../../lib/node';

const COUNT = 100;
const names = Array.from({ length: COUNT }, (_, k) => `VI_${k + 1}`);
const text = names
  .map((n, k) => `vrrp_instance ${n} {\n  state MASTER\n  interface eth0\n  virtual_router_id ${k + 1}\n  priority 150\n  advert_int 1\n  virtual_ipaddress {\n    192.0.2.${101 + k}/32\n  }\n}\n`)
  .join('');

const announces = (actions: NodeAction[]): number => actions.filter((a) => a.type === 'announce').length;

test(`the second announcement round of ${COUNT} MASTERs comes ${ANNOUNCE_ROUNDS_PER_CALL} rounds or so per timer call, all of it at its time`, () => {
  const { config } = parseConfigText(text, 'many.conf');
  const node = new VrrpNode(nodeSpecOf(config, new Map(names.map((n) => [n, '192.0.2.1']))));
  node.setLinks([{ ifname: 'eth0', up: true, addresses: ['192.0.2.1'] }], 0);
  node.start(0);
  const calls: Array<{ now: number; announces: number; transmits: number }> = [];
  for (let guard = 0; guard < 10_000; guard++) {
    const at = node.nextDeadline();
    if (at === null || at > 8000) break;
    const out = node.timer(at);
    calls.push({ now: at, announces: announces(out), transmits: out.filter((a) => a.type === 'transmit').length });
  }
  const masterAt = calls.find((c) => c.transmits === COUNT)?.now ?? NaN;
  // garp_master_delay 5 s, garp_master_repeat 5: 5 rounds per instance, due together.
  const second = calls.filter((c) => c.now >= masterAt + 5000 && c.now < masterAt + 5001 && c.announces > 0);
  expect(second.reduce((n, c) => n + c.announces, 0)).toBe(COUNT * 5);
  expect(second.length).toBeGreaterThan(1);
  for (const c of second) expect(c.announces).toBeLessThanOrEqual(ANNOUNCE_ROUNDS_PER_CALL + 4);
  // The adverts due then still go out in the first of those calls.
  expect(second[0].transmits).toBe(COUNT);
});
