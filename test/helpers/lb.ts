/**
 * The load balancers VRRP protects, run per namespace for the seed tests: Debian nginx and HAProxy in the
 * foreground, each with its own config, pid file and logs under the test's directory (namespaces share the
 * filesystem and the process table), and the seed's keepalived.conf mapped to documentation addresses.
 */
import { ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseConfigText } from '../../lib/config';
import { Host, Lan } from './netns';
import { answers, pidsIn, tail } from './http';
import { waitFor } from './peers';

/** A service started in a namespace: its process (pid = the daemon's master, `ip netns exec` execs). */
export interface Service {
  name: string;
  host: Host;
  child: ChildProcess;
  dir: string;
  pidFile: string;
  /** What the process printed (HAProxy's warnings and alerts go here with -db). */
  output: () => string;
}

function started(lan: Lan, host: Host, name: string, dir: string, pidFile: string, cmd: string, args: string[]): Service {
  const child = lan.spawn(host.ns, cmd, args);
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  return { name, host, child, dir, pidFile, output: () => out };
}

/**
 * Starts nginx on `host` (master process in the foreground, `user root` so its worker reads the test's 0700
 * directory) serving a page `name` on `listen` (host:port each, no wildcard); resolves once `checkUrl`
 * answers from the host itself. Everything it writes is under `baseDir/name`.
 */
export async function startNginx(lan: Lan, host: Host, baseDir: string, name: string, listen: string[], checkUrl: string): Promise<Service> {
  const dir = path.join(baseDir, name);
  const www = path.join(dir, 'www');
  mkdirSync(www, { recursive: true });
  writeFileSync(path.join(www, 'index.html'), `${name}\n`); // the seed's `echo "RS2" > .../index.html`
  const pidFile = path.join(dir, 'nginx.pid');
  const conf = path.join(dir, 'nginx.conf');
  const temp = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((t) => `  ${t}_temp_path ${dir}/${t};`).join('\n');
  writeFileSync(conf, `daemon off;
user root;
worker_processes 1;
pid ${pidFile};
error_log ${dir}/error.log;
events {
  worker_connections 64;
}
http {
  access_log ${dir}/access.log;
${temp}
  server {
${listen.map((l) => `    listen ${l};`).join('\n')}
    root ${www};
  }
}
`);
  // -p and -e keep nginx off /var/log/nginx and /usr/share/nginx before it has read the file.
  const svc = started(lan, host, name, dir, pidFile, 'nginx', ['-p', dir, '-e', `${dir}/error.log`, '-c', conf]);
  try {
    await waitFor(`${name} (nginx) to answer ${checkUrl}`, () => svc.child.exitCode === null && answers(host, checkUrl), 8000);
  } catch (e) {
    throw new Error(`${(e as Error).message}\n${svc.output()}\n${tail(`${dir}/error.log`)}`);
  }
  return svc;
}

/**
 * Starts HAProxy on `host` with `-f` config text `conf` (written to `baseDir/name/haproxy.cfg`), `-p` its
 * own pid file, `-db` (foreground); resolves once `checkUrl` answers from the host itself.
 */
export async function startHaproxy(lan: Lan, host: Host, baseDir: string, name: string, conf: string, checkUrl: string): Promise<Service> {
  const dir = path.join(baseDir, name);
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'haproxy.cfg');
  writeFileSync(file, conf);
  const pidFile = path.join(dir, 'haproxy.pid');
  const svc = started(lan, host, name, dir, pidFile, 'haproxy', ['-f', file, '-p', pidFile, '-db']);
  try {
    await waitFor(`${name} (haproxy) to answer ${checkUrl}`, () => svc.child.exitCode === null && answers(host, checkUrl), 8000);
  } catch (e) {
    throw new Error(`${(e as Error).message}\n${svc.output()}`);
  }
  return svc;
}

/**
 * Stops a service by its pid (from its pid file, which is its master process): SIGTERM, so nginx's master
 * takes its worker with it (a SIGKILLed master leaves the worker serving). Resolves when it exited and no
 * process of that command name is left in its namespace (asserted by namespace, never by name).
 */
