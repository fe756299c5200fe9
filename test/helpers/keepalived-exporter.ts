/**
 * mehdy/keepalived-exporter's reading of keepalived's dump files, ported line for line to TypeScript so
 * tests can check that vrrpd's files give that exporter the values they should. Source read:
 * internal/collector/parser.go (ParseVRRPData, ParseVRRPScript, ParseStats, ParseJSON, ParseVIP),
 * setter.go (setState, setVRID, ...), collector.go (Collect, getKeepalivedStats: metric names and labels)
 * and internal/types/host/keepalived_host_collector_host.go (the /tmp paths, `keepalived --signum`, the
 * pid file). Go semantics kept: strings.Split, strings.TrimSpace, strconv.Atoi (errors are thrown where
 * the Go code returns an error), encoding/json into int fields (a non-integer is an error).
 */

export interface VRRPData {
  IName: string;
  State: number;
  WantState: number;
  Intf: string;
  GArpDelay: number;
  VRID: number;
  VIPs: string[];
  ExcludedVIPs: string[];
}

export interface VRRPStats {
  AdvertRcvd: number; AdvertSent: number; BecomeMaster: number; ReleaseMaster: number; PacketLenErr: number; AdvertIntervalErr: number;
  IPTTLErr: number; InvalidTypeRcvd: number; AddrListErr: number; InvalidAuthType: number; AuthTypeMismatch: number; AuthFailure: number;
  PRIZeroRcvd: number; PRIZeroSent: number;
}

export interface VRRPScript {
  Name: string;
  Status: string;
  State: string;
}

const VRRPStates = ['INIT', 'BACKUP', 'MASTER', 'FAULT'];
const VRRPScriptStatuses = ['BAD', 'GOOD'];
const VRRPScriptStates = ['idle', 'running', 'requested termination', 'forcing termination'];

/** bufio.Scanner with ScanLines: lines without their "\n" (and a trailing "\r"); no empty last line. */
function scanLines(text: string): string[] {
  const lines = text.split('\n').map((l) => l.replace(/\r$/, ''));
  if (lines.length > 0 && lines[lines.length - 1] === '' && text.endsWith('\n')) lines.pop();
  return lines;
}

const trim = (s: string): string => s.replace(/^[\s]+|[\s]+$/g, '');

/** strconv.Atoi. @throws Error like Go's *NumError. */
export function atoi(s: string | undefined): number {
  if (s === undefined) throw new Error('index out of range (a Go panic)');
  if (!/^[+-]?\d+$/.test(s)) throw new Error(`strconv.Atoi: parsing ${JSON.stringify(s)}: invalid syntax`);
  return Number(s);
}

function emptyData(name: string): VRRPData {
  return { IName: name, State: 0, WantState: 0, Intf: '', GArpDelay: 0, VRID: 0, VIPs: [], ExcludedVIPs: [] };
}

function stateIndex(state: string, what: string): number {
  const i = VRRPStates.indexOf(state);
  if (i < 0) throw new Error(`unknown ${what} found: ${state}`);
  return i;
}

