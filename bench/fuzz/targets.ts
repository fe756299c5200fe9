/** Every fuzz target, by name (what `bench/fuzz/run.ts --target NAME` and test/fuzz take). */
import { captureTarget } from './capture-target';
import { configTarget, lexerTarget } from './config-targets';
import { advertTarget, receiveTarget } from './packet-targets';
import type { FuzzTarget } from './target';

export const TARGETS: readonly FuzzTarget[] = [advertTarget, receiveTarget, captureTarget, lexerTarget, configTarget] as unknown as readonly FuzzTarget[];

/** The target named `name`. @throws Error naming the known ones. */
export function target(name: string): FuzzTarget {
  const t = TARGETS.find((x) => x.name === name);
  if (!t) throw new Error(`unknown fuzz target ${name}; known: ${TARGETS.map((x) => x.name).join(', ')}`);
  return t;
}
