/**
 * The action executor's ordering (lib/daemon/executor.ts): a takeover's VIP request starts inside `run`,
 * before the state change's event and log are handled; the announcement waits for the VIPs (their answers,
 * or the platform's word that it carried them out, then it starts inside `run` too); every VIP of
 * an instance is requested at once, and each one that fails is counted without keeping the others out.
 */
import { ANNOUNCES_PER_TURN, Executor, ExecutorHost } from '../../lib/daemon/executor';
import type { NodeAction } from '../../lib/node/types';
import type { Platform } from '../../lib/platform/types';

interface Deferred {
  resolve(v: boolean): void;
  reject(e: Error): void;
}

/** `carriedOut`: the VIPs whose add the platform reports done at once (`sent`), as Linux does after its sendmsg. */
function harness(carriedOut: readonly string[] = []): { exec: Executor; order: string[]; adds: Map<string, Deferred>; logs: string[] } {
  const order: string[] = [];
  const adds = new Map<string, Deferred>();
  const logs: string[] = [];
  const platform = {
    addVip: (_dev: string, cidr: string, _options: unknown, sent?: () => void) => {
      order.push(`add ${cidr}`);
      const answer = new Promise<boolean>((resolve, reject) => adds.set(cidr, { resolve, reject }));
      if (carriedOut.includes(cidr)) {
        sent?.();
        sent?.(); // a second call counts once
      }
      return answer;
    },
    removeVip: async (_dev: string, cidr: string) => {
      order.push(`remove ${cidr}`);
      return true;
    },
    announce: async (_dev: string, addresses: readonly string[]) => {
      order.push(`announce ${addresses.join(' ')}`);
      return addresses.length;
    },
  } as unknown as Platform;
  const host: ExecutorHost = {
    platform,
    log: (level, message) => logs.push(`${level}: ${message}`),
    runCommand: () => Promise.reject(new Error('no commands here')),
    transport: () => undefined,
    scriptDone: () => undefined,
    event: (e) => order.push(`event ${e.kind}`),
  };
  return { exec: new Executor(host), order, adds, logs };
}

const vip = (cidr: string) => ({ dev: 'eth0', cidr });
const takeover: NodeAction[] = [
  { type: 'add-vips', instance: 'VI_1', vips: [vip('192.0.2.10/32'), vip('192.0.2.11/32')] },
  { type: 'announce', instance: 'VI_1', dev: 'eth0', addresses: ['192.0.2.10/32', '192.0.2.11/32'] },
  { type: 'event', event: { kind: 'state-change', data: { instance: 'VI_1', from: 'BACKUP', to: 'MASTER', reason: 'master-down-timer', priority: 100 } } } as NodeAction,
];

