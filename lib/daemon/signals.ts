/**
 * keepalived's signal functions (`keepalived --signum=NAME`) and listening for the real-time ones.
 *
 * Node's `process.on()` knows only the named signals of `os.constants.signals`, which has no SIGRTMIN.
 * libuv itself handles any signal number, and Node's own signal handle (the `signal_wrap` binding that
 * `process.on('SIGUSR2')` uses) accepts one; `listenSignalNumber` uses that handle, and reports null where
 * it is missing (another runtime, a future Node): then a real-time signal would kill the process (its
 * default action), so `signumOf` does not offer it (see there).
 */
import { constants } from 'node:os';

/** The signal functions keepalived 2.2.7 answers `--signum` for (TDUMP only exists in THREAD_DUMP builds). */
export const SIGNAL_FUNCTIONS = ['STOP', 'RELOAD', 'DATA', 'STATS', 'STATS_CLEAR', 'JSON'] as const;
export type SignalFunction = (typeof SIGNAL_FUNCTIONS)[number];

let rtMin: number | undefined;

/** SIGRTMIN as the C library numbers it on Linux: glibc reserves 32 and 33 (34), musl 32-34 (35). */
export function sigRtMin(): number {
  if (rtMin !== undefined) return rtMin;
  const header = (process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined)?.header;
  rtMin = header?.glibcVersionRuntime ? 34 : 35;
  return rtMin;
}

/** SIGRTMAX on Linux (64 with glibc and musl). */
export const SIGRTMAX = 64;

interface SignalHandle {
  onsignal?: (signum: number) => void;
  start(signum: number): number;
  close(): void;
  unref?(): void;
}

let cached: (new () => SignalHandle) | null | undefined;

/** Node's signal handle class, or null when this runtime has none to offer. */
function signalHandleClass(): (new () => SignalHandle) | null {
  if (cached !== undefined) return cached;
  const p = process as unknown as { binding?: (name: string) => unknown };
  const quiet = process.noDeprecation;
  // process.binding() warns once (DEP0111); the handle is the one process.on() uses, nothing else.
  process.noDeprecation = true;
  try {
    const b = p.binding?.('signal_wrap') as { Signal?: new () => SignalHandle } | undefined;
    cached = typeof b?.Signal === 'function' ? b.Signal : null;
  } catch {
    cached = null;
  } finally {
    process.noDeprecation = quiet;
  }
  return cached;
}

/** Whether `listenSignalNumber` can listen for real-time signals here (Linux with Node's signal handle). */
export function realtimeSignalsSupported(): boolean {
  return process.platform === 'linux' && signalHandleClass() !== null;
}

/**
 * Calls `fn` on each delivery of signal number `signum` (e.g. SIGRTMIN+2), from the event loop. The
 * listener does not keep the process alive. Returns the function that stops listening, or null when it
 * cannot listen (see the module comment).
 */
export function listenSignalNumber(signum: number, fn: () => void): (() => void) | null {
  if (!realtimeSignalsSupported()) return null;
  const Handle = signalHandleClass();
  if (!Handle) return null;
  const h = new Handle();
  h.onsignal = () => fn();
  if (h.start(signum) !== 0) {
    h.close();
    return null;
  }
  h.unref?.();
  return () => h.close();
}

/**
 * The signal number of keepalived signal function `name`, as `keepalived --signum=NAME` prints it:
 * STOP 15 (SIGTERM), RELOAD 1 (SIGHUP), DATA 10 (SIGUSR1), STATS 12 (SIGUSR2), JSON SIGRTMIN+2 (36 with
 * glibc), STATS_CLEAR SIGRTMAX-1 (63). Where real-time signals cannot be listened for, JSON is SIGUSR1
 * (vrrpd writes the JSON file on SIGUSR1 too, so a tool sending this number still gets its file) and
 * STATS_CLEAR is unknown. Null for an unknown name.
 */
export function signumOf(name: string): number | null {
  const s = constants.signals;
  const rt = realtimeSignalsSupported();
  switch (name) {
    case 'STOP':
      return s.SIGTERM;
    case 'RELOAD':
      return s.SIGHUP;
    case 'DATA':
      return s.SIGUSR1;
    case 'STATS':
      return s.SIGUSR2;
    case 'JSON':
      return rt ? sigRtMin() + 2 : s.SIGUSR1;
    case 'STATS_CLEAR':
      return rt ? SIGRTMAX - 1 : null;
    default:
      return null;
  }
}
