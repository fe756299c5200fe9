/** Human-readable table of `vrrpd inspect` records: one line per VRRP frame, times relative to the first. */
import { InspectRecord } from './records';

const COLUMNS: Array<[string, number]> = [
  ['frame', 6], ['time(s)', 10], ['src', 26], ['dst', 14], ['ttl', 4], ['ver', 3], ['vrid', 4], ['prio', 4],
  ['int(cs)', 7], ['cnt', 3], ['checksum', 16], ['status', 20],
];

function cell(value: string, width: number, right: boolean): string {
  return right ? value.padStart(width) : value.padEnd(width);
}

function show(v: number | string | null | undefined): string {
  return v === null || v === undefined ? '-' : String(v);
}

const right = (i: number): boolean => i < 2 || (i >= 4 && i <= 9);

/** The table's header line. */
export function tableHeader(): string {
  return COLUMNS.map(([h, w], i) => cell(h, w, right(i))).join(' ') + ' addresses';
}

/** One record's line; `t0` is the capture time (seconds) the time column counts from (the first record's). */
export function tableRow(r: InspectRecord, t0: number): string {
  const status = r.valid ? (r.warnings.length ? `ok (${r.warnings.join(',')})` : 'ok') : `INVALID ${r.error}`;
  const values = [
    show(r.frame), (r.time - t0).toFixed(6), r.src, r.dst, show(r.ttl), show(r.version), show(r.vrid), show(r.priority),
    show(r.intervalCs), show(r.count), show(r.checksum), status,
  ];
  let line = values.map((v, i) => cell(v, COLUMNS[i][1], right(i))).join(' ');
  line += ' ' + (r.addresses ? r.addresses.join(',') : '-');
  if (r.authType !== undefined) line += ` auth=${show(r.authType)}${r.authData ? `:${JSON.stringify(r.authData)}` : ''}`;
  return line;
}

/** The table as lines (header first); times are relative to the first record. */
export function formatTable(records: readonly InspectRecord[]): string[] {
  const t0 = records.length ? records[0].time : 0;
  return [tableHeader(), ...records.map((r) => tableRow(r, t0))];
}
