/**
 * `vrrpd -f FILE` (run in the foreground, logs on stdout), `vrrpd -t -f FILE` (check the configuration)
 * and `vrrpd status` (ask a running daemon through its control socket).
 */
import { loadConfig } from '../config/load';
import { ConfigError, UsageError } from '../errors';
import { controlRequest } from '../daemon/control';
import { systemClock } from '../daemon/clock';
import { Daemon } from '../daemon/daemon';
import { LinuxPlatform } from '../platform/linux';
import { ScriptPlatform } from '../platform/script';
import { openTransport } from '../transport';
import { Ipv4SourceTransport } from '../transport/ipv4-source';
import { CliIo } from './io';

export const DEFAULT_PID_FILE = '/run/vrrpd.pid';
export const DEFAULT_CONTROL_SOCKET = '/run/vrrpd.sock';

function loadOrExplain(file: string, io: CliIo): ReturnType<typeof loadConfig> {
  const result = loadConfig(file);
  for (const w of result.warnings) io.err(`vrrpd: warning: ${w.message}`);
  return result;
}

/** `vrrpd -t -f FILE`: exit 0 when the configuration is valid (warnings printed), 1 otherwise. */
export function runCheck(file: string, io: CliIo): number {
  const { config, warnings } = loadOrExplain(file, io);
  io.out(`${file}: configuration OK: ${config.instances.length} instance(s), ${config.scripts.length} script(s), ${warnings.length} warning(s)`);
  return 0;
}

/** `vrrpd -f FILE`: runs until SIGTERM or SIGINT; resolves to the exit code. */
export async function runDaemon(file: string, paths: { pidFile: string; controlSocket: string; vipScript?: string }, io: CliIo): Promise<number> {
  const { config } = loadOrExplain(file, io);
  if (config.instances.length === 0) throw new ConfigError(file, 1, 1, 'no vrrp_instance is configured');
  const log = (level: string, message: string): void => io.out(`${new Date().toISOString()} ${level}: ${message}`);
  const daemon = new Daemon(config, {
    pidFile: paths.pidFile,
    controlSocket: paths.controlSocket,
    clock: systemClock,
    log,
    platform: paths.vipScript ? new ScriptPlatform({ command: paths.vipScript, base: new LinuxPlatform() }) : new LinuxPlatform(),
    openTransport: (family, ifname, lookup, source) =>
      source !== undefined && family === 4 ? new Ipv4SourceTransport({ ifname, lookup }, source) : openTransport(family, { ifname, lookup, ownSource: source }),
  });
  let signalled: (s: string) => void = () => undefined;
  const stopSignal = new Promise<string>((res) => (signalled = res));
  const onSignal = (s: NodeJS.Signals): void => signalled(s);
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  try {
    await daemon.start();
  } catch (e) {
    await daemon.stop().catch(() => undefined);
    throw e instanceof UsageError || e instanceof ConfigError ? e : new UsageError(`cannot start: ${(e as Error).message}`, 'IO');
  }
  const s = await stopSignal;
  log('info', `${s}: stopping (priority 0 from every MASTER, VIPs removed)`);
  await daemon.stop();
  process.off('SIGTERM', onSignal);
  process.off('SIGINT', onSignal);
  log('info', 'stopped');
  return 0;
}

/** `vrrpd status`: prints the daemon's instances (or the raw JSON with --json). */
export async function runStatus(controlSocket: string, json: boolean, io: CliIo): Promise<number> {
  let reply: unknown;
  try {
    reply = await controlRequest(controlSocket, { cmd: 'status' });
  } catch (e) {
    throw new UsageError(`no daemon answers on ${controlSocket}: ${(e as Error).message}`, 'IO');
  }
  if (json) {
    io.out(JSON.stringify(reply));
    return 0;
  }
  const r = reply as { pid: number; instances: Array<{ name: string; state: string; priority: number; vrid: number; family: number; interface: string; masterAddress: string | null }> };
  io.out(`vrrpd pid ${r.pid}`);
  for (const i of r.instances) {
    io.out(`${i.name.padEnd(16)} ${i.state.padEnd(7)} priority ${String(i.priority).padStart(3)}  VRID ${i.vrid} IPv${i.family} on ${i.interface}${i.masterAddress ? `, master ${i.masterAddress}` : ''}`);
  }
  return 0;
}
