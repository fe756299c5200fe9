/**
 * The `vrrpd` command line: argv -> command. User errors print one line naming what to change and exit
 * non-zero (2 usage, 1 file or I/O); they never end in a stack trace.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { UsageError, VrrpError } from '../errors';
import { CliIo, processIo } from './io';
import { INSPECT_USAGE, runInspect } from './inspect';
import { DEMO_USAGE, runDemo } from './demo';
import { DEFAULT_DATA_FILE, DEFAULT_JSON_FILE, DEFAULT_STATS_FILE } from '../daemon/keepalived-dump';
import { signumOf, SIGNAL_FUNCTIONS } from '../daemon/signals';
import { LOG_FORMATS, LOG_LEVELS, oneOf } from './log';
import { DEFAULT_CONTROL_SOCKET, DEFAULT_PID_FILE, runCheck, runDaemon, runDump, runStatus } from './run';

const HELP = `vrrpd — VRRP (RFC 3768 v2, RFC 9568 v3) daemon and tools

Usage:
  vrrpd -f FILE [-i ID] [--pid-file PATH] [--control-socket PATH] [--vip-script COMMAND] [--metrics HOST:PORT]
        [--log-format text|json] [--log-level error|warn|info|debug] [--data-file PATH] [--stats-file PATH]
        [--json-file PATH]
      Run in the foreground with logs on stdout, reading keepalived.conf FILE. SIGTERM or SIGINT:
      every MASTER sends priority 0, every VIP is removed, exit 0. SIGHUP reloads FILE without a
      flap (a bad file is logged with file:line and the running one stays). With --vip-script, VIPs are
      added and removed by running "COMMAND add|del IFNAME CIDR" instead of iproute2.
      keepalived's dump signals: SIGUSR1 writes the data file (and the JSON file), SIGUSR2 the stats file,
      SIGRTMIN+2 (vrrpd --signum=JSON) the JSON file, in keepalived's layout (keepalived-exporter reads them).
      --metrics serves Prometheus /metrics (keepalived-exporter's names plus vrrpd_*); off by default.
      --log-format json writes one {"time","level","msg"} object per line; --log-level defaults to info.
  vrrpd --signum=STOP|RELOAD|DATA|STATS|STATS_CLEAR|JSON
      Print the number of the signal for that function, as keepalived --signum does.
  vrrpd -t -f FILE [-i ID]
      Check FILE and print every error and warning (file:line:col); exit 1 on an error.
      -i/--config-id ID: keepalived's config id; lines starting @ID apply, @^ID do not (default: the
      host name up to its first dot, as keepalived).
  vrrpd status [--control-socket PATH] [--json]
      Ask a running vrrpd for its instances: state, base and effective priority, master, VIPs,
      trackers, counters (keepalived's stats) and the last transition.
  vrrpd dump [--data | --stats | --json] [--control-socket PATH]
      Print a running vrrpd's keepalived data file (default), stats file or JSON dump, made from its
      status through the control socket: no signal, no file written.
  ${INSPECT_USAGE}
      Decode every VRRP frame of a pcap or pcapng capture (Ethernet, Linux cooked SLL/SLL2),
      one line per frame, with the receive-rule verdict; --json prints one JSON object per line.
      --timeline: per virtual router, who was MASTER from when to when, each takeover and how long
      it took from the old master's last advert, and anomalies (two masters, interval, address-list,
      checksum-form or auth mismatches between peers, TTL not 255).
  ${DEMO_USAGE}
      Needs root. Two vrrpd routers (r1, r2) with a health-checked HTTP service and a client, in network
      namespaces of its own (documentation addresses 192.0.2.0/24): r1's service stops, r2 takes the VIP;
      it comes back, r1 preempts. Prints each keepalived.conf and the outage split into detection,
      protocol and data plane; --auto runs unattended and exits 0 only if every step happened as expected.
  vrrpd --help | --version

Paths vrrpd writes (set them per daemon when several run on one machine, e.g. in namespaces):
  --pid-file PATH          default ${DEFAULT_PID_FILE}
  --control-socket PATH    default ${DEFAULT_CONTROL_SOCKET}
  --data-file PATH         default ${DEFAULT_DATA_FILE}
  --stats-file PATH        default ${DEFAULT_STATS_FILE}
  --json-file PATH         default ${DEFAULT_JSON_FILE}
`;

/** The package version, from package.json above dist/lib/cli (built) or lib/cli (ts-jest). */
function version(): string {
  for (const rel of ['../../..', '../..']) {
    try {
      return (JSON.parse(readFileSync(join(__dirname, rel, 'package.json'), 'utf8')) as { version: string }).version;
    } catch {
      /* try the next layout */
    }
  }
  return 'unknown';
}

