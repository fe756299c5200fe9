/**
 * Property tests over the simulated LAN (fast-check): random router sets, versions, intervals, start
 * times, loss, partitions, tracker changes and restarts during a chaos phase; then the network heals
 * (no loss, no partition, faults cleared) and, within one Master_Down_Interval plus the link delay,
 * the election has converged and stays converged.
 */
import fc from 'fast-check';
import { RouterConfig } from '../../lib/fsm';
import { SimulatedLan } from '../../lib/sim';

type Chaos =
  | { kind: 'partition'; at: number; islands: number[] }
  | { kind: 'loss'; at: number; p: number; from: number | null; to: number }
  | { kind: 'tracking'; at: number; who: number; delta: number; fault: boolean }
  | { kind: 'restart'; at: number; who: number; downMs: number };

interface Scenario {
  version: 2 | 3;
  family: 4 | 6;
  priorities: number[];
  intervalsCs: number[];
  lowerPrioNoAdvert: boolean[];
  initialMaster: boolean[];
  startMs: number[];
  delayMs: number;
  seed: number;
  chaosMs: number;
  chaos: Chaos[];
}

const MAX_N = 5;

const chaosArb = (chaosMs: number): fc.Arbitrary<Chaos> => {
  const at = fc.integer({ min: 0, max: chaosMs - 1 });
  const who = fc.integer({ min: 0, max: MAX_N - 1 });
  return fc.oneof(
    fc.record({ kind: fc.constant('partition' as const), at, islands: fc.array(fc.integer({ min: 0, max: 2 }), { minLength: MAX_N, maxLength: MAX_N }) }),
    fc.record({ kind: fc.constant('loss' as const), at, p: fc.double({ min: 0, max: 0.9, noNaN: true }), from: fc.option(who, { nil: null }), to: who }),
    fc.record({ kind: fc.constant('tracking' as const), at, who, delta: fc.integer({ min: -120, max: 120 }), fault: fc.integer({ min: 0, max: 4 }).map((x) => x === 0) }),
    fc.record({ kind: fc.constant('restart' as const), at, who, downMs: fc.integer({ min: 0, max: 3000 }) }),
  );
};

const scenarioArb: fc.Arbitrary<Scenario> = fc
  .record({
    version: fc.constantFrom(2 as const, 3 as const),
    family: fc.constantFrom(4 as const, 6 as const),
    n: fc.integer({ min: 2, max: MAX_N }),
    priorities: fc.uniqueArray(fc.integer({ min: 1, max: 255 }), { minLength: MAX_N, maxLength: MAX_N }),
    v3IntervalsCs: fc.array(fc.integer({ min: 10, max: 150 }), { minLength: MAX_N, maxLength: MAX_N }),
    v2IntervalCs: fc.constantFrom(100, 200),
    lowerPrioNoAdvert: fc.array(fc.boolean(), { minLength: MAX_N, maxLength: MAX_N }),
    initialMaster: fc.array(fc.boolean(), { minLength: MAX_N, maxLength: MAX_N }),
    startMs: fc.array(fc.integer({ min: 0, max: 2000 }), { minLength: MAX_N, maxLength: MAX_N }),
    delayMs: fc.constantFrom(0, 0.25, 3, 20),
    seed: fc.integer(),
    chaosMs: fc.integer({ min: 3000, max: 12000 }),
  })
  .chain((s) =>
    fc.array(chaosArb(s.chaosMs), { maxLength: 8 }).map(
      (chaos): Scenario => ({
        version: s.version,
        family: s.version === 2 ? 4 : s.family,
        priorities: s.priorities.slice(0, s.n),
        intervalsCs: s.version === 2 ? Array<number>(s.n).fill(s.v2IntervalCs) : s.v3IntervalsCs.slice(0, s.n),
        lowerPrioNoAdvert: s.lowerPrioNoAdvert.slice(0, s.n),
        initialMaster: s.initialMaster.slice(0, s.n),
        startMs: s.startMs.slice(0, s.n),
        delayMs: s.delayMs,
        seed: s.seed,
        chaosMs: s.chaosMs,
        chaos: chaos.filter((c) => (c.kind === 'partition' || c.kind === 'loss' ? true : c.who < s.n) && (c.kind !== 'loss' || c.to < s.n) && (c.kind !== 'loss' || c.from === null || c.from < s.n)),
      }),
    ),
  );

const VIPS = { 4: ['192.0.2.200', '192.0.2.201'], 6: ['fe80::200', '2001:db8::200'] };

function name(i: number): string {
  return `r${i}`;
}

