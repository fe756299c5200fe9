/**
 * `vrrpd -f FILE` (run in the foreground, logs on stdout), `vrrpd -t -f FILE` (check the configuration)
 * and `vrrpd status` (ask a running daemon through its control socket).
 */
import { checkRunnable } from '../config/check';
import { loadConfig } from '../config/load';
import { printable } from '../config/printable';
import { UsageError, VrrpError } from '../errors';
import { controlRequest } from '../daemon/control';
import { Vrrpd, VrrpdStatus } from '../daemon/vrrpd';
import { LinuxPlatform } from '../platform/linux';
import { ScriptPlatform } from '../platform/script';
import { CliIo } from './io';

export const DEFAULT_PID_FILE = '/run/vrrpd.pid';
export const DEFAULT_CONTROL_SOCKET = '/run/vrrpd.sock';

/**
 * `vrrpd -t -f FILE`: exit 0 when the daemon would start with the configuration (warnings printed): it
 * parses, has an instance, and every instance passes the fsm's RouterConfig validation (checkRunnable).
 * @throws ConfigError (file:line:col) otherwise; main prints it and exits 1.
 */
export function runCheck(file: string, io: CliIo): number {
  const { config, warnings } = loadConfig(file);
  for (const w of warnings) io.err(`vrrpd: warning: ${w.message}`);
  checkRunnable(config, file);
  io.out(printable(`${file}: configuration OK: ${config.instances.length} instance(s), ${config.scripts.length} script(s), ${warnings.length} warning(s)`));
  return 0;
}

/** A reload failure in one line: file:line:col when the configuration is at fault. */
function reason(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/**
 * `vrrpd -f FILE`: runs until SIGTERM or SIGINT (priority 0 from every MASTER, VIPs removed, exit 0).
 * SIGHUP reloads FILE: a bad file is logged with file:line and the running configuration stays.
 */
export async function runDaemon(file: string, paths: { pidFile: string; controlSocket: string; vipScript?: string }, io: CliIo): Promise<number> {
  const log = (level: string, message: string): void => io.out(`${new Date().toISOString()} ${level}: ${message}`);
  const base = new LinuxPlatform();
  const daemon = Vrrpd.fromFile(file, {
    pidFile: paths.pidFile,
    controlSocket: paths.controlSocket,
    log,
    platform: paths.vipScript ? new ScriptPlatform({ command: paths.vipScript, base }) : base,
  });
  for (const w of daemon.warnings) io.err(`vrrpd: warning: ${w.message}`);
  let signalled: (s: string) => void = () => undefined;
  const stopSignal = new Promise<string>((res) => (signalled = res));
  const onSignal = (s: NodeJS.Signals): void => signalled(s);
  let reloading = Promise.resolve();
  const onHup = (): void => {
    reloading = reloading.then(async () => {
      log('info', `SIGHUP: reloading ${file}`);
      try {
        await daemon.reload();
        for (const w of daemon.warnings) log('warn', w.message);
      } catch (e) {
        log('warn', `reload failed, the running configuration stays: ${reason(e)}`);
      }
    });
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  process.on('SIGHUP', onHup);
  try {
    try {
      await daemon.start();
    } catch (e) {
      throw e instanceof VrrpError ? e : new UsageError(`cannot start: ${reason(e)}`, 'IO');
    }
    const s = await stopSignal;
    await reloading;
    log('info', `${s}: stopping (priority 0 from every MASTER, VIPs removed)`);
    await daemon.stop();
    log('info', 'stopped');
    return 0;
  } finally {
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
    process.off('SIGHUP', onHup);
  }
}

/** Pads the columns of `rows` (first row: headers) to their widest cell. */
function table(rows: string[][]): string[] {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  return rows.map((r) => r.map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c]))).join('  ').trimEnd());
}

/** `vrrpd status`: a table of the daemon's instances, or its status JSON with --json. */
export async function runStatus(controlSocket: string, json: boolean, io: CliIo): Promise<number> {
  let reply: unknown;
  try {
    reply = await controlRequest(controlSocket, { cmd: 'status' });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such socket (is vrrpd running? see --control-socket)' : code === 'ECONNREFUSED' ? 'connection refused (a stale socket?)' : reason(e);
    throw new UsageError(`no daemon answers on ${controlSocket}: ${why}`, 'IO');
  }
  if (json) {
    io.out(JSON.stringify(reply));
    return 0;
  }
  const r = reply as VrrpdStatus;
  if (!Array.isArray(r.instances)) throw new UsageError(`unexpected answer from ${controlSocket}: ${JSON.stringify(reply).slice(0, 200)}`, 'IO');
  io.out(`vrrpd pid ${r.pid}`);
  const rows = [['INSTANCE', 'STATE', 'PRIORITY', 'VRID', 'IP', 'INTERFACE', 'MASTER', 'VIPS', 'SINCE']];
  for (const i of r.instances) {
    const prio = i.priority.base === i.priority.effective ? String(i.priority.base) : `${i.priority.effective} (base ${i.priority.base})`;
    const since = i.lastTransition ? `${i.lastTransitionTime ?? ''} (${i.lastTransition.reason})` : '';
    rows.push([i.name, i.state, prio, String(i.vrid), `v${i.version}/IPv${i.family}`, i.interface, i.master ?? '-', i.vips.join(','), since]);
  }
  for (const line of table(rows)) io.out(line);
  for (const g of r.syncGroups) io.out(`sync group ${g.name}: ${g.state} (${g.members.join(', ')})`);
  return 0;
}
