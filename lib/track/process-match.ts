/**
 * Which processes a `vrrp_track_process` counts: keepalived.conf(5) "VRRP track processes", matching as
 * keepalived 2.2.7 does. Pure: the process list is read at the edge (lib/platform/processes.ts).
 */

/** One running process as the edge reads it (zombies left out). */
export interface ProcessEntry {
  readonly pid: number;
  /** /proc/PID/comm: the process name, at most 15 bytes. */
  readonly comm: string;
  /** /proc/PID/cmdline split at its NULs (empty for a kernel thread); undefined when it was not read. */
  readonly argv?: readonly string[];
}

/**
 * How parameters are compared (keepalived's param_match): `none` ignores them; `exact` wants exactly
 * these; `partial` wants these first and allows more; `initial` is `partial` with the last one a prefix.
 */
export type ParamMatch = 'none' | 'exact' | 'partial' | 'initial';

/** What a tracked process must look like. */
export interface ProcessMatchSpec {
  /** The name compared exactly: with the comm, or with argv[0] when `byCmdline`. */
  readonly process: string;
  readonly params: readonly string[];
  readonly paramMatch: ParamMatch;
  /**
   * Compare argv[0] (full_command, or parameters / param_match given) rather than the comm; keepalived
   * then needs /proc/PID/cmdline.
   */
  readonly byCmdline: boolean;
}

/** True when `p` matches `spec`: the name exactly (pgrep '^name$', not a substring), then the parameters. */
export function processMatches(spec: ProcessMatchSpec, p: ProcessEntry): boolean {
  if (spec.byCmdline) {
    if (p.argv === undefined || (p.argv[0] ?? '') !== spec.process) return false;
  } else if (p.comm !== spec.process) {
    return false;
  }
  return spec.paramMatch === 'none' || paramsMatch(spec, p.argv?.slice(1) ?? []);
}

function paramsMatch(spec: ProcessMatchSpec, actual: readonly string[]): boolean {
  const want = spec.params;
  switch (spec.paramMatch) {
    case 'none':
      return true;
    case 'exact':
      return actual.length === want.length && want.every((w, i) => actual[i] === w);
    case 'partial':
      return actual.length >= want.length && want.every((w, i) => actual[i] === w);
    case 'initial': {
      if (actual.length < want.length) return false;
      const last = want.length - 1;
      return want.every((w, i) => (i === last ? actual[i].startsWith(w) : actual[i] === w));
    }
  }
}

/** Number of processes of `list` that match `spec`. */
export function countMatches(spec: ProcessMatchSpec, list: readonly ProcessEntry[]): number {
  let n = 0;
  for (const p of list) if (processMatches(spec, p)) n++;
  return n;
}