function config(s: Scenario, i: number, preempt: boolean): RouterConfig {
  return {
    name: name(i),
    vrid: 11,
    version: s.version,
    family: s.family,
    priority: s.priorities[i],
    intervalCs: s.intervalsCs[i],
    virtualAddresses: VIPS[s.family],
    // Distinct addresses whose numeric order differs from the index order.
    primaryAddress: s.family === 4 ? `10.0.${(i * 37) % 5}.${1 + i}` : `fe80::${((i * 37) % 5).toString(16)}:${i + 1}`,
    preempt,
    lowerPrioNoAdvert: s.lowerPrioNoAdvert[i],
    initialState: s.initialMaster[i] ? 'MASTER' : 'BACKUP',
  };
}

function clamp(base: number, delta: number): number {
  return base === 255 ? 255 : Math.min(254, Math.max(1, base + delta));
}

/** Builds the LAN, plays the chaos phase, heals at `chaosMs`; returns the LAN and the heal time. */
function play(s: Scenario, preempt: boolean): { lan: SimulatedLan; healAt: number; deltas: number[] } {
  const lan = new SimulatedLan({ seed: s.seed, delayMs: s.delayMs });
  const n = s.priorities.length;
  for (let i = 0; i < n; i++) lan.addRouter(config(s, i, preempt));
  for (let i = 0; i < n; i++) lan.startup(name(i), s.startMs[i]);
  const deltas = Array<number>(n).fill(0);
  for (const c of [...s.chaos].sort((a, b) => a.at - b.at)) {
    switch (c.kind) {
      case 'partition':
        lan.schedule(c.at, () => {
          const islands: string[][] = [[], [], []];
          for (let i = 0; i < n; i++) islands[c.islands[i]].push(name(i));
          lan.link.partition(islands);
        });
        break;
      case 'loss':
        lan.schedule(c.at, () => (c.from === null ? lan.link.setLoss(c.p) : lan.link.setLoss(c.p, name(c.from), name(c.to))));
        break;
      case 'tracking':
        deltas[c.who] = c.delta;
        lan.setTracking(name(c.who), { priorityDelta: c.delta, fault: c.fault }, c.at);
        break;
      case 'restart':
        lan.shutdown(name(c.who), c.at);
        lan.schedule(c.at + c.downMs, () => lan.call(name(c.who), (r, now) => (r.state === 'INIT' ? r.startup(now) : [])));
        break;
    }
  }
  const healAt = s.chaosMs + 3000; // after every restart has come back up
  lan.schedule(healAt, () => {
    lan.link.heal();
    lan.link.setLoss(0);
    for (let i = 0; i < n; i++) lan.call(name(i), (r, now) => r.setTracking(now, { priorityDelta: deltas[i], fault: false }));
  });
  lan.runUntil(healAt);
  return { lan, healAt, deltas };
}

/** Longest a Backup can wait: 3 * the longest interval + the largest Skew_Time (priority 1). */
function boundMs(s: Scenario): number {
  const maxCs = Math.max(...s.intervalsCs);
  const skewCs = s.version === 3 ? (255 * maxCs) / 256 : (255 * 100) / 256;
  return (3 * maxCs + skewCs) * 10;
}

function holdersOk(lan: SimulatedLan, s: Scenario, master: string): boolean {
  return VIPS[s.family].every((a) => lan.holders(a).length === 1 && lan.holders(a)[0] === master);
}

