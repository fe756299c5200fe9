/**
 * The command line's keepalived compatibility: `--signum` as keepalived 2.2.7 prints it (checked against
 * `keepalived --signum` where keepalived is installed), real-time signals heard by a Node process, the
 * log formats and levels, and the usage errors of the new options.
 */
import { execFileSync } from 'node:child_process';
import { main } from '../../lib/cli/main';
import { LOG_LEVELS, makeLogger } from '../../lib/cli/log';
import { listenSignalNumber, realtimeSignalsSupported, signumOf, SIGNAL_FUNCTIONS } from '../../lib/daemon/signals';

function io() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { out: (l: string) => void out.push(l), err: (l: string) => void err.push(l) } };
}

function keepalivedSignum(name: string): string | null {
  try {
    return execFileSync('keepalived', [`--signum=${name}`], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  } catch (e) {
    const err = e as { code?: string; status?: number };
    return err.code === 'ENOENT' ? null : 'error';
  }
}

test('vrrpd --signum=NAME prints keepalived\'s numbers; an unknown name gets keepalived\'s message and exit 1', async () => {
  const expected: Record<string, number> = { STOP: 15, RELOAD: 1, DATA: 10, STATS: 12, JSON: 36, STATS_CLEAR: 63 };
  for (const name of SIGNAL_FUNCTIONS) {
    const x = io();
    expect(await main([`--signum=${name}`], x.io)).toBe(0);
    expect(x.out).toEqual([String(expected[name])]);
    const k = keepalivedSignum(name);
    if (k !== null) expect(x.out[0]).toBe(k);
  }
  const y = io();
  expect(await main(['--signum', 'STATS'], y.io)).toBe(0);
  expect(y.out).toEqual(['12']);
  const z = io();
  expect(await main(['--signum=TDUMP'], z.io)).toBe(1);
  expect(z.err).toEqual(['Unknown sigfunc TDUMP']);
  expect(signumOf('nope')).toBeNull();
});

test('a Node process hears SIGRTMIN+2 through listenSignalNumber (it does not die of it)', async () => {
  expect(realtimeSignalsSupported()).toBe(true);
  let heard = 0;
  const off = listenSignalNumber(signumOf('JSON') as number, () => heard++);
  expect(off).not.toBeNull();
  process.kill(process.pid, signumOf('JSON') as number);
  await new Promise((r) => setTimeout(r, 100));
  expect(heard).toBe(1);
  off?.();
});

test('log lines: text and json (time, level, msg), filtered by level', () => {
  const x = io();
  const at = () => new Date('2026-01-02T03:04:05.000Z');
  const json = makeLogger('json', 'info', x.io, at);
  json('debug', 'hidden');
  json('info', 'instance VI_1: BACKUP -> MASTER');
  json('error', 'e "quoted"');
  expect(x.out.map((l) => JSON.parse(l) as unknown)).toEqual([
    { time: '2026-01-02T03:04:05.000Z', level: 'info', msg: 'instance VI_1: BACKUP -> MASTER' },
    { time: '2026-01-02T03:04:05.000Z', level: 'error', msg: 'e "quoted"' },
  ]);
  const y = io();
  const text = makeLogger('text', 'warn', y.io, at);
  for (const l of LOG_LEVELS) text(l, l);
  expect(y.out).toEqual(['2026-01-02T03:04:05.000Z error: error', '2026-01-02T03:04:05.000Z warn: warn']);
});

test('bad --log-format, --log-level and --metrics are usage errors naming the option (exit 2, nothing started)', async () => {
  for (const [args, msg] of [
    [['--log-format', 'xml'], /--log-format "xml": expected one of text, json/],
    [['--log-level', 'loud'], /--log-level "loud": expected one of error, warn, info, debug/],
    [['--metrics', '9165'], /--metrics "9165": expected HOST:PORT/],
  ] as const) {
    const x = io();
    expect(await main(['-f', '/nonexistent/keepalived.conf', ...args], x.io)).toBe(2);
    expect(x.err.join('\n')).toMatch(msg);
  }
});
