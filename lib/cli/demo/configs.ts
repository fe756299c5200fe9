/**
 * The demo's LAN plan and the keepalived.conf of each router, with the timing figures the story's bounds
 * are computed from. Addresses are documentation ones (RFC 5737 192.0.2.0/24) only.
 */

/** One router of the demo. */
export interface DemoRouter {
  name: 'r1' | 'r2';
  address: string;
  state: 'MASTER' | 'BACKUP';
  priority: number;
  mac: string;
}

export const ROUTERS: readonly DemoRouter[] = [
  { name: 'r1', address: '192.0.2.1', state: 'MASTER', priority: 100, mac: '02:00:00:00:00:01' },
  { name: 'r2', address: '192.0.2.2', state: 'BACKUP', priority: 90, mac: '02:00:00:00:00:02' },
];
export const CLIENT = { name: 'client', address: '192.0.2.50', mac: '02:00:00:00:00:32' } as const;
export const VIP = '192.0.2.100';
export const PREFIX_LEN = 24;
export const HTTP_PORT = 8080;
export const VRID = 51;

/** Timing of the configuration (the bounds of the story are derived from it). */
export const TIMING = {
  /** advert_int, VRRPv3, in centiseconds. */
  advertCs: 50,
  /** vrrp_script chk_http: interval and timeout (s), fall, rise, weight. */
  scriptIntervalMs: 1000,
  scriptTimeoutMs: 1000,
  fall: 2,
  rise: 2,
  weight: -20,
  /** The client's request period and timeout (ms). */
  clientPeriodMs: 20,
  clientTimeoutMs: 150,
  /** Slack for scheduling, process start-up of each check and the data plane (ms). */
  marginMs: 1500,
} as const;

/** Master_Down_Interval of a backup of `priority` (RFC 9568 §6.1), in milliseconds. */
export function masterDownMs(priority: number, advertCs: number = TIMING.advertCs): number {
  const skewCs = ((256 - priority) * advertCs) / 256;
  return (3 * advertCs + skewCs) * 10;
}

/**
 * Longest expected outage after r1's service stops: the checks' detection (interval × fall; a refused
 * connection fails at once, so the timeout does not add), r2's Master_Down_Interval, and the margin.
 */
export function takeoverBoundMs(): number {
  return TIMING.scriptIntervalMs * TIMING.fall + masterDownMs(ROUTERS[1].priority) + TIMING.marginMs;
}

/** Longest expected time from the service's restore to r1 answering: interval × rise + r1's MDI + margin. */
export function preemptBoundMs(): number {
  return TIMING.scriptIntervalMs * TIMING.rise + masterDownMs(ROUTERS[0].priority) + TIMING.marginMs;
}

/** `word` quoted for keepalived's command splitting when it holds blanks or quotes. @throws Error if it cannot be. */
function commandWord(word: string): string {
  if (/^[\w@%+=:,./-]+$/.test(word)) return word;
  if (word.includes("'") || word.includes('"')) throw new Error(`cannot put a path with quotes into a vrrp_script command: ${word}`);
  return `'${word}'`;
}

/** The `script` command line of chk_http for `router`: the node check program on its own address. */
export function checkCommand(router: DemoRouter, node: string, checkJs: string): string {
  return [node, checkJs, router.address, String(HTTP_PORT)].map(commandWord).join(' ');
}

/** The keepalived.conf of `router` (keepalived 2.x syntax; vrrpd and keepalived read it alike). */
export function routerConf(router: DemoRouter, check: string): string {
  const s = (ms: number): string => String(ms / 1000);
  return `# vrrpd demo: ${router.name} (${router.address})
global_defs {
  router_id ${router.name}
  # on becoming MASTER: one gratuitous ARP at once, one more 1 s later
  vrrp_garp_master_delay 1
  vrrp_garp_master_repeat 1
}

vrrp_script chk_http {
  script "${check}"
  interval ${s(TIMING.scriptIntervalMs)}
  timeout ${s(TIMING.scriptTimeoutMs)}
  fall ${TIMING.fall}
  rise ${TIMING.rise}
  weight ${TIMING.weight}
}

vrrp_instance VI_1 {
  state ${router.state}
  interface eth0
  virtual_router_id ${VRID}
  priority ${router.priority}
  version 3
  advert_int ${TIMING.advertCs / 100}
  virtual_ipaddress {
    ${VIP}/${PREFIX_LEN}
  }
  track_script {
    chk_http
  }
}
`;
}