describe('election properties over the simulated LAN', () => {
  test('after partitions and loss heal, within one Master_Down_Interval plus delay there is exactly one MASTER, it has the highest effective priority, only it holds the VIPs, and it stays so', () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        const { lan, healAt, deltas } = play(s, true);
        const settle = healAt + boundMs(s) + 2 * s.delayMs + 0.001;
        lan.runUntil(settle);
        const masters = lan.masters();
        expect(masters).toHaveLength(1);
        const eff = s.priorities.map((p, i) => clamp(p, deltas[i]));
        const best = Math.max(...eff);
        const winner = masters[0];
        expect(eff[Number(winner.slice(1))]).toBe(best);
        expect(holdersOk(lan, s, winner)).toBe(true);
        // Stable: nothing changes state afterwards.
        lan.runUntil(settle + 3 * boundMs(s));
        expect(lan.actionsOf('state-change', undefined, settle)).toEqual([]);
        expect(lan.masters()).toEqual([winner]);
      }),
      { numRuns: 300 },
    );
  });

  test('with equal top priorities the tie is broken by the higher primary address when both are MASTER at the heal', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 254 }), fc.constantFrom(0, 3), fc.integer({ min: 10, max: 100 }), (p, delayMs, intervalCs) => {
        const lan = new SimulatedLan({ delayMs });
        const base = { vrid: 5, version: 3 as const, family: 4 as const, priority: p, intervalCs, virtualAddresses: ['192.0.2.9'] };
        lan.addRouter({ ...base, name: 'small', primaryAddress: '9.0.0.1' });
        lan.addRouter({ ...base, name: 'large', primaryAddress: '10.0.0.1' });
        lan.link.partition([['small'], ['large']]);
        lan.startup('small', 0);
        lan.startup('large', 0);
        lan.runUntil(20 * intervalCs * 10);
        expect(lan.masters().sort()).toEqual(['large', 'small']);
        lan.link.heal();
        lan.runFor(intervalCs * 10 + 2 * delayMs + 0.001);
        expect(lan.masters()).toEqual(['large']);
        expect(lan.holders('192.0.2.9')).toEqual(['large']);
      }),
      { numRuns: 50 },
    );
  });

  test('nopreempt everywhere: after healing there is still exactly one MASTER holding the VIPs', () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        const { lan, healAt } = play(s, false);
        const settle = healAt + boundMs(s) + 2 * s.delayMs + 0.001;
        lan.runUntil(settle);
        const masters = lan.masters();
        expect(masters).toHaveLength(1);
        expect(holdersOk(lan, s, masters[0])).toBe(true);
        lan.runUntil(settle + 3 * boundMs(s));
        expect(lan.masters()).toEqual(masters);
      }),
      { numRuns: 100 },
    );
  });

  test('sync groups: after chaos heals, every VRID has exactly one MASTER, each group\'s members share one state, and the higher host wins', () => {
    const arb = fc.record({
      members: fc.integer({ min: 2, max: 3 }),
      intervalsCs: fc.array(fc.integer({ min: 10, max: 100 }), { minLength: 3, maxLength: 3 }),
      low: fc.array(fc.integer({ min: 1, max: 127 }), { minLength: 3, maxLength: 3 }),
      gap: fc.array(fc.integer({ min: 1, max: 127 }), { minLength: 3, maxLength: 3 }),
      delayMs: fc.constantFrom(0, 2),
      seed: fc.integer(),
      events: fc.array(
        fc.record({
          at: fc.integer({ min: 0, max: 8000 }),
          host: fc.integer({ min: 0, max: 1 }),
          member: fc.integer({ min: 0, max: 2 }),
          what: fc.constantFrom('fault', 'clear', 'isolate', 'loss', 'heal'),
        }),
        { maxLength: 8 },
      ),
    });
    fc.assert(
      fc.property(arb, (s) => {
        const lan = new SimulatedLan({ seed: s.seed, delayMs: s.delayMs });
        const rn = (h: number, m: number): string => `h${h}m${m}`;
        for (let h = 0; h < 2; h++) {
          for (let m = 0; m < s.members; m++) {
            lan.addRouter({
              name: rn(h, m),
              vrid: m + 1,
              version: 3,
              family: 4,
              priority: h === 0 ? s.low[m] + s.gap[m] : s.low[m],
              intervalCs: s.intervalsCs[m],
              virtualAddresses: [`192.0.2.${100 + m}`],
              primaryAddress: `192.0.2.${h + 1}`,
            });
          }
          lan.addSyncGroup(`G${h}`, Array.from({ length: s.members }, (_, m) => rn(h, m)));
        }
        for (const n of lan.routerNames()) lan.startup(n, 0);
        for (const e of s.events) {
          const who = rn(e.host, e.member % s.members);
          lan.schedule(e.at, () => {
            if (e.what === 'fault' || e.what === 'clear') lan.call(who, (r, now) => r.setTracking(now, { priorityDelta: 0, fault: e.what === 'fault' }));
            else if (e.what === 'isolate') lan.link.partition([[who]]);
            else if (e.what === 'loss') lan.link.setLoss(0.5);
            else lan.link.heal();
          });
        }
        const healAt = 9000;
        lan.schedule(healAt, () => {
          lan.link.heal();
          lan.link.setLoss(0);
          for (const n of lan.routerNames()) lan.call(n, (r, now) => r.setTracking(now, { priorityDelta: 0, fault: false }));
        });
        const maxCs = Math.max(...s.intervalsCs.slice(0, s.members));
        const settle = healAt + (3 * maxCs + maxCs) * 10 + 2 * s.delayMs + 0.001;
        lan.runUntil(settle);
        for (let m = 0; m < s.members; m++) {
          expect(lan.masters().filter((n) => n.endsWith(`m${m}`))).toEqual([rn(0, m)]);
          expect(lan.holders(`192.0.2.${100 + m}`)).toEqual([rn(0, m)]);
          expect(lan.stateOf(rn(1, m))).toBe('BACKUP');
        }
        lan.runUntil(settle + 4 * maxCs * 10 * 3);
        expect(lan.actionsOf('state-change', undefined, settle)).toEqual([]);
      }),
      { numRuns: 100 },
    );
  });
});