/** ParseVRRPData (keepalived.data). */
export function parseVRRPData(text: string): Map<string, VRRPData> {
  const data = new Map<string, VRRPData>();
  const sep = 'VRRP Instance';
  const prop = '=';
  const arrayProp = ':';
  let instance = '';
  let key = '';
  let val = '';
  for (const l of scanLines(text)) {
    if (l.startsWith(' ' + sep) && l.includes(prop)) {
      const s = trim(l).split(prop);
      instance = trim(s[1]);
      data.set(instance, emptyData(instance));
    } else if (l.startsWith('   ') && instance !== '') {
      if (l.startsWith('     ')) {
        val = trim(l);
      } else {
        let args: string[];
        if (l.includes(prop)) args = trim(l).split(prop);
        else if (l.includes(arrayProp)) args = trim(l).split(arrayProp);
        else continue;
        key = trim(args[0]);
        if (key === 'Virtual IP') continue; // isKeyArray
        val = trim(args[1]);
      }
      const d = data.get(instance) as VRRPData;
      if ((key.startsWith('Virtual IP (') || key === 'Virtual IP') && val !== '') d.VIPs.push(trim(val));
      if (key.startsWith('Virtual IP Excluded') && val !== '') d.ExcludedVIPs.push(trim(val));
      switch (key) {
        case 'State':
          d.State = stateIndex(val, 'state');
          break;
        case 'Wantstate':
          d.WantState = stateIndex(val, 'wantstate');
          break;
        case 'Interface':
        case 'Listening device':
          d.Intf = val;
          break;
        case 'Gratuitous ARP delay':
          d.GArpDelay = atoi(val);
          break;
        case 'Virtual Router ID':
          d.VRID = atoi(val);
          break;
      }
    } else if (l.startsWith(' VRRP Version') || l.startsWith(' VRRP Script')) {
      continue;
    } else {
      instance = '';
    }
  }
  return data;
}

/** ParseVRRPScript (the scripts of keepalived.data). */
export function parseVRRPScript(text: string): VRRPScript[] {
  const scripts: VRRPScript[] = [];
  const sep = 'VRRP Script';
  const prop = '=';
  let script: VRRPScript = { Name: '', Status: '', State: '' };
  for (const l of scanLines(text)) {
    if (l.startsWith(' ' + sep) && l.includes(prop)) {
      if (script.Name !== '') {
        scripts.push(script);
        script = { Name: '', Status: '', State: '' };
      }
      script.Name = trim(trim(l).split(prop)[1]);
    } else if (l.startsWith('   ') && script.Name !== '') {
      if (!l.includes(prop)) continue;
      const s = trim(l).split(prop);
      const key = trim(s[0]);
      const val = trim(s[1]);
      if (key === 'Status') script.Status = val;
      if (key === 'State') script.State = val;
    } else if (!l.startsWith('    ')) {
      if (script.Name !== '') {
        scripts.push(script);
        script = { Name: '', Status: '', State: '' };
      }
    }
  }
  if (script.Name !== '') scripts.push(script);
  return scripts;
}

function emptyStats(): VRRPStats {
  return { AdvertRcvd: 0, AdvertSent: 0, BecomeMaster: 0, ReleaseMaster: 0, PacketLenErr: 0, AdvertIntervalErr: 0, IPTTLErr: 0, InvalidTypeRcvd: 0, AddrListErr: 0, InvalidAuthType: 0, AuthTypeMismatch: 0, AuthFailure: 0, PRIZeroRcvd: 0, PRIZeroSent: 0 };
}

/** ParseStats (keepalived.stats). */
export function parseStats(text: string): Map<string, VRRPStats> {
  const stats = new Map<string, VRRPStats>();
  const sep = 'VRRP Instance';
  const prop = ':';
  let instance = '';
  let section = '';
  for (const l of scanLines(text)) {
    if (l.startsWith(sep) && l.includes(prop)) {
      instance = trim(trim(l).split(prop)[1]);
      stats.set(instance, emptyStats());
    } else if (l.startsWith('  ') && l.endsWith(prop)) {
      section = trim(trim(l).split(prop)[0]);
    } else if (l.startsWith('    ') && section !== '') {
      const sp = trim(l).split(prop);
      const key = trim(sp[0]);
      const value = atoi(trim(sp[1] ?? ''));
      const st = stats.get(instance) as VRRPStats;
      const set: Record<string, Record<string, keyof VRRPStats>> = {
        Advertisements: { Received: 'AdvertRcvd', Sent: 'AdvertSent' },
        'Packet Errors': { Length: 'PacketLenErr', TTL: 'IPTTLErr', 'Invalid Type': 'InvalidTypeRcvd', 'Advertisement Interval': 'AdvertIntervalErr', 'Address List': 'AddrListErr' },
        'Authentication Errors': { 'Invalid Type': 'InvalidAuthType', 'Type Mismatch': 'AuthTypeMismatch', Failure: 'AuthFailure' },
        'Priority Zero': { Received: 'PRIZeroRcvd', Sent: 'PRIZeroSent' },
      };
      const field = set[section]?.[key];
      if (field) st[field] = value;
    } else if (l.startsWith('  ') && !l.endsWith(prop) && !l.startsWith('    ')) {
      const sp = trim(l).split(prop);
      const key = trim(sp[0]);
      const value = atoi(sp[1] === undefined ? undefined : trim(sp[1]));
      section = '';
      const st = stats.get(instance) as VRRPStats;
      if (key === 'Became master') st.BecomeMaster = value;
      if (key === 'Released master') st.ReleaseMaster = value;
    }
  }
  return stats;
}