function inspectCommand(args: string[], io: CliIo): number {
  const { values, positionals } = parseArgs({
    args,
    options: { json: { type: 'boolean', default: false }, timeline: { type: 'boolean', default: false } },
    allowPositionals: true,
  });
  if (positionals.length !== 1) throw new UsageError(`usage: ${INSPECT_USAGE}`);
  return runInspect(positionals[0], { json: values.json === true, timeline: values.timeline === true }, io);
}

function daemonCommand(args: string[], io: CliIo): Promise<number> | number {
  const { values } = parseArgs({
    args,
    options: {
      'use-file': { type: 'string', short: 'f' },
      'config-id': { type: 'string', short: 'i' },
      test: { type: 'boolean', short: 't', default: false },
      'pid-file': { type: 'string' },
      'control-socket': { type: 'string' },
      'vip-script': { type: 'string' },
      metrics: { type: 'string' },
      'log-format': { type: 'string' },
      'log-level': { type: 'string' },
      'data-file': { type: 'string' },
      'stats-file': { type: 'string' },
      'json-file': { type: 'string' },
    },
  });
  const file = values['use-file'];
  if (!file) throw new UsageError('usage: vrrpd -f FILE [--pid-file PATH] [--control-socket PATH], or vrrpd -t -f FILE');
  const configId = values['config-id'];
  if (configId === '') throw new UsageError('vrrpd: -i/--config-id needs an id (keepalived compares it with @ID lines)');
  if (values.test) return runCheck(file, io, configId === undefined ? {} : { configId });
  return runDaemon(file, {
    configId,
    pidFile: values['pid-file'] ?? DEFAULT_PID_FILE,
    controlSocket: values['control-socket'] ?? DEFAULT_CONTROL_SOCKET,
    vipScript: values['vip-script'],
    metrics: values.metrics,
    logFormat: oneOf('--log-format', values['log-format'], LOG_FORMATS, 'text'),
    logLevel: oneOf('--log-level', values['log-level'], LOG_LEVELS, 'info'),
    dataFile: values['data-file'] ?? DEFAULT_DATA_FILE,
    statsFile: values['stats-file'] ?? DEFAULT_STATS_FILE,
    jsonFile: values['json-file'] ?? DEFAULT_JSON_FILE,
  }, io);
}

/** `vrrpd --signum=NAME` (or `--signum NAME`): the number on stdout, as keepalived prints it; exit 1 when unknown. */
function signumCommand(argv: string[], io: CliIo): number {
  const name = argv[0].startsWith('--signum=') ? argv[0].slice('--signum='.length) : argv[1];
  if (name === undefined || name === '') throw new UsageError(`usage: vrrpd --signum=${SIGNAL_FUNCTIONS.join('|')}`);
  const n = signumOf(name);
  if (n === null) {
    io.err(`Unknown sigfunc ${name}`);
    return 1;
  }
  io.out(String(n));
  return 0;
}

function dumpCommand(args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { 'control-socket': { type: 'string' }, json: { type: 'boolean', default: false }, stats: { type: 'boolean', default: false }, data: { type: 'boolean', default: false } },
  });
  if ([values.json, values.stats, values.data].filter(Boolean).length > 1) throw new UsageError('vrrpd dump: give one of --data, --stats, --json');
  return runDump(values['control-socket'] ?? DEFAULT_CONTROL_SOCKET, values.json ? 'json' : values.stats ? 'stats' : 'data', io);
}

/** Runs the command line `argv` (without node and script); resolves to the exit code. */
export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
  try {
    const [command, ...rest] = argv;
    switch (command) {
      case undefined:
      case '-h':
      case '--help':
      case 'help':
        io.out(HELP.trimEnd());
        return command === undefined ? 2 : 0;
      case '-v':
      case '--version':
        io.out(`vrrpd ${version()}`);
        return 0;
      case 'inspect':
        return inspectCommand(rest, io);
      case 'status': {
        const { values } = parseArgs({ args: rest, options: { 'control-socket': { type: 'string' }, json: { type: 'boolean', default: false } } });
        // Awaited here, so a failure is caught below (one line, exit 1), not a stack trace.
        return await runStatus(values['control-socket'] ?? DEFAULT_CONTROL_SOCKET, values.json === true, io);
      }
      case 'demo':
        return await runDemo(rest, io);
      case 'dump':
        return await dumpCommand(rest, io);
      case 'run':
      case '-f':
      case '-t':
      case '--test':
      case '--use-file':
        return await daemonCommand(command === 'run' ? rest : argv, io);
      default:
        if (command === '--signum' || command.startsWith('--signum=')) return signumCommand(argv, io);
        throw new UsageError(`unknown command ${JSON.stringify(command)}; see vrrpd --help`);
    }
  } catch (e) {
    if (e instanceof VrrpError) {
      io.err(`vrrpd: ${e.message}`);
      return e.code === 'USAGE' ? 2 : 1;
    }
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS')) {
      io.err(`vrrpd: ${(e as Error).message.split('. ')[0]}; see vrrpd --help`);
      return 2;
    }
    throw e;
  }
}
