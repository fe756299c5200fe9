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

const HELP = `vrrpd — VRRP (RFC 3768 v2, RFC 9568 v3) daemon and tools

Usage:
  ${INSPECT_USAGE}
      Decode every VRRP frame of a pcap or pcapng capture (Ethernet, Linux cooked SLL/SLL2),
      one line per frame, with the receive-rule verdict; --json prints one JSON object per line.
      --timeline: per virtual router, who was MASTER from when to when, each takeover and how long
      it took from the old master's last advert, and anomalies (two masters, interval, address-list,
      checksum-form or auth mismatches between peers, TTL not 255).
  vrrpd --help | --version
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