const JSON_DATA_INTS: Array<[string, keyof VRRPData]> = [['state', 'State'], ['wantstate', 'WantState'], ['garp_delay', 'GArpDelay'], ['vrid', 'VRID']];
const JSON_STATS: Array<[string, keyof VRRPStats]> = [
  ['advert_rcvd', 'AdvertRcvd'], ['advert_sent', 'AdvertSent'], ['become_master', 'BecomeMaster'], ['release_master', 'ReleaseMaster'], ['packet_len_err', 'PacketLenErr'],
  ['advert_interval_err', 'AdvertIntervalErr'], ['ip_ttl_err', 'IPTTLErr'], ['invalid_type_rcvd', 'InvalidTypeRcvd'], ['addr_list_err', 'AddrListErr'],
  ['invalid_authtype', 'InvalidAuthType'], ['authtype_mismatch', 'AuthTypeMismatch'], ['auth_failure', 'AuthFailure'], ['pri_zero_rcvd', 'PRIZeroRcvd'], ['pri_zero_sent', 'PRIZeroSent'],
];

/** ParseJSON (keepalived.json): json.Decoder into []VRRP; a non-integer in an int field is an error. */
export function parseJSON(text: string): Array<{ Data: VRRPData; Stats: VRRPStats }> {
  const top = JSON.parse(text) as unknown;
  if (!Array.isArray(top)) throw new Error('json: cannot unmarshal object into Go value of type []collector.VRRP');
  const int = (v: unknown, field: string): number => {
    if (v === undefined || v === null) return 0;
    if (typeof v !== 'number' || !Number.isInteger(v)) throw new Error(`json: cannot unmarshal ${JSON.stringify(v)} into Go struct field .${field} of type int`);
    return v;
  };
  const strs = (v: unknown, field: string): string[] => {
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) throw new Error(`json: cannot unmarshal into Go struct field .${field} of type []string`);
    return v as string[];
  };
  return top.map((e: { data?: Record<string, unknown>; stats?: Record<string, unknown> }) => {
    const d = e.data ?? {};
    const Data = emptyData(typeof d.iname === 'string' ? d.iname : '');
    if (d.iname !== undefined && typeof d.iname !== 'string') throw new Error('json: iname is not a string');
    for (const [k, f] of JSON_DATA_INTS) (Data[f] as number) = int(d[k], `data.${k}`);
    if (d.ifp_ifname !== undefined && typeof d.ifp_ifname !== 'string') throw new Error('json: ifp_ifname is not a string');
    Data.Intf = (d.ifp_ifname as string | undefined) ?? '';
    Data.VIPs = strs(d.vips, 'data.vips');
    Data.ExcludedVIPs = strs(d.excluded_vips, 'data.excluded_vips');
    const s = e.stats ?? {};
    const Stats = emptyStats();
    for (const [k, f] of JSON_STATS) Stats[f] = int(s[k], `stats.${k}`);
    return { Data, Stats };
  });
}

/** ParseVIP: "ADDR dev IF ..." -> [ADDR, IF]; null where the exporter logs "Failed to parse VIP". */
export function parseVIP(vip: string): [string, string] | null {
  const args = vip.split(' ');
  return args.length < 3 ? null : [args[0], args[2]];
}

