/**
 * `vrrpd -f FILE` (run in the foreground, logs on stdout), `vrrpd -t -f FILE` (check the configuration)
 * and `vrrpd status` (ask a running daemon through its control socket).
 */
import { runnableErrors } from '../config/check';
import { defaultConfigId, fsConfigIO } from '../config/load';
import { checkConfig } from '../config/parse';
import { checkScriptFiles, checkScriptSecurity } from '../config/security';
import { printable } from '../config/printable';
import { UsageError, VrrpError } from '../errors';
import { controlRequest } from '../daemon/control';
import { Vrrpd, VrrpdStatus } from '../daemon/vrrpd';
import { LinuxPlatform } from '../platform/linux';
import { ScriptPlatform } from '../platform/script';
import { constants } from 'node:os';
import type { Server } from 'node:http';
import { DEFAULT_DATA_FILE, DEFAULT_JSON_FILE, DEFAULT_STATS_FILE, DumpInput, keepalivedData, keepalivedJson, keepalivedStatsText, writeDumpFile } from '../daemon/keepalived-dump';
import { parseListen, serveMetrics, VrrpdMetrics } from '../daemon/metrics';
import { listenSignalNumber, signumOf } from '../daemon/signals';
import { copyInstanceCounters, InstanceCounters } from '../node/counters';
import { CliIo } from './io';
import { LogFormat, Logger, LogLevel, makeLogger } from './log';

export const DEFAULT_PID_FILE = '/run/vrrpd.pid';
export const DEFAULT_CONTROL_SOCKET = '/run/vrrpd.sock';

/**
 * `vrrpd -t -f FILE`: reports every error and warning of FILE in one run, each as `file:line:col: what to
 * change`: parse and validation (checkConfig), what the daemon's start would refuse (runnableErrors), and
 * keepalived's script checks over the file system (checkScriptSecurity under enable_script_security,
 * checkScriptFiles). Warnings go to stderr as `vrrpd: warning: ...`, errors as `vrrpd: ...` followed by a
 * count; exit 0 and the OK line only without errors, else 1. `options.configId` is keepalived's `-i` /
 * `--config-id` (default: the host name up to its first dot).
 */
export function runCheck(file: string, io: CliIo, options: { configId?: string } = {}): number {
  const { config, warnings, errors } = checkConfig(file, fsConfigIO, { configId: options.configId ?? defaultConfigId() });
  const stat = fsConfigIO.stat ?? ((): undefined => undefined);
  const all = [...errors];
  if (errors.length === 0 || config.instances.length > 0) all.push(...runnableErrors(config, file, errors.length === 0));
  all.push(...checkScriptSecurity(config, stat));
  const warned = [...warnings, ...checkScriptFiles(config, stat)];
  for (const w of warned) io.err(`vrrpd: warning: ${w.message}`);
  for (const e of all) io.err(`vrrpd: ${e.message}`);
  if (all.length > 0) {
    io.err(printable(`vrrpd: ${file}: ${all.length} error(s), ${warned.length} warning(s); the configuration is not valid`));
    return 1;
  }
  io.out(printable(`${file}: configuration OK: ${config.instances.length} instance(s), ${config.scripts.length} script(s), ${warned.length} warning(s)`));
  return 0;
}

