/**
 * Prometheus metrics of a running vrrpd (prom-client, a Registry of its own): keepalived-exporter's names
 * and labels (mehdy/keepalived-exporter internal/collector/collector.go) so its dashboards keep working,
 * and what vrrpd knows beyond keepalived under `vrrpd_` names. Values are read from `status()` at scrape
 * time; counters stay monotonic when a reload or a reopened socket restarts a source counter (the value
 * it had is carried as an offset). `serveMetrics` serves GET /metrics over HTTP.
 */
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { KeepalivedConfig } from '../config/types';
import type { RouterState } from '../fsm/types';
import type { InstanceCounters } from '../node/counters';
import type { StateChangeEvent } from '../node/types';
import { scriptStatuses, STATE_NUMBER, vipsOf } from './keepalived-dump';
import type { VrrpdStatus } from './vrrpd';

/** What the metrics read: a Vrrpd (status at scrape time, its events, its configuration). */
export interface MetricsSource {
  status(): VrrpdStatus;
  readonly configuration?: KeepalivedConfig;
  on(event: 'state-change', fn: (e: StateChangeEvent) => void): unknown;
  off(event: 'state-change', fn: (e: StateChangeEvent) => void): unknown;
}

/** Options of `VrrpdMetrics`. */
export interface MetricsOptions {
  /** Monotonic milliseconds for durations measured from events (default performance.now). */
  nowMs?: () => number;
}

type Labels = Record<string, string | number>;

/** Keeps exported counters monotonic: a source value that went down restarted; what it had is added on. */
class Monotonic {
  private readonly last = new Map<string, number>();
  private readonly offset = new Map<string, number>();

  value(key: string, raw: number): number {
    const before = this.last.get(key);
    let off = this.offset.get(key) ?? 0;
    if (before !== undefined && raw < before) {
      off += before;
      this.offset.set(key, off);
    }
    this.last.set(key, raw);
    return off + raw;
  }
}

/** keepalived-exporter's per-instance counters: metric name -> help and the InstanceCounters field. */
const KEEPALIVED_COUNTERS: Array<[string, string, keyof Omit<InstanceCounters, 'dropped'>]> = [
  ['keepalived_advertisements_received_total', 'Advertisements received', 'advertsReceived'],
  ['keepalived_advertisements_sent_total', 'Advertisements sent', 'advertsSent'],
  ['keepalived_become_master_total', 'Became master', 'becomeMaster'],
  ['keepalived_release_master_total', 'Released master', 'releaseMaster'],
  ['keepalived_packet_length_errors_total', 'Packet length errors', 'packetLengthErrors'],
  ['keepalived_advertisements_interval_errors_total', 'Advertisement interval errors', 'intervalErrors'],
  ['keepalived_ip_ttl_errors_total', 'TTL errors', 'ttlErrors'],
  ['keepalived_invalid_type_received_total', 'Invalid type errors', 'invalidType'],
  ['keepalived_address_list_errors_total', 'Address list errors', 'addressListErrors'],
  ['keepalived_authentication_invalid_total', 'Authentication invalid', 'authInvalid'],
  ['keepalived_authentication_mismatch_total', 'Authentication mismatch', 'authMismatch'],
  ['keepalived_authentication_failure_total', 'Authentication failure', 'authFailure'],
  ['keepalived_priority_zero_received_total', 'Priority zero received', 'priorityZeroReceived'],
  ['keepalived_priority_zero_sent_total', 'Priority zero sent', 'priorityZeroSent'],
];

/** Buckets (s) for the time spent in BACKUP before a takeover: a skew time to days. */
const BACKUP_BUCKETS = [0.1, 0.5, 1, 2, 3, 5, 10, 30, 60, 300, 900, 3600, 21600, 86400];

type Inst = VrrpdStatus['instances'][number];
const common = (i: Inst): Labels => ({ iname: i.name, intf: i.interface, vrid: String(i.vrid) });