describe('Executor', () => {
  test('every VIP is requested inside run, before the event; the announcement waits for all of them', async () => {
    const { exec, order, adds } = harness();
    exec.run(takeover);
    expect(order).toEqual(['add 192.0.2.10/32', 'add 192.0.2.11/32', 'event state-change']);
    adds.get('192.0.2.11/32')?.resolve(true);
    await new Promise((r) => setImmediate(r));
    expect(order).not.toContain('announce 192.0.2.10/32 192.0.2.11/32');
    adds.get('192.0.2.10/32')?.resolve(true);
    await exec.settled();
    expect(order.at(-1)).toBe('announce 192.0.2.10/32 192.0.2.11/32');
  });

  test('VIP adds the platform carried out at once: the announcement starts inside run, before the event; settled waits for the answers', async () => {
    const { exec, order, adds } = harness(['192.0.2.10/32', '192.0.2.11/32']);
    exec.run(takeover);
    expect(order).toEqual(['add 192.0.2.10/32', 'add 192.0.2.11/32', 'announce 192.0.2.10/32 192.0.2.11/32', 'event state-change']);
    let settled = false;
    void exec.settled().then(() => (settled = true));
    adds.get('192.0.2.10/32')?.resolve(true);
    await new Promise((r) => setImmediate(r));
    expect(settled).toBe(false);
    adds.get('192.0.2.11/32')?.resolve(true);
    await new Promise((r) => setImmediate(r));
    expect(settled).toBe(true);
  });

  test('one VIP carried out at once, the other not: the announcement waits for the other one\'s answer', async () => {
    const { exec, order, adds } = harness(['192.0.2.10/32']);
    exec.run(takeover);
    expect(order).toEqual(['add 192.0.2.10/32', 'add 192.0.2.11/32', 'event state-change']);
    await new Promise((r) => setImmediate(r));
    expect(order).toHaveLength(3);
    adds.get('192.0.2.10/32')?.resolve(true);
    await new Promise((r) => setImmediate(r));
    expect(order).toHaveLength(3);
    adds.get('192.0.2.11/32')?.resolve(true);
    await exec.settled();
    expect(order.at(-1)).toBe('announce 192.0.2.10/32 192.0.2.11/32');
  });

  test('a VIP carried out but refused in its answer is logged and counted; the announcement had left', async () => {
    const { exec, order, adds, logs } = harness(['192.0.2.10/32']);
    exec.run([takeover[0], { ...takeover[1], addresses: ['192.0.2.10/32'] } as NodeAction].map((a) => (a.type === 'add-vips' ? { ...a, vips: [vip('192.0.2.10/32')] } : a)));
    expect(order).toEqual(['add 192.0.2.10/32', 'announce 192.0.2.10/32']);
    adds.get('192.0.2.10/32')?.reject(new Error('rtnetlink: cannot add 192.0.2.10/32 to eth0: EINVAL'));
    await exec.settled();
    expect(exec.ioErrors.get('VI_1')).toEqual({ 'add-vips': 1 });
    expect(logs).toEqual([expect.stringContaining('add-vips failed: rtnetlink: cannot add 192.0.2.10/32 to eth0: EINVAL')]);
  });

  test('a VIP that fails is logged and counted; the others are added and the announcement still runs', async () => {
    const { exec, order, adds, logs } = harness();
    exec.run(takeover);
    adds.get('192.0.2.10/32')?.reject(new Error('rtnetlink: cannot add 192.0.2.10/32 to eth0: EINVAL'));
    adds.get('192.0.2.11/32')?.resolve(true);
    await exec.settled();
    expect(exec.ioErrors.get('VI_1')).toEqual({ 'add-vips': 1 });
    expect(logs).toEqual([expect.stringContaining('instance VI_1: add-vips failed: rtnetlink: cannot add 192.0.2.10/32 to eth0: EINVAL')]);
    expect(order.at(-1)).toBe('announce 192.0.2.10/32 192.0.2.11/32');
  });

  test('a later job of the same instance waits for the one before it; another instance does not', async () => {
    const { exec, order, adds } = harness();
    exec.run([{ type: 'add-vips', instance: 'VI_1', vips: [vip('192.0.2.10/32')] }]);
    exec.run([{ type: 'remove-vips', instance: 'VI_1', vips: [vip('192.0.2.10/32')] }, { type: 'add-vips', instance: 'VI_2', vips: [vip('192.0.2.20/32')] }]);
    expect(order).toEqual(['add 192.0.2.10/32', 'add 192.0.2.20/32']);
    adds.get('192.0.2.10/32')?.resolve(true);
    adds.get('192.0.2.20/32')?.resolve(true);
    await exec.settled();
    expect(order).toEqual(['add 192.0.2.10/32', 'add 192.0.2.20/32', 'remove 192.0.2.10/32']);
  });

  test(`announcements start ${ANNOUNCES_PER_TURN} per turn of the event loop; the others in the next turns, none lost`, async () => {
    const { exec, order } = harness();
    const many: NodeAction[] = Array.from({ length: 100 }, (_, k) => ({ type: 'announce', instance: `VI_${k}`, dev: 'eth0', addresses: [`192.0.2.${k + 1}/32`] }));
    exec.run(many);
    expect(order).toHaveLength(ANNOUNCES_PER_TURN);
    await new Promise((r) => setImmediate(r));
    expect(order.length).toBeLessThanOrEqual(2 * ANNOUNCES_PER_TURN);
    await exec.settled();
    for (let k = 0; k < 3; k++) await new Promise((r) => setImmediate(r));
    expect(new Set(order).size).toBe(100);
  });

  test(`many takeovers at once: each first announcement starts in the takeovers' turn, past the cap of ${ANNOUNCES_PER_TURN}; the repeats wait`, () => {
    const n = 3 * ANNOUNCES_PER_TURN;
    const cidrs = Array.from({ length: n }, (_, k) => `192.0.2.${k + 1}/32`);
    // Carried out inside the call, as Linux does (rtnetlink sendmsg returned).
    const { exec, order, adds } = harness(cidrs);
    const actions: NodeAction[] = [];
    for (let k = 0; k < n; k++) {
      const cidr = cidrs[k];
      actions.push({ type: 'add-vips', instance: `VI_${k}`, vips: [vip(cidr)] });
      for (let r = 0; r < 2; r++) actions.push({ type: 'announce', instance: `VI_${k}`, dev: 'eth0', addresses: [cidr] });
    }
    exec.run(actions);
    const announced = order.filter((o) => o.startsWith('announce '));
    expect(new Set(announced).size).toBe(n);
    expect(announced).toHaveLength(n);
    expect(adds.size).toBe(n);
  });

  test('many takeovers at once: every instance\'s first announcement goes before the repeats waiting (garp_master_repeat), each instance\'s own in order', async () => {
    const n = 40;
    const repeats = 5;
    const cidrs = Array.from({ length: n }, (_, k) => `192.0.2.${k + 1}/32`);
    const { exec, order, adds } = harness();
    const actions: NodeAction[] = [];
    for (let k = 0; k < n; k++) {
      actions.push({ type: 'add-vips', instance: `VI_${k}`, vips: [vip(cidrs[k])] });
      for (let r = 0; r < repeats; r++) actions.push({ type: 'announce', instance: `VI_${k}`, dev: 'eth0', addresses: [cidrs[k]] });
    }
    exec.run(actions);
    // The VIP answers come in two batches (as a pipelined window's do): the first 30, their repeats queue,
    // then the last 10, whose first announcements must not wait behind those repeats.
    for (let k = 0; k < 30; k++) adds.get(cidrs[k])?.resolve(true);
    await new Promise((r) => setImmediate(r));
    for (let k = 30; k < n; k++) adds.get(cidrs[k])?.resolve(true);
    for (let t = 0; t < 60; t++) await new Promise((r) => setImmediate(r));
    const announced = order.filter((o) => o.startsWith('announce ')).map((o) => o.slice('announce '.length));
    expect(announced).toHaveLength(repeats * n);
    for (const c of cidrs) expect(announced.filter((x) => x === c)).toHaveLength(repeats);
    const firstOf = cidrs.map((c) => announced.indexOf(c));
    const thirdOf = cidrs.map((c) => announced.indexOf(c, announced.indexOf(c, firstOf[cidrs.indexOf(c)] + 1) + 1));
    expect(Math.max(...firstOf)).toBeLessThan(Math.min(...thirdOf));
  });
});
