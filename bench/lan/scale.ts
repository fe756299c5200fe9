/**
 * Steady state at scale: a master (priority 150) and a backup (100) with many VRs, for a window after they
 * settled. Reports CPU (percent of one core over the window, each daemon's whole process tree), peak RSS and private memory,
 * transitions during the window (there should be none: every one is spurious), and the VIPs each holds at
 * the end (all on the master, none on the backup).
 */
import { execFileSync } from 'node:child_process';
import { Lan } from '../../test/helpers/netns';
import { confText, manyVrs } from './configs';
import { allAddresses, Daemon, Impl, sleep, startDaemon, stopDaemon, treeUsage } from './daemons';

/** What one scale run measured. */
export interface ScaleResult {
  impl: Impl;
  instances: number;
  cpuMasterPct: number;
  cpuBackupPct: number;
  rssMasterMB: number;
  rssBackupMB: number;
  /** Peak private memory (smaps_rollup Private_*) of each tree. */
  privateMasterMB: number;
  privateBackupMB: number;
  transitions: number;
  vipsMaster: number;
  vipsBackup: number;
  expectedVips: number;
}

/** Log lines that are state changes (vrrpd: "A -> B (reason)"; keepalived: "Entering X STATE"). */
function transitions(d: Daemon, from: number): number {
  const text = d.log().slice(from);
  const re = d.impl === 'vrrpd' ? / -> (MASTER|BACKUP|FAULT) \(/g : /Entering (MASTER|BACKUP|FAULT) STATE/g;
  return (text.match(re) ?? []).length;
}

/**
 * Makes `n` more links between the two routers, each its own segment with its own /28 of 192.0.2.0/24:
 * veth pairs `vl<k>` (the issue asks for VLAN interfaces; this machine's kernel has no 8021q, so each
 * "VLAN" is a veth pair: the same number of interfaces, sockets and VRs per interface).
 */
export function addVlans(lan: Lan, n: number): string[] {
  const [h1, h2] = lan.hosts;
  const names: string[] = [];
  for (let k = 0; k < n; k++) {
    const name = `vl${k}`;
    names.push(name);
    execFileSync('ip', ['-n', h1.ns, 'link', 'add', name, 'type', 'veth', 'peer', 'name', name, 'netns', h2.ns], { stdio: 'ignore' });
    for (const h of [h1, h2]) {
      const ip = (...a: string[]): void => void execFileSync('ip', ['-n', h.ns, ...a], { stdio: 'ignore' });
      ip('addr', 'add', `192.0.2.${16 * k + h.n}/28`, 'dev', name);
      ip('link', 'set', name, 'up');
    }
  }
  return names;
}

/** Runs one implementation: both routers, settle, measure over `windowMs`, stop. */
export async function scaleRun(lan: Lan, dir: string, impl: Impl, o: { ifnames: string[]; count: number; families: Array<4 | 6>; intervalS: number; settleMs: number; windowMs: number }): Promise<ScaleResult> {
  const [h1, h2] = lan.hosts;
  const vrs = (priority: number) => manyVrs({ ifnames: o.ifnames, count: o.count, families: o.families, priority, intervalS: o.intervalS });
  const expectedVips = vrs(150).length;
  const a = await startDaemon(lan, dir, impl, h1, `${impl}-scale-m`, confText(vrs(150)));
  const b = await startDaemon(lan, dir, impl, h2, `${impl}-scale-b`, confText(vrs(100)));
  try {
    await sleep(o.settleMs);
    const logA = a.log().length;
    const logB = b.log().length;
    const ua0 = treeUsage(a);
    const ub0 = treeUsage(b);
    let rssA = ua0.rssBytes;
    let rssB = ub0.rssBytes;
    let privA = ua0.privateBytes;
    let privB = ub0.privateBytes;
    const t0 = Date.now();
    while (Date.now() - t0 < o.windowMs) {
      await sleep(Math.min(1000, o.windowMs - (Date.now() - t0)));
      const ua = treeUsage(a);
      const ub = treeUsage(b);
      rssA = Math.max(rssA, ua.rssBytes);
      rssB = Math.max(rssB, ub.rssBytes);
      privA = Math.max(privA, ua.privateBytes);
      privB = Math.max(privB, ub.privateBytes);
    }
    const seconds = (Date.now() - t0) / 1000;
    const ua1 = treeUsage(a);
    const ub1 = treeUsage(b);
    const isVip = (x: string): boolean => x.startsWith('198.51.100.') || x.startsWith('2001:db8:1:');
    return {
      impl,
      instances: expectedVips,
      cpuMasterPct: (100 * (ua1.cpuS - ua0.cpuS)) / seconds,
      cpuBackupPct: (100 * (ub1.cpuS - ub0.cpuS)) / seconds,
      rssMasterMB: rssA / 2 ** 20,
      rssBackupMB: rssB / 2 ** 20,
      privateMasterMB: privA / 2 ** 20,
      privateBackupMB: privB / 2 ** 20,
      transitions: transitions(a, logA) + transitions(b, logB),
      vipsMaster: allAddresses(h1).filter(isVip).length,
      vipsBackup: allAddresses(h2).filter(isVip).length,
      expectedVips,
    };
  } finally {
    await stopDaemon(a);
    await stopDaemon(b);
  }
}