/** A reload failure in one line: file:line:col when the configuration is at fault. */
function reason(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** What `vrrpd -f` is told on its command line besides the file. */
export interface DaemonOptions {
  pidFile: string;
  controlSocket: string;
  vipScript?: string;
  /** keepalived's dump files (default /tmp/keepalived.data, .stats, .json). */
  dataFile?: string;
  statsFile?: string;
  jsonFile?: string;
  /** HOST:PORT to serve Prometheus /metrics on; off when absent. */
  metrics?: string;
  logFormat?: LogFormat;
  logLevel?: LogLevel;
  /** keepalived's `-i` / `--config-id` (undefined: the host name up to its first dot). */
  configId?: string;
}

/**
 * keepalived's dump signals on a running daemon: SIGUSR1 writes the data file and the JSON file, SIGUSR2
 * the stats file, SIGRTMIN+2 the JSON file, SIGRTMAX-1 clears the stats the files show (STATS_CLEAR;
 * Prometheus counters stay monotonic). Returns the function that removes the listeners.
 */
function dumpSignals(daemon: () => Vrrpd | null, files: { data: string; stats: string; json: string }, log: Logger): () => void {
  const baselines = new Map<string, InstanceCounters>();
  const write = (what: string, path: string, text: () => string): void => {
    const d = daemon();
    if (!d) return;
    try {
      writeDumpFile(path, text());
      log('debug', `${what}: wrote ${path}`);
    } catch (e) {
      log('warn', `${what}: cannot write ${path}: ${reason(e)}`);
    }
  };
  const input = (): DumpInput => {
    const d = daemon() as Vrrpd;
    return { status: d.status(), config: d.configuration };
  };
  const json = (what: string): void => write(what, files.json, () => JSON.stringify(keepalivedJson(input(), baselines)));
  const onUsr1 = (): void => {
    write('SIGUSR1', files.data, () => keepalivedData(input()));
    json('SIGUSR1');
  };
  const onUsr2 = (): void => write('SIGUSR2', files.stats, () => keepalivedStatsText(input(), baselines));
  process.on('SIGUSR1', onUsr1);
  process.on('SIGUSR2', onUsr2);
  const rtJson = signumOf('JSON');
  const rtClear = signumOf('STATS_CLEAR');
  const offs: Array<() => void> = [];
  if (rtJson !== null && rtJson !== constants.signals.SIGUSR1) {
    const off = listenSignalNumber(rtJson, () => json(`signal ${rtJson} (JSON)`));
    if (off) offs.push(off);
  }
  if (rtClear !== null) {
    const off = listenSignalNumber(rtClear, () => {
      const d = daemon();
      if (!d) return;
      for (const i of d.status().instances) baselines.set(i.name, copyInstanceCounters(i.counters));
      log('info', `signal ${rtClear} (STATS_CLEAR): the stats in the dump files start again from 0 (metrics are not cleared)`);
    });
    if (off) offs.push(off);
  }
  return () => {
    process.off('SIGUSR1', onUsr1);
    process.off('SIGUSR2', onUsr2);
    for (const off of offs) off();
  };
}

/**
 * `vrrpd -f FILE`: runs until SIGTERM or SIGINT (priority 0 from every MASTER, VIPs removed, exit 0).
 * SIGHUP reloads FILE: a bad file is logged with file:line and the running configuration stays.
 * SIGUSR1/SIGUSR2/SIGRTMIN+2 write keepalived's dump files; --metrics serves Prometheus /metrics.
 */
export async function runDaemon(file: string, paths: DaemonOptions, io: CliIo): Promise<number> {
  const log = makeLogger(paths.logFormat ?? 'text', paths.logLevel ?? 'info', io);
  if (paths.metrics) parseListenOrUsage(paths.metrics);
  let daemon: Vrrpd | null = null;
  // Before anything else: an early SIGUSR1 must not reach Node's default (the inspector), nor a
  // real-time signal its default (exit).
  const offDumps = dumpSignals(() => daemon, { data: paths.dataFile ?? DEFAULT_DATA_FILE, stats: paths.statsFile ?? DEFAULT_STATS_FILE, json: paths.jsonFile ?? DEFAULT_JSON_FILE }, log);
  let signalled: (s: string) => void = () => undefined;
  const stopSignal = new Promise<string>((res) => (signalled = res));
  const onSignal = (s: NodeJS.Signals): void => signalled(s);
  let reloading = Promise.resolve();
  const onHup = (): void => {
    reloading = reloading.then(async () => {
      if (!daemon) return;
      log('info', `SIGHUP: reloading ${file}`);
      try {
        await daemon.reload();
        for (const w of daemon.warnings) log('warn', w.message);
      } catch (e) {
        log('warn', `reload failed, the running configuration stays: ${reason(e)}`);
      }
    });
  };
  let metrics: VrrpdMetrics | null = null;
  let server: Server | null = null;
  try {
    // The sysctls use_vmac changes are kept beside the pid file, so the next start after a SIGKILL puts them back.
    const base = new LinuxPlatform({ sysctlStateFile: `${paths.pidFile}.sysctl.json` });
    const d = Vrrpd.fromFile(file, {
      pidFile: paths.pidFile,
      controlSocket: paths.controlSocket,
      ...(paths.configId === undefined ? {} : { configId: paths.configId }),
      log,
      platform: paths.vipScript ? new ScriptPlatform({ command: paths.vipScript, base }) : base,
    });
    for (const w of d.warnings) io.err(`vrrpd: warning: ${w.message}`);
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
    process.on('SIGHUP', onHup);
    if (paths.metrics) metrics = new VrrpdMetrics(d);
    try {
      await d.start();
    } catch (e) {
      throw e instanceof VrrpError ? e : new UsageError(`cannot start: ${reason(e)}`, 'IO');
    }
    daemon = d;
    if (metrics && paths.metrics) {
      try {
        server = await serveMetrics(metrics, paths.metrics);
      } catch (e) {
        await d.stop();
        throw new UsageError(`cannot serve metrics on ${paths.metrics}: ${reason(e)}`, 'IO');
      }
      log('info', `serving Prometheus metrics on http://${paths.metrics}/metrics`);
    }
    const s = await stopSignal;
    await reloading;
    log('info', `${s}: stopping (priority 0 from every MASTER, VIPs removed)`);
    await d.stop();
    log('info', 'stopped');
    return 0;
  } finally {
    daemon = null;
    metrics?.close();
    await new Promise<void>((res) => (server ? server.close(() => res()) : res()));
    offDumps();
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
    process.off('SIGHUP', onHup);
  }
}

function parseListenOrUsage(spec: string): void {
  try {
    parseListen(spec);
  } catch (e) {
    throw new UsageError(reason(e));
  }
}

/** Pads the columns of `rows` (first row: headers) to their widest cell. */
function table(rows: string[][]): string[] {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  return rows.map((r) => r.map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c]))).join('  ').trimEnd());
}