/** The registry of one daemon's metrics. `close()` stops listening to its events. */
export class VrrpdMetrics {
  readonly registry = new Registry();
  private readonly mono = new Monotonic();
  private readonly nowMs: () => number;
  private readonly backupSince = new Map<string, number>();
  private readonly onChange = (e: StateChangeEvent): void => this.stateChanged(e);
  private readonly transitions: Counter<string>;
  private readonly backupBeforeMaster: Histogram<string>;
  private snapshot: VrrpdStatus | null = null;

  constructor(private readonly source: MetricsSource, opts: MetricsOptions = {}) {
    this.nowMs = opts.nowMs ?? (() => performance.now());
    const reg = [this.registry];
    const config = (): KeepalivedConfig | undefined => this.source.configuration;
    const monotonic = (name: string, labels: Labels, raw: number): number => this.mono.value(`${name}${JSON.stringify(labels)}`, raw);
    const status = (): VrrpdStatus => this.status();

    new Gauge({ name: 'keepalived_up', help: 'Status', registers: reg, collect() {
      this.set(1);
    } });
    new Gauge({ name: 'keepalived_vrrp_state', help: 'State of vrrp', labelNames: ['iname', 'intf', 'vrid', 'ip_address'], registers: reg, collect() {
      this.reset();
      for (const i of status().instances) {
        const conf = config()?.instances.find((c) => c.name === i.name);
        const vips = vipsOf(i, conf);
        // One series per VIP, its interface taken from the VIP as the exporter does (ParseVIP); none: one with "".
        for (const v of vips) {
          const [ip, , dev] = v.split(' ');
          this.set({ iname: i.name, intf: dev, vrid: String(i.vrid), ip_address: ip }, STATE_NUMBER[i.state]);
        }
        if (vips.length === 0) this.set({ ...common(i), ip_address: '' }, STATE_NUMBER[i.state]);
      }
    } });
    for (const [name, help, field] of KEEPALIVED_COUNTERS) {
      new Counter({ name, help, labelNames: ['iname', 'intf', 'vrid'], registers: reg, collect() {
        this.reset();
        for (const i of status().instances) this.inc(common(i), monotonic(name, common(i), i.counters[field]));
      } });
    }
    new Gauge({ name: 'keepalived_gratuitous_arp_delay_total', help: 'Gratuitous ARP delay', labelNames: ['iname', 'intf', 'vrid'], registers: reg, collect() {
      this.reset();
      const conf = config();
      if (!conf) return;
      for (const i of status().instances) {
        const c = conf.instances.find((x) => x.name === i.name);
        this.set(common(i), Math.floor((c?.garpMasterDelayMs ?? conf.global.garpMasterDelayMs) / 1000));
      }
    } });
    new Gauge({ name: 'keepalived_script_status', help: 'Tracker Script Status', labelNames: ['name'], registers: reg, collect() {
      this.reset();
      // The exporter exports only GOOD (1) and BAD (0); a script with no result yet has no series.
      for (const [name, word] of scriptStatuses(status())) if (word !== 'INIT') this.set({ name }, word === 'GOOD' ? 1 : 0);
    } });
    new Gauge({ name: 'keepalived_script_state', help: 'Tracker Script State (0 idle: vrrpd does not tell a check in progress)', labelNames: ['name'], registers: reg, collect() {
      this.reset();
      const names = config()?.scripts.map((x) => x.name) ?? [...scriptStatuses(status()).keys()];
      for (const name of names) this.set({ name }, 0);
    } });

    const perInstance = (name: string, help: string, value: (i: Inst) => number | null): void => {
      new Gauge({ name, help, labelNames: ['iname', 'intf', 'vrid'], registers: reg, collect() {
        this.reset();
        for (const i of status().instances) {
          const v = value(i);
          if (v !== null) this.set(common(i), v);
        }
      } });
    };
    perInstance('vrrpd_priority_effective', 'Effective priority (base plus tracker weights, 0..255)', (i) => i.priority.effective);
    perInstance('vrrpd_priority_base', 'Configured priority', (i) => i.priority.base);
    perInstance('vrrpd_last_transition_timestamp_seconds', 'Unix time of the last state change', (i) => (i.lastTransitionTime ? Date.parse(i.lastTransitionTime) / 1000 : null));
    new Gauge({ name: 'vrrpd_last_transition_info', help: 'The last state change of each instance (value 1)', labelNames: ['iname', 'intf', 'vrid', 'from', 'to', 'reason'], registers: reg, collect() {
      this.reset();
      for (const i of status().instances) if (i.lastTransition) this.set({ ...common(i), from: i.lastTransition.from, to: i.lastTransition.to, reason: i.lastTransition.reason }, 1);
    } });
    new Gauge({ name: 'vrrpd_instance_state', help: 'Current state of each instance (1 for the state it is in)', labelNames: ['iname', 'intf', 'vrid', 'state'], registers: reg, collect() {
      this.reset();
      for (const i of status().instances) for (const s of Object.keys(STATE_NUMBER) as RouterState[]) this.set({ ...common(i), state: s }, i.state === s ? 1 : 0);
    } });
    new Counter({ name: 'vrrpd_adverts_dropped_total', help: 'Adverts for an instance dropped or ignored, by reason code', labelNames: ['iname', 'intf', 'vrid', 'reason'], registers: reg, collect() {
      this.reset();
      for (const i of status().instances) {
        for (const [reason, n] of Object.entries(i.counters.dropped)) {
          const l = { ...common(i), reason };
          this.inc(l, monotonic('vrrpd_adverts_dropped_total', l, n ?? 0));
        }
      }
    } });
    new Counter({ name: 'vrrpd_adverts_unclaimed_total', help: 'Packets no instance claimed (unknown VRID, bad header), by reason code', labelNames: ['reason'], registers: reg, collect() {
      this.reset();
      for (const [reason, n] of Object.entries(status().unclaimed)) this.inc({ reason }, monotonic('vrrpd_adverts_unclaimed_total', { reason }, n ?? 0));
    } });
    new Counter({ name: 'vrrpd_io_errors_total', help: 'Failed actions of an instance (address changes, announcements, sends), by kind', labelNames: ['iname', 'intf', 'vrid', 'kind'], registers: reg, collect() {
      this.reset();
      for (const i of status().instances) {
        for (const [kind, n] of Object.entries(i.ioErrors)) {
          const l = { ...common(i), kind };
          this.inc(l, monotonic('vrrpd_io_errors_total', l, n));
        }
      }
    } });
    new Gauge({ name: 'vrrpd_tracker_priority_delta', help: 'What each tracker adds to the priority now', labelNames: ['iname', 'kind', 'name'], registers: reg, collect() {
      this.reset();
      for (const i of status().instances) for (const t of i.trackers) this.set({ iname: i.name, kind: t.kind, name: t.name }, t.delta);
    } });
    new Gauge({ name: 'vrrpd_tracker_fault', help: 'Whether each tracker holds its instance in FAULT (1)', labelNames: ['iname', 'kind', 'name'], registers: reg, collect() {
      this.reset();
      for (const i of status().instances) for (const t of i.trackers) this.set({ iname: i.name, kind: t.kind, name: t.name }, t.fault ? 1 : 0);
    } });
    new Gauge({ name: 'vrrpd_sync_group_state', help: 'State of each sync group (0 INIT, 1 BACKUP, 2 MASTER, 3 FAULT)', labelNames: ['name'], registers: reg, collect() {
      this.reset();
      for (const g of status().syncGroups) {
        const n = STATE_NUMBER[g.state as RouterState];
        if (n !== undefined) this.set({ name: g.name }, n);
      }
    } });
    const transport = (name: string, help: string, field: 'received' | 'accepted' | 'sent' | 'sendErrors' | 'reopens'): void => {
      new Counter({ name, help, labelNames: ['transport'], registers: reg, collect() {
        this.reset();
        for (const t of status().transports) this.inc({ transport: t.key }, monotonic(name, { transport: t.key }, t[field]));
      } });
    };
    transport('vrrpd_transport_received_total', 'Packets read by each transport (interface/family), before validation', 'received');
    transport('vrrpd_transport_accepted_total', 'Packets that passed every receive rule', 'accepted');
    transport('vrrpd_transport_sent_total', 'Adverts handed to the kernel', 'sent');
    transport('vrrpd_transport_send_errors_total', 'Sends the kernel refused', 'sendErrors');
    transport('vrrpd_transport_reopens_total', 'Times a transport was opened again (interface replaced, MAC changed)', 'reopens');
    new Counter({ name: 'vrrpd_transport_dropped_total', help: 'Packets each transport dropped, by reason code', labelNames: ['transport', 'reason'], registers: reg, collect() {
      this.reset();
      for (const t of status().transports) {
        for (const [reason, n] of Object.entries(t.dropped)) {
          const l = { transport: t.key, reason };
          this.inc(l, monotonic('vrrpd_transport_dropped_total', l, n ?? 0));
        }
      }
    } });
    this.transitions = new Counter({ name: 'vrrpd_transitions_total', help: 'State changes, by from, to and reason', labelNames: ['iname', 'from', 'to', 'reason'], registers: reg });
    this.backupBeforeMaster = new Histogram({
      name: 'vrrpd_backup_seconds_before_master', help: 'Time spent in BACKUP before each BACKUP -> MASTER, by reason (master-down-timer, priority-zero, preempted)',
      labelNames: ['iname', 'reason'], buckets: BACKUP_BUCKETS, registers: reg,
    });
    source.on('state-change', this.onChange);
  }