/** One exported sample: metric name, labels, value. */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/**
 * Collect (collector.go) over the parsed files: the samples the exporter would export for them. Text mode
 * (useJSON false): scripts and data from keepalived.data, stats from keepalived.stats; the error
 * getKeepalivedStats returns when they disagree is thrown. JSON mode: keepalived.json only.
 */
export function exporterSamples(files: { data?: string; stats?: string; json?: string }, useJSON = false): Sample[] {
  let vrrps: Array<{ Data: VRRPData; Stats: VRRPStats }>;
  let scripts: VRRPScript[] = [];
  if (useJSON) {
    vrrps = parseJSON(files.json ?? '');
  } else {
    scripts = parseVRRPScript(files.data ?? '');
    const st = parseStats(files.stats ?? '');
    const data = parseVRRPData(files.data ?? '');
    if (data.size !== st.size) throw new Error('keepalived.data and keepalived.stats datas are not synced');
    vrrps = [...data].map(([name, d]) => {
      const s = st.get(name);
      if (!s) throw new Error('there is no stats found for instance');
      return { Data: d, Stats: s };
    });
  }
  const out: Sample[] = [{ name: 'keepalived_up', labels: {}, value: 1 }];
  const counters: Array<[string, (s: VRRPStats, d: VRRPData) => number]> = [
    ['keepalived_advertisements_received_total', (s) => s.AdvertRcvd], ['keepalived_advertisements_sent_total', (s) => s.AdvertSent],
    ['keepalived_become_master_total', (s) => s.BecomeMaster], ['keepalived_release_master_total', (s) => s.ReleaseMaster],
    ['keepalived_packet_length_errors_total', (s) => s.PacketLenErr], ['keepalived_advertisements_interval_errors_total', (s) => s.AdvertIntervalErr],
    ['keepalived_ip_ttl_errors_total', (s) => s.IPTTLErr], ['keepalived_invalid_type_received_total', (s) => s.InvalidTypeRcvd],
    ['keepalived_address_list_errors_total', (s) => s.AddrListErr], ['keepalived_authentication_invalid_total', (s) => s.InvalidAuthType],
    ['keepalived_authentication_mismatch_total', (s) => s.AuthTypeMismatch], ['keepalived_authentication_failure_total', (s) => s.AuthFailure],
    ['keepalived_priority_zero_received_total', (s) => s.PRIZeroRcvd], ['keepalived_priority_zero_sent_total', (s) => s.PRIZeroSent],
    ['keepalived_gratuitous_arp_delay_total', (_s, d) => d.GArpDelay],
  ];
  for (const v of vrrps) {
    const common = { iname: v.Data.IName, intf: v.Data.Intf, vrid: String(v.Data.VRID) };
    for (const [name, f] of counters) out.push({ name, labels: common, value: f(v.Stats, v.Data) });
    for (const ip of v.Data.VIPs) {
      const p = parseVIP(ip);
      if (!p) continue;
      out.push({ name: 'keepalived_vrrp_state', labels: { iname: v.Data.IName, intf: p[1], vrid: String(v.Data.VRID), ip_address: p[0] }, value: v.Data.State });
    }
    for (const ip of v.Data.ExcludedVIPs) {
      const p = parseVIP(ip);
      if (!p) continue;
      out.push({ name: 'keepalived_vrrp_excluded_state', labels: { iname: v.Data.IName, intf: p[1], vrid: String(v.Data.VRID), ip_address: p[0] }, value: v.Data.State });
    }
    if (v.Data.VIPs.length === 0) out.push({ name: 'keepalived_vrrp_state', labels: { ...common, ip_address: '' }, value: v.Data.State });
  }
  for (const s of scripts) {
    const status = VRRPScriptStatuses.indexOf(s.Status);
    if (status >= 0) out.push({ name: 'keepalived_script_status', labels: { name: s.Name }, value: status });
    const state = VRRPScriptStates.indexOf(s.State);
    if (state >= 0) out.push({ name: 'keepalived_script_state', labels: { name: s.Name }, value: state });
  }
  return out;
}