async function askStatus(controlSocket: string): Promise<unknown> {
  try {
    return await controlRequest(controlSocket, { cmd: 'status' });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such socket (is vrrpd running? see --control-socket)' : code === 'ECONNREFUSED' ? 'connection refused (a stale socket?)' : reason(e);
    throw new UsageError(`no daemon answers on ${controlSocket}: ${why}`, 'IO');
  }
}

/**
 * `vrrpd dump [--data|--stats|--json]`: keepalived's data file (default), stats file or JSON dump of a
 * running daemon, on stdout, made from its status through the control socket (no signal, no file). The
 * fields that come from the configuration (garp, advert interval, preempt, script commands) are left out.
 */
export async function runDump(controlSocket: string, kind: 'data' | 'stats' | 'json', io: CliIo): Promise<number> {
  const reply = await askStatus(controlSocket);
  const status = reply as VrrpdStatus;
  if (!Array.isArray(status.instances)) throw new UsageError(`unexpected answer from ${controlSocket}: ${JSON.stringify(reply).slice(0, 200)}`, 'IO');
  const input = { status };
  const text = kind === 'json' ? JSON.stringify(keepalivedJson(input)) : kind === 'stats' ? keepalivedStatsText(input) : keepalivedData(input);
  io.out(text.replace(/\n$/, ''));
  return 0;
}

/** `vrrpd status`: a table of the daemon's instances, or its status JSON with --json. */
export async function runStatus(controlSocket: string, json: boolean, io: CliIo): Promise<number> {
  const reply = await askStatus(controlSocket);
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