  /** The scrape's snapshot (every collect() of a scrape reads the same one). */
  private status(): VrrpdStatus {
    return this.snapshot ?? this.source.status();
  }

  private stateChanged(e: StateChangeEvent): void {
    const now = this.nowMs();
    this.transitions.inc({ iname: e.instance, from: e.from, to: e.to, reason: e.reason });
    const since = this.backupSince.get(e.instance);
    if (e.from === 'BACKUP' && e.to === 'MASTER' && since !== undefined) this.backupBeforeMaster.observe({ iname: e.instance, reason: e.reason }, (now - since) / 1000);
    if (e.to === 'BACKUP') this.backupSince.set(e.instance, now);
    else this.backupSince.delete(e.instance);
  }

  /** The scrape: Prometheus text exposition format. */
  async metrics(): Promise<string> {
    this.snapshot = this.source.status();
    try {
      return await this.registry.metrics();
    } finally {
      this.snapshot = null;
    }
  }

  /** Stops listening to the daemon's events. */
  close(): void {
    this.source.off('state-change', this.onChange);
  }
}

/** "HOST:PORT", "[V6]:PORT" or ":PORT" (every address). @throws Error naming what is wrong. */
export function parseListen(spec: string): { host: string | undefined; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d{1,5})$/.exec(spec);
  const port = m ? Number(m[3]) : NaN;
  if (!m || port > 65535) throw new Error(`--metrics ${JSON.stringify(spec)}: expected HOST:PORT, [IPV6]:PORT or :PORT (port 0-65535, 0: any free port)`);
  const host = m[1] ?? m[2];
  return { host: host === '' ? undefined : host, port };
}

/** Serves `GET /metrics` (anything else: 404) on `listen` (see parseListen); resolves once listening. */
export function serveMetrics(metrics: VrrpdMetrics, listen: string): Promise<Server> {
  const { host, port } = parseListen(listen);
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path !== '/metrics' || (req.method !== 'GET' && req.method !== 'HEAD')) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('vrrpd: metrics are at /metrics\n');
      return;
    }
    metrics.metrics().then(
      (text) => res.writeHead(200, { 'content-type': metrics.registry.contentType }).end(req.method === 'HEAD' ? undefined : text),
      (e: Error) => res.writeHead(500, { 'content-type': 'text/plain' }).end(`vrrpd: ${e.message}\n`),
    );
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}