export async function stopService(svc: Service, comm: string): Promise<void> {
  const pid = existsSync(svc.pidFile) ? Number(readFileSync(svc.pidFile, 'utf8').trim()) : svc.child.pid;
  if (svc.child.exitCode !== null || svc.child.signalCode !== null) return;
  if (pid === undefined || pid !== svc.child.pid) throw new Error(`${svc.name}: pid file says ${pid}, started ${svc.child.pid}`);
  const exited = new Promise<void>((resolve) => svc.child.once('exit', () => resolve()));
  process.kill(pid, 'SIGTERM');
  const timer = setTimeout(() => svc.child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
  await waitFor(`no ${comm} left on ${svc.host.ns}`, () => pidsIn(svc.host, comm).length === 0, 3000);
}

/**
 * The seed's keepalived.conf ("在需要高可用的服务器上部署"), its comments kept, mapped: ens33 -> eth0,
 * 192.168.10.100 -> `vip`, the check script path -> `script`. One addition: the seed defines
 * `vrrp_script chk_http_port` but no instance names it in `track_script`, so as written the script never
 * changes a priority (keepalived and vrrpd alike); `track_script { chk_http_port }` is added to VI_1.
 * `instanceExtra` / `tail` add lines inside VI_1 / after the file (e.g. the LVS director's blocks).
 */
export function seedKeepalivedConf(o: { routerId: string; state: 'MASTER' | 'BACKUP'; priority: number; vip: string; script?: string; instanceExtra?: string; tail?: string }): string {
  const track = o.script ? '\ttrack_script {\n\t\tchk_http_port\n\t}\n' : '';
  const script = o.script
    ? `# 定义script 
vrrp_script chk_http_port { 
	script "${o.script}" 
	interval 1 
	weight -2 # 优先级-2 
}
`
    : '';
  return `! Configuration File for keepalived 
global_defs { 
	router_id ${o.routerId} # 需要id不一样
}
vrrp_instance VI_1 { 
	state ${o.state} # 备份节点为BACKUP
	interface eth0
${o.instanceExtra ?? ''}	virtual_router_id 10
	priority ${o.priority} # 备份节点小于100
	advert_int 1
	authentication {
		auth_type PASS
		auth_pass 1111 
	}
	virtual_ipaddress { 
		${o.vip} 
	} 
${track}}
${script}${o.tail ?? ''}`;
}

/**
 * Master_Down_Interval of a backup of `priority` (RFC 3768 §6.1 for v2: 3 × Advertisement_Interval +
 * (256 − Priority) / 256 s; RFC 9568 §6.1 for v3: Skew_Time = (256 − Priority) × Master_Adver_Interval / 256).
 */
export function masterDownMs(version: 2 | 3, priority: number, advertIntMs: number): number {
  return 3 * advertIntMs + (version === 2 ? ((256 - priority) * 1000) / 256 : ((256 - priority) * advertIntMs) / 256);
}

/** The outage bounds of a master/backup pair, computed from their keepalived.conf texts. */
export interface PairBounds {
  /** The master's priority with its vrrp_script failing (base + weight): below the backup's, so it preempts. */
  degradedPriority: number;
  scriptIntervalMs: number;
  /** The backup's Master_Down_Interval (ms). */
  backupDownMs: number;
  /** Service stopped on the master -> the backup answers: interval × fall + backup's Master_Down_Interval + margin. */
  failoverMs: number;
  /** Service back -> the master answers again: interval × rise + master's Master_Down_Interval + margin. */
  failbackMs: number;
  /** How they were computed, for the test output. */
  text: string;
}

/**
 * Reads the first instance and script of each file with vrrpd's own parser and computes the bounds.
 * @throws Error when the failing master would not fall below the backup (no failover by design).
 */
export function pairBounds(masterConf: string, backupConf: string, marginMs: number): PairBounds {
  const m = parseConfigText(masterConf).config;
  const b = parseConfigText(backupConf).config;
  const [mi, bi, script] = [m.instances[0], b.instances[0], m.scripts[0]];
  const degradedPriority = mi.priority + script.weight;
  if (degradedPriority >= bi.priority) throw new Error(`a failing ${script.name} leaves the master at ${degradedPriority}, not below the backup's ${bi.priority}`);
  const backupDownMs = masterDownMs(bi.version, bi.priority, bi.advertIntervalCs * 10);
  const masterDownAgainMs = masterDownMs(mi.version, mi.priority, mi.advertIntervalCs * 10);
  const failoverMs = script.intervalMs * script.fall + backupDownMs + marginMs;
  const failbackMs = script.intervalMs * script.rise + masterDownAgainMs + marginMs;
  const text = `failover ${script.intervalMs} ms x fall ${script.fall} + Master_Down_Interval(${bi.priority}) ${backupDownMs.toFixed(0)} ms + margin ${marginMs} ms = ${failoverMs.toFixed(0)} ms; ` +
    `failback ${script.intervalMs} ms x rise ${script.rise} + Master_Down_Interval(${mi.priority}) ${masterDownAgainMs.toFixed(0)} ms + margin ${marginMs} ms = ${failbackMs.toFixed(0)} ms`;
  return { degradedPriority, scriptIntervalMs: script.intervalMs, backupDownMs, failoverMs, failbackMs, text };
}
