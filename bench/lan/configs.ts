/**
 * keepalived.conf texts for the LAN benchmarks: the same text runs under keepalived and vrrpd. Addresses
 * are documentation ranges only: hosts 192.0.2.N (and /28s of it on VLANs), VIPs 198.51.100.VRID and
 * 2001:db8:1::VRID.
 */

/** One VRRP instance. */
export interface VrSpec {
  name: string;
  vrid: number;
  family: 4 | 6;
  ifname: string;
  priority: number;
  intervalS: number;
  vip: string;
}

/** global_defs shared by both daemons (keepalived's defaults written out, so both do the same). */
export function globalDefs(extra = ''): string {
  return `global_defs {
  router_id bench
  vrrp_version 3
  vrrp_garp_master_delay 5
  vrrp_garp_master_repeat 5
${extra}}
`;
}

/** The text of one instance. */
export function instanceText(v: VrSpec): string {
  return `vrrp_instance ${v.name} {
  state BACKUP
  interface ${v.ifname}
  virtual_router_id ${v.vrid}
  priority ${v.priority}
  advert_int ${v.intervalS}
  version 3
  virtual_ipaddress {
    ${v.vip}
  }
}
`;
}

/** `count` VRs per family per interface (VRIDs 1..count), VIPs 198.51.100.VRID / 2001:db8:1:IFINDEX::VRID. */
export function manyVrs(o: { ifnames: string[]; count: number; families: Array<4 | 6>; priority: number; intervalS: number }): VrSpec[] {
  const out: VrSpec[] = [];
  o.ifnames.forEach((ifname, k) => {
    for (const family of o.families) {
      for (let vrid = 1; vrid <= o.count; vrid++) {
        const vip = family === 4 ? `198.51.100.${vrid}/32` : `2001:db8:1:${k.toString(16)}::${vrid.toString(16)}/128`;
        out.push({ name: `VI_${ifname.replace(/\W/g, '_')}_${family}_${vrid}`, vrid, family, ifname, priority: o.priority, intervalS: o.intervalS, vip });
      }
    }
  });
  return out;
}

/** A whole keepalived.conf. */
export function confText(vrs: readonly VrSpec[], extraGlobal = ''): string {
  return globalDefs(extraGlobal) + vrs.map(instanceText).join('');
}
