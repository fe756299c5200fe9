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
import { DEFAULT_CONTROL_SOCKET, DEFAULT_PID_FILE, runCheck, runDaemon, runStatus } from './run';

const HELP = `vrrpd — VRRP (RFC 3768 v2, RFC 9568 v3) daemon and tools

Usage:
  vrrpd -f FILE [--pid-file PATH] [--control-socket PATH] [--vip-script COMMAND]
      Run in the foreground with logs on stdout, reading keepalived.conf FILE. SIGTERM or SIGINT:
      every MASTER sends priority 0, every VIP is removed, exit 0. SIGHUP reloads FILE without a
      flap (a bad file is logged with file:line and the running one stays). With --vip-script, VIPs are
      added and removed by running "COMMAND add|del IFNAME CIDR" instead of iproute2.
  vrrpd -t -f FILE
      Check FILE and print its warnings (file:line:col); exit 1 on an error.
  vrrpd status [--control-socket PATH] [--json]
      Ask a running vrrpd for its instances: state, base and effective priority, master, VIPs,
      trackers, counters (keepalived's stats) and the last transition.
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
      test: { type: 'boolean', short: 't', default: false },
      'pid-file': { type: 'string' },
      'control-socket': { type: 'string' },
      'vip-script': { type: 'string' },
    },
  });
  const file = values['use-file'];
  if (!file) throw new UsageError('usage: vrrpd -f FILE [--pid-file PATH] [--control-socket PATH], or vrrpd -t -f FILE');
  if (values.test) return runCheck(file, io);
  return runDaemon(file, {
    pidFile: values['pid-file'] ?? DEFAULT_PID_FILE,
    controlSocket: values['control-socket'] ?? DEFAULT_CONTROL_SOCKET,
    vipScript: values['vip-script'],
  }, io);
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
      case 'run':
      case '-f':
      case '-t':
      case '--test':
      case '--use-file':
        return await daemonCommand(command === 'run' ? rest : argv, io);
      default:
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
